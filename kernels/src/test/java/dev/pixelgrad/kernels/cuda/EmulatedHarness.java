package dev.pixelgrad.kernels.cuda;

import dev.pixelgrad.kernels.ConvGeometry;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Runs a few kernels on an emulated device of its own (any build of the kernels, broken ones included)
 * through the backend's own launch code, and measures them against the CPU backend: the checks the
 * mutation test expects a broken kernel to fail. Each check returns the largest relative error.
 */
final class EmulatedHarness {
    static final Path SOURCES = Path.of("src", "main", "cuda");
    static final Path BUILD_SCRIPT = SOURCES.resolve("emu").resolve("build-emu.sh");

    final EmulatedDriver driver;
    private final CudaRuntime rt;
    private final VendorLibraries vendor;

    EmulatedHarness(Path library) {
        driver = EmulatedDriver.open(library);
        rt = new CudaRuntime(driver);
        vendor = VendorLibraries.load(driver);
    }

    /** Whether this JVM runs with AddressSanitizer (the pom preloads it for this module's tests). */
    static boolean sanitizerLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("libasan");
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Builds the emulated device from a copy of the kernel sources in which {@code original} (which must
     * occur exactly once in {@code file}) is replaced by {@code replacement}; null file: unchanged sources.
     * The build matches this JVM: sanitized where AddressSanitizer is loaded, else release.
     */
    static Path build(String file, String original, String replacement, Path work) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(work.resolve("cuda"));
        try (Stream<Path> s = Files.list(SOURCES)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        if (file != null) {
            Path target = dir.resolve(file);
            String text = Files.readString(target, StandardCharsets.UTF_8);
            int at = text.indexOf(original);
            if (at < 0 || text.indexOf(original, at + 1) >= 0) {
                throw new IllegalStateException("the mutation's original text must occur exactly once in " + file
                        + ": " + original);
            }
            Files.writeString(target, text.replace(original, replacement), StandardCharsets.UTF_8);
        }
        Path library = work.resolve("libkernels.so");
        ProcessBuilder pb = new ProcessBuilder("bash", BUILD_SCRIPT.toString(), library.toString(),
                sanitizerLoaded() ? "sanitized" : "release", dir.toString());
        // Objects by content hash: a broken copy recompiles only the file it changed.
        pb.environment().put("EMU_OBJECT_CACHE", Path.of("target", "emu-object-cache").toAbsolutePath().toString());
        Process p = PtxFreshnessTest.withoutSanitizer(pb).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0 || !Files.exists(library)) {
            throw new IllegalStateException("building " + library + " failed:\n" + log);
        }
        return library;
    }

    private long upload(Tensor t) {
        float[] v = t.toFloatArray();
        long address = rt.allocator.allocate((long) v.length * Float.BYTES).address();
        rt.upload(v, address, v.length);
        return address;
    }

    /** A host bfloat16 tensor's bits, uploaded. */
    private long uploadBf16(Tensor t) {
        short[] v = t.hostBf16Bits();
        long address = rt.allocator.allocate((long) v.length * Short.BYTES).address();
        rt.upload(v, address, v.length);
        return address;
    }

    long zeros(long elements) {
        long address = rt.allocator.allocate(elements * Float.BYTES).address();
        driver.fill32(address, 0, elements);
        return address;
    }

    private float[] download(long address, int elements) {
        float[] out = new float[elements];
        rt.download(address, out, elements);
        return out;
    }

    private static double error(Tensor expected, float[] got) {
        float[] e = expected.toFloatArray();
        double worst = 0;
        for (int i = 0; i < e.length; i++) {
            worst = Math.max(worst, Math.abs(e[i] - got[i]) / Math.max(1.0, Math.abs(e[i])));
        }
        return worst;
    }

    private static Tensor rand(long seed, int... dims) {
        return Tensor.uniform(Shape.of(dims), -1f, 1f, seed, Device.CPU);
    }

    // Host tensors for the life of the class, whatever scope is open when it loads.
    private static final Tensor GEMM_A = rand(1, 70, 45).detachFromScope();
    private static final Tensor GEMM_B = rand(2, 45, 90).detachFromScope();

    /** C = A B by our SGEMM at {@code precision}, on a 70 x 90 x 45 product: several tiles, ragged edges. */
    private float[] ownProduct(Precision precision) {
        long c = zeros(70 * 90);
        Precision.set(precision);
        try {
            new GemmCuda(rt, vendor).own(false, false, 70, 90, 45, 1f, upload(GEMM_A), 45, upload(GEMM_B), 90, 0f, c, 90);
        } finally {
            Precision.reset();
        }
        return download(c, 70 * 90);
    }

    /** Our SGEMM against the CPU's product. */
    double sgemm() {
        return error(Ops.matmul(GEMM_A, false, GEMM_B, false), ownProduct(Precision.FP32));
    }

    /** Our TF32 SGEMM (tensor-core fragments) on the same product, against its inputs rounded to TF32. */
    double sgemmTf32() {
        float[] exact = CudaParityTest.tf32Product(GEMM_A, false, GEMM_B, false, 70, 90, 45);
        return error(Tensor.of(exact, 70, 90), ownProduct(Precision.TF32));
    }

    /** Our BF16 GEMM (tensor-core fragments, float32 result) on the same product, inputs rounded to bfloat16. */
    double gemmBf16() {
        Tensor a = Ops.cast(GEMM_A, DType.BFLOAT16);
        Tensor b = Ops.cast(GEMM_B, DType.BFLOAT16);
        long c = zeros(70 * 90);
        new GemmCuda(rt, vendor).ownBf16(false, false, 70, 90, 45, 1f, uploadBf16(a), 45, uploadBf16(b), 90, 0f, c, false,
                90);
        float[] exact = CudaParityTest.product(a, false, b, false, 70, 90, 45, x -> x);
        return error(Tensor.of(exact, 70, 90), download(c, 70 * 90));
    }

    /** The two-pass sum (block_sum: warp shuffles and a shared-memory exchange between warps). */
    double sum() {
        Tensor x = rand(3, 70_001);
        long xd = upload(x);
        long out = zeros(1);
        new ReduceCuda(rt, vendor, new ElementwiseCuda(rt)).reduceInto(x.numel(),
                (grid, partial) -> rt.kernels.sum_partial_f32(grid, xd, partial, x.numel()), 1.0, out);
        return error(Ops.sum(x), download(out, 1));
    }

    /**
     * The per-channel sums over a grid of (channel, slice) blocks, as ReduceCuda launches them: 3 images of 5
     * channels of 40 x 41, each channel in 4 slices whose bounds fall inside images.
     */
    double channelSums() {
        Tensor x = rand(7, 3, 5, 40, 41);
        int slices = 4;
        long partial = zeros(2 * 5 * slices); // doubles
        long out = zeros(5);
        rt.kernels.sum_per_channel_partial_f32(new Grid(5, slices, Grid.BLOCK), upload(x), partial, 3, 5, 40 * 41);
        rt.kernels.sum_per_channel_finish_f32(Grid.linear(5), partial, slices, out, 5);
        return error(Ops.sumPerChannel(x), download(out, 5));
    }

    /** Our im2col convolution with different row and column strides. */
    double conv() {
        Tensor x = rand(4, 2, 3, 11, 13);
        Tensor w = rand(5, 4, 3, 3, 2);
        ConvParams p = new ConvParams(2, 3, 1, 0);
        Tensor y = Ops.conv2d(x, w, null, p);
        long yd = zeros(y.numel());
        ElementwiseCuda elementwise = new ElementwiseCuda(rt);
        new ConvCuda(rt, new GemmCuda(rt, vendor), vendor, elementwise)
                .forward(new ConvGeometry(2, 3, 11, 13, 4, 3, 2, 2, 3, 1, 0, y.dim(2), y.dim(3)), "conv2d",
                        DType.FLOAT32, upload(x), upload(w), yd);
        return error(y, download(yd, (int) y.numel()));
    }

    /** ReLU over 1000 elements in buffers of exactly 1000 floats. */
    double relu() {
        Tensor x = rand(6, 1000);
        long y = zeros(1000);
        rt.kernels.relu_f32(Grid.linear(1000), upload(x), y, 1000);
        return error(Ops.relu(x), download(y, 1000));
    }

    /** Runs one check in a fresh JVM (for checks that stop the process): args = library, check name. */
    public static void main(String[] args) {
        EmulatedHarness h = new EmulatedHarness(Path.of(args[0]));
        double e = switch (args[1]) {
            case "sgemm" -> h.sgemm();
            case "sgemm-tf32" -> h.sgemmTf32();
            case "gemm-bf16" -> h.gemmBf16();
            case "sum" -> h.sum();
            case "channel-sums" -> h.channelSums();
            case "conv" -> h.conv();
            case "relu" -> h.relu();
            default -> throw new IllegalArgumentException("no check " + args[1]);
        };
        System.out.println(args[1] + " error " + e);
    }
}
