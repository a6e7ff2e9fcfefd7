// Element-wise ops. The plain version of each is one line of the CPU backend (ElementwiseCpu.java):
//   add:        y[i] = a[i] + b[i]
//   scale:      y[i] = s * x[i]
//   relu:       y[i] = x[i] <= 0 ? 0 : x[i]    relu_backward: gx[i] = y[i] > 0 ? gy[i] : 0
//   bias:       y[n, c, i] = x[n, c, i] + b[c]
//   crop:       y[p, r, q] = x[p, offH + r, offW + q]        crop_backward: its adjoint (zeros elsewhere)
//   dropout:    y[i] = uniform(seed, i) >= p ? x[i] * scale : 0   (the same call maps gy to gx)
//   broadcast:  y[i] = scale * s[0]
//   cast:       y[i] = bf16_round(x[i]) (float32 to bfloat16)    y[i] = bf16_widen(x[i]) (back, exact)
#include "common.cuh"

extern "C" __global__ void add_f32(const float* a, const float* b, float* y, long n) {
    FOR_EACH(i, n) y[i] = a[i] + b[i];
}

extern "C" __global__ void scale_f32(const float* x, float s, float* y, long n) {
    FOR_EACH(i, n) y[i] = s * x[i];
}

extern "C" __global__ void relu_f32(const float* x, float* y, long n) {
    FOR_EACH(i, n) {
        float v = x[i];
        y[i] = v <= 0.f ? 0.f : v;  // NaN stays NaN, as on the CPU
    }
}

extern "C" __global__ void relu_backward_f32(const float* gy, const float* y, float* gx, long n) {
    FOR_EACH(i, n) gx[i] = y[i] > 0.f ? gy[i] : 0.f;
}

extern "C" __global__ void add_channel_bias_f32(const float* x, const float* b, float* y, int channels, long plane,
                                                long n) {
    FOR_EACH(i, n) y[i] = x[i] + b[(i / plane) % channels];
}

// One thread per output element; total = planes * outH * outW.
extern "C" __global__ void crop_f32(const float* x, float* y, int inH, int inW, int offH, int offW, int outH,
                                    int outW, long total) {
    FOR_EACH(i, total) {
        long p = i / ((long)outH * outW);
        int r = (int)((i / outW) % outH);
        int q = (int)(i % outW);
        y[i] = x[(p * inH + offH + r) * inW + offW + q];
    }
}

// One thread per input element (a gather, so no zeroing pass and no atomics); total = planes * inH * inW.
extern "C" __global__ void crop_backward_f32(const float* gy, float* gx, int inH, int inW, int offH, int offW,
                                             int outH, int outW, long total) {
    FOR_EACH(i, total) {
        long p = i / ((long)inH * inW);
        int r = (int)((i / inW) % inH) - offH;
        int q = (int)(i % inW) - offW;
        gx[i] = (r >= 0 && r < outH && q >= 0 && q < outW) ? gy[(p * outH + r) * outW + q] : 0.f;
    }
}

extern "C" __global__ void dropout_f32(const float* x, float* y, float p, float scale, unsigned long long seed,
                                       long n) {
    FOR_EACH(i, n) y[i] = counter_uniform(seed, (unsigned long long)i) >= p ? x[i] * scale : 0.f;
}

extern "C" __global__ void broadcast_scalar_f32(const float* s, float scale, float* y, long n) {
    float v = scale * s[0];
    FOR_EACH(i, n) y[i] = v;
}

extern "C" __global__ void cast_f32_to_bf16(const float* x, bf16* y, long n) {
    FOR_EACH(i, n) y[i] = bf16_round(x[i]);
}

extern "C" __global__ void cast_bf16_to_f32(const bf16* x, float* y, long n) {
    FOR_EACH(i, n) y[i] = bf16_widen(x[i]);
}
