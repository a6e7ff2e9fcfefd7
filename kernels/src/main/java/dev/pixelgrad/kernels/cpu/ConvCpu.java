package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.kernels.ConvGeometry;
import java.util.Arrays;

/**
 * 2-D convolution on the CPU by im2col + GEMM, the method of Caffe (Jia et al. 2014) and of PyTorch's
 * CPU fallback. For one image, with K = Cin*kh*kw rows and P = Ho*Wo output positions:
 *
 * <pre>
 * forward:          Y[Cout, P]  = W[Cout, K]   . col(X)[K, P]
 * backward data:    col(dX)     = W^T[K, Cout] . dY[Cout, P]      then col2im adds it back into dX
 *                   (stride 1: a forward convolution of dY with the flipped kernel instead, see adjoint)
 * backward weight:  dW[Cout, K] += dY[Cout, P] . col(X)^T[P, K]   summed over images
 * </pre>
 *
 * col(X) holds, in row (ci, ky, kx) and column (oy, ox), the input pixel under that kernel tap:
 * X[ci, oy*sh - ph + ky, ox*sw - pw + kx], or 0 in the padding. With {@link VectorSgemm}, forward and
 * backward-weight never store it: the GEMM reads its rows straight from the image as it packs each block
 * (implicit im2col), which saves writing and reading a matrix kh*kw times the image's size. Otherwise
 * it is built for a band of output positions at a time, so its memory stays bounded at any image size.
 * A 1x1 stride-1 unpadded conv needs no col(X): the input already is that matrix. With {@link VectorSgemm},
 * 3x3 stride-1 convolutions (VGG16's) take Winograd's F(4x4, 3x3) instead, a quarter of the multiplies
 * ({@link WinogradCpu}).
 *
 * <p>A transposed convolution is the adjoint of a convolution, so it reuses these three routines with
 * roles swapped (see {@link ConvGeometry#transposed} and {@link CpuBackend}).
 *
 * <p>The reference, plain loops ({@link ReferenceConv}):
 * {@code Y[n,co,oy,ox] = b[co] + sum over ci,ky,kx of W[co,ci,ky,kx] * X[n,ci,oy*sh-ph+ky,ox*sw-pw+kx]}.
 * Given the reference GEMM, each routine here runs the reference convolution instead: choosing the
 * reference chooses plain loops for the whole op.
 */
final class ConvCpu {
    /** Upper bound on the floats of one col(X) band. */
    private static final int COL_BUDGET = 1 << 22;

    /** Output positions per image below which the batch is multiplied as one GEMM ({@link #foldsBatch}). */
    private static final int FOLD_POSITIONS = 4096;

    private static final ThreadLocal<float[]> COL = new ThreadLocal<>();
    /** A batch's output or output gradient as one [C, N*P] matrix ({@link #fold}). */
    private static final ThreadLocal<float[]> FOLDED = new ThreadLocal<>();
    /** The flipped kernel of backward-data's adjoint convolution. */
    private static final ThreadLocal<float[]> FLIPPED = new ThreadLocal<>();

    private ConvCpu() {}

    /**
     * Output positions per col(X) band, so that a colRows x band block stays within {@link #COL_BUDGET}
     * floats (at least one position, at most all of them).
     */
    static int bandPositions(ConvGeometry g) {
        long band = Math.max(1, COL_BUDGET / Math.max(1, g.colRows()));
        return (int) Math.min(g.positions(), band);
    }

    /** y = conv(x, w) (+ bias, when not null), overwriting y. */
    static void forward(Sgemm gemm, ConvGeometry g, float[] x, float[] w, float[] bias, float[] y) {
        if (gemm instanceof ReferenceSgemm) {
            ReferenceConv.forward(g, x, w, bias, y);
            return;
        }
        if (gemm instanceof VectorSgemm && DirectConvCpu.applies(g)) {
            DirectConvCpu.forward(g, x, w, bias, y);
            return;
        }
        if (gemm instanceof VectorSgemm vector && WinogradCpu.applies(vector, g)) {
            WinogradCpu.forward(vector, g, x, w, bias, y);
            return;
        }
        // Host arrays are int-indexed, so these sizes fit in an int whenever the arrays exist.
        int k = Math.toIntExact(g.colRows());
        int p = Math.toIntExact(g.positions());
        int xImage = Math.toIntExact(g.inputElements());
        int yImage = Math.toIntExact(g.outputElements());
        if (gemm instanceof VectorSgemm packing && foldsBatch(g, (long) g.cOut() * g.n() * p)) {
            int np = g.n() * p;
            float[] yFolded = scratch(FOLDED, g.cOut() * np);
            packing.gemm(false, false, g.cOut(), np, k, 1f, w, 0, k, batchColRows(g, x), 0f, yFolded, 0, np);
            unfold(yFolded, g.cOut(), g.n(), p, bias, y);
            return;
        }
        for (int img = 0; img < g.n(); img++) {
            if (g.isPointwise()) {
                gemm.gemm(false, false, g.cOut(), p, k, 1f, w, 0, k, x, img * xImage, p, 0f, y, img * yImage, p);
                continue;
            }
            if (gemm instanceof VectorSgemm packing) {
                packing.gemm(false, false, g.cOut(), p, k, 1f, w, 0, k, colRows(g, x, img * xImage), 0f,
                        y, img * yImage, p);
                continue;
            }
            int band = bandPositions(g);
            float[] col = scratch(COL, k * band);
            for (int p0 = 0; p0 < p; p0 += band) {
                int pc = Math.min(band, p - p0);
                im2col(g, x, img * xImage, p0, pc, col);
                gemm.gemm(false, false, g.cOut(), pc, k, 1f, w, 0, k, col, 0, pc, 0f, y, img * yImage + p0, p);
            }
        }
        if (bias != null) {
            ElementwiseCpu.addChannelBias(y, bias, y, g.n(), g.cOut(), p);
        }
    }

    /** gx = the gradient of conv(x, w) with respect to x, given gy; overwrites gx. */
    static void backwardData(Sgemm gemm, ConvGeometry g, float[] gy, float[] w, float[] gx) {
        if (gemm instanceof ReferenceSgemm) {
            ReferenceConv.backwardData(g, gy, w, gx);
            return;
        }
        if (gemm instanceof VectorSgemm && !g.isPointwise() && g.strideH() == 1 && g.strideW() == 1
                && g.padH() <= g.kh() - 1 && g.padW() <= g.kw() - 1
                && (long) g.h() * g.w() <= g.positions()
                && (long) g.cOut() * g.colRows() <= COL_BUDGET) {
            forward(gemm, adjoint(g), gy, flipped(g, w), null, gx);
            return;
        }
        int k = Math.toIntExact(g.colRows());
        int p = Math.toIntExact(g.positions());
        int xImage = Math.toIntExact(g.inputElements());
        int yImage = Math.toIntExact(g.outputElements());
        if (!g.isPointwise()) {
            Arrays.fill(gx, 0, g.n() * xImage, 0f);
        }
        if (gemm instanceof VectorSgemm && foldsBatch(g, (long) Math.max(k, g.cOut()) * g.n() * p)) {
            int np = g.n() * p;
            float[] gyFolded = fold(gy, g.cOut(), g.n(), p);
            float[] col = scratch(COL, k * np);
            gemm.gemm(true, false, k, np, g.cOut(), 1f, w, 0, k, gyFolded, 0, np, 0f, col, 0, np);
            if (g.isPointwise()) {
                unfold(col, k, g.n(), p, null, gx);
                return;
            }
            for (int img = 0; img < g.n(); img++) {
                col2im(g, col, img * p, np, 0, p, gx, img * xImage);
            }
            return;
        }
        for (int img = 0; img < g.n(); img++) {
            if (g.isPointwise()) {
                gemm.gemm(true, false, k, p, g.cOut(), 1f, w, 0, k, gy, img * yImage, p, 0f, gx, img * xImage, p);
                continue;
            }
            int band = bandPositions(g);
            float[] col = scratch(COL, k * band);
            for (int p0 = 0; p0 < p; p0 += band) {
                int pc = Math.min(band, p - p0);
                gemm.gemm(true, false, k, pc, g.cOut(), 1f, w, 0, k, gy, img * yImage + p0, p, 0f, col, 0, pc);
                col2im(g, col, 0, pc, p0, pc, gx, img * xImage);
            }
        }
    }

    /**
     * For a stride-1 convolution with padding below the kernel size, the convolution whose forward pass
     * is this one's input gradient: gx = conv(gy, w flipped in both spatial axes, input and output
     * channels swapped), padded by kernel - 1 - padding, which brings Ho back to H. So backward-data
     * runs on forward's implicit im2col rather than through a stored col(dX) and col2im. The flipped
     * kernel is a copy of the weights, kept per thread, so only kernels up to {@link #COL_BUDGET} floats
     * take this path (all of VGG16's 3x3 layers; not fc6's 7x7 x 4096 x 512).
     */
    static ConvGeometry adjoint(ConvGeometry g) {
        return new ConvGeometry(g.n(), g.cOut(), g.outH(), g.outW(), g.cIn(), g.kh(), g.kw(), 1, 1,
                g.kh() - 1 - g.padH(), g.kw() - 1 - g.padW(), g.h(), g.w());
    }

    /** w [Cout, Cin, kh, kw] as w' [Cin, Cout, kh, kw] with w'[ci, co, y, x] = w[co, ci, kh-1-y, kw-1-x]. */
    static float[] flipped(ConvGeometry g, float[] w) {
        int taps = g.kh() * g.kw();
        float[] dst = scratch(FLIPPED, g.cOut() * g.cIn() * taps);
        Parallel.forRange(g.cIn(), 1, (from, to) -> {
            for (int ci = from; ci < to; ci++) {
                for (int co = 0; co < g.cOut(); co++) {
                    int src = (co * g.cIn() + ci) * taps;
                    int d = (ci * g.cOut() + co) * taps;
                    for (int t = 0; t < taps; t++) {
                        dst[d + t] = w[src + taps - 1 - t];
                    }
                }
            }
        });
        return dst;
    }

    /** gw = the gradient of conv(x, w) with respect to w, given gy; overwrites gw. */
    static void backwardWeight(Sgemm gemm, ConvGeometry g, float[] gy, float[] x, float[] gw) {
        if (gemm instanceof ReferenceSgemm) {
            ReferenceConv.backwardWeight(g, gy, x, gw);
            return;
        }
        if (gemm instanceof VectorSgemm && DirectConvCpu.applies(g)) {
            DirectConvCpu.backwardWeight(g, gy, x, gw);
            return;
        }
        if (gemm instanceof VectorSgemm vector && WinogradCpu.applies(vector, g)) {
            WinogradCpu.backwardWeight(vector, g, gy, x, gw);
            return;
        }
        int k = Math.toIntExact(g.colRows());
        int p = Math.toIntExact(g.positions());
        int xImage = Math.toIntExact(g.inputElements());
        int yImage = Math.toIntExact(g.outputElements());
        if (gemm instanceof VectorSgemm packing && foldsBatch(g, (long) g.cOut() * g.n() * p)) {
            int np = g.n() * p;
            packing.gemm(false, true, g.cOut(), k, np, 1f, fold(gy, g.cOut(), g.n(), p), 0, np, batchColRows(g, x), 0f,
                    gw, 0, k);
            return;
        }
        boolean first = true;
        for (int img = 0; img < g.n(); img++) {
            if (g.isPointwise()) {
                gemm.gemm(false, true, g.cOut(), k, p, 1f, gy, img * yImage, p, x, img * xImage, p,
                        first ? 0f : 1f, gw, 0, k);
                first = false;
                continue;
            }
            if (gemm instanceof VectorSgemm packing) {
                packing.gemm(false, true, g.cOut(), k, p, 1f, gy, img * yImage, p, colRows(g, x, img * xImage),
                        first ? 0f : 1f, gw, 0, k);
                first = false;
                continue;
            }
            int band = bandPositions(g);
            float[] col = scratch(COL, k * band);
            for (int p0 = 0; p0 < p; p0 += band) {
                int pc = Math.min(band, p - p0);
                im2col(g, x, img * xImage, p0, pc, col);
                gemm.gemm(false, true, g.cOut(), k, pc, 1f, gy, img * yImage + p0, p, col, 0, pc,
                        first ? 0f : 1f, gw, 0, k);
                first = false;
            }
        }
        if (first) {
            Arrays.fill(gw, 0, g.cOut() * k, 0f); // no images: the gradient is zero
        }
    }

    /** This thread's array in {@code holder}, grown to at least {@code size} floats; kept for the next call. */
    static float[] scratch(ThreadLocal<float[]> holder, int size) {
        float[] buf = holder.get();
        if (buf == null || buf.length < size) {
            buf = new float[size];
            holder.set(buf);
        }
        return buf;
    }

    /**
     * Whether the batch is better multiplied as one GEMM whose columns are every image's output positions
     * side by side ({@code [C, N*P]}, "folded") than image by image: when each image has few positions
     * (FCN's conv5, fc6 and fc7, the score layers), per-image products are too narrow to keep the
     * micro-kernel busy and pack A once per image. {@code foldedFloats} is the largest folded matrix the
     * caller needs.
     */
    static boolean foldsBatch(ConvGeometry g, long foldedFloats) {
        return g.n() > 1 && g.positions() < FOLD_POSITIONS && foldedFloats <= COL_BUDGET;
    }

    /** {@code t [N, C, P]} folded into this thread's {@code [C, N*P]} scratch (see {@link #foldsBatch}). */
    static float[] fold(float[] t, int channels, int n, int p) {
        float[] folded = scratch(FOLDED, channels * n * p);
        for (int img = 0; img < n; img++) {
            for (int c = 0; c < channels; c++) {
                System.arraycopy(t, (img * channels + c) * p, folded, c * n * p + img * p, p);
            }
        }
        return folded;
    }

    /** {@code folded [C, N*P]} back into {@code t [N, C, P]}, plus {@code bias[c]} when not null. */
    static void unfold(float[] folded, int channels, int n, int p, float[] bias, float[] t) {
        Parallel.forRange(n * channels, Math.max(1, (1 << 14) / p), (from, to) -> {
            for (int i = from; i < to; i++) {
                int img = i / channels;
                int c = i % channels;
                int src = c * n * p + img * p;
                int dst = i * p;
                if (bias == null) {
                    System.arraycopy(folded, src, t, dst, p);
                } else {
                    float b = bias[c];
                    for (int q = 0; q < p; q++) {
                        t[dst + q] = folded[src + q] + b;
                    }
                }
            }
        });
    }

    /**
     * col(X) of every image side by side, row by row ({@code [K, N*P]}): column img*P + q is image img's
     * output position q. For a pointwise conv a row is the input channel's plane itself.
     */
    static VectorSgemm.MatrixRows batchColRows(ConvGeometry g, float[] x) {
        int p = Math.toIntExact(g.positions());
        int xImage = Math.toIntExact(g.inputElements());
        return (r, c0, count, dst, d) -> {
            int end = c0 + count;
            for (int col = c0; col < end; ) {
                int img = col / p;
                int q = col - img * p;
                int run = Math.min(p - q, end - col);
                if (g.isPointwise()) {
                    System.arraycopy(x, img * xImage + r * p + q, dst, d + (col - c0), run);
                } else {
                    tapRow(g, r, q, run, x, img * xImage, dst, d + (col - c0), false);
                }
                col += run;
            }
        };
    }

    /** col(X) of the image at xOff, row by row, for a GEMM that packs it as it goes. */
    static VectorSgemm.MatrixRows colRows(ConvGeometry g, float[] x, int xOff) {
        return (r, q0, count, dst, d) -> tapRow(g, r, q0, count, x, xOff, dst, d, false);
    }

    /**
     * Fills col[r * pc + (q - p0)] for every row r = (ci, ky, kx) and output position q in [p0, p0 + pc)
     * with the input pixel under that tap, or 0 in the padding. Rows are independent: split by row.
     */
    static void im2col(ConvGeometry g, float[] x, int xOff, int p0, int pc, float[] col) {
        int rows = Math.toIntExact(g.colRows());
        Parallel.forRange(rows, Math.max(1, (1 << 13) / Math.max(1, pc)), (from, to) -> {
            for (int r = from; r < to; r++) {
                tapRow(g, r, p0, pc, x, xOff, col, r * pc, false);
            }
        });
    }

    /**
     * The adjoint of {@link #im2col}: adds col back into gx at the pixels each entry came from, for output
     * positions [p0, p0 + pc) whose row r starts at col[colOff + r * ldCol]. Rows of one input channel
     * touch only that channel's plane, so the work splits by channel without races.
     */
    static void col2im(ConvGeometry g, float[] col, int colOff, int ldCol, int p0, int pc, float[] gx, int gxOff) {
        int taps = g.kh() * g.kw();
        Parallel.forRange(g.cIn(), 1, (from, to) -> {
            for (int ci = from; ci < to; ci++) {
                for (int t = 0; t < taps; t++) {
                    int r = ci * taps + t;
                    tapRow(g, r, p0, pc, gx, gxOff, col, colOff + r * ldCol, true);
                }
            }
        });
    }

    /**
     * Walks one col row (one kernel tap of one input channel) over output positions [p0, p0 + pc):
     * gathers image pixels into the row, or with {@code scatter} adds the row back into the image.
     * Each output row segment splits into a padded prefix, a valid middle and a padded suffix.
     */
    private static void tapRow(ConvGeometry g, int r, int p0, int pc, float[] img, int imgOff,
                               float[] row, int rowOff, boolean scatter) {
        int taps = g.kh() * g.kw();
        int ci = r / taps;
        int ky = (r % taps) / g.kw();
        int kx = r % g.kw();
        int wo = g.outW();
        int sw = g.strideW();
        int plane = imgOff + ci * g.h() * g.w();
        // Output columns whose tap lands inside the image: ox*sw - pw + kx in [0, w).
        int oxLo = Math.max(0, ceilDiv(g.padW() - kx, sw));
        int oxHi = Math.min(wo, Math.floorDiv(g.w() - 1 + g.padW() - kx, sw) + 1);
        int q = p0;
        int end = p0 + pc;
        while (q < end) {
            int oy = q / wo;
            int oxs = q - oy * wo;
            int oxe = Math.min(wo, oxs + (end - q));
            int dst = rowOff + (q - p0);
            int iy = oy * g.strideH() - g.padH() + ky;
            if (iy < 0 || iy >= g.h()) {
                if (!scatter) {
                    Arrays.fill(row, dst, dst + (oxe - oxs), 0f);
                }
            } else {
                int lo = Math.min(Math.max(oxs, oxLo), oxe);
                int hi = Math.max(Math.min(oxe, oxHi), lo);
                int src = plane + iy * g.w() - g.padW() + kx; // image index of ox = 0 (before stride)
                if (!scatter) {
                    Arrays.fill(row, dst, dst + (lo - oxs), 0f);
                    if (sw == 1) {
                        if (hi > lo) { // a tap wider than the image and one side's padding never lands in it
                            System.arraycopy(img, src + lo, row, dst + (lo - oxs), hi - lo);
                        }
                    } else {
                        for (int ox = lo; ox < hi; ox++) {
                            row[dst + (ox - oxs)] = img[src + ox * sw];
                        }
                    }
                    Arrays.fill(row, dst + (hi - oxs), dst + (oxe - oxs), 0f);
                } else {
                    for (int ox = lo; ox < hi; ox++) {
                        img[src + ox * sw] += row[dst + (ox - oxs)];
                    }
                }
            }
            q += oxe - oxs;
        }
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }
}
