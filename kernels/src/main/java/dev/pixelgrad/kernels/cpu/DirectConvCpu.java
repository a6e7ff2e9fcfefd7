package dev.pixelgrad.kernels.cpu;

import static jdk.incubator.vector.VectorOperators.ADD;

import dev.pixelgrad.kernels.ConvGeometry;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Stride-1 convolution with few channels, computed straight from a zero-padded copy of each image, with
 * no col(X) and no packed B. In a padded image of width Wp, output pixel (oy, ox) under tap (ky, kx) of
 * input channel ci reads {@code Xp[ci][(oy + ky) * Wp + ox + kx]}; numbering the outputs q = oy * Wp + ox
 * ("flat" positions, Wp - Wo of each row's being past the edge and thrown away), that is
 * {@code Xp[ci][q + ky * Wp + kx]}: for every tap, a run of consecutive outputs reads a run of consecutive
 * inputs. So
 *
 * <pre>
 * Y[co, q] = sum over taps t = (ci, ky, kx) of W[co, t] * Xp[offset(t) + q],  offset(t) = ci*Hp*Wp + ky*Wp + kx
 * </pre>
 *
 * is a GEMM whose B rows are slices of the padded image, loaded by the micro-kernel where they lie. With
 * 8 to 64 channels each packed B value of im2col would serve only that many rows of the output, so the
 * packing cost as much as the multiplies; here there is none, and each output is stored once with its
 * bias. The reference is {@link ReferenceConv#forward}; the input gradient of a stride-1 convolution is
 * such a convolution too (see {@link ConvCpu#adjoint}).
 */
final class DirectConvCpu {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    /** Flat output positions per work item: a few hundred, so a thread's input rows stay in L2. */
    private static final int BLOCK_RUNS = 16;
    /**
     * Output positions per image below which a map counts as small (see {@link #applies}): measured with
     * 64 channels each way at batch 8, the direct path beat Winograd at 33 x 33 and 17 x 17 with AVX-512
     * (forward 3.5 and 1.1 ms against 4.5 and 2.5), but only at 17 x 17 with AVX2 (33 x 33: 6.3 against 5.4).
     */
    static final int SMALL_MAP = Tile.forThisCpu() == Tile.T8X3 ? 4096 : 1024;
    static final boolean ENABLED = Boolean.parseBoolean(System.getProperty("pixelgrad.cpu.direct", "true"));

    /**
     * The micro-tiles for the register file at hand: the forward's output channels x vectors of flat
     * positions, and the weight gradient's square of channels x taps (one accumulator each, plus that
     * many vectors loaded a step).
     */
    enum Tile {
        /** Forward 8 channels x 3 vectors (24 accumulators), gradient 4 x 4: for 32 registers (AVX-512, ARM). */
        T8X3(8, 3, 4),
        /** Forward 3 x 3 (9 accumulators), gradient 3 x 3: for 16 registers (AVX2). */
        T3X3(3, 3, 3);

        final int rows;
        final int vectors;
        /** Channels and taps of the weight gradient's tile. */
        final int gradient;

        Tile(int rows, int vectors, int gradient) {
            this.rows = rows;
            this.vectors = vectors;
            this.gradient = gradient;
        }

        int columns() {
            return vectors * L;
        }

        static Tile forThisCpu() {
            return VectorSgemm.Tile.forThisCpu() == VectorSgemm.Tile.T12X2 ? T8X3 : T3X3;
        }
    }

    private static final Tile THIS_CPU = Tile.forThisCpu();
    private static final ThreadLocal<float[]> PADDED = new ThreadLocal<>();
    private static final ThreadLocal<float[]> PACKED = new ThreadLocal<>();
    private static final ThreadLocal<float[]> TILE = new ThreadLocal<>();
    /** gy at the padded width, for the weight gradient. */
    private static final ThreadLocal<float[]> GRADIENT = new ThreadLocal<>();
    /** Flat positions per block of the weight gradient: a few rows of every channel stay in L2. */
    private static final int GRADIENT_BLOCK = 1024;
    /** A tile's pieces of output rows, three ints each; a tile row of nr positions meets at most nr rows. */
    private static final ThreadLocal<int[]> PIECES = ThreadLocal.withInitial(() -> new int[3 * (3 * L + 1)]);

    private DirectConvCpu() {}

    /**
     * Whether this path takes the convolution: stride 1, not pointwise (a plain GEMM), at most 64 output
     * channels, and either fewer than 64 channels one way or a small map (under {@link #SMALL_MAP}
     * outputs). With more channels on a large map, Winograd's fewer multiplies win on 3x3 layers
     * (VGG16's conv1_2 at 224 x 224: Winograd 15.9 ms forward, this 21.7); on small maps its tiles' edges
     * and per-call transforms weigh more (64 channels at 17 x 17, batch 8: Winograd 2.5 ms forward).
     */
    static boolean applies(ConvGeometry g) {
        return ENABLED && g.strideH() == 1 && g.strideW() == 1 && !g.isPointwise() && g.cOut() <= 64
                && (Math.min(g.cIn(), g.cOut()) < 64 || g.positions() < SMALL_MAP)
                && g.outH() == g.h() + 2 * g.padH() - g.kh() + 1 && g.outW() == g.w() + 2 * g.padW() - g.kw() + 1;
    }

    /** y = conv(x, w) (+ bias when not null), overwriting y, with this CPU's tile. */
    static void forward(ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        forward(THIS_CPU, g, x, w, bias, y);
    }

    /** {@link #forward(ConvGeometry, float[], float[], float[], float[])} with a given tile (the tests run both). */
    static void forward(Tile tile, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        int mr = tile.rows;
        int nr = tile.columns();
        // Every image padded first, so one parallel loop covers the whole batch.
        Padded in = Padded.of(g, x, nr);
        int k = in.offsets.length;
        int flat = in.flat;
        int wp = in.wp;
        float[] xp = in.xp;
        int[] offsets = in.offsets;
        int runs = (flat + nr - 1) / nr;
        int strips = (g.cOut() + mr - 1) / mr;
        float[] packed = packWeights(w, g.cOut(), k, mr, strips);
        int yImage = Math.toIntExact(g.outputElements());
        int blocks = (runs + BLOCK_RUNS - 1) / BLOCK_RUNS;
        int perImage = blocks * strips;
        Parallel.forRange(g.n() * perImage, 1, (from, to) -> {
            float[] tileBuf = ConvCpu.scratch(TILE, mr * nr);
            int[] pieces = PIECES.get();
            for (int item = from; item < to; item++) {
                int img = item / perImage;
                int s = item % strips;
                int r0 = item % perImage / strips * BLOCK_RUNS;
                int r1 = Math.min(runs, r0 + BLOCK_RUNS);
                int aBase = s * k * mr;
                int q0Image = img * in.image;
                for (int r = r0; r < r1; r++) {
                    int q0 = r * nr;
                    if (tile == Tile.T8X3) {
                        kernel8x3(k, packed, aBase, xp, offsets, q0Image + q0, tileBuf);
                    } else {
                        kernel3x3(k, packed, aBase, xp, offsets, q0Image + q0, tileBuf);
                    }
                    store(g, tileBuf, nr, s * mr, Math.min(mr, g.cOut() - s * mr), q0, Math.min(nr, flat - q0),
                            wp, bias, y, img * yImage, pieces);
                }
            }
        });
    }

    /**
     * The batch laid out for the flat formulation: each image padded to hp x wp planes (image at
     * (padH, padW), zeros around) in xp, image after image, with {@code slack} zeros past the last plane
     * for the whole vectors the last tap's last positions read; flat = outH * wp positions per image and
     * offsets[t] = ci * hp * wp + ky * wp + kx for every tap t = (ci, ky, kx).
     */
    private record Padded(int wp, int flat, int image, float[] xp, int[] offsets) {
        static Padded of(ConvGeometry g, float[] x, int slack) {
            int hp = g.outH() + g.kh() - 1;
            int wp = g.outW() + g.kw() - 1;
            int plane = hp * wp;
            int image = g.cIn() * plane;
            // The last tap's last vector ends below its offset (kh-1)*wp + kw-1 + flat + slack.
            int floats = g.n() * image + g.kw() + slack;
            float[] xp = ConvCpu.scratch(PADDED, floats);
            widen(x, g.n() * g.cIn(), g.h(), g.w(), xp, plane, wp, g.padH(), g.padW());
            Arrays.fill(xp, g.n() * image, floats, 0f);
            int[] offsets = new int[g.cIn() * g.kh() * g.kw()];
            for (int ci = 0, t = 0; ci < g.cIn(); ci++) {
                for (int ky = 0; ky < g.kh(); ky++) {
                    for (int kx = 0; kx < g.kw(); kx++) {
                        offsets[t++] = ci * plane + ky * wp + kx;
                    }
                }
            }
            return new Padded(wp, g.outH() * wp, image, xp, offsets);
        }
    }

    /**
     * gw = the gradient of conv(x, w) with respect to w, given gy; overwrites gw. In flat positions,
     * {@code gw[co, t] = sum over images and q of dYp[co, q] * Xp[offset(t) + q]}, where dYp is gy laid
     * out at the padded width with zeros past each row's edge, so the thrown-away positions add nothing.
     * Each thread takes a share of the images' blocks of positions and sums into its own copy of gw
     * (few channels: small), four channels by four taps at a time, a vector of positions per step.
     */
    static void backwardWeight(ConvGeometry g, float[] gy, float[] x, float[] gw) {
        backwardWeight(THIS_CPU, g, gy, x, gw);
    }

    /** {@link #backwardWeight(ConvGeometry, float[], float[], float[])} with a given tile (the tests run both). */
    static void backwardWeight(Tile tile, ConvGeometry g, float[] gy, float[] x, float[] gw) {
        Padded in = Padded.of(g, x, L);
        int k = in.offsets.length;
        float[] xp = in.xp;
        int[] offsets = in.offsets;
        int paddedImage = in.image;
        // gy at the padded width, each plane rounded up to whole vectors, zeros past the outputs.
        int flatStride = (in.flat + L - 1) / L * L;
        float[] gyp = ConvCpu.scratch(GRADIENT, g.n() * g.cOut() * flatStride);
        widen(gy, g.n() * g.cOut(), g.outH(), g.outW(), gyp, flatStride, in.wp, 0, 0);
        int blocksPerImage = (flatStride + GRADIENT_BLOCK - 1) / GRADIENT_BLOCK;
        int blocks = g.n() * blocksPerImage;
        int shares = Math.min(Parallel.THREADS, blocks);
        int size = g.cOut() * k;
        if (shares == 0) {
            Arrays.fill(gw, 0, size, 0f); // no images or no outputs: the gradient is zero
            return;
        }
        float[][] partial = new float[shares][];
        Parallel.forRange(shares, 1, (from, to) -> {
            for (int share = from; share < to; share++) {
                float[] sums = new float[size];
                for (int b = share * blocks / shares; b < (share + 1) * blocks / shares; b++) {
                    int img = b / blocksPerImage;
                    int q0 = b % blocksPerImage * GRADIENT_BLOCK;
                    int q1 = Math.min(flatStride, q0 + GRADIENT_BLOCK);
                    int gyImage = img * g.cOut() * flatStride;
                    int xImage = img * paddedImage;
                    int e = tile.gradient;
                    for (int co = 0; co < g.cOut(); co += e) {
                        for (int t = 0; t < k; t += e) {
                            if (e == 4) {
                                gradientTile4x4(gyp, gyImage + q0, flatStride, co, Math.min(4, g.cOut() - co), xp,
                                        offsets, xImage + q0, t, Math.min(4, k - t), q1 - q0, sums, k);
                            } else {
                                gradientTile3x3(gyp, gyImage + q0, flatStride, co, Math.min(3, g.cOut() - co), xp,
                                        offsets, xImage + q0, t, Math.min(3, k - t), q1 - q0, sums, k);
                            }
                        }
                    }
                }
                partial[share] = sums;
            }
        });
        System.arraycopy(partial[0], 0, gw, 0, size);
        for (int share = 1; share < shares; share++) {
            for (int i = 0; i < size; i++) {
                gw[i] += partial[share][i];
            }
        }
    }

    /**
     * sums[co + i, t + j] += the dot product over {@code count} positions (a multiple of L) of gy's row
     * co + i and the input at tap t + j, for i below rows and j below cols (at most 4 each). Rows and
     * taps past the edge repeat the last one and are not written.
     */
    private static void gradientTile4x4(float[] gyp, int gyAt, int gyStride, int co, int rows, float[] xp,
                                     int[] offsets, int xAt, int t, int cols, int count, float[] sums, int k) {
        int g0 = gyAt + co * gyStride;
        int g1 = gyAt + (co + Math.min(1, rows - 1)) * gyStride;
        int g2 = gyAt + (co + Math.min(2, rows - 1)) * gyStride;
        int g3 = gyAt + (co + Math.min(3, rows - 1)) * gyStride;
        int x0 = xAt + offsets[t];
        int x1 = xAt + offsets[t + Math.min(1, cols - 1)];
        int x2 = xAt + offsets[t + Math.min(2, cols - 1)];
        int x3 = xAt + offsets[t + Math.min(3, cols - 1)];
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a03 = z, a10 = z, a11 = z, a12 = z, a13 = z;
        FloatVector a20 = z, a21 = z, a22 = z, a23 = z, a30 = z, a31 = z, a32 = z, a33 = z;
        for (int q = 0; q < count; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, gyp, g0 + q);
            FloatVector d1 = FloatVector.fromArray(S, gyp, g1 + q);
            FloatVector d2 = FloatVector.fromArray(S, gyp, g2 + q);
            FloatVector d3 = FloatVector.fromArray(S, gyp, g3 + q);
            FloatVector v = FloatVector.fromArray(S, xp, x0 + q);
            a00 = d0.fma(v, a00);
            a10 = d1.fma(v, a10);
            a20 = d2.fma(v, a20);
            a30 = d3.fma(v, a30);
            v = FloatVector.fromArray(S, xp, x1 + q);
            a01 = d0.fma(v, a01);
            a11 = d1.fma(v, a11);
            a21 = d2.fma(v, a21);
            a31 = d3.fma(v, a31);
            v = FloatVector.fromArray(S, xp, x2 + q);
            a02 = d0.fma(v, a02);
            a12 = d1.fma(v, a12);
            a22 = d2.fma(v, a22);
            a32 = d3.fma(v, a32);
            v = FloatVector.fromArray(S, xp, x3 + q);
            a03 = d0.fma(v, a03);
            a13 = d1.fma(v, a13);
            a23 = d2.fma(v, a23);
            a33 = d3.fma(v, a33);
        }
        addTo(sums, k, co, t, rows, cols, 4, new float[] {
            a00.reduceLanes(ADD), a01.reduceLanes(ADD), a02.reduceLanes(ADD), a03.reduceLanes(ADD),
            a10.reduceLanes(ADD), a11.reduceLanes(ADD), a12.reduceLanes(ADD), a13.reduceLanes(ADD),
            a20.reduceLanes(ADD), a21.reduceLanes(ADD), a22.reduceLanes(ADD), a23.reduceLanes(ADD),
            a30.reduceLanes(ADD), a31.reduceLanes(ADD), a32.reduceLanes(ADD), a33.reduceLanes(ADD),
        });
    }

    /**
     * sums[co + i, t + j] += dots[i * width + j] for the rows x cols of a gradient tile that are real
     * (the tile's rows and taps past the edge repeated the last one).
     */
    private static void addTo(float[] sums, int k, int co, int t, int rows, int cols, int width, float[] dots) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                sums[(co + i) * k + t + j] += dots[i * width + j];
            }
        }
    }

    /** {@link #gradientTile4x4} with 3 channels x 3 taps, for 16 registers. */
    private static void gradientTile3x3(float[] gyp, int gyAt, int gyStride, int co, int rows, float[] xp,
                                       int[] offsets, int xAt, int t, int cols, int count, float[] sums, int k) {
        int g0 = gyAt + co * gyStride;
        int g1 = gyAt + (co + Math.min(1, rows - 1)) * gyStride;
        int g2 = gyAt + (co + Math.min(2, rows - 1)) * gyStride;
        int x0 = xAt + offsets[t];
        int x1 = xAt + offsets[t + Math.min(1, cols - 1)];
        int x2 = xAt + offsets[t + Math.min(2, cols - 1)];
        FloatVector z = FloatVector.zero(S);
        FloatVector a00 = z, a01 = z, a02 = z, a10 = z, a11 = z, a12 = z, a20 = z, a21 = z, a22 = z;
        for (int q = 0; q < count; q += L) {
            FloatVector d0 = FloatVector.fromArray(S, gyp, g0 + q);
            FloatVector d1 = FloatVector.fromArray(S, gyp, g1 + q);
            FloatVector d2 = FloatVector.fromArray(S, gyp, g2 + q);
            FloatVector v = FloatVector.fromArray(S, xp, x0 + q);
            a00 = d0.fma(v, a00);
            a10 = d1.fma(v, a10);
            a20 = d2.fma(v, a20);
            v = FloatVector.fromArray(S, xp, x1 + q);
            a01 = d0.fma(v, a01);
            a11 = d1.fma(v, a11);
            a21 = d2.fma(v, a21);
            v = FloatVector.fromArray(S, xp, x2 + q);
            a02 = d0.fma(v, a02);
            a12 = d1.fma(v, a12);
            a22 = d2.fma(v, a22);
        }
        addTo(sums, k, co, t, rows, cols, 3, new float[] {
            a00.reduceLanes(ADD), a01.reduceLanes(ADD), a02.reduceLanes(ADD),
            a10.reduceLanes(ADD), a11.reduceLanes(ADD), a12.reduceLanes(ADD),
            a20.reduceLanes(ADD), a21.reduceLanes(ADD), a22.reduceLanes(ADD),
        });
    }

    /** w [Cout, K] as strips of mr channels, each K steps of mr values, zeros past the last channel. */
    private static float[] packWeights(float[] w, int cOut, int k, int mr, int strips) {
        float[] packed = ConvCpu.scratch(PACKED, strips * k * mr);
        for (int s = 0; s < strips; s++) {
            int base = s * k * mr;
            for (int i = 0; i < mr; i++) {
                int co = s * mr + i;
                if (co >= cOut) {
                    for (int p = 0; p < k; p++) {
                        packed[base + p * mr + i] = 0f;
                    }
                    continue;
                }
                for (int p = 0; p < k; p++) {
                    packed[base + p * mr + i] = w[co * k + p];
                }
            }
        }
        return packed;
    }

    /**
     * Each of the {@code planes} h x w planes of src into dst, {@code dstPlane} floats apart, rows
     * {@code dstWidth} apart, at row {@code top} and column {@code left}; zeros everywhere else in each
     * destination plane. The padded input (zeros around) and the padded-width output gradient (zeros past
     * each row) are both this.
     */
    private static void widen(float[] src, int planes, int h, int w, float[] dst, int dstPlane, int dstWidth,
                              int top, int left) {
        Parallel.forRange(planes, 1, (from, to) -> {
            for (int c = from; c < to; c++) {
                int base = c * dstPlane;
                Arrays.fill(dst, base, base + top * dstWidth, 0f);
                for (int iy = 0; iy < h; iy++) {
                    int row = base + (iy + top) * dstWidth;
                    Arrays.fill(dst, row, row + left, 0f);
                    System.arraycopy(src, (c * h + iy) * w, dst, row + left, w);
                    Arrays.fill(dst, row + left + w, row + dstWidth, 0f);
                }
                Arrays.fill(dst, base + (top + h) * dstWidth, base + dstPlane, 0f);
            }
        });
    }

    /**
     * The tile's rows (channels co0..co0+rows) at flat positions [q0, q0 + count) into y, plus the bias,
     * skipping the positions past each row's edge. The pieces of output rows the positions cover are the
     * same for every channel: found once, into {@code pieces} (the thread's), then copied a vector at
     * a time.
     */
    private static void store(ConvGeometry g, float[] tile, int nr, int co0, int rows, int q0, int count, int wp,
                              float[] bias, float[] y, int yOff, int[] pieces) {
        int wo = g.outW();
        int plane = g.outH() * wo;
        int n = 0;
        for (int q = q0, end = q0 + count; q < end; ) {
            int oy = q / wp;
            int ox = q - oy * wp;
            int rowEnd = Math.min(end, oy * wp + wp);
            if (ox < wo) {
                pieces[n++] = q - q0;                                  // where in the tile row
                pieces[n++] = oy * wo + ox;                            // where in the output plane
                pieces[n++] = Math.min(rowEnd, oy * wp + wo) - q;      // how many
            }
            q = rowEnd;
        }
        for (int i = 0; i < rows; i++) {
            float b = bias == null ? 0f : bias[co0 + i];
            FloatVector bv = FloatVector.broadcast(S, b);
            int yPlane = yOff + (co0 + i) * plane;
            int t = i * nr;
            for (int e = 0; e < n; e += 3) {
                int src = t + pieces[e];
                int dst = yPlane + pieces[e + 1];
                int len = pieces[e + 2];
                int j = 0;
                for (; j + L <= len; j += L) {
                    FloatVector.fromArray(S, tile, src + j).add(bv).intoArray(y, dst + j);
                }
                for (; j < len; j++) {
                    y[dst + j] = tile[src + j] + b;
                }
            }
        }
    }

    // The micro-kernels: tile = (weight strip) x (slices of the padded image) over the k taps. As in
    // VectorSgemm, they leave the tile in a buffer: C2 boxes vectors passed to a call it did not inline.

    /** 8 channels x 3 vectors of flat positions: 24 accumulators. */
    private static void kernel8x3(int k, float[] ap, int aBase, float[] xp, int[] offsets, int q0, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z;
        FloatVector c30 = z, c31 = z, c32 = z, c40 = z, c41 = z, c42 = z, c50 = z, c51 = z, c52 = z;
        FloatVector c60 = z, c61 = z, c62 = z, c70 = z, c71 = z, c72 = z;
        for (int p = 0; p < k; p++) {
            int ai = aBase + p * 8;
            int bi = offsets[p] + q0;
            FloatVector b0 = FloatVector.fromArray(S, xp, bi);
            FloatVector b1 = FloatVector.fromArray(S, xp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, xp, bi + 2 * L);
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
            av = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
            av = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            c42 = av.fma(b2, c42);
            av = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            c52 = av.fma(b2, c52);
            av = FloatVector.broadcast(S, ap[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            c62 = av.fma(b2, c62);
            av = FloatVector.broadcast(S, ap[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            c72 = av.fma(b2, c72);
        }
        int r = 3 * L;
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c02.intoArray(tile, 2 * L);
        c10.intoArray(tile, r);
        c11.intoArray(tile, r + L);
        c12.intoArray(tile, r + 2 * L);
        c20.intoArray(tile, 2 * r);
        c21.intoArray(tile, 2 * r + L);
        c22.intoArray(tile, 2 * r + 2 * L);
        c30.intoArray(tile, 3 * r);
        c31.intoArray(tile, 3 * r + L);
        c32.intoArray(tile, 3 * r + 2 * L);
        c40.intoArray(tile, 4 * r);
        c41.intoArray(tile, 4 * r + L);
        c42.intoArray(tile, 4 * r + 2 * L);
        c50.intoArray(tile, 5 * r);
        c51.intoArray(tile, 5 * r + L);
        c52.intoArray(tile, 5 * r + 2 * L);
        c60.intoArray(tile, 6 * r);
        c61.intoArray(tile, 6 * r + L);
        c62.intoArray(tile, 6 * r + 2 * L);
        c70.intoArray(tile, 7 * r);
        c71.intoArray(tile, 7 * r + L);
        c72.intoArray(tile, 7 * r + 2 * L);
    }

    /** 3 channels x 3 vectors of flat positions: 9 accumulators. */
    private static void kernel3x3(int k, float[] ap, int aBase, float[] xp, int[] offsets, int q0, float[] tile) {
        FloatVector z = FloatVector.zero(S);
        FloatVector c00 = z, c01 = z, c02 = z, c10 = z, c11 = z, c12 = z, c20 = z, c21 = z, c22 = z;
        for (int p = 0; p < k; p++) {
            int ai = aBase + p * 3;
            int bi = offsets[p] + q0;
            FloatVector b0 = FloatVector.fromArray(S, xp, bi);
            FloatVector b1 = FloatVector.fromArray(S, xp, bi + L);
            FloatVector b2 = FloatVector.fromArray(S, xp, bi + 2 * L);
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
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c02.intoArray(tile, 2 * L);
        c10.intoArray(tile, r);
        c11.intoArray(tile, r + L);
        c12.intoArray(tile, r + 2 * L);
        c20.intoArray(tile, 2 * r);
        c21.intoArray(tile, 2 * r + L);
        c22.intoArray(tile, 2 * r + 2 * L);
    }
}
