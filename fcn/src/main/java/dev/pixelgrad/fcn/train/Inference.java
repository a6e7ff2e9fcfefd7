package dev.pixelgrad.fcn.train;

import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.Batch;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Scope;
import java.util.List;
import java.util.Locale;

/**
 * How a trained model is run on one image at test time, beyond one pass over the whole image:
 * <ul>
 *   <li>multi-scale: the image resized by each factor in {@code scales} (bilinear), the class
 *       probabilities of each resized back to the image's size and averaged;</li>
 *   <li>{@code flip}: each scale also run on the mirrored image, its probabilities mirrored back;</li>
 *   <li>sliding window ({@code tile} > 0): passes over {@code tile x tile} windows that overlap by
 *       {@code overlap} of a window, their logits averaged where they overlap, so that an image larger
 *       than the memory allows is still scored at full resolution. An image (or scaled image) no larger
 *       than a window is one pass, as without tiles.</li>
 * </ul>
 * {@link #WHOLE} is one pass over the whole image, which an FCN takes at any size (what training
 * validates with).
 *
 * @param scales  resize factors, each in (0, 4]
 * @param flip    also run each scale mirrored left-right
 * @param tile    window side in pixels, or 0 for the whole image
 * @param overlap fraction of a window shared with the next, in [0, 0.9]
 */
public record Inference(List<Float> scales, boolean flip, int tile, float overlap) {
    /** One pass over the whole image, at scale 1, without flipping or windows. */
    public static final Inference WHOLE = new Inference(List.of(1f), false, 0, 0f);

    /**
     * Copies and checks the components.
     *
     * @throws IllegalArgumentException if there is no scale, a scale is not in (0, 4], the window side is not
     *                                  0 or 2 to 100000, or the overlap is not in [0, 0.9]
     */
    public Inference {
        scales = List.copyOf(scales);
        if (scales.isEmpty()) {
            throw new IllegalArgumentException("give at least one scale");
        }
        for (float s : scales) {
            if (!(s > 0f && s <= 4f)) {
                throw new IllegalArgumentException("scales must be in (0, 4], got " + s);
            }
        }
        if (tile < 0 || tile == 1 || tile > 100_000) {
            throw new IllegalArgumentException("the window side must be 0 (whole image) or 2 to 100000, got " + tile);
        }
        if (!(overlap >= 0f && overlap <= 0.9f)) {
            throw new IllegalArgumentException("the window overlap must be in [0, 0.9], got " + overlap);
        }
    }

    /**
     * Whether this is {@link #WHOLE}: a single plain pass.
     *
     * @return whether it equals {@link #WHOLE}
     */
    public boolean isWhole() {
        return equals(WHOLE);
    }

    /**
     * One line for logs: "scales [0.75, 1.0, 1.25], flipped too, 256-pixel windows overlapping by 0.33".
     *
     * @return the line
     */
    public String describe() {
        return String.format(Locale.ROOT, "scales %s%s, %s", scales, flip ? ", flipped too" : "",
                tile == 0 ? "whole image" : tile + "-pixel windows overlapping by " + overlap);
    }

    /**
     * The class probabilities of every pixel of {@code s} at its own size: [classes][height * width].
     *
     * @param model  the model, in the mode it should run in (evaluation, normally)
     * @param s      the image; its labels are not read
     * @param device where to run
     * @return new arrays, one per class, each of height x width probabilities averaged over the passes
     */
    public float[][] probabilities(Fcn model, Sample s, Device device) {
        int classes = model.numClasses();
        int plane = s.height() * s.width();
        float[][] sum = new float[classes][plane];
        int passes = 0;
        for (float scale : scales) {
            int h = Math.max(1, Math.round(s.height() * scale));
            int w = Math.max(1, Math.round(s.width() * scale));
            Sample scaled = h == s.height() && w == s.width() ? s : Augmentation.resize(s, h, w);
            for (boolean mirrored : flip ? new boolean[] {false, true} : new boolean[] {false}) {
                float[] logits = logits(model, mirrored ? Augmentation.flip(scaled) : scaled, device);
                float[] p = softmax(logits, classes, h * w);
                if (mirrored) {
                    p = Augmentation.flipPlanes(p, classes, h, w);
                }
                if (h != s.height() || w != s.width()) {
                    p = Augmentation.bilinear(p, classes, h, w, s.height(), s.width());
                }
                for (int c = 0; c < classes; c++) {
                    for (int i = 0; i < plane; i++) {
                        sum[c][i] += p[c * plane + i];
                    }
                }
                passes++;
            }
        }
        for (float[] c : sum) {
            for (int i = 0; i < plane; i++) {
                c[i] /= passes;
            }
        }
        return sum;
    }

    /**
     * The most probable class of every pixel.
     *
     * @param model  the model
     * @param s      the image; its labels are not read
     * @param device where to run
     * @return the class of each pixel, [height x width] row-major
     */
    public int[] predict(Fcn model, Sample s, Device device) {
        float[][] p = probabilities(model, s, device);
        int[] out = new int[s.height() * s.width()];
        for (int i = 0; i < out.length; i++) {
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c][i] > p[best][i]) {
                    best = c;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /** Logits [classes, h, w] of one image: one pass, or the average over the windows covering each pixel. */
    private float[] logits(Fcn model, Sample s, Device device) {
        int h = s.height();
        int w = s.width();
        if (tile == 0 || h <= tile && w <= tile) {
            return forward(model, s, device);
        }
        int classes = model.numClasses();
        float[] sum = new float[classes * h * w];
        int[] count = new int[h * w];
        for (int y0 : starts(h)) {
            for (int x0 : starts(w)) {
                int th = Math.min(tile, h);
                int tw = Math.min(tile, w);
                float[] part = forward(model, window(s, y0, x0, th, tw), device);
                for (int c = 0; c < classes; c++) {
                    for (int y = 0; y < th; y++) {
                        for (int x = 0; x < tw; x++) {
                            sum[(c * h + y0 + y) * w + x0 + x] += part[(c * th + y) * tw + x];
                        }
                    }
                }
                for (int y = 0; y < th; y++) {
                    for (int x = 0; x < tw; x++) {
                        count[(y0 + y) * w + x0 + x]++;
                    }
                }
            }
        }
        for (int c = 0; c < classes; c++) {
            for (int i = 0; i < h * w; i++) {
                sum[c * h * w + i] /= count[i];
            }
        }
        return sum;
    }

    /** Window starts along a side of {@code length}: every stride, and the last flush with the end. */
    int[] starts(int length) {
        if (length <= tile) {
            return new int[] {0};
        }
        int stride = Math.max(1, Math.round(tile * (1 - overlap)));
        int n = (length - tile + stride - 1) / stride + 1;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = Math.min(i * stride, length - tile);
        }
        return out;
    }

    private static Sample window(Sample s, int y0, int x0, int h, int w) {
        float[] rgb = new float[3 * h * w];
        int[] labels = new int[h * w];
        int plane = s.height() * s.width();
        for (int y = 0; y < h; y++) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(s.rgb(), c * plane + (y0 + y) * s.width() + x0, rgb, (c * h + y) * w, w);
            }
            System.arraycopy(s.labels(), (y0 + y) * s.width() + x0, labels, y * w, w);
        }
        return new Sample(s.id(), h, w, rgb, labels);
    }

    private static float[] forward(Fcn model, Sample s, Device device) {
        boolean wasTraining = model.isTraining();
        model.eval();
        try (Scope scope = Scope.open(); GradMode off = GradMode.off()) {
            Batch b = Batch.of(List.of(s), model.config().preprocessing());
            return model.forward(Variable.of(b.imageTensor().to(device))).data().toFloatArray();
        } finally {
            model.train(wasTraining);
        }
    }

    /**
     * Softmax over the classes at every pixel, each pixel's logits shifted by their largest first.
     *
     * @param logits  [classes][plane] logits, class-major
     * @param classes the number of classes
     * @param plane   pixels per class plane (height * width)
     * @return the class probabilities, laid out as the logits
     */
    public static float[] softmax(float[] logits, int classes, int plane) {
        float[] p = new float[logits.length];
        for (int i = 0; i < plane; i++) {
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits[c * plane + i]);
            }
            double z = 0;
            for (int c = 0; c < classes; c++) {
                z += Math.exp(logits[c * plane + i] - max);
            }
            for (int c = 0; c < classes; c++) {
                p[c * plane + i] = (float) (Math.exp(logits[c * plane + i] - max) / z);
            }
        }
        return p;
    }
}
