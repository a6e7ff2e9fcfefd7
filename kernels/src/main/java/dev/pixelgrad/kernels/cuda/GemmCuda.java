package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Tensor;

/**
 * Row-major SGEMM on device addresses, C = alpha op(A) op(B) + beta C: our tiled kernel (gemm.cu) or
 * cuBLAS where chosen ("matmul"); the CPU twin is Sgemm. Convolutions call {@link #own} directly, since
 * their vendor path is cuDNN. Under {@link Precision#TF32} our kernel is gemm_tf32.cu's, on tensor cores,
 * where the device has them (compute capability 8.0+; older GPUs compute in FP32, as cuDNN and cuBLAS
 * do there). On bfloat16 operands, our kernel is gemm_bf16.cu's (tensor cores, float32 sums; Ampere and
 * newer) and NVIDIA's is cublasGemmEx.
 */
final class GemmCuda {
    /** The rows and columns of C that one block of gemm.cu (and of gemm_tf32.cu and gemm_bf16.cu) computes. */
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
            rt.fill(out, 0f); // an empty sum (and cuBLAS rejects a leading dimension of 0)
            return;
        }
        Cublas cublas = vendor.cublas("matmul");
        if (a.dtype() == DType.BFLOAT16) {
            boolean bf16Out = out.dtype() == DType.BFLOAT16;
            if (cublas != null) {
                cublas.gemmBf16(transA, transB, m, n, kk, 1f, addressOf(a), a.dim(1), addressOf(b), b.dim(1), 0f,
                        addressOf(out), bf16Out, n);
            } else {
                ownBf16(transA, transB, m, n, kk, 1f, addressOf(a), a.dim(1), addressOf(b), b.dim(1), 0f, addressOf(out),
                        bf16Out, n);
            }
        } else if (cublas != null) {
            cublas.sgemm(transA, transB, m, n, kk, 1f, addressOf(a), a.dim(1), addressOf(b), b.dim(1), 0f, addressOf(out),
                    n);
        } else {
            own(transA, transB, m, n, kk, 1f, addressOf(a), a.dim(1), addressOf(b), b.dim(1), 0f, addressOf(out), n);
        }
    }

    /**
     * C = alpha op(A) op(B) + beta C with our kernel on bfloat16 A and B, C float32 or bfloat16
     * ({@code bf16Out}); with beta 0, C is never read.
     *
     * @throws UnsupportedOperationException on a GPU older than Ampere, which has no BF16 tensor cores
     */
    void ownBf16(boolean transA, boolean transB, int m, int n, int kk, float alpha, long a, int lda, long b, int ldb,
                 float beta, long c, boolean bf16Out, int ldc) {
        if (!rt.driver.ampereTensorCores()) {
            throw new UnsupportedOperationException("matmul: bfloat16 needs BF16 tensor cores (compute capability 8.0 or "
                    + "newer); this GPU has none: compute in float32");
        }
        Grid grid = grid(m, n);
        if (grid == null) {
            return;
        }
        if (bf16Out) {
            if (!transA && !transB) {
                k.gemm_bf16_bf16_nn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            } else if (!transA) {
                k.gemm_bf16_bf16_nt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            } else if (!transB) {
                k.gemm_bf16_bf16_tn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            } else {
                k.gemm_bf16_bf16_tt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
            }
        } else if (!transA && !transB) {
            k.gemm_bf16_f32_nn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        } else if (!transA) {
            k.gemm_bf16_f32_nt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        } else if (!transB) {
            k.gemm_bf16_f32_tn(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        } else {
            k.gemm_bf16_f32_tt(grid, m, n, kk, alpha, a, lda, b, ldb, beta, c, ldc);
        }
    }

    /** The grid of 128 x 128 tiles over an M x N product; null when it is empty. */
    private static Grid grid(int m, int n) {
        if (m == 0 || n == 0) {
            return null;
        }
        int rowTiles = (m + TILE - 1) / TILE;
        if (rowTiles > 65535) {
            throw new IllegalArgumentException("gemm: " + m + " rows exceed the kernel's grid (65535 tiles of " + TILE + ")");
        }
        return new Grid((n + TILE - 1) / TILE, rowTiles, THREADS);
    }

    /** C = alpha op(A) op(B) + beta C with our kernel; with beta 0, C is never read. */
    void own(boolean transA, boolean transB, int m, int n, int kk, float alpha, long a, int lda, long b, int ldb,
             float beta, long c, int ldc) {
        Grid grid = grid(m, n);
        if (grid == null) {
            return;
        }
        if (Precision.current() == Precision.TF32 && rt.driver.ampereTensorCores()) {
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
