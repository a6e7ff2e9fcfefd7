package dev.pixelgrad.kernels.cpu;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static dev.pixelgrad.tensor.testing.Approx.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/**
 * Winograd F(4x4, 3x3) against the reference convolution (double accumulators), forward and both
 * gradients, with each micro-tile of the GEMM, in whole bands and in bands of one tile row.
 */
class WinogradCpuTest {

    /** n, cIn, h, w, cOut, ph, pw. */
    private static final int[][] CASES = {
        {1, 8, 8, 8, 8, 1, 1},        // whole tiles
        {2, 9, 7, 11, 10, 1, 1},      // two images, ragged tiles on both sides
        {1, 8, 5, 6, 8, 0, 0},        // no padding: 3 x 4 outputs, one tile
        {1, 12, 9, 10, 8, 2, 2},      // padding 2 (the input gradient of an unpadded conv)
        {1, 8, 6, 70, 9, 1, 0},       // 17 tiles across: more than one vector of tiles, AVX2 or AVX-512
        {1, 8, 4, 5, 8, 0, 2},        // uneven padding; the only tile row is cut to two rows
        {1, 37, 9, 13, 21, 1, 1},     // channels not a multiple of any vector or micro-tile
        {1, 8, 2, 3, 8, 3, 1},        // padding larger than the image
    };

    private static ConvGeometry geometry(int[] c) {
        return new ConvGeometry(c[0], c[1], c[2], c[3], c[4], 3, 3, 1, 1, c[5], c[6],
                c[2] + 2 * c[5] - 2, c[3] + 2 * c[6] - 2);
    }

    private static List<VectorSgemm> gemms() {
        List<VectorSgemm> list = new ArrayList<>();
        for (Sgemm s : SgemmTest.implementations()) {
            if (s instanceof VectorSgemm v) {
                list.add(v);
            }
        }
        return list;
    }

    @TestFactory
    Stream<DynamicTest> forwardAndBothGradientsMatchTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (VectorSgemm gemm : gemms()) {
            for (int[] c : CASES) {
                for (int band : new int[] {WinogradCpu.BAND_FLOATS, 1}) {
                    ConvGeometry g = geometry(c);
                    tests.add(DynamicTest.dynamicTest(gemm.describe() + " " + g + (band == 1 ? " one tile row a band" : ""),
                            () -> compare(gemm, g, band)));
                }
            }
        }
        return tests.stream();
    }

    private static void compare(VectorSgemm gemm, ConvGeometry g, int band) {
        float[] x = SgemmTest.random(Math.toIntExact(g.n() * g.inputElements()), 31);
        float[] w = SgemmTest.random(Math.toIntExact(g.cOut() * g.colRows()), 32);
        float[] b = SgemmTest.random(g.cOut(), 33);
        float[] gy = SgemmTest.random(Math.toIntExact(g.n() * g.outputElements()), 34);

        float[] y = new float[gy.length];
        Arrays.fill(y, Float.NaN); // every output written, none read
        WinogradCpu.forward(gemm, g, x, w, b, y, band);
        float[] expectedY = new float[y.length];
        ReferenceConv.forward(g, x, w, b, expectedY);
        assertClose(expectedY, y, 1e-5, "forward");

        // The input gradient: the forward pass of the flipped-kernel convolution, as ConvCpu runs it.
        ConvGeometry adjoint = ConvCpu.adjoint(g);
        float[] gx = new float[x.length];
        Arrays.fill(gx, Float.NaN);
        WinogradCpu.forward(gemm, adjoint, gy, ConvCpu.flipped(g, w).clone(), null, gx, band);
        float[] expectedGx = new float[x.length];
        ReferenceConv.backwardData(g, gy, w, expectedGx);
        assertClose(expectedGx, gx, 1e-5, "backward data");

        float[] gw = new float[w.length];
        Arrays.fill(gw, Float.NaN);
        WinogradCpu.backwardWeight(gemm, g, gy, x, gw, band);
        float[] expectedGw = new float[w.length];
        ReferenceConv.backwardWeight(g, gy, x, expectedGw);
        assertClose(expectedGw, gw, 1e-5, "backward weight");
    }

    /**
     * ConvCpu sends 3x3 stride-1 convolutions with 8 or more channels each way here (those with at most
     * 64 out and few channels or a small map to {@link DirectConvCpu}), and nothing else.
     */
    @Test
    void convCpuTakesThisPathForVggLikeLayersOnly() {
        ConvGeometry g = geometry(new int[] {1, 64, 64, 64, 65, 1, 1}); // 64+ channels each way, a 64 x 64 map
        assertFalse(DirectConvCpu.applies(g));
        assertFalse(DirectConvCpu.applies(ConvCpu.adjoint(g)));
        VectorSgemm gemm = new VectorSgemm();
        assertTrue(WinogradCpu.applies(gemm, g));
        assertTrue(WinogradCpu.applies(gemm, ConvCpu.adjoint(g)));
        assertFalse(WinogradCpu.applies(gemm, new ConvGeometry(1, 3, 8, 8, 64, 3, 3, 1, 1, 1, 1, 8, 8)), "3 channels in");
        assertFalse(WinogradCpu.applies(gemm, new ConvGeometry(1, 8, 8, 8, 8, 3, 3, 2, 2, 1, 1, 4, 4)), "stride 2");
        assertFalse(WinogradCpu.applies(gemm, new ConvGeometry(1, 8, 8, 8, 8, 5, 5, 1, 1, 2, 2, 8, 8)), "5x5");
        int lanes = jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length();
        VectorSgemm wideStrips = new VectorSgemm(new VectorSgemm.Blocking(VectorSgemm.Tile.T12X2, 16, 24, 64,
                VectorSgemm.Blocking.SUMS_FLOATS));
        assertEquals(12 <= lanes, WinogradCpu.applies(wideStrips, g), "12-row strips on " + lanes + "-float vectors");

        float[] x = SgemmTest.random(Math.toIntExact(g.n() * g.inputElements()), 41);
        float[] w = SgemmTest.random(Math.toIntExact(g.cOut() * g.colRows()), 42);
        float[] gy = SgemmTest.random(Math.toIntExact(g.n() * g.outputElements()), 43);
        float[] viaConv = new float[gy.length];
        float[] direct = new float[gy.length];
        ConvCpu.forward(gemm, g, x, w, null, viaConv);
        WinogradCpu.forward(gemm, g, x, w, null, direct);
        assertArrayEquals(direct, viaConv);
        float[] gwViaConv = new float[w.length];
        float[] gwDirect = new float[w.length];
        ConvCpu.backwardWeight(gemm, g, gy, x, gwViaConv);
        WinogradCpu.backwardWeight(gemm, g, gy, x, gwDirect);
        assertArrayEquals(gwDirect, gwViaConv);
    }

    /**
     * The rounding on VGG16's widest layer shape (512 channels each way, 14 x 14, inputs and weights
     * uniform in [-1, 1)): F(4x4, 3x3) in float32 against the double-accumulated reference. Measured:
     * forward 7.4e-6 (im2col + GEMM: 3.1e-7), weight gradient 2.6e-6 (relative to the largest output).
     * The transforms' large coefficients cost a factor of about 25 over direct summation; the bound
     * holds it under 2e-5, well inside what training in float32 tolerates.
     */
    @Test
    void roundingOnAVggLayerStaysBounded() {
        ConvGeometry g = new ConvGeometry(1, 512, 14, 14, 512, 3, 3, 1, 1, 1, 1, 14, 14);
        VectorSgemm gemm = new VectorSgemm();
        float[] x = SgemmTest.random(Math.toIntExact(g.inputElements()), 51);
        float[] w = SgemmTest.random(Math.toIntExact(g.cOut() * g.colRows()), 52);
        float[] gy = SgemmTest.random(Math.toIntExact(g.outputElements()), 53);
        float[] expected = new float[gy.length];
        ReferenceConv.forward(g, x, w, null, expected);
        float[] winograd = new float[gy.length];
        WinogradCpu.forward(gemm, g, x, w, null, winograd);
        float[] im2col = new float[gy.length];
        gemm.gemm(false, false, g.cOut(), 14 * 14, Math.toIntExact(g.colRows()), 1f, w, 0,
                Math.toIntExact(g.colRows()), im2colOf(g, x), 0, 14 * 14, 0f, im2col, 0, 14 * 14);
        double winogradError = relativeError(winograd, expected);
        double im2colError = relativeError(im2col, expected);
        assertTrue(winogradError < 2e-5 && im2colError < 1e-6,
                "forward: Winograd " + winogradError + ", im2col " + im2colError);

        float[] expectedGw = new float[w.length];
        ReferenceConv.backwardWeight(g, gy, x, expectedGw);
        float[] gw = new float[w.length];
        WinogradCpu.backwardWeight(gemm, g, gy, x, gw);
        double gwError = relativeError(gw, expectedGw);
        assertTrue(gwError < 2e-5, "backward weight: Winograd " + gwError);
    }

    private static float[] im2colOf(ConvGeometry g, float[] x) {
        float[] col = new float[Math.toIntExact(g.colRows() * g.positions())];
        ConvCpu.im2col(g, x, 0, 0, Math.toIntExact(g.positions()), col);
        return col;
    }
}
