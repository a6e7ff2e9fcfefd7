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
 *       for each NR strip, each MR strip:  //     an MR x NR tile of C in registers (the B strip in L1)
 *         C tile += A strip * B strip      //     the micro-kernel: broadcast a, one FMA per vector of b
 * </pre>
 *
 * Packing copies each block once into the order the micro-kernel reads, padded with zeros to whole
 * strips, so the inner loop has no bounds checks or strides. Work is split across cores by columns of
 * C (or rows, when C is tall and narrow); each thread packs into its own buffers.
 *
 * <p>Between KC passes the tiles of C live in a buffer of partial sums, in the order they are visited,
 * and C is written once at the end: read and written front to back each pass, the sums stream through
 * the caches, where C's own tiles, rows a stride apart, would miss once per pass. With a single K block
 * the tiles are visited along C's rows instead (each MR strip, then each NR strip), so that their writes
 * into C run forward.
 *
 * <p>The shapes are chosen when the class loads, from what the JVM offers ({@link Blocking#forThisCpu()}):
 * the micro-tile from the number of vector registers ({@link Tile}), KC so that a B strip fills half of
 * the L1 data cache, MC so that a packed A block fills half of L2, NC so that a packed B block fills half
 * of each thread's share of L3 ({@link CpuCaches}).
 *
 * <p>The plain version of all this is three loops: {@code C[i][j] += A[i][p] * B[p][j]}
 * ({@link ReferenceSgemm}); the tests compare the two, with both micro-tiles.
 */
public final class VectorSgemm implements Sgemm {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Below this many multiply-adds one thread is faster than splitting. */
    private static final long PARALLEL_WORK = 1L << 18;
    private static final Blocking THIS_CPU = Blocking.forThisCpu();

    /** Per-thread packing buffers, grown on demand and reused across calls. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[5][]);

    /**
     * The micro-kernel's tile of C: {@code rows} rows by {@code vectors} vectors of L floats, all in
     * registers for the whole KC loop. It takes rows x vectors accumulators, plus the B vectors and a
     * broadcast A value; the JIT spills an accumulator to the stack when they do not fit, which puts a
     * store and a load on that accumulator's dependency chain and costs a third of the speed.
     */
    enum Tile {
        /** 12 x 2 vectors: 24 accumulators, for 32 vector registers (AVX-512, ARM's NEON and SVE). */
        T12X2(12, 2),
        /** 3 x 3 vectors: 9 accumulators, for 16 vector registers (AVX2, AVX, SSE). */
        T3X3(3, 3);

        /** MR: rows of C per tile. */
        final int rows;
        /** Vectors of L floats per tile row; NR = vectors x L columns. */
        final int vectors;

        Tile(int rows, int vectors) {
            this.rows = rows;
            this.vectors = vectors;
        }

        /** NR: the tile's columns at this JVM's vector length. */
        int columns() {
            return vectors * L;
        }

        /** The tile for this JVM: x86 has 32 vector registers only with AVX-512, ARM always has 32. */
        static Tile forThisCpu() {
            String arch = System.getProperty("os.arch", "");
            boolean wideRegisterFile = arch.equals("aarch64") || L * Float.SIZE >= 512;
            return wideRegisterFile ? T12X2 : T3X3;
        }
    }

    /**
     * How a multiply is cut up: the micro-tile and the three cache blocks, in elements.
     *
     * @param tile the micro-tile
     * @param kc   the depth of a packed block (rows of B, columns of A)
     * @param mc   the rows of A in a packed block, a multiple of the tile's rows
     * @param nc   the columns of B in a packed block, a multiple of the tile's columns
     * @param sumsFloats the most floats of C kept as partial sums between KC passes (per thread)
     */
    record Blocking(Tile tile, int kc, int mc, int nc, int sumsFloats) {
        /**
         * 8 MiB of partial sums per thread: C's block between KC passes. A narrower block packs A again
         * for each block of columns. Measured on a Xeon (2 MiB of L2 per core), 1024^3 and 2048^3: on one
         * thread 1 MiB gave 106 and 81 GFLOP/s, 4 to 32 MiB 128-136 and 126-131; on two threads (each
         * 2048 rows by 1024 columns at 2048^3) 4 MiB gave 218-223 and 220-225, 8 and 16 MiB 220-223 and
         * 254-257.
         */
        static final int SUMS_FLOATS = 1 << 21;

        /** The blocking for this JVM's vectors and this machine's caches and threads. */
        static Blocking forThisCpu() {
            return of(Tile.forThisCpu(), CpuCaches.detect(), Parallel.THREADS);
        }

        /**
         * KC: a KC x NR strip of B takes half of L1 (the other half holds the A strip and C's lines);
         * MC: an MC x KC block of A takes half of L2; NC: a KC x NC block of B half of a thread's share
         * of L3. Each clamped to sizes where the loops' overhead stays small.
         */
        static Blocking of(Tile tile, CpuCaches caches, int threads) {
            int nr = tile.columns();
            int kc = clamp(caches.l1dBytes() / 2 / ((long) nr * Float.BYTES), 16, 64, 512);
            int mc = clamp(caches.l2Bytes() / 2 / ((long) kc * Float.BYTES), tile.rows, tile.rows, 2048);
            long l3Share = caches.l3Bytes() / Math.max(1, threads);
            int nc = clamp(l3Share / 2 / ((long) kc * Float.BYTES), nr, nr, 4096);
            return new Blocking(tile, kc, mc, nc, SUMS_FLOATS);
        }

        /** {@code value} rounded down to a multiple of {@code step}, within [lo, hi]. */
        private static int clamp(long value, int step, int lo, int hi) {
            long rounded = value / step * step;
            return (int) Math.max(lo, Math.min(hi / step * step, rounded));
        }
    }

    private final Blocking blocking;

    /**
     * A Vector API multiply, blocked for this CPU; it holds no state of its own. The JVM needs
     * {@code --add-modules=jdk.incubator.vector}; {@link Sgemm#get()} gives the one chosen for this JVM.
     */
    public VectorSgemm() {
        this(THIS_CPU);
    }

    /** A multiply with the given blocking (the tests run every tile on any CPU). */
    VectorSgemm(Blocking blocking) {
        this.blocking = blocking;
    }

    @Override
    public String name() {
        return "vector" + (L * Float.SIZE);
    }

    /** The name, the tile and the blocks, e.g. "vector512: 12 x 32 tile, KC 192, MC 1356, NC 4096". */
    @Override
    public String describe() {
        Tile t = blocking.tile();
        return name() + ": " + t.rows + " x " + t.columns() + " tile, KC " + blocking.kc() + ", MC "
                + blocking.mc() + ", NC " + blocking.nc();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc) {
        split(transA, transB, m, n, k, alpha, a, aOff, lda, false, b, bOff, ldb, null, beta, c, cOff, ldc);
    }

    /**
     * The rows of a matrix that is never stored whole, such as convolution's col(X), which would be
     * nine times the size of the image it comes from.
     */
    @FunctionalInterface
    interface MatrixRows {
        /**
         * Writes row {@code r}'s columns [c0, c0 + count) to dst[d, d + count). Called from several
         * threads at once.
         */
        void copy(int r, int c0, int count, float[] dst, int d);
    }

    /**
     * {@link #gemm} with B given row by row rather than as an array: B (k x n, or n x k with
     * {@code transB}) is read a block at a time into the packed strips, so it is never stored whole.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
              MatrixRows b, float beta, float[] c, int cOff, int ldc) {
        split(transA, transB, m, n, k, alpha, a, aOff, lda, false, null, 0, 0, b, beta, c, cOff, ldc);
    }

    /** MR: the rows of C in one micro-tile, and of A in one packed strip. */
    int tileRows() {
        return blocking.tile().rows;
    }

    /**
     * The floats {@link #packA(boolean, int, int, float[], int, int, float[], int)} writes for an m x k A;
     * also where, in a whole packed A, the strip of rows starting at m (a multiple of {@link #tileRows})
     * begins, so A can be packed a strip at a time.
     */
    int packedASize(int m, int k) {
        int mr = tileRows();
        return (m + mr - 1) / mr * mr * k;
    }

    /**
     * Packs op(A) (m x k) whole into the micro-kernel's row strips at dst[dstOff..], for
     * {@link #gemmPackedA} to reuse over many products: a convolution's transformed weights meet every
     * tile of the image, and packing them for each product would cost as much as the product itself
     * when there are few tiles. Strip s holds, for each p below k, the mr values of rows s*mr.. at
     * column p; a KC block of it is a contiguous run, as the kernel reads it.
     */
    void packA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] dst, int dstOff) {
        packA(transA, a, aOff, lda, 0, m, 0, k, tileRows(), dst, dstOff);
    }

    /** {@link #gemm} with op(A) (m x k) given as {@link #packA} laid it out at aPacked[aPackedOff..]. */
    void gemmPackedA(int m, int n, int k, float alpha, float[] aPacked, int aPackedOff,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        split(false, false, m, n, k, alpha, aPacked, aPackedOff, 0, true, b, bOff, ldb, null, beta, c, cOff, ldc);
    }

    /**
     * A is the array a, or, with aPacked, the strips of {@link #packA} at a[aOff..]; B is the array b
     * (bRows null) or bRows. Splits C across the cores when the product is large.
     */
    private void split(boolean transA, boolean transB, int m, int n, int k, float alpha,
                       float[] a, int aOff, int lda, boolean aPacked, float[] b, int bOff, int ldb, MatrixRows bRows,
                       float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        long work = (long) m * n * Math.max(k, 1);
        if (work < PARALLEL_WORK || Parallel.inParallelRegion()) {
            serial(transA, transB, 0, m, 0, n, k, alpha, a, aOff, lda, aPacked, b, bOff, ldb, bRows, beta, c, cOff,
                    ldc);
            return;
        }
        // Split the larger side of C into pieces of whole micro-tiles, a few per thread.
        boolean byColumns = n >= m;
        int tile = byColumns ? blocking.tile().columns() : blocking.tile().rows;
        int tiles = ((byColumns ? n : m) + tile - 1) / tile;
        int pieces = Math.min(tiles, Parallel.THREADS * 2);
        int perPiece = (tiles + pieces - 1) / pieces;
        int realPieces = (tiles + perPiece - 1) / perPiece;
        Parallel.forRange(realPieces, 1, (from, to) -> {
            for (int pi = from; pi < to; pi++) {
                int lo = pi * perPiece * tile;
                int hi = Math.min(byColumns ? n : m, (pi + 1) * perPiece * tile);
                if (byColumns) {
                    serial(transA, transB, 0, m, lo, hi, k, alpha, a, aOff, lda, aPacked, b, bOff, ldb, bRows,
                            beta, c, cOff, ldc);
                } else {
                    serial(transA, transB, lo, hi, 0, n, k, alpha, a, aOff, lda, aPacked, b, bOff, ldb, bRows,
                            beta, c, cOff, ldc);
                }
            }
        });
    }

    /** C[i0:i1, j0:j1] on the calling thread. */
    private void serial(boolean transA, boolean transB, int i0, int i1, int j0, int j1, int k, float alpha,
                        float[] a, int aOff, int lda, boolean aPacked, float[] b, int bOff, int ldb,
                        MatrixRows bRows, float beta, float[] c, int cOff, int ldc) {
        if (k == 0 || alpha == 0f) {
            scaleC(beta, c, cOff, ldc, i0, i1, j0, j1);
            return;
        }
        // With beta 0 a tile's first write stores it over C rather than adding it to a zeroed C: one
        // pass over C fewer, and no read of it.
        boolean overwrite = beta == 0f;
        if (!overwrite) {
            scaleC(beta, c, cOff, ldc, i0, i1, j0, j1);
        }
        Tile tile = blocking.tile();
        int mr = tile.rows;
        int nr = tile.columns();
        int kcMax = blocking.kc();
        int mcMax = blocking.mc();
        int ncMax = blocking.nc();
        // Over several KC passes, C's block is carried between them as partial sums, tile after tile in
        // the order the loops visit them: each pass reads and writes them front to back, which the
        // hardware prefetches, where C's tiles are rows a stride apart that miss the cache once per
        // pass (2048^3 on one thread lost 40% of its time there). C itself is written once, by the
        // last pass. Narrower column blocks keep the sums within their budget; a C too tall for even
        // one strip is added to pass by pass.
        int rowsRounded = (i1 - i0 + mr - 1) / mr * mr;
        boolean carried = k > kcMax && (long) rowsRounded * nr <= blocking.sumsFloats();
        if (carried) {
            ncMax = Math.min(ncMax, Math.max(nr, blocking.sumsFloats() / rowsRounded / nr * nr));
        }
        // With one K block, each tile is written into C as soon as it is done. Going along C's rows (every
        // B strip for one A strip) turns those writes into a few forward streams the hardware prefetches
        // for; going down C's columns (the usual order, the B strip kept in L1) jumps a row stride every
        // tile. Winograd's weight gradient (36 products of K = tiles), 512 channels at 44x44: backward
        // 66.6 -> 60.2 ms (AVX-512), 95.3 -> 87.0 (AVX2). Over several K blocks the partial sums are
        // already visited front to back, and keeping the B strip in L1 is worth more (1024^3 and 2048^3
        // with AVX2 lost 10% going along rows).
        boolean alongRows = k <= kcMax;
        float[][] bufs = BUFFERS.get();
        float[] aPack = aPacked ? a : buffer(bufs, 0, mcMax * kcMax);
        float[] bPack = buffer(bufs, 1, kcMax * (ncMax + nr));
        float[] tileBuf = buffer(bufs, 2, mr * nr);
        // A row of B (untransposed), or a strip's nr rows of kc (transposed).
        float[] rowBuf = bRows == null ? null : buffer(bufs, 3, Math.max(ncMax, nr * kcMax));
        float[] sums = carried ? buffer(bufs, 4, rowsRounded * ncMax) : null;
        for (int jc = j0; jc < j1; jc += ncMax) {
            int nc = Math.min(ncMax, j1 - jc);
            int strips = (nc + nr - 1) / nr;
            for (int pc = 0; pc < k; pc += kcMax) {
                int kc = Math.min(kcMax, k - pc);
                boolean first = pc == 0;
                boolean last = pc + kc == k;
                packB(transB, b, bOff, ldb, bRows, rowBuf, pc, kc, jc, nc, nr, bPack);
                for (int ic = i0; ic < i1; ic += mcMax) {
                    int mc = Math.min(mcMax, i1 - ic);
                    int tilesM = (mc + mr - 1) / mr;
                    // Packed here: strip s of the block at s*kc*mr; packed whole: row r's strip holds all of
                    // k, and this block's part of it starts at column pc.
                    if (!aPacked) {
                        packA(transA, a, aOff, lda, ic, mc, pc, kc, mr, aPack, 0);
                    }
                    int tiles = tilesM * strips;
                    for (int t = 0; t < tiles; t++) {
                        int ir = (alongRows ? t / strips : t % tilesM) * mr;
                        int jr = (alongRows ? t % strips : t / tilesM) * nr;
                        int w = Math.min(nr, nc - jr);
                        int bBase = (jr / nr) * kc * nr;
                        int h = Math.min(mr, mc - ir);
                        int aBase = aPacked ? aOff + (ic + ir) / mr * mr * k + pc * mr : (ir / mr) * kc * mr;
                        if (!carried) {
                            kernel(tile, kc, aPack, aBase, bPack, bBase, tileBuf, 0);
                            addTile(tileBuf, 0, nr, alpha, c, cOff + (ic + ir) * ldc + jc + jr, ldc, h, w,
                                    overwrite && first);
                            continue;
                        }
                        // Carried (so never first and last at once): the first pass writes the tile's partial
                        // sums, later ones add to them, and the last adds them into C.
                        int at = ((ic - i0) / mr * strips + t) * mr * nr;
                        if (first) {
                            kernel(tile, kc, aPack, aBase, bPack, bBase, sums, at);
                            continue;
                        }
                        kernel(tile, kc, aPack, aBase, bPack, bBase, tileBuf, 0);
                        accumulate(sums, at, tileBuf, mr * nr);
                        if (last) {
                            addTile(sums, at, nr, alpha, c, cOff + (ic + ir) * ldc + jc + jr, ldc, h, w, overwrite);
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

    /**
     * A[ic:ic+mc, pc:pc+kc] into mr-row strips at dst[dstOff..]: strip s holds, for each p, mr consecutive
     * values.
     */
    private static void packA(boolean trans, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, int mr,
                              float[] dst, int dstOff) {
        for (int s = 0; s * mr < mc; s++) {
            int base = dstOff + s * kc * mr;
            int rows = Math.min(mr, mc - s * mr);
            int row0 = ic + s * mr;
            if (!trans) {
                interleave(a, aOff + row0 * lda + pc, lda, rows, kc, mr, dst, base);
            } else {
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + row0;
                    int d = base + p * mr;
                    for (int i = 0; i < rows; i++) {
                        dst[d + i] = a[src + i];
                    }
                    for (int i = rows; i < mr; i++) {
                        dst[d + i] = 0f;
                    }
                }
            }
        }
    }

    /**
     * {@code dst[base + p * width + i] = src[start + i * stride + p]} for p below kc and i below rows, and
     * zeros for rows up to width: rows of the source laid side by side, as the strips want them. Done a
     * 16-step slice of p at a time, so each source row is read a cache line at a time and the slice being
     * written stays in L1.
     */
    private static void interleave(float[] src, int start, int stride, int rows, int kc, int width,
                                   float[] dst, int base) {
        for (int p0 = 0; p0 < kc; p0 += 16) {
            int p1 = Math.min(kc, p0 + 16);
            for (int i = 0; i < rows; i++) {
                int from = start + i * stride;
                for (int p = p0; p < p1; p++) {
                    dst[base + p * width + i] = src[from + p];
                }
            }
            for (int i = rows; i < width; i++) {
                for (int p = p0; p < p1; p++) {
                    dst[base + p * width + i] = 0f;
                }
            }
        }
    }

    /**
     * B[pc:pc+kc, jc:jc+nc] into nr-column strips: strip s holds, for each p, nr consecutive values. B is
     * the array b, or, when bRows is given, comes a row at a time through rowBuf. Untransposed, a row of
     * B is read once from start to end and dealt out to the strips: going strip by strip instead reads kc
     * rows a stride apart for each 128 bytes, and with conv's image widths that stride is often a
     * multiple of 4 KiB, so the rows fight over one set of L1 and miss the TLB.
     */
    private static void packB(boolean trans, float[] b, int bOff, int ldb, MatrixRows bRows, float[] rowBuf,
                              int pc, int kc, int jc, int nc, int nr, float[] dst) {
        int stripFloats = kc * nr;
        if (!trans) {
            int whole = nc / nr;
            int lastCols = nc - whole * nr;
            for (int p = 0; p < kc; p++) {
                float[] row = b;
                int src = bOff + (pc + p) * ldb + jc;
                if (bRows != null) {
                    bRows.copy(pc + p, jc, nc, rowBuf, 0);
                    row = rowBuf;
                    src = 0;
                }
                int d = p * nr;
                for (int s = 0; s < whole; s++, src += nr, d += stripFloats) {
                    for (int j = 0; j < nr; j += L) {
                        FloatVector.fromArray(S, row, src + j).intoArray(dst, d + j);
                    }
                }
                if (lastCols > 0) {
                    System.arraycopy(row, src, dst, d, lastCols);
                    Arrays.fill(dst, d + lastCols, d + nr, 0f);
                }
            }
            return;
        }
        // Transposed: column j of a strip is row j of the stored B, columns [pc, pc + kc); from bRows,
        // the strip's rows are first gathered side by side in rowBuf.
        for (int s = 0; s * nr < nc; s++) {
            int cols = Math.min(nr, nc - s * nr);
            int row0 = jc + s * nr;
            if (bRows == null) {
                interleave(b, bOff + row0 * ldb + pc, ldb, cols, kc, nr, dst, s * stripFloats);
            } else {
                for (int j = 0; j < cols; j++) {
                    bRows.copy(row0 + j, pc, kc, rowBuf, j * kc);
                }
                interleave(rowBuf, 0, kc, cols, kc, nr, dst, s * stripFloats);
            }
        }
    }

    /**
     * C[h x w at cAt] += alpha * tile, or with {@code overwrite} C = alpha * tile (the first write into a C
     * that beta 0 discards), where the tile starts at tile[tileOff] and holds {@code nr} floats per row. A whole tile row goes a
     * vector at a time; the edges of C, element by element.
     */
    private static void addTile(float[] tile, int tileOff, int nr, float alpha, float[] c, int cAt, int ldc, int h,
                                int w, boolean overwrite) {
        FloatVector alphas = FloatVector.broadcast(S, alpha);
        for (int i = 0; i < h; i++) {
            int row = cAt + i * ldc;
            int t = tileOff + i * nr;
            if (w == nr) {
                for (int j = 0; j < nr; j += L) {
                    FloatVector v = FloatVector.fromArray(S, tile, t + j);
                    (overwrite ? v.mul(alphas) : v.fma(alphas, FloatVector.fromArray(S, c, row + j))).intoArray(c, row + j);
                }
            } else {
                for (int j = 0; j < w; j++) {
                    c[row + j] = alpha * tile[t + j] + (overwrite ? 0f : c[row + j]);
                }
            }
        }
    }

    /** sums[at, at + floats) += tile[0, floats), floats a multiple of L: a tile's partial sums, one more pass. */
    private static void accumulate(float[] sums, int at, float[] tile, int floats) {
        for (int i = 0; i < floats; i += L) {
            FloatVector.fromArray(S, sums, at + i).add(FloatVector.fromArray(S, tile, i)).intoArray(sums, at + i);
        }
    }

    /** to[toOff..] = the tile's product over kc steps, by the micro-kernel of {@code tile}. */
    private static void kernel(Tile tile, int kc, float[] ap, int aBase, float[] bp, int bBase, float[] to, int toOff) {
        if (tile == Tile.T12X2) {
            kernel12x2(kc, ap, aBase, bp, bBase, to, toOff);
        } else {
            kernel3x3(kc, ap, aBase, bp, bBase, to, toOff);
        }
    }

    // The two micro-kernels: to[toOff..] = (A strip) (B strip) over kc steps, the accumulators in registers,
    // the tile laid out row after row. Adding the tile to earlier passes' partial sums or into C is left
    // to the caller. For the sums, so that a sum is rounded K block by K block (starting the accumulators
    // from the partial sums made Winograd's forward error on a 512-channel layer twice as large, 1.5e-5
    // against 7.4e-6). For C, because C2 stops inlining a method this long part way through
    // (NodeCountInliningCutoff), and a vector passed to a call it did not inline is boxed, which made a
    // 12 x 2 kernel with its own row-adding helper 15 times slower. Each step indexes the packed strips
    // from p, so C2 can drop the bounds checks from the loop.

    /** 12 rows x 2 vectors, 24 accumulators: for 32 vector registers. */
    private static void kernel12x2(int kc, float[] ap, int aBase, float[] bp, int bBase, float[] to, int toOff) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z, c90 = z, c91 = z, ca0 = z, ca1 = z, cb0 = z, cb1 = z;
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * 12;
            int bi = bBase + p * 2 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            av = FloatVector.broadcast(S, ap[ai + 8]);
            c80 = av.fma(b0, c80);
            c81 = av.fma(b1, c81);
            av = FloatVector.broadcast(S, ap[ai + 9]);
            c90 = av.fma(b0, c90);
            c91 = av.fma(b1, c91);
            av = FloatVector.broadcast(S, ap[ai + 10]);
            ca0 = av.fma(b0, ca0);
            ca1 = av.fma(b1, ca1);
            av = FloatVector.broadcast(S, ap[ai + 11]);
            cb0 = av.fma(b0, cb0);
            cb1 = av.fma(b1, cb1);
        }
        int r = 2 * L;
        c00.intoArray(to, toOff);
        c01.intoArray(to, toOff + L);
        c10.intoArray(to, toOff + r);
        c11.intoArray(to, toOff + r + L);
        c20.intoArray(to, toOff + 2 * r);
        c21.intoArray(to, toOff + 2 * r + L);
        c30.intoArray(to, toOff + 3 * r);
        c31.intoArray(to, toOff + 3 * r + L);
        c40.intoArray(to, toOff + 4 * r);
        c41.intoArray(to, toOff + 4 * r + L);
        c50.intoArray(to, toOff + 5 * r);
        c51.intoArray(to, toOff + 5 * r + L);
        c60.intoArray(to, toOff + 6 * r);
        c61.intoArray(to, toOff + 6 * r + L);
        c70.intoArray(to, toOff + 7 * r);
        c71.intoArray(to, toOff + 7 * r + L);
        c80.intoArray(to, toOff + 8 * r);
        c81.intoArray(to, toOff + 8 * r + L);
        c90.intoArray(to, toOff + 9 * r);
        c91.intoArray(to, toOff + 9 * r + L);
        ca0.intoArray(to, toOff + 10 * r);
        ca1.intoArray(to, toOff + 10 * r + L);
        cb0.intoArray(to, toOff + 11 * r);
        cb1.intoArray(to, toOff + 11 * r + L);
    }

    /**
     * 3 rows x 3 vectors, 9 accumulators: for 16 vector registers. (A 6 x 2 tile, the usual AVX2 shape,
     * leaves C2 one register short once it hoists the broadcasts, and it spills an accumulator.)
     */
    private static void kernel3x3(int kc, float[] ap, int aBase, float[] bp, int bBase, float[] to, int toOff) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z;
        for (int p = 0; p < kc; p++) {
            int ai = aBase + p * 3;
            int bi = bBase + p * 3 * L;
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, bp, bi + 2 * L);
            FloatVector av = FloatVector.broadcast(S, ap[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            av = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            av = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
        }
        int r = 3 * L;
        c00.intoArray(to, toOff);
        c01.intoArray(to, toOff + L);
        c02.intoArray(to, toOff + 2 * L);
        c10.intoArray(to, toOff + r);
        c11.intoArray(to, toOff + r + L);
        c12.intoArray(to, toOff + r + 2 * L);
        c20.intoArray(to, toOff + 2 * r);
        c21.intoArray(to, toOff + 2 * r + L);
        c22.intoArray(to, toOff + 2 * r + 2 * L);
    }
}
