package dev.pixelgrad.fcn.data;

import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.tensor.CounterRng;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Batches from a dataset, loaded and augmented on background threads so that the model never waits on
 * the disk. The sequence is a pure function of the seed: training walks an endless series of epochs,
 * each a fresh shuffle, and batch k holds positions [k B, (k + 1) B) of it; sample q's augmentation
 * seed is derived from q. So batch k is the same whether a run gets there directly or resumes there.
 */
public final class DataLoader implements AutoCloseable {
    private final SegmentationDataset dataset;
    private final int batchSize;
    private final boolean shuffle;
    private final Augmentation augmentation;
    private final Preprocessing preprocessing;
    private final long seed;
    private final ExecutorService pool;
    private final int prefetch;

    /**
     * A loader over {@code dataset}. It starts its worker threads (daemons) at once; {@link #close()} stops
     * them.
     *
     * @param dataset       the samples
     * @param batchSize     the samples per batch, at least 1
     * @param shuffle       true for training (an endless series of shuffled epochs); false for one pass in
     *                      order, the last batch possibly smaller
     * @param augmentation  what to do to each sample, or null for nothing
     * @param preprocessing how RGB becomes network input
     * @param seed          the seed of the shuffles and the augmentation
     * @param workers       the loading threads (at least one is started)
     * @throws IllegalArgumentException if {@code batchSize} is below 1
     */
    public DataLoader(SegmentationDataset dataset, int batchSize, boolean shuffle, Augmentation augmentation,
                      Preprocessing preprocessing, long seed, int workers) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.shuffle = shuffle;
        this.augmentation = augmentation == null ? Augmentation.NONE : augmentation;
        this.preprocessing = preprocessing;
        this.seed = seed;
        this.prefetch = Math.max(2, 2 * workers);
        this.pool = Executors.newFixedThreadPool(Math.max(1, workers), r -> {
            Thread t = new Thread(r, "pixelgrad-data");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * The dataset the batches come from.
     *
     * @return the dataset
     */
    public SegmentationDataset dataset() {
        return dataset;
    }

    /**
     * Batches in one pass over the data (the last may be smaller when not shuffling).
     *
     * @return ceil(samples / batch size)
     */
    public int batchesPerEpoch() {
        return (dataset.size() + batchSize - 1) / batchSize;
    }

    /** The dataset index at position q of the (endless, when shuffling) sequence. */
    int indexAt(long q) {
        int n = dataset.size();
        int within = (int) (q % n);
        return shuffle ? permutation(q / n)[within] : within;
    }

    private final Map<Long, int[]> permutations = new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, int[]> eldest) {
            return size() > 2; // a batch spans at most two epochs
        }
    };

    /** Epoch {@code epoch}'s order: Fisher-Yates with a generator seeded by (seed, epoch). */
    private synchronized int[] permutation(long epoch) {
        return permutations.computeIfAbsent(epoch, e -> {
            int n = dataset.size();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                perm[i] = i;
            }
            SplittableRandom r = new SplittableRandom(CounterRng.derive(seed, e));
            for (int i = n - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            return perm;
        });
    }

    /**
     * Batch k, loaded on the calling thread.
     *
     * @param k the batch's index, from 0
     * @return the batch
     * @throws IllegalArgumentException if {@code k} is past the end of an unshuffled pass
     * @throws DataException if a sample's files are missing, corrupt or inconsistent
     * @throws IOException if a file cannot be read
     */
    public Batch batch(long k) throws IOException {
        long first = k * batchSize;
        long end = shuffle ? first + batchSize : Math.min(first + batchSize, dataset.size());
        if (first >= end) {
            throw new IllegalArgumentException("batch " + k + " is past the end of the data");
        }
        List<Sample> samples = new ArrayList<>();
        for (long q = first; q < end; q++) {
            Sample s = dataset.load(indexAt(q));
            samples.add(augmentation.apply(s, CounterRng.derive(seed ^ 0x5A5A5A5AL, q), preprocessing.neutralRgb()));
        }
        return Batch.of(samples, preprocessing);
    }

    /**
     * Batches [from, from + count) in order, each prepared ahead on the worker threads.
     *
     * <p>The iterator's {@code next} throws {@link java.io.UncheckedIOException} when a batch cannot be
     * loaded.
     *
     * @param from  the index of the first batch
     * @param count the number of batches
     * @return the batches; each iteration loads them afresh
     */
    public Iterable<Batch> range(long from, long count) {
        return () -> new Iterator<>() {
            private final Deque<Future<Batch>> ahead = new ArrayDeque<>();
            private long nextToSubmit = from;
            private long delivered;

            private void fill() {
                while (ahead.size() < prefetch && nextToSubmit < from + count) {
                    long k = nextToSubmit++;
                    ahead.add(pool.submit(() -> batch(k)));
                }
            }

            @Override
            public boolean hasNext() {
                return delivered < count;
            }

            @Override
            public Batch next() {
                fill();
                Future<Batch> f = ahead.poll();
                if (f == null) {
                    throw new NoSuchElementException();
                }
                delivered++;
                try {
                    Batch b = f.get();
                    fill();
                    return b;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while loading data", e);
                } catch (ExecutionException e) {
                    Throwable c = e.getCause();
                    if (c instanceof IOException io) {
                        throw new UncheckedIOException(io.getMessage(), io);
                    }
                    if (c instanceof RuntimeException re) {
                        throw re;
                    }
                    throw new IllegalStateException(c);
                }
            }
        };
    }

    /** Stops the worker threads, interrupting loads in progress. */
    @Override
    public void close() {
        pool.shutdownNow();
    }
}
