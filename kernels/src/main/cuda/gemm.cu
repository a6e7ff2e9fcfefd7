// Our SGEMM, row-major like the CPU's Sgemm: C = alpha * op(A) * op(B) + beta * C, op(A) M x K,
// op(B) K x N, leading dimensions lda, ldb, ldc; with beta == 0, C is never read.
//
// Plain version (ReferenceSgemm.java):  C[i][j] = alpha * sum_p A(i, p) * B(p, j) + beta * C[i][j]
//
// Tiling: a block of 256 threads computes a 128 x 128 tile of C, stepping through K 8 at a time.
// Each step stages an A tile (128 x 8) and a B tile (8 x 128) in shared memory, both stored k-major so
// that a thread reads its 8 values of A and 8 values of B as two float4 (128-bit) loads each; each
// thread keeps an 8 x 8 block of C in registers and does 64 FMAs per 4 shared loads. Tiles are loaded
// with zero padding at the edges, so any M, N, K and leading dimension work.
#include "common.cuh"

#define BM 128
#define BN 128
#define BK 8
#define TM 8
#define TN 8

template <bool TA, bool TB>
__device__ __forceinline__ void sgemm_tile(int M, int N, int K, float alpha, const float* __restrict__ A, int lda,
                                           const float* __restrict__ B, int ldb, float beta, float* __restrict__ C,
                                           int ldc) {
    __shared__ __align__(16) float As[BK][BM + 4];
    __shared__ __align__(16) float Bs[BK][BN + 4];
    const int tid = threadIdx.x;
    const int tr = tid / (BN / TN);  // 0..15: the thread's row of 8x8 blocks
    const int tc = tid % (BN / TN);  // 0..15: the thread's column of 8x8 blocks
    const int row0 = blockIdx.y * BM;
    const int col0 = blockIdx.x * BN;
    float acc[TM][TN];
#pragma unroll
    for (int i = 0; i < TM; i++)
#pragma unroll
        for (int j = 0; j < TN; j++) acc[i][j] = 0.f;

    for (int k0 = 0; k0 < K; k0 += BK) {
        // Stage A(row0 .. row0+128, k0 .. k0+8) and B(k0 .. k0+8, col0 .. col0+128): 1024 values each, 4
        // per thread, read along memory order.
        auto same = [](float v) { return v; };
        stage_tile<BM, BK, 256, !TA, K_MAJOR>(&As[0][0], BM + 4, A, lda, M, K, row0, k0, same);
        stage_tile<BN, BK, 256, TB, K_MAJOR>(&Bs[0][0], BN + 4, B, ldb, N, K, col0, k0, same);
        __syncthreads();
#pragma unroll
        for (int k = 0; k < BK; k++) {
            float4 a0 = *reinterpret_cast<const float4*>(&As[k][tr * TM]);
            float4 a1 = *reinterpret_cast<const float4*>(&As[k][tr * TM + 4]);
            float4 b0 = *reinterpret_cast<const float4*>(&Bs[k][tc * TN]);
            float4 b1 = *reinterpret_cast<const float4*>(&Bs[k][tc * TN + 4]);
            float a[TM] = {a0.x, a0.y, a0.z, a0.w, a1.x, a1.y, a1.z, a1.w};
            float b[TN] = {b0.x, b0.y, b0.z, b0.w, b1.x, b1.y, b1.z, b1.w};
#pragma unroll
            for (int i = 0; i < TM; i++)
#pragma unroll
                for (int j = 0; j < TN; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int i = 0; i < TM; i++) {
        int gm = row0 + tr * TM + i;
        if (gm >= M) continue;
#pragma unroll
        for (int j = 0; j < TN; j++) {
            int gn = col0 + tc * TN + j;
            if (gn >= N) continue;
            float* c = &C[(long)gm * ldc + gn];
            *c = beta == 0.f ? alpha * acc[i][j] : alpha * acc[i][j] + beta * *c;
        }
    }
}

// The four entry points, one per pair of transposes.
extern "C" __global__ void __launch_bounds__(256) sgemm_nn(int M, int N, int K, float alpha, const float* A, int lda,
                                                          const float* B, int ldb, float beta, float* C, int ldc) {
    sgemm_tile<false, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) sgemm_nt(int M, int N, int K, float alpha, const float* A, int lda,
                                                          const float* B, int ldb, float beta, float* C, int ldc) {
    sgemm_tile<false, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) sgemm_tn(int M, int N, int K, float alpha, const float* A, int lda,
                                                          const float* B, int ldb, float beta, float* C, int ldc) {
    sgemm_tile<true, false>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

extern "C" __global__ void __launch_bounds__(256) sgemm_tt(int M, int N, int K, float alpha, const float* A, int lda,
                                                          const float* B, int ldb, float beta, float* C, int ldc) {
    sgemm_tile<true, true>(M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
