package dev.pixelgrad.kernels.cuda;

import java.util.Locale;

/**
 * An implementation of a CUDA op: NVIDIA's library (cuDNN, cuBLAS), our own kernel, or AUTO (the
 * library when it loaded, else ours). Chosen per op with {@link Implementations#set}.
 */
public enum Impl {
    /** The library when it loaded, else our own kernel. */
    AUTO,
    /** NVIDIA's library (cuDNN, cuBLAS); an op fails when the library is not there. */
    VENDOR,
    /** Our own kernel. */
    OWN;

    /**
     * The implementation of a name: {@code auto}, {@code vendor} or {@code own}.
     *
     * @param s the name, in any case, surrounding blanks allowed
     * @return the implementation
     * @throws IllegalArgumentException for any other name
     */
    public static Impl parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown implementation '" + s + "' (auto, vendor or own)");
        }
    }
}
