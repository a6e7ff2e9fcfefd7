// Max pooling, one thread per output (forward) or per input element (backward). Windows are clipped
// to the input, so padding and ceil mode's overhang never win; NaN wins. Plain version (PoolCpu.java):
//   y[p, oy, ox] = max of x[p, y, x] over the window; idx = y * W + x of that max
//   gx[p, j] = sum of gy[p, o] over the outputs o whose idx is j
// The backward pass gathers (each input looks at the few windows that can contain it) instead of
// scattering with atomics, so it is deterministic. On bfloat16 the maxima are exact (values are only
// compared and moved) and each input's gradient is summed in float and rounded once.
#include "common.cuh"

template <typename T>
__device__ __forceinline__ void maxpool_forward(const T* x, T* y, int* idx, long planes, int h, int w, int oh, int ow,
                                                int kh, int kw, int sh, int sw, int ph, int pw) {
    long total = planes * oh * ow;
    FOR_EACH(o, total) {
        long p = o / ((long)oh * ow);
        int oy = (int)((o / ow) % oh);
        int ox = (int)(o % ow);
        int y0 = oy * sh - ph, x0 = ox * sw - pw;
        int y1 = min(y0 + kh, h), x1 = min(x0 + kw, w);
        y0 = max(y0, 0);
        x0 = max(x0, 0);
        const T* xp = x + p * h * w;
        float best = -INFINITY;
        int arg = y0 * w + x0;
        bool nan = false;
        for (int yy = y0; yy < y1 && !nan; yy++) {
            for (int xx = x0; xx < x1; xx++) {
                float v = load_as_float(xp, yy * w + xx);
                if (v > best || isnan(v)) {
                    best = v;
                    arg = yy * w + xx;
                    if (isnan(v)) {
                        nan = true;
                        break;
                    }
                }
            }
        }
        store_rounded(y, o, best);  // exact: best is one of the inputs, or -infinity
        idx[o] = arg;
    }
}
extern "C" __global__ void maxpool_forward_f32(const float* x, float* y, int* idx, long planes, int h, int w, int oh,
                                               int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
    maxpool_forward(x, y, idx, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
}
extern "C" __global__ void maxpool_forward_bf16(const bf16* x, bf16* y, int* idx, long planes, int h, int w, int oh,
                                                int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
    maxpool_forward(x, y, idx, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
}

template <typename T>
__device__ __forceinline__ void maxpool_backward(const T* gy, const int* idx, T* gx, long planes, int h, int w, int oh,
                                                 int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
    long total = planes * h * w;
    FOR_EACH(i, total) {
        long p = i / ((long)h * w);
        int j = (int)(i % ((long)h * w));
        int yy = j / w, xx = j % w;
        // Outputs o whose window [o*s - pad, o*s - pad + k) contains this row: (r + pad - k) / s < o <= (r + pad) / s.
        int ay = yy + ph - kh, ax = xx + pw - kw;
        int oy0 = ay < 0 ? 0 : ay / sh + 1;
        int oy1 = min(oh - 1, (yy + ph) / sh);
        int ox0 = ax < 0 ? 0 : ax / sw + 1;
        int ox1 = min(ow - 1, (xx + pw) / sw);
        float s = 0.f;
        const T* gp = gy + p * oh * ow;
        const int* ip = idx + p * oh * ow;
        for (int oy = oy0; oy <= oy1; oy++) {
            for (int ox = ox0; ox <= ox1; ox++) {
                if (ip[oy * ow + ox] == j) s += load_as_float(gp, oy * ow + ox);
            }
        }
        store_rounded(gx, i, s);
    }
}
extern "C" __global__ void maxpool_backward_f32(const float* gy, const int* idx, float* gx, long planes, int h, int w,
                                                int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
    maxpool_backward(gy, idx, gx, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
}
extern "C" __global__ void maxpool_backward_bf16(const bf16* gy, const int* idx, bf16* gx, long planes, int h, int w,
                                                 int oh, int ow, int kh, int kw, int sh, int sw, int ph, int pw) {
    maxpool_backward(gy, idx, gx, planes, h, w, oh, ow, kh, kw, sh, sw, ph, pw);
}

// Pads x [planes, h, w] into y [planes, padded_h, padded_w] with -infinity at the bottom and right,
// so that a floor-mode pooling library computes ceil mode's windows.
template <typename T>
__device__ __forceinline__ void pad_neg_inf(const T* x, T* y, long planes, int h, int w, int padded_h, int padded_w) {
    long total = planes * padded_h * padded_w;
    FOR_EACH(i, total) {
        long p = i / ((long)padded_h * padded_w);
        int r = (int)((i / padded_w) % padded_h);
        int q = (int)(i % padded_w);
        y[i] = (r < h && q < w) ? x[(p * h + r) * w + q] : negative_infinity(y);
    }
}
extern "C" __global__ void pad_neg_inf_f32(const float* x, float* y, long planes, int h, int w, int padded_h,
                                           int padded_w) {
    pad_neg_inf(x, y, planes, h, w, padded_h, padded_w);
}
extern "C" __global__ void pad_neg_inf_bf16(const bf16* x, bf16* y, long planes, int h, int w, int padded_h,
                                            int padded_w) {
    pad_neg_inf(x, y, planes, h, w, padded_h, padded_w);
}
