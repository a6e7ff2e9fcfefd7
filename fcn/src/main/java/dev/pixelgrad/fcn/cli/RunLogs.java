package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.train.Trainer;
import dev.pixelgrad.fcn.train.TrainingLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * What comparisons of runs read of a run's logs, each read once: train.csv's step, loss, images per
 * second and seconds trained; val.csv's step, loss, the four scores and seconds trained.
 *
 * @param train train.csv's columns by name, a value per step
 * @param val   val.csv's columns by name, a value per validation
 */
record RunLogs(Map<String, double[]> train, Map<String, double[]> val) {
    /** val.csv's score columns, as the trainer names them. */
    static final String MEAN_IOU = "mean_iou";
    static final String PIXEL_ACCURACY = "pixel_accuracy";
    static final String MEAN_ACCURACY = "mean_accuracy";
    static final String FW_IOU = "fw_iou";

    /** The logs of the finished run in {@code run}; an error naming val.csv when it has no validation. */
    static RunLogs of(Path run) throws IOException {
        Path valLog = run.resolve(Trainer.VAL_LOG);
        RunLogs logs = new RunLogs(TrainingLog.columns(run.resolve(Trainer.TRAIN_LOG), "step", "loss",
                "images_per_second", "elapsed_seconds"), TrainingLog.columns(valLog, "step", "loss", PIXEL_ACCURACY,
                MEAN_ACCURACY, MEAN_IOU, FW_IOU, "elapsed_seconds"));
        if (logs.val().get("step").length == 0) {
            throw new IOException(valLog + " has no validation rows (a finished run validates at its last step)");
        }
        return logs;
    }

    /** The last value of a val.csv column: its score at the run's last validation. */
    double lastVal(String column) {
        double[] v = val.get(column);
        return v[v.length - 1];
    }
}
