package dev.pixelgrad.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The CPU sums against one plain running sum in double, on lengths around the eight-way unrolling. */
class ReductionCpuTest {

    @Test
    void sumRangeMatchesOneRunningSum() {
        float[] x = SgemmTest.random(100_003, 81);
        for (int[] r : new int[][] {{0, 0}, {5, 6}, {3, 10}, {0, 8}, {1, 17}, {0, 100_003}, {7, 99_990}}) {
            double expected = 0;
            for (int i = r[0]; i < r[1]; i++) {
                expected += x[i];
            }
            assertEquals(expected, ReductionCpu.sumRange(x, r[0], r[1]), 1e-12 * Math.max(1, Math.abs(expected)),
                    "x[" + r[0] + ", " + r[1] + ")");
        }
        assertEquals(0.0, ReductionCpu.sumRange(x, 4, 4));
    }

    @Test
    void sumPerChannelAddsEveryImagesPlane() {
        int n = 3;
        int c = 5;
        int plane = 37;
        float[] x = SgemmTest.random(n * c * plane, 82);
        float[] out = new float[c];
        ReductionCpu.sumPerChannel(x, n, c, plane, out);
        for (int ch = 0; ch < c; ch++) {
            double expected = 0;
            for (int img = 0; img < n; img++) {
                for (int i = 0; i < plane; i++) {
                    expected += x[(img * c + ch) * plane + i];
                }
            }
            assertEquals((float) expected, out[ch], 1e-6f * Math.max(1f, Math.abs((float) expected)), "channel " + ch);
        }
    }
}
