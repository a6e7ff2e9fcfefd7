package dev.pixelgrad.kernels.cpu;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.pixelgrad.kernels.ConvGeometry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * im2col + GEMM convolution (col(X) stored, or packed straight from the image), with each fast GEMM and
 * tile, against the reference (the plain seven-loop convolution). With the Vector API GEMM, stride-1
 * layers with few channels go to {@link DirectConvCpu}; the channel counts below send each path some.
 */
class ConvCpuTest {

    /** n, cIn, h, w, cOut, kh, kw, sh, sw, ph, pw. */
    private static final int[][] CASES = {
        {2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1},    // few channels: DirectConvCpu forward and both gradients
        {2, 3, 7, 9, 66, 3, 3, 1, 1, 1, 1},   // 66 outputs: im2col forward and weight gradient
        {1, 2, 10, 7, 5, 3, 2, 2, 3, 0, 1},
        {3, 5, 6, 5, 7, 1, 1, 1, 1, 0, 0},    // pointwise: no im2col
        {1, 3, 11, 13, 4, 5, 5, 3, 2, 2, 1},
        {2, 4, 5, 5, 3, 7, 7, 1, 1, 3, 3},    // kernel larger than the input
        {1, 2, 3, 4, 3, 3, 3, 1, 1, 9, 7},    // padding much larger than the input (FCN's conv1_1 uses 100)
        {1, 1, 9, 9, 2, 1, 1, 2, 2, 1, 0},    // 1x1 with stride and padding: im2col path
        {1, 3, 400, 401, 2, 3, 3, 1, 1, 1, 1}, // more output positions than one col(X) band holds
        {2, 70, 6, 8, 5, 2, 4, 1, 1, 1, 3},   // stride 1, uneven kernel: backward-data as a flipped-kernel conv
                                              // with 70 outputs, on im2col
        {1, 2, 5, 6, 3, 3, 2, 1, 1, 0, 0},    // the same, where that conv pads (2, 1) and this one nothing
        {3, 3, 9, 9, 4, 7, 7, 1, 1, 0, 0},    // fc6-like: 9x9 -> 3x3, backward-data through col2im, batch folded
        {2, 2, 64, 70, 3, 3, 3, 1, 1, 1, 1},  // enough positions per image that the batch goes image by image
        {2, 2, 130, 66, 3, 3, 3, 2, 1, 1, 1}, // the same, strided: backward-data through col2im per image
    };

    private static ConvGeometry geometry(int[] c) {
        int ho = Math.floorDiv(c[2] + 2 * c[9] - c[5], c[7]) + 1;
        int wo = Math.floorDiv(c[3] + 2 * c[10] - c[6], c[8]) + 1;
        return new ConvGeometry(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], ho, wo);
    }

    @TestFactory
    Stream<DynamicTest> forwardAndBothBackwardsMatchTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Sgemm gemm : SgemmTest.implementations()) {
            for (int[] c : CASES) {
                ConvGeometry g = geometry(c);
                tests.add(DynamicTest.dynamicTest(gemm.describe() + " " + g, () -> {
                    float[] x = SgemmTest.random(Math.toIntExact(g.n() * g.inputElements()), 11);
                    float[] w = SgemmTest.random(Math.toIntExact(g.cOut() * g.colRows()), 12);
                    float[] b = SgemmTest.random(g.cOut(), 13);
                    float[] gy = SgemmTest.random(Math.toIntExact(g.n() * g.outputElements()), 14);

                    float[] y = new float[gy.length];
                    Arrays.fill(y, Float.NaN); // forward must overwrite, never read
                    ConvCpu.forward(gemm, g, x, w, b, y);
                    float[] expectedY = new float[y.length];
                    ReferenceConv.forward(g, x, w, b, expectedY);
                    assertClose(expectedY, y, 1e-5, "forward");

                    float[] gx = new float[x.length];
                    Arrays.fill(gx, Float.NaN);
                    ConvCpu.backwardData(gemm, g, gy, w, gx);
                    float[] expectedGx = new float[x.length];
                    ReferenceConv.backwardData(g, gy, w, expectedGx);
                    assertClose(expectedGx, gx, 1e-5, "backward data");

                    float[] gw = new float[w.length];
                    Arrays.fill(gw, Float.NaN);
                    ConvCpu.backwardWeight(gemm, g, gy, x, gw);
                    float[] expectedGw = new float[w.length];
                    ReferenceConv.backwardWeight(g, gy, x, expectedGw);
                    assertClose(expectedGw, gw, 1e-5, "backward weight");
                }));
            }
        }
        return tests.stream();
    }

    /** Choosing the reference GEMM runs the whole convolution on the reference loops, not im2col. */
    @Test
    void theReferenceGemmRunsTheReferenceConvolution() {
        ConvGeometry g = geometry(CASES[1]);
        float[] x = SgemmTest.random(Math.toIntExact(g.n() * g.inputElements()), 21);
        float[] w = SgemmTest.random(Math.toIntExact(g.cOut() * g.colRows()), 22);
        float[] gy = SgemmTest.random(Math.toIntExact(g.n() * g.outputElements()), 23);
        float[] y = new float[gy.length];
        float[] expected = new float[gy.length];
        ConvCpu.forward(new ReferenceSgemm(), g, x, w, null, y);
        ReferenceConv.forward(g, x, w, null, expected);
        assertArrayEquals(expected, y);
        float[] gw = new float[w.length];
        float[] expectedGw = new float[w.length];
        ConvCpu.backwardWeight(new ReferenceSgemm(), g, gy, x, gw);
        ReferenceConv.backwardWeight(g, gy, x, expectedGw);
        assertArrayEquals(expectedGw, gw);
    }
}
