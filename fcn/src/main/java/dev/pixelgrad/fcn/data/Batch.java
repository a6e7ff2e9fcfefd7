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
 */
public record Batch(int n, int height, int width, float[] images, int[] labels, List<Sample> samples) {

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

    /** The images as a new CPU tensor [N, 3, H, W]. */
    public Tensor imageTensor() {
        return Tensor.of(images, Shape.of(n, 3, height, width));
    }

    /** The labels as a new int32 CPU tensor [N, H, W]. */
    public Tensor labelTensor() {
        return Tensor.ofInts(labels, Shape.of(n, height, width));
    }

    public List<String> ids() {
        return samples.stream().map(Sample::id).toList();
    }
}
