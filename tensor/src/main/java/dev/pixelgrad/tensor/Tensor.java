package dev.pixelgrad.tensor;

import dev.pixelgrad.tensor.backend.Backend;
import dev.pixelgrad.tensor.backend.Backends;
import java.util.Arrays;
import java.util.function.IntToDoubleFunction;
import java.util.stream.IntStream;

/**
 * An n-dimensional array of float32, int32 or bfloat16 on one device: contiguous, row-major, NCHW for images.
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

    /**
     * A tensor whose values are not set: zeros on the CPU (a new Java array), anything on a CUDA device. The
     * output of most ops starts this way and is then written in full.
     *
     * @param shape  the shape
     * @param dtype  the element type
     * @param device where to allocate the memory
     * @return the tensor; the open scope owns it, or, with none open, the caller, who closes it
     * @throws IllegalArgumentException if a CPU tensor would have more elements than a Java array holds
     * @throws IllegalStateException if the device's backend is missing or cannot run here
     */
    public static Tensor empty(Shape shape, DType dtype, Device device) {
        if (device.isCpu()) {
            return new Tensor(shape, HostStorage.allocate(dtype, shape.numelInt()));
        }
        return new Tensor(shape, Backends.of(device).allocate(dtype, shape.numel(), device));
    }

    /**
     * A tensor of zeros.
     *
     * @param shape  the shape
     * @param dtype  the element type
     * @param device where to allocate it
     * @return the tensor, owned by the open scope or the caller
     */
    public static Tensor zeros(Shape shape, DType dtype, Device device) {
        Tensor t = empty(shape, dtype, device);
        if (!device.isCpu()) {
            t.backend().fill(t, 0f);
        }
        return t;
    }

    /**
     * A float32 tensor of zeros on the CPU.
     *
     * @param shape the shape
     * @return the tensor, owned by the open scope or the caller
     */
    public static Tensor zeros(Shape shape) {
        return zeros(shape, DType.FLOAT32, Device.CPU);
    }

    /**
     * A float32 tensor of zeros on the CPU.
     *
     * @param dims the dimension sizes
     * @return the tensor, owned by the open scope or the caller
     */
    public static Tensor zeros(int... dims) {
        return zeros(Shape.of(dims));
    }

    /**
     * A float32 tensor with every element set to {@code value}.
     *
     * @param shape  the shape
     * @param value  the value of every element
     * @param device where to allocate it
     * @return the tensor, owned by the open scope or the caller
     */
    public static Tensor full(Shape shape, float value, Device device) {
        Tensor t = empty(shape, DType.FLOAT32, device);
        if (device.isCpu()) {
            Arrays.fill(t.hostFloats(), value);
        } else {
            t.backend().fill(t, value);
        }
        return t;
    }

    /**
     * A float32 tensor of ones.
     *
     * @param shape  the shape
     * @param device where to allocate it
     * @return the tensor, owned by the open scope or the caller
     */
    public static Tensor ones(Shape shape, Device device) {
        return full(shape, 1f, device);
    }

    /**
     * A float32 CPU tensor of rank 0 holding one value.
     *
     * @param value the value
     * @return the tensor, owned by the open scope or the caller
     */
    public static Tensor scalar(float value) {
        return of(new float[] {value}, Shape.scalar());
    }

    /**
     * A float32 CPU tensor holding a copy of {@code data}.
     *
     * @param data the values in row-major order; copied, so later changes to it do not reach the tensor
     * @param dims the dimension sizes, whose product must be {@code data.length}
     * @return the tensor, owned by the open scope or the caller
     * @throws IllegalArgumentException if the length does not match the shape
     */
    public static Tensor of(float[] data, int... dims) {
        return of(data, Shape.of(dims));
    }

    /**
     * A float32 CPU tensor holding a copy of {@code data}.
     *
     * @param data  the values in row-major order
     * @param shape the shape, whose element count must be {@code data.length}
     * @return the tensor, owned by the open scope or the caller
     * @throws IllegalArgumentException if the length does not match the shape
     */
    public static Tensor of(float[] data, Shape shape) {
        checkLength(data.length, shape);
        return new Tensor(shape, HostStorage.wrap(data.clone()));
    }

    /**
     * An int32 CPU tensor holding a copy of {@code data}.
     *
     * @param data the values in row-major order; copied
     * @param dims the dimension sizes, whose product must be {@code data.length}
     * @return the tensor, owned by the open scope or the caller
     * @throws IllegalArgumentException if the length does not match the shape
     */
    public static Tensor ofInts(int[] data, int... dims) {
        return ofInts(data, Shape.of(dims));
    }

    /**
     * An int32 CPU tensor holding a copy of {@code data}.
     *
     * @param data  the values in row-major order
     * @param shape the shape, whose element count must be {@code data.length}
     * @return the tensor, owned by the open scope or the caller
     * @throws IllegalArgumentException if the length does not match the shape
     */
    public static Tensor ofInts(int[] data, Shape shape) {
        checkLength(data.length, shape);
        return new Tensor(shape, HostStorage.wrap(data.clone()));
    }

    private static void checkLength(int length, Shape shape) {
        if (length != shape.numel()) {
            throw new IllegalArgumentException(length + " values do not fill shape " + shape + " (" + shape.numel() + ")");
        }
    }

    /**
     * Uniform in [lo, hi), a pure function of (seed, element index): the same on every device.
     *
     * <p>The values are drawn on the host and copied to the device; on the meta device there are none.
     *
     * @param shape  the shape
     * @param lo     the lower bound, included
     * @param hi     the upper bound, excluded
     * @param seed   the stream of {@link CounterRng} to draw from
     * @param device where the tensor goes
     * @return a float32 tensor, owned by the open scope or the caller
     */
    public static Tensor uniform(Shape shape, float lo, float hi, long seed, Device device) {
        if (device.isMeta()) {
            return empty(shape, DType.FLOAT32, device); // no values to draw
        }
        float[] v = new float[shape.numelInt()];
        fillInParallel(v, i -> lo + (hi - lo) * CounterRng.uniform(seed, i));
        return onDevice(v, shape, device);
    }

    /**
     * Normal with the given mean and standard deviation, a pure function of (seed, element index).
     *
     * <p>The values are drawn on the host and copied to the device; on the meta device there are none.
     *
     * @param shape  the shape
     * @param mean   the mean
     * @param std    the standard deviation
     * @param seed   the stream of {@link CounterRng} to draw from
     * @param device where the tensor goes
     * @return a float32 tensor, owned by the open scope or the caller
     */
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

    /**
     * The dimension sizes; still known after the tensor is closed.
     *
     * @return the shape
     */
    public Shape shape() {
        return shape;
    }

    /**
     * The number of dimensions: 0 for a scalar, 4 for an NCHW batch of images.
     *
     * @return the rank
     */
    public int rank() {
        return shape.rank();
    }

    /**
     * Size of dimension {@code i} (negative counts from the end).
     *
     * @param i the dimension, from 0 (outermost), or from -1 (innermost) backwards
     * @return its size
     * @throws IndexOutOfBoundsException if the tensor has no dimension {@code i}
     */
    public int dim(int i) {
        return shape.dim(i);
    }

    /**
     * The number of elements: the product of the dimensions.
     *
     * @return the element count
     */
    public long numel() {
        return shape.numel();
    }

    /**
     * The type of every element.
     *
     * @return the element type
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The device that holds this tensor's memory.
     *
     * @return the device
     * @throws IllegalStateException if the tensor was closed
     */
    public Device device() {
        return storage().device();
    }

    /**
     * The memory behind this tensor. For backends; fails if the tensor was closed.
     *
     * @return the storage, shared with the views of this tensor
     * @throws IllegalStateException if the tensor was closed
     */
    public Storage storage() {
        Storage s = storage;
        if (s == null) {
            throw new IllegalStateException("tensor " + shape + " " + dtype + " was closed (by its scope or by close())");
        }
        return s;
    }

    /**
     * The host array of a float32 CPU tensor. For CPU kernels and tests.
     *
     * @return the storage's own array, not a copy: writes change this tensor and its views (the array may be
     *         longer than {@link #numel()} when the storage is)
     * @throws IllegalStateException if the tensor is not on the CPU, not float32, or closed
     */
    public float[] hostFloats() {
        return hostStorage().floats();
    }

    /**
     * The host array of an int32 CPU tensor. For CPU kernels and tests.
     *
     * @return the storage's own array, not a copy: writes change this tensor and its views
     * @throws IllegalStateException if the tensor is not on the CPU, not int32, or closed
     */
    public int[] hostInts() {
        return hostStorage().ints();
    }

    /**
     * The host array of a bfloat16 CPU tensor, each element's 16 bits ({@link BFloat16}). For CPU kernels
     * and tests.
     *
     * @return the storage's own array, not a copy: writes change this tensor and its views
     * @throws IllegalStateException if the tensor is not on the CPU, not bfloat16, or closed
     */
    public short[] hostBf16Bits() {
        return hostStorage().bf16Bits();
    }

    private HostStorage hostStorage() {
        if (storage() instanceof HostStorage h) {
            return h;
        }
        throw new IllegalStateException("tensor is on " + device() + "; copy it to the cpu first");
    }

    /**
     * The backend that runs ops on this tensor's device.
     *
     * @return the backend
     * @throws IllegalStateException if the tensor was closed, or the backend is missing or cannot run here
     */
    public Backend backend() {
        return Backends.of(device());
    }

    /**
     * Whether this tensor was closed, by {@link #close()} or by its scope. A closed tensor keeps its shape
     * and dtype and has no memory.
     *
     * @return whether it was closed
     */
    public boolean isClosed() {
        return storage == null;
    }

    // ---------------------------------------------------------------- views and copies

    /**
     * A view with a new shape over the same storage; one dimension may be -1 (inferred).
     *
     * @param dims the new dimension sizes; one may be -1
     * @return the view: a new tensor with its own reference to the memory, owned by the open scope or the
     *         caller and closed independently of this one
     * @throws IllegalArgumentException if the element count would change, or the -1 cannot be inferred
     */
    public Tensor reshape(int... dims) {
        return reshape(Shape.inferred(numel(), dims));
    }

    /**
     * A view with a new shape over the same storage (writes to either show in both).
     *
     * @param newShape the new shape, with the same element count
     * @return the view: a new tensor with its own reference to the memory, owned by the open scope or the
     *         caller and closed independently of this one
     * @throws IllegalArgumentException if the element count differs
     */
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
     *
     * @param device where the result should be
     * @return a new tensor, owned by the open scope or the caller
     */
    public Tensor to(Device device) {
        return device.equals(device()) ? reshape(shape) : copyTo(device);
    }

    /**
     * A new tensor with the same values, on the same device.
     *
     * @return the copy, owned by the open scope or the caller
     */
    public Tensor copy() {
        return copyTo(device());
    }

    private Tensor copyTo(Device target) {
        Tensor out = empty(shape, dtype, target);
        out.copyFrom(this);
        return out;
    }

    /**
     * Copies the values of {@code src} (same shape and dtype, any device) into this tensor.
     *
     * @param src the tensor to copy from
     * @throws IllegalArgumentException if the shapes or the dtypes differ
     * @throws IllegalStateException if {@code src} is on the meta device and this tensor is not
     */
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
            switch (dtype) {
                case FLOAT32 -> System.arraycopy(src.hostFloats(), 0, hostFloats(), 0, n);
                case INT32 -> System.arraycopy(src.hostInts(), 0, hostInts(), 0, n);
                case BFLOAT16 -> System.arraycopy(src.hostBf16Bits(), 0, hostBf16Bits(), 0, n);
            }
        } else {
            // The device side's backend knows how to move data between the host and its device.
            Backend b = device().isCpu() ? src.backend() : backend();
            b.copy(src, this);
        }
    }

    /**
     * The values as a new host array (float32 and bfloat16 tensors; a bfloat16 widens exactly).
     *
     * @return a new array of {@link #numel()} values in row-major order
     * @throws IllegalStateException if the tensor is int32, or is closed
     */
    public float[] toFloatArray() {
        if (!dtype.isFloating()) {
            throw new IllegalStateException("toFloatArray on a " + dtype + " tensor");
        }
        if (!device().isCpu()) {
            try (Tensor host = copyTo(Device.CPU)) {
                // The host copy is this call's own, exactly numel() long: its array is handed over, not copied again.
                return dtype == DType.FLOAT32 ? host.hostFloats() : host.toFloatArray();
            }
        }
        int n = (int) numel();
        if (dtype == DType.FLOAT32) {
            return Arrays.copyOf(hostFloats(), n);
        }
        float[] out = new float[n];
        BFloat16.widen(hostBf16Bits(), out, n);
        return out;
    }

    /**
     * The values as a new host array (int32 tensors).
     *
     * @return a new array of {@link #numel()} values in row-major order
     * @throws IllegalStateException if the tensor is not int32, or is closed
     */
    public int[] toIntArray() {
        if (dtype != DType.INT32) {
            throw new IllegalStateException("toIntArray on a " + dtype + " tensor");
        }
        if (device().isCpu()) {
            return Arrays.copyOf(hostInts(), (int) numel());
        }
        try (Tensor host = copyTo(Device.CPU)) {
            return host.hostInts(); // this call's own copy, handed over
        }
    }

    /**
     * The value of a one-element float32 or bfloat16 tensor.
     *
     * @return the value, copied to the host if need be
     * @throws IllegalStateException if the tensor has more or fewer than one element, or is int32
     */
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
     *
     * @return this tensor
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
