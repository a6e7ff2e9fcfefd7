package dev.pixelgrad.autograd;

/**
 * Whether ops record themselves for backward, per thread. Evaluation and optimizer updates run with
 * recording off: {@code try (var off = GradMode.off()) { ... }}.
 *
 * <p>Handles nest (a stack per thread) and, like {@link dev.pixelgrad.tensor.Scope}s, must be closed
 * innermost first on the thread that opened them, which try-with-resources guarantees. Closing one
 * out of order is an {@link IllegalStateException} that changes nothing (restoring the outer handle's
 * state under a still-open inner one would leave recording wrong once the inner one closes); closing
 * one twice does nothing.
 */
public final class GradMode implements AutoCloseable {
    /** The innermost open handle of this thread, or null: recording is on. */
    private static final ThreadLocal<GradMode> CURRENT = new ThreadLocal<>();

    private final GradMode parent;
    private final Thread thread;
    private final boolean enabled;
    private boolean closed;

    private GradMode(boolean enabled) {
        this.parent = CURRENT.get();
        this.thread = Thread.currentThread();
        this.enabled = enabled;
        CURRENT.set(this);
    }

    /**
     * Turns recording off until the returned handle is closed.
     *
     * @return the handle, to close in a try-with-resources statement
     */
    public static GradMode off() {
        return new GradMode(false);
    }

    /**
     * Turns recording on until the returned handle is closed (inside an {@link #off()} block).
     *
     * @return the handle, to close in a try-with-resources statement
     */
    public static GradMode on() {
        return new GradMode(true);
    }

    /**
     * Whether ops on this thread record themselves now: true unless the innermost open handle turned
     * recording off.
     *
     * @return whether recording is on
     */
    public static boolean isEnabled() {
        GradMode current = CURRENT.get();
        return current == null || current.enabled;
    }

    /** Restores the recording state from before this handle was opened. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a GradMode handle must be closed on the thread that opened it");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("GradMode handles must be closed innermost first; an inner one is still open");
        }
        closed = true;
        CURRENT.set(parent);
    }
}
