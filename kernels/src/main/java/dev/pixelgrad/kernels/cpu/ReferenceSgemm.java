package dev.pixelgrad.kernels.cpu;

/**
 * The reference {@link Sgemm}: the definition as three plain loops, with a double accumulator and no
 * packing, blocking or threads. Written for reading; the tests measure the other GEMMs against it, and
 * {@code -Dpixelgrad.cpu.gemm=reference} runs the CPU backend's matmul on it and its convolutions on
 * {@link ReferenceConv}.
 */
public final class ReferenceSgemm implements Sgemm {
    /** The plain loops; they hold no state. {@link Sgemm#named} gives them for "reference". */
    public ReferenceSgemm() {}

    @Override
    public String name() {
        return "reference";
    }

    /** C = alpha * op(A) op(B) + beta * C; C is not read when beta is 0. */
    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += (double) av * bv;
                }
                int at = cOff + i * ldc + j;
                c[at] = (float) (alpha * sum + (beta == 0f ? 0 : beta * c[at]));
            }
        }
    }
}
