package dev.pixelgrad.nn;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * How the learning rate changes over a run: a factor of the base rate for each step, a pure function of
 * the step index, so a resumed run needs only the schedule and its step to go on at the same rate.
 * An optional linear warm-up comes first; the main schedule then runs over the steps that are left,
 * starting from factor 1 (PyTorch's {@code SequentialLR} of a {@code LinearLR} and the main one, as the
 * torchvision segmentation recipe uses it).
 *
 * <ul>
 *   <li>{@code constant}: 1 (the reference FCN recipe);</li>
 *   <li>{@code step}: {@code gamma^floor(t / stepSize)} ({@code StepLR});</li>
 *   <li>{@code poly}: {@code (1 - t / steps)^power} ({@code PolynomialLR}; torchvision's recipe uses power 0.9).</li>
 * </ul>
 *
 * @param kind              the main schedule
 * @param stepSize          steps between two drops of {@code step} (ignored by the others)
 * @param gamma             the factor of each drop of {@code step}
 * @param power             the exponent of {@code poly}
 * @param warmupSteps       steps of linear warm-up before the main schedule (0: none)
 * @param warmupStartFactor the factor at the first warm-up step; it rises linearly to 1
 */
public record LrSchedule(Kind kind, long stepSize, float gamma, float power, long warmupSteps, float warmupStartFactor) {
    /** The main schedule, after the warm-up. */
    public enum Kind {
        /** Factor 1 at every step. */
        CONSTANT,
        /** {@code gamma} to the power of the number of whole {@code stepSize} periods done. */
        STEP,
        /** {@code (1 - i / n)^power}, falling from 1 towards 0 over the n steps after the warm-up. */
        POLY
    }

    /** The base rate at every step. */
    public static final LrSchedule CONSTANT = new LrSchedule(Kind.CONSTANT, 1, 1f, 1f, 0, 1f);

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if {@code stepSize} is below 1, {@code gamma} is not in (0, 1],
     *                                  {@code power} is not in (0, 100], {@code warmupSteps} is negative, or
     *                                  {@code warmupStartFactor} is not in (0, 1]
     */
    public LrSchedule {
        if (stepSize < 1) {
            throw new IllegalArgumentException("the step schedule's step size must be >= 1, got " + stepSize);
        }
        if (!(gamma > 0f && gamma <= 1f)) {
            throw new IllegalArgumentException("the step schedule's gamma must be in (0, 1], got " + gamma);
        }
        if (!(power > 0f && power <= 100f)) {
            throw new IllegalArgumentException("the poly schedule's power must be in (0, 100], got " + power);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("warm-up steps must be >= 0, got " + warmupSteps);
        }
        if (!(warmupStartFactor > 0f && warmupStartFactor <= 1f)) {
            throw new IllegalArgumentException("the warm-up start factor must be in (0, 1], got " + warmupStartFactor);
        }
    }

    /**
     * The factor of the base learning rate for the step with 0-based index {@code t} of a run of
     * {@code totalSteps} steps.
     *
     * @param t          the step's index, from 0
     * @param totalSteps the steps of the whole run, warm-up included
     * @return the factor; the learning rate of the step is the base rate times it
     * @throws IllegalArgumentException if {@code t} is not in [0, totalSteps)
     */
    public double factor(long t, long totalSteps) {
        if (t < 0 || t >= totalSteps) {
            throw new IllegalArgumentException("step index " + t + " outside a run of " + totalSteps + " steps");
        }
        if (t < warmupSteps) {
            return warmupStartFactor + (1.0 - warmupStartFactor) * t / warmupSteps;
        }
        long i = t - warmupSteps;
        long steps = totalSteps - warmupSteps;
        return switch (kind) {
            case CONSTANT -> 1.0;
            case STEP -> Math.pow(gamma, i / stepSize);
            case POLY -> Math.pow(1.0 - (double) i / steps, power);
        };
    }

    /**
     * The schedule as named values, stored with a run's options in its checkpoints.
     *
     * @return {@code lr_schedule}, {@code lr_step}, {@code lr_gamma}, {@code lr_power}, {@code warmup} and
     *         {@code warmup_factor}, in that order
     */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("lr_schedule", kind.name().toLowerCase(Locale.ROOT));
        m.put("lr_step", stepSize);
        m.put("lr_gamma", (double) gamma);
        m.put("lr_power", (double) power);
        m.put("warmup", warmupSteps);
        m.put("warmup_factor", (double) warmupStartFactor);
        return m;
    }

    /**
     * The kind named {@code constant}, {@code step} or {@code poly}.
     *
     * @param name the name, in any case
     * @return the kind
     * @throws IllegalArgumentException for any other name
     */
    public static Kind kind(String name) {
        for (Kind k : Kind.values()) {
            if (k.name().equalsIgnoreCase(name)) {
                return k;
            }
        }
        throw new IllegalArgumentException("learning-rate schedule must be constant, step or poly, got '" + name + "'");
    }

    /**
     * One line for logs: "poly (power 0.9) after 100 warm-up steps from 0.01".
     *
     * @return the line
     */
    public String describe() {
        String main = switch (kind) {
            case CONSTANT -> "constant";
            case STEP -> String.format(Locale.ROOT, "step (x%s every %d steps)", gamma, stepSize);
            case POLY -> String.format(Locale.ROOT, "poly (power %s)", power);
        };
        return warmupSteps == 0 ? main
                : String.format(Locale.ROOT, "%s after %d warm-up steps from %s", main, warmupSteps, warmupStartFactor);
    }
}
