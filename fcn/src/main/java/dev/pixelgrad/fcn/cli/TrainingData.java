package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.data.ExcludedIds;
import dev.pixelgrad.fcn.data.Preflight;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The data of a training run as {@code train} and {@code compare} take it from the command line: where
 * it is ({@link DataSource}: --data, --format, --resize, ...), --train-split and --val-split, --exclude,
 * and --no-preflight or --preflight.
 *
 * @param source         where the data is
 * @param trainSplit     the training split's name
 * @param valSplit       the validation split's name
 * @param exclude        the file of ids left out of the training split, or null
 * @param skipPreflight  --no-preflight
 * @param forcePreflight --preflight
 */
record TrainingData(DataSource source, String trainSplit, String valSplit, Path exclude, boolean skipPreflight,
                    boolean forcePreflight) {

    /** The training and the validation split. */
    record Splits(SegmentationDataset train, SegmentationDataset val) {}

    /** Reads the options (and checks them) without opening anything. */
    static TrainingData from(Args a, Path defaultBuiltinDir) throws IOException {
        return new TrainingData(DataSource.from(a, defaultBuiltinDir), a.string("train-split", "train"),
                a.string("val-split", "val"), a.path("exclude"), a.flag("no-preflight"), a.flag("preflight"));
    }

    /**
     * Opens both splits (generating the built-in set if need be), leaves the excluded ids out of training,
     * and reads every sample once, unless told not to or the splits hold more than
     * {@link Main#PREFLIGHT_MAX_SAMPLES} together: every bad sample is reported now, at once, rather than the
     * first one when it is drawn.
     */
    Splits open(PrintStream out) throws IOException {
        SegmentationDataset train = ExcludedIds.apply(source.open(trainSplit), exclude, trainSplit, out::println);
        SegmentationDataset val = source.open(valSplit);
        if (forcePreflight || !skipPreflight && train.size() + val.size() <= Main.PREFLIGHT_MAX_SAMPLES) {
            Preflight.check(train, "the " + trainSplit + " split");
            Preflight.check(val, "the " + valSplit + " split");
        }
        return new Splits(train, val);
    }
}
