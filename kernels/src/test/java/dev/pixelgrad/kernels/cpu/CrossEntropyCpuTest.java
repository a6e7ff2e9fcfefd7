package dev.pixelgrad.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Class weights in the CPU loss, beyond the golden values (autograd's GoldenTest): weights of 1 change
 * no bit, and an integer weight counts a pixel as that many copies of it, over more pixels than one of
 * the kernel's blocks and parallel chunks hold.
 */
class CrossEntropyCpuTest {
    private static final int C = 5;

    private static int[] labels(int count) {
        int[] lab = new int[count];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 11 == 0 ? 255 : (i * 7) % C;
        }
        return lab;
    }

    @Test
    void weightsOfOneGiveTheUnweightedBits() {
        Tensor logits = Tensor.uniform(Shape.of(3, C, 37, 41), -4f, 4f, 1, Device.CPU);
        Tensor labels = Tensor.ofInts(labels(3 * 37 * 41), 3, 37, 41);
        Tensor ones = Tensor.full(Shape.of(C), 1f, Device.CPU);
        for (Reduction r : Reduction.values()) {
            Ops.LossAndGrad plain = Ops.softmaxCrossEntropy(logits, labels, 255, r, true);
            Ops.LossAndGrad unit = Ops.softmaxCrossEntropy(logits, labels, ones, 255, r, true);
            assertEquals(Float.floatToRawIntBits(plain.loss().item()), Float.floatToRawIntBits(unit.loss().item()),
                    "loss " + r);
            assertArrayEquals(plain.gradLogits().toFloatArray(), unit.gradLogits().toFloatArray(), "gradient " + r);
        }
    }

    /**
     * Weights 0, 1, 2, 3, 1: the weighted loss of N pixels equals the unweighted loss of the batch in which
     * each pixel appears as many times as its class's weight (summed, and divided by that batch's size for
     * the mean); the gradient of each pixel is the sum of its copies'.
     */
    @Test
    void anIntegerWeightCountsAPixelThatManyTimes() {
        int[] weight = {0, 1, 2, 3, 1};
        int pixels = 3001;
        Tensor logits = Tensor.uniform(Shape.of(1, C, pixels), -3f, 3f, 2, Device.CPU);
        int[] lab = labels(pixels);
        float[] z = logits.toFloatArray();
        int copies = 0;
        for (int t : lab) {
            copies += t == 255 ? 1 : weight[t];
        }
        // The repeated batch: pixel q's logits and label, once per unit of weight (an ignored pixel once).
        float[] zRepeated = new float[C * copies];
        int[] labRepeated = new int[copies];
        int[] source = new int[copies];
        int k = 0;
        for (int q = 0; q < pixels; q++) {
            int times = lab[q] == 255 ? 1 : weight[lab[q]];
            for (int j = 0; j < times; j++, k++) {
                for (int c = 0; c < C; c++) {
                    zRepeated[c * copies + k] = z[c * pixels + q];
                }
                labRepeated[k] = lab[q];
                source[k] = q;
            }
        }
        float[] w = new float[C];
        for (int c = 0; c < C; c++) {
            w[c] = weight[c];
        }
        for (Reduction r : Reduction.values()) {
            Ops.LossAndGrad weighted = Ops.softmaxCrossEntropy(logits, Tensor.ofInts(lab, 1, pixels), Tensor.of(w, C), 255,
                    r, true);
            Ops.LossAndGrad repeated = Ops.softmaxCrossEntropy(Tensor.of(zRepeated, 1, C, copies),
                    Tensor.ofInts(labRepeated, 1, copies), 255, r, true);
            assertEquals(repeated.loss().item(), weighted.loss().item(), 1e-5 * Math.abs(repeated.loss().item()),
                    "loss " + r);
            float[] g = repeated.gradLogits().toFloatArray();
            double[] summed = new double[C * pixels];
            for (int j = 0; j < copies; j++) {
                for (int c = 0; c < C; c++) {
                    summed[c * pixels + source[j]] += g[c * copies + j];
                }
            }
            float[] got = weighted.gradLogits().toFloatArray();
            for (int i = 0; i < got.length; i++) {
                assertEquals(summed[i], got[i], 1e-6 + 1e-5 * Math.abs(summed[i]), "gradient " + r + " at " + i);
            }
        }
    }
}
