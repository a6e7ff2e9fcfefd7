package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;

/**
 * Element-wise dropout (Caffe drops elements, not channels), inverted: kept values are scaled by
 * 1 / (1 - p) in training, and evaluation is the identity. Each training forward draws a fresh mask
 * seed from the {@link RandomState} it was given, so a run restored with that state repeats its masks.
 */
public final class Dropout extends Module {
    /** The probability of dropping an element, in [0, 1). */
    public final float p;
    private final RandomState random;

    /**
     * A dropout layer.
     *
     * @param p      the probability of dropping an element, in [0, 1); 0 makes the layer the identity
     * @param random where each training forward draws its mask's seed
     * @throws IllegalArgumentException if {@code p} is not in [0, 1)
     */
    public Dropout(float p, RandomState random) {
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout probability must be in [0, 1), got " + p);
        }
        this.p = p;
        this.random = random;
    }

    @Override
    public Variable forward(Variable x) {
        if (!isTraining() || p == 0f) {
            return x;
        }
        return F.dropout(x, p, random.nextSeed());
    }

    @Override
    public String toString() {
        return "Dropout(" + p + ")";
    }
}
