// Fused optimizer updates, one pass over parameter, gradient and state. Plain versions (OptimizerCpu.java):
//   sgd:   g' = g + wd w;  v = momentum v + lr g';  w -= v                      (Caffe's form)
//   adam:  g' = g + wd w;  m = b1 m + (1-b1) g';  v = b2 v + (1-b2) g'^2;
//          w -= step_size * m / (sqrt(v) * inv_sqrt_bc2 + eps)                 (PyTorch's form)
// step_size = lr / (1 - b1^t) and inv_sqrt_bc2 = 1 / sqrt(1 - b2^t) are computed once on the host.
#include "common.cuh"

extern "C" __global__ void sgd_step_f32(float* w, const float* g, float* v, float lr, float momentum, float wd,
                                        long n) {
    FOR_EACH(i, n) {
        float grad = g[i] + wd * w[i];
        float vel = momentum * v[i] + lr * grad;
        v[i] = vel;
        w[i] -= vel;
    }
}

extern "C" __global__ void adam_step_f32(float* w, const float* g, float* m, float* v, float b1, float b2, float eps,
                                         float wd, float step_size, float inv_sqrt_bc2, long n) {
    FOR_EACH(i, n) {
        float grad = g[i] + wd * w[i];
        float mi = b1 * m[i] + (1.f - b1) * grad;
        float vi = b2 * v[i] + (1.f - b2) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        w[i] -= step_size * mi / (sqrtf(vi) * inv_sqrt_bc2 + eps);
    }
}
