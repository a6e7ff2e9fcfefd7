// pixelgrad-ptx-arch: compute_80 (TF32 tensor cores: mma.sync with .tf32 operands needs sm_80)
//
// Our SGEMM in TF32 on tensor cores, the Precision.TF32 twin of gemm.cu (same parameters, same
// row-major C = alpha * op(A) * op(B) + beta * C; with beta == 0, C is never read).
//
// Plain version (ReferenceSgemm.java, with every input first rounded to TF32):
//   C[i][j] = alpha * sum_p tf32(A(i, p)) * tf32(B(p, j)) + beta * C[i][j]
// where tf32(x) keeps float's sign and exponent and 10 of its 23 mantissa bits, rounded to nearest with
// ties away from zero (cvt.rna.tf32.f32); products and sums stay float32.
//
// Tiling: a block of 256 threads (8 warps) computes a 128 x 128 tile of C, stepping through K 16 at a
// time. Each step stages an A tile (128 x 16) and a B tile (16 x 128) in shared memory, k-major and
// already rounded to TF32, with rows padded to 136 floats so that a warp's fragment loads hit 32
// different banks. The warps sit 2 x 4 over the tile, each owning 64 x 32 of C: 4 x 4 tensor-core
// products of 16 x 8 (m16n8k8) per 8 values of k, with C's 64 values per thread in registers. Tiles
// are loaded with zero padding at the edges, so any M, N, K and leading dimension work.
#include "common.cuh"

#define TC_BM 128
#define TC_BN 128
#define TC_BK 16
#define TC_PAD 8
#define WARP_M 64
#define WARP_N 32

// A float rounded to TF32 (its low 13 bits zero), as the 32-bit pattern mma.sync takes.
__device__ __forceinline__ uint32_t to_tf32(float x) {
#ifdef __CUDACC__
    uint32_t r;
    asm("cvt.rna.tf32.f32 %0, %1;" : "=r"(r) : "f"(x));
    return r;
#else
    return emu::tf32_round(x);
#endif
}

// d = a * b + c over one warp: a 16 x 8 TF32 fragment of A (row-major), an 8 x 8 of B (column-major),
// 16 x 8 float of C and D. Lane l holds, with g = l / 4 and t = l % 4:
//   a0 = A[g][t], a1 = A[g + 8][t], a2 = A[g][t + 4], a3 = A[g + 8][t + 4]
//   b0 = B[t][g], b1 = B[t + 4][g]
//   c0 = C[g][2t], c1 = C[g][2t + 1], c2 = C[g + 8][2t], c3 = C[g + 8][2t + 1] (d likewise)
// (the PTX ISA's fragment layouts for mma.m16n8k8 with .tf32; the emulated device implements the same).
__device__ __forceinline__ void mma_tf32_16x8x8(float d[4], const uint32_t a[4], const uint32_t b[2]) {
#ifdef __CUDACC__
    asm volatile(
        "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
    emu::mma_m16n8k8_tf32(d, a, b);
#endif
}

template <bool TA, bool TB>
__device__ __forceinline__ void sgemm_tf32_tile(int M, int N, int K, float alpha, const float* __restrict__ A,
                                                int lda, const float* __restrict__ B, int ldb, float beta,
                                                float* __restrict__ C, int ldc) {
    __shared__ __align__(16) uint32_t As[TC_BK][TC_BM + TC_PAD];
    __shared__ __align__(16) uint32_t Bs[TC_BK][TC_BN + TC_PAD];
    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int g = lane >> 2;  // the fragment's row group
    const int t = lane & 3;   // the thread in its group
    const int warp = tid >> 5;
    const int wm = (warp >> 2) * WARP_M;  // the warp's rows within the block's tile: 0 or 64
    const int wn = (warp & 3) * WARP_N;   // its columns: 0, 32, 64 or 96
    const int row0 = blockIdx.y * TC_BM;
    const int col0 = blockIdx.x * TC_BN;
    float acc[WARP_M / 16][WARP_N / 8][4];
    zero_warp_tile<WARP_M, WARP_N>(acc);

    for (int k0 = 0; k0 < K; k0 += TC_BK) {
        // Stage A(row0 .. row0+128, k0 .. k0+16) and B(k0 .. k0+16, col0 .. col0+128), rounded to TF32:
        // 2048 values each, 8 per thread, read along memory order.
        auto tf32 = [](float v) { return to_tf32(v); };
        stage_tile<TC_BM, TC_BK, 256, !TA, K_MAJOR>(&As[0][0], TC_BM + TC_PAD, A, lda, M, K, row0, k0, tf32);
        stage_tile<TC_BN, TC_BK, 256, TB, K_MAJOR>(&Bs[0][0], TC_BN + TC_PAD, B, ldb, N, K, col0, k0, tf32);
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TC_BK; kk += 8) {
            uint32_t a[WARP_M / 16][4];
            uint32_t b[WARP_N / 8][2];
#pragma unroll
            for (int i = 0; i < WARP_M / 16; i++) {
                int r = wm + i * 16 + g;
                a[i][0] = As[kk + t][r];
                a[i][1] = As[kk + t][r + 8];
                a[i][2] = As[kk + t + 4][r];
                a[i][3] = As[kk + t + 4][r + 8];
            }
#pragma unroll
            for (int j = 0; j < WARP_N / 8; j++) {
                int c = wn + j * 8 + g;
                b[j][0] = Bs[kk + t][c];
                b[j][1] = Bs[kk + t + 4][c];
            }
#pragma unroll
            for (int i = 0; i < WARP_M / 16; i++)
#pragma unroll
                for (int j = 0; j < WARP_N / 8; j++) mma_tf32_16x8x8(acc[i][j], a[i], b[j]);
        }
        __syncthreads();
    }
    store_warp_tile<WARP_M, WARP_N>(acc, C, ldc, M, N, row0 + wm, col0 + wn, alpha, beta);
}

// The four entry points, one per pair of transposes.
extern "C" __global__ void __launch_bounds__(256) sgemm_tf32_nn(int M, int N, int K, float alpha, const float* A,
                                                               int lda, const float* B, int ldb, float beta, float* C,
                                                               int ldc) {
    sgemm_tf32_tile<false, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) sgemm_tf32_nt(int M, int N, int K, float alpha, const float* A,
                                                               int lda, const float* B, int ldb, float beta, float* C,
                                                               int ldc) {
    sgemm_tf32_tile<false, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) sgemm_tf32_tn(int M, int N, int K, float alpha, const float* A,
                                                               int lda, const float* B, int ldb, float beta, float* C,
                                                               int ldc) {
    sgemm_tf32_tile<true, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) sgemm_tf32_tt(int M, int N, int K, float alpha, const float* A,
                                                               int lda, const float* B, int ldb, float beta, float* C,
                                                               int ldc) {
    sgemm_tf32_tile<true, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
