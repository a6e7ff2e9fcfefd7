package dev.pixelgrad.tensor;

import dev.pixelgrad.tensor.backend.Backend;
import java.util.StringJoiner;

/**
 * The tensor operations, without gradients. Each method checks its arguments (shapes, dtypes, one
 * device) and fails with a message naming the op and the shapes before any memory is touched, then
 * allocates the output on the inputs' device and hands the work to that device's {@link Backend}.
 *
 * <p>The autograd module builds differentiable functions from these forward and backward pieces.
 *
 * <p>Every tensor an op returns is new and lives on its inputs' device. Like every tensor, it belongs to the
 * {@link Scope} open on this thread, or, with none open, to the caller, who closes it. Float32 is the type of
 * every tensor argument that is not documented as int32; {@link #cast}, {@link #matmul}, the convolutions,
 * max pooling, the per-channel sum, argmax and the element-wise ops (add, bias, scale, relu, crop, dropout)
 * and all their gradients also take bfloat16, all operands of one type, and return that type (on CUDA; the
 * CPU backend computes float32 only). The loss and the optimizer updates take float32 only. The methods throw
 * {@link IllegalArgumentException} when their arguments do not fit together: a wrong dtype or rank, shapes
 * that disagree, tensors on different devices.
 */
public final class Ops {
    private Ops() {}

    // ================================================================== conversions

    /**
     * The values of {@code x} as {@code dtype}, between float32 and bfloat16: to bfloat16 rounds to nearest,
     * ties to even ({@link BFloat16#round}); to float32 is exact. Casting to the tensor's own type copies it.
     *
     * @param x     a float32 or bfloat16 tensor
     * @param dtype float32 or bfloat16
     * @return a new tensor of {@code dtype}, same shape and device
     * @throws IllegalArgumentException if either type is int32
     */
    public static Tensor cast(Tensor x, DType dtype) {
        if (!x.dtype().isFloating() || !dtype.isFloating()) {
            throw new IllegalArgumentException("cast: " + x.dtype() + " tensor " + x.shape() + " to " + dtype
                    + " (casts go between float32 and bfloat16)");
        }
        if (x.dtype() == dtype) {
            return x.copy();
        }
        Backend k = x.backend(); // casts take bfloat16 on every backend: they are the way in and out of it
        Tensor out = Tensor.empty(x.shape(), dtype, x.device());
        k.cast(x, out);
        return out;
    }

    // ================================================================== element-wise

    /**
     * a + b, same shape.
     *
     * @param a a float32 tensor
     * @param b a float32 tensor of the same shape
     * @return the element-wise sum
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor add(Tensor a, Tensor b) {
        requireSameShapeAndType("add", a, b);
        Backend k = backend("add", a, b);
        Tensor out = Tensor.empty(a.shape(), a.dtype(), a.device());
        k.add(a, b, out);
        return out;
    }

    /**
     * acc += b in place (gradient accumulation).
     *
     * @param acc the accumulator, overwritten with acc + b
     * @param b   a tensor of the same shape
     * @throws IllegalArgumentException if the shapes differ
     */
    public static void addInPlace(Tensor acc, Tensor b) {
        requireSameShapeAndType("add_", acc, b);
        backend("add_", acc, b).add(acc, b, acc);
    }

    /**
     * x [N, C, ...] + bias [C], broadcast over every other axis.
     *
     * @param x    the input [N, C, ...], rank 2 or more
     * @param bias one value per channel, [C]
     * @return x with bias[c] added to every element of channel c, of the shape of x
     * @throws IllegalArgumentException if {@code bias} is not [C]
     */
    public static Tensor addChannelBias(Tensor x, Tensor bias) {
        requireSameFloating("add", x, bias);
        if (x.rank() < 2 || bias.rank() != 1 || bias.dim(0) != x.dim(1)) {
            throw new IllegalArgumentException("add: bias " + bias.shape() + " does not broadcast over the channels of "
                    + x.shape() + " (expected a bias of shape [" + (x.rank() >= 2 ? x.dim(1) : "C") + "])");
        }
        Backend k = backend("add", x, bias);
        Tensor out = Tensor.empty(x.shape(), x.dtype(), x.device());
        k.addChannelBias(x, bias, out);
        return out;
    }

    /**
     * s * x.
     *
     * @param x the input
     * @param s the factor
     * @return the scaled copy, of the shape of x
     */
    public static Tensor scale(Tensor x, float s) {
        requireSameFloating("scale", x);
        Backend k = backend("scale", x);
        Tensor out = Tensor.empty(x.shape(), x.dtype(), x.device());
        k.scale(x, s, out);
        return out;
    }

    /**
     * The rectified linear unit, max(x, 0), element by element.
     *
     * @param x the input
     * @return the output, of the shape of x
     */
    public static Tensor relu(Tensor x) {
        requireSameFloating("relu", x);
        Backend k = backend("relu", x);
        Tensor out = Tensor.empty(x.shape(), x.dtype(), x.device());
        k.relu(x, out);
        return out;
    }

    /**
     * The relu gradient, from the upstream gradient and the relu output.
     *
     * @param gy the gradient of the loss with respect to the relu's output
     * @param y  the relu's output (same shape)
     * @return the gradient with respect to the relu's input: gy where y &gt; 0, else 0
     * @throws IllegalArgumentException if the shapes differ
     */
    public static Tensor reluBackward(Tensor gy, Tensor y) {
        requireSameShapeAndType("relu_backward", gy, y);
        Backend k = backend("relu_backward", gy, y);
        Tensor gx = Tensor.empty(y.shape(), y.dtype(), y.device());
        k.reluBackward(gy, y, gx);
        return gx;
    }

    /**
     * The relu gradient written over the upstream gradient: gy becomes gy where y &gt; 0, else 0. For a
     * caller that owns {@code gy} and needs it no more (the fused convolution's backward): no new tensor.
     *
     * @param gy the gradient of the loss with respect to the relu's output; overwritten with the gradient with
     *           respect to its input
     * @param y  the relu's output (same shape)
     * @throws IllegalArgumentException if the shapes differ
     */
    public static void reluBackwardInPlace(Tensor gy, Tensor y) {
        requireSameShapeAndType("relu_backward", gy, y);
        backend("relu_backward", gy, y).reluBackward(gy, y, gy);
    }

    /**
     * {@link #reluBackwardInPlace} and then {@link #sumPerChannel} of the result, in one pass where the
     * backend can: the backward pass of {@link #conv2dRelu} with a bias, up to the convolution's own
     * gradients.
     *
     * @param gy the gradient of the fused op's output [N, C, ...]; overwritten with the gradient of the
     *           convolution's output (gy where y &gt; 0, else 0)
     * @param y  the fused op's output (same shape)
     * @return the bias gradient [C], the per-channel sums of the masked gy, in gy's type
     * @throws IllegalArgumentException if the shapes differ or there is no channel axis
     */
    public static Tensor reluBackwardInPlaceSumPerChannel(Tensor gy, Tensor y) {
        requireSameShapeAndType("relu_backward", gy, y);
        requireChannelAxis(gy);
        Tensor out = Tensor.empty(Shape.of(gy.dim(1)), gy.dtype(), gy.device());
        backend("relu_backward", gy, y).reluBackwardSumPerChannel(gy, y, out);
        return out;
    }

    /**
     * The window [offH, offH + height) x [offW, offW + width) of the spatial axes of x [N, C, H, W], as
     * Caffe's crop layer in FCN (offsets measured from the top-left, not centred).
     *
     * @param x      the input [N, C, H, W]
     * @param offH   the first row of the window
     * @param offW   the first column of the window
     * @param height the rows of the window
     * @param width  the columns of the window
     * @return the window, [N, C, height, width]
     * @throws IllegalArgumentException if the window does not lie inside the input
     */
    public static Tensor crop(Tensor x, int offH, int offW, int height, int width) {
        requireSameFloating("crop", x);
        requireRank("crop", x, 4, "[N, C, H, W]");
        if (offH < 0 || offW < 0 || height < 0 || width < 0 || offH + height > x.dim(2) || offW + width > x.dim(3)) {
            throw new IllegalArgumentException("crop: window rows [" + offH + ", " + (offH + height) + ") x columns ["
                    + offW + ", " + (offW + width) + ") does not fit input " + x.shape());
        }
        Backend k = backend("crop", x);
        Tensor out = Tensor.empty(Shape.of(x.dim(0), x.dim(1), height, width), x.dtype(), x.device());
        k.crop(x, offH, offW, out);
        return out;
    }

    /**
     * The gradient of {@link #crop} with respect to its input: zero everywhere but the window, which holds
     * {@code gy}.
     *
     * @param gy         the gradient of the crop's output [N, C, h, w]
     * @param inputShape the shape of the crop's input [N, C, H, W]
     * @param offH       the row offset the crop used
     * @param offW       the column offset the crop used
     * @return the gradient, of shape {@code inputShape}
     * @throws IllegalArgumentException if the window does not lie inside {@code inputShape}
     */
    public static Tensor cropBackward(Tensor gy, Shape inputShape, int offH, int offW) {
        requireSameFloating("crop_backward", gy);
        requireRank("crop_backward", gy, 4, "[N, C, H, W]");
        if (inputShape.rank() != 4 || inputShape.dim(0) != gy.dim(0) || inputShape.dim(1) != gy.dim(1)
                || offH < 0 || offW < 0 || offH + gy.dim(2) > inputShape.dim(2) || offW + gy.dim(3) > inputShape.dim(3)) {
            throw new IllegalArgumentException("crop_backward: gradient " + gy.shape() + " at offset (" + offH + ", "
                    + offW + ") does not fit input " + inputShape);
        }
        Backend k = backend("crop_backward", gy);
        Tensor gx = Tensor.empty(inputShape, gy.dtype(), gy.device());
        k.cropBackward(gy, offH, offW, gx);
        return gx;
    }

    /**
     * Inverted dropout with drop probability {@code p}: each element is kept with probability 1 - p and
     * scaled by 1 / (1 - p). The mask is a pure function of (seed, element index), so calling this on
     * the upstream gradient with the same seed gives the backward pass.
     *
     * @param x    the input
     * @param p    the probability of dropping an element, in [0, 1)
     * @param seed the stream of {@link CounterRng} that decides the mask; the same seed gives the same mask
     *             on every device
     * @return the output, of the shape of x
     * @throws IllegalArgumentException if {@code p} is not in [0, 1)
     */
    public static Tensor dropout(Tensor x, float p, long seed) {
        requireSameFloating("dropout", x);
        if (!(p >= 0f && p < 1f)) {
            throw new IllegalArgumentException("dropout: probability must be in [0, 1), got " + p);
        }
        Backend k = backend("dropout", x);
        Tensor out = Tensor.empty(x.shape(), x.dtype(), x.device());
        k.dropout(x, p, seed, out);
        return out;
    }

    // ================================================================== reductions

    /**
     * The sum of all elements, as a scalar tensor.
     *
     * @param x the input, of any shape
     * @return a float32 scalar (rank 0)
     */
    public static Tensor sum(Tensor x) {
        requireFloat("sum", x);
        Backend k = backend("sum", x);
        Tensor out = Tensor.empty(Shape.scalar(), DType.FLOAT32, x.device());
        k.sum(x, out);
        return out;
    }

    /**
     * The mean of all elements, as a scalar tensor.
     *
     * @param x the input, of any non-empty shape
     * @return a float32 scalar (rank 0)
     * @throws IllegalArgumentException if {@code x} has no elements
     */
    public static Tensor mean(Tensor x) {
        if (x.numel() == 0) {
            throw new IllegalArgumentException("mean: input " + x.shape() + " is empty");
        }
        try (Tensor s = sum(x)) {
            return scale(s, (float) (1.0 / x.numel()));
        }
    }

    /**
     * x [N, C, ...] summed over every axis but the channel axis: [C]. The gradient of a bias.
     *
     * @param x the input [N, C, ...], rank 2 or more
     * @return the per-channel sums, [C], of x's type (bfloat16: each sum rounded once)
     * @throws IllegalArgumentException if {@code x} has rank below 2
     */
    public static Tensor sumPerChannel(Tensor x) {
        requireSameFloating("sum_per_channel", x);
        requireChannelAxis(x);
        Backend k = backend("sum_per_channel", x);
        Tensor out = Tensor.empty(Shape.of(x.dim(1)), x.dtype(), x.device());
        k.sumPerChannel(x, out);
        return out;
    }

    /** A per-channel sum needs an axis 1, the channels. */
    private static void requireChannelAxis(Tensor x) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("sum_per_channel: input " + x.shape() + " has no channel axis");
        }
    }

    /**
     * A tensor of {@code shape} filled with scale * scalar (the backward pass of sum and mean).
     *
     * @param scalar a one-element tensor
     * @param scale  the factor applied to its value
     * @param shape  the shape of the result
     * @return a float32 tensor of {@code shape} on the scalar's device
     * @throws IllegalArgumentException if {@code scalar} has more or fewer than one element
     */
    public static Tensor broadcastScalar(Tensor scalar, float scale, Shape shape) {
        requireFloat("broadcast", scalar);
        if (scalar.numel() != 1) {
            throw new IllegalArgumentException("broadcast: expected a one-element tensor, got " + scalar.shape());
        }
        Backend k = backend("broadcast", scalar);
        Tensor out = Tensor.empty(shape, DType.FLOAT32, scalar.device());
        k.broadcastScalar(scalar, scale, out);
        return out;
    }

    /**
     * The index of the largest channel of x [N, C, ...] at each position: int32 [N, ...].
     *
     * <p>For logits, that is the predicted class of each pixel. On ties the first (lowest) channel wins.
     *
     * @param x the scores [N, C, ...], with C at least 1
     * @return the channel indices, int32 [N, ...]
     * @throws IllegalArgumentException if {@code x} has rank below 2 or no channels
     */
    public static Tensor argmax(Tensor x) {
        requireSameFloating("argmax", x);
        if (x.rank() < 2 || x.dim(1) == 0) {
            throw new IllegalArgumentException("argmax: input " + x.shape() + " needs a non-empty channel axis 1");
        }
        int[] dims = x.shape().dims();
        int[] outDims = new int[dims.length - 1];
        outDims[0] = dims[0];
        System.arraycopy(dims, 2, outDims, 1, dims.length - 2);
        Backend k = backend("argmax", x);
        Tensor out = Tensor.empty(Shape.of(outDims), DType.INT32, x.device());
        k.argmaxChannels(x, out);
        return out;
    }

    // ================================================================== convolution

    /**
     * 2-D convolution: x [N, Cin, H, W], w [Cout, Cin, kh, kw], optional bias [Cout].
     *
     * <p>Cross-correlation, as in Caffe and PyTorch: out[n, o, i, j] = bias[o] + the sum over c, u and v of
     * x[n, c, i * strideH - padH + u, j * strideW - padW + v] * w[o, c, u, v], zero outside the input.
     *
     * @param x    the input [N, Cin, H, W]
     * @param w    the weight [Cout, Cin, kh, kw]
     * @param bias the bias [Cout], or null for none
     * @param p    the stride and the zero padding
     * @return the output [N, Cout, Ho, Wo], Ho = {@link ConvParams#convOutH p.convOutH(H, kh)} and Wo
     *         likewise
     * @throws IllegalArgumentException if the channels or the bias do not match the weight, or the output
     *                                  would be empty
     */
    public static Tensor conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        Shape outShape = conv2dOutputShape(x, w, bias, p);
        Backend k = bias == null ? backend("conv2d", x, w) : backend("conv2d", x, w, bias);
        Tensor out = Tensor.empty(outShape, x.dtype(), x.device());
        k.conv2d(x, w, bias, p, out);
        return out;
    }

    /**
     * {@link #relu relu}({@link #conv2d conv2d}(x, w, bias, p)) as one op: the output is written once,
     * already rectified, and no tensor holds the convolution before its relu. The values are those of the
     * two ops (bit for bit on the CPU; on bfloat16 each value is rounded once after the bias, as there).
     * Every convolution of VGG16 is followed by a relu.
     *
     * @param x    the input [N, Cin, H, W]
     * @param w    the weight [Cout, Cin, kh, kw]
     * @param bias the bias [Cout], or null for none
     * @param p    the stride and the zero padding
     * @return max(conv2d(x, w, bias, p), 0), [N, Cout, Ho, Wo]
     * @throws IllegalArgumentException as {@link #conv2d}, the message naming conv2d_relu
     */
    public static Tensor conv2dRelu(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        Shape outShape = convOutputShape("conv2d_relu", x, w, bias, p, false);
        Backend k = bias == null ? backend("conv2d_relu", x, w) : backend("conv2d_relu", x, w, bias);
        Tensor out = Tensor.empty(outShape, x.dtype(), x.device());
        k.conv2dRelu(x, w, bias, p, out);
        return out;
    }

    /**
     * The gradient of {@link #conv2d} with respect to its input. The input shape is passed because with a
     * stride above 1 several input sizes give the same output size.
     *
     * @param gy         the gradient of the output [N, Cout, Ho, Wo]
     * @param w          the forward pass's weight [Cout, Cin, kh, kw]
     * @param inputShape the forward pass's input shape [N, Cin, H, W]
     * @param p          the forward pass's stride and padding
     * @return the gradient of the input, of shape {@code inputShape}
     * @throws IllegalArgumentException if {@code gy} is not the output shape of that forward pass
     */
    public static Tensor conv2dBackwardData(Tensor gy, Tensor w, Shape inputShape, ConvParams p) {
        checkConvBackward("conv2d_backward_data", gy, w, inputShape, w.shape(), p, false);
        Backend k = backend("conv2d_backward_data", gy, w);
        Tensor gx = Tensor.empty(inputShape, gy.dtype(), gy.device());
        k.conv2dBackwardData(gy, w, p, gx);
        return gx;
    }

    /**
     * The gradient of {@link #conv2d} with respect to its weight, summed over the batch. (The bias gradient
     * is {@link #sumPerChannel sumPerChannel(gy)}.)
     *
     * @param gy          the gradient of the output [N, Cout, Ho, Wo]
     * @param x           the forward pass's input [N, Cin, H, W]
     * @param weightShape the weight's shape [Cout, Cin, kh, kw]
     * @param p           the forward pass's stride and padding
     * @return the gradient of the weight, of shape {@code weightShape}
     * @throws IllegalArgumentException if {@code gy} is not the output shape of that forward pass
     */
    public static Tensor conv2dBackwardWeight(Tensor gy, Tensor x, Shape weightShape, ConvParams p) {
        checkConvBackward("conv2d_backward_weight", gy, x, x.shape(), weightShape, p, false);
        Backend k = backend("conv2d_backward_weight", gy, x);
        Tensor gw = Tensor.empty(weightShape, gy.dtype(), gy.device());
        k.conv2dBackwardWeight(gy, x, p, gw);
        return gw;
    }

    /**
     * 2-D transposed convolution: x [N, Cin, H, W], w [Cin, Cout, kh, kw], optional bias [Cout].
     *
     * <p>The gradient of {@link #conv2d} with respect to its input, used as a layer: each input pixel adds
     * the kernel, scaled by its value, into a kh x kw window of the output, windows {@code stride} apart.
     * With stride s it upsamples by s, as FCN's score upsampling does.
     *
     * @param x    the input [N, Cin, H, W]
     * @param w    the weight [Cin, Cout, kh, kw] (PyTorch's layout)
     * @param bias the bias [Cout], or null for none
     * @param p    the stride and the padding (rows and columns cut from each side of the output)
     * @return the output [N, Cout, Ho, Wo], Ho = (H - 1) * strideH - 2 * padH + kh and Wo likewise
     * @throws IllegalArgumentException if the channels or the bias do not match the weight, or the output
     *                                  would be empty
     */
    public static Tensor convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        Shape outShape = convTranspose2dOutputShape(x, w, bias, p);
        Backend k = bias == null ? backend("conv_transpose2d", x, w) : backend("conv_transpose2d", x, w, bias);
        Tensor out = Tensor.empty(outShape, x.dtype(), x.device());
        k.convTranspose2d(x, w, bias, p, out);
        return out;
    }

    /**
     * The gradient of {@link #convTranspose2d} with respect to its input: a convolution of {@code gy} with
     * the same weight.
     *
     * @param gy         the gradient of the output [N, Cout, Ho, Wo]
     * @param w          the forward pass's weight [Cin, Cout, kh, kw]
     * @param inputShape the forward pass's input shape [N, Cin, H, W]
     * @param p          the forward pass's stride and padding
     * @return the gradient of the input, of shape {@code inputShape}
     * @throws IllegalArgumentException if {@code gy} is not the output shape of that forward pass
     */
    public static Tensor convTranspose2dBackwardData(Tensor gy, Tensor w, Shape inputShape, ConvParams p) {
        checkConvBackward("conv_transpose2d_backward_data", gy, w, inputShape, w.shape(), p, true);
        Backend k = backend("conv_transpose2d_backward_data", gy, w);
        Tensor gx = Tensor.empty(inputShape, gy.dtype(), gy.device());
        k.convTranspose2dBackwardData(gy, w, p, gx);
        return gx;
    }

    /**
     * The gradient of {@link #convTranspose2d} with respect to its weight, summed over the batch.
     *
     * @param gy          the gradient of the output [N, Cout, Ho, Wo]
     * @param x           the forward pass's input [N, Cin, H, W]
     * @param weightShape the weight's shape [Cin, Cout, kh, kw]
     * @param p           the forward pass's stride and padding
     * @return the gradient of the weight, of shape {@code weightShape}
     * @throws IllegalArgumentException if {@code gy} is not the output shape of that forward pass
     */
    public static Tensor convTranspose2dBackwardWeight(Tensor gy, Tensor x, Shape weightShape, ConvParams p) {
        checkConvBackward("conv_transpose2d_backward_weight", gy, x, x.shape(), weightShape, p, true);
        Backend k = backend("conv_transpose2d_backward_weight", gy, x);
        Tensor gw = Tensor.empty(weightShape, gy.dtype(), gy.device());
        k.convTranspose2dBackwardWeight(gy, x, p, gw);
        return gw;
    }

    /**
     * The output shape of {@link #conv2d}, after checking every argument.
     *
     * @param x    the input [N, Cin, H, W]
     * @param w    the weight [Cout, Cin, kh, kw]
     * @param bias the bias [Cout], or null
     * @param p    the stride and the padding
     * @return the output shape [N, Cout, Ho, Wo]
     * @throws IllegalArgumentException as {@link #conv2d} would
     */
    public static Shape conv2dOutputShape(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        return convOutputShape("conv2d", x, w, bias, p, false);
    }

    /**
     * The output shape of {@link #convTranspose2d}, after checking every argument.
     *
     * @param x    the input [N, Cin, H, W]
     * @param w    the weight [Cin, Cout, kh, kw]
     * @param bias the bias [Cout], or null
     * @param p    the stride and the padding
     * @return the output shape [N, Cout, Ho, Wo]
     * @throws IllegalArgumentException as {@link #convTranspose2d} would
     */
    public static Shape convTranspose2dOutputShape(Tensor x, Tensor w, Tensor bias, ConvParams p) {
        return convOutputShape("conv_transpose2d", x, w, bias, p, true);
    }

    /**
     * Checks a (transposed) convolution's arguments and returns its output shape. A conv weight is
     * [Cout, Cin, kh, kw]; a transposed conv weight is [Cin, Cout, kh, kw].
     */
    private static Shape convOutputShape(String op, Tensor x, Tensor w, Tensor bias, ConvParams p, boolean transposed) {
        if (bias == null) {
            requireSameFloating(op, x, w);
        } else {
            requireSameFloating(op, x, w, bias);
        }
        requireRank(op, x, 4, "[N, C, H, W]");
        if (w.rank() != 4) {
            throw new IllegalArgumentException(op + ": weight " + w.shape() + " must have rank 4");
        }
        int inChannels = transposed ? w.dim(0) : w.dim(1);
        int outChannels = transposed ? w.dim(1) : w.dim(0);
        if (x.dim(1) != inChannels) {
            throw new IllegalArgumentException(op + ": input " + x.shape() + " has " + x.dim(1)
                    + " channels but weight " + w.shape() + " expects " + inChannels);
        }
        if (bias != null) {
            if (bias.rank() != 1 || bias.dim(0) != outChannels) {
                throw new IllegalArgumentException(op + ": bias " + bias.shape() + " does not match the "
                        + outChannels + " output channels of weight " + w.shape());
            }
        }
        int ho = transposed ? p.transposedOutH(x.dim(2), w.dim(2)) : p.convOutH(x.dim(2), w.dim(2));
        int wo = transposed ? p.transposedOutW(x.dim(3), w.dim(3)) : p.convOutW(x.dim(3), w.dim(3));
        if (ho < 1 || wo < 1) {
            throw new IllegalArgumentException(op + ": input " + x.shape() + (transposed ? " with kernel " : " is smaller than kernel ")
                    + w.shape() + " and " + p + " leaves no output (" + ho + "x" + wo + ")");
        }
        return Shape.of(x.dim(0), outChannels, ho, wo);
    }

    /**
     * Checks that gy is of the other operand's type ({@code operand}: the weight, or the input) and exactly the
     * output shape the forward op gives for this input and weight.
     */
    private static void checkConvBackward(String op, Tensor gy, Tensor operand, Shape in, Shape w, ConvParams p,
                                          boolean transposed) {
        requireSameFloating(op, gy, operand);
        if (in.rank() != 4 || w.rank() != 4 || gy.rank() != 4) {
            throw new IllegalArgumentException(op + ": expected rank-4 shapes, got gradient " + gy.shape()
                    + ", input " + in + ", weight " + w);
        }
        int inChannels = transposed ? w.dim(0) : w.dim(1);
        int outChannels = transposed ? w.dim(1) : w.dim(0);
        int ho = transposed ? p.transposedOutH(in.dim(2), w.dim(2)) : p.convOutH(in.dim(2), w.dim(2));
        int wo = transposed ? p.transposedOutW(in.dim(3), w.dim(3)) : p.convOutW(in.dim(3), w.dim(3));
        Shape expected = Shape.of(in.dim(0), outChannels, ho, wo);
        if (in.dim(1) != inChannels || !gy.shape().equals(expected)) {
            throw new IllegalArgumentException(op + ": gradient " + gy.shape() + " does not match input " + in
                    + " and weight " + w + " with " + p + " (expected gradient " + expected + ")");
        }
    }

    // ================================================================== pooling

    /**
     * The output and the argmax indices of a max pooling; the indices feed {@link #maxPool2dBackward}.
     *
     * <p>Both tensors are new; their owner (the open scope, or the caller) closes both.
     *
     * @param output  the maxima [N, C, Ho, Wo], of the input's type
     * @param indices int32 [N, C, Ho, Wo]: where each maximum was, as h * W + w in its own input plane (a
     *                backend whose library finds the winners again in the backward pass, cuDNN, may leave
     *                them unset)
     */
    public record Pooled(Tensor output, Tensor indices) {}

    /**
     * 2-D max pooling: the largest value of each window of each channel.
     *
     * @param x the input [N, C, H, W]
     * @param p the window, stride, padding and rounding
     * @return the output [N, C, Ho, Wo], Ho = {@link PoolParams#outH p.outH(H)} and Wo = p.outW(W), and the
     *         position of each maximum
     * @throws IllegalArgumentException if {@code x} is not rank 4, or the output would be empty
     */
    public static Pooled maxPool2d(Tensor x, PoolParams p) {
        requireSameFloating("max_pool2d", x);
        requireRank("max_pool2d", x, 4, "[N, C, H, W]");
        int ho = p.outH(x.dim(2));
        int wo = p.outW(x.dim(3));
        if (ho < 1 || wo < 1) {
            throw new IllegalArgumentException("max_pool2d: input " + x.shape() + " is too small for " + p
                    + " (output would be " + ho + "x" + wo + ")");
        }
        Backend k = backend("max_pool2d", x);
        Shape outShape = Shape.of(x.dim(0), x.dim(1), ho, wo);
        Tensor out = Tensor.empty(outShape, x.dtype(), x.device());
        Tensor idx = Tensor.empty(outShape, DType.INT32, x.device());
        k.maxPool2d(x, p, out, idx);
        return new Pooled(out, idx);
    }

    /**
     * The gradient of {@link #maxPool2d} with respect to x, from the forward pass's input, output and
     * indices.
     *
     * @param gy      the gradient of the output [N, C, Ho, Wo]
     * @param x       the forward pass's input [N, C, H, W]
     * @param forward what {@link #maxPool2d} returned for {@code x}
     * @param p       the forward pass's parameters
     * @return the gradient of the input, [N, C, H, W]: each output gradient added at the position that won
     *         its window, zero elsewhere
     * @throws IllegalArgumentException if the shapes do not belong to one pooling of {@code x} with {@code p}
     */
    public static Tensor maxPool2dBackward(Tensor gy, Tensor x, Pooled forward, PoolParams p) {
        Tensor y = forward.output();
        requireSameFloating("max_pool2d_backward", gy, x, y);
        Tensor indices = forward.indices();
        if (indices.dtype() != DType.INT32 || !indices.shape().equals(gy.shape()) || !y.shape().equals(gy.shape())
                || x.rank() != 4 || gy.rank() != 4 || gy.dim(0) != x.dim(0) || gy.dim(1) != x.dim(1)
                || gy.dim(2) != p.outH(x.dim(2)) || gy.dim(3) != p.outW(x.dim(3))) {
            throw new IllegalArgumentException("max_pool2d_backward: gradient " + gy.shape() + ", output " + y.shape()
                    + ", indices " + indices.shape() + " " + indices.dtype() + " and input " + x.shape() + " with " + p
                    + " do not fit together");
        }
        Backend k = backend("max_pool2d_backward", gy, x, y, indices);
        Tensor gx = Tensor.empty(x.shape(), gy.dtype(), gy.device());
        k.maxPool2dBackward(gy, x, y, indices, p, gx);
        return gx;
    }

    // ================================================================== loss

    /**
     * The loss (a scalar) and, when asked for, its gradient with respect to the logits.
     *
     * @param loss       the loss, a float32 scalar (rank 0)
     * @param gradLogits the gradient of the loss with respect to the logits, of their shape, or null when it
     *                   was not asked for
     */
    public record LossAndGrad(Tensor loss, Tensor gradLogits) {}

    /**
     * Softmax cross-entropy over the channel axis: logits [N, C, ...] float32, labels [N, ...] int32.
     * Pixels labelled {@code ignoreIndex} count for nothing.
     *
     * <p>For a counted pixel with logits z and label t the loss is log(sum over c of exp(z_c)) - z_t; its
     * gradient is softmax(z) - onehot(t), divided by the number of counted pixels for {@link Reduction#MEAN}.
     *
     * @param logits      the unnormalised class scores [N, C, ...]
     * @param labels      the class of each pixel, int32 [N, ...]: in [0, C), or {@code ignoreIndex}
     * @param ignoreIndex the label of pixels that count for nothing (255 marks the borders in VOC)
     * @param reduction   how the per-pixel losses become one number
     * @param withGrad    whether to compute the gradient too, in the same pass
     * @return the loss and, when asked for, its gradient; the caller (or the open scope) closes both
     * @throws IllegalArgumentException if the shapes do not match, the labels are not int32, or a label is
     *                                  outside [0, C) and not {@code ignoreIndex}
     */
    public static LossAndGrad softmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex, Reduction reduction,
                                                  boolean withGrad) {
        return softmaxCrossEntropy(logits, labels, null, ignoreIndex, reduction, withGrad);
    }

    /**
     * Softmax cross-entropy with a weight per class, for unbalanced data: PyTorch's
     * {@code cross_entropy(logits, labels, weight=classWeights, ignore_index=ignoreIndex)}. A counted pixel
     * of class t adds w[t] times its loss (and its gradient); {@link Reduction#MEAN} divides by the sum of
     * w[t] over the counted pixels rather than by their number. Without weights (null) this is exactly
     * {@link #softmaxCrossEntropy(Tensor, Tensor, int, Reduction, boolean)}. A mean over no counted pixel
     * is 0, as there; a mean whose counted pixels all have weight 0 is an error (PyTorch's 0/0 = NaN).
     *
     * @param logits       the unnormalised class scores [N, C, ...]
     * @param labels       the class of each pixel, int32 [N, ...]: in [0, C), or {@code ignoreIndex}
     * @param classWeights the weight of each class, float32 [C] on the logits' device, each finite and
     *                     at least 0; or null for no weights
     * @param ignoreIndex  the label of pixels that count for nothing (255 marks the borders in VOC)
     * @param reduction    how the per-pixel losses become one number
     * @param withGrad     whether to compute the gradient too, in the same pass
     * @return the loss and, when asked for, its gradient; the caller (or the open scope) closes both
     * @throws IllegalArgumentException if the shapes do not match, the labels are not int32, a label is
     *                                  outside [0, C) and not {@code ignoreIndex}, the weights are not C
     *                                  float32 values or one is negative, NaN or infinite, or the mean's
     *                                  counted pixels all have weight 0
     */
    public static LossAndGrad softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor classWeights, int ignoreIndex,
                                                  Reduction reduction, boolean withGrad) {
        String op = "softmax_cross_entropy";
        requireFloat(op, logits);
        if (labels.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": labels must be int32, got " + labels.dtype());
        }
        boolean fits = logits.rank() >= 2 && labels.rank() == logits.rank() - 1 && labels.dim(0) == logits.dim(0);
        for (int i = 1; fits && i < labels.rank(); i++) {
            fits = labels.dim(i) == logits.dim(i + 1);
        }
        if (!fits || logits.dim(1) == 0) {
            throw new IllegalArgumentException(op + ": logits " + logits.shape() + " and labels " + labels.shape()
                    + " do not match (expected logits [N, C, ...] and labels [N, ...])");
        }
        Backend k;
        if (classWeights == null) {
            k = backend(op, logits, labels);
        } else {
            k = backend(op, logits, labels, classWeights);
            checkClassWeights(op, classWeights, logits);
        }
        Tensor loss = Tensor.empty(Shape.scalar(), DType.FLOAT32, logits.device());
        Tensor grad = withGrad ? Tensor.empty(logits.shape(), DType.FLOAT32, logits.device()) : null;
        try {
            k.softmaxCrossEntropy(logits, labels, classWeights, ignoreIndex, reduction, loss, grad);
        } catch (RuntimeException e) {
            loss.close();
            if (grad != null) {
                grad.close();
            }
            throw e;
        }
        return new LossAndGrad(loss, grad);
    }

    /** One finite, non-negative float32 weight per class of the logits (values are not read on meta tensors). */
    private static void checkClassWeights(String op, Tensor w, Tensor logits) {
        if (w.dtype() != DType.FLOAT32 || w.rank() != 1 || w.dim(0) != logits.dim(1)) {
            throw new IllegalArgumentException(op + ": class weights must be float32 [" + logits.dim(1) + "], one per class of "
                    + "logits " + logits.shape() + "; got " + w.dtype() + " " + w.shape());
        }
        if (w.device().isMeta()) {
            return;
        }
        float[] v = w.toFloatArray();
        for (int c = 0; c < v.length; c++) {
            if (!(v[c] >= 0) || Float.isInfinite(v[c])) {
                throw new IllegalArgumentException(op + ": the weight of class " + c + " is " + v[c]
                        + "; class weights must be finite and >= 0");
            }
        }
    }

    // ================================================================== matmul

    /**
     * op(a) @ op(b) for 2-D a and b, where op transposes when asked.
     *
     * <p>Both operands float32, or both bfloat16 (on CUDA, as PyTorch's bfloat16 matmul: products and sums in
     * float32, the result rounded once to bfloat16; the CPU backend computes float32 only).
     *
     * @param a      the left operand: [M, K], or [K, M] when {@code transA}
     * @param transA whether to use the transpose of {@code a}
     * @param b      the right operand: [K, N], or [N, K] when {@code transB}
     * @param transB whether to use the transpose of {@code b}
     * @return the product [M, N], of the operands' type
     * @throws IllegalArgumentException if an operand is not 2-D, the inner sizes differ, or the types differ
     */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        requireSameFloating("matmul", a, b);
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("matmul: expected 2-D operands, got " + a.shape() + " and " + b.shape());
        }
        int m = transA ? a.dim(1) : a.dim(0);
        int ka = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (ka != kb) {
            throw new IllegalArgumentException("matmul: shapes " + a.shape() + (transA ? "^T" : "") + " and "
                    + b.shape() + (transB ? "^T" : "") + " do not chain (" + ka + " != " + kb + ")");
        }
        Backend k = backend("matmul", a, b);
        Tensor out = Tensor.empty(Shape.of(m, n), a.dtype(), a.device());
        k.matmul(a, transA, b, transB, out);
        return out;
    }

    /**
     * The matrix product of 2-D {@code a} and {@code b}.
     *
     * @param a the left operand [M, K]
     * @param b the right operand [K, N]
     * @return the product [M, N]
     * @throws IllegalArgumentException if an operand is not 2-D or the inner sizes differ
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, false, b, false);
    }

    // ================================================================== optimizers and metrics

    /**
     * In place: v = momentum v + lr (g + weightDecay w); w -= v (Caffe's SGD).
     *
     * @param w           the weights, updated in place
     * @param g           their gradient
     * @param v           the velocity (the same shape, zero at the start), updated in place
     * @param lr          the learning rate
     * @param momentum    the fraction of the last update kept
     * @param weightDecay the L2 penalty's coefficient
     * @throws IllegalArgumentException if the shapes differ
     */
    public static void sgdStep(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay) {
        requireSameShape("sgd_step", w, g);
        requireSameShape("sgd_step", w, v);
        backend("sgd_step", w, g, v).sgdStep(w, g, v, lr, momentum, weightDecay);
    }

    /**
     * In place, PyTorch's Adam with L2 weight decay; {@code step} counts from 1.
     *
     * @param w           the weights, updated in place
     * @param g           their gradient
     * @param m           the first moment estimate (zero at the start), updated in place
     * @param v           the second moment estimate (zero at the start), updated in place
     * @param lr          the learning rate
     * @param beta1       the decay rate of {@code m}
     * @param beta2       the decay rate of {@code v}
     * @param eps         added to the denominator, against division by zero
     * @param weightDecay the L2 penalty's coefficient, added to the gradient as weightDecay * w
     * @param step        the number of this step, from 1, for the bias corrections
     * @throws IllegalArgumentException if the shapes differ or {@code step} is below 1
     */
    public static void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                float eps, float weightDecay, long step) {
        requireSameShape("adam_step", w, g);
        requireSameShape("adam_step", w, m);
        requireSameShape("adam_step", w, v);
        if (step < 1) {
            throw new IllegalArgumentException("adam_step: step counts from 1, got " + step);
        }
        backend("adam_step", w, g, m, v).adamStep(w, g, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }

    /**
     * Adds per-pixel counts at (label, prediction) to the int32 [C, C] {@code counts}; predictions and
     * labels are int32 of one shape, and pixels labelled {@code ignoreIndex} are skipped.
     *
     * @param predictions the predicted class of each pixel, int32, each in [0, C)
     * @param labels      the true class of each pixel, int32 of the same shape, in [0, C) or
     *                    {@code ignoreIndex}
     * @param ignoreIndex the label of pixels to skip
     * @param counts      the matrix, int32 [C, C], row = true class and column = predicted class; added to
     * @throws IllegalArgumentException if a tensor is not int32, the shapes do not fit, or a label or a
     *                                  prediction is outside [0, C) (and the label not ignored)
     */
    public static void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts) {
        String op = "confusion_matrix";
        if (predictions.dtype() != DType.INT32 || labels.dtype() != DType.INT32 || counts.dtype() != DType.INT32) {
            throw new IllegalArgumentException(op + ": predictions, labels and counts must be int32");
        }
        if (!predictions.shape().equals(labels.shape())) {
            throw new IllegalArgumentException(op + ": predictions " + predictions.shape() + " and labels "
                    + labels.shape() + " differ");
        }
        if (counts.rank() != 2 || counts.dim(0) != counts.dim(1)) {
            throw new IllegalArgumentException(op + ": counts " + counts.shape() + " must be [C, C]");
        }
        backend(op, predictions, labels, counts).confusionMatrix(predictions, labels, ignoreIndex, counts);
    }

    // ================================================================== checks

    /**
     * The backend of the op's tensors, after checking that they share one device and that the backend
     * computes on their types (bfloat16: only where {@link Backend#computesBfloat16} says so).
     */
    private static Backend backend(String op, Tensor first, Tensor... rest) {
        Device d = first.device();
        for (Tensor t : rest) {
            if (!t.device().equals(d)) {
                throw new IllegalArgumentException(op + ": tensors on different devices (" + d + " and " + t.device() + ")");
            }
        }
        Backend k = first.backend();
        if (!k.computesBfloat16()) {
            requireNoBfloat16(op, k, first);
            for (Tensor t : rest) {
                requireNoBfloat16(op, k, t);
            }
        }
        return k;
    }

    private static void requireNoBfloat16(String op, Backend k, Tensor t) {
        if (t.dtype() == DType.BFLOAT16) {
            throw new UnsupportedOperationException(op + ": the " + k.name() + " backend computes float32 only, not "
                    + t.dtype() + " (Ops.cast to float32 first)");
        }
    }

    private static void requireSameShape(String op, Tensor a, Tensor b) {
        requireFloat(op, a, b);
        requireShapesEqual(op, a, b);
    }

    private static void requireSameShapeAndType(String op, Tensor a, Tensor b) {
        requireSameFloating(op, a, b);
        requireShapesEqual(op, a, b);
    }

    private static void requireShapesEqual(String op, Tensor a, Tensor b) {
        if (!a.shape().equals(b.shape())) {
            throw new IllegalArgumentException(op + ": shapes " + a.shape() + " and " + b.shape() + " differ");
        }
    }

    /** Float32 or bfloat16 (the types of the ops that take both), all of the first tensor's type. */
    private static void requireSameFloating(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (!t.dtype().isFloating() || t.dtype() != ts[0].dtype()) {
                StringJoiner got = new StringJoiner(" and ");
                for (Tensor u : ts) {
                    got.add(u.dtype() + " " + u.shape());
                }
                throw new IllegalArgumentException(op + ": " + got + (ts.length > 1
                        ? " (float32 or bfloat16, all of one type)" : " (float32 or bfloat16)"));
            }
        }
    }

    private static void requireFloat(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t.dtype() != DType.FLOAT32) {
                throw new IllegalArgumentException(op + ": expected float32, got " + t.dtype() + " tensor " + t.shape());
            }
        }
    }

    private static void requireRank(String op, Tensor t, int rank, String layout) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(op + ": input " + t.shape() + " must have rank " + rank + " " + layout);
        }
    }
}
