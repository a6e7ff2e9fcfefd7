package dev.pixelgrad.fcn.train;

import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * How often each class occurs in a split's labels, and the class weights median frequency balancing makes
 * of that for the loss (Eigen and Fergus, ICCV 2015, as SegNet trains with): the frequency of class c is
 * its pixels divided by all the labelled pixels of the images in which c occurs, and its weight is the
 * median of the frequencies divided by its own. A class of median frequency weighs 1, a rarer one more, a
 * commoner one less. Dividing by the pixels of the images holding the class, rather than of the whole
 * split, keeps a class that is rare across the split but large where it occurs (a road in few images)
 * from being weighted up as if it were small everywhere. Void pixels count nowhere.
 */
public final class ClassFrequencies {
    private final long[] pixels;
    private final long[] imagePixels;

    private ClassFrequencies(long[] pixels, long[] imagePixels) {
        this.pixels = pixels;
        this.imagePixels = imagePixels;
    }

    /**
     * Reads every sample of {@code split} once (in parallel) and counts its labels.
     *
     * @param split the labelled images, usually the training split as training sees it (after any resize)
     * @return the counts
     * @throws IOException if a sample cannot be loaded (a {@link DataException} naming it when it is bad)
     */
    public static ClassFrequencies count(SegmentationDataset split) throws IOException {
        int classes = split.classes().size();
        long[][] perImage;
        try {
            perImage = IntStream.range(0, split.size()).parallel().mapToObj(i -> {
                try {
                    return histogram(split.load(i).labels(), classes);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toArray(long[][]::new);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        long[] pixels = new long[classes];
        long[] imagePixels = new long[classes];
        for (long[] h : perImage) {
            long labelled = 0;
            for (int c = 0; c < classes; c++) {
                labelled += h[c];
            }
            for (int c = 0; c < classes; c++) {
                pixels[c] += h[c];
                imagePixels[c] += h[c] > 0 ? labelled : 0;
            }
        }
        return new ClassFrequencies(pixels, imagePixels);
    }

    private static long[] histogram(int[] labels, int classes) {
        long[] h = new long[classes];
        for (int t : labels) {
            if (t != Sample.VOID) {
                h[t]++;
            }
        }
        return h;
    }

    /**
     * The number of classes counted.
     *
     * @return the class count
     */
    public int classes() {
        return pixels.length;
    }

    /**
     * The pixels labelled {@code c} in the whole split.
     *
     * @param c the class
     * @return its pixel count
     */
    public long pixels(int c) {
        return pixels[c];
    }

    /**
     * The share of the split's labelled pixels that are {@code c}.
     *
     * @param c the class
     * @return a fraction in [0, 1], NaN when no pixel is labelled
     */
    public double share(int c) {
        long total = Arrays.stream(pixels).sum();
        return total == 0 ? Double.NaN : (double) pixels[c] / total;
    }

    /**
     * The frequency of {@code c} as median frequency balancing defines it: its pixels over the labelled
     * pixels of the images it occurs in.
     *
     * @param c the class
     * @return a fraction in (0, 1], NaN when the class occurs nowhere
     */
    public double frequency(int c) {
        return pixels[c] == 0 ? Double.NaN : (double) pixels[c] / imagePixels[c];
    }

    /**
     * The weights of median frequency balancing: median frequency / frequency of the class, the median taken
     * over the classes that occur (of an even count, the mean of the middle two). A class that occurs
     * nowhere gets 1: it never appears as a label, so its weight changes nothing in training.
     *
     * @return one positive weight per class
     */
    public List<Float> medianFrequencyWeights() {
        double[] present = IntStream.range(0, classes()).filter(c -> pixels[c] > 0).mapToDouble(this::frequency)
                .sorted().toArray();
        int n = present.length;
        double median = n == 0 ? Double.NaN : (present[(n - 1) / 2] + present[n / 2]) / 2;
        List<Float> weights = new ArrayList<>();
        for (int c = 0; c < classes(); c++) {
            weights.add(pixels[c] == 0 ? 1f : (float) (median / frequency(c)));
        }
        return weights;
    }
}
