package dev.pixelgrad.kernels.cpu;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link Sgemm} on the JDK Vector API, organised like BLIS (Van Zee and van de Geijn, "BLIS: A
 * Framework for Rapidly Instantiating BLAS Functionality", ACM TOMS 2015):
 *
 * <pre>
 * for jc over n in steps of NC:            // a block of B columns, kept in L3
 *   for pc over k in steps of KC:          //   pack B[pc.., jc..] into NR-wide strips
 *     for ic over m in steps of MC:        //   pack A[ic.., pc..] into MR-tall strips (L2)
 *       for each NR strip, each MR strip:  //     6 x 2-vector tile of C in 12 registers
 *         C tile += A strip * B strip      //     the micro-kernel: broadcast a, two FMAs per a
 * </pre>
 *
 * Packing copies each block once into the order the micro-kernel reads, padded with zeros to whole
 * strips, so the inner loop has no bounds checks or strides. Work is split across cores by columns of
 * C (or rows, when C is tall and narrow); each thread packs into its own buffers.
 *
 * <p>The plain version of all this is three loops: {@code C[i][j] += A[i][p] * B[p][j]}
 * ({@link ReferenceSgemm}); the tests compare the two.
 */
public final class VectorSgemm implements Sgemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Micro-tile: MR rows of C by NR columns (two vectors). */
    static final int MR = 6;
    static final int NR = 2 * L;
    private static final int KC = 256;
    private static final int MC = 16 * MR;
    private static final int NC = 4096;
    /** Below this many multiply-adds one thread is faster than splitting. */
    private static final long PARALLEL_WORK = 1L << 18;

    /** Per-thread packing buffers, grown on demand and reused across calls. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][]);

    /**
     * A Vector API multiply; it holds no state of its own. The JVM needs
     * {@code --add-modules=jdk.incubator.vector}; {@link Sgemm#get()} gives the one chosen for this JVM.
     */
    public VectorSgemm() {}

    @Override
    public String name() {
        return "vector" + (L * 32);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        long work = (long) m * n * Math.max(k, 1);
        if (work < PARALLEL_WORK || Parallel.inParallelRegion()) {
            serial(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        // Split the larger side of C into pieces of whole micro-tiles, a few per thread.
        boolean byColumns = n >= m;
        int tile = byColumns ? NR : MR;
        int tiles = ((byColumns ? n : m) + tile - 1) / tile;
        int pieces = Math.min(tiles, Parallel.THREADS * 2);
        int perPiece = (tiles + pieces - 1) / pieces;
        int realPieces = (tiles + perPiece - 1) / perPiece;
        Parallel.forRange(realPieces, 1, (from, to) -> {
            for (int pi = from; pi < to; pi++) {
                int lo = pi * perPiece * tile;
                int hi = Math.min(byColumns ? n : m, (pi + 1) * perPiece * tile);
                if (byColumns) {
                    serial(transA, transB, 0, m, lo, hi, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                } else {
                    serial(transA, transB, lo, hi, 0, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
                }
            }
        });
    }

    /** C[i0:i1, j0:j1] on the calling thread. */
    private static void serial(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc) {
        scaleC(beta, c, cOff, ldc, i0, i1, j0, j1);
        if (k == 0 || alpha == 0f) {
            return;
        }
        float[][] bufs = BUFFERS.get();
        float[] aPack = buffer(bufs, 0, MC * KC);
        float[] bPack = buffer(bufs, 1, KC * (NC + NR));
        float[] tileBuf = buffer(bufs, 2, MR * NR);
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bPack);
                for (int ic = i0; ic < i1; ic += MC) {
                    int mc = Math.min(MC, i1 - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, aPack);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int w = Math.min(NR, nc - jr);
                        int bBase = (jr / NR) * kc * NR;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int h = Math.min(MR, mc - ir);
                            int aBase = (ir / MR) * kc * MR;
                            int cAt = cOff + (ic + ir) * ldc + jc + jr;
                            microKernel(kc, aPack, aBase, bPack, bBase, alpha, c, cAt, ldc, h, w, tileBuf);
                        }
                    }
                }
            }
        }
    }

    private static float[] buffer(float[][] bufs, int i, int size) {
        if (bufs[i] == null || bufs[i].length < size) {
            bufs[i] = new float[size];
        }
        return bufs[i];
    }

    private static void scaleC(float beta, float[] c, int cOff, int ldc, int i0, int i1, int j0, int j1) {
        if (beta == 1f) {
            return;
        }
        for (int i = i0; i < i1; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                Arrays.fill(c, row + j0, row + j1, 0f);
            } else {
                for (int j = j0; j < j1; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    /** A[ic:ic+mc, pc:pc+kc] into MR-row strips: strip s holds, for each p, MR consecutive values. */
    private static void packA(boolean trans, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] dst) {
        for (int s = 0; s * MR < mc; s++) {
            int base = s * kc * MR;
            int rows = Math.min(MR, mc - s * MR);
            for (int i = 0; i < MR; i++) {
                if (i >= rows) {
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + i] = 0f;
                    }
                } else if (!trans) {
                    int src = aOff + (ic + s * MR + i) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + i] = a[src + p];
                    }
                } else {
                    int src = aOff + pc * lda + ic + s * MR + i;
                    for (int p = 0; p < kc; p++) {
                        dst[base + p * MR + i] = a[src + p * lda];
                    }
                }
            }
        }
    }

    /** B[pc:pc+kc, jc:jc+nc] into NR-column strips: strip s holds, for each p, NR consecutive values. */
    private static void packB(boolean trans, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] dst) {
        for (int s = 0; s * NR < nc; s++) {
            int base = s * kc * NR;
            int cols = Math.min(NR, nc - s * NR);
            int j0 = jc + s * NR;
            if (!trans) {
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + j0;
                    int d = base + p * NR;
                    System.arraycopy(b, src, dst, d, cols);
                    if (cols < NR) {
                        Arrays.fill(dst, d + cols, d + NR, 0f);
                    }
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j >= cols) {
                        for (int p = 0; p < kc; p++) {
                            dst[base + p * NR + j] = 0f;
                        }
                    } else {
                        int src = bOff + (j0 + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) {
                            dst[base + p * NR + j] = b[src + p];
                        }
                    }
                }
            }
        }
    }

    /**
     * C[h x w tile at cAt] += alpha * (A strip) (B strip) over kc steps. Twelve accumulators (six rows,
     * two vectors each) stay in registers; a partial tile goes through a small buffer.
     */
    private static void microKernel(int kc, float[] ap, int aBase, float[] bp, int bBase, float alpha,
                                    float[] c, int cAt, int ldc, int h, int w, float[] tileBuf) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int ao = aBase;
        int bo = bBase;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bo);
            FloatVector b1 = FloatVector.fromArray(S, bp, bo + L);
            FloatVector av = FloatVector.broadcast(S, ap[ao]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ao + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ao + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ao + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ao + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ao + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            ao += MR;
            bo += NR;
        }
        if (alpha != 1f) {
            c00 = c00.mul(alpha); c01 = c01.mul(alpha); c10 = c10.mul(alpha); c11 = c11.mul(alpha);
            c20 = c20.mul(alpha); c21 = c21.mul(alpha); c30 = c30.mul(alpha); c31 = c31.mul(alpha);
            c40 = c40.mul(alpha); c41 = c41.mul(alpha); c50 = c50.mul(alpha); c51 = c51.mul(alpha);
        }
        if (h == MR && w == NR) {
            int o = cAt;
            addRow(c00, c01, c, o);
            addRow(c10, c11, c, o += ldc);
            addRow(c20, c21, c, o += ldc);
            addRow(c30, c31, c, o += ldc);
            addRow(c40, c41, c, o += ldc);
            addRow(c50, c51, c, o + ldc);
            return;
        }
        c00.intoArray(tileBuf, 0);
        c01.intoArray(tileBuf, L);
        c10.intoArray(tileBuf, NR);
        c11.intoArray(tileBuf, NR + L);
        c20.intoArray(tileBuf, 2 * NR);
        c21.intoArray(tileBuf, 2 * NR + L);
        c30.intoArray(tileBuf, 3 * NR);
        c31.intoArray(tileBuf, 3 * NR + L);
        c40.intoArray(tileBuf, 4 * NR);
        c41.intoArray(tileBuf, 4 * NR + L);
        c50.intoArray(tileBuf, 5 * NR);
        c51.intoArray(tileBuf, 5 * NR + L);
        for (int i = 0; i < h; i++) {
            int row = cAt + i * ldc;
            for (int j = 0; j < w; j++) {
                c[row + j] += tileBuf[i * NR + j];
            }
        }
    }

    private static void addRow(FloatVector lo, FloatVector hi, float[] c, int o) {
        lo.add(FloatVector.fromArray(S, c, o)).intoArray(c, o);
        hi.add(FloatVector.fromArray(S, c, o + L)).intoArray(c, o + L);
    }
}
