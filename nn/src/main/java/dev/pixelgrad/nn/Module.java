package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A layer or a network: its own parameters, its child modules, and a forward pass. Parameter names are
 * dotted paths through the tree, as in PyTorch ({@code features.0.weight}), which is what checkpoints
 * and weight importers use.
 */
public abstract class Module {
    private final Map<String, Variable> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** A module with no parameters and no children yet, in training mode. */
    public Module() {}

    /**
     * Applies this module to {@code x}, recording the ops for backward when grad mode is on.
     *
     * @param x the input, for image layers [N, C, H, W]
     * @return the output; its value belongs to the scope open on this thread (or to the caller)
     */
    public abstract Variable forward(Variable x);

    /**
     * Registers a trainable parameter holding {@code init} (which the module now owns).
     *
     * @param name the parameter's name within this module: not empty, no dot, not yet used
     * @param init the initial value; taken out of its scope, so it lives as long as the module
     * @return the parameter, a variable that requires grad
     * @throws IllegalArgumentException if the name is invalid or already used
     */
    protected Variable registerParameter(String name, Tensor init) {
        checkName(name);
        Variable v = Variable.parameter(init.detachFromScope());
        parameters.put(name, v);
        return v;
    }

    /**
     * Registers a child module, whose parameters then appear under {@code name.}.
     *
     * @param <M>    the child's type
     * @param name   the child's name within this module: not empty, no dot, not yet used
     * @param module the child
     * @return {@code module}
     * @throws IllegalArgumentException if the name is invalid or already used
     */
    protected <M extends Module> M registerModule(String name, M module) {
        checkName(name);
        children.put(name, module);
        return module;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || parameters.containsKey(name) || children.containsKey(name)) {
            throw new IllegalArgumentException("invalid or duplicate name '" + name + "' in " + getClass().getSimpleName());
        }
    }

    /**
     * Every parameter of this module and its descendants, by dotted name, in registration order.
     *
     * @return an unmodifiable map from dotted name to parameter, frozen parameters included
     */
    public Map<String, Variable> namedParameters() {
        Map<String, Variable> out = new LinkedHashMap<>();
        collect("", out);
        return Collections.unmodifiableMap(out);
    }

    private void collect(String prefix, Map<String, Variable> out) {
        for (Map.Entry<String, Variable> e : parameters.entrySet()) {
            out.put(prefix + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, Module> e : children.entrySet()) {
            e.getValue().collect(prefix + e.getKey() + ".", out);
        }
    }

    /**
     * Every parameter of this module and its descendants, in registration order.
     *
     * @return a new list, frozen parameters included
     */
    public List<Variable> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /**
     * The child modules, by name (not recursive).
     *
     * @return an unmodifiable map from name to child, in registration order
     */
    public Map<String, Module> children() {
        return Collections.unmodifiableMap(children);
    }

    /**
     * The child module registered under {@code name}.
     *
     * @param name the child's name (not a dotted path)
     * @return the child
     * @throws IllegalArgumentException if there is no child of that name
     */
    public Module child(String name) {
        Module m = children.get(name);
        if (m == null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " has no child '" + name + "'");
        }
        return m;
    }

    /**
     * Training mode (dropout active) or evaluation mode, for this module and all descendants.
     *
     * @param mode true for training, false for evaluation
     * @return this module
     */
    public Module train(boolean mode) {
        training = mode;
        for (Module m : children.values()) {
            m.train(mode);
        }
        return this;
    }

    /**
     * Evaluation mode, for this module and all descendants: the same as {@code train(false)}.
     *
     * @return this module
     */
    public Module eval() {
        return train(false);
    }

    /**
     * Whether this module is in training mode (the default) rather than evaluation mode.
     *
     * @return whether it is training
     */
    public boolean isTraining() {
        return training;
    }

    /**
     * Moves every parameter to {@code device}. Do this before making an optimizer.
     *
     * <p>Each parameter that is elsewhere gets a copy on {@code device}; the old value is closed and the
     * gradient released.
     *
     * @param device the device
     * @return this module
     */
    public Module to(Device device) {
        for (Variable v : namedParameters().values()) {
            if (!v.data().device().equals(device)) {
                v.assign(v.data().to(device));
            }
        }
        return this;
    }

    /**
     * The parameter values by name (the tensors themselves, not copies).
     *
     * <p>They belong to the parameters: the caller must not close them.
     *
     * @return a new map from dotted name to value, in registration order
     */
    public Map<String, Tensor> state() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, Variable> e : namedParameters().entrySet()) {
            out.put(e.getKey(), e.getValue().data());
        }
        return out;
    }

    /**
     * Copies values into the parameters of the same names. With {@code strict}, every parameter must be
     * given and every given name must exist. Shapes must match; errors name the parameter and both shapes,
     * and all checks run before any value is copied.
     *
     * @param state  the values by dotted name, on any device; the caller keeps them
     * @param strict whether the names must be exactly this module's parameter names
     * @throws IllegalArgumentException if a name is missing or unexpected (strict only), or a shape or dtype
     *                                  differs
     */
    public void loadState(Map<String, Tensor> state, boolean strict) {
        Map<String, Variable> mine = namedParameters();
        if (strict) {
            Set<String> missing = new TreeSet<>(mine.keySet());
            missing.removeAll(state.keySet());
            Set<String> unexpected = new TreeSet<>(state.keySet());
            unexpected.removeAll(mine.keySet());
            if (!missing.isEmpty() || !unexpected.isEmpty()) {
                throw new IllegalArgumentException("state does not match " + getClass().getSimpleName()
                        + (missing.isEmpty() ? "" : "; missing " + missing)
                        + (unexpected.isEmpty() ? "" : "; unexpected " + unexpected));
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Variable v = mine.get(e.getKey());
            if (v != null && !v.shape().equals(e.getValue().shape())) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " has shape " + v.shape()
                        + " but the state gives " + e.getValue().shape());
            }
            if (v != null && e.getValue().dtype() != v.data().dtype()) {
                throw new IllegalArgumentException("parameter " + e.getKey() + " is " + v.data().dtype()
                        + " but the state gives " + e.getValue().dtype());
            }
        }
        for (Map.Entry<String, Tensor> e : state.entrySet()) {
            Variable v = mine.get(e.getKey());
            if (v != null) {
                v.data().copyFrom(e.getValue());
            }
        }
    }

    /** Releases every parameter gradient. */
    public void zeroGrad() {
        for (Variable v : namedParameters().values()) {
            v.zeroGrad();
        }
    }

    /**
     * Number of trainable scalars (parameters that require grad).
     *
     * @return the number of elements of every parameter that requires grad
     */
    public long trainableCount() {
        long n = 0;
        for (Variable v : namedParameters().values()) {
            if (v.requiresGrad()) {
                n += v.data().numel();
            }
        }
        return n;
    }

    /**
     * The module and its children, one per line and indented by depth, as PyTorch prints a module: a layer
     * with no children prints itself (its own toString), a container its children by name.
     */
    @Override
    public String toString() {
        if (children.isEmpty()) {
            return getClass().getSimpleName() + "()";
        }
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append("(\n");
        for (Map.Entry<String, Module> e : children.entrySet()) {
            String child = e.getValue().toString().replace("\n", "\n  ");
            sb.append("  (").append(e.getKey()).append("): ").append(child).append('\n');
        }
        return sb.append(')').toString();
    }
}
