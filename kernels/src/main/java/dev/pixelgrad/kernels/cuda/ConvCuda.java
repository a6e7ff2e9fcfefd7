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

    /** Output positions per im2col band, so that a colRows x band matrix stays within budget. */
    private static long band(ConvGeometry g) {
        return Math.min(g.positions(), Math.max(1, COL_BUDGET_ELEMENTS / Math.max(1, g.colRows())));
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
        int kk = Math.toIntExact(g.colRows());
        int p = Math.toIntExact(g.positions());
        long xImageBytes = g.inputElements() * Float.BYTES;
        long yImageBytes = g.outputElements() * Float.BYTES;
        long band = band(g);
        CachingAllocator.Block col = g.isPointwise() ? null : rt.allocator.allocate(kk * band * Float.BYTES);
        try {
            for (int img = 0; img < g.n(); img++) {
                long xi = x + img * xImageBytes;
                long yi = y + img * yImageBytes;
                if (g.isPointwise()) {
                    gemm.own(false, false, g.cOut(), p, kk, 1f, w, kk, xi, p, 0f, yi, p);
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += band) {
                    int pc = (int) Math.min(band, p - p0);
                    im2col(g, xi, col.address(), p0, pc);
                    gemm.own(false, false, g.cOut(), pc, kk, 1f, w, kk, col.address(), pc, 0f, yi + p0 * Float.BYTES, p);
                }
            }
        } finally {
            if (col != null) {
                rt.allocator.release(col);
            }
        }
    }

    /** gx = the gradient of conv(x, w) with respect to x, overwriting gx. */
    private void backwardData(ConvGeometry g, String op, long gy, long w, long gx) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.backwardData(g, w, gy, gx, rt.allocator);
            return;
        }
        int kk = Math.toIntExact(g.colRows());
        int p = Math.toIntExact(g.positions());
        long xImage = g.inputElements();
        long yImageBytes = g.outputElements() * Float.BYTES;
        if (g.isPointwise()) {
            for (int img = 0; img < g.n(); img++) {
                gemm.own(true, false, kk, p, g.cOut(), 1f, w, kk, gy + img * yImageBytes, p, 0f,
                        gx + img * xImage * Float.BYTES, p);
            }
            return;
        }
        rt.driver.fill32(gx, 0, g.n() * xImage);
        long band = band(g);
        CachingAllocator.Block col = rt.allocator.allocate(kk * band * Float.BYTES);
        try {
            for (int img = 0; img < g.n(); img++) {
                long gxi = gx + img * xImage * Float.BYTES;
                for (long p0 = 0; p0 < p; p0 += band) {
                    int pc = (int) Math.min(band, p - p0);
                    gemm.own(true, false, kk, pc, g.cOut(), 1f, w, kk, gy + img * yImageBytes + p0 * Float.BYTES, p,
                            0f, col.address(), pc);
                    k.col2im_add_f32(Grid.linear(xImage), col.address(), gxi, g.cIn(), g.h(), g.w(), g.kh(), g.kw(),
                            g.strideH(), g.strideW(), g.padH(), g.padW(), g.outW(), p0, pc);
                }
            }
        } finally {
            rt.allocator.release(col);
        }
    }

    /** gw = the gradient of conv(x, w) with respect to w, overwriting gw (summed over images). */
    private void backwardWeight(ConvGeometry g, String op, long gy, long x, long gw) {
        Cudnn cudnn = vendor.cudnn(op);
        if (cudnn != null) {
            cudnn.backwardFilter(g, x, gy, gw, rt.allocator);
            return;
        }
        int kk = Math.toIntExact(g.colRows());
        int p = Math.toIntExact(g.positions());
        long xImageBytes = g.inputElements() * Float.BYTES;
        long yImageBytes = g.outputElements() * Float.BYTES;
        long band = band(g);
        boolean first = true;
        CachingAllocator.Block col = g.isPointwise() ? null : rt.allocator.allocate(kk * band * Float.BYTES);
        try {
            for (int img = 0; img < g.n(); img++) {
                if (g.isPointwise()) {
                    gemm.own(false, true, g.cOut(), kk, p, 1f, gy + img * yImageBytes, p, x + img * xImageBytes, p,
                            first ? 0f : 1f, gw, kk);
                    first = false;
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += band) {
                    int pc = (int) Math.min(band, p - p0);
                    im2col(g, x + img * xImageBytes, col.address(), p0, pc);
                    gemm.own(false, true, g.cOut(), kk, pc, 1f, gy + img * yImageBytes + p0 * Float.BYTES, p,
                            col.address(), pc, first ? 0f : 1f, gw, kk);
                    first = false;
                }
            }
        } finally {
            if (col != null) {
                rt.allocator.release(col);
            }
        }
        if (first) {
            rt.driver.fill32(gw, 0, g.cOut() * (long) kk);
        }
    }
}
