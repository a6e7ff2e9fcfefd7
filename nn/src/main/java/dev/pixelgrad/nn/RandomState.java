package dev.pixelgrad.nn;

import dev.pixelgrad.tensor.CounterRng;

/**
 * The random stream of a training run: a seed and how many values have been drawn. Two longs are its
 * whole state, which checkpoints save so that a resumed run draws the same dropout masks.
 */
public final class RandomState {
    private final long seed;
    private long counter;

    public RandomState(long seed) {
        this(seed, 0);
    }

    public RandomState(long seed, long counter) {
        this.seed = seed;
        this.counter = counter;
    }

    public synchronized long nextSeed() {
        return CounterRng.bits(seed, counter++);
    }

    public long seed() {
        return seed;
    }

    public synchronized long counter() {
        return counter;
    }

    public synchronized void restore(long newCounter) {
        this.counter = newCounter;
    }
}
