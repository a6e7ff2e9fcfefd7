// Element-wise ops, on float32 and on bfloat16. The plain version of each is one line of the CPU backend
// (ElementwiseCpu.java), which computes float32; on bfloat16 each value is widened, computed in float and
// rounded once (BFloat16.round), as PyTorch's bfloat16 element-wise ops do:
//   add:        y[i] = a[i] + b[i]
//   scale:      y[i] = s * x[i]
//   relu:       y[i] = x[i] <= 0 ? 0 : x[i]    relu_backward: gx[i] = y[i] > 0 ? gy[i] : 0
//   bias:       y[n, c, i] = x[n, c, i] + b[c]        bias_relu: relu of that (the fused convolution's epilogue)
//   crop:       y[p, r, q] = x[p, offH + r, offW + q]        crop_backward: its adjoint (zeros elsewhere)
//   dropout:    y[i] = uniform(seed, i) >= p ? x[i] * scale : 0   (the same call maps gy to gx)
//   broadcast:  y[i] = scale * s[0]
//   cast:       y[i] = bf16_round(x[i]) (float32 to bfloat16)    y[i] = bf16_widen(x[i]) (back, exact)
#include "common.cuh"

// Each op is one template over the element type T (float, or bfloat16 computed in float and rounded once),
// with an entry point per type.

template <typename T>
__device__ __forceinline__ void add(const T* a, const T* b, T* y, long n) {
    FOR_EACH(i, n) store_rounded(y, i, load_as_float(a, i) + load_as_float(b, i));
}
extern "C" __global__ void add_f32(const float* a, const float* b, float* y, long n) { add(a, b, y, n); }
extern "C" __global__ void add_bf16(const bf16* a, const bf16* b, bf16* y, long n) { add(a, b, y, n); }

template <typename T>
__device__ __forceinline__ void scale(const T* x, float s, T* y, long n) {
    FOR_EACH(i, n) store_rounded(y, i, s * load_as_float(x, i));
}
extern "C" __global__ void scale_f32(const float* x, float s, float* y, long n) { scale(x, s, y, n); }
extern "C" __global__ void scale_bf16(const bf16* x, float s, bf16* y, long n) { scale(x, s, y, n); }

template <typename T>
__device__ __forceinline__ void relu(const T* x, T* y, long n) {
    FOR_EACH(i, n) {
        float v = load_as_float(x, i);
        store_rounded(y, i, v <= 0.f ? 0.f : v);  // NaN stays NaN, as on the CPU
    }
}
extern "C" __global__ void relu_f32(const float* x, float* y, long n) { relu(x, y, n); }
extern "C" __global__ void relu_bf16(const bf16* x, bf16* y, long n) { relu(x, y, n); }

template <typename T>
__device__ __forceinline__ void relu_backward(const T* gy, const T* y, T* gx, long n) {
    FOR_EACH(i, n) gx[i] = load_as_float(y, i) > 0.f ? gy[i] : (T)0;
}
extern "C" __global__ void relu_backward_f32(const float* gy, const float* y, float* gx, long n) {
    relu_backward(gy, y, gx, n);
}
extern "C" __global__ void relu_backward_bf16(const bf16* gy, const bf16* y, bf16* gx, long n) {
    relu_backward(gy, y, gx, n);
}

// Rounding to bfloat16 is monotonic and keeps zero and NaN, so rectifying before the one rounding gives the
// bits of bias followed by relu.
template <bool Relu, typename T>
__device__ __forceinline__ void add_channel_bias(const T* x, const T* b, T* y, int channels, long plane, long n) {
    FOR_EACH(i, n) {
        float v = load_as_float(x, i) + load_as_float(b, (i / plane) % channels);
        store_rounded(y, i, Relu && v <= 0.f ? 0.f : v);  // NaN stays NaN, as relu's
    }
}
extern "C" __global__ void add_channel_bias_f32(const float* x, const float* b, float* y, int channels, long plane,
                                                long n) {
    add_channel_bias<false>(x, b, y, channels, plane, n);
}
extern "C" __global__ void add_channel_bias_bf16(const bf16* x, const bf16* b, bf16* y, int channels, long plane,
                                                 long n) {
    add_channel_bias<false>(x, b, y, channels, plane, n);
}
extern "C" __global__ void add_channel_bias_relu_f32(const float* x, const float* b, float* y, int channels,
                                                     long plane, long n) {
    add_channel_bias<true>(x, b, y, channels, plane, n);
}
extern "C" __global__ void add_channel_bias_relu_bf16(const bf16* x, const bf16* b, bf16* y, int channels,
                                                      long plane, long n) {
    add_channel_bias<true>(x, b, y, channels, plane, n);
}

// One thread per output element; total = planes * outH * outW.
template <typename T>
__device__ __forceinline__ void crop(const T* x, T* y, int inH, int inW, int offH, int offW, int outH, int outW,
                                     long total) {
    FOR_EACH(i, total) {
        long p = i / ((long)outH * outW);
        int r = (int)((i / outW) % outH);
        int q = (int)(i % outW);
        y[i] = x[(p * inH + offH + r) * inW + offW + q];
    }
}
extern "C" __global__ void crop_f32(const float* x, float* y, int inH, int inW, int offH, int offW, int outH,
                                    int outW, long total) {
    crop(x, y, inH, inW, offH, offW, outH, outW, total);
}
extern "C" __global__ void crop_bf16(const bf16* x, bf16* y, int inH, int inW, int offH, int offW, int outH,
                                     int outW, long total) {
    crop(x, y, inH, inW, offH, offW, outH, outW, total);
}

// One thread per input element (a gather, so no zeroing pass and no atomics); total = planes * inH * inW.
template <typename T>
__device__ __forceinline__ void crop_backward(const T* gy, T* gx, int inH, int inW, int offH, int offW, int outH,
                                              int outW, long total) {
    FOR_EACH(i, total) {
        long p = i / ((long)inH * inW);
        int r = (int)((i / inW) % inH) - offH;
        int q = (int)(i % inW) - offW;
        gx[i] = (r >= 0 && r < outH && q >= 0 && q < outW) ? gy[(p * outH + r) * outW + q] : (T)0;
    }
}
extern "C" __global__ void crop_backward_f32(const float* gy, float* gx, int inH, int inW, int offH, int offW,
                                             int outH, int outW, long total) {
    crop_backward(gy, gx, inH, inW, offH, offW, outH, outW, total);
}
extern "C" __global__ void crop_backward_bf16(const bf16* gy, bf16* gx, int inH, int inW, int offH, int offW,
                                              int outH, int outW, long total) {
    crop_backward(gy, gx, inH, inW, offH, offW, outH, outW, total);
}

template <typename T>
__device__ __forceinline__ void dropout(const T* x, T* y, float p, float scale, unsigned long long seed, long n) {
    FOR_EACH(i, n) {
        store_rounded(y, i, counter_uniform(seed, (unsigned long long)i) >= p ? load_as_float(x, i) * scale : 0.f);
    }
}
extern "C" __global__ void dropout_f32(const float* x, float* y, float p, float scale, unsigned long long seed,
                                       long n) {
    dropout(x, y, p, scale, seed, n);
}
extern "C" __global__ void dropout_bf16(const bf16* x, bf16* y, float p, float scale, unsigned long long seed,
                                        long n) {
    dropout(x, y, p, scale, seed, n);
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
