package dev.pixelgrad.fcn.train;

import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.nn.LrSchedule;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
 */
public record TrainOptions(FcnConfig model, Device device, long iterations, int batchSize, String optimizer,
                           float learningRate, LrSchedule schedule, float momentum, float weightDecay, Reduction loss,
                           Augmentation augmentation, Path init, Path output, int validateEvery, int checkpointEvery,
                           int workers, long seed) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if the iterations or batch size are below 1, the optimizer is not adam
     *                                  or sgd, or the learning rate is not positive and finite
     * @throws NullPointerException if {@code schedule} is null
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
    }

    /**
     * The options that shape the training trajectory, by name: a resumed run must use the same ones to
     * continue the run it resumes (checkpoints store them as JSON).
     *
     * @return optimizer, lr, the schedule's entries ({@link LrSchedule#toMap}), momentum, weight_decay,
     *         batch, loss, seed, flip, scale_min, scale_max and crop, in that order
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
        return m;
    }
}
