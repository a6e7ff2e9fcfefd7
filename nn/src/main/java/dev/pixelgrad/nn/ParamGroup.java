package dev.pixelgrad.nn;

import dev.pixelgrad.autograd.Variable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parameters that share a learning-rate multiplier and a weight-decay multiplier (Caffe's lr_mult and
 * decay_mult). Names are the module's dotted parameter names; optimizers key their state by them.
 *
 * @param label     the group's name, for logs: "all", "weights", "biases"
 * @param params    the parameters by their module's dotted names
 * @param lrMult    the factor of the optimizer's learning rate for this group
 * @param decayMult the factor of the optimizer's weight decay for this group
 */
public record ParamGroup(String label, Map<String, Variable> params, float lrMult, float decayMult) {

    /**
     * One group: every trainable parameter, multipliers 1.
     *
     * @param model the network
     * @return a list of the one group, labelled "all"
     */
    public static List<ParamGroup> all(Module model) {
        return List.of(new ParamGroup("all", trainable(model, ""), 1f, 1f));
    }

    /**
     * The reference FCN recipe: weights at the base learning rate with weight decay, biases at twice the
     * learning rate and without decay. Frozen parameters (requiresGrad false, such as FCN's bilinear
     * upsampling) are left out.
     *
     * <p>A parameter is a bias when its name ends in {@code .bias}; every other trainable one is a weight.
     *
     * @param model the network
     * @return the groups "weights" (multipliers 1 and 1) and "biases" (learning rate x2, no decay)
     */
    public static List<ParamGroup> caffeRecipe(Module model) {
        return List.of(
                new ParamGroup("weights", trainable(model, "weight"), 1f, 1f),
                new ParamGroup("biases", trainable(model, "bias"), 2f, 0f));
    }

    private static Map<String, Variable> trainable(Module model, String lastName) {
        Map<String, Variable> out = new LinkedHashMap<>();
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            String name = e.getKey();
            String last = name.substring(name.lastIndexOf('.') + 1);
            boolean matches = lastName.isEmpty() || last.equals(lastName)
                    || (lastName.equals("weight") && !last.equals("bias"));
            if (e.getValue().requiresGrad() && matches) {
                out.put(name, e.getValue());
            }
        }
        return out;
    }
}
