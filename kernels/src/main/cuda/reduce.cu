// Reductions, label checks and the confusion matrix. Partial sums are double and combined in a fixed
// order, so results do not depend on scheduling. Plain versions (ReductionCpu.java):
//   sum:              out = sum_i x[i]
//   sum_per_channel:  out[c] = sum over n, i of x[n, c, i]    (relu_mask_: of x masked by y > 0, the mask
//                     written back into x)
//   argmax_channels:  out[n, i] = the first c with the largest x[n, c, i] (NaN wins)
//   confusion:        counts[label * C + pred] += 1 for every pixel whose label is not ignored
#include "common.cuh"

// Pass 1 of sum: block b adds up its grid-stride share into partial[b].
extern "C" __global__ void sum_partial_f32(const float* x, double* partial, long n) {
    double s = 0.0;
    FOR_EACH(i, n) s += x[i];
    s = block_sum(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}

// Pass 2 of sum (one block): out[0] = scale * sum of the partials, as a float.
extern "C" __global__ void sum_finish_f32(const double* partial, int count, double scale, float* out) {
    double s = 0.0;
    for (int i = threadIdx.x; i < count; i += blockDim.x) s += partial[i];
    s = block_sum(s);
    if (threadIdx.x == 0) out[0] = (float)(s * scale);
}

// Per-channel sums in two passes. The first runs a grid of (channel, slice) blocks: block (c, s) adds up the
// s-th of gridDim.y equal slices of channel c's n x plane values into partial[c * slices + s], walking the
// slice image by image (no division per value); the finish adds each channel's slices in order, and on
// bfloat16 rounds the sum once, from the float32 the double sum gives (as the CPU's float32 sum then
// rounded). With Relu (the backward pass of a convolution fused with its relu) each value of x is first
// masked by y > 0, in place: the relu's gradient and the bias gradient in one pass.
template <bool Relu, typename T>
__device__ __forceinline__ void sum_per_channel_partial(const T* x, const T* y, T* masked, double* partial, int n,
                                                        int channels, long plane) {
    int c = blockIdx.x;
    long total = (long)n * plane;
    long per = (total + gridDim.y - 1) / gridDim.y;
    long begin = blockIdx.y * per;
    long end = min(total, begin + per);
    double s = 0.0;
    for (long img = begin / plane; img * plane < end; img++) {
        long base = (img * channels + c) * plane;
        long to = min(end, (img + 1) * plane) - img * plane;
        for (long i = max(begin, img * plane) - img * plane + threadIdx.x; i < to; i += blockDim.x) {
            float v = load_as_float(x, base + i);
            if (Relu && !(load_as_float(y, base + i) > 0.f)) {
                v = 0.f;
                masked[base + i] = (T)0;
            }
            s += v;
        }
    }
    s = block_sum(s);
    if (threadIdx.x == 0) partial[c * gridDim.y + blockIdx.y] = s;
}
extern "C" __global__ void sum_per_channel_partial_f32(const float* x, double* partial, int n, int channels,
                                                       long plane) {
    sum_per_channel_partial<false>(x, x, (float*)0, partial, n, channels, plane);
}
extern "C" __global__ void sum_per_channel_partial_bf16(const bf16* x, double* partial, int n, int channels,
                                                        long plane) {
    sum_per_channel_partial<false>(x, x, (bf16*)0, partial, n, channels, plane);
}
extern "C" __global__ void relu_mask_sum_per_channel_partial_f32(float* gy, const float* y, double* partial, int n,
                                                                 int channels, long plane) {
    sum_per_channel_partial<true>(gy, y, gy, partial, n, channels, plane);
}
extern "C" __global__ void relu_mask_sum_per_channel_partial_bf16(bf16* gy, const bf16* y, double* partial, int n,
                                                                  int channels, long plane) {
    sum_per_channel_partial<true>(gy, y, gy, partial, n, channels, plane);
}

template <typename T>
__device__ __forceinline__ void sum_per_channel_finish(const double* partial, int slices, T* out, int channels) {
    FOR_EACH(c, channels) {
        double s = 0.0;
        for (int k = 0; k < slices; k++) s += partial[c * slices + k];
        store_rounded(out, c, (float)s);
    }
}
extern "C" __global__ void sum_per_channel_finish_f32(const double* partial, int slices, float* out, int channels) {
    sum_per_channel_finish(partial, slices, out, channels);
}
extern "C" __global__ void sum_per_channel_finish_bf16(const double* partial, int slices, bf16* out, int channels) {
    sum_per_channel_finish(partial, slices, out, channels);
}

template <typename T>
__device__ __forceinline__ void argmax_channels(const T* x, int* out, int n, int channels, long plane) {
    long total = (long)n * plane;
    FOR_EACH(q, total) {
        long img = q / plane;
        long i = q - img * plane;
        const T* p = x + img * channels * plane + i;
        float best = load_as_float(p, 0);
        int arg = 0;
        for (int c = 1; c < channels && !isnan(best); c++) {
            float v = load_as_float(p, c * plane);
            if (v > best || isnan(v)) {
                best = v;
                arg = c;
            }
        }
        out[q] = arg;
    }
}
extern "C" __global__ void argmax_channels_f32(const float* x, int* out, int n, int channels, long plane) {
    argmax_channels(x, out, n, channels, plane);
}
extern "C" __global__ void argmax_channels_bf16(const bf16* x, int* out, int n, int channels, long plane) {
    argmax_channels(x, out, n, channels, plane);
}

// Finds the first label outside [0, classes) that is not `ignore` (its index, in first_bad, which the
// host initialises to n) and counts the labels that are used (in used).
extern "C" __global__ void check_labels_i32(const int* labels, int classes, int ignore, long n,
                                            unsigned long long* first_bad, unsigned long long* used) {
    unsigned long long mine = 0;
    FOR_EACH(i, n) {
        int t = labels[i];
        if (t == ignore) continue;
        if (t < 0 || t >= classes) {
            atomicMin(first_bad, (unsigned long long)i);
        } else {
            mine++;
        }
    }
    if (mine) atomicAdd(used, mine);
}

// Labels and predictions are checked beforehand (check_labels_i32 on both); the guard keeps a bad
// prediction from writing outside the matrix even so.
extern "C" __global__ void confusion_matrix_i32(const int* pred, const int* labels, int* counts, int classes,
                                                int ignore, long n) {
    FOR_EACH(i, n) {
        int t = labels[i];
        int p = pred[i];
        if (t != ignore && p >= 0 && p < classes) atomicAdd(&counts[t * classes + p], 1);
    }
}
