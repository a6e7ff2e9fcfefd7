package dev.pixelgrad.tensor.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pixelgrad.tensor.Tensor;

/**
 * Comparisons for tests. The relative error of an array against the expected values is
 * max_i |actual_i - expected_i| / max_i |expected_i|: one number per tensor, meaningful for tensors
 * that contain zeros (where an element-wise ratio is not).
 */
public final class Approx {
    private Approx() {}

    private static void sameLength(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("lengths differ: " + actual.length + " vs " + expected.length);
        }
    }

    public static double relativeError(float[] actual, float[] expected) {
        sameLength(actual, expected);
        double maxDiff = 0;
        double maxExpected = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (Double.isNaN(d)) {
                return Double.POSITIVE_INFINITY;
            }
            maxDiff = Math.max(maxDiff, d);
            maxExpected = Math.max(maxExpected, Math.abs(expected[i]));
        }
        if (maxExpected == 0) {
            return maxDiff; // all expected values zero: the absolute error is the only meaningful measure
        }
        return maxDiff / maxExpected;
    }

    /**
     * ||actual - expected|| / ||expected|| in the 2-norm: the error of the array as a whole, for results where
     * a few elements may be far off by design (a gradient through ReLUs whose masks bfloat16's rounding flips).
     */
    public static double normwiseError(float[] actual, float[] expected) {
        sameLength(actual, expected);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < actual.length; i++) {
            double d = (double) actual[i] - expected[i];
            diff += d * d;
            norm += (double) expected[i] * expected[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    public static void assertClose(float[] expected, float[] actual, double tolerance, String what) {
        double err = relativeError(actual, expected);
        if (!(err <= tolerance)) {
            int worst = 0;
            for (int i = 1; i < actual.length; i++) {
                if (Math.abs(actual[i] - expected[i]) > Math.abs(actual[worst] - expected[worst])) {
                    worst = i;
                }
            }
            fail(what + ": relative error " + err + " > " + tolerance + " (worst at element " + worst + ": expected "
                    + expected[worst] + ", got " + actual[worst] + ")");
        }
    }

    public static void assertClose(Tensor expected, Tensor actual, double tolerance, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        assertClose(expected.toFloatArray(), actual.toFloatArray(), tolerance, what);
    }

    public static void assertSameInts(Tensor expected, Tensor actual, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        assertArrayEquals(expected.toIntArray(), actual.toIntArray(), what);
    }
}
