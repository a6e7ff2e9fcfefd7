package dev.pixelgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * float32 to bfloat16 and back. The rounding over a wide sample of float32 values is checked against
 * PyTorch by the cast golden fixture (autograd's GoldenTest); here, the cases the fixture leaves out
 * (NaN, infinities, rounding past the largest bfloat16) and the exact inverse on every bfloat16.
 */
class BFloat16Test {

    private static void rounds(float x, int expectedBits) {
        assertEquals(String.format("0x%04x", expectedBits), String.format("0x%04x", BFloat16.round(x) & 0xFFFF),
                "round(" + x + " = 0x" + Integer.toHexString(Float.floatToRawIntBits(x)) + ")");
    }

    @Test
    void roundsToNearestTiesToEven() {
        rounds(1f, 0x3F80);
        rounds(1f + 0x1p-8f, 0x3F80);            // a tie below an even kept half: down
        rounds(1f + 3 * 0x1p-8f, 0x3F82);        // a tie below an odd kept half: up
        rounds(1f + 0x1p-8f + 0x1p-20f, 0x3F81); // just above the tie: up
        rounds(1f + 0x1p-8f - 0x1p-20f, 0x3F80); // just below it: down
        rounds(-1f - 3 * 0x1p-8f, 0xBF82);       // the sign is kept apart from the rounding
        rounds(0f, 0x0000);
        rounds(-0f, 0x8000);
    }

    @Test
    void subnormalsRoundLikeAnyOtherValue() {
        rounds(Float.MIN_VALUE, 0x0000);                          // far below half of the smallest bfloat16
        rounds(Float.intBitsToFloat(0x00008000), 0x0000);        // a tie to the even zero
        rounds(Float.intBitsToFloat(0x00018000), 0x0002);        // a tie to the even 2
        rounds(Float.intBitsToFloat(0x007FFFFF), 0x0080);        // up into the smallest normal
    }

    @Test
    void infinitiesStayAndTheLargestValuesRoundToThem() {
        rounds(Float.POSITIVE_INFINITY, 0x7F80);
        rounds(Float.NEGATIVE_INFINITY, 0xFF80);
        rounds(Float.intBitsToFloat(0x7F7F0000), 0x7F7F);        // the largest bfloat16, 3.3895e38
        rounds(Float.intBitsToFloat(0x7F7F7FFF), 0x7F7F);        // below the tie with infinity
        rounds(Float.intBitsToFloat(0x7F7F8000), 0x7F80);        // the tie: to the even infinity
        rounds(Float.MAX_VALUE, 0x7F80);
        rounds(-Float.MAX_VALUE, 0xFF80);
    }

    @Test
    void everyNanBecomesTheOneQuietNan() {
        for (int bits : new int[] {0x7FC00000, 0xFFC00000, 0x7F800001, 0x7FBFFFFF, 0xFFFFFFFF, 0x7F80FFFF}) {
            rounds(Float.intBitsToFloat(bits), BFloat16.NAN_BITS);
        }
        assertEquals(true, Float.isNaN(BFloat16.widen(BFloat16.NAN_BITS)));
    }

    @Test
    void widenIsExactAndRoundUndoesItOnEveryBfloat16() {
        for (int b = 0; b < 1 << 16; b++) {
            float x = BFloat16.widen((short) b);
            assertEquals(b << 16, Float.floatToRawIntBits(x), "widen(0x" + Integer.toHexString(b) + ")");
            if (!Float.isNaN(x)) {
                assertEquals(b, BFloat16.round(x) & 0xFFFF, "round(widen(0x" + Integer.toHexString(b) + "))");
            }
        }
    }

    @Test
    void arrayFormsMatchTheScalarOnes() {
        float[] x = {1f + 0x1p-8f, -2.5f, Float.NaN, 3e38f, 1e-40f, 7f};
        short[] bits = new short[x.length];
        BFloat16.round(x, bits, x.length - 1); // the last element is left alone
        float[] back = new float[x.length];
        BFloat16.widen(bits, back, x.length);
        for (int i = 0; i < x.length - 1; i++) {
            assertEquals(BFloat16.round(x[i]), bits[i]);
            assertEquals(Float.floatToRawIntBits(BFloat16.widen(bits[i])), Float.floatToRawIntBits(back[i]));
        }
        assertEquals(0, bits[x.length - 1]);
    }

    @Test
    void hostTensorsHoldTheBitsAndReadBackAsFloats() {
        try (Tensor t = Tensor.empty(Shape.of(2, 2), DType.BFLOAT16, Device.CPU)) {
            assertEquals(DType.BFLOAT16, t.dtype());
            assertEquals(2, t.dtype().byteSize());
            short[] bits = t.hostBf16Bits();
            bits[0] = BFloat16.round(1.5f);
            bits[3] = BFloat16.round(-3.140625f);
            assertArrayEquals(new float[] {1.5f, 0f, 0f, -3.140625f}, t.toFloatArray());
            try (Tensor copy = t.copy()) {
                assertArrayEquals(bits, copy.hostBf16Bits());
                assertEquals(-3.140625f, copy.reshape(4).toFloatArray()[3]);
            }
        }
    }
}
