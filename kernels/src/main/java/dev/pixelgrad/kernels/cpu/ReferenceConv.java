package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.kernels.ConvGeometry;

/**
 * The reference convolution: the definition as plain loops, with double accumulators and no im2col,
 * blocking or threads. Written for reading; the tests measure {@link ConvCpu} against it, and the CPU
 * backend runs it when the reference GEMM is chosen ({@code -Dpixelgrad.cpu.gemm=reference}, see
 * {@link Sgemm}).
 *
 * <pre>
 * y[n, co, oy, ox] = b[co] + sum over ci, ky, kx of w[co, ci, ky, kx] * x[n, ci, oy*sh - ph + ky, ox*sw - pw + kx]
 * </pre>
 *
 * Both gradients come from the same sum: each product w * x sends the output's gradient to its two
 * factors' partners. Each method overwrites its output, as {@link ConvCpu}'s do.
 */
final class ReferenceConv {
    private ReferenceConv() {}

    /** One product of the sum: y[yIndex] += w[wIndex] * x[xIndex]. */
    @FunctionalInterface
    private interface Product {
        void add(int xIndex, int wIndex, int yIndex);
    }

    /** Visits every product of the convolution's sums (taps in the padding have none). */
    private static void forEachProduct(ConvGeometry g, Product product) {
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.cOut(); co++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        int yIndex = ((n * g.cOut() + co) * g.outH() + oy) * g.outW() + ox;
                        for (int ci = 0; ci < g.cIn(); ci++) {
                            for (int ky = 0; ky < g.kh(); ky++) {
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int iy = oy * g.strideH() - g.padH() + ky;
                                    int ix = ox * g.strideW() - g.padW() + kx;
                                    if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                        product.add(((n * g.cIn() + ci) * g.h() + iy) * g.w() + ix,
                                                ((co * g.cIn() + ci) * g.kh() + ky) * g.kw() + kx, yIndex);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** y = conv(x, w) (+ bias, when not null). */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int positions = g.outH() * g.outW();
        double[] sum = new double[g.n() * g.cOut() * positions];
        if (bias != null) {
            for (int q = 0; q < sum.length; q++) {
                sum[q] = bias[q / positions % g.cOut()];
            }
        }
        forEachProduct(g, (xi, wi, yi) -> sum[yi] += (double) w[wi] * x[xi]);
        store(sum, y);
    }

    /** gx = the gradient of conv(x, w) with respect to x, given gy. */
    static void backwardData(ConvGeometry g, float[] gy, float[] w, float[] gx) {
        double[] sum = new double[g.n() * g.cIn() * g.h() * g.w()];
        forEachProduct(g, (xi, wi, yi) -> sum[xi] += (double) gy[yi] * w[wi]);
        store(sum, gx);
    }

    /** gw = the gradient of conv(x, w) with respect to w, given gy. */
    static void backwardWeight(ConvGeometry g, float[] gy, float[] x, float[] gw) {
        double[] sum = new double[g.cOut() * g.cIn() * g.kh() * g.kw()];
        forEachProduct(g, (xi, wi, yi) -> sum[wi] += (double) gy[yi] * x[xi]);
        store(sum, gw);
    }

    private static void store(double[] sum, float[] out) {
        for (int i = 0; i < sum.length; i++) {
            out[i] = (float) sum[i];
        }
    }
}
