package dev.pixelgrad.tensor;

/** Element types. Float32 for data and gradients; int32 for labels and pooling indices. */
public enum DType {
    /** 32-bit IEEE 754 floating point, 4 bytes: data, weights, activations and gradients. */
    FLOAT32(4, "float32"),
    /** 32-bit signed integer, 4 bytes: class labels, predictions, pooling indices and counts. */
    INT32(4, "int32");

    private final int byteSize;
    private final String displayName;

    DType(int byteSize, String displayName) {
        this.byteSize = byteSize;
        this.displayName = displayName;
    }

    /**
     * The size of one element in bytes, to turn element counts into memory sizes.
     *
     * @return the size in bytes (4 for both types)
     */
    public int byteSize() {
        return byteSize;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
