package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Tensor;

/**
 * Row-major SGEMM on device addresses, C = alpha op(A) op(B) + beta C: our tiled kernel (gemm.cu) or
 * cuBLAS where chosen ("matmul"); the CPU twin is Sgemm. Convolutions call {@link #own} directly, since
 * their vendor path is cuDNN. Under {@link Precision#TF32} our kernel is gemm_tf32.cu's, on tensor cores,
 * where the device has them (compute capability 8.0+; older GPUs compute in FP32, as cuDNN and cuBLAS
 * do there).
 */
final class GemmCuda {
    /** The rows and columns of C that one block of gemm.cu (and of gemm_tf32.cu) computes. */
    private static final int TILE = 128;
    private static final int THREADS = 256;

    private final CudaRuntime rt;
    private final Kernels k;
    private final VendorLibraries vendor;

    GemmCuda(CudaRuntime rt, VendorLibraries vendor) {
        this.rt = rt;
        this.k = rt.kernels;
        this.vendor = vendor;
    }

    void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        int m = out.dim(0);
        int n = out.dim(1);
        int kk = transA ? a.dim(0) : a.dim(1);
        if (kk == 0 || m == 0 || n == 0) {
            rt.driver.fill32(addressOf(out), 0, out.numel()); // an empty sum (and cuBLAS rejects a leading dimension of 0)
            return;
        }
        Cublas cublas = vendor.cublas("matmul");
        if (cublas != null) {
            cublas.sgemm(transA, transB, m, n, kk, 1f, addressOf(a), a.dim(1), addressOf(b), b.dim(1), 0f, addressOf(out),
                    n);
        } else {
            own(transA, transB, m, n, kk, 1f, addressOf(a), a.dim(1), addressOf(b), b.dim(1), 0f, addressOf(out), n);
        }
    }

    /** C = alpha op(A) op(B) + beta C with our kernel; with beta 0, C is never read. */
    void own(boolean transA, boolean transB, int m, int n, int kk, float alpha, long a, int lda, long b, int ldb,
             float beta, long c, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        int rowTiles = (m + TILE - 1) / TILE;
        if (rowTiles > 65535) {
            throw new IllegalArgumentException("sgemm: " + m + " rows exceed the kernel's grid (65535 tiles of " + TILE + ")");
        }
        Grid grid = new Grid((n + TILE - 1) / TILE, rowTiles, THREADS);
        if (Precision.current() == Precision.TF32 && rt.driver.tf32TensorCores()) {
            if (!transA && !transB) {
                k.sgemm_tf32_nn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            } else if (!transA) {
                k.sgemm_tf32_nt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            } else if (!transB) {
                k.sgemm_tf32_tn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            } else {
                k.sgemm_tf32_tt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            }
        } else if (!transA && !transB) {
            k.sgemm_nn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        } else if (!transA) {
            k.sgemm_nt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        } else if (!transB) {
            k.sgemm_tn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        } else {
            k.sgemm_tt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }
}
