package dev.pixelgrad.tensor;

/** Element types. Float32 for data and gradients; int32 for labels and pooling indices. */
public enum DType {
    FLOAT32(4, "float32"),
    INT32(4, "int32");

    private final int byteSize;
    private final String displayName;

    DType(int byteSize, String displayName) {
        this.byteSize = byteSize;
        this.displayName = displayName;
    }

    public int byteSize() {
        return byteSize;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
