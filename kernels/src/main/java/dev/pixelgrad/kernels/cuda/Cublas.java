package dev.pixelgrad.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.pixelgrad.tensor.Precision;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * cuBLAS through java.lang.foreign: a handle, single-precision GEMM, and GEMM on bfloat16 inputs with float32
 * products and sums (cublasGemmEx, CUBLAS_COMPUTE_32F, as PyTorch's bfloat16 matmul). (JCublas is not used: its
 * native library needs libcublas.so.12 by versioned symbols and does not load next to CUDA 13.)
 *
 * <p>cuBLAS is column-major; a row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T,
 * so the call swaps the operands and their dimensions and leaves the data where it is.
 *
 * <p>The handle's math mode follows {@link Precision}: FP32 is CUBLAS_DEFAULT_MATH (no tensor cores for
 * single precision since CUDA 11), TF32 is CUBLAS_TF32_TENSOR_OP_MATH, as PyTorch sets it for
 * {@code torch.backends.cuda.matmul.allow_tf32}.
 */
final class Cublas {
    private static final int OP_N = 0;
    private static final int OP_T = 1;
    /** cublasMath_t. */
    private static final int DEFAULT_MATH = 0;
    private static final int TF32_TENSOR_OP_MATH = 3;
    /** cudaDataType_t (library_types.h). */
    private static final int CUDA_R_32F = 0;
    private static final int CUDA_R_16BF = 14;
    /** cublasComputeType_t and cublasGemmAlgo_t. */
    private static final int COMPUTE_32F = 68;
    private static final int GEMM_DEFAULT = -1;

    private final MethodHandle sgemm;
    private final MethodHandle gemmEx;
    private final MethodHandle setMathMode;
    /** The precision the handle's math mode was last set for (null before the first product). */
    private Precision mathModeFor;
    private final MemorySegment handle;
    private final MemorySegment alphaBeta = Arena.global().allocate(JAVA_FLOAT, 2);
    final int version;

    private Cublas(SymbolLookup lib) throws Throwable {
        MethodHandle create = NativeLibraries.function(lib, "cublasCreate_v2", JAVA_INT, ADDRESS);
        MethodHandle getVersion = NativeLibraries.function(lib, "cublasGetVersion_v2", JAVA_INT, ADDRESS, ADDRESS);
        sgemm = NativeLibraries.function(lib, "cublasSgemm_v2", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        gemmEx = NativeLibraries.function(lib, "cublasGemmEx", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT);
        setMathMode = NativeLibraries.function(lib, "cublasSetMathMode", JAVA_INT, ADDRESS, JAVA_INT);
        MemorySegment slot = Arena.global().allocate(ADDRESS);
        check((int) create.invokeExact(slot), "cublasCreate");
        handle = slot.get(ADDRESS, 0);
        MemorySegment v = Arena.global().allocate(JAVA_INT);
        check((int) getVersion.invokeExact(handle, v), "cublasGetVersion");
        version = v.get(JAVA_INT, 0);
    }

    /** Loads libcublas (13, then 12); throws with where it looked when it cannot. */
    static Cublas load() {
        SymbolLookup lib = NativeLibraries.load("libcublas.so.13", "libcublas.so.12");
        try {
            return new Cublas(lib);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuBLAS initialisation failed: " + t, t);
        }
    }

    /** Row-major C = alpha op(A) op(B) + beta C on device addresses (the runtime's context must be current). */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
               float beta, long c, int ldc) {
        alphaBeta.set(JAVA_FLOAT, 0, alpha);
        alphaBeta.set(JAVA_FLOAT, 4, beta);
        try {
            Precision precision = Precision.current();
            if (precision != mathModeFor) {
                int mode = precision == Precision.TF32 ? TF32_TENSOR_OP_MATH : DEFAULT_MATH;
                check((int) setMathMode.invokeExact(handle, mode), "cublasSetMathMode");
                mathModeFor = precision;
            }
            int status = (int) sgemm.invokeExact(handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k,
                    alphaBeta, MemorySegment.ofAddress(b), ldb, MemorySegment.ofAddress(a), lda,
                    alphaBeta.asSlice(4), MemorySegment.ofAddress(c), ldc);
            check(status, "cublasSgemm");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Row-major C = alpha op(A) op(B) + beta C with A and B bfloat16, products and sums in float32, and C
     * float32 or bfloat16 ({@code bf16Out}), on device addresses.
     */
    void gemmBf16(boolean transA, boolean transB, int m, int n, int k, float alpha, long a, int lda, long b, int ldb,
                  float beta, long c, boolean bf16Out, int ldc) {
        alphaBeta.set(JAVA_FLOAT, 0, alpha);
        alphaBeta.set(JAVA_FLOAT, 4, beta);
        try {
            int status = (int) gemmEx.invokeExact(handle, transB ? OP_T : OP_N, transA ? OP_T : OP_N, n, m, k, alphaBeta,
                    MemorySegment.ofAddress(b), CUDA_R_16BF, ldb, MemorySegment.ofAddress(a), CUDA_R_16BF, lda,
                    alphaBeta.asSlice(4), MemorySegment.ofAddress(c), bf16Out ? CUDA_R_16BF : CUDA_R_32F, ldc,
                    COMPUTE_32F, GEMM_DEFAULT);
            check(status, "cublasGemmEx (bfloat16)");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(what + " failed with cuBLAS status " + status);
        }
    }
}
