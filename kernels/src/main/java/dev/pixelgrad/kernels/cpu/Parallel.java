package dev.pixelgrad.kernels.cpu;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits loops across the CPU cores. One fixed pool of daemon threads (cores - 1 of them; the calling
 * thread works too). Work is cut into chunks that threads take from a shared counter, so uneven chunks
 * balance out. A parallel loop started inside another runs serially on its thread, which keeps nested
 * kernels (a GEMM inside a per-image loop) from oversubscribing the cores.
 *
 * <p>The thread count is the number of available processors, or the system property
 * {@code pixelgrad.cpu.threads}.
 */
public final class Parallel {
    /** Threads that run a parallel loop, the caller included. */
    public static final int THREADS = Math.max(1, Integer.getInteger("pixelgrad.cpu.threads",
            Runtime.getRuntime().availableProcessors()));

    private static final ThreadLocal<Boolean> INSIDE = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private static final ExecutorService POOL = THREADS > 1 ? Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(() -> {
            INSIDE.set(Boolean.TRUE);
            r.run();
        }, "pixelgrad-cpu");
        t.setDaemon(true);
        return t;
    }) : null;

    private Parallel() {}

    /** A loop body over the half-open index range [from, to). */
    @FunctionalInterface
    public interface Range {
        /**
         * Runs the body for the indices of [from, to).
         *
         * @param from the first index
         * @param to   one past the last index
         */
        void run(int from, int to);
    }

    /**
     * Runs {@code body} over [0, n) in contiguous pieces of at least {@code grain} indices, on up to
     * {@link #THREADS} threads. Returns when every piece is done; rethrows the first failure.
     *
     * @param n     the number of indices
     * @param grain the fewest indices worth handing to a thread
     * @param body  the loop body, run on several threads at once
     */
    public static void forRange(int n, int grain, Range body) {
        if (n <= 0) {
            return;
        }
        int maxChunks = (int) Math.min((long) THREADS * 4, Math.max(1, n / Math.max(1, grain)));
        if (maxChunks <= 1 || THREADS == 1 || INSIDE.get()) {
            body.run(0, n);
            return;
        }
        int chunks = maxChunks;
        int per = (n + chunks - 1) / chunks;
        int realChunks = (n + per - 1) / per;
        AtomicInteger next = new AtomicInteger();
        Runnable worker = () -> {
            int c;
            while ((c = next.getAndIncrement()) < realChunks) {
                int from = c * per;
                body.run(from, Math.min(n, from + per));
            }
        };
        int helpers = Math.min(THREADS - 1, realChunks - 1);
        @SuppressWarnings("unchecked")
        Future<?>[] futures = new Future<?>[helpers];
        for (int i = 0; i < helpers; i++) {
            futures[i] = POOL.submit(worker);
        }
        Throwable failure = null;
        INSIDE.set(Boolean.TRUE);
        try {
            worker.run();
        } catch (Throwable t) {
            failure = t;
            next.set(realChunks); // stop the others from starting new chunks
        } finally {
            INSIDE.set(Boolean.FALSE);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    failure = e.getCause();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = e;
                }
            }
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /**
     * Whether the current thread is already inside a parallel loop.
     *
     * @return whether a loop started now would run serially (also true when there is one thread)
     */
    public static boolean inParallelRegion() {
        return THREADS == 1 || INSIDE.get();
    }
}
