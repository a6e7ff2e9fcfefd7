package dev.pixelgrad.tensor;

import dev.pixelgrad.tensor.backend.Backend;
import dev.pixelgrad.tensor.backend.Backends;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * An n-dimensional array of float32 or int32 on one device: contiguous, row-major, NCHW for images.
 *
 * <p>A tensor owns one reference to its {@link Storage}; views made by {@link #reshape} share the
 * storage. Tensors are {@link AutoCloseable}: closing releases the reference, and the open
 * {@link Scope} (if any) closes every tensor created inside it. Using a closed tensor is an error.
 *
 * <p>Arithmetic lives in {@link Ops} (no gradients) and in the autograd module (with gradients).
 */
public final class Tensor implements AutoCloseable {
    private final Shape shape;
    private final DType dtype;
    private Storage storage;
    /** The scope that will close this tensor, or null. Maintained by {@link Scope}. */
    Scope owner;

    private Tensor(Shape shape, Storage storage) {
        if (storage.length() < shape.numel()) {
            throw new IllegalArgumentException("storage of " + storage.length() + " elements is too small for " + shape);
        }
        this.shape = shape;
        this.dtype = storage.dtype();
        this.storage = storage;
        Scope.register(this);
    }

    // ---------------------------------------------------------------- creation

    /** Uninitialised memory on the CPU this is zeroed; on a device its content is undefined. */
    public static Tensor empty(Shape shape, DType dtype, Device device) {
        if (device.isCpu()) {
            return new Tensor(shape, HostStorage.allocate(dtype, shape.numelInt()));
        }
        return new Tensor(shape, Backends.of(device).allocate(dtype, shape.numel(), device));
    }

    public static Tensor zeros(Shape shape, DType dtype, Device device) {
        Tensor t = empty(shape, dtype, device);
        if (!device.isCpu()) {
            t.backend().fill(t, 0f);
        }
        return t;
    }

    public static Tensor zeros(Shape shape) {
        return zeros(shape, DType.FLOAT32, Device.CPU);
    }

    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    public static Tensor full(Shape shape, float value, Device device) {
        Tensor t = empty(shape, DType.FLOAT32, device);
        if (device.isCpu()) {
            Arrays.fill(t.hostFloats(), value);
        } else {
            t.backend().fill(t, value);
        }
        return t;
    }

    public static Tensor ones(Shape shape, Device device) {
        return full(shape, 1f, device);
    }

    public static Tensor scalar(float value) {
        return of(new float[] {value}, Shape.scalar());
    }

    /** A float32 CPU tensor holding a copy of {@code data}. */
    public static Tensor of(float[] data, int... dims) {
        return of(data, Shape.of(dims));
    }

    public static Tensor of(float[] data, Shape shape) {
        checkLength(data.length, shape);
        return new Tensor(shape, HostStorage.wrap(data.clone()));
    }

    /** An int32 CPU tensor holding a copy of {@code data}. */
    public static Tensor ofInts(int[] data, int... dims) {
        return ofInts(data, Shape.of(dims));
    }

    public static Tensor ofInts(int[] data, Shape shape) {
        checkLength(data.length, shape);
        return new Tensor(shape, HostStorage.wrap(data.clone()));
    }

    private static void checkLength(int length, Shape shape) {
        if (length != shape.numel()) {
            throw new IllegalArgumentException(length + " values do not fill shape " + shape + " (" + shape.numel() + ")");
        }
    }

    /** Uniform in [lo, hi), a pure function of (seed, element index): the same on every device. */
    public static Tensor uniform(Shape shape, float lo, float hi, long seed, Device device) {
        if (device.isMeta()) {
            return empty(shape, DType.FLOAT32, device); // no values to draw
        }
        float[] v = new float[shape.numelInt()];
        fillInParallel(v, i -> lo + (hi - lo) * CounterRng.uniform(seed, i));
        return onDevice(v, shape, device);
    }

    /** Normal with the given mean and standard deviation, a pure function of (seed, element index). */
    public static Tensor normal(Shape shape, float mean, float std, long seed, Device device) {
        if (device.isMeta()) {
            return empty(shape, DType.FLOAT32, device); // no values to draw
        }
        float[] v = new float[shape.numelInt()];
        fillInParallel(v, i -> mean + std * CounterRng.normal(seed, i));
        return onDevice(v, shape, device);
    }

    /** v[i] = f(i). Every element is independent (counter-based), so chunks can run on any core. */
    private static void fillInParallel(float[] v, IntToDoubleFunction f) {
        int chunk = 1 << 16;
        IntStream.range(0, (v.length + chunk - 1) / chunk).parallel().forEach(c -> {
            for (int i = c * chunk, end = Math.min(v.length, i + chunk); i < end; i++) {
                v[i] = (float) f.applyAsDouble(i);
            }
        });
    }

    private static Tensor onDevice(float[] hostData, Shape shape, Device device) {
        if (device.isCpu()) {
            return new Tensor(shape, HostStorage.wrap(hostData));
        }
        try (Tensor host = new Tensor(shape, HostStorage.wrap(hostData))) {
            return host.copyTo(device);
        }
    }

    // ---------------------------------------------------------------- properties

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    /** Size of dimension {@code i} (negative counts from the end). */
    public int dim(int i) {
        return shape.dim(i);
    }

    public long numel() {
        return shape.numel();
    }

    public DType dtype() {
        return dtype;
    }

    public Device device() {
        return storage().device();
    }

    /** The memory behind this tensor. For backends; fails if the tensor was closed. */
    public Storage storage() {
        Storage s = storage;
        if (s == null) {
            throw new IllegalStateException("tensor " + shape + " " + dtype + " was closed (by its scope or by close())");
        }
        return s;
    }

    /** The host array of a float32 CPU tensor. For CPU kernels and tests. */
    public float[] hostFloats() {
        return hostStorage().floats();
    }

    /** The host array of an int32 CPU tensor. For CPU kernels and tests. */
    public int[] hostInts() {
        return hostStorage().ints();
    }

    private HostStorage hostStorage() {
        if (storage() instanceof HostStorage h) {
            return h;
        }
        throw new IllegalStateException("tensor is on " + device() + "; copy it to the cpu first");
    }

    public Backend backend() {
        return Backends.of(device());
    }

    public boolean isClosed() {
        return storage == null;
    }

    // ---------------------------------------------------------------- views and copies

    /** A view with a new shape over the same storage; one dimension may be -1 (inferred). */
    public Tensor reshape(int... dims) {
        return reshape(Shape.inferred(numel(), dims));
    }

    public Tensor reshape(Shape newShape) {
        if (newShape.numel() != shape.numel()) {
            throw new IllegalArgumentException("reshape: cannot view " + shape + " (" + shape.numel()
                    + " elements) as " + newShape + " (" + newShape.numel() + ")");
        }
        return new Tensor(newShape, storage().retain());
    }

    /**
     * This tensor on {@code device}: a copy when the device differs, otherwise a new view of the same
     * memory (so closing one never pulls the memory from under the other).
     */
    public Tensor to(Device device) {
        return device.equals(device()) ? reshape(shape) : copyTo(device);
    }

    /** A new tensor with the same values, on the same device. */
    public Tensor copy() {
        return copyTo(device());
    }

    private Tensor copyTo(Device target) {
        Tensor out = empty(shape, dtype, target);
        out.copyFrom(this);
        return out;
    }

    /** Copies the values of {@code src} (same shape and dtype, any device) into this tensor. */
    public void copyFrom(Tensor src) {
        if (!src.shape.equals(shape) || src.dtype != dtype) {
            throw new IllegalArgumentException("copyFrom: source " + src.shape + " " + src.dtype
                    + " does not match destination " + shape + " " + dtype);
        }
        if (src.device().isMeta() && !device().isMeta()) {
            throw new IllegalStateException("tensor " + shape + " is on the meta device: it has a shape and no values");
        }
        if (device().isCpu() && src.device().isCpu()) {
            int n = (int) numel();
            if (dtype == DType.FLOAT32) {
                System.arraycopy(src.hostFloats(), 0, hostFloats(), 0, n);
            } else {
                System.arraycopy(src.hostInts(), 0, hostInts(), 0, n);
            }
        } else {
            // The device side's backend knows how to move data between the host and its device.
            Backend b = device().isCpu() ? src.backend() : backend();
            b.copy(src, this);
        }
    }

    /** The values as a new host array (float32 tensors). */
    public float[] toFloatArray() {
        if (dtype != DType.FLOAT32) {
            throw new IllegalStateException("toFloatArray on a " + dtype + " tensor");
        }
        if (device().isCpu()) {
            return Arrays.copyOf(hostFloats(), (int) numel());
        }
        try (Tensor host = copyTo(Device.CPU)) {
            return host.hostFloats().clone();
        }
    }

    /** The values as a new host array (int32 tensors). */
    public int[] toIntArray() {
        if (dtype != DType.INT32) {
            throw new IllegalStateException("toIntArray on a " + dtype + " tensor");
        }
        if (device().isCpu()) {
            return Arrays.copyOf(hostInts(), (int) numel());
        }
        try (Tensor host = copyTo(Device.CPU)) {
            return host.hostInts().clone();
        }
    }

    /** The value of a one-element float32 tensor. */
    public float item() {
        if (numel() != 1) {
            throw new IllegalStateException("item() on a tensor of shape " + shape);
        }
        return toFloatArray()[0];
    }

    // ---------------------------------------------------------------- lifetime

    /**
     * Takes this tensor out of the scope that owns it: the caller now owns it and closes it. Used for
     * long-lived tensors made inside a scope, such as parameters and their gradients.
     */
    public Tensor detachFromScope() {
        owner = null;
        return this;
    }

    /** Releases this tensor's reference to its memory. Idempotent. */
    @Override
    public void close() {
        Storage s = storage;
        if (s != null) {
            storage = null;
            s.release();
        }
    }

    @Override
    public String toString() {
        return "Tensor" + shape + " " + dtype + (storage == null ? " (closed)" : " " + storage.device());
    }
}
