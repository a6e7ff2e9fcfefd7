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
        boolean twoByTwo = isTwoByTwo(p);
        Parallel.forRange(planes, Math.max(1, ElementwiseCpu.GRAIN / Math.max(1, h * w)), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                int in = pl * h * w;
                int out = pl * ho * wo;
                for (int oy = 0; oy < ho; oy++) {
                    int y0 = oy * p.strideH() - p.padH();
                    int y1 = Math.min(y0 + p.kernelH(), h);
                    y0 = Math.max(y0, 0);
                    int ox = 0;
                    if (twoByTwo && y1 - y0 == 2) {
                        ox = Math.min(wo, w / 2); // the whole windows; a cut last one goes the general way
                        rowOfTwoByTwo(x, in + y0 * w, w, y0 * w, ox, y, idx, out + oy * wo);
                    }
                    for (; ox < wo; ox++) {
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

    /** FCN's pools (and most): 2x2 windows, stride 2, no padding. */
    private static boolean isTwoByTwo(PoolParams p) {
        return p.kernelH() == 2 && p.kernelW() == 2 && p.strideH() == 2 && p.strideW() == 2 && p.padH() == 0
                && p.padW() == 0;
    }

    /**
     * The whole 2x2 windows of one output row, outputs [0, count), the window's top row at x[top..] and
     * its index in the plane at topIndex: the same result as the general loop (first max in scan order,
     * the first NaN winning) with selects rather than branches, which random data mispredicts half the
     * time.
     */
    private static void rowOfTwoByTwo(float[] x, int top, int w, int topIndex, int count, float[] y, int[] idx,
                                     int outAt) {
        for (int ox = 0; ox < count; ox++) {
            int at = top + 2 * ox;
            float a = x[at];
            float b = x[at + 1];
            float c = x[at + w];
            float d = x[at + w + 1];
            float best = a;
            int k = 0;
            boolean take = best == best && (b > best || b != b); // best == best: not NaN yet
            best = take ? b : best;
            k = take ? 1 : k;
            take = best == best && (c > best || c != c);
            best = take ? c : best;
            k = take ? w : k;
            take = best == best && (d > best || d != d);
            best = take ? d : best;
            k = take ? w + 1 : k;
            y[outAt + ox] = best;
            idx[outAt + ox] = topIndex + 2 * ox + k;
        }
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
