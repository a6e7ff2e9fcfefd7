package dev.pixelgrad.kernels.cuda;

import java.util.Locale;

/**
 * An implementation of a CUDA op: NVIDIA's library (cuDNN, cuBLAS), our own kernel, or AUTO (the
 * library when it loaded, else ours). Chosen per op with {@link Implementations#set}.
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
