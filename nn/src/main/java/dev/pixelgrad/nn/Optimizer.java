package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Updates parameters from their gradients, group by group (each group scales the learning rate and the
 * weight decay). Per-parameter state (momentum, moment estimates) is created on first use, on the
 * parameter's device, and saved and loaded by name with {@link #state()} and {@link #loadState}.
 */
public abstract class Optimizer {
    /** The parameter groups, in the order they are updated. */
    protected final List<ParamGroup> groups;
    /** The base learning rate; each group multiplies it by its {@link ParamGroup#lrMult}. */
    protected float learningRate;
    /** The base L2 weight decay; each group multiplies it by its {@link ParamGroup#decayMult}. */
    protected final float weightDecay;
    /** Per-parameter state tensors, by key "kind/parameter name". */
    protected final Map<String, Tensor> slots = new LinkedHashMap<>();

    /**
     * An optimizer of the parameters of {@code groups}; it keeps them (the variables, not copies).
     *
     * @param groups       the parameter groups
     * @param learningRate the base learning rate
     * @param weightDecay  the base L2 weight decay
     * @throws IllegalArgumentException if a parameter name contains '/', which state keys use as separator
     */
    protected Optimizer(List<ParamGroup> groups, float learningRate, float weightDecay) {
        this.groups = List.copyOf(groups);
        this.learningRate = learningRate;
        this.weightDecay = weightDecay;
        for (ParamGroup g : groups) {
            for (Map.Entry<String, Variable> e : g.params().entrySet()) {
                if (e.getKey().contains("/")) {
                    throw new IllegalArgumentException("parameter name may not contain '/': " + e.getKey());
                }
            }
        }
    }

    /**
     * Short name for logs and checkpoints: "sgd", "adam".
     *
     * @return the name
     */
    public abstract String name();

    /**
     * Hyper-parameters, for checkpoints and logs.
     *
     * @return the hyper-parameters by name ({@code lr}, {@code momentum}, {@code weight_decay}, ...)
     */
    public abstract Map<String, Object> config();

    /**
     * The kinds of per-parameter state this optimizer keeps ("momentum"; "m", "v", "step").
     *
     * @return the kinds
     */
    protected abstract Set<String> slotKinds();

    /**
     * Updates one parameter with its group's effective learning rate and weight decay.
     *
     * <p>Called by {@link #step()} with grad mode off, inside a scope, for a parameter that has a gradient.
     *
     * @param name  the parameter's dotted name, which keys its state
     * @param p     the parameter, updated in place from {@code p.grad()}
     * @param lr    the learning rate: the base rate times the group's multiplier
     * @param decay the L2 weight decay: the base decay times the group's multiplier
     */
    protected abstract void update(String name, Variable p, float lr, float decay);

    /**
     * Applies one update to every parameter that has a gradient, then releases the gradients.
     *
     * <p>Every parameter of every group loses its gradient, frozen ones and those without a gradient
     * included.
     */
    public void step() {
        try (GradMode off = GradMode.off(); Scope s = Scope.open()) {
            for (ParamGroup g : groups) {
                for (Map.Entry<String, Variable> e : g.params().entrySet()) {
                    Variable p = e.getValue();
                    if (p.requiresGrad() && p.grad() != null) {
                        update(e.getKey(), p, learningRate * g.lrMult(), weightDecay * g.decayMult());
                    }
                    p.zeroGrad();
                }
            }
        }
    }

    /** Releases the gradient of every parameter of every group. */
    public void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Variable p : g.params().values()) {
                p.zeroGrad();
            }
        }
    }

    /**
     * The base learning rate, before the groups' multipliers.
     *
     * @return the rate
     */
    public float learningRate() {
        return learningRate;
    }

    /**
     * Sets the base learning rate, for the following steps (a schedule calls this before each step).
     *
     * @param lr the new rate
     */
    public void setLearningRate(float lr) {
        this.learningRate = lr;
    }

    /**
     * The state tensor {@code kind} of parameter {@code name}, created as zeros like {@code p} if new.
     *
     * @param kind the kind of state, one of {@link #slotKinds()}
     * @param name the parameter's dotted name
     * @param p    the parameter, whose shape and device a new slot takes
     * @return the state tensor, owned by this optimizer
     */
    protected Tensor slot(String kind, String name, Variable p) {
        return slots.computeIfAbsent(kind + "/" + name,
                k -> Tensor.zeros(p.shape(), DType.FLOAT32, p.data().device()).detachFromScope());
    }

    /**
     * Every state tensor, by "kind/parameter name". The tensors themselves, not copies.
     *
     * <p>They belong to this optimizer: the caller must not close them.
     *
     * @return an unmodifiable view
     */
    public Map<String, Tensor> state() {
        return Collections.unmodifiableMap(slots);
    }

    /**
     * Restores state saved by {@link #state()}: copies into new tensors on each parameter's device.
     *
     * <p>The state held before is closed. Parameters without an entry start from zero state.
     *
     * @param state the state by "kind/parameter name", on any device; copied, so the caller keeps it
     * @throws IllegalArgumentException if a key names no parameter of this optimizer or a kind it does not
     *                                  keep, or a shape differs; nothing is changed then
     */
    public void loadState(Map<String, Tensor> state) {
        Map<String, Variable> byName = new LinkedHashMap<>();
        for (ParamGroup g : groups) {
            byName.putAll(g.params());
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            Variable p = slash < 0 ? null : byName.get(key.substring(slash + 1));
            if (p == null) {
                throw new IllegalArgumentException("optimizer state " + key + " names no parameter of this optimizer");
            }
            String kind = key.substring(0, slash);
            if (!slotKinds().contains(kind)) {
                throw new IllegalArgumentException("optimizer state " + key + " is not " + name() + " state (it keeps "
                        + slotKinds() + "); was the run trained with another optimizer?");
            }
            Tensor t = e.getValue();
            if (t.dtype() == DType.FLOAT32 && !t.shape().equals(p.shape())) {
                throw new IllegalArgumentException("optimizer state " + key + " has shape " + t.shape()
                        + " but the parameter has " + p.shape());
            }
        }
        for (Tensor t : slots.values()) {
            t.close();
        }
        slots.clear();
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            String name = e.getKey().substring(e.getKey().indexOf('/') + 1);
            // Float state lives beside its parameter; integer counters (Adam's steps) stay on the host.
            Tensor t = e.getValue();
            Tensor copy = t.dtype() == DType.FLOAT32 ? t.to(byName.get(name).data().device()) : t.to(Device.CPU);
            slots.put(e.getKey(), copy.detachFromScope());
        }
    }
}
