package dev.pixelgrad.tensor.backend;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Storage;
import dev.pixelgrad.tensor.Tensor;
import java.util.Map;

/**
 * The kernels of one kind of device. Implementations live in the kernels module and are found at run
 * time with {@link java.util.ServiceLoader}, so nothing above this interface names a backend class.
 *
 * <p>Callers go through {@link dev.pixelgrad.tensor.Ops}, which checks shapes, dtypes and devices,
 * allocates outputs and only then calls a backend. A backend may therefore assume valid, contiguous
 * arguments on its own device, with outputs of the right shape that do not alias inputs unless a method
 * says so. Only data-dependent checks (label ranges) are the backend's job.
 *
 * <p>Every op has a default that throws {@link UnsupportedOperationException} naming the op and the
 * backend, so a new op can land CPU-first: the other backends still compile, and fail clearly on that
 * op alone until they implement it. Identity and memory methods stay abstract: no backend works without
 * them.
 */
public interface Backend {

    /**
     * Short name, for logs: "cpu", "cuda".
     *
     * @return the name
     */
    String name();

    /**
     * The kind of device this backend drives. {@link Backends} keeps one backend per kind, the first found.
     *
     * @return the device type
     */
    DeviceType deviceType();

    /**
     * Null when this backend can run here; otherwise one line saying why not.
     *
     * @return null, or the reason (no GPU, no driver, a missing library)
     */
    String unavailableReason();

    // ------------------------------------------------------------------ memory

    /**
     * Allocates memory for {@code numel} elements on {@code device}. Its content is undefined (the CPU's is
     * zeroed); the caller writes it before reading.
     *
     * @param dtype  the element type
     * @param numel  the number of elements (not bytes)
     * @param device a device of this backend's type
     * @return the storage, holding one reference (the caller's)
     */
    Storage allocate(DType dtype, long numel, Device device);

    /**
     * Memory figures worth watching (a device backend: live, cached and peak bytes, driver
     * allocations), by name; empty where there is nothing to report.
     *
     * @return the figures by name (for the CUDA backend: {@code live_bytes}, {@code cached_bytes},
     *         {@code peak_bytes}, {@code driver_allocations}), in a stable order
     */
    default Map<String, Long> memoryStats() {
        return Map.of();
    }

    /** Starts the peak in {@link #memoryStats()} afresh from what is live now (to measure one piece of work). */
    default void resetPeakMemory() {}

    /** Waits until all work queued on this backend's device has finished (for timing); a no-op on the CPU. */
    default void synchronize() {}

    /**
     * One line about the hardware and libraries behind this backend, for logs.
     *
     * @return the line; the default is the name alone
     */
    default String describe() {
        return name();
    }

    /**
     * Whether this backend's ops compute on bfloat16 tensors. Where they do not, {@code Ops} refuses a
     * bfloat16 argument with the op's and the backend's names before calling the backend; copies, fills and
     * casts take bfloat16 on every backend.
     *
     * @return true where the ops take bfloat16; the default is false (float32 only)
     */
    default boolean computesBfloat16() {
        return false;
    }

    /**
     * Copies between tensors of equal shape and dtype; one of them is on this backend's device.
     *
     * @param src the tensor to read, on this backend's device or on the host
     * @param dst the tensor to write, on this backend's device or on the host
     */
    void copy(Tensor src, Tensor dst);

    /**
     * Sets every element of {@code dst} to {@code value}.
     *
     * @param dst   the tensor to fill, on this backend's device
     * @param value the value (converted to an int for int32 tensors, rounded for bfloat16 ones)
     */
    void fill(Tensor dst, float value);

    /**
     * dst = src converted to dst's type: float32 to bfloat16 rounding to nearest, ties to even, NaN to
     * {@code BFloat16.NAN_BITS}; bfloat16 to float32 exactly.
     *
     * @param src the values, float32 or bfloat16
     * @param dst the converted values, of the same shape and the other type
     */
    default void cast(Tensor src, Tensor dst) {
        throw notImplemented("cast");
    }

    // ------------------------------------------------------------------ element-wise

    /**
     * out = a + b. {@code out} may be {@code a} (in-place accumulation).
     *
     * @param a   the first operand
     * @param b   the second operand, of the same shape
     * @param out the sum, of the same shape; may be {@code a}
     */
    default void add(Tensor a, Tensor b, Tensor out) {
        throw notImplemented("add");
    }

    /**
     * out[n, c, ...] = x[n, c, ...] + bias[c].
     *
     * @param x    the input [N, C, ...]
     * @param bias the bias [C]
     * @param out  the output, of the shape of x
     */
    default void addChannelBias(Tensor x, Tensor bias, Tensor out) {
        throw notImplemented("add_channel_bias");
    }

    /**
     * out = s * x.
     *
     * @param x   the input
     * @param s   the factor
     * @param out the output, of the shape of x
     */
    default void scale(Tensor x, float s, Tensor out) {
        throw notImplemented("scale");
    }

    /**
     * out = max(x, 0), element by element.
     *
     * @param x   the input
     * @param out the output, of the shape of x
     */
    default void relu(Tensor x, Tensor out) {
        throw notImplemented("relu");
    }

    /**
     * gx = gy where y > 0, else 0. {@code gx} may be {@code gy} itself (the fused convolution's backward
     * masks its gradient in place).
     *
     * @param gy the gradient of the relu's output
     * @param y  the relu's output
     * @param gx the gradient of the relu's input, written in full
     */
    default void reluBackward(Tensor gy, Tensor y, Tensor gx) {
        throw notImplemented("relu_backward");
    }

    /**
     * out = x[:, :, offH : offH + out.H, offW : offW + out.W].
     *
     * @param x    the input [N, C, H, W]
     * @param offH the first row of the window
     * @param offW the first column of the window
     * @param out  the window [N, C, out.H, out.W], inside x
     */
    default void crop(Tensor x, int offH, int offW, Tensor out) {
        throw notImplemented("crop");
    }

    /**
     * gx = 0 outside the window, gy inside it.
     *
     * @param gy   the gradient of the crop's output [N, C, h, w]
     * @param offH the first row of the window
     * @param offW the first column of the window
     * @param gx   the gradient of the crop's input [N, C, H, W], written in full
     */
    default void cropBackward(Tensor gy, int offH, int offW, Tensor gx) {
        throw notImplemented("crop_backward");
    }

    /**
     * Inverted dropout: out[i] = x[i] / (1 - p) where {@code CounterRng.uniform(seed, i) >= p}, else 0.
     * The same call computes the backward pass (gx from gy), since the mask is regenerated from the seed.
     *
     * @param x    the input (or, for the backward pass, the output's gradient)
     * @param p    the drop probability, in [0, 1)
     * @param seed the stream of {@link dev.pixelgrad.tensor.CounterRng}
     * @param out  the output, of the shape of x
     */
    default void dropout(Tensor x, float p, long seed, Tensor out) {
        throw notImplemented("dropout");
    }

    // ------------------------------------------------------------------ reductions

    /**
     * out[] = sum of all elements of x.
     *
     * @param x   the input
     * @param out a float32 scalar
     */
    default void sum(Tensor x, Tensor out) {
        throw notImplemented("sum");
    }

    /**
     * out[c] = sum over n and spatial positions of x[n, c, ...].
     *
     * @param x   the input [N, C, ...]
     * @param out the sums [C], written in full
     */
    default void sumPerChannel(Tensor x, Tensor out) {
        throw notImplemented("sum_per_channel");
    }

    /**
     * The backward pass of {@link #conv2dRelu} up to the convolution's own gradients: gy becomes gy where
     * y &gt; 0, else 0, in place, and gradBias[c] the sum of channel c of it. The default runs
     * {@link #reluBackward} in place and then {@link #sumPerChannel}; a backend that can mask and sum in one
     * pass overrides it.
     *
     * @param gy       the gradient of the fused op's output [N, C, ...]; overwritten with the masked gradient
     * @param y        the fused op's output, of gy's shape
     * @param gradBias the bias gradient [C], written in full
     */
    default void reluBackwardSumPerChannel(Tensor gy, Tensor y, Tensor gradBias) {
        reluBackward(gy, y, gy);
        sumPerChannel(gy, gradBias);
    }

    /**
     * out[i] = scale * scalar[] for every i.
     *
     * @param scalar a one-element tensor
     * @param scale  the factor
     * @param out    the output, every element written
     */
    default void broadcastScalar(Tensor scalar, float scale, Tensor out) {
        throw notImplemented("broadcast");
    }

    /**
     * out[n, ...] = index of the largest x[n, c, ...] over c (the first one on ties).
     *
     * @param x   the scores [N, C, ...]
     * @param out the indices, int32 [N, ...]
     */
    default void argmaxChannels(Tensor x, Tensor out) {
        throw notImplemented("argmax");
    }

    // ------------------------------------------------------------------ convolution

    /**
     * x [N, Cin, H, W], w [Cout, Cin, kh, kw], bias [Cout] or null, out [N, Cout, Ho, Wo].
     *
     * <p>Cross-correlation with zero padding, as {@link dev.pixelgrad.tensor.Ops#conv2d}.
     *
     * @param x    the input
     * @param w    the weight
     * @param bias the bias, or null
     * @param p    the stride and the padding
     * @param out  the output, written in full
     */
    default void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        throw notImplemented("conv2d");
    }

    /**
     * out = max(conv2d(x, w) + bias, 0), as {@link dev.pixelgrad.tensor.Ops#conv2dRelu}. The default runs
     * {@link #conv2d} and then {@link #relu} in place on its output; a backend that can add the bias and
     * apply the relu in one pass over the output (or inside the convolution) overrides it.
     *
     * @param x    the input
     * @param w    the weight
     * @param bias the bias, or null
     * @param p    the stride and the padding
     * @param out  the output, written in full
     */
    default void conv2dRelu(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        conv2d(x, w, bias, p, out);
        relu(out, out);
    }

    /**
     * The gradient with respect to the input: gx [N, Cin, H, W] from gy [N, Cout, Ho, Wo].
     *
     * @param gy the gradient of the output [N, Cout, Ho, Wo]
     * @param w  the forward pass's weight [Cout, Cin, kh, kw]
     * @param p  the forward pass's stride and padding
     * @param gx the gradient of the input [N, Cin, H, W], written in full (overwritten, not added to)
     */
    default void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        throw notImplemented("conv2d_backward_data");
    }

    /**
     * The gradient with respect to the weight: gw [Cout, Cin, kh, kw] (overwritten).
     *
     * @param gy the gradient of the output [N, Cout, Ho, Wo]
     * @param x  the forward pass's input [N, Cin, H, W]
     * @param p  the forward pass's stride and padding
     * @param gw the gradient of the weight, summed over the batch
     */
    default void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        throw notImplemented("conv2d_backward_weight");
    }

    /**
     * x [N, Cin, H, W], w [Cin, Cout, kh, kw] (PyTorch's layout), bias [Cout] or null.
     *
     * <p>Output [N, Cout, Ho, Wo] with Ho = (H - 1) * strideH - 2 * padH + kh.
     *
     * @param x    the input
     * @param w    the weight
     * @param bias the bias, or null
     * @param p    the stride and the padding
     * @param out  the output, written in full
     */
    default void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        throw notImplemented("conv_transpose2d");
    }

    /**
     * The gradient of a transposed convolution with respect to its input (a convolution of gy with w).
     *
     * @param gy the gradient of the output [N, Cout, Ho, Wo]
     * @param w  the forward pass's weight [Cin, Cout, kh, kw]
     * @param p  the forward pass's stride and padding
     * @param gx the gradient of the input [N, Cin, H, W], written in full
     */
    default void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        throw notImplemented("conv_transpose2d_backward_data");
    }

    /**
     * gw [Cin, Cout, kh, kw] (overwritten).
     *
     * <p>The gradient of a transposed convolution with respect to its weight, summed over the batch.
     *
     * @param gy the gradient of the output [N, Cout, Ho, Wo]
     * @param x  the forward pass's input [N, Cin, H, W]
     * @param p  the forward pass's stride and padding
     * @param gw the gradient of the weight
     */
    default void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        throw notImplemented("conv_transpose2d_backward_weight");
    }

    // ------------------------------------------------------------------ pooling

    /**
     * out [N, C, Ho, Wo]; indices (int32, same shape) hold h * W + w of each max in its input plane. A
     * backend whose pooling library recomputes the winners in backward (cuDNN) may leave them unset.
     *
     * @param x       the input [N, C, H, W]
     * @param p       the window, stride, padding and rounding
     * @param out     the maxima
     * @param indices the positions of the maxima, int32
     */
    default void maxPool2d(Tensor x, PoolParams p, Tensor out, Tensor indices) {
        throw notImplemented("max_pool2d");
    }

    /**
     * The gradient of max pooling: each output gradient goes to the input position that won its window
     * (gx = 0, then gx[plane][indices[i]] += gy[i]). The forward input x and output y are passed too,
     * for libraries that find the winners again instead of keeping indices.
     *
     * @param gy      the gradient of the output [N, C, Ho, Wo]
     * @param x       the forward pass's input [N, C, H, W]
     * @param y       the forward pass's output
     * @param indices the forward pass's indices
     * @param p       the forward pass's parameters
     * @param gx      the gradient of the input, written in full
     */
    default void maxPool2dBackward(Tensor gy, Tensor x, Tensor y, Tensor indices, PoolParams p, Tensor gx) {
        throw notImplemented("max_pool2d_backward");
    }

    // ------------------------------------------------------------------ loss and matmul

    /**
     * Softmax cross-entropy over the channel axis of logits [N, C, ...] against int32 labels [N, ...].
     * Writes the reduced loss to {@code loss} (a scalar) and, when {@code gradLogits} is not null, the
     * gradient of that loss with respect to the logits. A label outside [0, C) that is not
     * {@code ignoreIndex} raises an {@link IllegalArgumentException} naming the value and its position,
     * before anything is written.
     *
     * <p>With class weights w, a counted pixel of class t adds w[t] times its loss, and the mean divides by
     * the sum of w[t] over the counted pixels instead of their number (PyTorch's {@code cross_entropy} with
     * {@code weight}); a mean whose counted pixels all have weight 0 raises
     * {@link dev.pixelgrad.tensor.LabelCheck#zeroWeight}, before anything is written. The weights' values
     * have been checked (finite, not negative) by the caller.
     *
     * @param logits       the class scores [N, C, ...]
     * @param labels       the classes, int32 [N, ...]
     * @param classWeights the weight of each class, float32 [C], or null for 1 each
     * @param ignoreIndex  the label of pixels that count for nothing
     * @param reduction    mean or sum over the counted pixels (a mean over none is 0)
     * @param loss         the reduced loss, a float32 scalar
     * @param gradLogits   the gradient, of the logits' shape, or null to skip it
     * @throws IllegalArgumentException for a label outside [0, C) that is not {@code ignoreIndex}, or a
     *                                  weighted mean whose counted pixels all have weight 0
     */
    default void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor classWeights, int ignoreIndex,
                                     Reduction reduction, Tensor loss, Tensor gradLogits) {
        throw notImplemented("softmax_cross_entropy");
    }

    /**
     * out [M, N] = op(a) op(b), where op transposes when asked; all row-major 2-D.
     *
     * @param a      [M, K], or [K, M] when {@code transA}
     * @param transA whether to use the transpose of a
     * @param b      [K, N], or [N, K] when {@code transB}
     * @param transB whether to use the transpose of b
     * @param out    the product [M, N], overwritten
     */
    default void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        throw notImplemented("matmul");
    }

    // ------------------------------------------------------------------ optimizer updates and metrics

    /**
     * One SGD step with momentum and L2 weight decay, in place, in Caffe's form (the learning rate is
     * inside the velocity): v = momentum * v + lr * (g + weightDecay * w); w = w - v.
     *
     * @param w           the weights, updated
     * @param g           the gradient
     * @param v           the velocity, updated
     * @param lr          the learning rate
     * @param momentum    the momentum
     * @param weightDecay the L2 coefficient
     */
    default void sgdStep(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay) {
        throw notImplemented("sgd_step");
    }

    /**
     * One Adam step (Kingma and Ba) with L2 weight decay, in place, as PyTorch computes it:
     * g' = g + weightDecay * w; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2;
     * w = w - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), where t = {@code step} (from 1).
     *
     * @param w           the weights, updated
     * @param g           the gradient
     * @param m           the first moment, updated
     * @param v           the second moment, updated
     * @param lr          the learning rate
     * @param beta1       the decay rate of m
     * @param beta2       the decay rate of v
     * @param eps         the term that keeps the denominator from zero
     * @param weightDecay the L2 coefficient
     * @param step        the step number, from 1
     */
    default void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                          float weightDecay, long step) {
        throw notImplemented("adam_step");
    }

    /**
     * Adds to the int32 [C, C] {@code counts} one count per pixel at (label, prediction), skipping
     * pixels labelled {@code ignoreIndex}. A label outside [0, C) that is not ignored raises an
     * {@link IllegalArgumentException} naming the value and its position, before anything is counted.
     *
     * @param predictions the predicted classes, int32
     * @param labels      the true classes, int32 of the same shape
     * @param ignoreIndex the label of pixels to skip
     * @param counts      the matrix, int32 [C, C] (row: label, column: prediction), added to
     * @throws IllegalArgumentException for a label or a prediction outside [0, C) (the label not ignored)
     */
    default void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts) {
        throw notImplemented("confusion_matrix");
    }

    /** The error of an op this backend does not implement, e.g. "conv2d is not implemented by the cuda backend". */
    private UnsupportedOperationException notImplemented(String op) {
        return new UnsupportedOperationException(op + " is not implemented by the " + name() + " backend");
    }
}
