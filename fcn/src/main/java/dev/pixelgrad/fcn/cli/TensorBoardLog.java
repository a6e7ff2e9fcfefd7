package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.fcn.train.Evaluator;
import dev.pixelgrad.fcn.train.TensorBoardWriter;
import dev.pixelgrad.fcn.train.TrainOptions;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * {@code train --tensorboard}: the run's curves and validation predictions as TensorBoard event files in
 * {@code <output>/tensorboard}. Scalars: {@code train/loss}, {@code train/learning_rate} and
 * {@code train/images_per_second} every step; {@code val/loss}, {@code val/mean_iou},
 * {@code val/pixel_accuracy}, {@code val/mean_accuracy} and {@code val/fw_iou} at every validation, with
 * the image {@code val/predictions}: report.html's sample grid, from the predictions the report draws.
 */
final class TensorBoardLog {
    /** The folder, under the run's output, that {@code tensorboard --logdir} is pointed at. */
    static final String FOLDER = "tensorboard";

    private final TensorBoardWriter writer;
    private final TrainOptions options;

    TensorBoardLog(TensorBoardWriter writer, TrainOptions options) {
        this.writer = writer;
        this.options = options;
    }

    void step(long step, float loss, double imagesPerSecond) {
        try {
            writer.scalar("train/loss", step, loss);
            // The rate this step ran at, as the trainer sets it before the step.
            writer.scalar("train/learning_rate", step, options.learningRate()
                    * options.schedule().factor(step - 1, options.iterations()));
            writer.scalar("train/images_per_second", step, imagesPerSecond);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void validated(long step, Evaluator.Evaluation validation, BufferedImage predictions) {
        Scores s = validation.scores();
        try {
            writer.scalar("val/loss", step, validation.loss());
            writer.scalar("val/mean_iou", step, s.meanIoU());
            writer.scalar("val/pixel_accuracy", step, s.pixelAccuracy());
            writer.scalar("val/mean_accuracy", step, s.meanAccuracy());
            writer.scalar("val/fw_iou", step, s.frequencyWeightedIoU());
            writer.image("val/predictions", step, predictions);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
