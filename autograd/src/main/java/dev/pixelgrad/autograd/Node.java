package dev.pixelgrad.autograd;

import dev.pixelgrad.tensor.Tensor;

/**
 * One recorded op on the tape: its inputs and the function that turns the gradient of its output into
 * gradients of its inputs. The function is dropped after backward has used it, which releases the
 * tensors it saved.
 */
final class Node {
    /**
     * Computes input gradients from the output gradient {@code gy}. Entry i of the result is the
     * gradient for input i, or null where {@code needs[i]} is false. {@code gy} belongs to this node
     * alone (backward hands each gradient tensor to one owner, and closes it after the node unless it is
     * returned): the function may overwrite it, as the fused convolution and relu does.
     */
    @FunctionalInterface
    interface Backward {
        Tensor[] apply(Tensor gy, boolean[] needs);
    }

    final String op;
    final Variable[] inputs;
    private Backward backward;

    Node(String op, Variable[] inputs, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.backward = backward;
    }

    Tensor[] run(Tensor gy) {
        if (backward == null) {
            throw new IllegalStateException("backward through " + op + " a second time: the graph was released "
                    + "after the first backward; run the forward pass again");
        }
        boolean[] needs = new boolean[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            needs[i] = inputs[i] != null && inputs[i].requiresGrad();
        }
        Tensor[] grads = backward.apply(gy, needs);
        backward = null;
        return grads;
    }
}
