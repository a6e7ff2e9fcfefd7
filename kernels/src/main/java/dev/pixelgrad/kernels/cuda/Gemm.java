package dev.pixelgrad.kernels.cuda;

/** Row-major SGEMM on device addresses: our kernel ({@link #own}) or cuBLAS ({@link #vendor}). */
final class Gemm {
    private static final int TILE = 128;
    private final CudaRuntime rt;
    private final Cublas cublas;

    Gemm(CudaRuntime rt, Cublas cublas) {
        this.rt = rt;
        this.cublas = cublas;
    }

    /** C = alpha op(A) op(B) + beta C with our tiled kernel (gemm.cu). */
    void own(boolean ta, boolean tb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta,
             long c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if ((m + TILE - 1) / TILE > 65535) {
            throw new IllegalArgumentException("sgemm: " + m + " rows exceed the kernel's grid (65535 tiles of " + TILE + ")");
        }
        String name = "sgemm_" + (ta ? "t" : "n") + (tb ? "t" : "n");
        rt.kernel(name).i32(0, m).i32(1, n).i32(2, k).f32(3, alpha).ptr(4, a).i32(5, lda).ptr(6, b).i32(7, ldb)
                .f32(8, beta).ptr(9, c).i32(10, ldc).launch((n + TILE - 1) / TILE, (m + TILE - 1) / TILE, 256);
    }

    void vendor(boolean ta, boolean tb, int m, int n, int k, float alpha, long a, int lda, long b, int ldb, float beta,
                long c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        cublas.sgemm(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
