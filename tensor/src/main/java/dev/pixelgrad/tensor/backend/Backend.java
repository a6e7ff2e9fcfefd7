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

    /** Short name, for logs: "cpu", "cuda". */
    String name();

    DeviceType deviceType();

    /** Null when this backend can run here; otherwise one line saying why not. */
    String unavailableReason();

    // ------------------------------------------------------------------ memory

    Storage allocate(DType dtype, long numel, Device device);

    /**
     * Memory figures worth watching (a device backend: live, cached and peak bytes, driver
     * allocations), by name; empty where there is nothing to report.
     */
    default Map<String, Long> memoryStats() {
        return Map.of();
    }

    /** Starts the peak in {@link #memoryStats()} afresh from what is live now (to measure one piece of work). */
    default void resetPeakMemory() {}

    /** Waits until all work queued on this backend's device has finished (for timing); a no-op on the CPU. */
    default void synchronize() {}

    /** One line about the hardware and libraries behind this backend, for logs. */
    default String describe() {
        return name();
    }

    /** Copies between tensors of equal shape and dtype; one of them is on this backend's device. */
    void copy(Tensor src, Tensor dst);

    void fill(Tensor dst, float value);

    // ------------------------------------------------------------------ element-wise

    /** out = a + b. {@code out} may be {@code a} (in-place accumulation). */
    default void add(Tensor a, Tensor b, Tensor out) {
        throw notImplemented("add");
    }

    /** out[n, c, ...] = x[n, c, ...] + bias[c]. */
    default void addChannelBias(Tensor x, Tensor bias, Tensor out) {
        throw notImplemented("add_channel_bias");
    }

    /** out = s * x. */
    default void scale(Tensor x, float s, Tensor out) {
        throw notImplemented("scale");
    }

    default void relu(Tensor x, Tensor out) {
        throw notImplemented("relu");
    }

    /** gx = gy where y > 0, else 0. */
    default void reluBackward(Tensor gy, Tensor y, Tensor gx) {
        throw notImplemented("relu_backward");
    }

    /** out = x[:, :, offH : offH + out.H, offW : offW + out.W]. */
    default void crop(Tensor x, int offH, int offW, Tensor out) {
        throw notImplemented("crop");
    }

    /** gx = 0 outside the window, gy inside it. */
    default void cropBackward(Tensor gy, int offH, int offW, Tensor gx) {
        throw notImplemented("crop_backward");
    }

    /**
     * Inverted dropout: out[i] = x[i] / (1 - p) where {@code CounterRng.uniform(seed, i) >= p}, else 0.
     * The same call computes the backward pass (gx from gy), since the mask is regenerated from the seed.
     */
    default void dropout(Tensor x, float p, long seed, Tensor out) {
        throw notImplemented("dropout");
    }

    // ------------------------------------------------------------------ reductions

    /** out[] = sum of all elements of x. */
    default void sum(Tensor x, Tensor out) {
        throw notImplemented("sum");
    }

    /** out[c] = sum over n and spatial positions of x[n, c, ...]. */
    default void sumPerChannel(Tensor x, Tensor out) {
        throw notImplemented("sum_per_channel");
    }

    /** out[i] = scale * scalar[] for every i. */
    default void broadcastScalar(Tensor scalar, float scale, Tensor out) {
        throw notImplemented("broadcast");
    }

    /** out[n, ...] = index of the largest x[n, c, ...] over c (the first one on ties). */
    default void argmaxChannels(Tensor x, Tensor out) {
        throw notImplemented("argmax");
    }

    // ------------------------------------------------------------------ convolution

    /** x [N, Cin, H, W], w [Cout, Cin, kh, kw], bias [Cout] or null, out [N, Cout, Ho, Wo]. */
    default void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        throw notImplemented("conv2d");
    }

    /** The gradient with respect to the input: gx [N, Cin, H, W] from gy [N, Cout, Ho, Wo]. */
    default void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        throw notImplemented("conv2d_backward_data");
    }

    /** The gradient with respect to the weight: gw [Cout, Cin, kh, kw] (overwritten). */
    default void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        throw notImplemented("conv2d_backward_weight");
    }

    /** x [N, Cin, H, W], w [Cin, Cout, kh, kw] (PyTorch's layout), bias [Cout] or null. */
    default void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        throw notImplemented("conv_transpose2d");
    }

    default void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        throw notImplemented("conv_transpose2d_backward_data");
    }

    /** gw [Cin, Cout, kh, kw] (overwritten). */
    default void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        throw notImplemented("conv_transpose2d_backward_weight");
    }

    // ------------------------------------------------------------------ pooling

    /**
     * out [N, C, Ho, Wo]; indices (int32, same shape) hold h * W + w of each max in its input plane. A
     * backend whose pooling library recomputes the winners in backward (cuDNN) may leave them unset.
     */
    default void maxPool2d(Tensor x, PoolParams p, Tensor out, Tensor indices) {
        throw notImplemented("max_pool2d");
    }

    /**
     * The gradient of max pooling: each output gradient goes to the input position that won its window
     * (gx = 0, then gx[plane][indices[i]] += gy[i]). The forward input x and output y are passed too,
     * for libraries that find the winners again instead of keeping indices.
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
     */
    default void softmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex, Reduction reduction,
                                     Tensor loss, Tensor gradLogits) {
        throw notImplemented("softmax_cross_entropy");
    }

    /** out [M, N] = op(a) op(b), where op transposes when asked; all row-major 2-D. */
    default void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        throw notImplemented("matmul");
    }

    // ------------------------------------------------------------------ optimizer updates and metrics

    /**
     * One SGD step with momentum and L2 weight decay, in place, in Caffe's form (the learning rate is
     * inside the velocity): v = momentum * v + lr * (g + weightDecay * w); w = w - v.
     */
    default void sgdStep(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay) {
        throw notImplemented("sgd_step");
    }

    /**
     * One Adam step (Kingma and Ba) with L2 weight decay, in place, as PyTorch computes it:
     * g' = g + weightDecay * w; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2;
     * w = w - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), where t = {@code step} (from 1).
     */
    default void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                          float weightDecay, long step) {
        throw notImplemented("adam_step");
    }

    /**
     * Adds to the int32 [C, C] {@code counts} one count per pixel at (label, prediction), skipping
     * pixels labelled {@code ignoreIndex}. A label outside [0, C) that is not ignored raises an
     * {@link IllegalArgumentException} naming the value and its position, before anything is counted.
     */
    default void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts) {
        throw notImplemented("confusion_matrix");
    }

    /** The error of an op this backend does not implement, e.g. "conv2d is not implemented by the cuda backend". */
    private UnsupportedOperationException notImplemented(String op) {
        return new UnsupportedOperationException(op + " is not implemented by the " + name() + " backend");
    }
}
