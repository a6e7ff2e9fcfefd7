// Shared helpers for Pixelgrad's CUDA kernels.
#pragma once
#include <stdint.h>

// Grid-stride loop over [0, n): every kernel here is launched with a bounded grid and walks the rest.
#define FOR_EACH(i, n) for (long i = (long)blockIdx.x * blockDim.x + threadIdx.x; i < (n); \
                            i += (long)blockDim.x * gridDim.x)

// Pixelgrad's CounterRng (tensor/CounterRng.java): SplitMix64's finaliser on seed + (i + 1) * golden.
// The value at index i is a pure function of (seed, i), so CPU and GPU draw the same dropout masks.
__device__ __forceinline__ unsigned long long counter_bits(unsigned long long seed, unsigned long long i) {
    unsigned long long z = seed + (i + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// A float uniform in [0, 1) with 24 random bits: exactly CounterRng.uniform.
__device__ __forceinline__ float counter_uniform(unsigned long long seed, unsigned long long i) {
    return (float)(counter_bits(seed, i) >> 40) * 0x1.0p-24f;
}

// bfloat16 as its 16 bits: the top half of a float32 (tensor/BFloat16.java). The conversions are integer
// arithmetic rather than cvt.rn.bf16.f32, so that they are the same on every GPU, on the emulated device and
// on the CPU, NaN included (the hardware's canonical NaN is 0x7fff, PyTorch's and ours 0x7fc0).
typedef uint16_t bf16;

// The nearest bfloat16, ties to even: 0x7fff, plus one when the kept half is odd, carries into the kept
// half exactly when the dropped half is above one half or equal to it with an odd kept half.
__device__ __forceinline__ bf16 bf16_round(float x) {
    uint32_t u = __float_as_uint(x);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (bf16)0x7fc0;  // NaN
    return (bf16)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}

// The float32 equal to a bfloat16: exact.
__device__ __forceinline__ float bf16_widen(bf16 b) {
    return __uint_as_float((uint32_t)b << 16);
}

// Element i of an array as a float, and a float stored into one: float as it is, bfloat16 widened (exact)
// and rounded (to nearest even).
__device__ __forceinline__ float load_as_float(const float* p, long i) { return p[i]; }
__device__ __forceinline__ float load_as_float(const bf16* p, long i) { return bf16_widen(p[i]); }
__device__ __forceinline__ void store_rounded(float* p, long i, float v) { p[i] = v; }
__device__ __forceinline__ void store_rounded(bf16* p, long i, float v) { p[i] = bf16_round(v); }

// -infinity in the element type of an array (overloads, like load_as_float's).
__device__ __forceinline__ float negative_infinity(const float*) { return -INFINITY; }
__device__ __forceinline__ bf16 negative_infinity(const bf16*) { return (bf16)0xff80; }

// Sum of a double over the block (blockDim.x a power of two, at most 1024), returned to thread 0.
__device__ __forceinline__ double block_sum(double v) {
    __shared__ double partial[32];
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) partial[warp] = v;
    __syncthreads();
    int warps = (blockDim.x + 31) >> 5;
    v = threadIdx.x < warps ? partial[threadIdx.x] : 0.0;
    if (warp == 0) {
        for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    }
    __syncthreads();
    return v;
}

// Where a staged tile's value X(r, k) goes in shared memory: K_MAJOR at s[k * stride + r] (a row of k is
// contiguous: the FP32 and TF32 GEMMs read a column of their fragments), K_INNER at s[r * stride + k] (the
// k of one r are contiguous: the BF16 GEMM reads two consecutive k as one 32-bit register).
enum SharedLayout { K_MAJOR, K_INNER };

// Stages a ROWS x KB tile of a matrix X(r, k), rows row0 .. row0+ROWS and columns k0 .. k0+KB, into shared
// memory in LAYOUT, each value passed through `convert`; values outside R x K are 0. X(r, k) is
// x[r * ld + k] when K_CONTIGUOUS, else x[k * ld + r]; consecutive threads read consecutive addresses either
// way. The GEMMs stage op(A) (r = m, K_CONTIGUOUS unless A is transposed) and op(B) (r = n, K_CONTIGUOUS
// when B is transposed) with it.
template <int ROWS, int KB, int THREADS, bool K_CONTIGUOUS, SharedLayout LAYOUT, typename T, typename S,
          typename Convert>
__device__ __forceinline__ void stage_tile(T* s, int stride, const S* __restrict__ x, int ld, int R, int K, int row0,
                                           int k0, Convert convert) {
#pragma unroll
    for (int l = 0; l < ROWS * KB / THREADS; l++) {
        int e = threadIdx.x + l * THREADS;
        int r, k;
        if (K_CONTIGUOUS) { r = e / KB; k = e % KB; } else { k = e / ROWS; r = e % ROWS; }
        int gr = row0 + r, gk = k0 + k;
        S v = 0;
        if (gr < R && gk < K) v = K_CONTIGUOUS ? x[(long)gr * ld + gk] : x[(long)gk * ld + gr];
        s[LAYOUT == K_MAJOR ? k * stride + r : r * stride + k] = convert(v);
    }
}

// *c = alpha * v + beta * *c, computed in float and stored in c's type. With beta 0, c is not read.
template <typename T>
__device__ __forceinline__ void store_scaled(T* c, float alpha, float v, float beta) {
    store_rounded(c, 0, beta == 0.f ? alpha * v : alpha * v + beta * load_as_float(c, 0));
}

// A warp's share of C in the tensor-core GEMMs (gemm_tf32.cu, gemm_bf16.cu): WM x WN as (WM / 16) x (WN / 8)
// m16n8 accumulators of four floats per lane. Lane l (g = l / 4, t = l % 4) holds, of each, rows g and g + 8
// at columns 2t and 2t + 1 (the mma.sync C/D layout).
template <int WM, int WN>
__device__ __forceinline__ void zero_warp_tile(float (&acc)[WM / 16][WN / 8][4]) {
#pragma unroll
    for (int i = 0; i < WM / 16; i++)
#pragma unroll
        for (int j = 0; j < WN / 8; j++)
#pragma unroll
            for (int r = 0; r < 4; r++) acc[i][j][r] = 0.f;
}

// C[row0 .., col0 ..] = alpha * acc + beta * C for the warp's tile at (row0, col0), inside M x N only.
template <int WM, int WN, typename OutT>
__device__ __forceinline__ void store_warp_tile(const float (&acc)[WM / 16][WN / 8][4], OutT* __restrict__ C, int ldc,
                                                int M, int N, int row0, int col0, float alpha, float beta) {
    const int g = (threadIdx.x & 31) >> 2;
    const int t = threadIdx.x & 3;
#pragma unroll
    for (int i = 0; i < WM / 16; i++) {
#pragma unroll
        for (int j = 0; j < WN / 8; j++) {
#pragma unroll
            for (int r = 0; r < 4; r++) {
                int gm = row0 + i * 16 + g + (r >> 1) * 8;
                int gn = col0 + j * 8 + 2 * t + (r & 1);
                if (gm < M && gn < N) store_scaled(&C[(long)gm * ldc + gn], alpha, acc[i][j][r], beta);
            }
        }
    }
}
