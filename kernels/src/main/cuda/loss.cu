// Softmax cross-entropy over channels, forward and backward fused in one pass, one thread per pixel.
// Neighbouring threads read neighbouring pixels of the same channel, so every access is coalesced.
// Plain version (CrossEntropyCpu.java), for a pixel with logits z[0..C) and label t != ignore, and class
// weights w (weights == nullptr: 1 each, which gives the unweighted results bit for bit):
//   m = max z;  s = sum exp(z_c - m);  loss = w_t (log(s) + m - z_t)
//   dz_c = w_t (exp(z_c - m) / s - [c == t]) * scale   (scale = 1 / the mean's divisor, 1 for the sum)
// Each block writes its loss sum to partial[block]; sum_finish_f32 (reduce.cu) adds them in order.
#include "common.cuh"

extern "C" __global__ void softmax_xent_f32(const float* z, const int* labels, const float* weights, float* grad,
                                            double* partial, int n, int channels, long plane, int ignore, float scale) {
    double loss = 0.0;
    long total = (long)n * plane;
    FOR_EACH(q, total) {
        long img = q / plane;
        long i = q - img * plane;
        const float* zp = z + img * channels * plane + i;
        int t = labels[q];
        // Read only for a counted pixel: the ignore label is not a class.
        float w = t != ignore && weights != nullptr ? weights[t] : 1.f;
        float m = -INFINITY;
        for (int c = 0; c < channels; c++) m = fmaxf(m, zp[c * plane]);
        float s = 0.f;
        for (int c = 0; c < channels; c++) s += expf(zp[c * plane] - m);
        if (t != ignore) loss += (double)w * ((double)logf(s) + m - zp[t * plane]);
        if (grad != nullptr) {
            float* gp = grad + img * channels * plane + i;
            if (t == ignore) {
                for (int c = 0; c < channels; c++) gp[c * plane] = 0.f;
            } else {
                float ws = scale * w;
                float k = ws / s;
                for (int c = 0; c < channels; c++) gp[c * plane] = expf(zp[c * plane] - m) * k;
                gp[t * plane] -= ws;
            }
        }
    }
    loss = block_sum(loss);
    if (threadIdx.x == 0) partial[blockIdx.x] = loss;
}

// The divisor of the weighted mean, pass 1: block b adds the weights of its counted pixels' classes into
// partial[b] (labels checked beforehand); the host adds the partials in order.
extern "C" __global__ void class_weight_sum_partial_f32(const int* labels, const float* weights, int ignore, long n,
                                                        double* partial) {
    double s = 0.0;
    FOR_EACH(q, n) {
        int t = labels[q];
        if (t != ignore) s += weights[t];
    }
    s = block_sum(s);
    if (threadIdx.x == 0) partial[blockIdx.x] = s;
}
