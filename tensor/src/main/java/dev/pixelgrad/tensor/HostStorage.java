package dev.pixelgrad.tensor;

/** Host (CPU) memory: a Java array, by dtype float[], int[] or short[] (bfloat16's bits). */
public final class HostStorage extends Storage {
    private float[] floats;
    private int[] ints;
    private short[] bf16Bits;

    private HostStorage(DType dtype, int length, float[] floats, int[] ints, short[] bf16Bits) {
        super(Device.CPU, dtype, length);
        this.floats = floats;
        this.ints = ints;
        this.bf16Bits = bf16Bits;
    }

    /**
     * A new zero-filled array of {@code length} elements.
     *
     * @param dtype  the element type: a float[] for float32, an int[] for int32, a short[] for bfloat16
     * @param length the number of elements
     * @return the storage, holding one reference (the caller's)
     */
    public static HostStorage allocate(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new HostStorage(dtype, length, new float[length], null, null);
            case INT32 -> new HostStorage(dtype, length, null, new int[length], null);
            case BFLOAT16 -> new HostStorage(dtype, length, null, null, new short[length]);
        };
    }

    /** Wraps {@code data} without copying; the storage now owns the array. */
    static HostStorage wrap(float[] data) {
        return new HostStorage(DType.FLOAT32, data.length, data, null, null);
    }

    /** Wraps {@code data} without copying; the storage now owns the array. */
    static HostStorage wrap(int[] data) {
        return new HostStorage(DType.INT32, data.length, null, data, null);
    }

    /**
     * The float32 array itself, not a copy: writes to it change every tensor over this storage.
     *
     * @return the array
     * @throws IllegalStateException if the storage holds another type or was freed
     */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException(wrongType("float32"));
        }
        return floats;
    }

    /**
     * The int32 array itself, not a copy: writes to it change every tensor over this storage.
     *
     * @return the array
     * @throws IllegalStateException if the storage holds another type or was freed
     */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException(wrongType("int32"));
        }
        return ints;
    }

    /**
     * The bfloat16 array itself, each element's 16 bits ({@link BFloat16}), not a copy: writes to it change
     * every tensor over this storage.
     *
     * @return the array
     * @throws IllegalStateException if the storage holds another type or was freed
     */
    public short[] bf16Bits() {
        if (bf16Bits == null) {
            throw new IllegalStateException(wrongType("bfloat16"));
        }
        return bf16Bits;
    }

    private String wrongType(String wanted) {
        return isFreed() ? "storage was freed" : "storage holds " + dtype() + ", not " + wanted;
    }

    @Override
    protected void free() {
        // The garbage collector reclaims the array; dropping it here makes use-after-close fail loudly.
        floats = null;
        ints = null;
        bf16Bits = null;
    }
}
