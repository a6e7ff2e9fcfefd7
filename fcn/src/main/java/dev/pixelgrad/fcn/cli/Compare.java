package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnVariant;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.train.TrainOptions;
import dev.pixelgrad.fcn.train.Trainer;
import dev.pixelgrad.tensor.Device;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code pixelgrad compare}: FCN-32s, FCN-16s and FCN-8s (or the models {@code --models} names) trained
 * one after another on the same data with the same options, train's, each in {@code OUTPUT/<model>}
 * ({@link VariantRuns}: resumed, or reused when complete, by a second run of the command); then one report
 * of them side by side. {@code OUTPUT/report.html} has a table of each model's scores at its last
 * validation and its best mean IoU, its training time, speed and size; the training loss and the
 * validation mean IoU of every model on one chart each; and validation images with the ground truth and
 * each model's prediction. The table is also written as {@code summary.md} and {@code summary.csv}.
 */
final class Compare {
    static final List<String> DEFAULT_MODELS = List.of("fcn32s", "fcn16s", "fcn8s");
    /** Validation images shown with each model's prediction: the first this many of the split. */
    static final int SHOWN = 6;
    static final String PAGE = "report.html";
    static final String SUMMARY_MD = "summary.md";
    static final String SUMMARY_CSV = "summary.csv";
    /** The folder of the page's images, beside it. */
    static final String IMAGES = "report";
    static final String CURVES = "curves.png";
    static final String PREDICTIONS = "predictions.png";
    static final String CSV_HEADER = "model,trainable_parameters,steps,mean_iou,best_mean_iou,best_step,pixel_accuracy,"
            + "mean_accuracy,fw_iou,val_loss,elapsed_seconds,images_per_second";

    private Compare() {}

    static void run(Args a, PrintStream out, PrintStream err) throws IOException {
        if (a.has("model")) {
            throw new Args.UsageException("compare trains every model --models names (fcn32s,fcn16s,fcn8s); "
                    + "--model is train's");
        }
        List<String> models = models(a.string("models", String.join(",", DEFAULT_MODELS)));
        Path output = a.path("output") != null ? a.path("output") : Path.of("runs", "compare");
        Map<String, Object> stored = storedOptions(output, models);
        TrainingData data = TrainingData.from(a, output.resolve("data"));
        // Every option is read and checked before any work, as train does.
        Main.trainOptions(a, models.get(0), 2, 1, output, stored);
        String classWeightsOption = ClassWeightsOption.read(a, stored);
        boolean tensorboard = a.flag("tensorboard");
        a.finish();
        TrainingData.Splits sets = data.open(out);
        SegmentationDataset train = sets.train();
        SegmentationDataset val = sets.val();
        // Once for all the models: auto counts the training labels.
        List<Float> classWeights = ClassWeightsOption.resolve(classWeightsOption, train, data.trainSplit(), stored, out);
        String goOn = "pixelgrad compare --output " + output + " and the same options";
        Map<String, VariantRuns.Run> runs = VariantRuns.train(models, output,
                (model, dir) -> Main.trainOptions(a, model, train.classes().size(), train.size(), dir, stored)
                        .withClassWeights(classWeights),
                (opt, resume) -> {
                    try {
                        return Main.trainUntilDoneOrSignalled(opt, train, val, resume, new ProgressBar(err), out,
                                tensorboard, goOn);
                    } catch (IllegalArgumentException e) {
                        // Which of the runs: a rerun with other options is refused by the first one it resumes.
                        throw new IllegalArgumentException(opt.output() + ": " + e.getMessage(), e);
                    }
                }, err);
        if (runs.values().stream().anyMatch(VariantRuns.Run::stopped)) {
            return;
        }
        TrainOptions recipe = Main.trainOptions(a, models.get(0), train.classes().size(), train.size(), output, stored)
                .withClassWeights(classWeights);
        List<Row> rows = rows(runs);
        Path page = write(output, runs, rows, recipe, data, train, val);
        out.print(markdown(rows));
        out.println("report: " + page + "; the table also in " + output.resolve(SUMMARY_MD) + " and "
                + output.resolve(SUMMARY_CSV));
    }

    /** --models: variant names separated by commas, each known and named once. */
    static List<String> models(String value) {
        List<String> models = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                throw new Args.UsageException("--models expects model names separated by commas, got '" + value + "'");
            }
            if (!FcnVariant.names().contains(name)) {
                throw new Args.UsageException("--models: unknown model '" + part.strip() + "' (the models are "
                        + String.join(", ", FcnVariant.names()) + ")");
            }
            if (models.contains(name)) {
                throw new Args.UsageException("--models names " + name + " twice");
            }
            models.add(name);
        }
        return models;
    }

    /**
     * The trajectory options of the first of the runs that has a checkpoint (they were all trained with
     * the same ones), as {@code train --resume} takes them: the options a rerun leaves out.
     */
    private static Map<String, Object> storedOptions(Path output, List<String> models) throws IOException {
        for (String model : models) {
            if (Files.exists(output.resolve(model).resolve(Trainer.CHECKPOINT))) {
                return Trainer.storedTrajectory(output.resolve(model));
            }
        }
        return Map.of();
    }

    /**
     * One model's line of the table, from its run's logs: the last validation's scores, the best mean IoU and
     * its step, the time trained (across resumes, validations included) and the training speed of the run's
     * last session (validations excluded), as train.csv's last row has it.
     */
    record Row(String model, long parameters, long steps, double meanIoU, double bestMeanIoU, long bestStep,
               double pixelAccuracy, double meanAccuracy, double fwIoU, double valLoss, double seconds,
               double imagesPerSecond) {}

    static List<Row> rows(Map<String, VariantRuns.Run> runs) {
        List<Row> rows = new ArrayList<>();
        runs.forEach((model, run) -> rows.add(row(model, run.model().trainableCount(), run.logs())));
        return rows;
    }

    static Row row(String model, long parameters, RunLogs logs) {
        double[] iou = logs.val().get(RunLogs.MEAN_IOU);
        int best = 0;
        for (int i = 1; i < iou.length; i++) {
            if (iou[i] > iou[best]) {
                best = i;
            }
        }
        return new Row(model, parameters, (long) logs.lastVal("step"), logs.lastVal(RunLogs.MEAN_IOU), iou[best],
                (long) logs.val().get("step")[best], logs.lastVal(RunLogs.PIXEL_ACCURACY), logs.lastVal(RunLogs.MEAN_ACCURACY),
                logs.lastVal(RunLogs.FW_IOU), logs.lastVal("loss"), logs.lastVal("elapsed_seconds"),
                last(logs.train().get("images_per_second")));
    }

    private static double last(double[] v) {
        return v.length == 0 ? Double.NaN : v[v.length - 1];
    }

    /** The report: the page, its two images, and the table as Markdown and CSV. */
    private static Path write(Path output, Map<String, VariantRuns.Run> runs, List<Row> rows, TrainOptions recipe,
                              TrainingData data, SegmentationDataset train, SegmentationDataset val) throws IOException {
        Path images = output.resolve(IMAGES);
        Files.createDirectories(images);
        Map<String, Fcn> models = new LinkedHashMap<>();
        Map<String, RunLogs> logs = new LinkedHashMap<>();
        Map<String, Double> meanIoU = new LinkedHashMap<>();
        runs.forEach((model, run) -> {
            run.model().to(Device.CPU); // the figures predict on the CPU
            models.put(model, run.model());
            logs.put(model, run.logs());
            meanIoU.put(model, run.logs().lastVal(RunLogs.MEAN_IOU));
        });
        List<Sample> shown = new ArrayList<>();
        for (int i = 0; i < Math.min(SHOWN, val.size()); i++) {
            shown.add(val.load(i));
        }
        Report.writeAtomically(Figures.trainingCurves(logs), images.resolve(CURVES));
        String title = String.format(Locale.ROOT, "Same data, same %d steps: each model's prediction (with its validation "
                + "mean IoU)", recipe.iterations());
        Report.writeAtomically(Figures.skips(models, meanIoU, shown, val.classes().palette(), title),
                images.resolve(PREDICTIONS));
        Report.writeAtomically(markdown(rows), output.resolve(SUMMARY_MD));
        Report.writeAtomically(csv(rows), output.resolve(SUMMARY_CSV));

        String heading = "Pixelgrad: " + String.join(", ", models.keySet()) + " compared";
        StringBuilder html = new StringBuilder(String.format(Locale.ROOT, Report.PAGE_HEAD, Report.escape(heading)));
        html.append("<h1>").append(Report.escape(heading)).append("</h1>\n");
        html.append(String.format(Locale.ROOT, "<p>Each model trained for %,d steps of batch %d on the %s split of %s "
                + "(%,d images, %d classes) and validated on its %s split (%,d images), with the same options:</p>%n",
                recipe.iterations(), recipe.batchSize(), Report.escape(data.trainSplit()), Report.escape(data.source().spec()),
                train.size(), train.classes().size(), Report.escape(data.valSplit()), val.size()));
        html.append("<pre>").append(Report.escape(describe(recipe))).append("</pre>\n");
        html.append("<h2>Scores at the last validation</h2>\n").append(htmlTable(rows));
        html.append("<p>Best: the highest validation mean IoU of the run, at that step (the model in the run's "
                + "best.safetensors). Time: the run's training time across resumes, validations included. Images/s: "
                + "training speed of the run's last session, validations excluded. Each model's own report, with its "
                + "IoU per class: ");
        List<String> links = new ArrayList<>();
        for (String model : models.keySet()) {
            links.add("<a href=\"" + model + "/report.html\">" + model + "</a>");
        }
        html.append(String.join(", ", links)).append(".</p>\n");
        html.append("<h2>Over the runs</h2>\n<img src=\"" + IMAGES + "/" + CURVES + "\" alt=\"training loss and "
                + "validation mean IoU of each model\">\n");
        html.append("<h2>Validation images</h2>\n<p>input | ground truth | each model's prediction (void pixels in the "
                + "void colour)</p>\n<img src=\"" + IMAGES + "/" + PREDICTIONS + "\" alt=\"predictions\">\n");
        html.append("</body></html>\n");
        return Report.writeAtomically(html.toString(), output.resolve(PAGE));
    }

    /** The options the runs share: width, steps, device, initial weights, and those a resume must keep. */
    private static String describe(TrainOptions recipe) {
        List<String> options = new ArrayList<>();
        // Stored as doubles from floats: shown as the floats they were given as.
        recipe.trajectory().forEach((name, value) -> options.add(name + " " + (value instanceof Double d
                ? Float.toString(d.floatValue()) : value)));
        return String.format(Locale.ROOT, "width %s, %d steps, device %s, %s, learn upsampling %s%n%s",
                recipe.model().width(), recipe.iterations(), recipe.device(),
                recipe.init() == null ? "from scratch (seed " + recipe.model().seed() + ")" : "initial weights " + recipe.init(),
                recipe.model().learnUpsample(), String.join(", ", options));
    }

    private static final String[] COLUMNS = {"model", "trainable parameters", "steps", "mean IoU", "best mean IoU (step)",
        "pixel accuracy", "mean accuracy", "frequency-weighted IoU", "validation loss", "time", "images/s"};

    /** A row's cells, formatted for people: scores in percent, time as a clock. */
    private static List<String> cells(Row r) {
        return List.of(r.model(), String.format(Locale.ROOT, "%,d", r.parameters()), Long.toString(r.steps()),
                percent(r.meanIoU()), percent(r.bestMeanIoU()) + " (" + r.bestStep() + ")", percent(r.pixelAccuracy()),
                percent(r.meanAccuracy()), percent(r.fwIoU()), String.format(Locale.ROOT, "%.4f", r.valLoss()),
                ProgressBar.clock(Math.round(r.seconds())), String.format(Locale.ROOT, "%.1f", r.imagesPerSecond()));
    }

    static String percent(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| " + String.join(" | ", COLUMNS) + " |\n|---");
        sb.append("|---:".repeat(COLUMNS.length - 1)).append("|\n");
        for (Row r : rows) {
            sb.append("| ").append(String.join(" | ", cells(r))).append(" |\n");
        }
        return sb.toString();
    }

    private static String htmlTable(List<Row> rows) {
        StringBuilder sb = new StringBuilder("<table>\n<tr><th>" + String.join("</th><th>", COLUMNS) + "</th></tr>\n");
        for (Row r : rows) {
            List<String> cells = new ArrayList<>(cells(r));
            cells.set(0, "<a href=\"" + r.model() + "/report.html\">" + r.model() + "</a>");
            sb.append("<tr><td>").append(String.join("</td><td>", cells)).append("</td></tr>\n");
        }
        return sb.append("</table>\n").toString();
    }

    /** The table as CSV, scores as fractions with val.csv's six decimals. */
    static String csv(List<Row> rows) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (Row r : rows) {
            sb.append(String.format(Locale.ROOT, "%s,%d,%d,%.6f,%.6f,%d,%.6f,%.6f,%.6f,%.6f,%.3f,%.3f%n", r.model(),
                    r.parameters(), r.steps(), r.meanIoU(), r.bestMeanIoU(), r.bestStep(), r.pixelAccuracy(),
                    r.meanAccuracy(), r.fwIoU(), r.valLoss(), r.seconds(), r.imagesPerSecond()));
        }
        return sb.toString();
    }
}
