package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.PoolParams;

/** Max pooling; {@code ceilMode} rounds the output size up, as Caffe (and so FCN) does. */
public final class MaxPool2d extends Module {
    /** The square window, stride, padding and rounding. */
    public final PoolParams params;

    /**
     * A max pooling over square windows.
     *
     * @param kernel   the window's height and width
     * @param stride   the step between windows, along both axes
     * @param padding  the padding on each side, at most half the window
     * @param ceilMode whether the output size rounds up (true for FCN's VGG16 pools)
     * @throws IllegalArgumentException if a size is out of range (see {@link PoolParams})
     */
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
