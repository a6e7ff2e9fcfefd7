package dev.pixelgrad.kernels.cuda;

/**
 * Our own convolution on the GPU: im2col in bands of output positions, then our SGEMM; the same three
 * routines as the CPU's ConvCpu (forward, backward-data via col2im, backward-weight), and the transposed
 * convolution reuses them with roles swapped. A 1x1 stride-1 unpadded convolution multiplies directly.
 */
final class ConvCuda {
    /** Upper bound on the floats of one im2col band (256 MiB). */
    private static final long COL_BUDGET = 64L << 20;

    private final CudaRuntime rt;
    private final Gemm gemm;

    ConvCuda(CudaRuntime rt, Gemm gemm) {
        this.rt = rt;
        this.gemm = gemm;
    }

    /** Shapes: input [n, cin, h, w], weight [cout, cin, kh, kw], output [n, cout, ho, wo]. */
    record Geometry(int n, int cin, int h, int w, int cout, int kh, int kw, int sh, int sw, int ph, int pw, int ho,
                    int wo) {
        long k() {
            return (long) cin * kh * kw;
        }

        long p() {
            return (long) ho * wo;
        }

        long band() {
            return Math.min(p(), Math.max(1, COL_BUDGET / Math.max(1, k())));
        }

        boolean pointwise() {
            return kh == 1 && kw == 1 && sh == 1 && sw == 1 && ph == 0 && pw == 0;
        }
    }

    private Kernel im2col(Geometry g, long x, long col, long p0, long pc) {
        return rt.kernel("im2col_f32").ptr(0, x).ptr(1, col).i32(2, g.cin()).i32(3, g.h()).i32(4, g.w())
                .i32(5, g.kh()).i32(6, g.kw()).i32(7, g.sh()).i32(8, g.sw()).i32(9, g.ph()).i32(10, g.pw())
                .i32(11, g.wo()).i64(12, p0).i64(13, pc);
    }

    /** y = conv(x, w), overwriting y (bias added by the caller). */
    void forward(Geometry g, long x, long w, long y) {
        long k = g.k();
        long p = g.p();
        long xImage = (long) g.cin() * g.h() * g.w() * 4;
        long yImage = g.cout() * p * 4;
        CachingAllocator.Block col = g.pointwise() ? null : rt.allocator.allocate(k * g.band() * 4);
        try {
            for (int img = 0; img < g.n(); img++) {
                long xi = x + img * xImage;
                long yi = y + img * yImage;
                if (g.pointwise()) {
                    gemm.own(false, false, g.cout(), (int) p, (int) k, 1f, w, (int) k, xi, (int) p, 0f, yi, (int) p);
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += g.band()) {
                    long pc = Math.min(g.band(), p - p0);
                    im2col(g, xi, col.pointer().address(), p0, pc).launch1d(k * pc);
                    gemm.own(false, false, g.cout(), (int) pc, (int) k, 1f, w, (int) k, col.pointer().address(),
                            (int) pc, 0f, yi + p0 * 4, (int) p);
                }
            }
        } finally {
            if (col != null) {
                rt.allocator.release(col);
            }
        }
    }

    /** gx = the gradient of conv(x, w) with respect to x, overwriting gx. */
    void backwardData(Geometry g, long gy, long w, DevicePointer gxBuffer) {
        long gx = gxBuffer.address();
        long k = g.k();
        long p = g.p();
        long xImage = (long) g.cin() * g.h() * g.w();
        long yImage = g.cout() * p * 4;
        if (g.pointwise()) {
            for (int img = 0; img < g.n(); img++) {
                gemm.own(true, false, (int) k, (int) p, g.cout(), 1f, w, (int) k, gy + img * yImage, (int) p, 0f,
                        gx + img * xImage * 4, (int) p);
            }
            return;
        }
        jcuda.driver.JCudaDriver.cuMemsetD32(gxBuffer, 0, g.n() * xImage);
        CachingAllocator.Block col = rt.allocator.allocate(k * g.band() * 4);
        try {
            for (int img = 0; img < g.n(); img++) {
                for (long p0 = 0; p0 < p; p0 += g.band()) {
                    long pc = Math.min(g.band(), p - p0);
                    long c = col.pointer().address();
                    gemm.own(true, false, (int) k, (int) pc, g.cout(), 1f, w, (int) k, gy + img * yImage + p0 * 4,
                            (int) p, 0f, c, (int) pc);
                    rt.kernel("col2im_add_f32").ptr(0, c).ptr(1, gx + img * xImage * 4).i32(2, g.cin()).i32(3, g.h())
                            .i32(4, g.w()).i32(5, g.kh()).i32(6, g.kw()).i32(7, g.sh()).i32(8, g.sw()).i32(9, g.ph())
                            .i32(10, g.pw()).i32(11, g.wo()).i64(12, p0).i64(13, pc).launch1d(xImage);
                }
            }
        } finally {
            rt.allocator.release(col);
        }
    }

    /** gw = the gradient of conv(x, w) with respect to w, overwriting gw. */
    void backwardWeight(Geometry g, long gy, long x, DevicePointer gwBuffer) {
        long gw = gwBuffer.address();
        long k = g.k();
        long p = g.p();
        long xImage = (long) g.cin() * g.h() * g.w() * 4;
        long yImage = g.cout() * p * 4;
        boolean first = true;
        CachingAllocator.Block col = g.pointwise() ? null : rt.allocator.allocate(k * g.band() * 4);
        try {
            for (int img = 0; img < g.n(); img++) {
                if (g.pointwise()) {
                    gemm.own(false, true, g.cout(), (int) k, (int) p, 1f, gy + img * yImage, (int) p, x + img * xImage,
                            (int) p, first ? 0f : 1f, gw, (int) k);
                    first = false;
                    continue;
                }
                for (long p0 = 0; p0 < p; p0 += g.band()) {
                    long pc = Math.min(g.band(), p - p0);
                    long c = col.pointer().address();
                    im2col(g, x + img * xImage, c, p0, pc).launch1d(k * pc);
                    gemm.own(false, true, g.cout(), (int) k, (int) pc, 1f, gy + img * yImage + p0 * 4, (int) p, c,
                            (int) pc, first ? 0f : 1f, gw, (int) k);
                    first = false;
                }
            }
        } finally {
            if (col != null) {
                rt.allocator.release(col);
            }
        }
        if (first) {
            jcuda.driver.JCudaDriver.cuMemsetD32(gwBuffer, 0, g.cout() * k);
        }
    }
}
