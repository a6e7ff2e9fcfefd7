package dev.pixelgrad.fcn;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The "network surgery" that turns a classifier into an FCN and carries weights from one FCN stage to
 * the next, each step named:
 * <ul>
 *   <li>{@link #fullyConnectedToConv}: a fully connected layer over a C x k x k input becomes a k x k
 *       convolution with the same numbers (VGG16's fc6 and fc7);</li>
 *   <li>bilinear initialisation of the upsampling layers: {@link dev.pixelgrad.nn.Init#bilinear};</li>
 *   <li>{@link #stagedInit}: FCN-16s starts from a trained FCN-32s and FCN-8s from FCN-16s, taking every
 *       layer they share by name except the upsampling, which starts bilinear again (as the reference's
 *       solve.py re-initialises it); the new score layers start at zero.</li>
 *   <li>{@link #narrowByFilterNorm}: a width-reduced encoder (--width below 1) from the full-width VGG16,
 *       keeping in every layer the filters with the largest L1 norms.</li>
 * </ul>
 */
public final class Surgery {
    private Surgery() {}

    /**
     * A fully connected weight [out, C * k * k], whose input was a C x k x k map flattened in C, H, W
     * order (PyTorch's and Caffe's), as the convolution weight [out, C, k, k] that computes the same
     * thing at each position. The numbers do not move; only the shape changes.
     *
     * @param fc       the fully connected weight [out, channels * k * k]
     * @param channels the channels C of the map the layer read (512 for VGG16's fc6)
     * @param k        the height and width of that map (7 for fc6, 1 for fc7)
     * @return a view of the same memory, [out, channels, k, k]: a new tensor that the open scope or the
     *         caller closes
     * @throws IllegalArgumentException if {@code fc} is not 2-D with {@code channels * k * k} columns
     */
    public static Tensor fullyConnectedToConv(Tensor fc, int channels, int k) {
        if (fc.rank() != 2 || fc.dim(1) != channels * k * k) {
            throw new IllegalArgumentException("fully connected weight " + fc.shape() + " does not take a " + channels
                    + " x " + k + " x " + k + " input (" + channels * k * k + " features)");
        }
        return fc.reshape(fc.dim(0), channels, k, k);
    }

    /**
     * Narrows a chain of convolutions (full-width encoder weights, in forward order: {@code X.weight} then
     * {@code X.bias} for each layer) to the narrower {@code target} shapes, by magnitude-based filter
     * pruning (Li et al., "Pruning Filters for Efficient ConvNets", ICLR 2017): in each layer, taken in
     * order, only the input channels the previous layer kept remain, and of its filters, restricted to
     * those channels, the ones with the largest L1 norms are kept, in their original order, with their
     * biases. The first layer keeps its three colour channels. Nothing is rescaled: the kept filters
     * carry the same weights, so the features they detect are ImageNet's, though each layer now sums
     * fewer inputs than it was trained on; fine-tuning is expected to adapt to that.
     *
     * @return the narrowed weights, by the same names, each shaped as {@code target} says
     * @param full   the full-width weights, {@code X.weight} [out, in, kh, kw] and {@code X.bias} [out] for
     *               each layer, in forward order; entries that are not {@code .weight} are read only as
     *               biases
     * @param target the shapes of the narrower model's weights, by the same names
     * @throws IllegalArgumentException if a weight is not a convolution in both, has no bias, or cannot be
     *                                  narrowed to its target (a target may be narrower, never wider)
     */
    public static Map<String, Tensor> narrowByFilterNorm(Map<String, Tensor> full, Map<String, Shape> target) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        int[] keptInputs = null; // null: every input channel (the image's)
        for (Map.Entry<String, Tensor> e : full.entrySet()) {
            String name = e.getKey();
            if (!name.endsWith(".weight")) {
                continue;
            }
            String layer = name.substring(0, name.length() - ".weight".length());
            Tensor w = e.getValue();
            Tensor b = full.get(layer + ".bias");
            Shape want = target.get(name);
            if (want == null || w.shape().rank() != 4 || want.rank() != 4) {
                throw new IllegalArgumentException(name + ": not a convolution of both the weights and the model");
            }
            int outFull = w.dim(0);
            int inFull = w.dim(1);
            int k = w.dim(2) * w.dim(3);
            int[] inputs = keptInputs != null ? keptInputs : IntStream.range(0, inFull).toArray();
            if (inputs.length != want.dim(1) || want.dim(0) > outFull || w.dim(2) != want.dim(2) || w.dim(3) != want.dim(3)) {
                throw new IllegalArgumentException(name + ": weights " + w.shape() + " cannot be narrowed to the model's "
                        + want + " (a model may be narrower than its weights, never wider)");
            }
            if (b == null) {
                throw new IllegalArgumentException(name + " comes without " + layer + ".bias");
            }
            float[] wf = w.toFloatArray();
            double[] norm = new double[outFull];
            for (int o = 0; o < outFull; o++) {
                for (int i : inputs) {
                    for (int j = 0; j < k; j++) {
                        norm[o] += Math.abs(wf[(o * inFull + i) * k + j]);
                    }
                }
            }
            // The largest norms, ties to the lower index, then back into the original order.
            int[] outputs = IntStream.range(0, outFull).boxed()
                    .sorted((x, y) -> norm[x] != norm[y] ? Double.compare(norm[y], norm[x]) : Integer.compare(x, y))
                    .limit(want.dim(0)).mapToInt(Integer::intValue).sorted().toArray();
            float[] nw = new float[outputs.length * inputs.length * k];
            float[] bf = b.toFloatArray();
            float[] nb = new float[outputs.length];
            for (int o = 0; o < outputs.length; o++) {
                nb[o] = bf[outputs[o]];
                for (int i = 0; i < inputs.length; i++) {
                    System.arraycopy(wf, (outputs[o] * inFull + inputs[i]) * k, nw, (o * inputs.length + i) * k, k);
                }
            }
            out.put(name, Tensor.of(nw, want));
            out.put(layer + ".bias", Tensor.of(nb, outputs.length));
            keptInputs = outputs;
        }
        return out;
    }

    /**
     * Starts {@code target} from a trained earlier stage: copies every parameter whose name the source also
     * has, except the upsampling layers ({@code upscore...}), which keep their bilinear start. A shared name
     * with another shape (a different class count or width, say) is an error. The target's other layers keep
     * their initialisation.
     *
     * @param target the new stage (FCN-16s from FCN-32s, FCN-8s from FCN-16s)
     * @param source the earlier stage's weights by parameter name (a checkpoint's model map)
     * @return the names copied, in the target's order
     * @throws IllegalArgumentException if a shared name has another shape, or the source lacks conv1_1, fc6,
     *                                  fc7 or score_fr (then it is not an FCN's weights)
     */
    public static List<String> stagedInit(Fcn target, Map<String, Tensor> source) {
        Map<String, Tensor> take = new LinkedHashMap<>();
        for (Map.Entry<String, Variable> e : target.namedParameters().entrySet()) {
            Tensor t = source.get(e.getKey());
            if (t == null || e.getKey().startsWith("upscore")) {
                continue; // upsampling stays bilinear: the reference re-initialises it after the transplant
            }
            Shape want = e.getValue().shape();
            if (!t.shape().equals(want)) {
                throw new IllegalArgumentException("staged init: " + e.getKey() + " is " + t.shape()
                        + " in the source but " + want + " in the target (same classes and width?)");
            }
            take.put(e.getKey(), t);
        }
        for (String required : List.of("features.0.weight", "fc6.weight", "fc7.weight", "score_fr.weight")) {
            if (!take.containsKey(required)) {
                throw new IllegalArgumentException("staged init: the source has no " + required
                        + "; is it an FCN checkpoint?");
            }
        }
        target.loadState(take, false);
        return new ArrayList<>(take.keySet());
    }
}
