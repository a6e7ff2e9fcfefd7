package dev.pixelgrad.kernels.cpu;

/** Reductions. Partial sums are double, so results do not depend on how the work was split. */
final class ReductionCpu {
    private ReductionCpu() {}

    static float sum(float[] x, int n) {
        int pieces = Math.max(1, Math.min(Parallel.THREADS * 4, n / ElementwiseCpu.GRAIN));
        double[] partial = new double[pieces];
        int per = (n + pieces - 1) / pieces;
        Parallel.forRange(pieces, 1, (from, to) -> {
            for (int pc = from; pc < to; pc++) {
                partial[pc] = sumRange(x, Math.min(n, pc * per), Math.min(n, (pc + 1) * per));
            }
        });
        double total = 0;
        for (double s : partial) {
            total += s;
        }
        return (float) total;
    }

    /**
     * x[from, to) summed in double, as eight interleaved running sums: one sum waits on each add's latency
     * (a quarter of an element per cycle), eight keep both adders busy.
     */
    static double sumRange(float[] x, int from, int to) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int i = from;
        for (; i + 8 <= to; i += 8) {
            s0 += x[i];
            s1 += x[i + 1];
            s2 += x[i + 2];
            s3 += x[i + 3];
            s4 += x[i + 4];
            s5 += x[i + 5];
            s6 += x[i + 6];
            s7 += x[i + 7];
        }
        for (; i < to; i++) {
            s0 += x[i];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    /** out[c] = sum over images and positions of x[img, c, i]. */
    static void sumPerChannel(float[] x, int n, int c, int plane, float[] out) {
        Parallel.forRange(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double s = 0;
                for (int img = 0; img < n; img++) {
                    int o = (img * c + ch) * plane;
                    s += sumRange(x, o, o + plane);
                }
                out[ch] = (float) s;
            }
        });
    }

    /** out[n, i] = the channel c with the largest x[n, c, i], the first one on ties (NaN wins). */
    static void argmaxChannels(float[] x, int n, int c, int plane, int[] out) {
        Parallel.forRange(n * plane, ElementwiseCpu.GRAIN / Math.max(1, c), (from, to) -> {
            for (int q = from; q < to; q++) {
                int img = q / plane;
                int i = q - img * plane;
                int base = img * c * plane + i;
                float best = x[base];
                int arg = 0;
                for (int ch = 1; ch < c && !Float.isNaN(best); ch++) {
                    float v = x[base + ch * plane];
                    if (v > best || Float.isNaN(v)) {
                        best = v;
                        arg = ch;
                    }
                }
                out[q] = arg;
            }
        });
    }
}
