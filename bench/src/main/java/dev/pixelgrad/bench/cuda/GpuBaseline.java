package dev.pixelgrad.bench.cuda;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.kernels.cuda.CudaBackend;
import dev.pixelgrad.kernels.cuda.Impl;
import dev.pixelgrad.kernels.cuda.Implementations;
import dev.pixelgrad.nn.ParamGroup;
import dev.pixelgrad.nn.Sgd;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.backend.Backend;
import dev.pixelgrad.tensor.backend.Backends;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Pixelgrad's half of the GPU baseline: the cases of bench/python/gpu_baseline.py (the PyTorch half)
 * on the CUDA backend, each with our kernels and with NVIDIA's, timed in one JVM: SGEMM, FCN's VGG16
 * 3x3 convolutions at a 500x500 input (forward, backward-data, backward-weight), the bandwidth-bound
 * kernels against a device copy (float32), and a full-width FCN-8s training step and inference at
 * 500x500, batch 1, with the device-memory peak. Each case is
 * warmed up, then run until it has {@code --min-seconds} of samples (at least 5), each sample ended by
 * a device synchronise; the median is reported. Inputs are random, never zeros. Writes one JSON line per
 * case to {@code --json FILE} (tools/gpu/compare.py puts both halves side by side) and a table to stdout.
 * Every case runs at each {@link Precision} of {@code --precision} (default: fp32, and tf32 and bf16 where
 * the GPU has Ampere tensor cores); a TF32 or BF16 row's implementation is named with " tf32" or " bf16"
 * after it. Under BF16 the SGEMM and convolution cases take bfloat16 operands (cast once, outside the
 * timing, as autocast would) and the FCN-8s case runs mixed precision ({@link Precision#BF16}).
 *
 * <pre>java ... dev.pixelgrad.bench.cuda.GpuBaseline [--quick] [--min-seconds S] [--json FILE]
 *     [--only sgemm,conv,bandwidth,fcn] [--precision fp32,tf32,bf16]</pre>
 * {@code --quick}: small shapes, for checking the harness on the emulated device.
 */
public final class GpuBaseline {
    private static final Device GPU = Device.cuda(0);
    /** The groups of cases, in the order they run; {@code --only} picks some. */
    private static final List<String> GROUPS = List.of("sgemm", "conv", "bandwidth", "fcn");

    private final Backend cuda = Backends.of(GPU);
    private final boolean quick;
    private final double minSeconds;
    private final List<String> json = new ArrayList<>();
    private final List<Precision> precisions;
    private final PrintStream out = System.out;
    private long seed = 1;

    private GpuBaseline(boolean quick, double minSeconds, List<Precision> precisions) {
        this.quick = quick;
        this.minSeconds = minSeconds;
        this.precisions = precisions;
        this.impls = ((CudaBackend) cuda).emulated() ? List.of(Impl.OWN) : List.of(Impl.OWN, Impl.VENDOR);
    }

    /** Median milliseconds of {@code body} over warm-up then timed samples, each ended by a synchronise. */
    private double[] time(Runnable body) {
        int warmup = quick ? 1 : 3;
        for (int i = 0; i < warmup; i++) {
            try (Scope s = Scope.open()) {
                body.run();
            }
            cuda.synchronize();
        }
        List<Double> samples = new ArrayList<>();
        long start = System.nanoTime();
        while (samples.size() < (quick ? 2 : 5) || (System.nanoTime() - start) / 1e9 < minSeconds) {
            long t0 = System.nanoTime();
            try (Scope s = Scope.open()) {
                body.run();
                cuda.synchronize();
            }
            samples.add((System.nanoTime() - t0) / 1e6);
        }
        double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new double[] {sorted[sorted.length / 2], sorted.length};
    }

    private void record(String group, String name, String impl, double[] timing, double flop, long peakBytes) {
        record(group, name, impl, timing, flop, 0, peakBytes);
    }

    /**
     * One row: the table's line and the JSON line. The rate column is GFLOP/s where {@code flop} is given, GB/s
     * where {@code bytesMoved} is (the bandwidth group, whose JSON also carries gbytes_per_s).
     */
    private void record(String group, String name, String impl, double[] timing, double flop, long bytesMoved,
                        long peakBytes) {
        double ms = timing[0];
        String gflops = flop > 0 ? String.format(Locale.ROOT, "%.0f", flop / ms / 1e6) : "";
        double gbPerS = bytesMoved / ms / 1e6;
        String rate = bytesMoved > 0 ? String.format(Locale.ROOT, "%.0f GB/s", gbPerS) : gflops;
        String peak = peakBytes > 0 ? String.format(Locale.ROOT, "%.0f", peakBytes / 1048576.0) : "";
        out.printf(Locale.ROOT, "| %s | %s | %.3f | %s | %s | %d |%n", name, impl, ms, rate, peak, (int) timing[1]);
        json.add(String.format(Locale.ROOT,
                "{\"group\": \"%s\", \"case\": \"%s\", \"impl\": \"pixelgrad %s\", \"ms\": %.5f, \"gflops\": %s, "
                        + "\"peak_mib\": %s, \"samples\": %d%s}",
                group, name, impl, ms, gflops.isEmpty() ? "null" : gflops, peak.isEmpty() ? "null" : peak, (int) timing[1],
                bytesMoved > 0 ? String.format(Locale.ROOT, ", \"gbytes_per_s\": %.1f", gbPerS) : ""));
    }

    private Tensor randn(int... dims) {
        return Tensor.normal(Shape.of(dims), 0f, 1f, seed++, GPU);
    }

    /**
     * An operand as the current precision computes on it: under BF16 a bfloat16 copy (owned by the open
     * scope), as autocast would cast it; otherwise the tensor itself.
     */
    private static Tensor operand(Tensor t) {
        return Precision.current() == Precision.BF16 ? Ops.cast(t, DType.BFLOAT16) : t;
    }

    /**
     * Our kernels ("own") and NVIDIA's ("vendor": cuBLAS, cuDNN), for the op families that have both;
     * ours only on the emulated device, which has no NVIDIA libraries.
     */
    private final List<Impl> impls;

    private void sgemm() {
        int[] sizes = quick ? new int[] {128, 256} : new int[] {1024, 2048, 4096};
        for (int n : sizes) {
            Tensor a = randn(n, n);
            Tensor b = randn(n, n);
            for (Precision precision : precisions) {
                Precision.set(precision);
                try (Scope s = Scope.open()) {
                    Tensor left = operand(a);
                    Tensor right = operand(b);
                    for (Impl impl : impls) {
                        Implementations.set("matmul", impl);
                        record("sgemm", "sgemm " + n + "^3", name(impl), time(() -> Ops.matmul(left, false, right, false)),
                                2.0 * n * n * n, 0);
                    }
                }
            }
            a.close();
            b.close();
        }
    }

    /** FCN's VGG16 3x3 convolutions at a 500x500 input: {cin, cout, input size, padding}. */
    private static final int[][] FCN_CONVS = {
        {3, 64, 500, 100}, {64, 64, 698, 1}, {64, 128, 349, 1}, {128, 128, 349, 1}, {128, 256, 175, 1},
        {256, 256, 175, 1}, {256, 512, 88, 1}, {512, 512, 88, 1}, {512, 512, 44, 1},
    };
    private static final int[][] QUICK_CONVS = {{3, 8, 20, 10}, {8, 16, 24, 1}};

    private void conv() {
        for (int[] c : quick ? QUICK_CONVS : FCN_CONVS) {
            int cin = c[0];
            int cout = c[1];
            int size = c[2];
            ConvParams p = ConvParams.of(1, c[3]);
            Tensor x = randn(1, cin, size, size);
            Tensor w = Ops.scale(randn(cout, cin, 3, 3), (float) Math.sqrt(2.0 / (cin * 9)));
            Tensor b = randn(cout);
            int outSize = p.convOutH(size, 3);
            Tensor gy = randn(1, cout, outSize, outSize);
            double flop = 2.0 * cin * cout * 9 * outSize * outSize;
            String shape = "conv " + cin + "->" + cout + " @" + size + (c[3] != 1 ? " pad " + c[3] : "");
            for (Precision precision : precisions) {
                Precision.set(precision);
                try (Scope s = Scope.open()) {
                    Tensor xp = operand(x);
                    Tensor wp = operand(w);
                    Tensor bp = operand(b);
                    Tensor gyp = operand(gy);
                    for (Impl impl : impls) {
                        Implementations.set("conv2d", impl);
                        record("conv", shape + " forward", name(impl), time(() -> Ops.conv2d(xp, wp, bp, p)), flop, 0);
                        record("conv", shape + " backward-data", name(impl),
                                time(() -> Ops.conv2dBackwardData(gyp, wp, x.shape(), p)), flop, 0);
                        record("conv", shape + " backward-weight", name(impl),
                                time(() -> Ops.conv2dBackwardWeight(gyp, xp, w.shape(), p)), flop, 0);
                    }
                }
            }
            for (Tensor t : new Tensor[] {x, w, b, gy}) {
                t.close();
            }
        }
    }

    /**
     * The bandwidth-bound kernels (element-wise, pooling, loss, optimizer updates, cast) on 64M float32 values
     * (quick: 1M), each with the bytes it must move (every input read once, every output written once) over
     * its time, beside a device-to-device copy of as many bytes: the goal is 90% of the copy's rate. The
     * maps are [1, 64, side, side] (the loss: 21 channels).
     */
    private void bandwidth() {
        int side = quick ? 128 : 1024;
        long n = 64L * side * side;
        Tensor x = randn(1, 64, side, side);
        Tensor y = randn(1, 64, side, side);
        Tensor bias = randn(64);
        Tensor w = randn(1, 64, side, side);
        Tensor m = randn(1, 64, side, side);
        Tensor v = Ops.relu(randn(1, 64, side, side)); // Adam's second moment: not negative
        Tensor logits = randn(1, 21, side, side);
        Tensor labels = Tensor.ofInts(DeviceBenchmark.scatteredLabels(side * side, 21), 1, side, side).to(GPU);
        Precision.set(Precision.FP32);
        streaming("device copy", 8 * n, "own", x::copy);
        streaming("relu", 8 * n, "own", () -> Ops.relu(x));
        streaming("add", 12 * n, "own", () -> Ops.add(x, y));
        streaming("relu backward", 12 * n, "own", () -> Ops.reluBackward(x, y));
        streaming("bias add", 8 * n, "own", () -> Ops.addChannelBias(x, bias));
        streaming("dropout", 8 * n, "own", () -> Ops.dropout(x, 0.5f, 7));
        streaming("cast to bfloat16", 6 * n, "own", () -> Ops.cast(x, DType.BFLOAT16));
        streaming("sgd step", 20 * n, "own", () -> Ops.sgdStep(w, y, m, 1e-10f, 0.99f, 5e-4f));
        streaming("adam step", 28 * n, "own", () -> Ops.adamStep(w, y, m, v, 1e-10f, 0.9f, 0.999f, 1e-8f, 0f, 1));
        long lossBytes = (2L * 21 * 4 + 4) * side * side;
        streaming("softmax cross-entropy forward and backward", lossBytes, "own",
                () -> Ops.softmaxCrossEntropy(logits, labels, 255, Reduction.MEAN, true));
        for (Impl impl : impls) {
            Implementations.set("max_pool2d", impl);
            streaming("max_pool2d 2x2 forward", 5 * n, name(impl), () -> Ops.maxPool2d(x, PoolParams.of(2, 2, 0, false)));
            Implementations.set("bias_grad", impl);
            streaming("sum per channel", 4 * n, name(impl), () -> Ops.sumPerChannel(x));
            // The gradient is masked in place: after the first run every sample masks the same values again.
            streaming("relu backward and bias gradient", 12 * n, name(impl),
                    () -> Ops.reluBackwardInPlaceSumPerChannel(m, y));
        }
        Implementations.reset();
        for (Tensor t : new Tensor[] {x, y, bias, w, m, v, logits, labels}) {
            t.close();
        }
    }

    /** One bandwidth case: its time, and its rate as gigabytes per second of {@code bytes} moved. */
    private void streaming(String name, long bytes, String impl, Runnable body) {
        record("bandwidth", name, impl, time(body), 0, bytes, 0);
    }

    /** A full-width FCN-8s (quick: 1/16) at 500x500 (quick: 64x64), batch 1, 21 classes. */
    private void fcn() {
        int size = quick ? 64 : 500;
        FcnConfig cfg = new FcnConfig("fcn8s", 21, quick ? 1f / 16 : 1f, false, Preprocessing.CAFFE, 7);
        Tensor image = Tensor.uniform(Shape.of(1, 3, size, size), -100f, 100f, seed++, Device.CPU).to(GPU);
        Tensor labels = Tensor.ofInts(DeviceBenchmark.scatteredLabels(size * size, 21), 1, size, size).to(GPU);
        List<Impl> fcnImpls = impls.size() == 1 ? impls : List.of(Impl.AUTO, Impl.OWN);
        for (Precision precision : precisions) {
            Precision.set(precision);
            for (Impl impl : fcnImpls) {
                fcnCase(cfg, size, image, labels, impl);
            }
        }
        Implementations.reset();
    }

    /** One implementation's training step and inference, at the current precision. */
    private void fcnCase(FcnConfig cfg, int size, Tensor image, Tensor labels, Impl impl) {
        Implementations.set("all", impl);
        Fcn model = Fcn.create(cfg);
        model.to(GPU);
        Sgd sgd = new Sgd(ParamGroup.caffeRecipe(model), 1e-10f, 0.99f, 5e-4f);
        String label = "fcn8s " + size + "x" + size;
        model.train(true);
        Runnable step = () -> {
            Variable loss = F.softmaxCrossEntropy(model.forward(Variable.of(image)), labels, 255, Reduction.MEAN);
            loss.backward();
            sgd.step();
        };
        try (Scope s = Scope.open()) {
            step.run(); // optimizer state and cached blocks exist before the peak is taken
        }
        cuda.resetPeakMemory();
        double[] t = time(step);
        record("fcn", label + " training step", name(impl), t, 0, cuda.memoryStats().getOrDefault("peak_bytes", 0L));
        model.eval();
        cuda.resetPeakMemory();
        try (GradMode off = GradMode.off()) {
            double[] ti = time(() -> model.forward(Variable.of(image)));
            record("fcn", label + " inference", name(impl), ti, 0, cuda.memoryStats().getOrDefault("peak_bytes", 0L));
        }
        // Everything this case holds on the device goes back, so the next case's peak is its own.
        sgd.loadState(Map.of());
        for (Variable v : model.parameters()) {
            v.zeroGrad();
            v.data().close();
        }
    }

    /** The implementation's name in the tables, with the precision after it except for FP32 (the unmarked rows). */
    private static String name(Impl impl) {
        Precision precision = Precision.current();
        return impl.name().toLowerCase(Locale.ROOT) + (precision == Precision.FP32 ? "" : " " + precision);
    }

    public static void main(String[] args) throws IOException {
        boolean quick = false;
        double minSeconds = 1.0;
        Path jsonFile = null;
        List<String> only = GROUPS;
        List<String> precisionNames = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--min-seconds" -> minSeconds = Double.parseDouble(args[++i]);
                case "--json" -> jsonFile = Path.of(args[++i]);
                case "--only" -> only = Arrays.asList(args[++i].split(","));
                case "--precision" -> precisionNames = Arrays.asList(args[++i].split(","));
                default -> throw new IllegalArgumentException("GpuBaseline: unknown argument '" + args[i]
                        + "' (--quick, --min-seconds S, --json FILE, --only " + String.join(",", GROUPS)
                        + ", --precision fp32,tf32,bf16)");
            }
        }
        String reason = Backends.unavailableReason(GPU.type());
        if (reason != null) {
            System.err.println("GpuBaseline: no CUDA device: " + reason);
            System.exit(3);
        }
        if (precisionNames == null) {
            precisionNames = ((CudaBackend) Backends.of(GPU)).ampereTensorCores() ? List.of("fp32", "tf32", "bf16")
                    : List.of("fp32");
        }
        GpuBaseline b = new GpuBaseline(quick, minSeconds, precisionNames.stream().map(Precision::parse).toList());
        System.out.println("# " + b.cuda.describe());
        System.out.println("| case | implementation | ms (median) | GFLOP/s | peak MiB | samples |");
        System.out.println("|---|---|---|---|---|---|");
        if (only.contains("sgemm")) {
            b.sgemm();
        }
        if (only.contains("conv")) {
            b.conv();
        }
        if (only.contains("bandwidth")) {
            b.bandwidth();
        }
        if (only.contains("fcn")) {
            b.fcn();
        }
        if (jsonFile != null) {
            Files.write(jsonFile, b.json);
        }
    }
}
