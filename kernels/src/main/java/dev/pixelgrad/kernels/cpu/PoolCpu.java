package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.tensor.PoolParams;
import java.util.Arrays;

/**
 * Max pooling, one plane (image, channel) per task. Each window is clipped to the input, so padding and
 * the overhang of ceil mode never win; the position of the max is kept for backward. NaN propagates.
 */
final class PoolCpu {
    private PoolCpu() {}

    static void forward(float[] x, int planes, int h, int w, PoolParams p, int ho, int wo, float[] y, int[] idx) {
        Parallel.forRange(planes, Math.max(1, ElementwiseCpu.GRAIN / Math.max(1, h * w)), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int in = pl * h * w;
                int out = pl * ho * wo;
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = oy * p.strideH() - p.padH();
                    int y1 = Math.min(y0 + p.kernelH(), h);
                    y0 = Math.max(y0, 0);
                    for (int ox = 0; ox < wo; ox++) {
                        int x0 = ox * p.strideW() - p.padW();
                        int x1 = Math.min(x0 + p.kernelW(), w);
                        x0 = Math.max(x0, 0);
                        float best = Float.NEGATIVE_INFINITY;
                        int arg = y0 * w + x0;
                        for (int yy = y0; yy < y1; yy++) {
                            for (int xx = x0; xx < x1; xx++) {
                                float v = x[in + yy * w + xx];
                                if (v > best || Float.isNaN(v)) {
                                    best = v;
                                    arg = yy * w + xx;
                                    if (Float.isNaN(v)) {
                                        yy = y1; // NaN wins; stop scanning this window
                                        break;
                                    }
                                }
                            }
                        }
                        y[out + oy * wo + ox] = best;
                        idx[out + oy * wo + ox] = arg;
                    }
                }
            }
        });
    }

    /** gx = 0, then each output gradient goes to the input position that won its window. */
    static void backward(float[] gy, int[] idx, int planes, int outPlane, float[] gx, int inPlane) {
        Parallel.forRange(planes, Math.max(1, ElementwiseCpu.GRAIN / Math.max(1, inPlane)), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int in = pl * inPlane;
                Arrays.fill(gx, in, in + inPlane, 0f);
                int out = pl * outPlane;
                for (int i = 0; i < outPlane; i++) {
                    gx[in + idx[out + i]] += gy[out + i];
                }
            }
        });
    }
}
