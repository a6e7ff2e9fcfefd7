package dev.pixelgrad.fcn.data;

import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Network-ready samples on the host: preprocessed images [N, 3, H, W] and labels [N, H, W], where
 * samples smaller than the largest in the batch are padded at the bottom and right with zero input (the
 * mean pixel) and void labels. Tensors are made on demand, in the caller's scope.
 *
 * @param n       the number of samples
 * @param height  the batch's height: the largest sample height
 * @param width   the batch's width: the largest sample width
 * @param images  the preprocessed images, [n, 3, height, width] row-major
 * @param labels  the class of each pixel, [n, height, width], {@link Sample#VOID} in the padding
 * @param samples the samples, in batch order
 */
public record Batch(int n, int height, int width, float[] images, int[] labels, List<Sample> samples) {

    /**
     * Preprocesses {@code samples} and pads them to one size.
     *
     * @param samples the samples; the first becomes image 0
     * @param pre     how RGB becomes network input
     * @return the batch, with new arrays
     */
    public static Batch of(List<Sample> samples, Preprocessing pre) {
        int n = samples.size();
        int h = 0;
        int w = 0;
        for (Sample s : samples) {
            h = Math.max(h, s.height());
            w = Math.max(w, s.width());
        }
        float[] images = new float[n * 3 * h * w];
        int[] labels = new int[n * h * w];
        Arrays.fill(labels, Sample.VOID);
        for (int k = 0; k < n; k++) {
            Sample s = samples.get(k);
            int plane = s.height() * s.width();
            float[] net = new float[3 * plane];
            pre.apply(s.rgb(), plane, net, 0);
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < s.height(); y++) {
                    System.arraycopy(net, c * plane + y * s.width(), images, ((k * 3 + c) * h + y) * w, s.width());
                }
            }
            for (int y = 0; y < s.height(); y++) {
                System.arraycopy(s.labels(), y * s.width(), labels, (k * h + y) * w, s.width());
            }
        }
        return new Batch(n, h, w, images, labels, new ArrayList<>(samples));
    }

    /**
     * The images as a new CPU tensor [N, 3, H, W], a copy of this batch's array.
     *
     * <p>Each call makes a new tensor, which the open scope or the caller closes.
     *
     * @return a float32 tensor [N, 3, H, W]
     */
    public Tensor imageTensor() {
        return Tensor.of(images, Shape.of(n, 3, height, width));
    }

    /**
     * The labels as a new int32 CPU tensor [N, H, W], a copy of this batch's array.
     *
     * <p>Each call makes a new tensor, which the open scope or the caller closes.
     *
     * @return an int32 tensor [N, H, W]
     */
    public Tensor labelTensor() {
        return Tensor.ofInts(labels, Shape.of(n, height, width));
    }

    /**
     * The ids of the samples, in batch order.
     *
     * @return a new list
     */
    public List<String> ids() {
        return samples.stream().map(Sample::id).toList();
    }
}
