package dev.pixelgrad.tensor;

/**
 * Stride and zero padding of a 2-D convolution or transposed convolution (dilation 1, groups 1). The
 * kernel size comes from the weight tensor.
 *
 * @param strideH the stride along the height: the step of the kernel window over the input rows of a
 *                convolution, or the upsampling factor of a transposed convolution (at least 1)
 * @param strideW the stride along the width (at least 1)
 * @param padH    rows of zeros added above and below the input of a convolution; for a transposed
 *                convolution, the rows removed from the top and from the bottom of its output (at least 0)
 * @param padW    the same along the width: columns on the left and on the right (at least 0)
 */
public record ConvParams(int strideH, int strideW, int padH, int padW) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if a stride is below 1 or a padding is negative
     */
    public ConvParams {
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("stride must be >= 1, got " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padH + "x" + padW);
        }
    }

    /**
     * The same stride and the same padding along both axes, as every layer of FCN uses.
     *
     * @param stride the stride along the height and the width
     * @param pad    the padding on each of the four sides
     * @return the parameters
     */
    public static ConvParams of(int stride, int pad) {
        return new ConvParams(stride, stride, pad, pad);
    }

    /**
     * Output height of a convolution over {@code in} rows with a {@code k}-row kernel.
     *
     * @param in the input height
     * @param k  the kernel height
     * @return floor((in + 2 padH - k) / strideH) + 1; below 1 when the kernel does not fit the padded input
     */
    public int convOutH(int in, int k) {
        return Math.floorDiv(in + 2 * padH - k, strideH) + 1;
    }

    /**
     * Output width of a convolution over {@code in} columns with a {@code k}-column kernel.
     *
     * @param in the input width
     * @param k  the kernel width
     * @return floor((in + 2 padW - k) / strideW) + 1; below 1 when the kernel does not fit the padded input
     */
    public int convOutW(int in, int k) {
        return Math.floorDiv(in + 2 * padW - k, strideW) + 1;
    }

    /**
     * Output height of a transposed convolution: (in - 1) * stride - 2 * pad + k.
     *
     * @param in the input height
     * @param k  the kernel height
     * @return the output height
     */
    public int transposedOutH(int in, int k) {
        return (in - 1) * strideH - 2 * padH + k;
    }

    /**
     * Output width of a transposed convolution: (in - 1) * stride - 2 * pad + k.
     *
     * @param in the input width
     * @param k  the kernel width
     * @return the output width
     */
    public int transposedOutW(int in, int k) {
        return (in - 1) * strideW - 2 * padW + k;
    }

    @Override
    public String toString() {
        return "stride " + strideH + "x" + strideW + ", padding " + padH + "x" + padW;
    }
}
