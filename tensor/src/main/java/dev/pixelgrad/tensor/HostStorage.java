package dev.pixelgrad.tensor;

/** Host (CPU) memory: a Java array, float[] or int[] by dtype. */
public final class HostStorage extends Storage {
    private float[] floats;
    private int[] ints;

    private HostStorage(DType dtype, int length, float[] floats, int[] ints) {
        super(Device.CPU, dtype, length);
        this.floats = floats;
        this.ints = ints;
    }

    /**
     * A new zero-filled array of {@code length} elements.
     *
     * @param dtype  the element type: a float[] for float32, an int[] for int32
     * @param length the number of elements
     * @return the storage, holding one reference (the caller's)
     */
    public static HostStorage allocate(DType dtype, int length) {
        return switch (dtype) {
            case FLOAT32 -> new HostStorage(dtype, length, new float[length], null);
            case INT32 -> new HostStorage(dtype, length, null, new int[length]);
        };
    }

    /** Wraps {@code data} without copying; the storage now owns the array. */
    static HostStorage wrap(float[] data) {
        return new HostStorage(DType.FLOAT32, data.length, data, null);
    }

    /** Wraps {@code data} without copying; the storage now owns the array. */
    static HostStorage wrap(int[] data) {
        return new HostStorage(DType.INT32, data.length, null, data);
    }

    /**
     * The float32 array itself, not a copy: writes to it change every tensor over this storage.
     *
     * @return the array
     * @throws IllegalStateException if the storage holds int32 or was freed
     */
    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException(isFreed() ? "storage was freed" : "storage holds " + dtype() + ", not float32");
        }
        return floats;
    }

    /**
     * The int32 array itself, not a copy: writes to it change every tensor over this storage.
     *
     * @return the array
     * @throws IllegalStateException if the storage holds float32 or was freed
     */
    public int[] ints() {
        if (ints == null) {
            throw new IllegalStateException(isFreed() ? "storage was freed" : "storage holds " + dtype() + ", not int32");
        }
        return ints;
    }

    @Override
    protected void free() {
        // The garbage collector reclaims the array; dropping it here makes use-after-close fail loudly.
        floats = null;
        ints = null;
    }
}
