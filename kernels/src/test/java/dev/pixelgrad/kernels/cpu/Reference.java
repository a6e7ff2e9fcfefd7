package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.kernels.ConvGeometry;

/**
 * The plain versions of the fast kernels, written for reading: straight loops, double accumulators,
 * no blocking, no threads. Tests compare the kernels to these.
 */
final class Reference {
    private Reference() {}

    /** C = alpha * op(A) op(B) + beta * C, BLAS style on row-major arrays. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += (double) av * bv;
                }
                int at = cOff + i * ldc + j;
                c[at] = (float) (alpha * s + (beta == 0f ? 0 : beta * c[at]));
            }
        }
    }

    /** y[n, co, oy, ox] = b[co] + sum over ci, ky, kx of w[co, ci, ky, kx] * x[n, ci, oy*sh - ph + ky, ox*sw - pw + kx]. */
    static float[] conv2d(ConvGeometry g, float[] x, float[] w, float[] b) {
        float[] y = new float[g.n() * g.cOut() * g.outH() * g.outW()];
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.cOut(); co++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        double s = b == null ? 0 : b[co];
                        for (int ci = 0; ci < g.cIn(); ci++) {
                            for (int ky = 0; ky < g.kh(); ky++) {
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int iy = oy * g.strideH() - g.padH() + ky;
                                    int ix = ox * g.strideW() - g.padW() + kx;
                                    if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                        s += (double) w[((co * g.cIn() + ci) * g.kh() + ky) * g.kw() + kx]
                                                * x[((n * g.cIn() + ci) * g.h() + iy) * g.w() + ix];
                                    }
                                }
                            }
                        }
                        y[((n * g.cOut() + co) * g.outH() + oy) * g.outW() + ox] = (float) s;
                    }
                }
            }
        }
        return y;
    }

    /** Both gradients of conv2d, by the same loops: every product w*x sends gy to both factors' partners. */
    static float[][] conv2dBackward(ConvGeometry g, float[] x, float[] w, float[] gy) {
        double[] gx = new double[x.length];
        double[] gw = new double[w.length];
        for (int n = 0; n < g.n(); n++) {
            for (int co = 0; co < g.cOut(); co++) {
                for (int oy = 0; oy < g.outH(); oy++) {
                    for (int ox = 0; ox < g.outW(); ox++) {
                        double d = gy[((n * g.cOut() + co) * g.outH() + oy) * g.outW() + ox];
                        for (int ci = 0; ci < g.cIn(); ci++) {
                            for (int ky = 0; ky < g.kh(); ky++) {
                                for (int kx = 0; kx < g.kw(); kx++) {
                                    int iy = oy * g.strideH() - g.padH() + ky;
                                    int ix = ox * g.strideW() - g.padW() + kx;
                                    if (iy >= 0 && iy < g.h() && ix >= 0 && ix < g.w()) {
                                        int wi = ((co * g.cIn() + ci) * g.kh() + ky) * g.kw() + kx;
                                        int xi = ((n * g.cIn() + ci) * g.h() + iy) * g.w() + ix;
                                        gx[xi] += d * w[wi];
                                        gw[wi] += d * x[xi];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return new float[][] {toFloat(gx), toFloat(gw)};
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
