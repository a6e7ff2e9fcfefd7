package dev.pixelgrad.tensor;

/**
 * Element types. Float32 for data and gradients; int32 for labels and pooling indices; bfloat16 for the
 * activations and matrix inputs of mixed-precision training on a GPU ({@link BFloat16}).
 */
public enum DType {
    /** 32-bit IEEE 754 floating point, 4 bytes: data, weights, activations and gradients. */
    FLOAT32(4, "float32"),
    /** 32-bit signed integer, 4 bytes: class labels, predictions, pooling indices and counts. */
    INT32(4, "int32"),
    /**
     * bfloat16, 2 bytes: float32's sign, its 8 exponent bits and the top 7 of its 23 mantissa bits, so the
     * same range with a relative precision of 2^-8 (about 3.9e-3). Made by {@code Ops.cast}; see
     * {@link BFloat16} for the rounding.
     */
    BFLOAT16(2, "bfloat16");

    private final int byteSize;
    private final String displayName;

    DType(int byteSize, String displayName) {
        this.byteSize = byteSize;
        this.displayName = displayName;
    }

    /**
     * The size of one element in bytes, to turn element counts into memory sizes.
     *
     * @return the size in bytes: 4 for float32 and int32, 2 for bfloat16
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Whether the type holds real numbers (float32 and bfloat16), as opposed to integers.
     *
     * @return true for the floating-point types
     */
    public boolean isFloating() {
        return this != INT32;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
