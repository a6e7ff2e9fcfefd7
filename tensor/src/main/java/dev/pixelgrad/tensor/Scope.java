package dev.pixelgrad.tensor;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A memory scope: every tensor created on this thread while the scope is open belongs to it, and
 * closing the scope closes them all, except those moved out with {@link #keep}. Scopes nest (a stack
 * per thread) and must be closed in reverse order of opening, which try-with-resources guarantees.
 *
 * <pre>{@code
 * try (Scope step = Scope.open()) {
 *     Tensor loss = model.forward(x);   // intermediates belong to `step`
 *     ...
 *     return step.keep(loss);           // survives; everything else is released here
 * }
 * }</pre>
 *
 * <p>This is what keeps device memory flat over thousands of training steps: nothing created inside a
 * step outlives it unless asked to. A tensor created with no scope open belongs to its creator, who
 * closes it (host memory is also reclaimed by the garbage collector; device memory is not).
 */
public final class Scope implements AutoCloseable {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private final Scope parent;
    private final Thread thread;
    private final List<Tensor> tensors = new ArrayList<>();
    private int compactAt = 1024;
    private boolean closed;

    private Scope(Scope parent) {
        this.parent = parent;
        this.thread = Thread.currentThread();
    }

    /**
     * Opens a scope nested in this thread's current one (if any) and makes it current.
     *
     * @return the new scope, to close in a try-with-resources statement
     */
    public static Scope open() {
        Scope s = new Scope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /**
     * The innermost open scope of this thread, or null.
     *
     * @return the scope, or null when none is open
     */
    public static Scope current() {
        return CURRENT.get();
    }

    /**
     * Runs {@code body} in a new scope and keeps what it returns: a tensor, or the tensors in a
     * returned collection or map values. Everything else created by {@code body} is released.
     *
     * @param <R>  the type of the result
     * @param body the work, run on this thread
     * @return what {@code body} returned; its tensors now belong to the enclosing scope, or to the caller
     *         when there is none
     */
    public static <R> R run(Supplier<R> body) {
        try (Scope s = open()) {
            R result = body.get();
            s.keepAll(result);
            return result;
        }
    }

    /**
     * Moves {@code t} out of this scope into the enclosing one (or to no scope, so the caller owns it).
     * Tensors of enclosed scopes that were already kept into this one move on too.
     *
     * @param <T> the tensor's type
     * @param t   a tensor this scope owns
     * @return {@code t}
     * @throws IllegalArgumentException if this scope does not own {@code t}
     * @throws IllegalStateException if this scope is closed
     */
    public <T extends Tensor> T keep(T t) {
        checkOpen();
        if (t.owner != this) {
            throw new IllegalArgumentException("tensor " + t + " does not belong to this scope");
        }
        t.owner = parent;
        if (parent != null) {
            parent.add(t);
        }
        return t;
    }

    private void keepAll(Object result) {
        if (result instanceof Tensor t) {
            if (t.owner == this) {
                keep(t);
            }
        } else if (result instanceof Collection<?> c) {
            for (Object o : c) {
                keepAll(o);
            }
        } else if (result instanceof Map<?, ?> m) {
            for (Object o : m.values()) {
                keepAll(o);
            }
        } else if (result instanceof Object[] a) {
            for (Object o : a) {
                keepAll(o);
            }
        }
    }

    /**
     * Number of live tensors this scope would release now.
     *
     * @return the number of tensors it owns that are not closed yet
     */
    public int liveCount() {
        int n = 0;
        for (Tensor t : tensors) {
            if (t.owner == this && !t.isClosed()) {
                n++;
            }
        }
        return n;
    }

    /** Closes every tensor still owned by this scope and makes the enclosing scope current again. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (Thread.currentThread() != thread) {
            throw new IllegalStateException("a scope must be closed on the thread that opened it");
        }
        if (CURRENT.get() != this) {
            throw new IllegalStateException("scopes must be closed innermost first; an inner scope is still open");
        }
        closed = true;
        CURRENT.set(parent);
        RuntimeException failure = null;
        for (Tensor t : tensors) {
            if (t.owner == this) {
                t.owner = null;
                try {
                    t.close();
                } catch (RuntimeException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        tensors.clear();
        if (failure != null) {
            throw failure;
        }
    }

    static void register(Tensor t) {
        Scope s = CURRENT.get();
        if (s != null) {
            t.owner = s;
            s.add(t);
        }
    }

    private void add(Tensor t) {
        tensors.add(t);
        if (tensors.size() >= compactAt) {
            // A long-lived scope whose tensors are mostly closed or kept elsewhere would otherwise grow.
            tensors.removeIf(x -> x.owner != this || x.isClosed());
            compactAt = Math.max(1024, tensors.size() * 2);
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("scope is closed");
        }
    }
}
