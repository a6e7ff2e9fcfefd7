package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.kernels.ConvGeometry;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Tensor;

/**
 * Convolution and transposed convolution on the GPU: cuDNN where chosen ("conv2d", "conv_transpose2d"),
 * else our own im2col in bands of output positions (conv.cu) followed by our SGEMM: the same three
 * routines as the CPU's ConvCpu (forward, backward-data via col2im, backward-weight). A transposed
 * convolution is the adjoint of the convolution {@link ConvGeometry#transposed} describes, so it runs
 * the same routines with roles swapped. A 1x1 stride-1 unpadded convolution multiplies directly.
 *
 * <p>On bfloat16 tensors (all of one type, as PyTorch's autocast convolutions) cuDNN gets bfloat16
 * descriptors; ours stages bfloat16 im2col bands for gemm_bf16.cu, and every output element is rounded to
 * bfloat16 once, after its whole sum in float32: the forward pass's GEMM writes bfloat16 directly (each
 * output belongs to one band), while the backward passes, whose outputs sum over bands (col2im) or
 * images (the weight), accumulate in a float32 buffer that is cast once at the end.
 */
final class ConvCuda {
    /** Upper bound on the elements of one im2col band (256 MiB of float32). */
    private static final long COL_BUDGET_ELEMENTS = 64L << 20;

    private final CudaRuntime rt;
    private final Kernels k;
    private final GemmCuda gemm;
    private final VendorLibraries vendor;
    private final ElementwiseCuda elementwise;

    ConvCuda(CudaRuntime rt, GemmCuda gemm, VendorLibraries vendor, ElementwiseCuda elementwise) {
        this.rt = rt;
        this.k = rt.kernels;
        this.gemm = gemm;
        this.vendor = vendor;
        this.elementwise = elementwise;
    }

    // ------------------------------------------------------------------ the ops

    /**
     * conv2d(x, w) + bias, rectified where {@code relu} (conv2d_relu): the convolution (cuDNN's or ours) writes
     * the output without its bias, then one pass adds the bias, and under relu rectifies it in the same pass,
     * in place, where the two ops would read and write it twice.
     */
    void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, boolean relu, Tensor out) {
        if (!emptyBatch(x, null)) {
            forward(ConvGeometry.of(x, w, p, out), "conv2d", x.dtype(), addressOf(x), addressOf(w), addressOf(out));
            if (relu) {
                elementwise.addChannelBiasReluInPlace(out, bias);
            } else {
                addBias(bias, out);
            }
        }
    }

    void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        if (!emptyBatch(gy, null)) {
            backwardData(ConvGeometry.of(gx, w, p, gy), "conv2d", gy.dtype(), addressOf(gy), addressOf(w), addressOf(gx));
        }
    }

    void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        if (!emptyBatch(gy, gw)) {
            backwardWeight(ConvGeometry.of(x, gw, p, gy), "conv2d", gy.dtype(), addressOf(gy), addressOf(x),
                    addressOf(gw));
        }
    }

    void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        if (!emptyBatch(x, null)) {
            backwardData(ConvGeometry.transposed(x, w, p, out), "conv_transpose2d", x.dtype(), addressOf(x),
                    addressOf(w), addressOf(out));
            addBias(bias, out);
        }
    }

    void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        if (!emptyBatch(gy, null)) {
            forward(ConvGeometry.transposed(gx, w, p, gy), "conv_transpose2d", gy.dtype(), addressOf(gy),
                    addressOf(w), addressOf(gx));
        }
    }

    /** The conv's weight gradient with its input = gy and its output gradient = x. */
    void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        if (!emptyBatch(gy, gw)) {
            backwardWeight(ConvGeometry.transposed(x, gw, p, gy), "conv_transpose2d", gy.dtype(), addressOf(x),
                    addressOf(gy), addressOf(gw));
        }
    }

    private void addBias(Tensor bias, Tensor out) {
        if (bias != null) {
            elementwise.addChannelBias(out, bias, out);
        }
    }

    /** An empty batch: nothing to compute, and a weight gradient of zero. (cuDNN rejects n = 0.) */
    private boolean emptyBatch(Tensor batch, Tensor weightGradient) {
        if (batch.dim(0) != 0) {
            return false;
        }
        if (weightGradient != null) {
            rt.fill(weightGradient, 0f);
        }
        return true;
    }

    // ------------------------------------------------------------------ the three passes

    /**
     * The sizes our im2col passes work with: the element type, the GEMM's inner dimension (colRows) and
     * output positions as ints (our GEMMs take ints), the band of positions whose im2col matrix stays within
     * budget, and one image's input and output in bytes.
     */
    private record OwnPass(DType type, int colRows, int positions, long band, long inputImageBytes,
                           long outputImageBytes) {
        static OwnPass of(ConvGeometry g, DType type) {
            long band = Math.min(g.positions(), Math.max(1, COL_BUDGET_ELEMENTS / Math.max(1, g.colRows())));
            return new OwnPass(type, Math.toIntExact(g.colRows()), Math.toIntExact(g.positions()), band,
                    g.inputElements() * type.byteSize(), g.outputElements() * type.byteSize());
        }

        boolean bf16() {
            return type == DType.BFLOAT16;
        }

        /**
         * A band buffer of elements of {@code elementBytes} (im2col's in the element type, the backward-data
         * GEMM's in float32), or null where the input already is that matrix (pointwise).
         */
        CachingAllocator.Block colBuffer(ConvGeometry g, CachingAllocator allocator, int elementBytes) {
            return g.isPointwise() ? null : allocator.allocate((long) colRows * band * elementBytes);
        }
    }

    private void release(CachingAllocator.Block block) {
        if (block != null) {
            rt.allocator.release(block);
        }
    }

    private void im2col(OwnPass s, ConvGeometry g, long xImage, long col, long p0, long pc) {
        Grid grid = Grid.linear(g.colRows() * pc);
        if (s.bf16()) {
            k.im2col_bf16(grid, xImage, col, g.cIn(), g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padH(),
                    g.padW(), g.outW(), p0, pc);
        } else {
            k.im2col_f32(grid, xImage, col, g.cIn(), g.h(), g.w(), g.kh(), g.kw(), g.strideH(), g.strideW(), g.padH(),
                    g.padW(), g.outW(), p0, pc);
        }
    }

    /**
     * C = op(A) op(B) + beta C with our GEMM for the pass's type: on bfloat16 A and B, C is bfloat16 unless
     * {@code float32Out}; on float32 everything is float32.
     */
    private void multiply(OwnPass s, boolean float32Out, boolean transA, boolean transB, int m, int n, int kk, long a,
                          int lda, long b, int ldb, float beta, long c, int ldc) {
        if (s.bf16()) {
            gemm.ownBf16(transA, transB, m, n, kk, 1f, a, lda, b, ldb, beta, c, !float32Out, ldc);
        } else {
            gemm.own(transA, transB, m, n, kk, 1f, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /** A float32 buffer of {@code elements} for a bfloat16 pass's sums, or null on float32 (they go to the output). */
    private CachingAllocator.Block float32Sums(OwnPass s, long elements) {
        return s.bf16() ? rt.allocator.allocate(elements * Float.BYTES) : null;
    }

    /** y = conv(x, w), overwriting y (bias added by the caller). */
    void forward(ConvGeometry g, String op, DType type, long x, long w, long y) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.forward(g, type, x, w, y, rt.allocator);
            return;
        }
        OwnPass s = OwnPass.of(g, type);
        int kk = s.colRows();
        int p = s.positions();
        CachingAllocator.Block col = s.colBuffer(g, rt.allocator, type.byteSize());
        try {
            for (int img = 0; img < g.n(); img++) {
                long xi = x + img * s.inputImageBytes();
                long yi = y + img * s.outputImageBytes();
                if (g.isPointwise()) {
                    multiply(s, false, false, false, g.cOut(), p, kk, w, kk, xi, p, 0f, yi, p);
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += s.band()) {
                    int pc = (int) Math.min(s.band(), p - p0);
                    im2col(s, g, xi, col.address(), p0, pc);
                    // Each output belongs to one band: written in the output's type directly.
                    multiply(s, false, false, false, g.cOut(), pc, kk, w, kk, col.address(), pc, 0f,
                            yi + p0 * type.byteSize(), p);
                }
            }
        } finally {
            release(col);
        }
    }

    /** gx = the gradient of conv(x, w) with respect to x, overwriting gx. */
    private void backwardData(ConvGeometry g, String op, DType type, long gy, long w, long gx) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.backwardData(g, type, w, gy, gx, rt.allocator);
            return;
        }
        OwnPass s = OwnPass.of(g, type);
        int kk = s.colRows();
        int p = s.positions();
        if (g.isPointwise()) {
            for (int img = 0; img < g.n(); img++) {
                multiply(s, false, true, false, kk, p, g.cOut(), w, kk, gy + img * s.outputImageBytes(), p, 0f,
                        gx + img * s.inputImageBytes(), p);
            }
            return;
        }
        long inputImageElements = g.inputElements();
        CachingAllocator.Block col = s.colBuffer(g, rt.allocator, Float.BYTES);
        CachingAllocator.Block sums = float32Sums(s, inputImageElements);
        try {
            for (int img = 0; img < g.n(); img++) {
                long gxi = gx + img * s.inputImageBytes();
                long sum = sums != null ? sums.address() : gxi;
                rt.driver.fill32(sum, 0, inputImageElements);
                for (long p0 = 0; p0 < p; p0 += s.band()) {
                    int pc = (int) Math.min(s.band(), p - p0);
                    multiply(s, true, true, false, kk, pc, g.cOut(), w, kk,
                            gy + img * s.outputImageBytes() + p0 * type.byteSize(), p, 0f, col.address(), pc);
                    // One thread per input element: col2im gathers, so it needs no atomics.
                    k.col2im_add_f32(Grid.linear(inputImageElements), col.address(), sum, g.cIn(), g.h(), g.w(), g.kh(),
                            g.kw(), g.strideH(), g.strideW(), g.padH(), g.padW(), g.outW(), p0, pc);
                }
                if (sums != null) {
                    k.cast_f32_to_bf16(Grid.linear(inputImageElements), sum, gxi, inputImageElements);
                }
            }
        } finally {
            release(col);
            release(sums);
        }
    }

    /** gw = the gradient of conv(x, w) with respect to w, overwriting gw (summed over images). */
    private void backwardWeight(ConvGeometry g, String op, DType type, long gy, long x, long gw) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.backwardFilter(g, type, x, gy, gw, rt.allocator);
            return;
        }
        OwnPass s = OwnPass.of(g, type);
        int kk = s.colRows();
        int p = s.positions();
        long weightElements = g.cOut() * (long) kk;
        boolean first = true;
        CachingAllocator.Block col = s.colBuffer(g, rt.allocator, type.byteSize());
        CachingAllocator.Block sums = float32Sums(s, weightElements);
        long sum = sums != null ? sums.address() : gw;
        try {
            for (int img = 0; img < g.n(); img++) {
                long gyi = gy + img * s.outputImageBytes();
                long xi = x + img * s.inputImageBytes();
                if (g.isPointwise()) {
                    multiply(s, true, false, true, g.cOut(), kk, p, gyi, p, xi, p, first ? 0f : 1f, sum, kk);
                    first = false;
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += s.band()) {
                    int pc = (int) Math.min(s.band(), p - p0);
                    im2col(s, g, xi, col.address(), p0, pc);
                    multiply(s, true, false, true, g.cOut(), kk, pc, gyi + p0 * type.byteSize(), p, col.address(), pc,
                            first ? 0f : 1f, sum, kk);
                    first = false;
                }
            }
            if (first) {
                rt.driver.fill32(sum, 0, weightElements);
            }
            if (sums != null) {
                k.cast_f32_to_bf16(Grid.linear(weightElements), sum, gw, weightElements);
            }
        } finally {
            release(col);
            release(sums);
        }
    }
}
