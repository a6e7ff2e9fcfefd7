package dev.pixelgrad.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.pixelgrad.tensor.PoolParams;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Max pooling's forward, 2x2 windows (the select-based rows) and others, against one plain scan per
 * window: the first max in scan order, the first NaN winning, windows clipped to the input.
 */
class PoolCpuTest {

    private static void expect(float[] x, int planes, int h, int w, PoolParams p, int ho, int wo) {
        float[] y = new float[planes * ho * wo];
        int[] idx = new int[y.length];
        PoolCpu.forward(x, planes, h, w, p, ho, wo, y, idx);
        float[] ey = new float[y.length];
        int[] eidx = new int[y.length];
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    float best = Float.NEGATIVE_INFINITY;
                    int arg = -1;
                    scan:
                    for (int yy = oy * p.strideH() - p.padH(); yy < oy * p.strideH() - p.padH() + p.kernelH(); yy++) {
                        for (int xx = ox * p.strideW() - p.padW(); xx < ox * p.strideW() - p.padW() + p.kernelW(); xx++) {
                            if (yy < 0 || yy >= h || xx < 0 || xx >= w) {
                                continue;
                            }
                            float v = x[pl * h * w + yy * w + xx];
                            if (arg < 0 || v > best || Float.isNaN(v)) {
                                best = v;
                                arg = yy * w + xx;
                                if (Float.isNaN(v)) {
                                    break scan;
                                }
                            }
                        }
                    }
                    ey[pl * ho * wo + oy * wo + ox] = best;
                    eidx[pl * ho * wo + oy * wo + ox] = arg;
                }
            }
        }
        assertArrayEquals(ey, y, p + " on " + h + "x" + w);
        assertArrayEquals(eidx, idx, p + " on " + h + "x" + w + ": indices");
    }

    /** Values with ties, infinities and NaNs among them, so every select is taken both ways. */
    private static float[] values(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] x = new float[n];
        float[] special = {Float.NaN, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, 0f, -0f, 1f};
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(10) == 0 ? special[r.nextInt(special.length)] : (float) r.nextInt(5);
        }
        return x;
    }

    @Test
    void twoByTwoWindowsMatchThePlainScan() {
        PoolParams twoByTwo = new PoolParams(2, 2, 2, 2, 0, 0, true);
        expect(values(3 * 8 * 10, 1), 3, 8, 10, twoByTwo, 4, 5);      // whole windows only
        expect(values(2 * 7 * 9, 2), 2, 7, 9, twoByTwo, 4, 5);         // ceil mode: a cut last row and column
        expect(values(1 * 1 * 5, 3), 1, 1, 5, twoByTwo, 1, 3);         // one input row: every window cut
    }

    @Test
    void otherWindowsMatchThePlainScan() {
        expect(values(2 * 9 * 11, 4), 2, 9, 11, new PoolParams(3, 3, 2, 2, 1, 1, true), 5, 6);
        expect(values(9 * 8, 5), 1, 9, 8, new PoolParams(2, 3, 1, 2, 0, 1, false), 8, 4);
    }
}
