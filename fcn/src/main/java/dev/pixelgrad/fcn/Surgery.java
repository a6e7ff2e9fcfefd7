package dev.pixelgrad.fcn;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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
 * </ul>
 */
public final class Surgery {
    private Surgery() {}

    /**
     * A fully connected weight [out, C * k * k], whose input was a C x k x k map flattened in C, H, W
     * order (PyTorch's and Caffe's), as the convolution weight [out, C, k, k] that computes the same
     * thing at each position. The numbers do not move; only the shape changes.
     */
    public static Tensor fullyConnectedToConv(Tensor fc, int channels, int k) {
        if (fc.rank() != 2 || fc.dim(1) != channels * k * k) {
            throw new IllegalArgumentException("fully connected weight " + fc.shape() + " does not take a " + channels
                    + " x " + k + " x " + k + " input (" + channels * k * k + " features)");
        }
        return fc.reshape(fc.dim(0), channels, k, k);
    }

    /**
     * Starts {@code target} from a trained earlier stage: copies every parameter whose name the source
     * also has. A shared name with another shape (a different class count, say) is an error. Returns the
     * names copied; the target's other layers keep their initialisation.
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
