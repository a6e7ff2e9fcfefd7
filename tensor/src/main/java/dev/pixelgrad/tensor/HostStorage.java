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

    public float[] floats() {
        if (floats == null) {
            throw new IllegalStateException(isFreed() ? "storage was freed" : "storage holds " + dtype() + ", not float32");
        }
        return floats;
    }

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
