package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.Variable;
import java.util.ArrayList;
import java.util.List;

/** Modules applied in order; children are named 0, 1, 2, ... as in PyTorch's nn.Sequential. */
public final class Sequential extends Module {
    private final List<Module> layers = new ArrayList<>();

    public Sequential(Module... modules) {
        for (Module m : modules) {
            add(m);
        }
    }

    public Sequential add(Module m) {
        registerModule(Integer.toString(layers.size()), m);
        layers.add(m);
        return this;
    }

    public int size() {
        return layers.size();
    }

    public Module get(int index) {
        return layers.get(index);
    }

    @Override
    public Variable forward(Variable x) {
        return forward(x, 0, layers.size());
    }

    /** Applies layers [from, to) only: lets a network read intermediate outputs (FCN's skips). */
    public Variable forward(Variable x, int from, int to) {
        Variable h = x;
        for (int i = from; i < to; i++) {
            h = layers.get(i).forward(h);
        }
        return h;
    }
}
