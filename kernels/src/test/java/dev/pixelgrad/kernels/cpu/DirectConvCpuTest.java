package dev.pixelgrad.kernels.cpu;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.kernels.ConvGeometry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The direct stride-1 convolution, with both micro-tiles, against the double-accumulated reference. */
class DirectConvCpuTest {

    /** n, cIn, h, w, cOut, kh, kw, ph, pw. */
    private static final int[][] CASES = {
        {1, 3, 7, 9, 4, 3, 3, 1, 1},      // fewer channels than one strip, rows narrower than a tile
        {2, 5, 13, 11, 13, 3, 3, 1, 1},   // channels off every strip, two images
        {1, 3, 4, 5, 8, 3, 3, 9, 7},      // padding much larger than the image (FCN's conv1_1 pads 100)
        {1, 4, 10, 12, 9, 5, 3, 0, 2},    // uneven kernel and padding, none on one axis
        {2, 2, 9, 9, 6, 7, 7, 0, 0},      // 7x7 on 9x9: three outputs a row
        {1, 16, 33, 35, 64, 3, 3, 1, 1},  // many runs per row, a whole number of strips
        {1, 8, 70, 3, 16, 3, 1, 1, 0},    // rows narrower than a vector
    };

    private static ConvGeometry geometry(int[] c) {
        int ho = c[2] + 2 * c[7] - c[5] + 1;
        int wo = c[3] + 2 * c[8] - c[6] + 1;
        return new ConvGeometry(c[0], c[1], c[2], c[3], c[4], c[5], c[6], 1, 1, c[7], c[8], ho, wo);
    }

    @TestFactory
    Stream<DynamicTest> forwardMatchesTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (DirectConvCpu.Tile tile : DirectConvCpu.Tile.values()) {
            for (int[] c : CASES) {
                ConvGeometry g = geometry(c);
                tests.add(DynamicTest.dynamicTest(tile + " " + g, () -> {
                    float[] x = SgemmTest.random(Math.toIntExact(g.n() * g.inputElements()), 61);
                    float[] w = SgemmTest.random(Math.toIntExact(g.cOut() * g.colRows()), 62);
                    float[] b = SgemmTest.random(g.cOut(), 63);
                    float[] y = new float[Math.toIntExact(g.n() * g.outputElements())];
                    Arrays.fill(y, Float.NaN); // every output written, none read
                    DirectConvCpu.forward(tile, g, x, w, b, y);
                    float[] expected = new float[y.length];
                    ReferenceConv.forward(g, x, w, b, expected);
                    assertClose(expected, y, 1e-5, "forward");
                    DirectConvCpu.forward(tile, g, x, w, null, y);
                    ReferenceConv.forward(g, x, w, null, expected);
                    assertClose(expected, y, 1e-5, "forward without bias");
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> weightGradientMatchesTheReference() {
        return Arrays.stream(DirectConvCpu.Tile.values()).flatMap(tile -> Arrays.stream(CASES).map(c -> {
            ConvGeometry g = geometry(c);
            return DynamicTest.dynamicTest(tile + " " + g, () -> {
                float[] x = SgemmTest.random(Math.toIntExact(g.n() * g.inputElements()), 71);
                float[] gy = SgemmTest.random(Math.toIntExact(g.n() * g.outputElements()), 72);
                float[] gw = new float[Math.toIntExact(g.cOut() * g.colRows())];
                Arrays.fill(gw, Float.NaN); // overwritten, never read
                DirectConvCpu.backwardWeight(tile, g, gy, x, gw);
                float[] expected = new float[gw.length];
                ReferenceConv.backwardWeight(g, gy, x, expected);
                assertClose(expected, gw, 1e-5, "backward weight");
            });
        }));
    }

    @Test
    void theWeightGradientOfAnEmptyBatchIsZero() {
        ConvGeometry g = geometry(new int[] {0, 3, 5, 6, 4, 3, 3, 1, 1});
        float[] gw = new float[Math.toIntExact(g.cOut() * g.colRows())];
        Arrays.fill(gw, Float.NaN);
        DirectConvCpu.backwardWeight(g, new float[0], new float[0], gw);
        assertArrayEquals(new float[gw.length], gw);
    }

    @Test
    void takesStrideOneConvolutionsWithFewChannels() {
        assertTrue(DirectConvCpu.applies(geometry(new int[] {1, 3, 64, 64, 64, 3, 3, 100, 100})), "conv1_1");
        assertTrue(DirectConvCpu.applies(geometry(new int[] {1, 128, 28, 28, 32, 3, 3, 1, 1})), "32 outputs");
        int small = DirectConvCpu.SMALL_MAP;
        assertFalse(DirectConvCpu.applies(geometry(new int[] {1, 64, 1, small, 64, 3, 3, 1, 1})), "64 each way, large");
        assertTrue(DirectConvCpu.applies(geometry(new int[] {1, 64, 1, small - 1, 64, 3, 3, 1, 1})), "64 each way, small");
        assertFalse(DirectConvCpu.applies(geometry(new int[] {1, 8, 28, 28, 65, 3, 3, 1, 1})), "65 outputs");
        assertFalse(DirectConvCpu.applies(new ConvGeometry(1, 4, 9, 9, 8, 3, 3, 2, 2, 1, 1, 5, 5)), "stride 2");
        assertFalse(DirectConvCpu.applies(geometry(new int[] {1, 4, 9, 9, 8, 1, 1, 0, 0})), "pointwise: a GEMM");
    }
}
