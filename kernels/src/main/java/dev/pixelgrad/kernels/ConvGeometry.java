package dev.pixelgrad.kernels;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Tensor;

/**
 * The shapes of one 2-D convolution (dilation 1, groups 1): input [n, cIn, h, w], weight
 * [cOut, cIn, kh, kw], output [n, cOut, outH, outW]. One record for every backend and library (our
 * im2col on CPU and GPU, cuDNN), so the mapping from tensors to a convolution, and in particular that of
 * a transposed convolution, is written once.
 *
 * <p>Sizes derived from it are {@code long}: their products can pass {@code int} on a device.
 *
 * @param n       the images in the batch
 * @param cIn     the input channels
 * @param h       the input height
 * @param w       the input width
 * @param cOut    the output channels
 * @param kh      the kernel height
 * @param kw      the kernel width
 * @param strideH the stride along the height
 * @param strideW the stride along the width
 * @param padH    the zero padding above and below
 * @param padW    the zero padding left and right
 * @param outH    the output height
 * @param outW    the output width
 */
public record ConvGeometry(int n, int cIn, int h, int w, int cOut, int kh, int kw,
                           int strideH, int strideW, int padH, int padW, int outH, int outW) {

    /**
     * The conv2d with input x [N, Cin, H, W], weight w [Cout, Cin, kh, kw] and output y [N, Cout, Ho, Wo].
     *
     * @param x the input
     * @param w the weight
     * @param p the stride and the padding
     * @param y the output (only its height and width are read)
     * @return the geometry
     */
    public static ConvGeometry of(Tensor x, Tensor w, ConvParams p, Tensor y) {
        return new ConvGeometry(x.dim(0), x.dim(1), x.dim(2), x.dim(3), w.dim(0), w.dim(2), w.dim(3),
                p.strideH(), p.strideW(), p.padH(), p.padW(), y.dim(2), y.dim(3));
    }

    /**
     * The convolution whose adjoint is a transposed conv, so that the transposed conv's passes reuse the
     * conv's with roles swapped. A transposed conv with input x [N, Cin, H, W] and weight
     * [Cin, Cout, kh, kw] is the adjoint of the conv whose input is its output y [N, Cout, Ho, Wo], whose
     * output is x, and whose weight is the same array read as [Cin (conv outputs), Cout (conv inputs),
     * kh, kw].
     *
     * @param x the transposed conv's input [N, Cin, H, W]
     * @param w its weight [Cin, Cout, kh, kw]
     * @param p its stride and padding
     * @param y its output [N, Cout, Ho, Wo]
     * @return the geometry of the convolution from y's shape to x's
     */
    public static ConvGeometry transposed(Tensor x, Tensor w, ConvParams p, Tensor y) {
        return new ConvGeometry(y.dim(0), w.dim(1), y.dim(2), y.dim(3), w.dim(0), w.dim(2), w.dim(3),
                p.strideH(), p.strideW(), p.padH(), p.padW(), x.dim(2), x.dim(3));
    }

    /**
     * cIn * kh * kw: the elements of one receptive field, which are the rows of the im2col matrix and
     * the inner dimension of the convolution's GEMM.
     *
     * @return the count
     */
    public long colRows() {
        return (long) cIn * kh * kw;
    }

    /**
     * outH * outW: output positions per image and channel, the columns of the im2col matrix.
     *
     * @return the count
     */
    public long positions() {
        return (long) outH * outW;
    }

    /**
     * Elements of one input image: cIn * h * w.
     *
     * @return the count
     */
    public long inputElements() {
        return (long) cIn * h * w;
    }

    /**
     * Elements of one output image: cOut * outH * outW.
     *
     * @return the count
     */
    public long outputElements() {
        return cOut * positions();
    }

    /**
     * A 1x1 stride-1 unpadded convolution: the input already is the im2col matrix, so it is one GEMM.
     *
     * @return whether the kernel is 1x1 with stride 1 and no padding
     */
    public boolean isPointwise() {
        return kh == 1 && kw == 1 && strideH == 1 && strideW == 1 && padH == 0 && padW == 0;
    }
}
