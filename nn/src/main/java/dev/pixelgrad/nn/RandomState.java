package dev.pixelgrad.nn;

import dev.pixelgrad.tensor.CounterRng;

/**
 * The random stream of a training run: a seed and how many values have been drawn. Two longs are its
 * whole state, which checkpoints save so that a resumed run draws the same dropout masks.
 */
public final class RandomState {
    private final long seed;
    private long counter;

    /**
     * A new stream: nothing drawn yet.
     *
     * @param seed the run's seed
     */
    public RandomState(long seed) {
        this(seed, 0);
    }

    /**
     * A stream restored at a position, as a checkpoint saved it.
     *
     * @param seed    the run's seed
     * @param counter how many values were drawn before
     */
    public RandomState(long seed, long counter) {
        this.seed = seed;
        this.counter = counter;
    }

    /**
     * Draws the next value and advances the stream.
     *
     * @return 64 random bits, {@link CounterRng#bits CounterRng.bits(seed, counter)}; a seed for one dropout
     *         mask
     */
    public synchronized long nextSeed() {
        return CounterRng.bits(seed, counter++);
    }

    /**
     * The run's seed.
     *
     * @return the seed
     */
    public long seed() {
        return seed;
    }

    /**
     * How many values were drawn so far: with the seed, the stream's whole state.
     *
     * @return the count
     */
    public synchronized long counter() {
        return counter;
    }

    /**
     * Moves the stream to a position, as a checkpoint saved it.
     *
     * @param newCounter how many values count as drawn
     */
    public synchronized void restore(long newCounter) {
        this.counter = newCounter;
    }
}
