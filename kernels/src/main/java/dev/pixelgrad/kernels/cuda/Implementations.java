package dev.pixelgrad.kernels.cuda;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which implementation each switchable op of the CUDA backend runs: NVIDIA's library (cuDNN, cuBLAS) or
 * our own kernel ({@link Impl}). One place decides it: {@link #set} in code. The system properties
 * {@code pixelgrad.cuda.impl} (every op) and {@code pixelgrad.cuda.impl.<op>} (one op) give the starting
 * choice, read once, for command lines and benchmarks; {@link #reset} returns to it.
 */
public final class Implementations {
    /** The ops that have both implementations. */
    public static final List<String> SWITCHABLE_OPS = List.of("conv2d", "conv_transpose2d", "max_pool2d", "bias_grad",
            "matmul");

    private static final Map<String, Impl> CHOICE = new ConcurrentHashMap<>();

    static {
        reset();
    }

    private Implementations() {}

    /**
     * Chooses the implementation of one op, or of every switchable op when {@code op} is "all".
     *
     * @param op   one of {@link #SWITCHABLE_OPS}, or "all"
     * @param impl the implementation
     * @throws IllegalArgumentException if {@code op} is not switchable or {@code impl} is null
     */
    public static void set(String op, Impl impl) {
        if (impl == null) {
            throw new IllegalArgumentException("implementation of " + op + " is null (auto, vendor or own)");
        }
        if (op.equals("all")) {
            SWITCHABLE_OPS.forEach(o -> CHOICE.put(o, impl));
            return;
        }
        check(op);
        CHOICE.put(op, impl);
    }

    /**
     * The current choice for {@code op}.
     *
     * @param op one of {@link #SWITCHABLE_OPS}
     * @return the implementation
     * @throws IllegalArgumentException if {@code op} is not switchable
     */
    public static Impl get(String op) {
        check(op);
        return CHOICE.get(op);
    }

    /** Back to the choice the system properties give (AUTO where they say nothing). */
    public static void reset() {
        Impl all = Impl.parse(System.getProperty("pixelgrad.cuda.impl", "auto"));
        for (String op : SWITCHABLE_OPS) {
            CHOICE.put(op, Impl.parse(System.getProperty("pixelgrad.cuda.impl." + op, all.name())));
        }
    }

    private static void check(String op) {
        if (!SWITCHABLE_OPS.contains(op)) {
            throw new IllegalArgumentException("op " + op + " has one implementation; switchable: " + SWITCHABLE_OPS);
        }
    }

    /**
     * Whether {@code op} runs NVIDIA's library now: AUTO takes it when it loaded; VENDOR insists and
     * fails with {@code missing} (why the library is not there) when it did not.
     */
    static boolean usesVendor(String op, String library, boolean present, String missing) {
        return switch (get(op)) {
            case OWN -> false;
            case AUTO -> present;
            case VENDOR -> {
                if (!present) {
                    throw new IllegalStateException(op + ": the vendor implementation was asked for but " + library
                            + " is unavailable: " + missing);
                }
                yield true;
            }
        };
    }
}
