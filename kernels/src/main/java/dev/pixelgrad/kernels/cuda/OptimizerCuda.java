package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.Tensor;

/** Fused optimizer updates on the GPU (optim.cu): one pass over weight, gradient and state; the CPU twin is OptimizerCpu. */
final class OptimizerCuda {
    private final Kernels k;

    OptimizerCuda(CudaRuntime rt) {
        this.k = rt.kernels;
    }

    void sgd(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay) {
        long n = w.numel();
        k.sgd_step_f32(Grid.linear(n), addressOf(w), addressOf(g), addressOf(v), lr, momentum, weightDecay, n);
    }

    /** The bias corrections are folded into two scalars on the host, once per step. */
    void adam(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps, float weightDecay,
              long step) {
        double bc1 = 1 - Math.pow(beta1, step);
        double bc2 = 1 - Math.pow(beta2, step);
        long n = w.numel();
        k.adam_step_f32(Grid.linear(n), addressOf(w), addressOf(g), addressOf(m), addressOf(v), beta1, beta2, eps,
                weightDecay, (float) (lr / bc1), (float) (1 / Math.sqrt(bc2)), n);
    }
}
