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
                double s = 0;
                for (int i = pc * per, e = Math.min(n, (pc + 1) * per); i < e; i++) {
                    s += x[i];
                }
                partial[pc] = s;
            }
        });
        double total = 0;
        for (double s : partial) {
            total += s;
        }
        return (float) total;
    }

    /** out[c] = sum over images and positions of x[img, c, i]. */
    static void sumPerChannel(float[] x, int n, int c, int plane, float[] out) {
        Parallel.forRange(c, 1, (from, to) -> {
            for (int ch = from; ch < to; ch++) {
                double s = 0;
                for (int img = 0; img < n; img++) {
                    int o = (img * c + ch) * plane;
                    for (int i = o; i < o + plane; i++) {
                        s += x[i];
                    }
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
