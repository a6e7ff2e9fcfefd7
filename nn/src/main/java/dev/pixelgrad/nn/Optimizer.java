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
    protected final List<ParamGroup> groups;
    protected float learningRate;
    protected final float weightDecay;
    /** Per-parameter state tensors, by key "kind/parameter name". */
    protected final Map<String, Tensor> slots = new LinkedHashMap<>();

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

    /** Short name for logs and checkpoints: "sgd", "adam". */
    public abstract String name();

    /** Hyper-parameters, for checkpoints and logs. */
    public abstract Map<String, Object> config();

    /** The kinds of per-parameter state this optimizer keeps ("momentum"; "m", "v", "step"). */
    protected abstract Set<String> slotKinds();

    /** Updates one parameter with its group's effective learning rate and weight decay. */
    protected abstract void update(String name, Variable p, float lr, float decay);

    /** Applies one update to every parameter that has a gradient, then releases the gradients. */
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

    public void zeroGrad() {
        for (ParamGroup g : groups) {
            for (Variable p : g.params().values()) {
                p.zeroGrad();
            }
        }
    }

    public float learningRate() {
        return learningRate;
    }

    public void setLearningRate(float lr) {
        this.learningRate = lr;
    }

    /** The state tensor {@code kind} of parameter {@code name}, created as zeros like {@code p} if new. */
    protected Tensor slot(String kind, String name, Variable p) {
        return slots.computeIfAbsent(kind + "/" + name,
                k -> Tensor.zeros(p.shape(), DType.FLOAT32, p.data().device()).detachFromScope());
    }

    /** Every state tensor, by "kind/parameter name". The tensors themselves, not copies. */
    public Map<String, Tensor> state() {
        return Collections.unmodifiableMap(slots);
    }

    /** Restores state saved by {@link #state()}: copies into new tensors on each parameter's device. */
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
