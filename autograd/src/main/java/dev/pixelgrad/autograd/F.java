package dev.pixelgrad.autograd;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;

/**
 * Differentiable functions. Each one computes its forward pass with {@link Ops} and records, right
 * beside it, how to turn the output gradient into input gradients (the chain rule for that op). Each
 * also reports itself, with its settings, to an open {@link Trace}.
 *
 * <p>Every function returns a new variable whose value belongs to the {@link dev.pixelgrad.tensor.Scope} open
 * on this thread (or to the caller). It records the op for {@link Variable#backward()} only when
 * {@link GradMode} is on and some input requires grad. Shapes, dtypes and devices are checked as in
 * {@link Ops}, with the same {@link IllegalArgumentException}s.
 */
public final class F {
    private F() {}

    // ------------------------------------------------------------------ convolution

    /**
     * y = conv2d(x, w) + b; x [N, Cin, H, W], w [Cout, Cin, kh, kw], b [Cout] or null.
     *
     * @param x the input
     * @param w the weight
     * @param b the bias, or null for none
     * @param p the stride and the padding
     * @return y [N, Cout, Ho, Wo], as {@link Ops#conv2d}; bfloat16 under {@link Precision#BF16} on a GPU, where
     *         float32 operands are cast first
     */
    public static Variable conv2d(Variable x, Variable w, Variable b, ConvParams p) {
        return conv2d(x, w, b, p, false);
    }

    /**
     * y = relu(conv2d(x, w) + b) as one op ({@link Ops#conv2dRelu}): the same values and gradients as
     * {@link #relu relu}({@link #conv2d conv2d}(x, w, b, p)), with one pass fewer over the output each way
     * and no tensor kept for the convolution before its relu (the relu's gradient needs only y). The
     * backward pass masks the output's gradient in place, then runs the convolution's gradients on it.
     *
     * @param x the input [N, Cin, H, W]
     * @param w the weight [Cout, Cin, kh, kw]
     * @param b the bias [Cout], or null for none
     * @param p the stride and the padding
     * @return y [N, Cout, Ho, Wo], as {@link #conv2d}; bfloat16 under {@link Precision#BF16} on a GPU
     */
    public static Variable conv2dRelu(Variable x, Variable w, Variable b, ConvParams p) {
        return conv2d(x, w, b, p, true);
    }

    private static Variable conv2d(Variable x, Variable w, Variable b, ConvParams p, boolean relu) {
        boolean bf16 = Autocast.applies(x);
        Variable xs = bf16 ? Autocast.bf16(x) : x;
        Variable ws = bf16 ? Autocast.bf16(w) : w;
        Variable bs = bf16 ? Autocast.bf16(b) : b;
        Tensor bias = bs == null ? null : bs.data();
        Tensor y = relu ? Ops.conv2dRelu(xs.data(), ws.data(), bias, p) : Ops.conv2d(xs.data(), ws.data(), bias, p);
        return Variable.fromOp(relu ? "conv2d_relu" : "conv2d", p, y, new Variable[] {xs, ws, bs}, (gy, needs) -> {
            // Under relu, gy (this node's own, Node.Backward) is masked in place, with the bias gradient in the
            // same pass where one is needed.
            Tensor gb = null;
            if (relu && needs[2]) {
                gb = Ops.reluBackwardInPlaceSumPerChannel(gy, y);
            } else if (relu) {
                Ops.reluBackwardInPlace(gy, y);
            } else if (needs[2]) {
                gb = Ops.sumPerChannel(gy);
            }
            return new Tensor[] {
                needs[0] ? Ops.conv2dBackwardData(gy, ws.data(), xs.shape(), p) : null,
                needs[1] ? Ops.conv2dBackwardWeight(gy, xs.data(), ws.shape(), p) : null,
                gb,
            };
        });
    }

    /**
     * y = conv_transpose2d(x, w) + b; x [N, Cin, H, W], w [Cin, Cout, kh, kw], b [Cout] or null.
     *
     * @param x the input
     * @param w the weight
     * @param b the bias, or null for none
     * @param p the stride (the upsampling factor) and the padding
     * @return y [N, Cout, Ho, Wo], Ho = (H - 1) * strideH - 2 * padH + kh, as {@link Ops#convTranspose2d};
     *         bfloat16 under {@link Precision#BF16} on a GPU, where float32 operands are cast first
     */
    public static Variable convTranspose2d(Variable x, Variable w, Variable b, ConvParams p) {
        if (Autocast.applies(x)) {
            return convTranspose2dAsGiven(Autocast.bf16(x), Autocast.bf16(w), Autocast.bf16(b), p);
        }
        return convTranspose2dAsGiven(x, w, b, p);
    }

    private static Variable convTranspose2dAsGiven(Variable x, Variable w, Variable b, ConvParams p) {
        Tensor y = Ops.convTranspose2d(x.data(), w.data(), b == null ? null : b.data(), p);
        return Variable.fromOp("conv_transpose2d", p, y, new Variable[] {x, w, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Ops.convTranspose2dBackwardData(gy, w.data(), x.shape(), p) : null,
            needs[1] ? Ops.convTranspose2dBackwardWeight(gy, x.data(), w.shape(), p) : null,
            needs[2] ? Ops.sumPerChannel(gy) : null,
        });
    }

    // ------------------------------------------------------------------ pooling and activations

    /**
     * Max pooling; the gradient goes to the position that won each window.
     *
     * @param x the input [N, C, H, W]
     * @param p the window, stride, padding and rounding
     * @return the output [N, C, Ho, Wo]
     */
    public static Variable maxPool2d(Variable x, PoolParams p) {
        Ops.Pooled pooled = Ops.maxPool2d(x.data(), p);
        return Variable.fromOp("max_pool2d", p, pooled.output(), new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.maxPool2dBackward(gy, x.data(), pooled, p),
        });
    }

    /**
     * max(x, 0), element by element; the gradient passes where the output is positive.
     *
     * @param x the input
     * @return the output, of the shape of x
     */
    public static Variable relu(Variable x) {
        Tensor y = Ops.relu(x.data());
        return Variable.fromOp("relu", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.reluBackward(gy, y),
        });
    }

    /**
     * Inverted dropout with drop probability {@code p} and a mask drawn from {@code seed}. The backward
     * pass applies the same mask, regenerated from the seed.
     *
     * <p>Call it in training only; at evaluation dropout is the identity, which the caller chooses (see the
     * nn module's {@code Dropout}).
     *
     * @param x    the input
     * @param p    the drop probability, in [0, 1)
     * @param seed the mask's stream of {@link dev.pixelgrad.tensor.CounterRng}; a new one every step
     * @return the output, of the shape of x
     */
    public static Variable dropout(Variable x, float p, long seed) {
        Tensor y = Ops.dropout(x.data(), p, seed);
        return Variable.fromOp("dropout", p, y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.dropout(gy, p, seed),
        });
    }

    // ------------------------------------------------------------------ arithmetic

    /**
     * a + b where b has a's shape, or b is a per-channel bias [C] for a [N, C, ...] (its gradient is
     * then summed over every other axis).
     *
     * @param a the first operand
     * @param b the second operand: of a's shape, or [C] for an {@code a} of [N, C, ...]
     * @return the sum, of a's shape
     */
    public static Variable add(Variable a, Variable b) {
        if (a.shape().equals(b.shape())) {
            Tensor y = Ops.add(a.data(), b.data());
            // The same tensor for both inputs is fine: the engine copies when it must.
            return Variable.fromOp("add", y, new Variable[] {a, b}, (gy, needs) -> new Tensor[] {gy, gy});
        }
        Tensor y = Ops.addChannelBias(a.data(), b.data());
        return Variable.fromOp("add_bias", y, new Variable[] {a, b}, (gy, needs) -> new Tensor[] {
            gy,
            needs[1] ? Ops.sumPerChannel(gy) : null,
        });
    }

    /**
     * s * x for a constant s (FCN-8s at-once scales pool4 by 0.01 and pool3 by 0.0001).
     *
     * @param x the input
     * @param s the factor
     * @return the scaled input
     */
    public static Variable scale(Variable x, float s) {
        Tensor y = Ops.scale(x.data(), s);
        return Variable.fromOp("scale", s, y, new Variable[] {x}, (gy, needs) -> new Tensor[] {Ops.scale(gy, s)});
    }

    /**
     * The matrix product a @ b of 2-D operands. The gradients are dA = dY B^T and dB = A^T dY.
     *
     * @param a the left operand [M, K]
     * @param b the right operand [K, N]
     * @return the product [M, N]; bfloat16 under {@link Precision#BF16} on a GPU, where float32 operands are
     *         cast first
     */
    public static Variable matmul(Variable a, Variable b) {
        if (Autocast.applies(a)) {
            return matmulAsGiven(Autocast.bf16(a), Autocast.bf16(b));
        }
        return matmulAsGiven(a, b);
    }

    private static Variable matmulAsGiven(Variable a, Variable b) {
        Tensor y = Ops.matmul(a.data(), b.data());
        return Variable.fromOp("matmul", y, new Variable[] {a, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Ops.matmul(gy, false, b.data(), true) : null,   // dA = dY B^T
            needs[1] ? Ops.matmul(a.data(), true, gy, false) : null,   // dB = A^T dY
        });
    }

    // ------------------------------------------------------------------ shape

    /**
     * The window [offH, offH + h) x [offW, offW + w) of the spatial axes (Caffe's crop layer).
     *
     * @param x    the input [N, C, H, W]
     * @param offH the first row of the window
     * @param offW the first column of the window
     * @param h    the rows of the window
     * @param w    the columns of the window
     * @return the window [N, C, h, w]; the gradient of the input is zero outside it
     */
    public static Variable crop(Variable x, int offH, int offW, int h, int w) {
        Tensor y = Ops.crop(x.data(), offH, offW, h, w);
        Trace.CropOffset offset = new Trace.CropOffset(offH, offW);
        return Variable.fromOp("crop", offset, y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.cropBackward(gy, x.shape(), offH, offW),
        });
    }

    /**
     * x placed at [offH, offW) in a zero map of h x w: the adjoint of {@link #crop}, which is its gradient.
     * The same-padded FCN pads its input this way to a multiple of 32.
     *
     * @param x    the input [N, C, H, W]
     * @param offH the rows of zeros above x
     * @param offW the columns of zeros left of x
     * @param h    the rows of the output, at least offH + H
     * @param w    the columns of the output, at least offW + W
     * @return the padded map [N, C, h, w]; the gradient of the input is the window of the output's where x is
     * @throws IllegalArgumentException if x does not fit in h x w at that offset
     */
    public static Variable pad(Variable x, int offH, int offW, int h, int w) {
        Shape s = x.shape();
        if (s.rank() != 4) {
            throw new IllegalArgumentException("pad: expected [N, C, H, W], got " + s);
        }
        if (offH < 0 || offW < 0 || offH + s.dim(2) > h || offW + s.dim(3) > w) {
            throw new IllegalArgumentException("pad: " + s + " at offset (" + offH + ", " + offW + ") does not fit in "
                    + h + "x" + w);
        }
        Tensor y = Ops.cropBackward(x.data(), Shape.of(s.dim(0), s.dim(1), h, w), offH, offW);
        return Variable.fromOp("pad", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.crop(gy, offH, offW, s.dim(2), s.dim(3)),
        });
    }

    /**
     * A view with a new shape; one size may be -1.
     *
     * @param x    the input
     * @param dims the new dimension sizes
     * @return a view of the same values; its gradient is reshaped back to x's shape
     */
    public static Variable reshape(Variable x, int... dims) {
        Tensor y = x.data().reshape(dims);
        Shape in = x.shape();
        return Variable.fromOp("reshape", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {gy.reshape(in)});
    }

    /**
     * The values as another floating-point type, as {@link Ops#cast}: the step in and out of bfloat16 in
     * mixed-precision training.
     *
     * @param x     a float32 or bfloat16 input
     * @param dtype float32 or bfloat16
     * @return x as {@code dtype}; its gradient is cast back to x's type
     */
    public static Variable cast(Variable x, DType dtype) {
        Tensor y = Ops.cast(x.data(), dtype);
        DType in = x.data().dtype();
        return Variable.fromOp("cast", dtype, y, new Variable[] {x}, (gy, needs) -> new Tensor[] {Ops.cast(gy, in)});
    }

    // ------------------------------------------------------------------ reductions and loss

    /**
     * The sum of all elements.
     *
     * @param x the input
     * @return a scalar (rank 0)
     */
    public static Variable sum(Variable x) {
        Tensor y = Ops.sum(x.data());
        Shape in = x.shape();
        return Variable.fromOp("sum", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.broadcastScalar(gy, 1f, in),
        });
    }

    /**
     * The mean of all elements.
     *
     * @param x the input, not empty
     * @return a scalar (rank 0)
     */
    public static Variable mean(Variable x) {
        Tensor y = Ops.mean(x.data());
        Shape in = x.shape();
        float inv = (float) (1.0 / in.numel());
        return Variable.fromOp("mean", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.broadcastScalar(gy, inv, in),
        });
    }

    /**
     * Softmax cross-entropy of logits [N, C, ...] against int32 labels [N, ...], ignoring pixels labelled
     * {@code ignoreIndex}. The gradient is computed in the same pass as the loss and kept for backward.
     *
     * <p>The gradient is only computed when grad mode is on and the logits require grad.
     *
     * @param logits      the class scores [N, C, ...]
     * @param labels      the class of each pixel, int32 [N, ...], in [0, C) or {@code ignoreIndex}; a plain
     *                    tensor, since labels take no gradient
     * @param ignoreIndex the label of pixels that count for nothing (255 in VOC)
     * @param reduction   mean or sum over the counted pixels
     * @return the loss, a scalar
     * @throws IllegalArgumentException if a label is outside [0, C) and not {@code ignoreIndex}, or the
     *                                  shapes do not match
     */
    public static Variable softmaxCrossEntropy(Variable logits, Tensor labels, int ignoreIndex, Reduction reduction) {
        return softmaxCrossEntropy(logits, labels, null, ignoreIndex, reduction);
    }

    /**
     * Softmax cross-entropy with a weight per class, for unbalanced data (a rare class weighs more): each
     * counted pixel's loss is multiplied by its class's weight, and the mean divides by the sum of those
     * weights rather than by the number of pixels, as PyTorch's {@code cross_entropy(..., weight=w)}. With
     * {@code classWeights} null this is {@link #softmaxCrossEntropy(Variable, Tensor, int, Reduction)}
     * exactly.
     *
     * @param logits       the class scores [N, C, ...]; bfloat16 ones are cast to float32 (differentiably), in which
     *                     the loss computes, as under PyTorch's autocast
     * @param labels       the class of each pixel, int32 [N, ...], in [0, C) or {@code ignoreIndex}
     * @param classWeights the weight of each class, float32 [C] on the logits' device, each finite and at
     *                     least 0 (a plain tensor: weights take no gradient); or null for none
     * @param ignoreIndex  the label of pixels that count for nothing (255 in VOC)
     * @param reduction    the weighted mean or the weighted sum over the counted pixels
     * @return the loss, a scalar
     * @throws IllegalArgumentException if a label is outside [0, C) and not {@code ignoreIndex}, the shapes
     *                                  do not match, the weights are not C finite values at least 0, or the
     *                                  mean's counted pixels all have weight 0
     */
    public static Variable softmaxCrossEntropy(Variable logits, Tensor labels, Tensor classWeights, int ignoreIndex,
                                               Reduction reduction) {
        if (logits.data().dtype() == DType.BFLOAT16) {
            return softmaxCrossEntropy(cast(logits, DType.FLOAT32), labels, classWeights, ignoreIndex, reduction);
        }
        boolean withGrad = GradMode.isEnabled() && logits.requiresGrad();
        Ops.LossAndGrad r = Ops.softmaxCrossEntropy(logits.data(), labels, classWeights, ignoreIndex, reduction, withGrad);
        Tensor grad = r.gradLogits();
        return Variable.fromOp("softmax_cross_entropy", r.loss(), new Variable[] {logits}, (gy, needs) -> {
            float upstream = gy.item();
            return new Tensor[] {upstream == 1f ? grad : Ops.scale(grad, upstream)};
        });
    }

    /**
     * The most likely class at each position of logits [N, C, ...] (no gradient).
     *
     * @param logits the class scores [N, C, ...]
     * @return the class indices, int32 [N, ...], owned by the open scope or the caller
     */
    public static Tensor argmax(Variable logits) {
        return Ops.argmax(logits.data());
    }
}
