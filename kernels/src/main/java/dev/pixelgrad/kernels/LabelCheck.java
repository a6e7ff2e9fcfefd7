package dev.pixelgrad.kernels;

import dev.pixelgrad.tensor.Shape;
import java.util.Arrays;

/** The error every backend raises for a label outside [0, classes) that is not the ignore index. */
public final class LabelCheck {
    private LabelCheck() {}

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
