package dev.pixelgrad.tensor;

import java.util.Arrays;

/**
 * The check of class labels against a class count, and the errors every backend raises when it fails
 * (or when class weights leave a weighted mean nothing to divide by). A label is valid when it lies in
 * [0, classes) or is the ignore index. The CPU backend and the data loaders scan host arrays with
 * {@link #firstOutOfRange}; the CUDA backend scans on the device and raises the same errors.
 */
public final class LabelCheck {
    private LabelCheck() {}

    /**
     * The ignore index for values that have none, such as predictions: class 0, which is in range anyway,
     * so that every value outside [0, classes) is caught (an unused int such as MIN_VALUE would slip past).
     */
    public static final int NOTHING_IGNORED = 0;

    /**
     * The index of the first of {@code values[0, count)} outside [0, classes) that is not
     * {@code ignoreIndex}, or -1 when every one is valid.
     *
     * @param values      the labels
     * @param count       how many of them to check, from the first
     * @param classes     the number of classes
     * @param ignoreIndex the label that is skipped
     * @return the index of the first invalid label, or -1
     */
    public static int firstOutOfRange(int[] values, int count, int classes, int ignoreIndex) {
        for (int i = 0; i < count; i++) {
            int t = values[i];
            if ((t < 0 || t >= classes) && t != ignoreIndex) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The error for a label outside [0, classes) that is not the ignore index, naming the op, the value and
     * its position.
     *
     * @param op          the op's name, which starts the message
     * @param value       the label
     * @param flatIndex   its index in the label tensor, row-major
     * @param labelShape  the label tensor's shape, to turn the index into coordinates
     * @param classes     the number of classes
     * @param ignoreIndex the label that is skipped
     * @return the exception, for the caller to throw
     */
    public static IllegalArgumentException badLabel(String op, int value, long flatIndex, Shape labelShape, int classes,
                                                    int ignoreIndex) {
        return new IllegalArgumentException(op + ": label " + value + " at position " + position(flatIndex, labelShape)
                + " is outside [0, " + classes + ") and is not the ignore index " + ignoreIndex);
    }

    /**
     * The error for a predicted class outside [0, classes) (a confusion matrix fed something other than
     * argmax).
     *
     * @param op        the op's name, which starts the message
     * @param value     the prediction
     * @param flatIndex its index in the tensor, row-major
     * @param shape     the tensor's shape, to turn the index into coordinates
     * @param classes   the number of classes
     * @return the exception, for the caller to throw
     */
    public static IllegalArgumentException badPrediction(String op, int value, long flatIndex, Shape shape, int classes) {
        return new IllegalArgumentException(op + ": prediction " + value + " at position " + position(flatIndex, shape)
                + " is outside [0, " + classes + ")");
    }

    /**
     * The error for a class-weighted mean whose counted pixels all belong to classes of weight 0: the
     * mean divides by the sum of their weights, which is 0 (PyTorch returns NaN here).
     *
     * @param op      the op's name, which starts the message
     * @param counted how many pixels are counted (not ignored)
     * @return the exception, for the caller to throw
     */
    public static IllegalArgumentException zeroWeight(String op, long counted) {
        return new IllegalArgumentException(op + ": the classes of all " + counted + " counted pixels have weight 0, so "
                + "the weighted mean is 0/0; give a present class a positive weight, or ignore those pixels instead");
    }

    /** "[n, i, j]" for a flat index into a tensor of this shape. */
    static String position(long q, Shape shape) {
        int[] d = shape.dims();
        long[] at = new long[d.length];
        for (int i = d.length - 1; i >= 0; i--) {
            at[i] = q % d[i];
            q /= d[i];
        }
        return Arrays.toString(at);
    }
}
