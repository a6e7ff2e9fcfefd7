package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.PoolParams;

/** Max pooling; {@code ceilMode} rounds the output size up, as Caffe (and so FCN) does. */
public final class MaxPool2d extends Module {
    public final PoolParams params;

    public MaxPool2d(int kernel, int stride, int padding, boolean ceilMode) {
        this.params = PoolParams.of(kernel, stride, padding, ceilMode);
    }

    @Override
    public Variable forward(Variable x) {
        return F.maxPool2d(x, params);
    }

    @Override
    public String toString() {
        return "MaxPool2d(" + params + ")";
    }
}
