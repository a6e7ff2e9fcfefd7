// pixelgrad-ptx-arch: compute_80 (BF16 tensor cores: mma.sync with .bf16 operands needs sm_80)
//
// Our GEMM on bfloat16 inputs, on tensor cores: the mixed-precision twin of gemm_tf32.cu (same tiling,
// same row-major C = alpha * op(A) * op(B) + beta * C; with beta == 0, C is never read). A and B are
// bfloat16; products are exact in float32 and summed in float32; C is float32 (gemm_bf16_f32_*) or
// bfloat16, rounded once at the end (gemm_bf16_bf16_*).
//
// Plain version (ReferenceSgemm.java on the inputs widened to float32, then BFloat16.round for a bfloat16 C):
//   C[i][j] = alpha * sum_p A(i, p) * B(p, j) + beta * C[i][j]
//
// Tiling: a block of 256 threads (8 warps) computes a 128 x 128 tile of C, stepping through K 32 at a
// time. Each step stages an A tile (128 x 32) and a B tile (32 x 128) in shared memory with the k of one
// row (of A) or column (of B) contiguous, so that a fragment's two consecutive k are one 32-bit load; rows
// are padded to 40 values (20 words), which puts the 8 rows a warp's load touches in 8 different groups
// of 4 banks. The warps sit 2 x 4 over the tile, each owning 64 x 32 of C: 4 x 4 tensor-core products of
// 16 x 8 (m16n8k16) per 16 values of k, with C's 64 values per thread in registers. Tiles are loaded with
// zero padding at the edges, so any M, N, K and leading dimension work.
#include "common.cuh"

#define BF_BM 128
#define BF_BN 128
#define BF_BK 32
#define BF_STRIDE 40
#define WARP_M 64
#define WARP_N 32

// d = a * b + c over one warp: a 16 x 16 bfloat16 fragment of A (row-major), 16 x 8 of B (column-major),
// 16 x 8 float of C and D. Each register holds two bfloat16, the lower k in the low half. Lane l holds,
// with g = l / 4 and t = l % 4:
//   a0 = A[g][2t, 2t+1], a1 = A[g + 8][2t, 2t+1], a2 = A[g][2t+8, 2t+9], a3 = A[g + 8][2t+8, 2t+9]
//   b0 = B[2t, 2t+1][g], b1 = B[2t+8, 2t+9][g]
//   c0 = C[g][2t], c1 = C[g][2t + 1], c2 = C[g + 8][2t], c3 = C[g + 8][2t + 1] (d likewise)
// (the PTX ISA's fragment layouts for mma.m16n8k16 with .bf16; the emulated device implements the same).
__device__ __forceinline__ void mma_bf16_16x8x16(float d[4], const uint32_t a[4], const uint32_t b[2]) {
#ifdef __CUDACC__
    asm volatile(
        "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, {%8, %9}, "
        "{%0, %1, %2, %3};"
        : "+f"(d[0]), "+f"(d[1]), "+f"(d[2]), "+f"(d[3])
        : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
#else
    emu::mma_m16n8k16_bf16(d, a, b);
#endif
}

// The two bfloat16 at s[0] and s[1] (4-byte aligned) as one register, s[0] in the low half.
__device__ __forceinline__ uint32_t pair_at(const bf16* s) {
    return *reinterpret_cast<const uint32_t*>(s);
}

template <bool TA, bool TB, typename OutT>
__device__ __forceinline__ void gemm_bf16_tile(int M, int N, int K, float alpha, const bf16* __restrict__ A, int lda,
                                               const bf16* __restrict__ B, int ldb, float beta, OutT* __restrict__ C,
                                               int ldc) {
    __shared__ __align__(16) bf16 As[BF_BM][BF_STRIDE];
    __shared__ __align__(16) bf16 Bs[BF_BN][BF_STRIDE];
    const int tid = threadIdx.x;
    const int lane = tid & 31;
    const int g = lane >> 2;  // the fragment's row group
    const int t = lane & 3;   // the thread in its group
    const int warp = tid >> 5;
    const int wm = (warp >> 2) * WARP_M;  // the warp's rows within the block's tile: 0 or 64
    const int wn = (warp & 3) * WARP_N;   // its columns: 0, 32, 64 or 96
    const int row0 = blockIdx.y * BF_BM;
    const int col0 = blockIdx.x * BF_BN;
    float acc[WARP_M / 16][WARP_N / 8][4];
    zero_warp_tile<WARP_M, WARP_N>(acc);

    for (int k0 = 0; k0 < K; k0 += BF_BK) {
        // Stage A(row0 .. row0+128, k0 .. k0+32) and B(k0 .. k0+32, col0 .. col0+128): 4096 values each,
        // 16 per thread, read along memory order.
        auto same = [](bf16 v) { return v; };
        stage_tile<BF_BM, BF_BK, 256, !TA, K_INNER>(&As[0][0], BF_STRIDE, A, lda, M, K, row0, k0, same);
        stage_tile<BF_BN, BF_BK, 256, TB, K_INNER>(&Bs[0][0], BF_STRIDE, B, ldb, N, K, col0, k0, same);
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BF_BK; kk += 16) {
            uint32_t a[WARP_M / 16][4];
            uint32_t b[WARP_N / 8][2];
#pragma unroll
            for (int i = 0; i < WARP_M / 16; i++) {
                int r = wm + i * 16 + g;
                a[i][0] = pair_at(&As[r][kk + 2 * t]);
                a[i][1] = pair_at(&As[r + 8][kk + 2 * t]);
                a[i][2] = pair_at(&As[r][kk + 2 * t + 8]);
                a[i][3] = pair_at(&As[r + 8][kk + 2 * t + 8]);
            }
#pragma unroll
            for (int j = 0; j < WARP_N / 8; j++) {
                int c = wn + j * 8 + g;
                b[j][0] = pair_at(&Bs[c][kk + 2 * t]);
                b[j][1] = pair_at(&Bs[c][kk + 2 * t + 8]);
            }
#pragma unroll
            for (int i = 0; i < WARP_M / 16; i++)
#pragma unroll
                for (int j = 0; j < WARP_N / 8; j++) mma_bf16_16x8x16(acc[i][j], a[i], b[j]);
        }
        __syncthreads();
    }
    store_warp_tile<WARP_M, WARP_N>(acc, C, ldc, M, N, row0 + wm, col0 + wn, alpha, beta);
}

// The eight entry points: a float32 or a bfloat16 C, for each pair of transposes.
extern "C" __global__ void __launch_bounds__(256) gemm_bf16_f32_nn(int M, int N, int K, float alpha,
                                                                   const bf16* A, int lda, const bf16* B, int ldb,
                                                                   float beta, float* C, int ldc) {
    gemm_bf16_tile<false, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_f32_nt(int M, int N, int K, float alpha,
                                                                   const bf16* A, int lda, const bf16* B, int ldb,
                                                                   float beta, float* C, int ldc) {
    gemm_bf16_tile<false, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_f32_tn(int M, int N, int K, float alpha,
                                                                   const bf16* A, int lda, const bf16* B, int ldb,
                                                                   float beta, float* C, int ldc) {
    gemm_bf16_tile<true, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_f32_tt(int M, int N, int K, float alpha,
                                                                   const bf16* A, int lda, const bf16* B, int ldb,
                                                                   float beta, float* C, int ldc) {
    gemm_bf16_tile<true, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_bf16_nn(int M, int N, int K, float alpha,
                                                                    const bf16* A, int lda, const bf16* B, int ldb,
                                                                    float beta, bf16* C, int ldc) {
    gemm_bf16_tile<false, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_bf16_nt(int M, int N, int K, float alpha,
                                                                    const bf16* A, int lda, const bf16* B, int ldb,
                                                                    float beta, bf16* C, int ldc) {
    gemm_bf16_tile<false, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_bf16_tn(int M, int N, int K, float alpha,
                                                                    const bf16* A, int lda, const bf16* B, int ldb,
                                                                    float beta, bf16* C, int ldc) {
    gemm_bf16_tile<true, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) gemm_bf16_bf16_tt(int M, int N, int K, float alpha,
                                                                    const bf16* A, int lda, const bf16* B, int ldb,
                                                                    float beta, bf16* C, int ldc) {
    gemm_bf16_tile<true, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
