package dev.pixelgrad.kernels.cpu;

import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.ejml.dense.row.CommonOps_MT_FDRM;

/**
 * {@link Sgemm} on EJML: the readable, portable path. EJML works on whole matrices, so operands that
 * are windows of a larger array (an offset, or a leading dimension wider than the row) are copied
 * out first, and the product is combined into C afterwards.
 */
public final class EjmlSgemm implements Sgemm {
    /** Below this many multiply-adds EJML's threading costs more than it saves. */
    private static final long PARALLEL_WORK = 1L << 20;

    /** An EJML multiply; it holds no state. {@link Sgemm#get()} gives the one chosen for this JVM. */
    public EjmlSgemm() {}

    @Override
    public String name() {
        return "ejml";
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        FMatrixRMaj prod = new FMatrixRMaj(m, n);
        if (k > 0) {
            FMatrixRMaj ma = matrix(a, aOff, lda, transA ? k : m, transA ? m : k);
            FMatrixRMaj mb = matrix(b, bOff, ldb, transB ? n : k, transB ? k : n);
            if ((long) m * n * k >= PARALLEL_WORK && !Parallel.inParallelRegion()) {
                multiplyThreaded(transA, transB, alpha, ma, mb, prod);
            } else {
                multiply(transA, transB, alpha, ma, mb, prod);
            }
        }
        float[] p = prod.data;
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            int pi = i * n;
            if (beta == 0f) {
                System.arraycopy(p, pi, c, ci, n);
            } else {
                for (int j = 0; j < n; j++) {
                    c[ci + j] = beta * c[ci + j] + p[pi + j];
                }
            }
        }
    }

    private static void multiply(boolean ta, boolean tb, float alpha, FMatrixRMaj a, FMatrixRMaj b, FMatrixRMaj c) {
        if (ta && tb) {
            CommonOps_FDRM.multTransAB(alpha, a, b, c);
        } else if (ta) {
            CommonOps_FDRM.multTransA(alpha, a, b, c);
        } else if (tb) {
            CommonOps_FDRM.multTransB(alpha, a, b, c);
        } else {
            CommonOps_FDRM.mult(alpha, a, b, c);
        }
    }

    private static void multiplyThreaded(boolean ta, boolean tb, float alpha, FMatrixRMaj a, FMatrixRMaj b,
                                         FMatrixRMaj c) {
        if (ta && tb) {
            CommonOps_MT_FDRM.multTransAB(alpha, a, b, c);
        } else if (ta) {
            CommonOps_MT_FDRM.multTransA(alpha, a, b, c);
        } else if (tb) {
            CommonOps_MT_FDRM.multTransB(alpha, a, b, c);
        } else {
            CommonOps_MT_FDRM.mult(alpha, a, b, c);
        }
    }

    /** The rows x cols matrix stored at data[off] with leading dimension ld, copied only if it must be. */
    private static FMatrixRMaj matrix(float[] data, int off, int ld, int rows, int cols) {
        if (off == 0 && ld == cols) {
            return FMatrixRMaj.wrap(rows, cols, data);
        }
        FMatrixRMaj copy = new FMatrixRMaj(rows, cols);
        for (int r = 0; r < rows; r++) {
            System.arraycopy(data, off + r * ld, copy.data, r * cols, cols);
        }
        return copy;
    }
}
