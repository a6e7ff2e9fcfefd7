package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.data.VocDataset;
import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.fcn.train.Predictor;
import dev.pixelgrad.fcn.train.TrainOptions;
import dev.pixelgrad.fcn.train.Trainer;
import dev.pixelgrad.nn.LrSchedule;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The main job: generate the built-in data set, train a width-reduced FCN-8s on it on the CPU,
 * evaluate it, predict masks for validation images, and write report.html. About six minutes on two
 * cores; the numbers it reaches are in docs/fcn.md.
 */
final class Demo {
    /** Channel multiplier: VGG16's 64..512 channels become 8..64, and fc6/fc7 4096 become 512. */
    static final float WIDTH = 1f / 8;
    static final int IMAGE_SIZE = 64;
    static final int TRAIN_IMAGES = 600;
    static final int VAL_IMAGES = 100;

    private Demo() {}

    /**
     * The demo's training run of {@code model} on the built-in set: width 1/8 from scratch, Adam 1e-3 at a
     * constant rate, batch 8, flips and 0.8-1.2 scaling, validation and a checkpoint every 100 steps.
     */
    static TrainOptions recipe(String model, int classes, long iterations, Path output) {
        FcnConfig cfg = new FcnConfig(model, classes, WIDTH, false, Preprocessing.CAFFE, 1);
        return new TrainOptions(cfg, Device.CPU, iterations, 8, "adam", 1e-3f, LrSchedule.CONSTANT, 0.9f, 0f,
                Reduction.MEAN, new Augmentation(true, 0.8f, 1.2f, IMAGE_SIZE), null, output, 100, 100, 1, 7);
    }

    static void run(Args a, PrintStream out, PrintStream err) throws IOException {
        Path output = a.path("output") != null ? a.path("output") : Path.of("runs", "demo");
        long iterations = a.longValue("iterations", 1000);
        a.finish();
        long t0 = System.nanoTime();
        Path data = output.resolve("data");
        if (BuiltinDataset.ensure(data, TRAIN_IMAGES, VAL_IMAGES, IMAGE_SIZE, 1, true)) {
            out.printf(Locale.ROOT, "generated the built-in data set (%d training and %d validation images) in %s%n",
                    TRAIN_IMAGES, VAL_IMAGES, data);
        }
        SegmentationDataset train = new VocDataset(data, "train");
        SegmentationDataset val = new VocDataset(data, "val");
        TrainOptions opt = recipe("fcn8s", train.classes().size(), iterations, output);
        out.printf(Locale.ROOT, "training FCN-8s (width %s) with Adam, batch %d, %d steps%n", WIDTH, opt.batchSize(),
                iterations);
        ProgressBar bar = new ProgressBar(err);
        Trainer.Result r = Trainer.train(opt, train, val, false, Main.listener(bar, opt.device(), () -> false, null));
        Scores scores = r.scores();
        out.print(scores.table());

        Fcn model = r.model();
        List<Report.Prediction> shown = new ArrayList<>();
        Path predictions = output.resolve("predictions");
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Sample s = val.load(i);
            shown.add(new Report.Prediction(s, Predictor.predict(model, s, Device.CPU)));
            files.add(data.resolve("JPEGImages").resolve(val.id(i) + ".jpg"));
        }
        Predictor.predictFiles(model, files, predictions, Device.CPU, val.classes().palette());
        double minutes = (System.nanoTime() - t0) / 60e9;
        String summary = String.format(Locale.ROOT, "FCN-8s at width %s (%,d trainable parameters) trained from scratch "
                + "for %d steps of batch %d on %d synthetic %dx%d images (built-in set, %d classes), evaluated on %d "
                + "held-out images. Whole demo: %.1f minutes on %d CPU threads.", WIDTH, model.trainableCount(),
                iterations, opt.batchSize(), TRAIN_IMAGES, IMAGE_SIZE, IMAGE_SIZE, train.classes().size(), VAL_IMAGES,
                minutes, Runtime.getRuntime().availableProcessors());
        Path page = Report.write(output, model, scores, shown, val.classes().palette(),
                "Pixelgrad demo: FCN-8s on the built-in set", summary);
        out.printf(Locale.ROOT, "validation mean IoU %.1f%%; report: %s; predictions: %s (%.1f minutes)%n",
                100 * scores.meanIoU(), page.toAbsolutePath(), predictions, minutes);
    }
}
