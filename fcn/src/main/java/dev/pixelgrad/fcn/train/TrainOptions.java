package dev.pixelgrad.fcn.train;

import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.nn.LrSchedule;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a training run is, fixed before it starts (and so what a resumed run must share).
 *
 * @param model           the network to build (ignored on resume: the checkpoint's configuration wins)
 * @param device          where to train
 * @param iterations      total optimizer steps of the run
 * @param batchSize       images per step
 * @param optimizer       "adam" or "sgd"
 * @param learningRate    base learning rate (biases get twice it, as the reference recipe)
 * @param schedule        how the learning rate changes over the run (a factor of the base rate per step)
 * @param momentum        SGD momentum (0.99 in the reference); ignored by Adam
 * @param weightDecay     L2 decay on weights (5e-4 in the reference); never on biases
 * @param loss            mean over labelled pixels, or sum ("unnormalized", the reference's)
 * @param augmentation    training-time augmentation
 * @param init            VGG16 weights (.safetensors/.h5) or a previous FCN checkpoint, or null
 * @param output          run folder: checkpoint, logs, report
 * @param validateEvery   steps between validations (0: only at the end)
 * @param checkpointEvery steps between checkpoints (0: only at the end)
 * @param workers         data-loading threads
 * @param seed            seed of the data order and augmentation (the model's own seed is in its config)
 * @param classWeights    the loss's weight of each class, one per class of the model, for unbalanced data
 *                        ({@link ClassFrequencies#medianFrequencyWeights} computes the usual ones); empty
 *                        for none (every pixel counts the same)
 */
public record TrainOptions(FcnConfig model, Device device, long iterations, int batchSize, String optimizer,
                           float learningRate, LrSchedule schedule, float momentum, float weightDecay, Reduction loss,
                           Augmentation augmentation, Path init, Path output, int validateEvery, int checkpointEvery,
                           int workers, long seed, List<Float> classWeights) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if the iterations or batch size are below 1, the optimizer is not adam
     *                                  or sgd, the learning rate is not positive and finite, or the class weights
     *                                  are not one positive finite number per class
     * @throws NullPointerException if {@code schedule} or {@code classWeights} is null
     */
    public TrainOptions {
        if (iterations < 1 || batchSize < 1) {
            throw new IllegalArgumentException("iterations and batch size must be >= 1");
        }
        if (!optimizer.equals("adam") && !optimizer.equals("sgd")) {
            throw new IllegalArgumentException("optimizer must be adam or sgd, got " + optimizer);
        }
        if (!(learningRate > 0) || Float.isInfinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + learningRate);
        }
        Objects.requireNonNull(schedule, "schedule");
        classWeights = List.copyOf(classWeights);
        if (!classWeights.isEmpty() && classWeights.size() != model.numClasses()) {
            throw new IllegalArgumentException("class weights: " + classWeights.size() + " given for the "
                    + model.numClasses() + " classes of the model");
        }
        for (float w : classWeights) {
            // Not 0 either: a batch whose pixels all had weight 0 would stop the run with nothing to divide by.
            if (!(w > 0) || Float.isInfinite(w)) {
                throw new IllegalArgumentException("class weights must be positive and finite, got " + classWeights);
            }
        }
    }

    /**
     * The options without class weights, as before they existed.
     *
     * @param model           the network to build
     * @param device          where to train
     * @param iterations      total optimizer steps of the run
     * @param batchSize       images per step
     * @param optimizer       "adam" or "sgd"
     * @param learningRate    base learning rate
     * @param schedule        how the learning rate changes over the run
     * @param momentum        SGD momentum
     * @param weightDecay     L2 decay on weights
     * @param loss            mean over labelled pixels, or sum
     * @param augmentation    training-time augmentation
     * @param init            initial weights, or null
     * @param output          run folder
     * @param validateEvery   steps between validations (0: only at the end)
     * @param checkpointEvery steps between checkpoints (0: only at the end)
     * @param workers         data-loading threads
     * @param seed            seed of the data order and augmentation
     * @throws IllegalArgumentException as the canonical constructor
     */
    public TrainOptions(FcnConfig model, Device device, long iterations, int batchSize, String optimizer,
                        float learningRate, LrSchedule schedule, float momentum, float weightDecay, Reduction loss,
                        Augmentation augmentation, Path init, Path output, int validateEvery, int checkpointEvery,
                        int workers, long seed) {
        this(model, device, iterations, batchSize, optimizer, learningRate, schedule, momentum, weightDecay, loss,
                augmentation, init, output, validateEvery, checkpointEvery, workers, seed, List.of());
    }

    /**
     * These options with other class weights.
     *
     * @param weights one positive weight per class, or empty for none
     * @return the new options
     * @throws IllegalArgumentException if the weights are not one positive finite number per class
     */
    public TrainOptions withClassWeights(List<Float> weights) {
        return new TrainOptions(model, device, iterations, batchSize, optimizer, learningRate, schedule, momentum,
                weightDecay, loss, augmentation, init, output, validateEvery, checkpointEvery, workers, seed, weights);
    }

    /**
     * Class weights as text, the form {@code --class-weights} takes and checkpoints store: the weights
     * separated by commas, each as {@link Float#toString} writes it (so the text reads back to the same
     * floats), or "none".
     *
     * @param weights the weights, or empty
     * @return the text
     */
    public static String classWeightsText(List<Float> weights) {
        if (weights.isEmpty()) {
            return "none";
        }
        StringBuilder sb = new StringBuilder();
        for (float w : weights) {
            sb.append(sb.isEmpty() ? "" : ",").append(w);
        }
        return sb.toString();
    }

    /**
     * The options that shape the training trajectory, by name: a resumed run must use the same ones to
     * continue the run it resumes (checkpoints store them as JSON).
     *
     * @return optimizer, lr, the schedule's entries ({@link LrSchedule#toMap}), momentum, weight_decay,
     *         batch, loss, seed, flip, scale_min, scale_max, crop and class_weights
     *         ({@link #classWeightsText}), in that order
     */
    public Map<String, Object> trajectory() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("optimizer", optimizer);
        m.put("lr", (double) learningRate);
        m.putAll(schedule.toMap());
        m.put("momentum", (double) momentum);
        m.put("weight_decay", (double) weightDecay);
        m.put("batch", batchSize);
        m.put("loss", loss.name().toLowerCase(Locale.ROOT));
        m.put("seed", seed);
        m.put("flip", augmentation.flip());
        m.put("scale_min", (double) augmentation.minScale());
        m.put("scale_max", (double) augmentation.maxScale());
        m.put("crop", augmentation.cropSize());
        m.put("class_weights", classWeightsText(classWeights));
        return m;
    }
}
