package dev.pixelgrad.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import dev.pixelgrad.kernels.LabelCheck;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.HostStorage;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Storage;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.backend.Backend;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The CUDA backend: our own kernels (PTX from kernels/src/main/cuda, launched through JCuda's driver
 * API) for every op, and NVIDIA's libraries (cuDNN for convolutions, pooling and bias gradients,
 * cuBLAS for matmul) where they exist, chosen per op ({@link Impl}). Work runs in order on the default
 * stream; memory comes from a caching allocator, so a steady training loop makes no driver allocations.
 *
 * <p>Constructing this class touches no native code; the GPU is looked for the first time a tensor is
 * put on it (or {@link #unavailableReason} is asked), and without a GPU, driver or JCuda natives the
 * backend reports why and the rest of Pixelgrad keeps working on the CPU.
 */
public final class CudaBackend implements Backend {
    /** The ops that have both implementations. */
    public static final List<String> SWITCHABLE_OPS = List.of("conv2d", "conv_transpose2d", "max_pool2d", "bias_grad",
            "matmul");

    private static final System.Logger LOG = System.getLogger("dev.pixelgrad.kernels");
    private static final Map<String, Impl> OVERRIDES = new ConcurrentHashMap<>();
    private static final int REDUCE_BLOCKS = 1024;

    private volatile State state;

    /** Everything that needs the GPU, made once. */
    private record State(CudaRuntime rt, Gemm gemm, ConvCuda conv, Cublas cublas, String cublasMissing, Cudnn cudnn,
                         String cudnnMissing) {}

    private State state() {
        State s = state;
        if (s == null) {
            synchronized (this) {
                s = state;
                if (s == null) {
                    CudaRuntime rt = CudaRuntime.get();
                    synchronized (rt) {
                        rt.makeCurrent();
                        Cublas cublas = null;
                        String cublasMissing = null;
                        try {
                            cublas = Cublas.load();
                        } catch (RuntimeException | LinkageError e) {
                            cublasMissing = e.getMessage();
                        }
                        Cudnn cudnn = null;
                        String cudnnMissing = null;
                        try {
                            cudnn = Cudnn.load();
                        } catch (RuntimeException | LinkageError e) {
                            cudnnMissing = e.getMessage();
                        }
                        Gemm gemm = new Gemm(rt, cublas);
                        s = new State(rt, gemm, new ConvCuda(rt, gemm), cublas, cublasMissing, cudnn, cudnnMissing);
                        if (cublas == null || cudnn == null) {
                            LOG.log(Level.INFO, "CUDA: " + (cublas == null ? "no cuBLAS (" + cublasMissing + ")" : "")
                                    + (cudnn == null ? " no cuDNN (" + cudnnMissing + ")" : "")
                                    + "; those ops run on Pixelgrad's own kernels");
                        }
                        state = s;
                    }
                }
            }
        }
        s.rt().makeCurrent();
        return s;
    }

    // ------------------------------------------------------------------ implementation choice

    /** Chooses the implementation of one op (see {@link #SWITCHABLE_OPS}) in code; null clears the choice. */
    public static void setImplementation(String op, Impl impl) {
        if (!SWITCHABLE_OPS.contains(op)) {
            throw new IllegalArgumentException("op " + op + " has one implementation; switchable: " + SWITCHABLE_OPS);
        }
        if (impl == null) {
            OVERRIDES.remove(op);
        } else {
            OVERRIDES.put(op, impl);
        }
    }

    /** Whether {@code op} runs NVIDIA's library (true) or our kernel (false) right now. */
    public boolean usesVendor(String op) {
        State s = state();
        Impl want = OVERRIDES.get(op);
        if (want == null) {
            want = Impl.parse(System.getProperty("pixelgrad.cuda.impl." + op,
                    System.getProperty("pixelgrad.cuda.impl", "auto")));
        }
        boolean blas = op.equals("matmul");
        boolean present = blas ? s.cublas() != null : s.cudnn() != null;
        return switch (want) {
            case OWN -> false;
            case AUTO -> present;
            case VENDOR -> {
                if (!present) {
                    throw new IllegalStateException(op + ": the vendor implementation was asked for but "
                            + (blas ? "cuBLAS" : "cuDNN") + " is unavailable: " + (blas ? s.cublasMissing() : s.cudnnMissing()));
                }
                yield true;
            }
        };
    }

    // ------------------------------------------------------------------ identity and memory

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public DeviceType deviceType() {
        return DeviceType.CUDA;
    }

    @Override
    public String unavailableReason() {
        return CudaRuntime.unavailableReason();
    }

    @Override
    public String describe() {
        State s = state();
        return "cuda: " + s.rt() + ", cuBLAS " + (s.cublas() != null ? s.cublas().version : "unavailable") + ", cuDNN "
                + (s.cudnn() != null ? s.cudnn().version : "unavailable");
    }

    @Override
    public synchronized void synchronize() {
        state().rt().synchronize();
    }

    @Override
    public Map<String, Long> memoryStats() {
        CachingAllocator.Stats st = state().rt().allocator.stats();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("live_bytes", st.liveBytes());
        m.put("cached_bytes", st.cachedBytes());
        m.put("peak_bytes", st.peakBytes());
        m.put("driver_allocations", st.driverAllocations());
        return m;
    }

    @Override
    public synchronized Storage allocate(DType dtype, long numel, Device device) {
        if (device.index() != 0) {
            throw new IllegalArgumentException("only cuda:0 is supported, got " + device);
        }
        return new CudaStorage(device, dtype, numel, state().rt().allocator);
    }

    private static CudaStorage dev(Tensor t) {
        return (CudaStorage) t.storage();
    }

    private static long a(Tensor t) {
        return t == null ? 0L : dev(t).address();
    }

    /**
     * Every op, copy and allocation holds this backend's lock: kernels share their parameter slots and
     * transfers share the pinned buffer. (Releasing memory needs only the allocator's own lock.)
     */
    @Override
    public synchronized void copy(Tensor src, Tensor dst) {
        CudaRuntime rt = state().rt();
        long n = src.numel();
        if (src.storage() instanceof HostStorage h) {
            if (src.dtype() == DType.FLOAT32) {
                rt.upload(h.floats(), dev(dst).pointer(), n);
            } else {
                rt.upload(h.ints(), dev(dst).pointer(), n);
            }
        } else if (dst.storage() instanceof HostStorage h) {
            if (dst.dtype() == DType.FLOAT32) {
                rt.download(dev(src).pointer(), h.floats(), n);
            } else {
                rt.download(dev(src).pointer(), h.ints(), n);
            }
        } else {
            cuMemcpyDtoD(dev(dst).pointer(), dev(src).pointer(), n * 4);
        }
    }

    @Override
    public synchronized void fill(Tensor dst, float value) {
        state();
        int bits = dst.dtype() == DType.FLOAT32 ? Float.floatToRawIntBits(value) : (int) value;
        cuMemsetD32(dev(dst).pointer(), bits, dst.numel());
    }

    // ------------------------------------------------------------------ element-wise

    private Kernel k(String name) {
        return state().rt().kernel(name);
    }

    @Override
    public synchronized void add(Tensor a, Tensor b, Tensor out) {
        k("add_f32").ptr(0, a(a)).ptr(1, a(b)).ptr(2, a(out)).i64(3, out.numel()).launch1d(out.numel());
    }

    @Override
    public synchronized void addChannelBias(Tensor x, Tensor bias, Tensor out) {
        k("add_channel_bias_f32").ptr(0, a(x)).ptr(1, a(bias)).ptr(2, a(out)).i32(3, x.dim(1))
                .i64(4, x.shape().numelFrom(2)).i64(5, x.numel()).launch1d(x.numel());
    }

    @Override
    public synchronized void scale(Tensor x, float s, Tensor out) {
        k("scale_f32").ptr(0, a(x)).f32(1, s).ptr(2, a(out)).i64(3, out.numel()).launch1d(out.numel());
    }

    @Override
    public synchronized void relu(Tensor x, Tensor out) {
        k("relu_f32").ptr(0, a(x)).ptr(1, a(out)).i64(2, out.numel()).launch1d(out.numel());
    }

    @Override
    public synchronized void reluBackward(Tensor gy, Tensor y, Tensor gx) {
        k("relu_backward_f32").ptr(0, a(gy)).ptr(1, a(y)).ptr(2, a(gx)).i64(3, gx.numel()).launch1d(gx.numel());
    }

    @Override
    public synchronized void crop(Tensor x, int offH, int offW, Tensor out) {
        k("crop_f32").ptr(0, a(x)).ptr(1, a(out)).i32(2, x.dim(2)).i32(3, x.dim(3)).i32(4, offH).i32(5, offW)
                .i32(6, out.dim(2)).i32(7, out.dim(3)).i64(8, out.numel()).launch1d(out.numel());
    }

    @Override
    public synchronized void cropBackward(Tensor gy, int offH, int offW, Tensor gx) {
        k("crop_backward_f32").ptr(0, a(gy)).ptr(1, a(gx)).i32(2, gx.dim(2)).i32(3, gx.dim(3)).i32(4, offH)
                .i32(5, offW).i32(6, gy.dim(2)).i32(7, gy.dim(3)).i64(8, gx.numel()).launch1d(gx.numel());
    }

    @Override
    public synchronized void dropout(Tensor x, float p, long seed, Tensor out) {
        k("dropout_f32").ptr(0, a(x)).ptr(1, a(out)).f32(2, p).f32(3, 1f / (1f - p)).i64(4, seed)
                .i64(5, out.numel()).launch1d(out.numel());
    }

    // ------------------------------------------------------------------ reductions

    /**
     * Two passes: the kernel writes one double per block into its parameter {@code partialArg}, then one
     * block adds them in order, scales, and stores a float at {@code out}.
     */
    private void reduceInto(Kernel partialKernel, int partialArg, long work, double scale, long out) {
        State s = state();
        int blocks = Math.min(Kernel.gridFor(work), REDUCE_BLOCKS);
        CachingAllocator.Block partial = s.rt().allocator.allocate((long) blocks * 8);
        try {
            partialKernel.ptr(partialArg, partial.pointer().address()).launch(blocks, 1, Kernel.BLOCK);
            s.rt().kernel("sum_finish_f32").ptr(0, partial.pointer().address()).i32(1, blocks).f64(2, scale)
                    .ptr(3, out).launch(1, 1, 1024);
        } finally {
            s.rt().allocator.release(partial);
        }
    }

    @Override
    public synchronized void sum(Tensor x, Tensor out) {
        reduceInto(k("sum_partial_f32").ptr(0, a(x)).i64(2, x.numel()), 1, x.numel(), 1.0, a(out));
    }

    @Override
    public synchronized void sumPerChannel(Tensor x, Tensor out) {
        int n = x.dim(0);
        int c = x.dim(1);
        long plane = x.shape().numelFrom(2);
        if (c == 0) {
            return;
        }
        if (n == 0 || plane == 0) {
            fill(out, 0f);
            return;
        }
        if (usesVendor("bias_grad") && plane <= Integer.MAX_VALUE) {
            state().cudnn().biasGrad(n, c, (int) plane, 1, a(x), a(out));
            return;
        }
        k("sum_per_channel_f32").ptr(0, a(x)).ptr(1, a(out)).i32(2, n).i32(3, c).i64(4, plane).launch(c, 1, Kernel.BLOCK);
    }

    @Override
    public synchronized void broadcastScalar(Tensor scalar, float scale, Tensor out) {
        k("broadcast_scalar_f32").ptr(0, a(scalar)).f32(1, scale).ptr(2, a(out)).i64(3, out.numel())
                .launch1d(out.numel());
    }

    @Override
    public synchronized void argmaxChannels(Tensor x, Tensor out) {
        long plane = x.shape().numelFrom(2);
        k("argmax_channels_f32").ptr(0, a(x)).ptr(1, a(out)).i32(2, x.dim(0)).i32(3, x.dim(1)).i64(4, plane)
                .launch1d(x.dim(0) * plane);
    }

    // ------------------------------------------------------------------ convolution

    private static ConvCuda.Geometry convGeometry(Tensor x, Tensor w, ConvParams p, Tensor y) {
        return new ConvCuda.Geometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                p.strideH(), p.strideW(), p.padH(), p.padW(), y.dim(2), y.dim(3));
    }

    /** The convolution whose adjoint is the transposed convolution x -> y with weight w [Cin, Cout, kh, kw]. */
    private static ConvCuda.Geometry transposedGeometry(Tensor x, Tensor w, ConvParams p, Tensor y) {
        return new ConvCuda.Geometry(y.dim(0), w.dim(1), y.dim(2), y.dim(3), w.dim(0), w.dim(2), w.dim(3),
                p.strideH(), p.strideW(), p.padH(), p.padW(), x.dim(2), x.dim(3));
    }

    private static Cudnn.Conv cudnn(ConvCuda.Geometry g) {
        return new Cudnn.Conv(g.n(), g.cin(), g.h(), g.w(), g.cout(), g.kh(), g.kw(), g.ho(), g.wo(), g.ph(), g.pw(),
                g.sh(), g.sw());
    }

    private void addBias(Tensor bias, Tensor out) {
        if (bias != null) {
            addChannelBias(out, bias, out);
        }
    }

    /** An empty batch: nothing to compute, and a weight gradient of zero. (cuDNN rejects n = 0.) */
    private boolean emptyBatch(Tensor batch, Tensor weightGradient) {
        if (batch.dim(0) != 0) {
            return false;
        }
        if (weightGradient != null) {
            fill(weightGradient, 0f);
        }
        return true;
    }

    @Override
    public synchronized void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        if (emptyBatch(x, null)) {
            return;
        }
        State s = state();
        ConvCuda.Geometry g = convGeometry(x, w, p, out);
        if (usesVendor("conv2d")) {
            s.cudnn().forward(cudnn(g), a(x), a(w), a(out), s.rt().allocator);
        } else {
            s.conv().forward(g, a(x), a(w), a(out));
        }
        addBias(bias, out);
    }

    @Override
    public synchronized void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        if (emptyBatch(gy, null)) {
            return;
        }
        State s = state();
        ConvCuda.Geometry g = convGeometry(gx, w, p, gy);
        if (usesVendor("conv2d")) {
            s.cudnn().backwardData(cudnn(g), a(w), a(gy), a(gx), s.rt().allocator);
        } else {
            s.conv().backwardData(g, a(gy), a(w), dev(gx).pointer());
        }
    }

    @Override
    public synchronized void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        if (emptyBatch(gy, gw)) {
            return;
        }
        State s = state();
        ConvCuda.Geometry g = convGeometry(x, gw, p, gy);
        if (usesVendor("conv2d")) {
            s.cudnn().backwardFilter(cudnn(g), a(x), a(gy), a(gw), s.rt().allocator);
        } else {
            s.conv().backwardWeight(g, a(gy), a(x), dev(gw).pointer());
        }
    }

    @Override
    public synchronized void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        if (emptyBatch(x, null)) {
            return;
        }
        State s = state();
        ConvCuda.Geometry g = transposedGeometry(x, w, p, out);
        if (usesVendor("conv_transpose2d")) {
            s.cudnn().backwardData(cudnn(g), a(w), a(x), a(out), s.rt().allocator);
        } else {
            s.conv().backwardData(g, a(x), a(w), dev(out).pointer());
        }
        addBias(bias, out);
    }

    @Override
    public synchronized void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        if (emptyBatch(gy, null)) {
            return;
        }
        State s = state();
        ConvCuda.Geometry g = transposedGeometry(gx, w, p, gy);
        if (usesVendor("conv_transpose2d")) {
            s.cudnn().forward(cudnn(g), a(gy), a(w), a(gx), s.rt().allocator);
        } else {
            s.conv().forward(g, a(gy), a(w), a(gx));
        }
    }

    @Override
    public synchronized void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        if (emptyBatch(gy, gw)) {
            return;
        }
        State s = state();
        ConvCuda.Geometry g = transposedGeometry(x, gw, p, gy);
        // The conv's weight gradient with its input = gy and its output gradient = x.
        if (usesVendor("conv_transpose2d")) {
            s.cudnn().backwardFilter(cudnn(g), a(gy), a(x), a(gw), s.rt().allocator);
        } else {
            s.conv().backwardWeight(g, a(x), a(gy), dev(gw).pointer());
        }
    }

    // ------------------------------------------------------------------ pooling

    /**
     * Rows and columns of -infinity that make a floor-mode pooling library (cuDNN) produce ceil mode's
     * output size: the input grows until the last window fits exactly.
     */
    private static int[] ceilPadding(int h, int w, int oh, int ow, PoolParams p) {
        return new int[] {Math.max(0, (oh - 1) * p.strideH() + p.kernelH() - 2 * p.padH() - h),
            Math.max(0, (ow - 1) * p.strideW() + p.kernelW() - 2 * p.padW() - w)};
    }

    @Override
    public synchronized void maxPool2d(Tensor x, PoolParams p, Tensor out, Tensor indices) {
        State s = state();
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = out.dim(2);
        int ow = out.dim(3);
        if (usesVendor("max_pool2d")) {
            // cuDNN finds the winners again in backward; mark the indices unset (-1) rather than leave garbage.
            cuMemsetD32(dev(indices).pointer(), -1, indices.numel());
            int[] extra = ceilPadding(h, w, oh, ow, p);
            CachingAllocator.Block padded = extra[0] + extra[1] > 0
                    ? padNegInf(x, h + extra[0], w + extra[1]) : null;
            try {
                s.cudnn().maxPoolForward(n, c, h + extra[0], w + extra[1], oh, ow, p.kernelH(), p.kernelW(), p.padH(),
                        p.padW(), p.strideH(), p.strideW(), padded == null ? a(x) : padded.pointer().address(), a(out));
            } finally {
                if (padded != null) {
                    s.rt().allocator.release(padded);
                }
            }
            return;
        }
        k("maxpool_forward_f32").ptr(0, a(x)).ptr(1, a(out)).ptr(2, a(indices)).i64(3, (long) n * c).i32(4, h).i32(5, w)
                .i32(6, oh).i32(7, ow).i32(8, p.kernelH()).i32(9, p.kernelW()).i32(10, p.strideH()).i32(11, p.strideW())
                .i32(12, p.padH()).i32(13, p.padW()).launch1d(out.numel());
    }

    private CachingAllocator.Block padNegInf(Tensor x, int ph, int pw) {
        State s = state();
        long planes = (long) x.dim(0) * x.dim(1);
        CachingAllocator.Block b = s.rt().allocator.allocate(planes * ph * pw * 4);
        k("pad_neg_inf_f32").ptr(0, a(x)).ptr(1, b.pointer().address()).i64(2, planes).i32(3, x.dim(2)).i32(4, x.dim(3))
                .i32(5, ph).i32(6, pw).launch1d(planes * ph * pw);
        return b;
    }

    @Override
    public synchronized void maxPool2dBackward(Tensor gy, Tensor x, Tensor y, Tensor indices, PoolParams p, Tensor gx) {
        State s = state();
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = gy.dim(2);
        int ow = gy.dim(3);
        if (usesVendor("max_pool2d")) {
            int[] extra = ceilPadding(h, w, oh, ow, p);
            if (extra[0] + extra[1] == 0) {
                s.cudnn().maxPoolBackward(n, c, h, w, oh, ow, p.kernelH(), p.kernelW(), p.padH(), p.padW(), p.strideH(),
                        p.strideW(), a(y), a(gy), a(x), a(gx));
                return;
            }
            int hp = h + extra[0];
            int wp = w + extra[1];
            CachingAllocator.Block padded = padNegInf(x, hp, wp);
            CachingAllocator.Block gPadded = s.rt().allocator.allocate((long) n * c * hp * wp * 4);
            try {
                s.cudnn().maxPoolBackward(n, c, hp, wp, oh, ow, p.kernelH(), p.kernelW(), p.padH(), p.padW(),
                        p.strideH(), p.strideW(), a(y), a(gy), padded.pointer().address(), gPadded.pointer().address());
                k("crop_f32").ptr(0, gPadded.pointer().address()).ptr(1, a(gx)).i32(2, hp).i32(3, wp).i32(4, 0)
                        .i32(5, 0).i32(6, h).i32(7, w).i64(8, gx.numel()).launch1d(gx.numel());
            } finally {
                s.rt().allocator.release(padded);
                s.rt().allocator.release(gPadded);
            }
            return;
        }
        k("maxpool_backward_f32").ptr(0, a(gy)).ptr(1, a(indices)).ptr(2, a(gx)).i64(3, (long) n * c).i32(4, h)
                .i32(5, w).i32(6, oh).i32(7, ow).i32(8, p.kernelH()).i32(9, p.kernelW()).i32(10, p.strideH())
                .i32(11, p.strideW()).i32(12, p.padH()).i32(13, p.padW()).launch1d(gx.numel());
    }

    // ------------------------------------------------------------------ loss, matmul, optimizers, metrics

    /**
     * Checks every label before anything is written; returns the number of labels that count. A bad one
     * raises the same error as the CPU backend, naming the value and its position.
     */
    private long checkLabels(String op, Tensor labels, int classes, int ignoreIndex) {
        long[] used = new long[1];
        long[] bad = firstOutOfRange(labels, classes, ignoreIndex, used);
        if (bad != null) {
            throw LabelCheck.badLabel(op, (int) bad[1], bad[0], labels.shape(), classes, ignoreIndex);
        }
        return used[0];
    }

    private long[] firstOutOfRange(Tensor values, int classes, int ignoreIndex) {
        return firstOutOfRange(values, classes, ignoreIndex, new long[1]);
    }

    /**
     * The first value outside [0, classes) that is not {@code ignoreIndex}, as {index, value}, or null;
     * {@code used[0]} receives how many values are in range.
     */
    private long[] firstOutOfRange(Tensor values, int classes, int ignoreIndex, long[] used) {
        State s = state();
        long n = values.numel();
        CachingAllocator.Block flags = s.rt().allocator.allocate(16);
        try {
            s.rt().upload(new long[] {n, 0}, flags.pointer());
            k("check_labels_i32").ptr(0, a(values)).i32(1, classes).i32(2, ignoreIndex).i64(3, n)
                    .ptr(4, flags.pointer().address()).ptr(5, flags.pointer().address() + 8).launch1d(n);
            long[] result = new long[2];
            s.rt().download(flags.pointer(), result);
            used[0] = result[1];
            if (result[0] >= n) {
                return null;
            }
            int[] value = new int[1];
            s.rt().download(dev(values).pointer().withByteOffset(result[0] * 4), value, 1);
            return new long[] {result[0], value[0]};
        } finally {
            s.rt().allocator.release(flags);
        }
    }

    @Override
    public synchronized void softmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex, Reduction reduction,
                                                 Tensor loss, Tensor gradLogits) {
        int n = logits.dim(0);
        int c = logits.dim(1);
        long plane = logits.shape().numelFrom(2);
        long valid = checkLabels("softmax_cross_entropy", labels, c, ignoreIndex);
        double lossScale = reduction == Reduction.MEAN ? (valid == 0 ? 0.0 : 1.0 / valid) : 1.0;
        float gradScale = (float) lossScale;
        reduceInto(k("softmax_xent_f32").ptr(0, a(logits)).ptr(1, a(labels)).ptr(2, a(gradLogits)).i32(4, n).i32(5, c)
                .i64(6, plane).i32(7, ignoreIndex).f32(8, gradScale), 3, n * plane, lossScale, a(loss));
    }

    @Override
    public synchronized void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        State s = state();
        int m = out.dim(0);
        int n = out.dim(1);
        int kk = transA ? a.dim(0) : a.dim(1);
        if (kk == 0 || m == 0 || n == 0) {
            fill(out, 0f); // an empty sum (and cuBLAS rejects a leading dimension of 0)
            return;
        }
        if (usesVendor("matmul")) {
            s.gemm().vendor(transA, transB, m, n, kk, 1f, a(a), a.dim(1), a(b), b.dim(1), 0f, a(out), n);
        } else {
            s.gemm().own(transA, transB, m, n, kk, 1f, a(a), a.dim(1), a(b), b.dim(1), 0f, a(out), n);
        }
    }

    @Override
    public synchronized void sgdStep(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay) {
        k("sgd_step_f32").ptr(0, a(w)).ptr(1, a(g)).ptr(2, a(v)).f32(3, lr).f32(4, momentum).f32(5, weightDecay)
                .i64(6, w.numel()).launch1d(w.numel());
    }

    @Override
    public synchronized void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                      float eps, float weightDecay, long step) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        k("adam_step_f32").ptr(0, a(w)).ptr(1, a(g)).ptr(2, a(m)).ptr(3, a(v)).f32(4, beta1).f32(5, beta2).f32(6, eps)
                .f32(7, weightDecay).f32(8, (float) (lr / bc1)).f32(9, (float) (1 / Math.sqrt(bc2))).i64(10, w.numel())
                .launch1d(w.numel());
    }

    @Override
    public synchronized void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts) {
        int c = counts.dim(0);
        long[] badPrediction = firstOutOfRange(predictions, c, Integer.MIN_VALUE);
        if (badPrediction != null) {
            throw LabelCheck.badPrediction("confusion_matrix", (int) badPrediction[1], badPrediction[0],
                    predictions.shape(), c);
        }
        checkLabels("confusion_matrix", labels, c, ignoreIndex);
        k("confusion_matrix_i32").ptr(0, a(predictions)).ptr(1, a(labels)).ptr(2, a(counts)).i32(3, c)
                .i32(4, ignoreIndex).i64(5, labels.numel()).launch1d(labels.numel());
    }
}
