package dev.pixelgrad.tensor;

/** Kinds of device a backend can drive. */
public enum DeviceType {
    CPU,
    CUDA
}
