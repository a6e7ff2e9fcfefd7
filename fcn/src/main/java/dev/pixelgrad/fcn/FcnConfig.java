package dev.pixelgrad.fcn;

import dev.pixelgrad.tensor.io.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a trained FCN needs to be rebuilt: the variant, the class count, the width multiplier, whether
 * the upsampling layers learn, the input preprocessing, the seed of its initialisation and dropout, the
 * encoder and the padding form. Stored as JSON in every checkpoint.
 *
 * @param model         fcn32s, fcn16s, fcn8s or fcn8s-atonce
 * @param numClasses    output classes, background included
 * @param width         channel multiplier of the VGG16 encoder (1 = the reference net)
 * @param learnUpsample whether the bilinear upsampling layers are trained (the reference keeps them fixed)
 * @param preprocessing how images become network input (see {@link Preprocessing})
 * @param seed          seed of the random initialisation and of dropout
 * @param encoder       the VGG net under the heads (VGG16 in the reference)
 * @param padding       the reference form (pad 100, crops) or the 'same'-padded one
 */
public record FcnConfig(String model, int numClasses, float width, boolean learnUpsample,
                        Preprocessing preprocessing, long seed, Encoder encoder, Padding padding) {
    /** Labels are bytes and 255 is void, so class ids run from 0 to 254. */
    public static final int MAX_CLASSES = 255;

    /** The JSON fields, as {@link #toJson} writes them. */
    private static final List<String> FIELDS = List.of("model", "num_classes", "width", "learn_upsample",
            "preprocessing", "seed", "encoder", "padding");

    /**
     * Lower-cases the model name and checks the components.
     *
     * @throws IllegalArgumentException if the model is unknown, the class count is not 2 to
     *                                  {@value #MAX_CLASSES}, the width is not in (0, 1], or the encoder or
     *                                  padding is null
     */
    public FcnConfig {
        model = model.toLowerCase(Locale.ROOT);
        if (encoder == null || padding == null) {
            throw new IllegalArgumentException("an FCN needs an encoder and a padding form, got " + encoder + " and "
                    + padding);
        }
        FcnVariant.named(model); // fails, listing the names, for any other
        if (numClasses < 2 || numClasses > MAX_CLASSES) {
            throw new IllegalArgumentException("an FCN needs 2 to " + MAX_CLASSES + " classes (num_classes), got "
                    + numClasses);
        }
        if (!(width > 0f && width <= 1f)) {
            throw new IllegalArgumentException("width multiplier must be in (0, 1], got " + width);
        }
    }

    /**
     * The reference architecture (a VGG16 encoder, the reference padding) with the other components given.
     *
     * @param model         fcn32s, fcn16s, fcn8s or fcn8s-atonce
     * @param numClasses    output classes, background included
     * @param width         channel multiplier of the encoder (1 = the reference net)
     * @param learnUpsample whether the bilinear upsampling layers are trained
     * @param preprocessing how images become network input
     * @param seed          seed of the random initialisation and of dropout
     * @throws IllegalArgumentException as the canonical constructor
     */
    public FcnConfig(String model, int numClasses, float width, boolean learnUpsample, Preprocessing preprocessing,
                     long seed) {
        this(model, numClasses, width, learnUpsample, preprocessing, seed, Encoder.VGG16, Padding.REFERENCE);
    }

    /**
     * Channels of a reference layer under the width multiplier (at least 1).
     *
     * @param reference the layer's channel count in the reference net
     * @return round(reference x width), at least 1
     */
    public int channels(int reference) {
        return Math.max(1, Math.round(reference * width));
    }

    /**
     * The variant and the architecture under it, for titles and logs.
     *
     * @return e.g. "fcn8s on vgg16, reference padding"
     */
    public String architecture() {
        return model + " on " + encoder.configName() + ", " + padding.configName() + " padding";
    }

    /**
     * The reference net's configuration: full width, fixed upsampling, Caffe preprocessing, seed 0.
     *
     * @param model      the variant
     * @param numClasses the classes, background included (21 for PASCAL VOC)
     * @return the configuration
     * @throws IllegalArgumentException if the model is unknown or the class count out of range
     */
    public static FcnConfig reference(String model, int numClasses) {
        return new FcnConfig(model, numClasses, 1f, false, Preprocessing.CAFFE, 0);
    }

    /**
     * The configuration as one JSON object, with the fields {@code model}, {@code num_classes},
     * {@code width}, {@code learn_upsample}, {@code preprocessing}, {@code seed}, {@code encoder} and
     * {@code padding}.
     *
     * @return the JSON text
     */
    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("num_classes", numClasses);
        m.put("width", (double) width);
        m.put("learn_upsample", learnUpsample);
        m.put("preprocessing", preprocessing.configName());
        m.put("seed", seed);
        m.put("encoder", encoder.configName());
        m.put("padding", padding.configName());
        return Json.write(m);
    }

    /**
     * Reads {@link #toJson}'s output back. {@code encoder} and {@code padding} may be absent, as in files
     * written before they existed: such a net is the reference one (VGG16, reference padding). Anything
     * else (not JSON, a missing, unknown or mistyped field, a value out of range) is an
     * IllegalArgumentException whose one-line message names the field.
     *
     * @param json the text
     * @return the configuration
     * @throws IllegalArgumentException if the text is not a valid configuration
     */
    public static FcnConfig fromJson(String json) {
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fcn.config is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> m)) {
            throw new IllegalArgumentException("fcn.config must be a JSON object, got " + shortJson(root));
        }
        for (Object key : m.keySet()) {
            if (!FIELDS.contains(key)) {
                throw new IllegalArgumentException("fcn.config has an unknown field \"" + key + "\"");
            }
        }
        String model = field(m, "model", String.class, "a string");
        long numClasses = field(m, "num_classes", Long.class, "an integer");
        if (numClasses != (int) numClasses) {
            throw new IllegalArgumentException("fcn.config field \"num_classes\" must be 2 to " + MAX_CLASSES + ", got "
                    + numClasses);
        }
        float width = field(m, "width", Number.class, "a number").floatValue();
        boolean learnUpsample = field(m, "learn_upsample", Boolean.class, "true or false");
        String preprocessing = field(m, "preprocessing", String.class, "a string");
        long seed = field(m, "seed", Long.class, "an integer");
        String encoder = m.containsKey("encoder") ? field(m, "encoder", String.class, "a string") : "vgg16";
        String padding = m.containsKey("padding") ? field(m, "padding", String.class, "a string") : "reference";
        try {
            return new FcnConfig(model, (int) numClasses, width, learnUpsample, Preprocessing.parse(preprocessing), seed,
                    Encoder.parse(encoder), Padding.parse(padding));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fcn.config: " + e.getMessage());
        }
    }

    private static <T> T field(Map<?, ?> m, String name, Class<T> type, String expected) {
        if (!m.containsKey(name)) {
            throw new IllegalArgumentException("fcn.config has no \"" + name + "\" field");
        }
        Object v = m.get(name);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("fcn.config field \"" + name + "\" must be " + expected + ", got "
                    + shortJson(v));
        }
        return type.cast(v);
    }

    /** A value as JSON, cut short: it goes into a one-line message and may come from a hostile file. */
    private static String shortJson(Object v) {
        String s = Json.write(v);
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }

    /**
     * This configuration with another variant, as a staged run moves from FCN-32s to FCN-16s to FCN-8s.
     *
     * @param newModel the variant
     * @return the new configuration
     * @throws IllegalArgumentException if the variant is unknown
     */
    public FcnConfig withModel(String newModel) {
        return new FcnConfig(newModel, numClasses, width, learnUpsample, preprocessing, seed, encoder, padding);
    }

    /**
     * This configuration with another preprocessing, as weights trained on other input bring theirs.
     *
     * @param newPreprocessing the input the weights expect
     * @return the new configuration
     */
    public FcnConfig with(Preprocessing newPreprocessing) {
        return new FcnConfig(model, numClasses, width, learnUpsample, newPreprocessing, seed, encoder, padding);
    }

    /**
     * This configuration on another encoder.
     *
     * @param newEncoder VGG16 or VGG19
     * @return the new configuration
     */
    public FcnConfig with(Encoder newEncoder) {
        return new FcnConfig(model, numClasses, width, learnUpsample, preprocessing, seed, newEncoder, padding);
    }

    /**
     * This configuration in another padding form.
     *
     * @param newPadding the reference or the 'same' form
     * @return the new configuration
     */
    public FcnConfig with(Padding newPadding) {
        return new FcnConfig(model, numClasses, width, learnUpsample, preprocessing, seed, encoder, newPadding);
    }
}
