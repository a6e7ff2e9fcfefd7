package dev.pixelgrad.tensor;

/**
 * Kinds of device a backend can drive. {@link #META} is no hardware: its tensors have a shape and no
 * values, so a forward pass on it checks and propagates shapes only (see {@link Device#META}).
 */
public enum DeviceType {
    CPU,
    CUDA,
    META
}
