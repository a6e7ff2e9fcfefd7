package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.kernels.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * 3x3 stride-1 convolution by Winograd's minimal filtering F(4x4, 3x3) (Lavin and Gray, "Fast Algorithms
 * for Convolutional Neural Networks", CVPR 2016): each 4x4 block of outputs comes from a 6x6 block of
 * input through 36 multiplies per channel pair instead of 144, a quarter of direct convolution's.
 *
 * <pre>
 * per output tile:  Y = A^T [ sum over ci of (G w[co,ci] G^T) (.) (B^T d[ci] B) ] A
 * </pre>
 *
 * where d is the 6x6 input block under the tile, (.) is the element-wise product, and B^T (6x6), G (6x3)
 * and A^T (4x6) are the transforms for the interpolation points 0, 1, -1, 2, -2 and infinity (written
 * out in {@link #byBt}, {@link #byG} and {@link #byAt}). The element-wise products summed over channels are
 * 36 matrix products, one per point xi of the 6x6 block:
 *
 * <pre>
 * M[xi] (Cout x T) = U[xi] (Cout x Cin) . V[xi] (Cin x T)
 *   U[xi][co][ci] = (G w[co,ci] G^T)[xi]          the weights, transformed once per call
 *   V[xi][ci][t]  = (B^T d[ci, tile t] B)[xi]      the input, a band of tiles at a time
 * </pre>
 *
 * which the Vector API GEMM runs with U packed once ({@link VectorSgemm#packA}). The gradients are the
 * same pieces transposed: the input gradient is a forward convolution of dY with the flipped kernel
 * ({@link ConvCpu#adjoint}, 3x3 stride 1 again), and the weight gradient is
 * {@code G^T [ sum over tiles of (A dY_tile A^T) (.) V ] G}, 36 products dU[xi] = Z[xi] . V[xi]^T.
 *
 * <p>The transforms run on vectors of L neighbouring tiles of one channel. The input rows of a band are
 * first dealt, once each, into four phase rows (x mod 4), so column l of the tiles tx..tx+L-1 is the L
 * consecutive floats of phase l mod 4 from tx + l / 4, one vector load; outputs go through phase rows
 * the other way. Tiles are taken a band of tile rows at a time so V and M stay bounded.
 *
 * <p>Rounding: the transforms' coefficients (up to 8 in A, 5 in B, 1/24 in G) add to float32's
 * rounding; the relative error against float64 is measured in {@code WinogradCpuTest} and recorded in
 * docs/benchmarks.md. Set {@code pixelgrad.cpu.winograd=false} for the im2col path throughout.
 */
final class WinogradCpu {
    /** m: the side of an output tile. */
    static final int TILE = 4;
    /** m + r - 1: the side of an input tile (r = 3, the kernel). */
    static final int ALPHA = 6;
    /** The points of a tile, one matrix product each. */
    static final int POINTS = ALPHA * ALPHA;
    /** Upper bound on the floats of V or M for one band of tile rows. */
    static final int BAND_FLOATS = 1 << 21;

    /** Whether 3x3 stride-1 convolutions take this path ({@code pixelgrad.cpu.winograd}, default true). */
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("pixelgrad.cpu.winograd", "true"));

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Where in a worker's steps buffer a transform's six vectors go when only some of their lanes are kept. */
    private static final int TAIL = POINTS * L;

    // The caller's buffers (one call at a time per thread) and the workers' (phase rows, transform steps).
    private static final ThreadLocal<float[]> DU = new ThreadLocal<>();
    private static final ThreadLocal<float[]> U_PACKED = new ThreadLocal<>();
    private static final ThreadLocal<float[]> V = new ThreadLocal<>();
    private static final ThreadLocal<float[]> M = new ThreadLocal<>();
    private static final ThreadLocal<float[]> PHASES = new ThreadLocal<>();
    private static final ThreadLocal<float[]> STEPS = new ThreadLocal<>();
    private static final ThreadLocal<float[]> TAPS = new ThreadLocal<>();

    private WinogradCpu() {}

    /**
     * Whether the convolution is one this path computes, and is worth it: 3x3, stride 1, and at least 8
     * channels in and out (with fewer, the transforms cost more than the multiplies they save); and
     * whether the GEMM's strips fit a vector (the weights are transformed a strip per vector: not so for
     * a 12-row tile on ARM's 4-float NEON vectors, which keep im2col).
     */
    static boolean applies(VectorSgemm gemm, ConvGeometry g) {
        return ENABLED && gemm.tileRows() <= L && g.kh() == 3 && g.kw() == 3 && g.strideH() == 1
                && g.strideW() == 1 && g.cIn() >= 8 && g.cOut() >= 8;
    }

    /** How the output splits into tiles, and the tile rows of one band. */
    private record Tiling(int tilesH, int tilesW, int bandRows, int phaseWidth) {
        static Tiling of(ConvGeometry g, int bandFloats) {
            int tilesH = ceilDiv(g.outH(), TILE);
            int tilesW = ceilDiv(g.outW(), TILE);
            long perRow = (long) POINTS * Math.max(g.cIn(), g.cOut()) * tilesW;
            int bandRows = (int) Math.max(1, Math.min(tilesH, bandFloats / perRow));
            // Loads of L tiles from tx (a multiple of L) reach phase index tx + 1 + L - 1.
            int phaseWidth = ceilDiv(tilesW, L) * L + 1;
            return new Tiling(tilesH, tilesW, bandRows, phaseWidth);
        }
    }

    /** y = conv(x, w) (+ bias, when not null), overwriting y. */
    static void forward(VectorSgemm gemm, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(gemm, g, x, w, bias, y, BAND_FLOATS);
    }

    /** {@link #forward} with the band size given (the tests use small bands to cross band edges). */
    static void forward(VectorSgemm gemm, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y,
                        int bandFloats) {
        int cIn = g.cIn();
        int cOut = g.cOut();
        int packed = gemm.packedASize(cOut, cIn);
        float[] uPacked = ConvCpu.scratch(U_PACKED, POINTS * packed);
        packTransformedWeights(gemm, w, cOut, cIn, uPacked, packed);
        int yImage = Math.toIntExact(g.outputElements());
        overBands(g, bandFloats, x, (tl, img, ty0, rows, n, v) -> {
            float[] m = ConvCpu.scratch(M, POINTS * cOut * n + L); // + L: the output transform reads whole vectors
            Parallel.forRange(POINTS, 1, (from, to) -> {
                for (int xi = from; xi < to; xi++) {
                    gemm.gemmPackedA(cOut, n, cIn, 1f, uPacked, xi * packed, v, xi * cIn * n, n,
                            0f, m, xi * cOut * n, n);
                }
            });
            transformOutput(g, tl, m, ty0, rows, bias, y, img * yImage);
        });
    }

    /** gw = the gradient of conv(x, w) with respect to w, given gy; overwrites gw. */
    static void backwardWeight(VectorSgemm gemm, ConvGeometry g, float[] gy, float[] x, float[] gw) {
        backwardWeight(gemm, g, gy, x, gw, BAND_FLOATS);
    }

    /** {@link #backwardWeight} with the band size given. */
    static void backwardWeight(VectorSgemm gemm, ConvGeometry g, float[] gy, float[] x, float[] gw, int bandFloats) {
        int cIn = g.cIn();
        int cOut = g.cOut();
        float[] du = ConvCpu.scratch(DU, POINTS * cOut * cIn + L); // + L: G^T reads whole vectors of channels
        Arrays.fill(du, 0, POINTS * cOut * cIn, 0f);
        int yImage = Math.toIntExact(g.outputElements());
        overBands(g, bandFloats, x, (tl, img, ty0, rows, n, v) -> {
            float[] z = ConvCpu.scratch(M, POINTS * cOut * n);
            transformGradient(g, tl, gy, img * yImage, ty0, rows, z);
            Parallel.forRange(POINTS, 1, (from, to) -> {
                for (int xi = from; xi < to; xi++) {
                    gemm.gemm(false, true, cOut, cIn, n, 1f, z, xi * cOut * n, n, v, xi * cIn * n, n,
                            1f, du, xi * cOut * cIn, cIn);
                }
            });
        });
        transformWeightGradient(du, cOut, cIn, gw);
    }

    /** What forward and the weight gradient do with one band of one image, once V holds its input tiles. */
    @FunctionalInterface
    private interface Band {
        void run(Tiling tl, int img, int ty0, int rows, int n, float[] v);
    }

    /**
     * Every image's tiles, a band of tile rows at a time: V[xi][ci][t] of the band's n tiles, then
     * {@code band}.
     */
    private static void overBands(ConvGeometry g, int bandFloats, float[] x, Band band) {
        Tiling tl = Tiling.of(g, bandFloats);
        int xImage = Math.toIntExact(g.inputElements());
        for (int img = 0; img < g.n(); img++) {
            for (int ty0 = 0; ty0 < tl.tilesH(); ty0 += tl.bandRows()) {
                int rows = Math.min(tl.bandRows(), tl.tilesH() - ty0);
                int n = rows * tl.tilesW();
                float[] v = ConvCpu.scratch(V, POINTS * g.cIn() * n);
                transformInput(g, tl, x, img * xImage, ty0, rows, v);
                band.run(tl, img, ty0, rows, n, v);
            }
        }
    }

    // ---- The transforms of one channel and one band, a vector of L tiles at a time ----

    /** V[xi][ci][t] = (B^T d B)[xi] for every input channel ci and tile t of the band. */
    private static void transformInput(ConvGeometry g, Tiling tl, float[] x, int xOff, int ty0, int rows, float[] v) {
        transformTiles(false, g.cIn(), x, xOff, g.h(), g.w(), g.padH(), g.padW(), tl, ty0, rows, v);
    }

    /** Z[xi][co][t] = (A dY A^T)[xi] for every output channel co and tile t of the band (zero past the edge). */
    private static void transformGradient(ConvGeometry g, Tiling tl, float[] gy, int yOff, int ty0, int rows,
                                          float[] z) {
        transformTiles(true, g.cOut(), gy, yOff, g.outH(), g.outW(), 0, 0, tl, ty0, rows, z);
    }

    /**
     * The band's tiles of every plane (h x w), transformed on both sides into out[xi][plane][t]: input
     * tiles (6 x 6 pixels from (4 ty - padH, 4 tx - padW)) by B^T, or, with {@code gradient}, output
     * gradient tiles (4 x 4 from (4 ty, 4 tx)) by A. Pixels outside the plane count as 0.
     */
    private static void transformTiles(boolean gradient, int planes, float[] src, int srcOff, int h, int w,
                                       int padH, int padW, Tiling tl, int ty0, int rows, float[] out) {
        int side = gradient ? TILE : ALPHA;
        int n = rows * tl.tilesW();
        int pw = tl.phaseWidth();
        // The band's rows, each dealt once: tile row tr reads rows 4 tr .. 4 tr + side - 1 (input tiles
        // overlap by two rows).
        int dealtRows = (rows - 1) * TILE + side;
        Parallel.forRange(planes, 1, (from, to) -> {
            float[] q = ConvCpu.scratch(PHASES, dealtRows * TILE * pw);
            float[] steps = ConvCpu.scratch(STEPS, TAIL + ALPHA * L);
            for (int c = from; c < to; c++) {
                int plane = srcOff + c * h * w;
                int y0 = ty0 * TILE - padH;
                for (int j = 0; j < dealtRows; j++) {
                    deal(src, plane, y0 + j, h, w, padW, q, j * TILE * pw, pw);
                }
                for (int tr = 0; tr < rows; tr++) {
                    int rowAt = tr * TILE * TILE * pw;
                    for (int tx = 0; tx < tl.tilesW(); tx += L) {
                        int t = tr * tl.tilesW() + tx;
                        boolean whole = t + L <= n;
                        int lanes = Math.min(L, tl.tilesW() - tx);
                        // Down the columns: column l of the tiles is phase l % 4, shifted by l / 4.
                        for (int l = 0; l < side; l++) {
                            transform(gradient, q, rowAt + (l % TILE) * pw + tx + l / TILE, TILE * pw, steps, l * L,
                                    side * L);
                        }
                        // Along the rows, into out: point (i, k) of plane c's tile.
                        for (int i = 0; i < ALPHA; i++) {
                            int dst = i * ALPHA * planes * n + c * n + t;
                            if (whole) {
                                transform(gradient, steps, i * side * L, L, out, dst, planes * n);
                            } else {
                                transform(gradient, steps, i * side * L, L, steps, TAIL, L);
                                keepLanes(steps, lanes, out, dst, planes * n);
                            }
                        }
                    }
                }
            }
        });
    }

    /** B^T (6 from 6), or with {@code gradient} A (6 from 4). */
    private static void transform(boolean gradient, float[] src, int at, int step, float[] dst, int to, int toStep) {
        if (gradient) {
            byA(src, at, step, dst, to, toStep);
        } else {
            byBt(src, at, step, dst, to, toStep);
        }
    }

    /**
     * Y = A^T M A + bias for every output channel and tile of the band, through phase rows: the 4 x 4
     * outputs of L tiles land as row a, phase b, then go to their pixels (4 u + b), clipped to the image.
     */
    private static void transformOutput(ConvGeometry g, Tiling tl, float[] m, int ty0, int rows, float[] bias,
                                        float[] y, int yOff) {
        int cOut = g.cOut();
        int n = rows * tl.tilesW();
        int pw = tl.phaseWidth();
        int ho = g.outH();
        int wo = g.outW();
        Parallel.forRange(cOut, 1, (from, to) -> {
            float[] q = ConvCpu.scratch(PHASES, ALPHA * TILE * pw);
            float[] steps = ConvCpu.scratch(STEPS, TAIL + ALPHA * L);
            for (int co = from; co < to; co++) {
                float b = bias == null ? 0f : bias[co];
                int plane = yOff + co * ho * wo;
                for (int tr = 0; tr < rows; tr++) {
                    for (int tx = 0; tx < tl.tilesW(); tx += L) {
                        int t = tr * tl.tilesW() + tx;
                        for (int j = 0; j < ALPHA; j++) {
                            byAt(m, j * cOut * n + co * n + t, ALPHA * cOut * n, steps, j * L, ALPHA * L);
                        }
                        for (int a = 0; a < TILE; a++) {
                            byAt(steps, a * ALPHA * L, L, q, a * TILE * pw + tx, pw);
                        }
                    }
                    int oy0 = (ty0 + tr) * TILE;
                    for (int a = 0; a < TILE && oy0 + a < ho; a++) {
                        gather(q, a * TILE * pw, pw, b, y, plane + (oy0 + a) * wo, wo);
                    }
                }
            }
        });
    }

    /**
     * Row y of a plane (h x w) dealt into four phase rows at q[at..]: phase p holds, at u, the pixel
     * 4 u + p - pad, or 0 outside the plane (also for a row y outside it).
     */
    private static void deal(float[] src, int plane, int y, int h, int w, int pad, float[] q, int at, int pw) {
        for (int p = 0; p < TILE; p++) {
            int row = at + p * pw;
            if (y < 0 || y >= h) {
                Arrays.fill(q, row, row + pw, 0f);
                continue;
            }
            // Pixels 4 u + p - pad inside [0, w): u from ceil((pad - p) / 4) to floor((w - 1 + pad - p) / 4).
            int lo = Math.min(pw, Math.max(0, ceilDiv(pad - p, TILE)));
            int hi = Math.max(lo, Math.min(pw, Math.floorDiv(w - 1 + pad - p, TILE) + 1));
            Arrays.fill(q, row, row + lo, 0f);
            int s = plane + y * w + p - pad;
            for (int u = lo; u < hi; u++) {
                q[row + u] = src[s + TILE * u];
            }
            Arrays.fill(q, row + hi, row + pw, 0f);
        }
    }

    /** The inverse of {@link #deal}: dst[at + 4 u + p] = q[p row, u] + bias, for 4 u + p below w. */
    private static void gather(float[] q, int qAt, int pw, float bias, float[] dst, int at, int w) {
        for (int p = 0; p < TILE; p++) {
            int row = qAt + p * pw;
            for (int u = 0, x = p; x < w; u++, x += TILE) {
                dst[at + x] = q[row + u] + bias;
            }
        }
    }

    // ---- The weights: U = G w G^T before the products, gw = G^T dU G after them ----

    /**
     * U[xi] = (G w G^T)[xi] for every point, written straight into the strips {@link VectorSgemm#packA}
     * lays out (strip s: for each input channel ci, the MR output channels s*MR.. side by side): the
     * transform runs on a vector of one strip's output channels, so each result is one store of MR
     * consecutive floats, and U is never stored plain and then transposed into strips. The store is a
     * whole vector where its L - MR extra lanes land on the next input channels' places, which their
     * own stores overwrite next; near the strip's end, where they would land on the next strip (perhaps
     * another thread's), only MR lanes ({@link #keepLanes}).
     */
    private static void packTransformedWeights(VectorSgemm gemm, float[] w, int cOut, int cIn, float[] uPacked,
                                               int packed) {
        int mr = gemm.tileRows(); // at most L (applies)
        int[] kernelStarts = new int[L];
        for (int r = 0; r < L; r++) {
            kernelStarts[r] = r * cIn * 9;
        }
        Parallel.forRange(ceilDiv(cOut, mr), 1, (from, to) -> {
            float[] steps = ConvCpu.scratch(STEPS, TAIL + ALPHA * L);
            // The strip's kernels side by side: tap t of input channel ci, output channel co0 + r at
            // [(ci * 9 + t) * L + r].
            float[] taps = ConvCpu.scratch(TAPS, cIn * 9 * L);
            for (int s = from; s < to; s++) {
                int co0 = s * mr;
                int rows = Math.min(mr, cOut - co0);
                if (rows < mr) {
                    Arrays.fill(taps, 0, cIn * 9 * L, 0f); // rows past cOut pack as zeros
                }
                int kernels = co0 * cIn * 9;
                if (co0 + L <= cOut) { // a vector gather reads the L kernels' tap j at once
                    for (int j = 0; j < cIn * 9; j++) {
                        FloatVector.fromArray(S, w, kernels + j, kernelStarts, 0).intoArray(taps, j * L);
                    }
                } else {
                    for (int j = 0; j < cIn * 9; j++) {
                        for (int r = 0, k = kernels + j; r < rows; r++, k += cIn * 9) {
                            taps[j * L + r] = w[k];
                        }
                    }
                }
                int stripAt = gemm.packedASize(co0, cIn);
                for (int ci = 0; ci < cIn; ci++) {
                    for (int kx = 0; kx < 3; kx++) {
                        byG(taps, (ci * 9 + kx) * L, 3 * L, steps, kx * L, 3 * L);
                    }
                    boolean whole = ci * mr + L <= cIn * mr;
                    for (int i = 0; i < ALPHA; i++) {
                        int dst = i * ALPHA * packed + stripAt + ci * mr;
                        if (whole) {
                            byG(steps, i * 3 * L, L, uPacked, dst, packed);
                        } else {
                            byG(steps, i * 3 * L, L, steps, TAIL, L);
                            keepLanes(steps, mr, uPacked, dst, packed);
                        }
                    }
                }
            }
        });
    }

    /** gw[co, ci] = G^T du[.][co][ci] G, a vector of L input channels at a time. */
    private static void transformWeightGradient(float[] du, int cOut, int cIn, float[] gw) {
        Parallel.forRange(cOut, 1, (from, to) -> {
            float[] steps = ConvCpu.scratch(STEPS, TAIL + ALPHA * L);
            for (int co = from; co < to; co++) {
                for (int ci = 0; ci < cIn; ci += L) {
                    int lanes = Math.min(L, cIn - ci);
                    for (int j = 0; j < ALPHA; j++) {
                        byGt(du, j * cOut * cIn + co * cIn + ci, ALPHA * cOut * cIn, steps, j * L, ALPHA * L);
                    }
                    int taps = 3 * ALPHA * L;
                    for (int ky = 0; ky < 3; ky++) {
                        byGt(steps, ky * ALPHA * L, L, steps, taps + ky * 3 * L, L);
                    }
                    for (int lane = 0; lane < lanes; lane++) {
                        int k = (co * cIn + ci + lane) * 9;
                        for (int tap = 0; tap < 9; tap++) {
                            gw[k + tap] = steps[taps + tap * L + lane];
                        }
                    }
                }
            }
        });
    }

    // ---- The one-dimensional transforms on vectors: the inputs at src[at + i * step], the outputs at
    // ---- dst[to + i * toStep] ----

    /** B^T (6 from 6): the input tile. */
    private static void byBt(float[] src, int at, int step, float[] dst, int to, int toStep) {
        FloatVector d0 = FloatVector.fromArray(S, src, at);
        FloatVector d1 = FloatVector.fromArray(S, src, at + step);
        FloatVector d2 = FloatVector.fromArray(S, src, at + 2 * step);
        FloatVector d3 = FloatVector.fromArray(S, src, at + 3 * step);
        FloatVector d4 = FloatVector.fromArray(S, src, at + 4 * step);
        FloatVector d5 = FloatVector.fromArray(S, src, at + 5 * step);
        FloatVector e42 = d4.sub(d2.mul(4f)); // d4 - 4 d2
        FloatVector e31 = d3.sub(d1.mul(4f)); // d3 - 4 d1
        FloatVector f42 = d4.sub(d2);         // d4 - d2
        FloatVector f31 = d3.sub(d1).mul(2f); // 2 (d3 - d1)
        d0.mul(4f).add(e42).sub(d2).intoArray(dst, to);         // 4 d0 - 5 d2 + d4
        e42.add(e31).intoArray(dst, to + toStep);               // -4 d1 - 4 d2 + d3 + d4
        e42.sub(e31).intoArray(dst, to + 2 * toStep);           // 4 d1 - 4 d2 - d3 + d4
        f42.add(f31).intoArray(dst, to + 3 * toStep);           // -2 d1 - d2 + 2 d3 + d4
        f42.sub(f31).intoArray(dst, to + 4 * toStep);           // 2 d1 - d2 - 2 d3 + d4
        d1.mul(4f).add(d5).sub(d3.mul(5f)).intoArray(dst, to + 5 * toStep); // 4 d1 - 5 d3 + d5
    }

    /** A^T (4 from 6): the output tile. */
    private static void byAt(float[] src, int at, int step, float[] dst, int to, int toStep) {
        FloatVector m0 = FloatVector.fromArray(S, src, at);
        FloatVector m1 = FloatVector.fromArray(S, src, at + step);
        FloatVector m2 = FloatVector.fromArray(S, src, at + 2 * step);
        FloatVector m3 = FloatVector.fromArray(S, src, at + 3 * step);
        FloatVector m4 = FloatVector.fromArray(S, src, at + 4 * step);
        FloatVector m5 = FloatVector.fromArray(S, src, at + 5 * step);
        FloatVector s12 = m1.add(m2);
        FloatVector d12 = m1.sub(m2);
        FloatVector s34 = m3.add(m4);
        FloatVector d34 = m3.sub(m4);
        m0.add(s12).add(s34).intoArray(dst, to);                           // m0 + m1 + m2 + m3 + m4
        d12.add(d34.mul(2f)).intoArray(dst, to + toStep);                  // m1 - m2 + 2 (m3 - m4)
        s12.add(s34.mul(4f)).intoArray(dst, to + 2 * toStep);              // m1 + m2 + 4 (m3 + m4)
        d12.add(d34.mul(8f)).add(m5).intoArray(dst, to + 3 * toStep);      // m1 - m2 + 8 (m3 - m4) + m5
    }

    /** A (6 from 4), the adjoint of {@link #byAt}: the output gradient's tile. */
    private static void byA(float[] src, int at, int step, float[] dst, int to, int toStep) {
        FloatVector y0 = FloatVector.fromArray(S, src, at);
        FloatVector y1 = FloatVector.fromArray(S, src, at + step);
        FloatVector y2 = FloatVector.fromArray(S, src, at + 2 * step);
        FloatVector y3 = FloatVector.fromArray(S, src, at + 3 * step);
        FloatVector s02 = y0.add(y2);
        FloatVector s13 = y1.add(y3);
        FloatVector e02 = y0.add(y2.mul(4f));                // y0 + 4 y2
        FloatVector e13 = y1.add(y3.mul(4f)).mul(2f);        // 2 y1 + 8 y3
        y0.intoArray(dst, to);
        s02.add(s13).intoArray(dst, to + toStep);         // y0 + y1 + y2 + y3
        s02.sub(s13).intoArray(dst, to + 2 * toStep);     // y0 - y1 + y2 - y3
        e02.add(e13).intoArray(dst, to + 3 * toStep);     // y0 + 2 y1 + 4 y2 + 8 y3
        e02.sub(e13).intoArray(dst, to + 4 * toStep);     // y0 - 2 y1 + 4 y2 - 8 y3
        y3.intoArray(dst, to + 5 * toStep);
    }

    /** G (6 from 3): the kernel. */
    private static void byG(float[] src, int at, int step, float[] dst, int to, int toStep) {
        FloatVector g0 = FloatVector.fromArray(S, src, at);
        FloatVector g1 = FloatVector.fromArray(S, src, at + step);
        FloatVector g2 = FloatVector.fromArray(S, src, at + 2 * step);
        FloatVector s02 = g0.add(g2);
        FloatVector p = g0.mul(1f / 24).add(g2.mul(1f / 6));
        FloatVector q = g1.mul(1f / 12);
        g0.mul(1f / 4).intoArray(dst, to);
        s02.add(g1).mul(-1f / 6).intoArray(dst, to + toStep);  // -(g0 + g1 + g2) / 6
        s02.sub(g1).mul(-1f / 6).intoArray(dst, to + 2 * toStep); // -(g0 - g1 + g2) / 6
        p.add(q).intoArray(dst, to + 3 * toStep);               // g0 / 24 + g1 / 12 + g2 / 6
        p.sub(q).intoArray(dst, to + 4 * toStep);               // g0 / 24 - g1 / 12 + g2 / 6
        g2.intoArray(dst, to + 5 * toStep);
    }

    /** G^T (3 from 6), the adjoint of {@link #byG}: the kernel's gradient. */
    private static void byGt(float[] src, int at, int step, float[] dst, int to, int toStep) {
        FloatVector u0 = FloatVector.fromArray(S, src, at);
        FloatVector u1 = FloatVector.fromArray(S, src, at + step);
        FloatVector u2 = FloatVector.fromArray(S, src, at + 2 * step);
        FloatVector u3 = FloatVector.fromArray(S, src, at + 3 * step);
        FloatVector u4 = FloatVector.fromArray(S, src, at + 4 * step);
        FloatVector u5 = FloatVector.fromArray(S, src, at + 5 * step);
        FloatVector s12 = u1.add(u2).mul(1f / 6);
        FloatVector s34 = u3.add(u4);
        u0.mul(1f / 4).sub(s12).add(s34.mul(1f / 24)).intoArray(dst, to);             // u0/4 - (u1+u2)/6 + (u3+u4)/24
        u2.sub(u1).mul(1f / 6).add(u3.sub(u4).mul(1f / 12)).intoArray(dst, to + toStep); // (u2-u1)/6 + (u3-u4)/12
        s34.mul(1f / 6).sub(s12).add(u5).intoArray(dst, to + 2 * toStep);              // (u3+u4-u1-u2)/6 + u5
    }

    /**
     * The first {@code lanes} floats of the six transformed vectors a transform wrote to steps[TAIL..],
     * L apart, copied to dst[to + k * toStep]. A transform stores whole vectors, which is several times
     * faster than a masked store; where a whole vector would run past the data the store owns (into
     * another channel's row or another thread's strip), it writes to TAIL and this keeps what is its own.
     */
    private static void keepLanes(float[] steps, int lanes, float[] dst, int to, int toStep) {
        for (int k = 0; k < ALPHA; k++) {
            System.arraycopy(steps, TAIL + k * L, dst, to + k * toStep, lanes);
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
