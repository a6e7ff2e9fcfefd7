package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.LabelCheck;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Tensor;

/**
 * Softmax cross-entropy on the GPU (loss.cu): loss and gradient in one fused pass, one thread per
 * pixel, the per-block loss sums added in order; the CPU twin is CrossEntropyCpu. With class weights, the
 * mean first sums the counted pixels' weights, its divisor.
 */
final class LossCuda {
    private final Kernels k;
    private final ReduceCuda reduce;

    LossCuda(CudaRuntime rt, ReduceCuda reduce) {
        this.k = rt.kernels;
        this.reduce = reduce;
    }

    void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor classWeights, int ignoreIndex, Reduction reduction,
                             Tensor loss, Tensor gradLogits) {
        String op = "softmax_cross_entropy";
        int n = logits.dim(0);
        int c = logits.dim(1);
        long plane = logits.shape().numelFrom(2);
        long valid = reduce.checkLabels(op, labels, c, ignoreIndex);
        // What the mean divides by: the counted pixels, or with class weights the sum of theirs.
        double total = valid;
        if (classWeights != null && reduction == Reduction.MEAN && valid > 0) {
            long pixels = labels.numel();
            total = reduce.sumToHost(pixels, (grid, partial) -> k.class_weight_sum_partial_f32(grid, addressOf(labels),
                    addressOf(classWeights), ignoreIndex, pixels, partial));
            if (total == 0) {
                throw LabelCheck.zeroWeight(op, valid);
            }
        }
        // The mean over no valid pixel is 0 with a zero gradient, as in Caffe.
        double lossScale = reduction == Reduction.MEAN ? (total == 0 ? 0.0 : 1.0 / total) : 1.0;
        reduce.reduceInto(n * plane, (grid, partial) -> k.softmax_xent_f32(grid, addressOf(logits), addressOf(labels),
                addressOf(classWeights), addressOf(gradLogits), partial, n, c, plane, ignoreIndex, (float) lossScale),
                lossScale, addressOf(loss));
    }
}
