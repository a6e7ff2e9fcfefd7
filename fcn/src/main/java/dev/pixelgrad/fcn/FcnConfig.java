package dev.pixelgrad.fcn;

import dev.pixelgrad.tensor.io.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What a trained FCN needs to be rebuilt: the variant, the class count, the width multiplier, whether
 * the upsampling layers learn, the input preprocessing, and the seed of its initialisation and dropout.
 * Stored as JSON in every checkpoint.
 *
 * @param model         fcn32s, fcn16s, fcn8s or fcn8s-atonce
 * @param numClasses    output classes, background included
 * @param width         channel multiplier of the VGG16 encoder (1 = the reference net)
 * @param learnUpsample whether the bilinear upsampling layers are trained (the reference keeps them fixed)
 * @param preprocessing how images become network input (see {@link Preprocessing})
 * @param seed          seed of the random initialisation and of dropout
 */
public record FcnConfig(String model, int numClasses, float width, boolean learnUpsample,
                        Preprocessing preprocessing, long seed) {
    public static final java.util.List<String> MODELS = java.util.List.of("fcn32s", "fcn16s", "fcn8s", "fcn8s-atonce");

    public FcnConfig {
        model = model.toLowerCase(Locale.ROOT);
        if (!MODELS.contains(model)) {
            throw new IllegalArgumentException("unknown model '" + model + "' (expected one of " + MODELS + ")");
        }
        if (numClasses < 2) {
            throw new IllegalArgumentException("an FCN needs at least 2 classes, got " + numClasses);
        }
        if (!(width > 0f && width <= 1f)) {
            throw new IllegalArgumentException("width multiplier must be in (0, 1], got " + width);
        }
    }

    public static FcnConfig reference(String model, int numClasses) {
        return new FcnConfig(model, numClasses, 1f, false, Preprocessing.CAFFE, 0);
    }

    public String toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", model);
        m.put("num_classes", numClasses);
        m.put("width", (double) width);
        m.put("learn_upsample", learnUpsample);
        m.put("preprocessing", preprocessing.name().toLowerCase(Locale.ROOT));
        m.put("seed", seed);
        return Json.write(m);
    }

    public static FcnConfig fromJson(String json) {
        Map<?, ?> m = (Map<?, ?>) Json.parse(json);
        return new FcnConfig((String) m.get("model"), ((Number) m.get("num_classes")).intValue(),
                ((Number) m.get("width")).floatValue(), (Boolean) m.get("learn_upsample"),
                Preprocessing.parse((String) m.get("preprocessing")), ((Number) m.get("seed")).longValue());
    }

    public FcnConfig withModel(String newModel) {
        return new FcnConfig(newModel, numClasses, width, learnUpsample, preprocessing, seed);
    }
}
