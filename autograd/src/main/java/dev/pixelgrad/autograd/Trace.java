package dev.pixelgrad.autograd;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The differentiable ops that ran on this thread while the trace was open, in order: each op's name,
 * its settings, its inputs and its output. Every function of {@link F} reports itself, so the trace of a
 * network's forward pass is the network as its code actually runs, the functional glue between modules
 * (crops, skip additions) included. On the meta device ({@link dev.pixelgrad.tensor.Device#META}) such
 * a trace computes nothing and still has every shape.
 *
 * <pre>{@code
 * try (Trace trace = Trace.start()) {
 *     model.forward(x);
 *     for (Trace.Op op : trace.ops()) { ... }
 * }
 * }</pre>
 *
 * Traces nest: only the innermost open one records. Recording does not depend on {@link GradMode}.
 */
public final class Trace implements AutoCloseable {
    private static final ThreadLocal<Trace> CURRENT = new ThreadLocal<>();

    private final Trace previous;
    private final List<Op> ops = new ArrayList<>();

    /**
     * One op as it ran.
     *
     * @param name     conv2d, conv2d_relu, conv_transpose2d, max_pool2d, relu, dropout, add, crop, scale, ...
     * @param settings what the op was given besides its inputs: {@link dev.pixelgrad.tensor.ConvParams}
     *                 (the kernel size is the weight's shape), {@link dev.pixelgrad.tensor.PoolParams}, a
     *                 {@link CropOffset}, the factor of scale or the drop probability of dropout (a Float);
     *                 null for ops without settings
     * @param inputs   the variables it read, in the order of its {@link F} function's parameters (a
     *                 missing bias is null)
     * @param output   what it returned
     */
    public record Op(String name, Object settings, List<Variable> inputs, Variable output) {}

    /**
     * The settings of a crop: the top-left corner of its window.
     *
     * @param h the first row of the window
     * @param w the first column of the window
     */
    public record CropOffset(int h, int w) {}

    private Trace() {
        this.previous = CURRENT.get();
        CURRENT.set(this);
    }

    /**
     * Starts recording the ops of this thread, until the returned trace is closed.
     *
     * @return the trace, to close in a try-with-resources statement
     */
    public static Trace start() {
        return new Trace();
    }

    /**
     * The ops recorded so far, in the order they ran.
     *
     * @return an unmodifiable view, which keeps growing while the trace is open
     */
    public List<Op> ops() {
        return Collections.unmodifiableList(ops);
    }

    /** Called by every op (through {@link Variable}); a no-op unless a trace is open on this thread. */
    static void record(String name, Object settings, Variable[] inputs, Variable output) {
        Trace t = CURRENT.get();
        if (t != null) {
            t.ops.add(new Op(name, settings, Collections.unmodifiableList(Arrays.asList(inputs.clone())), output));
        }
    }

    @Override
    public void close() {
        if (CURRENT.get() == this) {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
