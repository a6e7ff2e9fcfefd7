package dev.pixelgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The tape itself: order, accumulation, freezing, no-grad, and memory. */
class AutogradTest {

    private static Variable param(float... v) {
        return Variable.parameter(Tensor.of(v, v.length));
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Variable x = param(1f, 2f, 3f);
        F.sum(F.scale(x, 2f)).backward();
        F.sum(F.scale(x, 2f)).backward();
        assertArrayEquals(new float[] {4f, 4f, 4f}, x.grad().toFloatArray());
        x.zeroGrad();
        assertNull(x.grad());
        F.sum(x).backward();
        assertArrayEquals(new float[] {1f, 1f, 1f}, x.grad().toFloatArray());
    }

    @Test
    void padPlacesTheInputInZerosAndCropTakesItBack() {
        // A plain loop is the reference: y[n, c, i, j] = x[n, c, i - 1, j - 2] inside the window, 0 outside.
        Variable x = Variable.of(Tensor.uniform(Shape.of(2, 3, 4, 5), -1, 1, 3, Device.CPU));
        float[] in = x.data().toFloatArray();
        float[] out = F.pad(x, 1, 2, 6, 9).data().toFloatArray();
        assertEquals(2 * 3 * 6 * 9, out.length);
        for (int nc = 0; nc < 6; nc++) {
            for (int i = 0; i < 6; i++) {
                for (int j = 0; j < 9; j++) {
                    boolean inside = i >= 1 && i < 5 && j >= 2 && j < 7;
                    float expected = inside ? in[(nc * 4 + i - 1) * 5 + j - 2] : 0f;
                    assertEquals(expected, out[(nc * 6 + i) * 9 + j], "at " + nc + ", " + i + ", " + j);
                }
            }
        }
        assertArrayEquals(in, F.crop(F.pad(x, 1, 2, 6, 9), 1, 2, 4, 5).data().toFloatArray());
    }

    @Test
    void aVariableUsedTwiceGetsBothContributions() {
        // y = sum(x*2 + x*3 + x) -> dy/dx = 6; x feeds three nodes (a diamond in the graph).
        Variable x = param(1f, -1f);
        Variable y = F.sum(F.add(F.add(F.scale(x, 2f), F.scale(x, 3f)), x));
        y.backward();
        assertArrayEquals(new float[] {6f, 6f}, x.grad().toFloatArray());
    }

    @Test
    void aFrozenParameterGetsNoGradientButPassesItOn() {
        // Like FCN's frozen bilinear upsampling: the weight is fixed, its input still learns.
        Variable x = Variable.parameter(Tensor.uniform(Shape.of(1, 2, 3, 3), -1, 1, 1,
                Device.CPU));
        Variable w = Variable.parameter(Tensor.uniform(Shape.of(2, 2, 4, 4), -1, 1, 2,
                Device.CPU)).requiresGrad(false);
        F.sum(F.convTranspose2d(x, w, null, ConvParams.of(2, 0))).backward();
        assertNull(w.grad());
        assertNotNull(x.grad());
        assertTrue(Arrays.stream(box(x.grad().toFloatArray())).anyMatch(v -> v != 0f));
    }

    private static Float[] box(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = a[i];
        }
        return b;
    }

    @Test
    void settingTheSameGradientAgainKeepsIt() {
        Variable x = param(1f, 2f);
        F.sum(x).backward();
        x.setGrad(x.grad());
        assertArrayEquals(new float[] {1f, 1f}, x.grad().toFloatArray());
    }

    @Test
    void theFusedConvolutionAndReluIsTheTwoOpsBitForBit() {
        // Odd sizes and a stride that does not divide; about half the pre-activations negative, so the mask
        // matters. The output also feeds a second op, so its gradient arrives as a sum of two.
        ConvParams p = new ConvParams(2, 3, 1, 0);
        for (boolean withBias : new boolean[] {true, false}) {
            try (Scope scope = Scope.open()) {
                Variable x = Variable.parameter(Tensor.uniform(Shape.of(2, 3, 7, 6), -1, 1, 11, Device.CPU));
                Variable w = Variable.parameter(Tensor.uniform(Shape.of(4, 3, 3, 2), -0.5f, 0.5f, 12, Device.CPU));
                Variable b = withBias ? Variable.parameter(Tensor.uniform(Shape.of(4), -0.5f, 0.5f, 13, Device.CPU)) : null;
                Variable[] params = withBias ? new Variable[] {x, w, b} : new Variable[] {x, w};
                Variable fused = F.conv2dRelu(x, w, b, p);
                float[][] fusedGrads = grads(F.add(fused, F.scale(fused, 3f)), params);
                Variable twoOps = F.relu(F.conv2d(x, w, b, p));
                float[][] twoOpsGrads = grads(F.add(twoOps, F.scale(twoOps, 3f)), params);

                float[] y = fused.data().toFloatArray();
                assertArrayEquals(twoOps.data().toFloatArray(), y);
                long zeros = 0;
                for (float v : y) {
                    zeros += v == 0f ? 1 : 0;
                }
                assertTrue(zeros > y.length / 4 && zeros < 3 * y.length / 4, zeros + " of " + y.length + " rectified");
                for (int k = 0; k < params.length; k++) {
                    assertArrayEquals(twoOpsGrads[k], fusedGrads[k], "bias " + withBias + ", input " + k);
                }
            }
        }
    }

    /** Backward from {@code y} with a fixed random seed; the gradients of {@code params}, which it then zeroes. */
    private static float[][] grads(Variable y, Variable... params) {
        y.backward(Tensor.uniform(y.shape(), -1, 1, 14, Device.CPU));
        float[][] g = new float[params.length][];
        for (int k = 0; k < params.length; k++) {
            g[k] = params[k].grad().toFloatArray();
            params[k].zeroGrad();
        }
        return g;
    }

    @Test
    void reluKeepsNaNSoABlownUpNetworkShows() {
        Variable x = Variable.of(Tensor.of(new float[] {Float.NaN, -1f, 2f}, 3));
        float[] y = F.relu(x).data().toFloatArray();
        assertTrue(Float.isNaN(y[0]));
        assertEquals(0f, y[1]);
        assertEquals(2f, y[2]);
    }

    @Test
    void gradModeOffRecordsNothing() {
        Variable x = param(1f, 2f);
        Variable y;
        try (GradMode off = GradMode.off()) {
            y = F.sum(F.scale(x, 3f));
        }
        assertFalse(y.requiresGrad());
        assertTrue(GradMode.isEnabled());
        assertThrows(IllegalStateException.class, y::backward);
    }

    @Test
    void gradModeHandlesClosedOutOfOrderAreRefusedAndLeaveRecordingAsItWas() {
        GradMode outer = GradMode.off();
        GradMode inner = GradMode.off();
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("innermost first"), e.getMessage());
        assertFalse(GradMode.isEnabled(), "the refused close changed nothing: inner is still open");
        inner.close();
        outer.close();
        assertTrue(GradMode.isEnabled(), "closed in order, recording is back on");
        outer.close(); // a second close does nothing
        assertTrue(GradMode.isEnabled());
    }

    @Test
    void opsOnConstantsRecordNothing() {
        Variable c = Variable.of(Tensor.of(new float[] {1f}, 1));
        assertFalse(F.scale(c, 2f).requiresGrad());
    }

    @Test
    void secondBackwardThroughTheSameGraphFailsClearly() {
        Variable x = param(1f);
        Variable y = F.sum(F.scale(x, 2f));
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("second time"), e.getMessage());
    }

    @Test
    void backwardNeedsAScalarOrAnExplicitSeed() {
        Variable x = param(1f, 2f);
        Variable y = F.scale(x, 2f);
        assertThrows(IllegalStateException.class, y::backward);
        y.backward(Tensor.of(new float[] {1f, 10f}, 2));
        assertArrayEquals(new float[] {2f, 20f}, x.grad().toFloatArray());
    }

    @Test
    void aTrainingStepScopeReleasesIntermediatesButKeepsParameterGradients() {
        Variable w = param(0.5f, -0.5f);
        Tensor[] intermediate = new Tensor[1];
        for (int step = 0; step < 3; step++) {
            try (Scope s = Scope.open()) {
                Variable x = Variable.of(Tensor.of(new float[] {1f, 2f}, 2));
                Variable h = F.add(x, w);
                intermediate[0] = h.data();
                F.sum(F.scale(h, 2f)).backward();
            }
            assertTrue(intermediate[0].isClosed(), "intermediates die with the step's scope");
            assertFalse(w.grad().isClosed(), "parameter gradients survive it");
        }
        assertArrayEquals(new float[] {6f, 6f}, w.grad().toFloatArray());
    }
}
