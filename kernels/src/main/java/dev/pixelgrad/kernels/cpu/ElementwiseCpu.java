package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.tensor.CounterRng;
import java.util.Arrays;

/** Element-wise ops: forward and backward side by side, split across cores in contiguous pieces. */
final class ElementwiseCpu {
    /** Elements per piece below which splitting is not worth a thread hand-off. */
    static final int GRAIN = 1 << 15;

    private ElementwiseCpu() {}

    static void add(float[] a, float[] b, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = a[i] + b[i];
            }
        });
    }

    static void scale(float[] x, float s, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = s * x[i];
            }
        });
    }

    /** out[n, c, i] = x[n, c, i] + bias[c], with {@code plane} positions i per channel. */
    static void addChannelBias(float[] x, float[] bias, float[] out, int n, int c, int plane) {
        Parallel.forRange(n * c, Math.max(1, GRAIN / Math.max(1, plane)), (from, to) -> {
            for (int nc = from; nc < to; nc++) {
                float b = bias[nc % c];
                int o = nc * plane;
                for (int i = o; i < o + plane; i++) {
                    out[i] = x[i] + b;
                }
            }
        });
    }

    static void relu(float[] x, float[] out, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                // Math.max keeps NaN (as PyTorch does, so a blown-up net cannot look healthy) and turns -0 into
                // +0, as a select would; unlike a select, the JIT compiles it to vector max instructions (7x).
                out[i] = Math.max(x[i], 0f);
            }
        });
    }

    /**
     * The gradient passes where the output was positive (where the input was, equivalently):
     * gx = y > 0 ? gy : +0, bit for bit, as an and-mask on the bits. The JIT does not vectorise a float
     * select, and does vectorise this (4x): with t = bits(y) - 1, y is in (0, +inf] exactly when t is in
     * [0, bits(+inf)), which holds when t - bits(+inf) is negative and t is not (a NaN, a zero and every
     * negative y fail one of the two).
     */
    static void reluBackward(float[] gy, float[] y, float[] gx, int n) {
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                int t = Float.floatToRawIntBits(y[i]) - 1;
                int keep = ((t - POSITIVE_INFINITY_BITS) >> 31) & ~(t >> 31); // all ones where y > 0, else 0
                gx[i] = Float.intBitsToFloat(Float.floatToRawIntBits(gy[i]) & keep);
            }
        });
    }

    private static final int POSITIVE_INFINITY_BITS = Float.floatToRawIntBits(Float.POSITIVE_INFINITY);

    /** out[nc, y, x] = in[nc, offH + y, offW + x] for each of {@code planes} planes. */
    static void crop(float[] in, int inH, int inW, int offH, int offW, float[] out, int outH, int outW, int planes) {
        Parallel.forRange(planes, Math.max(1, GRAIN / Math.max(1, outH * outW)), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(in, (pl * inH + offH + y) * inW + offW, out, (pl * outH + y) * outW, outW);
                }
            }
        });
    }

    /** The adjoint of crop: zeros, with the window filled from gy. */
    static void cropBackward(float[] gy, int outH, int outW, int offH, int offW, float[] gx, int inH, int inW, int planes) {
        Parallel.forRange(planes, Math.max(1, GRAIN / Math.max(1, inH * inW)), (from, to) -> {
            for (int pl = from; pl < to; pl++) {
                Arrays.fill(gx, pl * inH * inW, (pl + 1) * inH * inW, 0f);
                for (int y = 0; y < outH; y++) {
                    System.arraycopy(gy, (pl * outH + y) * outW, gx, (pl * inH + offH + y) * inW + offW, outW);
                }
            }
        });
    }

    /**
     * Inverted dropout, element i kept when CounterRng.uniform(seed, i) >= p. The same function maps
     * the upstream gradient to the input gradient, since the mask is regenerated, not stored.
     */
    static void dropout(float[] x, float p, long seed, float[] out, int n) {
        float keepScale = 1f / (1f - p);
        Parallel.forRange(n, GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                out[i] = CounterRng.uniform(seed, i) >= p ? x[i] * keepScale : 0f;
            }
        });
    }
}
