package dev.pixelgrad.fcn;

import java.util.List;

/**
 * How an FCN keeps its maps in step with the input: the reference form or the "same"-padded form of
 * most tutorials. Both have the same layers, weights and names; only paddings and crops differ.
 */
public enum Padding {
    /**
     * The reference Caffe nets: conv1_1 pads by 100, fc6 by 0, the upsampling layers by 0, and every skip
     * and the output are cropped at fixed offsets (5, 9, 19, 27, 31). Any input size works as it is; at
     * 224x224 conv1 runs on 422x422 and fc6 on 7x7 maps of a 17x17 pool5.
     */
    REFERENCE,
    /**
     * 'same' padding throughout: every 3x3 convolution pads by 1, fc6 by 3, each upsampling by f
     * pads by f/2 (so it multiplies the size by exactly f), and the input is padded at the bottom and
     * right to a multiple of 32 and the output cropped back. The maps then line up without offsets: at
     * 224x224 conv1 runs on 224x224, pool5 is 7x7.
     */
    SAME;

    /**
     * The name configurations and the command line use.
     *
     * @return "reference" or "same"
     */
    public String configName() {
        return ConfigNames.of(this);
    }

    /**
     * Every form's name.
     *
     * @return "reference", "same"
     */
    public static List<String> names() {
        return ConfigNames.all(Padding.class);
    }

    /**
     * The form called {@code name}, in any case.
     *
     * @param name "reference" or "same"
     * @return the form
     * @throws IllegalArgumentException listing the names, if none is called so
     */
    public static Padding parse(String name) {
        return ConfigNames.parse(Padding.class, "padding", name);
    }
}
