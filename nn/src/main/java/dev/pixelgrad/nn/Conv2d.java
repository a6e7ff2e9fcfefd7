package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;

/** 2-D convolution, weight [out, in, k, k] and optional bias [out]; Kaiming-normal weights, zero bias. */
public final class Conv2d extends Module {
    /** The input channels, Cin. */
    public final int inChannels;
    /** The output channels, Cout. */
    public final int outChannels;
    /** The kernel's height and width. */
    public final int kernel;
    /** The stride and the padding. */
    public final ConvParams params;
    private final Variable weight;
    private final Variable bias;

    /**
     * A convolution with a square kernel.
     *
     * @param inChannels  the input channels, Cin
     * @param outChannels the output channels, Cout
     * @param kernel      the kernel's height and width
     * @param stride      the stride along both axes
     * @param padding     the zero padding on each side
     * @param bias        whether the layer has a bias
     * @param seed        the stream the weights are drawn from ({@link Init#kaimingNormal})
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, boolean bias, long seed) {
        this.inChannels = inChannels;
        this.outChannels = outChannels;
        this.kernel = kernel;
        this.params = ConvParams.of(stride, padding);
        Shape ws = Shape.of(outChannels, inChannels, kernel, kernel);
        this.weight = registerParameter("weight", Init.kaimingNormal(ws, seed));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(outChannels)) : null;
    }

    /**
     * A convolution with a square kernel and a bias.
     *
     * @param inChannels  the input channels, Cin
     * @param outChannels the output channels, Cout
     * @param kernel      the kernel's height and width
     * @param stride      the stride along both axes
     * @param padding     the zero padding on each side
     * @param seed        the stream the weights are drawn from ({@link Init#kaimingNormal})
     */
    public Conv2d(int inChannels, int outChannels, int kernel, int stride, int padding, long seed) {
        this(inChannels, outChannels, kernel, stride, padding, true, seed);
    }

    /**
     * The weight, [Cout, Cin, kernel, kernel], registered as {@code weight}.
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
        return F.conv2d(x, weight, bias, params);
    }

    /**
     * relu(forward(x)) as one op ({@link F#conv2dRelu}): the same values, one pass fewer over the output
     * and no tensor kept for the convolution before its relu. {@link Sequential} runs a Conv2d followed by a
     * {@link ReLU} this way.
     *
     * @param x the input [N, Cin, H, W]
     * @return max(conv2d(x) + bias, 0)
     */
    public Variable forwardRelu(Variable x) {
        return F.conv2dRelu(x, weight, bias, params);
    }

    @Override
    public String toString() {
        return "Conv2d(" + inChannels + ", " + outChannels + ", kernel " + kernel + ", " + params + ")";
    }
}
