package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.fcn.train.Evaluator;
import dev.pixelgrad.fcn.train.Predictor;
import dev.pixelgrad.fcn.train.TensorBoardWriter;
import dev.pixelgrad.fcn.train.TrainOptions;
import dev.pixelgrad.fcn.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code train --tensorboard}: the run's curves and validation predictions as TensorBoard event files in
 * {@code <output>/tensorboard}. Scalars: {@code train/loss}, {@code train/learning_rate} and
 * {@code train/images_per_second} every step; {@code val/loss}, {@code val/mean_iou},
 * {@code val/pixel_accuracy}, {@code val/mean_accuracy} and {@code val/fw_iou} at every validation, with
 * the image {@code val/predictions} (input | ground truth | prediction | overlay, as in report.html).
 */
final class TensorBoardListener implements Trainer.Listener {
    /** The folder, under the run's output, that {@code tensorboard --logdir} is pointed at. */
    static final String FOLDER = "tensorboard";

    private final TensorBoardWriter writer;
    private final TrainOptions options;
    private final SegmentationDataset val;
    private Fcn model;

    TensorBoardListener(TensorBoardWriter writer, TrainOptions options, SegmentationDataset val) {
        this.writer = writer;
        this.options = options;
        this.val = val;
    }

    @Override
    public void started(Fcn model, long firstStep, long lastStep, String note) {
        this.model = model;
    }

    @Override
    public void step(long step, long lastStep, float loss, double imagesPerSecond) {
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

    @Override
    public void validated(long step, Evaluator.Evaluation validation, double elapsedSeconds) {
        Scores s = validation.scores();
        try {
            writer.scalar("val/loss", step, validation.loss());
            writer.scalar("val/mean_iou", step, s.meanIoU());
            writer.scalar("val/pixel_accuracy", step, s.pixelAccuracy());
            writer.scalar("val/mean_accuracy", step, s.meanAccuracy());
            writer.scalar("val/fw_iou", step, s.frequencyWeightedIoU());
            List<Report.Prediction> shown = new ArrayList<>();
            for (int i = 0; i < Math.min(Main.REPORT_SAMPLES, val.size()); i++) {
                Sample sample = val.load(i);
                shown.add(new Report.Prediction(sample, Predictor.predict(model, sample, options.device())));
            }
            writer.image("val/predictions", step, Report.grid(shown, val.classes().palette()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
