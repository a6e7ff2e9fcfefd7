package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.kernels.ConvGeometry;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Tensor;

/**
 * Convolution and transposed convolution on the GPU: cuDNN where chosen ("conv2d", "conv_transpose2d"),
 * else our own im2col in bands of output positions (conv.cu) followed by our SGEMM: the same three
 * routines as the CPU's ConvCpu (forward, backward-data via col2im, backward-weight). A transposed
 * convolution is the adjoint of the convolution {@link ConvGeometry#transposed} describes, so it runs
 * the same routines with roles swapped. A 1x1 stride-1 unpadded convolution multiplies directly.
 */
final class ConvCuda {
    /** Upper bound on the floats of one im2col band (256 MiB). */
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

    void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        if (!emptyBatch(x, null)) {
            forward(ConvGeometry.of(x, w, p, out), "conv2d", addressOf(x), addressOf(w), addressOf(out));
            addBias(bias, out);
        }
    }

    void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        if (!emptyBatch(gy, null)) {
            backwardData(ConvGeometry.of(gx, w, p, gy), "conv2d", addressOf(gy), addressOf(w), addressOf(gx));
        }
    }

    void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        if (!emptyBatch(gy, gw)) {
            backwardWeight(ConvGeometry.of(x, gw, p, gy), "conv2d", addressOf(gy), addressOf(x), addressOf(gw));
        }
    }

    void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        if (!emptyBatch(x, null)) {
            backwardData(ConvGeometry.transposed(x, w, p, out), "conv_transpose2d", addressOf(x), addressOf(w),
                    addressOf(out));
            addBias(bias, out);
        }
    }

    void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        if (!emptyBatch(gy, null)) {
            forward(ConvGeometry.transposed(gx, w, p, gy), "conv_transpose2d", addressOf(gy), addressOf(w),
                    addressOf(gx));
        }
    }

    /** The conv's weight gradient with its input = gy and its output gradient = x. */
    void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        if (!emptyBatch(gy, gw)) {
            backwardWeight(ConvGeometry.transposed(x, gw, p, gy), "conv_transpose2d", addressOf(x), addressOf(gy),
                    addressOf(gw));
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
            rt.driver.fill32(addressOf(weightGradient), 0, weightGradient.numel());
        }
        return true;
    }

    // ------------------------------------------------------------------ the three passes

    /**
     * The sizes our im2col passes work with: the GEMM's inner dimension (colRows) and output positions
     * as ints (our SGEMM takes ints), the band of positions whose im2col matrix stays within budget,
     * and one image's input and output in bytes.
     */
    private record OwnPass(int colRows, int positions, long band, long inputImageBytes, long outputImageBytes) {
        static OwnPass of(ConvGeometry g) {
            long band = Math.min(g.positions(), Math.max(1, COL_BUDGET_ELEMENTS / Math.max(1, g.colRows())));
            return new OwnPass(Math.toIntExact(g.colRows()), Math.toIntExact(g.positions()), band,
                    g.inputElements() * Float.BYTES, g.outputElements() * Float.BYTES);
        }

        /** The im2col band buffer, or null where the input already is that matrix (pointwise). */
        CachingAllocator.Block colBuffer(ConvGeometry g, CachingAllocator allocator) {
            return g.isPointwise() ? null : allocator.allocate((long) colRows * band * Float.BYTES);
        }
    }

    private void release(CachingAllocator.Block block) {
        if (block != null) {
            rt.allocator.release(block);
        }
    }

    private void im2col(ConvGeometry g, long xImage, long col, long p0, long pc) {
        k.im2col_f32(Grid.linear(g.colRows() * pc), xImage, col, g.cIn(), g.h(), g.w(), g.kh(), g.kw(), g.strideH(),
                g.strideW(), g.padH(), g.padW(), g.outW(), p0, pc);
    }

    /** y = conv(x, w), overwriting y (bias added by the caller). */
    void forward(ConvGeometry g, String op, long x, long w, long y) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.forward(g, x, w, y, rt.allocator);
            return;
        }
        OwnPass s = OwnPass.of(g);
        int kk = s.colRows();
        int p = s.positions();
        CachingAllocator.Block col = s.colBuffer(g, rt.allocator);
        try {
            for (int img = 0; img < g.n(); img++) {
                long xi = x + img * s.inputImageBytes();
                long yi = y + img * s.outputImageBytes();
                if (g.isPointwise()) {
                    gemm.own(false, false, g.cOut(), p, kk, 1f, w, kk, xi, p, 0f, yi, p);
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += s.band()) {
                    int pc = (int) Math.min(s.band(), p - p0);
                    im2col(g, xi, col.address(), p0, pc);
                    gemm.own(false, false, g.cOut(), pc, kk, 1f, w, kk, col.address(), pc, 0f, yi + p0 * Float.BYTES, p);
                }
            }
        } finally {
            release(col);
        }
    }

    /** gx = the gradient of conv(x, w) with respect to x, overwriting gx. */
    private void backwardData(ConvGeometry g, String op, long gy, long w, long gx) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.backwardData(g, w, gy, gx, rt.allocator);
            return;
        }
        OwnPass s = OwnPass.of(g);
        int kk = s.colRows();
        int p = s.positions();
        if (g.isPointwise()) {
            for (int img = 0; img < g.n(); img++) {
                gemm.own(true, false, kk, p, g.cOut(), 1f, w, kk, gy + img * s.outputImageBytes(), p, 0f,
                        gx + img * s.inputImageBytes(), p);
            }
            return;
        }
        long inputImageElements = g.inputElements();
        rt.driver.fill32(gx, 0, g.n() * inputImageElements);
        CachingAllocator.Block col = s.colBuffer(g, rt.allocator);
        try {
            for (int img = 0; img < g.n(); img++) {
                long gxi = gx + img * s.inputImageBytes();
                for (long p0 = 0; p0 < p; p0 += s.band()) {
                    int pc = (int) Math.min(s.band(), p - p0);
                    gemm.own(true, false, kk, pc, g.cOut(), 1f, w, kk, gy + img * s.outputImageBytes() + p0 * Float.BYTES,
                            p, 0f, col.address(), pc);
                    // One thread per input element: col2im gathers, so it needs no atomics.
                    k.col2im_add_f32(Grid.linear(inputImageElements), col.address(), gxi, g.cIn(), g.h(), g.w(), g.kh(),
                            g.kw(), g.strideH(), g.strideW(), g.padH(), g.padW(), g.outW(), p0, pc);
                }
            }
        } finally {
            release(col);
        }
    }

    /** gw = the gradient of conv(x, w) with respect to w, overwriting gw (summed over images). */
    private void backwardWeight(ConvGeometry g, String op, long gy, long x, long gw) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.backwardFilter(g, x, gy, gw, rt.allocator);
            return;
        }
        OwnPass s = OwnPass.of(g);
        int kk = s.colRows();
        int p = s.positions();
        boolean first = true;
        CachingAllocator.Block col = s.colBuffer(g, rt.allocator);
        try {
            for (int img = 0; img < g.n(); img++) {
                long gyi = gy + img * s.outputImageBytes();
                long xi = x + img * s.inputImageBytes();
                if (g.isPointwise()) {
                    gemm.own(false, true, g.cOut(), kk, p, 1f, gyi, p, xi, p, first ? 0f : 1f, gw, kk);
                    first = false;
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += s.band()) {
                    int pc = (int) Math.min(s.band(), p - p0);
                    im2col(g, xi, col.address(), p0, pc);
                    gemm.own(false, true, g.cOut(), kk, pc, 1f, gyi + p0 * Float.BYTES, p, col.address(), pc,
                            first ? 0f : 1f, gw, kk);
                    first = false;
                }
            }
        } finally {
            release(col);
        }
        if (first) {
            rt.driver.fill32(gw, 0, g.cOut() * (long) kk);
        }
    }
}
