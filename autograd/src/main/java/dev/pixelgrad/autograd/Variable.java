package dev.pixelgrad.autograd;

import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tensor in the autograd graph: its value, and for a leaf that requires grad, its accumulated
 * gradient. A variable made by an op remembers the op ({@link Node}) so that {@link #backward()} can
 * walk the graph in reverse.
 *
 * <p>Leaves are made with {@link #of} (a constant: input data, labels) or {@link #parameter} (trained).
 * A parameter can be frozen with {@code requiresGrad(false)}: it gets no gradient, but gradients still
 * flow through the ops that use it to their other inputs.
 *
 * <p>Gradients of leaves belong to the variable, not to any {@link dev.pixelgrad.tensor.Scope}, so they
 * survive the scope of the training step that computed them; {@link #zeroGrad()} releases them.
 */
public final class Variable {
    private Tensor data;
    private final Node creator;
    private boolean requiresGrad;
    private Tensor grad;
    private String name;

    private Variable(Tensor data, Node creator, boolean requiresGrad) {
        this.data = data;
        this.creator = creator;
        this.requiresGrad = requiresGrad;
    }

    /**
     * A constant leaf: no gradient is computed for it.
     *
     * @param data the value; the variable does not take it over (its scope, or the caller, still closes it)
     * @return the variable
     */
    public static Variable of(Tensor data) {
        return new Variable(data, null, false);
    }

    /**
     * A trainable leaf: backward accumulates its gradient in {@link #grad()}.
     *
     * @param data the initial value; the variable does not take it over until {@link #assign} replaces it
     * @return the variable, which requires grad
     */
    public static Variable parameter(Tensor data) {
        return new Variable(data, null, true);
    }

    /** The output of an op without settings; see {@link #fromOp(String, Object, Tensor, Variable[], Node.Backward)}. */
    static Variable fromOp(String op, Tensor out, Variable[] inputs, Node.Backward backward) {
        return fromOp(op, null, out, inputs, backward);
    }

    /**
     * The output of an op: records it on the tape when grad mode is on and some input requires grad, and
     * reports it to the open {@link Trace}, if any, with its {@code settings}.
     */
    static Variable fromOp(String op, Object settings, Tensor out, Variable[] inputs, Node.Backward backward) {
        Variable result = null;
        if (GradMode.isEnabled()) {
            for (Variable v : inputs) {
                if (v != null && v.requiresGrad()) {
                    result = new Variable(out, new Node(op, inputs, backward), true);
                    break;
                }
            }
        }
        if (result == null) {
            result = new Variable(out, null, false);
        }
        Trace.record(op, settings, inputs, result);
        return result;
    }

    /**
     * The value. For the output of an op it belongs to the scope that was open when the op ran.
     *
     * @return the value tensor
     */
    public Tensor data() {
        return data;
    }

    /**
     * The shape of the value.
     *
     * @return the shape
     */
    public Shape shape() {
        return data.shape();
    }

    /**
     * The accumulated gradient of a leaf, or null before any backward (or after {@link #zeroGrad()}).
     *
     * @return the gradient, of the value's shape; owned by this variable, so the caller must not close it
     */
    public Tensor grad() {
        return grad;
    }

    /**
     * Whether a gradient flows to this variable: a parameter that is not frozen, or the output of an op
     * recorded with some input that requires grad.
     *
     * @return whether it requires grad
     */
    public boolean requiresGrad() {
        return requiresGrad;
    }

    /**
     * Freezes (false) or unfreezes (true) a leaf.
     *
     * @param value false to freeze, true to unfreeze
     * @return this variable
     * @throws IllegalStateException if this variable is the output of an op
     */
    public Variable requiresGrad(boolean value) {
        if (creator != null) {
            throw new IllegalStateException("requiresGrad can only be set on a leaf, not on the output of " + creator.op);
        }
        requiresGrad = value;
        return this;
    }

    /**
     * Whether this variable was made directly ({@link #of}, {@link #parameter}) rather than by an op.
     *
     * @return whether it is a leaf
     */
    public boolean isLeaf() {
        return creator == null;
    }

    /**
     * The name given with {@link #name(String)}, for messages (a parameter's path in its module).
     *
     * @return the name, or null
     */
    public String name() {
        return name;
    }

    /**
     * Names this variable, for messages and {@link #toString()}.
     *
     * @param value the name
     * @return this variable
     */
    public Variable name(String value) {
        this.name = value;
        return this;
    }

    /**
     * The value of a one-element variable.
     *
     * @return the value
     * @throws IllegalStateException if the value has more or fewer than one element
     */
    public float item() {
        return data.item();
    }

    /**
     * A constant sharing this variable's value, cut from the graph.
     *
     * @return a constant leaf over the same tensor (not a copy)
     */
    public Variable detach() {
        return of(data);
    }

    /**
     * Replaces the value of a leaf (moving a parameter to another device, or loading weights into it),
     * closing the old value unless it is the same tensor. The gradient is released.
     *
     * @param value the new value, of the same shape; taken out of its scope and owned by this variable
     * @throws IllegalStateException if this variable is the output of an op
     * @throws IllegalArgumentException if the shape differs
     */
    public void assign(Tensor value) {
        if (creator != null) {
            throw new IllegalStateException("assign is for leaves; this is the output of " + creator.op);
        }
        if (!value.shape().equals(data.shape())) {
            throw new IllegalArgumentException("assign: " + value.shape() + " does not match " + data.shape()
                    + (name != null ? " for " + name : ""));
        }
        zeroGrad();
        if (value != data) {
            data.close();
            data = value.detachFromScope();
        }
    }

    /** Releases the accumulated gradient; the next backward starts from zero. */
    public void zeroGrad() {
        if (grad != null) {
            grad.close();
            grad = null;
        }
    }

    /**
     * Replaces the gradient of a leaf (for loading optimizer state or tests); takes ownership.
     *
     * @param g the gradient, of the value's shape, or null to release it; taken out of its scope
     * @throws IllegalArgumentException if the shape differs
     */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape().equals(data.shape())) {
            throw new IllegalArgumentException("gradient " + g.shape() + " does not match variable " + data.shape());
        }
        if (g == grad) {
            return;
        }
        zeroGrad();
        grad = g == null ? null : g.detachFromScope();
    }

    /**
     * Backward from a one-element output (a loss): seeds the gradient with 1.
     *
     * <p>The graph is released as it is walked: a second backward through the same ops fails, and needs a new
     * forward pass.
     *
     * @throws IllegalStateException if the value has more or fewer than one element, or does not require grad
     */
    public void backward() {
        if (data.numel() != 1) {
            throw new IllegalStateException("backward() needs a one-element output, got " + data.shape()
                    + "; pass the output gradient explicitly");
        }
        backward(Tensor.ones(data.shape(), data.device()));
    }

    /**
     * Propagates {@code seed} (the gradient of some scalar with respect to this variable) through the
     * graph, accumulating gradients into the leaves that require them. Takes ownership of {@code seed}.
     *
     * <p>Every op's saved backward function is released once used, so each graph supports one backward.
     *
     * @param seed the gradient of the output, of its shape
     * @throws IllegalArgumentException if the seed's shape differs
     * @throws IllegalStateException if this variable does not require grad, or part of the graph already ran
     *                               backward
     */
    public void backward(Tensor seed) {
        if (!seed.shape().equals(data.shape())) {
            throw new IllegalArgumentException("backward: seed " + seed.shape() + " does not match output " + data.shape());
        }
        if (!requiresGrad) {
            throw new IllegalStateException("backward on a variable that does not require grad "
                    + "(no parameter reaches it, or it was computed with GradMode off)");
        }
        if (creator == null) {
            accumulateLeaf(this, seed);
            return;
        }
        List<Node> order = topologicalOrder(creator);
        Map<Node, Tensor> pending = new IdentityHashMap<>();
        pending.put(creator, seed);
        try (GradMode off = GradMode.off()) {
            for (int i = order.size() - 1; i >= 0; i--) {
                Node node = order.get(i);
                Tensor gy = pending.remove(node);
                if (gy == null) {
                    continue; // nothing flowed here (e.g. only through inputs that need no grad)
                }
                Tensor[] grads = node.run(gy);
                Set<Tensor> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
                for (int k = 0; k < node.inputs.length; k++) {
                    Tensor g = k < grads.length ? grads[k] : null;
                    Variable in = node.inputs[k];
                    if (g == null) {
                        continue;
                    }
                    if (in == null || !in.requiresGrad()) {
                        if (g != gy && !handedOut.contains(g)) {
                            g.close();
                        }
                        continue;
                    }
                    // Each gradient tensor gets exactly one owner; the same tensor for two inputs is copied.
                    Tensor owned = handedOut.add(g) ? g : g.copy();
                    if (in.creator == null) {
                        accumulateLeaf(in, owned);
                    } else {
                        Tensor prev = pending.get(in.creator);
                        if (prev == null) {
                            pending.put(in.creator, owned);
                        } else {
                            Ops.addInPlace(prev, owned);
                            owned.close();
                        }
                    }
                }
                if (!handedOut.contains(gy)) {
                    gy.close();
                }
            }
        } finally {
            for (Tensor t : pending.values()) {
                t.close();
            }
        }
    }

    private static void accumulateLeaf(Variable leaf, Tensor g) {
        if (leaf.grad == null) {
            leaf.grad = g.detachFromScope();
        } else {
            Ops.addInPlace(leaf.grad, g);
            g.close();
        }
    }

    /** Nodes reachable from {@code root}, each after every node that feeds it (iterative post-order). */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> order = new ArrayList<>();
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[] {root, 0});
        seen.add(root);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node node = (Node) top[0];
            int next = (Integer) top[1];
            if (next < node.inputs.length) {
                top[1] = next + 1;
                Variable in = node.inputs[next];
                if (in != null && in.creator != null && seen.add(in.creator)) {
                    stack.push(new Object[] {in.creator, 0});
                }
            } else {
                stack.pop();
                order.add(node);
            }
        }
        return order;
    }

    @Override
    public String toString() {
        return "Variable(" + (name != null ? name + ", " : "") + data
                + (creator != null ? ", from " + creator.op : requiresGrad ? ", parameter" : "") + ")";
    }
}
