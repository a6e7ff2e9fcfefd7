package dev.pixelgrad.autograd;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;

/**
 * Differentiable functions. Each one computes its forward pass with {@link Ops} and records, right
 * beside it, how to turn the output gradient into input gradients (the chain rule for that op). Each
 * also reports itself, with its settings, to an open {@link Trace}.
 */
public final class F {
    private F() {}

    // ------------------------------------------------------------------ convolution

    /** y = conv2d(x, w) + b; x [N, Cin, H, W], w [Cout, Cin, kh, kw], b [Cout] or null. */
    public static Variable conv2d(Variable x, Variable w, Variable b, ConvParams p) {
        Tensor y = Ops.conv2d(x.data(), w.data(), b == null ? null : b.data(), p);
        return Variable.fromOp("conv2d", p, y, new Variable[] {x, w, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Ops.conv2dBackwardData(gy, w.data(), x.shape(), p) : null,
            needs[1] ? Ops.conv2dBackwardWeight(gy, x.data(), w.shape(), p) : null,
            needs[2] ? Ops.sumPerChannel(gy) : null,
        });
    }

    /** y = conv_transpose2d(x, w) + b; x [N, Cin, H, W], w [Cin, Cout, kh, kw], b [Cout] or null. */
    public static Variable convTranspose2d(Variable x, Variable w, Variable b, ConvParams p) {
        Tensor y = Ops.convTranspose2d(x.data(), w.data(), b == null ? null : b.data(), p);
        return Variable.fromOp("conv_transpose2d", p, y, new Variable[] {x, w, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Ops.convTranspose2dBackwardData(gy, w.data(), x.shape(), p) : null,
            needs[1] ? Ops.convTranspose2dBackwardWeight(gy, x.data(), w.shape(), p) : null,
            needs[2] ? Ops.sumPerChannel(gy) : null,
        });
    }

    // ------------------------------------------------------------------ pooling and activations

    /** Max pooling; the gradient goes to the position that won each window. */
    public static Variable maxPool2d(Variable x, PoolParams p) {
        Ops.Pooled pooled = Ops.maxPool2d(x.data(), p);
        return Variable.fromOp("max_pool2d", p, pooled.output(), new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.maxPool2dBackward(gy, x.data(), pooled, p),
        });
    }

    public static Variable relu(Variable x) {
        Tensor y = Ops.relu(x.data());
        return Variable.fromOp("relu", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.reluBackward(gy, y),
        });
    }

    /**
     * Inverted dropout with drop probability {@code p} and a mask drawn from {@code seed}. The backward
     * pass applies the same mask, regenerated from the seed.
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

    /** s * x for a constant s (FCN-8s at-once scales pool4 by 0.01 and pool3 by 0.0001). */
    public static Variable scale(Variable x, float s) {
        Tensor y = Ops.scale(x.data(), s);
        return Variable.fromOp("scale", s, y, new Variable[] {x}, (gy, needs) -> new Tensor[] {Ops.scale(gy, s)});
    }

    /** op(a) @ op(b) for 2-D operands. */
    public static Variable matmul(Variable a, Variable b) {
        Tensor y = Ops.matmul(a.data(), b.data());
        return Variable.fromOp("matmul", y, new Variable[] {a, b}, (gy, needs) -> new Tensor[] {
            needs[0] ? Ops.matmul(gy, false, b.data(), true) : null,   // dA = dY B^T
            needs[1] ? Ops.matmul(a.data(), true, gy, false) : null,   // dB = A^T dY
        });
    }

    // ------------------------------------------------------------------ shape

    /** The window [offH, offH + h) x [offW, offW + w) of the spatial axes (Caffe's crop layer). */
    public static Variable crop(Variable x, int offH, int offW, int h, int w) {
        Tensor y = Ops.crop(x.data(), offH, offW, h, w);
        Trace.CropOffset offset = new Trace.CropOffset(offH, offW);
        return Variable.fromOp("crop", offset, y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.cropBackward(gy, x.shape(), offH, offW),
        });
    }

    /** A view with a new shape; one size may be -1. */
    public static Variable reshape(Variable x, int... dims) {
        Tensor y = x.data().reshape(dims);
        Shape in = x.shape();
        return Variable.fromOp("reshape", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {gy.reshape(in)});
    }

    // ------------------------------------------------------------------ reductions and loss

    public static Variable sum(Variable x) {
        Tensor y = Ops.sum(x.data());
        Shape in = x.shape();
        return Variable.fromOp("sum", y, new Variable[] {x}, (gy, needs) -> new Tensor[] {
            Ops.broadcastScalar(gy, 1f, in),
        });
    }

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
     */
    public static Variable softmaxCrossEntropy(Variable logits, Tensor labels, int ignoreIndex, Reduction reduction) {
        boolean withGrad = GradMode.isEnabled() && logits.requiresGrad();
        Ops.LossAndGrad r = Ops.softmaxCrossEntropy(logits.data(), labels, ignoreIndex, reduction, withGrad);
        Tensor grad = r.gradLogits();
        return Variable.fromOp("softmax_cross_entropy", r.loss(), new Variable[] {logits}, (gy, needs) -> {
            float upstream = gy.item();
            return new Tensor[] {upstream == 1f ? grad : Ops.scale(grad, upstream)};
        });
    }

    /** The most likely class at each position of logits [N, C, ...] (no gradient). */
    public static Tensor argmax(Variable logits) {
        return Ops.argmax(logits.data());
    }
}
