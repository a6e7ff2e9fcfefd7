package dev.pixelgrad.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The ReLU loops are written for the JIT's vectoriser (a max, an and-mask) rather than as the selects
 * they stand for; each is checked bit for bit against the select on every kind of float: signed zeros,
 * the smallest subnormals, the largest finite values, infinities and NaNs.
 */
class ElementwiseCpuTest {
    private static final float[] SPECIAL = {0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 1f, -1f,
        Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffc00000), 3.5e-39f, 123.25f};

    @Test
    void reluIsTheSelectBitForBit() {
        float[] out = new float[SPECIAL.length];
        ElementwiseCpu.relu(SPECIAL, out, SPECIAL.length);
        for (int i = 0; i < SPECIAL.length; i++) {
            float v = SPECIAL[i];
            // A NaN stays a NaN (its payload is the JIT's business); everything else is the select's bits.
            if (Float.isNaN(v)) {
                assertTrue(Float.isNaN(out[i]), "relu(NaN) = " + out[i]);
            } else {
                assertEquals(Float.floatToRawIntBits(v <= 0f ? 0f : v), Float.floatToRawIntBits(out[i]), "relu(" + v + ")");
            }
        }
    }

    @Test
    void reluBackwardIsTheSelectBitForBit() {
        int n = SPECIAL.length * SPECIAL.length;
        float[] gy = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < SPECIAL.length; i++) {
            for (int j = 0; j < SPECIAL.length; j++) {
                y[i * SPECIAL.length + j] = SPECIAL[i];
                gy[i * SPECIAL.length + j] = SPECIAL[j];
            }
        }
        float[] gx = new float[n];
        ElementwiseCpu.reluBackward(gy, y, gx, n);
        for (int k = 0; k < n; k++) {
            float expected = y[k] > 0f ? gy[k] : 0f;
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(gx[k]),
                    "y " + y[k] + ", gy " + gy[k] + ": " + gx[k]);
        }
    }

    @Test
    void longArraysTakeTheSamePathAsShortOnes() {
        // Past the JIT's vectorised main loop and across the parallel split.
        int n = 3 * ElementwiseCpu.GRAIN + 7;
        float[] x = new float[n];
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = SPECIAL[i % SPECIAL.length];
            g[i] = SPECIAL[(i * 7 + 3) % SPECIAL.length];
        }
        float[] y = new float[n];
        float[] gx = new float[n];
        for (int rep = 0; rep < 20; rep++) { // enough calls for the JIT to compile the loops
            ElementwiseCpu.relu(x, y, n);
            ElementwiseCpu.reluBackward(g, y, gx, n);
        }
        for (int i = 0; i < n; i++) {
            float expectedY = Float.isNaN(x[i]) ? x[i] : x[i] <= 0f ? 0f : x[i];
            assertEquals(Float.isNaN(expectedY), Float.isNaN(y[i]), "relu at " + i);
            if (!Float.isNaN(expectedY)) {
                assertEquals(Float.floatToRawIntBits(expectedY), Float.floatToRawIntBits(y[i]), "relu at " + i);
            }
            float expectedG = y[i] > 0f ? g[i] : 0f;
            assertEquals(Float.floatToRawIntBits(expectedG), Float.floatToRawIntBits(gx[i]), "relu backward at " + i);
        }
    }
}
