package dev.pixelgrad.tensor;

/**
 * Conversions between float32 and bfloat16, the 16-bit format whose bit pattern is the top half of a
 * float32's. The GPU kernels convert the same way (common.cuh), so a value rounds identically on every
 * device.
 */
public final class BFloat16 {
    /** The quiet NaN every NaN becomes: positive, top mantissa bit set (PyTorch's c10::BFloat16 too). */
    public static final short NAN_BITS = 0x7FC0;

    private BFloat16() {}

    /**
     * The bfloat16 nearest to {@code x}, ties to even: the IEEE default rounding, so a value above the
     * largest bfloat16 (about 3.39e38) by at least half a unit in the last place becomes infinity, and a
     * float32 subnormal rounds like any other value. NaN becomes {@link #NAN_BITS}.
     *
     * @param x the value
     * @return the bfloat16's 16 bits
     */
    public static short round(float x) {
        if (Float.isNaN(x)) {
            return NAN_BITS;
        }
        int bits = Float.floatToRawIntBits(x);
        // Adding 0x7FFF, plus one more when the kept half is odd, carries into the kept half exactly when
        // the dropped half is above one half, or equal to it with an odd kept half.
        int roundingBias = 0x7FFF + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    /**
     * The float32 equal to a bfloat16: exact, the 16 bits followed by 16 zero bits.
     *
     * @param bits the bfloat16's 16 bits
     * @return its value
     */
    public static float widen(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * dst[i] = round(src[i]) for the first {@code count} elements.
     *
     * @param src   the float32 values
     * @param dst   the bfloat16 bits, written
     * @param count how many elements
     */
    public static void round(float[] src, short[] dst, int count) {
        for (int i = 0; i < count; i++) {
            dst[i] = round(src[i]);
        }
    }

    /**
     * dst[i] = widen(src[i]) for the first {@code count} elements.
     *
     * @param src   the bfloat16 bits
     * @param dst   the float32 values, written
     * @param count how many elements
     */
    public static void widen(short[] src, float[] dst, int count) {
        for (int i = 0; i < count; i++) {
            dst[i] = widen(src[i]);
        }
    }
}
