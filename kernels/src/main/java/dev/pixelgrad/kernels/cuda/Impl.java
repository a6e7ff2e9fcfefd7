package dev.pixelgrad.kernels.cuda;

import java.util.Locale;

/**
 * Which implementation of an op the CUDA backend runs: NVIDIA's library (cuDNN, cuBLAS), our own
 * kernel, or AUTO (the library when it loaded, else ours). Chosen per op by
 * {@link CudaBackend#setImplementation}, or by system property: {@code pixelgrad.cuda.impl} for all ops,
 * {@code pixelgrad.cuda.impl.<op>} for one ({@code conv2d}, {@code conv_transpose2d},
 * {@code max_pool2d}, {@code bias_grad}, {@code matmul}).
 */
public enum Impl {
    AUTO,
    VENDOR,
    OWN;

    public static Impl parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown implementation '" + s + "' (auto, vendor or own)");
        }
    }
}
