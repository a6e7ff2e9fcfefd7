package dev.pixelgrad.tensor;

import java.util.Arrays;

/**
 * The check of class labels against a class count, and the errors every backend raises when it fails. A
 * label is valid when it lies in [0, classes) or is the ignore index. The CPU backend and the data
 * loaders scan host arrays with {@link #firstOutOfRange}; the CUDA backend scans on the device and
 * raises the same errors.
 */
public final class LabelCheck {
    private LabelCheck() {}

    /**
     * The index of the first of {@code values[0, count)} outside [0, classes) that is not
     * {@code ignoreIndex}, or -1 when every one is valid.
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

    /** The error for a label outside [0, classes) that is not the ignore index, naming its value and position. */
    public static IllegalArgumentException badLabel(String op, int value, long flatIndex, Shape labelShape, int classes,
                                                    int ignoreIndex) {
        return new IllegalArgumentException(op + ": label " + value + " at position " + position(flatIndex, labelShape)
                + " is outside [0, " + classes + ") and is not the ignore index " + ignoreIndex);
    }

    /** The error for a predicted class outside [0, classes) (a confusion matrix fed something other than argmax). */
    public static IllegalArgumentException badPrediction(String op, int value, long flatIndex, Shape shape, int classes) {
        return new IllegalArgumentException(op + ": prediction " + value + " at position " + position(flatIndex, shape)
                + " is outside [0, " + classes + ")");
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
