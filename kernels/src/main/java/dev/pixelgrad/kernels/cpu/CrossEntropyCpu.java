package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.tensor.LabelCheck;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Shape;
import java.util.Arrays;

/**
 * Softmax cross-entropy over channels, forward and backward in one pass. For logits z[n, :, i] and
 * label t at a pixel that is not ignored, with class weights w (1 each when there are none):
 *
 * <pre>
 * loss  = w_t (log(sum_c exp(z_c)) - z_t)        (computed as m + log(sum exp(z_c - m)), m = max z)
 * dz_c  = w_t (softmax(z)_c - [c == t])          (times 1/total for the mean, total = sum of w_t)
 * </pre>
 *
 * Without weights every factor w_t is exactly 1 and the total is the count, so the results are those of
 * the unweighted formulas bit for bit.
 *
 * Pixels are processed in blocks along the contiguous spatial axis so that each channel's values are
 * read with unit stride.
 */
final class CrossEntropyCpu {
    private static final int BLOCK = 256;

    private CrossEntropyCpu() {}

    /** Checks every label first, so a bad one fails before anything is written; returns the valid count. */
    static long validate(String op, int[] labels, int count, int classes, int ignoreIndex, Shape labelShape) {
        int bad = LabelCheck.firstOutOfRange(labels, count, classes, ignoreIndex);
        if (bad >= 0) {
            throw LabelCheck.badLabel(op, labels[bad], bad, labelShape, classes, ignoreIndex);
        }
        long valid = 0;
        for (int q = 0; q < count; q++) {
            if (labels[q] != ignoreIndex) {
                valid++;
            }
        }
        return valid;
    }

    /** The sum of the weights of the counted pixels' classes, added in order (labels already validated). */
    static double weightTotal(int[] labels, int count, int ignoreIndex, float[] weights) {
        double total = 0;
        for (int q = 0; q < count; q++) {
            if (labels[q] != ignoreIndex) {
                total += weights[labels[q]];
            }
        }
        return total;
    }

    /**
     * Returns the reduced loss; writes the gradient into {@code grad} when it is not null. {@code weights}
     * is null for none; {@code total} is what the mean divides by: the counted pixels' number, or the sum of
     * their classes' weights.
     */
    static float forwardBackward(float[] z, int[] labels, float[] weights, int n, int c, int plane, int ignoreIndex,
                                 Reduction reduction, double total, float[] grad) {
        float scale = reduction == Reduction.MEAN ? (total == 0 ? 0f : (float) (1.0 / total)) : 1f;
        int blocksPerImage = (plane + BLOCK - 1) / BLOCK;
        int blocks = n * blocksPerImage;
        double[] partial = new double[blocks];
        Parallel.forRange(blocks, Math.max(1, 4096 / Math.max(1, c)), (from, to) -> {
            float[] max = new float[BLOCK];
            float[] sum = new float[BLOCK];
            for (int bi = from; bi < to; bi++) {
                int img = bi / blocksPerImage;
                int i0 = (bi % blocksPerImage) * BLOCK;
                int len = Math.min(BLOCK, plane - i0);
                int base = img * c * plane + i0;
                int lab = img * plane + i0;
                Arrays.fill(max, 0, len, Float.NEGATIVE_INFINITY);
                Arrays.fill(sum, 0, len, 0f);
                for (int ch = 0; ch < c; ch++) {
                    int o = base + ch * plane;
                    for (int i = 0; i < len; i++) {
                        max[i] = Math.max(max[i], z[o + i]);
                    }
                }
                for (int ch = 0; ch < c; ch++) {
                    int o = base + ch * plane;
                    for (int i = 0; i < len; i++) {
                        float e = (float) Math.exp(z[o + i] - max[i]);
                        sum[i] += e;
                        if (grad != null) {
                            grad[o + i] = e;
                        }
                    }
                }
                double loss = 0;
                for (int i = 0; i < len; i++) {
                    int t = labels[lab + i];
                    if (t != ignoreIndex) {
                        double pixel = Math.log(sum[i]) + max[i] - z[base + t * plane + i];
                        loss += weights == null ? pixel : weights[t] * pixel;
                    }
                }
                partial[bi] = loss;
                if (grad != null) {
                    for (int i = 0; i < len; i++) {
                        int t = labels[lab + i];
                        // Ignored pixels get no gradient; others are scaled once by 1/sum, the reduction and
                        // their class's weight.
                        sum[i] = t == ignoreIndex ? 0f : (weights == null ? scale : scale * weights[t]) / sum[i];
                    }
                    for (int ch = 0; ch < c; ch++) {
                        int o = base + ch * plane;
                        for (int i = 0; i < len; i++) {
                            grad[o + i] *= sum[i];
                        }
                    }
                    for (int i = 0; i < len; i++) {
                        int t = labels[lab + i];
                        if (t != ignoreIndex) {
                            grad[base + t * plane + i] -= weights == null ? scale : scale * weights[t];
                        }
                    }
                }
            }
        });
        double sumOfLosses = 0;
        for (double v : partial) {
            sumOfLosses += v;
        }
        if (reduction == Reduction.MEAN) {
            return total == 0 ? 0f : (float) (sumOfLosses / total);
        }
        return (float) sumOfLosses;
    }
}
