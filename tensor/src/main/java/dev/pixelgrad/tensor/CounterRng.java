package dev.pixelgrad.tensor;

/**
 * A counter-based random number generator: the value at position {@code i} of stream {@code seed} is a
 * pure function of the two, so any element can be produced independently, in any order, on any device.
 * That makes dropout masks identical on the CPU and the GPU and lets backward regenerate the mask
 * instead of storing it.
 *
 * <p>The mixing function is SplitMix64's finaliser (Steele, Lea and Flood, "Fast splittable
 * pseudorandom number generators", OOPSLA 2014) applied to {@code seed + (i + 1) * golden}.
 */
public final class CounterRng {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private CounterRng() {}

    /**
     * 64 random bits for position {@code i} of stream {@code seed}.
     *
     * @param seed the stream
     * @param i    the position in the stream (an element index)
     * @return the bits, uniformly distributed over all 2^64 values
     */
    public static long bits(long seed, long i) {
        long z = seed + (i + 1) * GOLDEN;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * A float uniform in [0, 1) with 24 random bits (every float32 step of 2^-24 equally likely).
     *
     * @param seed the stream
     * @param i    the position in the stream (an element index)
     * @return a value in [0, 1), the top 24 of {@link #bits bits(seed, i)} scaled by 2^-24
     */
    public static float uniform(long seed, long i) {
        return (bits(seed, i) >>> 40) * 0x1.0p-24f;
    }

    /**
     * A standard normal sample (Box-Muller on positions 2i and 2i+1).
     *
     * @param seed the stream
     * @param i    the sample's index; it uses the stream's positions 2i and 2i + 1
     * @return a sample with mean 0 and standard deviation 1
     */
    public static float normal(long seed, long i) {
        double u1 = ((bits(seed, 2 * i) >>> 11) + 1) * 0x1.0p-53; // (0, 1]: log is finite
        double u2 = (bits(seed, 2 * i + 1) >>> 11) * 0x1.0p-53;
        return (float) (Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2));
    }

    /**
     * Derives an independent seed, e.g. one per layer or per step, from a parent seed and a label.
     *
     * @param seed  the parent seed
     * @param label what tells the children apart (a layer's index, a step number)
     * @return the child seed
     */
    public static long derive(long seed, long label) {
        return bits(seed ^ 0x5DEECE66DL, label);
    }
}
