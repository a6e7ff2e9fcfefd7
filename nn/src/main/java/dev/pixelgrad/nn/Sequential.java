package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.Variable;
import java.util.ArrayList;
import java.util.List;

/**
 * Modules applied in order; children are named 0, 1, 2, ... as in PyTorch's nn.Sequential. A {@link Conv2d}
 * directly followed by a {@link ReLU} runs as one op ({@link Conv2d#forwardRelu}): the same values, with
 * the relu applied as the convolution's output is written.
 */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    /**
     * A container of {@code modules}, named 0, 1, 2, ... in this order.
     *
     * @param modules the layers, first applied first
     */
    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    /**
     * Appends a layer, named by its position.
     *
     * @param m the layer
     * @return this container
     */
    public Sequential add(Module m) {
        registerModule(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    /**
     * The number of layers.
     *
     * @return the number of layers
     */
    public int size() {
        return layers.size();
    }

    /**
     * The layer at a position.
     *
     * @param index the position, from 0
     * @return the layer
     * @throws IndexOutOfBoundsException if there is no layer at {@code index}
     */
    public Module get(int index) {
        return layers.get(index);
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, 0, layers.size());
    }

    /**
     * Applies layers [from, to) only: lets a network read intermediate outputs (FCN's skips).
     *
     * @param x    the input of layer {@code from}
     * @param from the first layer to apply
     * @param to   one past the last layer to apply
     * @return the output of layer {@code to - 1}, or {@code x} itself when {@code from == to}
     */
    public Variable forward(Variable x, int from, int to) {
        Variable h = x;
        for (int i = from; i < to; i++) {
            if (layers.get(i) instanceof Conv2d conv && i + 1 < to && layers.get(i + 1) instanceof ReLU) {
                h = conv.forwardRelu(h);
                i++;
            } else {
                h = layers.get(i).forward(h);
            }
        }
        return h;
    }
}
