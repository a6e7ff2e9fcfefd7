package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Tensor;

/**
 * Softmax cross-entropy on the GPU (loss.cu): loss and gradient in one fused pass, one thread per
 * pixel, the per-block loss sums added in order; the CPU twin is CrossEntropyCpu.
 */
final class LossCuda {
    private final Kernels k;
    private final ReduceCuda reduce;

    LossCuda(CudaRuntime rt, ReduceCuda reduce) {
        this.k = rt.kernels;
        this.reduce = reduce;
    }

    void softmaxCrossEntropy(Tensor logits, Tensor labels, int ignoreIndex, Reduction reduction, Tensor loss,
                             Tensor gradLogits) {
        int n = logits.dim(0);
        int c = logits.dim(1);
        long plane = logits.shape().numelFrom(2);
        long valid = reduce.checkLabels("softmax_cross_entropy", labels, c, ignoreIndex);
        // The mean over no valid pixel is 0 with a zero gradient, as in Caffe.
        double lossScale = reduction == Reduction.MEAN ? (valid == 0 ? 0.0 : 1.0 / valid) : 1.0;
        reduce.reduceInto(n * plane, (grid, partial) -> k.softmax_xent_f32(grid, addressOf(logits), addressOf(labels),
                addressOf(gradLogits), partial, n, c, plane, ignoreIndex, (float) lossScale), lossScale, addressOf(loss));
    }
}
