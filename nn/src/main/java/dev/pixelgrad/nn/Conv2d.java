package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;

/** 2-D convolution, weight [out, in, k, k] and optional bias [out]; Kaiming-normal weights, zero bias. */
public final class Conv2d extends Module {
    public final int inChannels;
    public final int outChannels;
    public final int kernel;
    public final ConvParams params;
    private final Variable weight;
    private final Variable bias;

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, long seed) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.params = ConvParams.of(stride, padding);
        Shape ws = Shape.of(outChannels, inChannels, kernel, kernel);
        this.weight = registerParameter("weight", Init.kaimingNormal(ws, seed));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
    }

    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, long seed) {
        this(inChannels, outChannels, kernel, stride, padding, true, seed);
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        return F.conv2d(x, weight, bias, params);
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", kernel " + kernel + ", " + params + ")";
    }
}
