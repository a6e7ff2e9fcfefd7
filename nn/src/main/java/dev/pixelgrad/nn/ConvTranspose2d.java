package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;

/**
 * 2-D transposed convolution ("deconvolution"), weight [in, out, k, k] as PyTorch lays it out.
 * Initialised to Kaiming-normal; FCN's upsampling layers use {@link Init#bilinear} instead.
 */
public final class ConvTranspose2d extends Module {
    public final int inChannels;
    public final int outChannels;
    public final int kernel;
    public final ConvParams params;
    private final Variable weight;
    private final Variable bias;

    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, long seed) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.params = ConvParams.of(stride, padding);
        Shape ws = Shape.of(inChannels, outChannels, kernel, kernel);
        this.weight = registerParameter("weight", Init.kaimingNormal(ws, seed));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
    }

    public Variable weight() {
        return weight;
    }

    public Variable bias() {
        return bias;
    }

    @Override
    public Variable forward(Variable x) {
        return F.convTranspose2d(x, weight, bias, params);
    }

    @Override
    public String toString() {
        return "ConvTranspose2d(" + inChannels + ", " + outChannels + ", kernel " + kernel + ", " + params + ")";
    }
}
