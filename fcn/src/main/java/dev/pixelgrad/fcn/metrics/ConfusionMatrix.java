package dev.pixelgrad.fcn.metrics;

import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.List;

/**
 * One confusion matrix over a whole evaluated set, as the reference score.py: rows are true classes,
 * columns predicted ones, void pixels left out. Per-batch counts are taken on the tensors' device and
 * summed here in 64 bits.
 */
public final class ConfusionMatrix {
    private final int classes;
    private final long[] counts;

    /**
     * An empty matrix.
     *
     * @param classes the number of classes C; the matrix is C x C
     */
    public ConfusionMatrix(int classes) {
        this.classes = classes;
        this.counts = new long[classes * classes];
    }

    /**
     * The number of classes C.
     *
     * @return the number of classes
     */
    public int classes() {
        return classes;
    }

    /**
     * Counts predictions (int32 class indices) against labels (int32, void = 255) of one shape.
     *
     * @param predictions the predicted class of each pixel, int32, each in [0, C)
     * @param labels      the true class of each pixel, int32 of the same shape and device, in [0, C) or 255
     * @throws IllegalArgumentException if the shapes or dtypes do not fit, or a label or prediction is out of
     *                                  range
     */
    public void add(Tensor predictions, Tensor labels) {
        try (Tensor batch = Tensor.zeros(Shape.of(classes, classes), DType.INT32, predictions.device())) {
            Ops.confusionMatrix(predictions, labels, Sample.VOID, batch);
            int[] c = batch.toIntArray();
            for (int i = 0; i < c.length; i++) {
                counts[i] += c[i];
            }
        }
    }

    /**
     * Adds one (label, prediction) count directly.
     *
     * @param label      the true class
     * @param prediction the predicted class
     * @param n          the number of pixels to add
     */
    public void add(int label, int prediction, long n) {
        counts[label * classes + prediction] += n;
    }

    /**
     * The number of pixels of class {@code label} predicted as {@code prediction}.
     *
     * @param label      the true class (the row)
     * @param prediction the predicted class (the column)
     * @return the count
     */
    public long count(int label, int prediction) {
        return counts[label * classes + prediction];
    }

    /**
     * Adds every count of {@code other} to this matrix.
     *
     * @param other a matrix of the same class count
     * @throws IllegalArgumentException if the class counts differ
     */
    public void merge(ConfusionMatrix other) {
        if (other.classes != classes) {
            throw new IllegalArgumentException("cannot merge " + other.classes + "-class counts into " + classes);
        }
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
        }
    }

    /**
     * The reference's scores: pixel accuracy = trace / total; mean accuracy = nanmean of diag / row sums;
     * IoU_c = diag / (row + column - diag); mean IoU = nanmean(IoU), so classes absent from both truth
     * and prediction do not count; frequency-weighted IoU = sum over classes of (row_c / total) IoU_c.
     *
     * @param names the class names, in index order, for the table
     * @return the scores; NaN where a denominator is zero (no labelled pixel at all, or a class absent from
     *         both truth and prediction)
     */
    public Scores scores(List<String> names) {
        double total = 0;
        double trace = 0;
        double[] row = new double[classes];
        double[] col = new double[classes];
        for (int t = 0; t < classes; t++) {
            for (int p = 0; p < classes; p++) {
                double v = counts[t * classes + p];
                total += v;
                row[t] += v;
                col[p] += v;
                if (t == p) {
                    trace += v;
                }
            }
        }
        double[] acc = new double[classes];
        double[] iou = new double[classes];
        double fw = 0;
        for (int c = 0; c < classes; c++) {
            double d = counts[c * classes + c];
            acc[c] = row[c] == 0 ? Double.NaN : d / row[c];
            double union = row[c] + col[c] - d;
            iou[c] = union == 0 ? Double.NaN : d / union;
            if (row[c] > 0) {
                fw += row[c] / total * iou[c];
            }
        }
        return new Scores(total == 0 ? Double.NaN : trace / total, nanMean(acc), nanMean(iou),
                total == 0 ? Double.NaN : fw, iou, acc, names, (long) total);
    }

    static double nanMean(double[] v) {
        double s = 0;
        int n = 0;
        for (double x : v) {
            if (!Double.isNaN(x)) {
                s += x;
                n++;
            }
        }
        return n == 0 ? Double.NaN : s / n;
    }
}
