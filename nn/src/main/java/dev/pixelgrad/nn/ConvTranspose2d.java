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
    /** The input channels, Cin. */
    public final int inChannels;
    /** The output channels, Cout. */
    public final int outChannels;
    /** The kernel's height and width. */
    public final int kernel;
    /** The stride (the upsampling factor) and the padding (cut from each side of the output). */
    public final ConvParams params;
    private final Variable weight;
    private final Variable bias;

    /**
     * A transposed convolution with a square kernel.
     *
     * @param inChannels  the input channels, Cin
     * @param outChannels the output channels, Cout
     * @param kernel      the kernel's height and width
     * @param stride      the stride along both axes: the upsampling factor
     * @param padding     the rows and columns cut from each side of the output
     * @param bias        whether the layer has a bias
     * @param seed        the stream the weights are drawn from ({@link Init#kaimingNormal})
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, long seed) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.params = ConvParams.of(stride, padding);
        Shape ws = Shape.of(inChannels, outChannels, kernel, kernel);
        this.weight = registerParameter("weight", Init.kaimingNormal(ws, seed));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
    }

    /**
     * The weight, [Cin, Cout, kernel, kernel], registered as {@code weight}.
     *
     * @return the weight parameter
     */
    public Variable weight() {
        return weight;
    }

    /**
     * The bias, [Cout], registered as {@code bias}.
     *
     * @return the bias parameter, or null when the layer has none
     */
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
