package dev.pixelgrad.kernels.cpu;

/** Fused optimizer updates: one pass over parameter, gradient and state, in place. */
final class OptimizerCpu {
    private OptimizerCpu() {}

    /** v = momentum v + lr (g + wd w); w -= v. */
    static void sgd(float[] w, float[] g, float[] v, int n, float lr, float momentum, float wd) {
        Parallel.forRange(n, ElementwiseCpu.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float grad = g[i] + wd * w[i];
                float vel = momentum * v[i] + lr * grad;
                v[i] = vel;
                w[i] -= vel;
            }
        });
    }

    /** Adam as PyTorch writes it: bias corrections folded into the step size and the denominator. */
    static void adam(float[] w, float[] g, float[] m, float[] v, int n, float lr, float b1, float b2, float eps,
                     float wd, long step) {
        double bc1 = 1 - Math.pow(b1, step);
        double bc2 = 1 - Math.pow(b2, step);
        float stepSize = (float) (lr / bc1);
        float invSqrtBc2 = (float) (1 / Math.sqrt(bc2));
        Parallel.forRange(n, ElementwiseCpu.GRAIN, (from, to) -> {
            for (int i = from; i < to; i++) {
                float grad = g[i] + wd * w[i];
                float mi = b1 * m[i] + (1 - b1) * grad;
                float vi = b2 * v[i] + (1 - b2) * grad * grad;
                m[i] = mi;
                v[i] = vi;
                w[i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
            }
        });
    }
}
