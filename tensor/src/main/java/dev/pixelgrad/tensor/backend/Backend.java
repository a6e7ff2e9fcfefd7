package dev.pixelgrad.tensor.backend;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Storage;
import dev.pixelgrad.tensor.Tensor;

/**
 * The kernels of one kind of device. Implementations live in the kernels module and are found at run
 * time with {@link java.util.ServiceLoader}, so nothing above this interface names a backend class.
 *
 * <p>Callers go through {@link dev.pixelgrad.tensor.Ops}, which checks shapes, dtypes and devices,
 * allocates outputs and only then calls a backend. A backend may therefore assume valid, contiguous
 * arguments on its own device, with outputs of the right shape that do not alias inputs unless a method
 * says so. Only data-dependent checks (label ranges) are the backend's job.
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
    default java.util.Map<String, Long> memoryStats() {
        return java.util.Map.of();
    }

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
    void add(Tensor a, Tensor b, Tensor out);

    /** out[n, c, ...] = x[n, c, ...] + bias[c]. */
    void addChannelBias(Tensor x, Tensor bias, Tensor out);

    /** out = s * x. */
    void scale(Tensor x, float s, Tensor out);

    void relu(Tensor x, Tensor out);

    /** gx = gy where y > 0, else 0. */
    void reluBackward(Tensor gy, Tensor y, Tensor gx);

    /** out = x[:, :, offH : offH + out.H, offW : offW + out.W]. */
    void crop(Tensor x, int offH, int offW, Tensor out);

    /** gx = 0 outside the window, gy inside it. */
    void cropBackward(Tensor gy, int offH, int offW, Tensor gx);

    /**
     * Inverted dropout: out[i] = x[i] / (1 - p) where {@code CounterRng.uniform(seed, i) >= p}, else 0.
     * The same call computes the backward pass (gx from gy), since the mask is regenerated from the seed.
     */
    void dropout(Tensor x, float p, long seed, Tensor out);

    // ------------------------------------------------------------------ reductions

    /** out[] = sum of all elements of x. */
    void sum(Tensor x, Tensor out);

    /** out[c] = sum over n and spatial positions of x[n, c, ...]. */
    void sumPerChannel(Tensor x, Tensor out);

    /** out[i] = scale * scalar[] for every i. */
    void broadcastScalar(Tensor scalar, float scale, Tensor out);

    /** out[n, ...] = index of the largest x[n, c, ...] over c (the first one on ties). */
    void argmaxChannels(Tensor x, Tensor out);

    // ------------------------------------------------------------------ convolution

    /** x [N, Cin, H, W], w [Cout, Cin, kh, kw], bias [Cout] or null, out [N, Cout, Ho, Wo]. */
    void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out);

    /** The gradient with respect to the input: gx [N, Cin, H, W] from gy [N, Cout, Ho, Wo]. */
    void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx);

    /** The gradient with respect to the weight: gw [Cout, Cin, kh, kw] (overwritten). */
    void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw);

    /** x [N, Cin, H, W], w [Cin, Cout, kh, kw] (PyTorch's layout), bias [Cout] or null. */
    void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out);

    void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx);

    /** gw [Cin, Cout, kh, kw] (overwritten). */
    void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw);

    // ------------------------------------------------------------------ pooling

    /**
     * out [N, C, Ho, Wo]; indices (int32, same shape) hold h * W + w of each max in its input plane. A
     * backend whose pooling library recomputes the winners in backward (cuDNN) may leave them unset.
     */
    void maxPool2d(Tensor x, PoolParams p, Tensor out, Tensor indices);

    /**
     * The gradient of max pooling: each output gradient goes to the input position that won its window
     * (gx = 0, then gx[plane][indices[i]] += gy[i]). The forward input x and output y are passed too,
     * for libraries that find the winners again instead of keeping indices.
     */
    void maxPool2dBackward(Tensor gy, Tensor x, Tensor y, Tensor indices, PoolParams p, Tensor gx);

    // ------------------------------------------------------------------ loss and matmul

    /**
     * Softmax cross-entropy over the channel axis of logits [N, C, ...] against int32 labels [N, ...].
     * Writes the reduced loss to {@code loss} (a scalar) and, when {@code gradLogits} is not null, the
     * gradient of that loss with respect to the logits. A label outside [0, C) that is not
     * {@code ignoreIndex} raises an {@link IllegalArgumentException} naming the value and its position,
     * before anything is written.
     */
    void softmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex, Reduction reduction,
                             Tensor loss, Tensor gradLogits);

    /** out [M, N] = op(a) op(b), where op transposes when asked; all row-major 2-D. */
    void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out);

    // ------------------------------------------------------------------ optimizer updates and metrics

    /**
     * One SGD step with momentum and L2 weight decay, in place, in Caffe's form (the learning rate is
     * inside the velocity): v = momentum * v + lr * (g + weightDecay * w); w = w - v.
     */
    void sgdStep(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay);

    /**
     * One Adam step (Kingma and Ba) with L2 weight decay, in place, as PyTorch computes it:
     * g' = g + weightDecay * w; m = b1 m + (1 - b1) g'; v = b2 v + (1 - b2) g'^2;
     * w = w - (lr / (1 - b1^t)) * m / (sqrt(v) / sqrt(1 - b2^t) + eps), where t = {@code step} (from 1).
     */
    void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                  float weightDecay, long step);

    /**
     * Adds to the int32 [C, C] {@code counts} one count per pixel at (label, prediction), skipping
     * pixels labelled {@code ignoreIndex}. A label outside [0, C) that is not ignored raises an
     * {@link IllegalArgumentException} naming the value and its position, before anything is counted.
     */
    void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts);
}
