// im2col and its adjoint for our own convolution (im2col + sgemm, as ConvCpu.java on the CPU). For a
// band of output positions [p0, p0 + pc) of one image:
//   col[r, q - p0] = x[ci, oy*sh - ph + ky, ox*sw - pw + kx]  (0 in the padding), r = (ci, ky, kx), q = (oy, ox)
//   col2im: gx[ci, iy, ix] += sum of col[r, q - p0] over the (r, q) that read (ci, iy, ix)
// col2im gathers (one thread per input pixel, looping over the kernel taps), so it needs no atomics and is
// deterministic. im2col only moves values, so its bfloat16 form copies them exactly; col2im sums, so it stays
// float32 (a bfloat16 convolution's col is its GEMM's float32 output, rounded once after the sum).
#include "common.cuh"

template <typename T>
__device__ __forceinline__ void im2col(const T* x, T* col, int cin, int h, int w, int kh, int kw, int sh, int sw,
                                       int ph, int pw, int wo, long p0, long pc) {
    long total = (long)cin * kh * kw * pc;
    FOR_EACH(i, total) {
        long r = i / pc;
        long q = p0 + (i - r * pc);
        int kx = (int)(r % kw);
        int ky = (int)((r / kw) % kh);
        int ci = (int)(r / ((long)kw * kh));
        int oy = (int)(q / wo), ox = (int)(q % wo);
        int iy = oy * sh - ph + ky, ix = ox * sw - pw + kx;
        col[i] = (iy >= 0 && iy < h && ix >= 0 && ix < w) ? x[((long)ci * h + iy) * w + ix] : (T)0;
    }
}
extern "C" __global__ void im2col_f32(const float* x, float* col, int cin, int h, int w, int kh, int kw, int sh,
                                      int sw, int ph, int pw, int wo, long p0, long pc) {
    im2col(x, col, cin, h, w, kh, kw, sh, sw, ph, pw, wo, p0, pc);
}
extern "C" __global__ void im2col_bf16(const bf16* x, bf16* col, int cin, int h, int w, int kh, int kw, int sh,
                                       int sw, int ph, int pw, int wo, long p0, long pc) {
    im2col(x, col, cin, h, w, kh, kw, sh, sw, ph, pw, wo, p0, pc);
}

extern "C" __global__ void col2im_add_f32(const float* col, float* gx, int cin, int h, int w, int kh, int kw, int sh,
                                          int sw, int ph, int pw, int wo, long p0, long pc) {
    long total = (long)cin * h * w;
    FOR_EACH(i, total) {
        int ix = (int)(i % w);
        int iy = (int)((i / w) % h);
        int ci = (int)(i / ((long)w * h));
        float s = 0.f;
        // Only taps with (iy + ph - ky) a multiple of the stride land on an output: start at the first
        // such ky and step by the stride (for FCN's 64x64 stride-32 upsampling, 4 taps of 4096).
        for (int ky = (iy + ph) % sh; ky < kh && ky <= iy + ph; ky += sh) {
            int oy = (iy + ph - ky) / sh;
            for (int kx = (ix + pw) % sw; kx < kw && kx <= ix + pw; kx += sw) {
                int ox = (ix + pw - kx) / sw;
                if (ox >= wo) continue;
                long q = (long)oy * wo + ox;
                if (q < p0 || q >= p0 + pc) continue;
                long r = ((long)ci * kh + ky) * kw + kx;
                s += col[r * pc + (q - p0)];
            }
        }
        gx[i] += s;
    }
}
