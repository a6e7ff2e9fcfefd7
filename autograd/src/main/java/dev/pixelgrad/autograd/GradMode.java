package dev.pixelgrad.autograd;

/**
 * Whether ops record themselves for backward, per thread. Evaluation and optimizer updates run with
 * recording off: {@code try (var off = GradMode.off()) { ... }}.
 */
public final class GradMode implements AutoCloseable {
    private static final ThreadLocal<Boolean> ENABLED = ThreadLocal.withInitial(() -> Boolean.TRUE);

    private final boolean previous;

    private GradMode(boolean enabled) {
        this.previous = ENABLED.get();
        ENABLED.set(enabled);
    }

    /** Turns recording off until the returned handle is closed. */
    public static GradMode off() {
        return new GradMode(false);
    }

    /** Turns recording on until the returned handle is closed (inside an {@link #off()} block). */
    public static GradMode on() {
        return new GradMode(true);
    }

    public static boolean isEnabled() {
        return ENABLED.get();
    }

    @Override
    public void close() {
        ENABLED.set(previous);
    }
}
