package dev.pixelgrad.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import dev.pixelgrad.kernels.ConvGeometry;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Precision;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;

/**
 * cuDNN through java.lang.foreign: convolution forward, backward-data, backward-filter and bias
 * gradient, and max pooling, with the legacy descriptor API (present in cuDNN 8 and 9). (JCudnn is not
 * used: its Java API on Maven Central stops at cuDNN 7/8 and its native part does not load next to
 * cuDNN 9.) Convolutions follow {@link Precision}: FP32 runs in FMA math (no tensor cores), so results
 * match the CPU to float rounding; TF32 allows tensor cores (CUDNN_DEFAULT_MATH, as PyTorch sets it for
 * {@code torch.backends.cudnn.allow_tf32}). bfloat16 tensors get bfloat16 descriptors with float32
 * compute and tensor-op math, as PyTorch's bfloat16 convolutions (cuDNN's only bfloat16 configuration
 * for them: bfloat16 data, float32 sums). Algorithms come from cuDNN's heuristics, once per shape, pass,
 * type and precision, and each runs in the math type the heuristics reported for it.
 */
final class Cudnn {
    private static final int NCHW = 0;
    /** cudnnDataType_t: CUDNN_DATA_FLOAT, CUDNN_DATA_BFLOAT16. */
    private static final int FLOAT = 0;
    private static final int BFLOAT16 = 9;
    private static final int CROSS_CORRELATION = 1;
    /** cudnnMathType_t: DEFAULT lets FP32 convolutions use TF32 tensor cores (compute capability 8.0+). */
    private static final int DEFAULT_MATH = 0;
    /** Tensor cores allowed: what PyTorch sets for bfloat16 (and half) convolutions. */
    private static final int TENSOR_OP_MATH = 1;
    private static final int FMA_MATH = 3;
    /** The mathType field of cudnnConvolution*AlgoPerf_t. */
    private static final long PERF_MATH_TYPE = 28;
    /** CUDNN_POOLING_MAX_DETERMINISTIC: repeatable backward passes. */
    private static final int POOLING_MAX = 3;
    private static final int PROPAGATE_NAN = 1;
    /** cudnnConvolution*AlgoPerf_t: int algo, int status, float time, size_t memory, int determinism, int mathType, int[3]. */
    private static final long PERF_BYTES = 48;
    private static final int PERF_COUNT = 8;
    private static final long WORKSPACE_LIMIT = 1L << 30;

    private final MethodHandle getErrorString;
    private final MethodHandle createTensor;
    private final MethodHandle setTensor4d;
    private final MethodHandle destroyTensor;
    private final MethodHandle createFilter;
    private final MethodHandle setFilter4d;
    private final MethodHandle destroyFilter;
    private final MethodHandle createConv;
    private final MethodHandle setConv2d;
    private final MethodHandle setConvMath;
    private final MethodHandle destroyConv;
    private final MethodHandle fwdAlgo;
    private final MethodHandle fwdWorkspace;
    private final MethodHandle fwd;
    private final MethodHandle bwdDataAlgo;
    private final MethodHandle bwdDataWorkspace;
    private final MethodHandle bwdData;
    private final MethodHandle bwdFilterAlgo;
    private final MethodHandle bwdFilterWorkspace;
    private final MethodHandle bwdFilter;
    private final MethodHandle bwdBias;
    private final MethodHandle createPool;
    private final MethodHandle setPool2d;
    private final MethodHandle destroyPool;
    private final MethodHandle poolFwd;
    private final MethodHandle poolBwd;
    private final MemorySegment handle;
    private final Arena arena = Arena.global();
    private final MemorySegment one = arena.allocate(JAVA_FLOAT);
    private final MemorySegment zero = arena.allocate(JAVA_FLOAT);
    private final Map<String, long[]> algorithms = new HashMap<>();
    final long version;

    private Cudnn(SymbolLookup lib) throws Throwable {
        MethodHandle getVersion = NativeLibraries.function(lib, "cudnnGetVersion", JAVA_LONG);
        getErrorString = NativeLibraries.function(lib, "cudnnGetErrorString", ADDRESS, JAVA_INT);
        MethodHandle create = NativeLibraries.function(lib, "cudnnCreate", JAVA_INT, ADDRESS);
        createTensor = NativeLibraries.function(lib, "cudnnCreateTensorDescriptor", JAVA_INT, ADDRESS);
        setTensor4d = NativeLibraries.function(lib, "cudnnSetTensor4dDescriptor", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        destroyTensor = NativeLibraries.function(lib, "cudnnDestroyTensorDescriptor", JAVA_INT, ADDRESS);
        createFilter = NativeLibraries.function(lib, "cudnnCreateFilterDescriptor", JAVA_INT, ADDRESS);
        setFilter4d = NativeLibraries.function(lib, "cudnnSetFilter4dDescriptor", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        destroyFilter = NativeLibraries.function(lib, "cudnnDestroyFilterDescriptor", JAVA_INT, ADDRESS);
        createConv = NativeLibraries.function(lib, "cudnnCreateConvolutionDescriptor", JAVA_INT, ADDRESS);
        setConv2d = NativeLibraries.function(lib, "cudnnSetConvolution2dDescriptor", JAVA_INT, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        setConvMath = NativeLibraries.function(lib, "cudnnSetConvolutionMathType", JAVA_INT, ADDRESS, JAVA_INT);
        destroyConv = NativeLibraries.function(lib, "cudnnDestroyConvolutionDescriptor", JAVA_INT, ADDRESS);
        fwdAlgo = NativeLibraries.function(lib, "cudnnGetConvolutionForwardAlgorithm_v7", JAVA_INT, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        fwdWorkspace = NativeLibraries.function(lib, "cudnnGetConvolutionForwardWorkspaceSize", JAVA_INT, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        fwd = NativeLibraries.function(lib, "cudnnConvolutionForward", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);
        bwdDataAlgo = NativeLibraries.function(lib, "cudnnGetConvolutionBackwardDataAlgorithm_v7", JAVA_INT, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        bwdDataWorkspace = NativeLibraries.function(lib, "cudnnGetConvolutionBackwardDataWorkspaceSize", JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        bwdData = NativeLibraries.function(lib, "cudnnConvolutionBackwardData", JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);
        bwdFilterAlgo = NativeLibraries.function(lib, "cudnnGetConvolutionBackwardFilterAlgorithm_v7", JAVA_INT, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS);
        bwdFilterWorkspace = NativeLibraries.function(lib, "cudnnGetConvolutionBackwardFilterWorkspaceSize", JAVA_INT,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS);
        bwdFilter = NativeLibraries.function(lib, "cudnnConvolutionBackwardFilter", JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS, ADDRESS);
        bwdBias = NativeLibraries.function(lib, "cudnnConvolutionBackwardBias", JAVA_INT, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        createPool = NativeLibraries.function(lib, "cudnnCreatePoolingDescriptor", JAVA_INT, ADDRESS);
        setPool2d = NativeLibraries.function(lib, "cudnnSetPooling2dDescriptor", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
        destroyPool = NativeLibraries.function(lib, "cudnnDestroyPoolingDescriptor", JAVA_INT, ADDRESS);
        poolFwd = NativeLibraries.function(lib, "cudnnPoolingForward", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        poolBwd = NativeLibraries.function(lib, "cudnnPoolingBackward", JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS,
                ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS);
        one.set(JAVA_FLOAT, 0, 1f);
        zero.set(JAVA_FLOAT, 0, 0f);
        version = (long) getVersion.invokeExact();
        MemorySegment slot = arena.allocate(ADDRESS);
        check((int) create.invokeExact(slot), "cudnnCreate");
        handle = slot.get(ADDRESS, 0);
    }

    /** Loads libcudnn (9, then 8); throws with where it looked when it cannot. */
    static Cudnn load() {
        SymbolLookup lib = NativeLibraries.load("libcudnn.so.9", "libcudnn.so.8");
        try {
            return new Cudnn(lib);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuDNN initialisation failed: " + t, t);
        }
    }

    // ------------------------------------------------------------------ descriptors

    /** Descriptors made for one call and destroyed after it, with their handle slots in a call-local arena. */
    private final class Descriptors implements AutoCloseable {
        private record Made(MethodHandle destroy, MemorySegment descriptor) {}

        private final Arena local = Arena.ofConfined();
        private final List<Made> made = new ArrayList<>();

        private MemorySegment create(MethodHandle create, MethodHandle destroy, String what) throws Throwable {
            MemorySegment slot = local.allocate(ADDRESS);
            check((int) create.invokeExact(slot), what);
            MemorySegment d = slot.get(ADDRESS, 0);
            made.add(new Made(destroy, d));
            return d;
        }

        MemorySegment tensor(DType type, int n, int c, int h, int w) throws Throwable {
            MemorySegment d = create(createTensor, destroyTensor, "cudnnCreateTensorDescriptor");
            check((int) setTensor4d.invokeExact(d, NCHW, dataType(type), n, c, h, w), "cudnnSetTensor4dDescriptor");
            return d;
        }

        MemorySegment filter(DType type, int k, int c, int h, int w) throws Throwable {
            MemorySegment d = create(createFilter, destroyFilter, "cudnnCreateFilterDescriptor");
            check((int) setFilter4d.invokeExact(d, dataType(type), NCHW, k, c, h, w), "cudnnSetFilter4dDescriptor");
            return d;
        }

        /** A convolution computing in float32 (for float32 and for bfloat16 tensors alike). */
        MemorySegment conv(int ph, int pw, int sh, int sw, int mathType) throws Throwable {
            MemorySegment d = create(createConv, destroyConv, "cudnnCreateConvolutionDescriptor");
            check((int) setConv2d.invokeExact(d, ph, pw, sh, sw, 1, 1, CROSS_CORRELATION, FLOAT),
                    "cudnnSetConvolution2dDescriptor");
            setMath(d, mathType);
            return d;
        }

        void setMath(MemorySegment conv, int mathType) throws Throwable {
            check((int) setConvMath.invokeExact(conv, mathType), "cudnnSetConvolutionMathType");
        }

        MemorySegment pool(int kh, int kw, int ph, int pw, int sh, int sw) throws Throwable {
            MemorySegment d = create(createPool, destroyPool, "cudnnCreatePoolingDescriptor");
            check((int) setPool2d.invokeExact(d, POOLING_MAX, PROPAGATE_NAN, kh, kw, ph, pw, sh, sw),
                    "cudnnSetPooling2dDescriptor");
            return d;
        }

        MemorySegment scratch(long bytes) {
            return local.allocate(bytes, 8);
        }

        @Override
        public void close() {
            try {
                for (Made m : made) {
                    int ignored = (int) m.destroy().invokeExact(m.descriptor());
                }
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            } finally {
                local.close();
            }
        }
    }

    private static MemorySegment at(long address) {
        return MemorySegment.ofAddress(address);
    }

    private static int dataType(DType type) {
        return switch (type) {
            case FLOAT32 -> FLOAT;
            case BFLOAT16 -> BFLOAT16;
            case INT32 -> throw new IllegalArgumentException("cuDNN: no int32 convolutions or pooling here");
        };
    }

    /**
     * Algorithms left out in FP32: FFT and Winograd trade FP32 accuracy for speed (errors well above float
     * rounding), which would break parity with the CPU. Forward: FFT 4, FFT_TILING 5, WINOGRAD 6 and 7;
     * backward data: FFT 2, FFT_TILING 3, WINOGRAD 4 and 5; backward filter: FFT 2, WINOGRAD_NONFUSED 4,
     * FFT_TILING 5. In TF32 and on bfloat16 every algorithm is allowed, as in PyTorch: there the bar is
     * the rounding of the inputs (2^-11 and 2^-8 relative), not float rounding.
     */
    private static boolean inexact(String pass, int algo) {
        if (pass.equals("fwd")) {
            return algo >= 4;
        }
        if (pass.equals("bwd-data")) {
            return algo >= 2;
        }
        return algo == 2 || algo == 4 || algo == 5;
    }

    /**
     * The first algorithm cuDNN's heuristics offer that {@code allowed} takes and that fits the workspace
     * limit: its number, workspace bytes and math type, stored under {@code key}. The workspace is asked
     * with the math type set on the descriptor, which therefore ends set to the chosen one.
     */
    private long[] choose(Descriptors d, String key, IntPredicate allowed, AlgoQuery query, WorkspaceQuery workspace)
            throws Throwable {
        MemorySegment perf = d.scratch(PERF_BYTES * PERF_COUNT);
        MemorySegment returned = d.scratch(4);
        check(query.run(PERF_COUNT, returned, perf), "cudnnGet*Algorithm_v7 (" + key + ")");
        int n = returned.get(JAVA_INT, 0);
        for (int i = 0; i < n; i++) {
            long base = i * PERF_BYTES;
            int algo = perf.get(JAVA_INT, base);
            int status = perf.get(JAVA_INT, base + 4);
            long memory = perf.get(JAVA_LONG, base + 16);
            int mathType = perf.get(JAVA_INT, base + PERF_MATH_TYPE);
            if (status == 0 && memory <= WORKSPACE_LIMIT && allowed.test(algo)) {
                MemorySegment size = d.scratch(8);
                check(workspace.run(algo, mathType, size), "cudnnGet*WorkspaceSize (" + key + ")");
                long[] choice = {algo, size.get(JAVA_LONG, 0), mathType};
                algorithms.put(key, choice);
                return choice;
            }
        }
        throw new IllegalStateException("cuDNN offers no algorithm for " + key);
    }

    @FunctionalInterface
    private interface AlgoQuery {
        int run(int requested, MemorySegment returned, MemorySegment perf) throws Throwable;
    }

    /** The workspace of one algorithm, asked with the descriptor set to the math type it will run in. */
    @FunctionalInterface
    private interface WorkspaceQuery {
        int run(int algo, int mathType, MemorySegment size) throws Throwable;
    }

    // ------------------------------------------------------------------ convolution

    /**
     * The algorithm cache key of a convolution's shapes. The output size is left out: the other fields
     * determine it. (In cuDNN's names: n, c, h, w, k, r, s, pad h, pad w, stride h, stride w.)
     */
    private static String key(ConvGeometry g) {
        return g.n() + "," + g.cIn() + "," + g.h() + "," + g.w() + "," + g.cOut() + "," + g.kh() + "," + g.kw() + ","
                + g.padH() + "," + g.padW() + "," + g.strideH() + "," + g.strideW();
    }

    /** The last call of a convolution pass, given its descriptors, algorithm and workspace. */
    @FunctionalInterface
    private interface ConvCall {
        int run(MemorySegment xd, MemorySegment wd, MemorySegment yd, MemorySegment cd, int algo, MemorySegment ws,
                long wsBytes) throws Throwable;
    }

    /**
     * One pass of a convolution: descriptors for x, w, y and the convolution, the algorithm (chosen once
     * per shape, pass and precision), a workspace from the caching allocator, then the call.
     */
    private void convolve(String pass, ConvGeometry g, DType type, AlgoQueryFor query, WorkspaceQueryFor workspace,
                          ConvCall call, CachingAllocator memory) {
        try (Descriptors d = new Descriptors()) {
            MemorySegment xd = d.tensor(type, g.n(), g.cIn(), g.h(), g.w());
            MemorySegment wd = d.filter(type, g.cOut(), g.cIn(), g.kh(), g.kw());
            MemorySegment yd = d.tensor(type, g.n(), g.cOut(), g.outH(), g.outW());
            boolean bf16 = type == DType.BFLOAT16;
            boolean tf32 = !bf16 && Precision.current() == Precision.TF32;
            String key = (bf16 ? "bf16 " : tf32 ? "tf32 " : "fp32 ") + pass + " " + key(g);
            long[] algo = algorithms.get(key);
            // A shape seen before runs in the math type chosen for it; a new one asks the heuristics in its
            // type's and precision's own (TF32: DEFAULT, which lets them offer tensor-core algorithms).
            int mathType = algo != null ? (int) algo[2] : bf16 ? TENSOR_OP_MATH : tf32 ? DEFAULT_MATH : FMA_MATH;
            MemorySegment cd = d.conv(g.padH(), g.padW(), g.strideH(), g.strideW(), mathType);
            if (algo == null) {
                IntPredicate allowed = bf16 || tf32 ? a -> true : a -> !inexact(pass, a);
                algo = choose(d, key, allowed, (req, ret, perf) -> query.run(xd, wd, yd, cd, req, ret, perf),
                        (a, math, size) -> {
                            d.setMath(cd, math);
                            return workspace.run(xd, wd, yd, cd, a, size);
                        });
            }
            CachingAllocator.Block ws = algo[1] > 0 ? memory.allocate(algo[1]) : null;
            try {
                check(call.run(xd, wd, yd, cd, (int) algo[0],
                        ws == null ? MemorySegment.NULL : at(ws.address()), algo[1]), "cudnnConvolution " + pass);
            } finally {
                if (ws != null) {
                    memory.release(ws);
                }
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @FunctionalInterface
    private interface AlgoQueryFor {
        int run(MemorySegment xd, MemorySegment wd, MemorySegment yd, MemorySegment cd, int requested,
                MemorySegment returned, MemorySegment perf) throws Throwable;
    }

    @FunctionalInterface
    private interface WorkspaceQueryFor {
        int run(MemorySegment xd, MemorySegment wd, MemorySegment yd, MemorySegment cd, int algo, MemorySegment size)
                throws Throwable;
    }

    /** y = conv(x, w), overwriting y. */
    void forward(ConvGeometry g, DType type, long x, long w, long y, CachingAllocator memory) {
        convolve("fwd", g, type,
                (xd, wd, yd, cd, req, ret, perf) -> (int) fwdAlgo.invokeExact(handle, xd, wd, cd, yd, req, ret, perf),
                (xd, wd, yd, cd, a, size) -> (int) fwdWorkspace.invokeExact(handle, xd, wd, cd, yd, a, size),
                (xd, wd, yd, cd, a, ws, bytes) -> (int) fwd.invokeExact(handle, one, xd, at(x), wd, at(w), cd, a, ws,
                        bytes, zero, yd, at(y)), memory);
    }

    /** dx = the gradient with respect to x, from dy and w, overwriting dx. */
    void backwardData(ConvGeometry g, DType type, long w, long dy, long dx, CachingAllocator memory) {
        convolve("bwd-data", g, type,
                (xd, wd, yd, cd, req, ret, perf) -> (int) bwdDataAlgo.invokeExact(handle, wd, yd, cd, xd, req, ret, perf),
                (xd, wd, yd, cd, a, size) -> (int) bwdDataWorkspace.invokeExact(handle, wd, yd, cd, xd, a, size),
                (xd, wd, yd, cd, a, ws, bytes) -> (int) bwdData.invokeExact(handle, one, wd, at(w), yd, at(dy), cd, a, ws,
                        bytes, zero, xd, at(dx)), memory);
    }

    /** dw = the gradient with respect to w, from x and dy, overwriting dw. */
    void backwardFilter(ConvGeometry g, DType type, long x, long dy, long dw, CachingAllocator memory) {
        convolve("bwd-filter", g, type,
                (xd, wd, yd, cd, req, ret, perf) -> (int) bwdFilterAlgo.invokeExact(handle, xd, yd, cd, wd, req, ret, perf),
                (xd, wd, yd, cd, a, size) -> (int) bwdFilterWorkspace.invokeExact(handle, xd, yd, cd, wd, a, size),
                (xd, wd, yd, cd, a, ws, bytes) -> (int) bwdFilter.invokeExact(handle, one, xd, at(x), yd, at(dy), cd, a,
                        ws, bytes, zero, wd, at(dw)), memory);
    }

    /** db[c] = sum of dy[n, c, i, j]: the bias gradient (dy viewed as [n, c, h, w]). */
    void biasGrad(DType type, int n, int c, int h, int w, long dy, long db) {
        try (Descriptors d = new Descriptors()) {
            MemorySegment dyd = d.tensor(type, n, c, h, w);
            MemorySegment dbd = d.tensor(type, 1, c, 1, 1);
            check((int) bwdBias.invokeExact(handle, one, dyd, at(dy), zero, dbd, at(db)), "cudnnConvolutionBackwardBias");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    // ------------------------------------------------------------------ pooling

    /** Max pooling of x [n, c, h, w] into y [n, c, oh, ow]; the caller makes oh, ow cuDNN's floor sizes. */
    void maxPoolForward(DType type, int n, int c, int h, int w, int oh, int ow, int kh, int kw, int ph, int pw, int sh,
                        int sw, long x, long y) {
        try (Descriptors d = new Descriptors()) {
            MemorySegment pd = d.pool(kh, kw, ph, pw, sh, sw);
            MemorySegment xd = d.tensor(type, n, c, h, w);
            MemorySegment yd = d.tensor(type, n, c, oh, ow);
            check((int) poolFwd.invokeExact(handle, pd, one, xd, at(x), zero, yd, at(y)), "cudnnPoolingForward");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    void maxPoolBackward(DType type, int n, int c, int h, int w, int oh, int ow, int kh, int kw, int ph, int pw, int sh,
                         int sw, long y, long dy, long x, long dx) {
        try (Descriptors d = new Descriptors()) {
            MemorySegment pd = d.pool(kh, kw, ph, pw, sh, sw);
            MemorySegment xd = d.tensor(type, n, c, h, w);
            MemorySegment yd = d.tensor(type, n, c, oh, ow);
            check((int) poolBwd.invokeExact(handle, pd, one, yd, at(y), yd, at(dy), xd, at(x), zero, xd, at(dx)),
                    "cudnnPoolingBackward");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void check(int status, String what) throws Throwable {
        if (status != 0) {
            MemorySegment msg = (MemorySegment) getErrorString.invokeExact(status);
            String text = msg.reinterpret(256).getString(0);
            throw new IllegalStateException(what + " failed: " + text + " (status " + status + ")");
        }
    }
}
