package dev.pixelgrad.fcn;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * The FCN variants, each with the name that configurations, checkpoints and the command line use and
 * the constructor that builds it: the one list that checking a configuration, offering a choice and
 * {@link Fcn#create} all read.
 */
public enum FcnVariant {
    /** {@link Fcn32s}: fc7's scores upsampled 32x in one step. */
    FCN32S("fcn32s", Fcn32s::new),
    /** {@link Fcn16s}: with pool4's scores, at stride 16. */
    FCN16S("fcn16s", Fcn16s::new),
    /** {@link Fcn8s}: with pool4's and pool3's scores, at stride 8; trained from FCN-16s in the reference. */
    FCN8S("fcn8s", Fcn8s::new),
    /** {@link Fcn8sAtOnce}: FCN-8s with the skips scaled down, trained in one stage. */
    FCN8S_AT_ONCE("fcn8s-atonce", Fcn8sAtOnce::new);

    private final String configName;
    private final Function<FcnConfig, Fcn> constructor;

    FcnVariant(String configName, Function<FcnConfig, Fcn> constructor) {
        this.configName = configName;
        this.constructor = constructor;
    }

    /**
     * The variant's name in configurations.
     *
     * @return the name in {@link FcnConfig#model()}: "fcn32s", "fcn16s", "fcn8s" or "fcn8s-atonce"
     */
    public String configName() {
        return configName;
    }

    /**
     * Every variant's name.
     *
     * @return the names, coarsest first
     */
    public static List<String> names() {
        return Arrays.stream(values()).map(FcnVariant::configName).toList();
    }

    /**
     * The variant called {@code name}.
     *
     * @param name the variant's name, lower case
     * @return the variant
     * @throws IllegalArgumentException listing the names, if none is called so
     */
    public static FcnVariant named(String name) {
        for (FcnVariant v : values()) {
            if (v.configName.equals(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown model '" + name + "' (expected one of " + names() + ")");
    }

    /** A new network of this variant, initialised as {@code config} says. */
    Fcn create(FcnConfig config) {
        return constructor.apply(config);
    }
}
