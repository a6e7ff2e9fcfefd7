package dev.pixelgrad.tensor;

/**
 * Kinds of device a backend can drive. {@link #META} is no hardware: its tensors have a shape and no
 * values, so a forward pass on it checks and propagates shapes only (see {@link Device#META}).
 */
public enum DeviceType {
    /** The host processor: memory is a Java array ({@link HostStorage}). */
    CPU,
    /** An NVIDIA GPU driven through CUDA, or the host-emulated CUDA device of the tests. */
    CUDA,
    /** No hardware: shapes and dtypes without memory or values. */
    META
}
