package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;

/** The rectified linear unit max(x, 0), element by element; a layer without parameters. */
public final class ReLU extends Module {
    /** A ReLU layer. */
    public ReLU() {}

    @Override
    public Variable forward(Variable x) {
        return F.relu(x);
    }

    @Override
    public String toString() {
        return "ReLU";
    }
}
