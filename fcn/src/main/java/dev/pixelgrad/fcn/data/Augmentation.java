package dev.pixelgrad.fcn.data;

import java.util.SplittableRandom;

/**
 * Training-time augmentation, deterministic for a seed: a random scale (bilinear for the image, nearest
 * for the labels), a random horizontal flip, and a random crop of a fixed size, padded first where the
 * image is smaller (with the pixel the preprocessing maps to zero, and void labels).
 *
 * @param flip      flip left-right with probability 1/2
 * @param minScale  smallest scale factor (1 for none)
 * @param maxScale  largest scale factor
 * @param cropSize  side of the square crop, or 0 for no crop
 */
public record Augmentation(boolean flip, float minScale, float maxScale, int cropSize) {
    /** No augmentation: {@link #apply} returns the sample as it is. */
    public static final Augmentation NONE = new Augmentation(false, 1f, 1f, 0);

    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if {@code minScale} is not positive, {@code maxScale} is below it, or
     *                                  {@code cropSize} is negative
     */
    public Augmentation {
        if (!(minScale > 0 && maxScale >= minScale) || cropSize < 0) {
            throw new IllegalArgumentException("bad augmentation: scale [" + minScale + ", " + maxScale + "], crop " + cropSize);
        }
    }

    /**
     * The augmented sample; {@code padRgb} is the colour of padded pixels.
     *
     * <p>The steps run in that order: scale, flip, crop.
     *
     * @param s      the sample
     * @param seed   decides the scale, the flip and the crop's offset; the same seed gives the same result
     * @param padRgb the RGB colour (0-255) of padded pixels:
     *               {@link dev.pixelgrad.fcn.Preprocessing#neutralRgb}
     * @return the augmented sample (new arrays), or {@code s} itself when nothing applies
     */
    public Sample apply(Sample s, long seed, float[] padRgb) {
        SplittableRandom r = new SplittableRandom(seed);
        Sample out = s;
        if (maxScale != 1f || minScale != 1f) {
            double f = minScale + (maxScale - minScale) * r.nextDouble();
            out = resize(out, Math.max(1, (int) Math.round(s.height() * f)), Math.max(1, (int) Math.round(s.width() * f)));
        }
        if (flip && r.nextBoolean()) {
            out = flip(out);
        }
        if (cropSize > 0) {
            out = crop(out, cropSize, r, padRgb);
        }
        return out;
    }

    /**
     * Bilinear image (pixel centres aligned, as PIL and PyTorch's align_corners=False), nearest labels.
     *
     * @param s the sample
     * @param h the new height
     * @param w the new width
     * @return a new sample of h x w, with the same id
     */
    public static Sample resize(Sample s, int h, int w) {
        int[] labels = new int[h * w];
        double sy = (double) s.height() / h;
        double sx = (double) s.width() / w;
        for (int y = 0; y < h; y++) {
            int ny = Math.min((int) ((y + 0.5) * sy), s.height() - 1);
            for (int x = 0; x < w; x++) {
                int nx = Math.min((int) ((x + 0.5) * sx), s.width() - 1);
                labels[y * w + x] = s.labels()[ny * s.width() + nx];
            }
        }
        return new Sample(s.id(), h, w, bilinear(s.rgb(), 3, s.height(), s.width(), h, w), labels);
    }

    /**
     * {@code channels} planes of {@code height x width} resized to {@code h x w}, bilinear with pixel
     * centres aligned (PIL's and PyTorch's align_corners=False), edges clamped.
     *
     * @param planes   the input, [channels, height, width]
     * @param channels the number of planes
     * @param height   the input height
     * @param width    the input width
     * @param h        the output height
     * @param w        the output width
     * @return a new array, [channels, h, w]
     */
    public static float[] bilinear(float[] planes, int channels, int height, int width, int h, int w) {
        float[] out = new float[channels * h * w];
        double sy = (double) height / h;
        double sx = (double) width / w;
        int inPlane = height * width;
        for (int y = 0; y < h; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, height - 1);
            int y1 = Math.min(y0 + 1, height - 1);
            double ay = fy - y0;
            for (int x = 0; x < w; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, width - 1);
                int x1 = Math.min(x0 + 1, width - 1);
                double ax = fx - x0;
                for (int c = 0; c < channels; c++) {
                    int o = c * inPlane;
                    double top = planes[o + y0 * width + x0] * (1 - ax) + planes[o + y0 * width + x1] * ax;
                    double bottom = planes[o + y1 * width + x0] * (1 - ax) + planes[o + y1 * width + x1] * ax;
                    out[c * h * w + y * w + x] = (float) (top * (1 - ay) + bottom * ay);
                }
            }
        }
        return out;
    }

    /**
     * The image and its labels mirrored left-right.
     *
     * @param s the sample
     * @return a new sample, with the same id
     */
    public static Sample flip(Sample s) {
        int h = s.height();
        int w = s.width();
        int[] labels = new int[s.labels().length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                labels[y * w + x] = s.labels()[y * w + (w - 1 - x)];
            }
        }
        return new Sample(s.id(), h, w, flipPlanes(s.rgb(), 3, h, w), labels);
    }

    /**
     * {@code channels} planes of {@code h x w} mirrored left-right.
     *
     * @param planes   the input, [channels, h, w]
     * @param channels the number of planes
     * @param h        the height
     * @param w        the width
     * @return a new array of the same layout
     */
    public static float[] flipPlanes(float[] planes, int channels, int h, int w) {
        float[] out = new float[planes.length];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    out[(c * h + y) * w + x] = planes[(c * h + y) * w + (w - 1 - x)];
                }
            }
        }
        return out;
    }

    /** A size x size window at a random offset of the image padded (bottom and right) to at least that size. */
    static Sample crop(Sample s, int size, SplittableRandom r, float[] padRgb) {
        int ph = Math.max(size, s.height());
        int pw = Math.max(size, s.width());
        int oy = r.nextInt(ph - size + 1);
        int ox = r.nextInt(pw - size + 1);
        float[] rgb = new float[3 * size * size];
        int[] labels = new int[size * size];
        int inPlane = s.height() * s.width();
        for (int y = 0; y < size; y++) {
            int sy = y + oy;
            for (int x = 0; x < size; x++) {
                int sx = x + ox;
                boolean in = sy < s.height() && sx < s.width();
                labels[y * size + x] = in ? s.labels()[sy * s.width() + sx] : Sample.VOID;
                for (int c = 0; c < 3; c++) {
                    rgb[c * size * size + y * size + x] = in ? s.rgb()[c * inPlane + sy * s.width() + sx] : padRgb[c];
                }
            }
        }
        return new Sample(s.id(), size, size, rgb, labels);
    }
}
