package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.train.ClassFrequencies;
import dev.pixelgrad.fcn.train.TrainOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code train --class-weights none|auto|W,W,...}: the loss's weight of each class. The option is read
 * and checked before any work, and made into weights once the training data is open (its class count,
 * and for {@code auto} its labels, are needed). On {@code --resume} the checkpoint's weights are used:
 * when the option is left out, and for {@code auto}, which would compute them again from the same data.
 */
final class ClassWeightsOption {
    static final String NAME = "class-weights";
    /** The key of the weights in a checkpoint's training options ({@link TrainOptions#trajectory}). */
    private static final String STORED = "class_weights";

    private ClassWeightsOption() {}

    /**
     * The option as given ("none", "auto", or the weights in the form {@link TrainOptions#classWeightsText}
     * writes), or when left out what the checkpoint stored ({@code stored} is empty for a new run).
     */
    static String read(Args a, Map<String, Object> stored) {
        String v = a.string(NAME, null);
        if (v == null) {
            return stored.get(STORED) instanceof String s ? s : "none";
        }
        String word = v.strip().toLowerCase(Locale.ROOT);
        if (word.equals("none") || word.equals("auto")) {
            return word;
        }
        return TrainOptions.classWeightsText(parse(v, "--" + NAME));
    }

    /** Positive finite numbers separated by commas; {@code what} names their source in the errors. */
    private static List<Float> parse(String text, String what) {
        List<Float> weights = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            float w;
            try {
                w = Float.parseFloat(part.strip());
            } catch (NumberFormatException e) {
                throw new Args.UsageException(what + " expects auto, none or one number per class separated by commas "
                        + "(0.5,2.5), got '" + text + "'");
            }
            if (!(w > 0) || Float.isInfinite(w)) {
                throw new Args.UsageException(what + ": the weight of class " + weights.size() + " is " + part.strip()
                        + "; every weight must be positive and finite (to leave a class out, mark its pixels void)");
            }
            weights.add(w);
        }
        return weights;
    }

    /**
     * The weights for training on {@code trainSet}: none, the listed ones (one per class), or for
     * {@code auto} those of median frequency balancing over the split's labels, printed to {@code out} with
     * the frequencies they come from (or the checkpoint's, on resume).
     */
    static List<Float> resolve(String option, SegmentationDataset trainSet, String splitName, Map<String, Object> stored,
                               PrintStream out) throws IOException {
        List<String> names = trainSet.classes().names();
        if (option.equals("none")) {
            return List.of();
        }
        if (option.equals("auto")) {
            if (stored.get(STORED) instanceof String s && !s.equals("none")) {
                out.println("class weights: auto, as the checkpoint stored them (" + s + ")");
                return perClass(parse(s, "the checkpoint's class weights"), names, "the checkpoint's class weights");
            }
            ClassFrequencies f = ClassFrequencies.count(trainSet);
            List<Float> weights = f.medianFrequencyWeights();
            out.println("class weights: auto, median frequency balancing over the " + trainSet.size() + " images of the "
                    + splitName + " split (weight = median frequency / frequency):");
            int width = names.stream().mapToInt(String::length).max().orElse(0);
            for (int c = 0; c < names.size(); c++) {
                out.println(f.pixels(c) == 0
                        ? String.format(Locale.ROOT, "  %-" + width + "s  %-11s no pixel in the split", names.get(c), weights.get(c))
                        : String.format(Locale.ROOT, "  %-" + width + "s  %-11s %6.2f%% of the labelled pixels, frequency %.4f",
                                names.get(c), weights.get(c), 100 * f.share(c), f.frequency(c)));
            }
            out.println("  (the same weights: --" + NAME + " " + TrainOptions.classWeightsText(weights) + ")");
            return weights;
        }
        // A list the checkpoint stored (given again or left out) is named as such if the data has changed.
        String what = option.equals(stored.get(STORED)) ? "the checkpoint's class weights" : "--" + NAME;
        return perClass(parse(option, what), names, what);
    }

    private static List<Float> perClass(List<Float> weights, List<String> names, String what) {
        if (weights.size() != names.size()) {
            throw new Args.UsageException(what + " gives " + weights.size() + " weight" + (weights.size() == 1 ? "" : "s")
                    + " but the data has " + names.size() + " classes (" + String.join(", ", names) + ")");
        }
        return weights;
    }
}
