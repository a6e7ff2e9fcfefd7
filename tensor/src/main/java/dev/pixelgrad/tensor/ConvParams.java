package dev.pixelgrad.tensor;

/**
 * Stride and zero padding of a 2-D convolution or transposed convolution (dilation 1, groups 1). The
 * kernel size comes from the weight tensor.
 */
public record ConvParams(int strideH, int strideW, int padH, int padW) {
    public ConvParams {
        if (strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("stride must be >= 1, got " + strideH + "x" + strideW);
        }
        if (padH < 0 || padW < 0) {
            throw new IllegalArgumentException("padding must be >= 0, got " + padH + "x" + padW);
        }
    }

    public static ConvParams of(int stride, int pad) {
        return new ConvParams(stride, stride, pad, pad);
    }

    /** Output height of a convolution over {@code in} rows with a {@code k}-row kernel. */
    public int convOutH(int in, int k) {
        return Math.floorDiv(in + 2 * padH - k, strideH) + 1;
    }

    public int convOutW(int in, int k) {
        return Math.floorDiv(in + 2 * padW - k, strideW) + 1;
    }

    /** Output height of a transposed convolution: (in - 1) * stride - 2 * pad + k. */
    public int transposedOutH(int in, int k) {
        return (in - 1) * strideH - 2 * padH + k;
    }

    public int transposedOutW(int in, int k) {
        return (in - 1) * strideW - 2 * padW + k;
    }

    @Override
    public String toString() {
        return "stride " + strideH + "x" + strideW + ", padding " + padH + "x" + padW;
    }
}
