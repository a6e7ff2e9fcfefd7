package dev.pixelgrad.fcn.train;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Surgery;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.Batch;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.DataLoader;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.fcn.weights.Vgg16Weights;
import dev.pixelgrad.nn.Adam;
import dev.pixelgrad.nn.Checkpoint;
import dev.pixelgrad.nn.CheckpointException;
import dev.pixelgrad.nn.Optimizer;
import dev.pixelgrad.nn.ParamGroup;
import dev.pixelgrad.nn.Sgd;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.io.Json;
import dev.pixelgrad.tensor.io.Safetensors;
import dev.pixelgrad.tensor.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * The training loop: batches from a prefetching loader, forward, loss, backward, optimizer step; a
 * validation every so many steps; an atomic checkpoint every so many steps and at the end; CSV logs.
 * A run killed at any moment resumes from its last checkpoint, and a run asked to stop
 * ({@link Listener#stopRequested}) first checkpoints the step it is on; either way, on the CPU, the resumed
 * run repeats the losses an uninterrupted run would have had: the data order, the augmentation, the dropout masks and the
 * optimizer state all come back with the step.
 */
public final class Trainer {
    /** The file name, in the run folder, of the checkpoint a run resumes from. */
    public static final String CHECKPOINT = "checkpoint.safetensors";
    /**
     * The file name, in the run folder, of the per-step log: step, loss, images per second, learning rate,
     * elapsed seconds.
     */
    public static final String TRAIN_LOG = "train.csv";
    /** The file name, in the run folder, of the per-validation log: the scores and the loss. */
    public static final String VAL_LOG = "val.csv";
    /** The model at the validation with the highest mean IoU so far (metadata: step, val.mean_iou). */
    public static final String BEST = "best.safetensors";
    private static final String BEST_IOU_KEY = "val.mean_iou";
    /** Checkpoint metadata: seconds the run has trained so far, across resumes (validation included). */
    private static final String ELAPSED_KEY = "train.elapsed_seconds";

    /** Progress callbacks (the CLI draws its progress bar from these). */
    public interface Listener {
        /**
         * When training is about to start.
         *
         * @param model     the model, on the training device
         * @param firstStep the steps done before (0 for a new run)
         * @param lastStep  the step the run ends at
         * @param note      how the model was initialised or resumed, and the optimizer and schedule
         */
        default void started(Fcn model, long firstStep, long lastStep, String note) {}

        /**
         * After each step.
         *
         * @param step            the step just done, from 1
         * @param lastStep        the step the run ends at
         * @param loss            the step's loss
         * @param imagesPerSecond the step's speed
         */
        default void step(long step, long lastStep, float loss, double imagesPerSecond) {}

        /**
         * After each validation: the scores and loss, and the run's training time so far in seconds.
         *
         * @param step           the step just done
         * @param validation     the validation's scores and loss
         * @param elapsedSeconds the run's training time so far, across resumes
         */
        default void validated(long step, Evaluator.Evaluation validation, double elapsedSeconds) {}

        /**
         * After each checkpoint is written.
         *
         * @param step the step it holds
         * @param file the checkpoint file
         */
        default void checkpointed(long step, Path file) {}

        /**
         * Asked after every step: true ends the run there, after a checkpoint of that step (the CLI answers
         * true once SIGTERM or Ctrl-C has arrived). A run stopped this way resumes as if never stopped.
         *
         * @return whether to stop
         */
        default boolean stopRequested() {
            return false;
        }
    }

    /**
     * What a finished run leaves: the model, its last validation and its checkpoint. A resumed run that was
     * already complete ({@code alreadyComplete}) trains nothing and has no new validation ({@code scores} null).
     *
     * @param model           the trained model, on the training device
     * @param steps           the steps done in all, across resumes
     * @param scores          the last validation's scores, or null
     * @param checkpoint      the checkpoint file
     * @param alreadyComplete whether the checkpoint had already reached the last step
     * @param stopped         whether the run stopped early because it was asked to
     */
    public record Result(Fcn model, long steps, Scores scores, Path checkpoint, boolean alreadyComplete,
                         boolean stopped) {}

    private Trainer() {}

    /**
     * Runs (or resumes) a training run as {@code opt} describes it, writing to {@code opt.output()}: the
     * checkpoint, the best model ({@link #BEST}), the logs.
     *
     * @param opt      the run's options
     * @param trainSet the training data
     * @param valSet   the validation data
     * @param resume   whether to go on from the run folder's checkpoint, which must exist
     * @param listener the progress callbacks
     * @return the result
     * @throws TrainingDivergedException if the loss or a parameter becomes NaN or infinite; the last
     *                                   checkpoint is left untouched
     * @throws IllegalArgumentException if the data's classes do not match the model, or a resumed run's
     *                                  options differ from the checkpoint's
     * @throws IOException if a file cannot be read or written, the initial weights are unusable, or the data
     *                     is bad
     */
    public static Result train(TrainOptions opt, SegmentationDataset trainSet, SegmentationDataset valSet,
                               boolean resume, Listener listener) throws IOException {
        Files.createDirectories(opt.output());
        Path ckptPath = opt.output().resolve(CHECKPOINT);
        Fcn model;
        Optimizer optimizer;
        long firstStep;
        double elapsedBefore = 0;
        String note;
        if (resume) {
            if (!Files.exists(ckptPath)) {
                throw new IOException("--resume: no checkpoint " + ckptPath + " to resume from");
            }
            Checkpoint ckpt = Checkpoint.load(ckptPath);
            checkSameTrajectory(ckptPath, ckpt, opt);
            model = Fcn.restore(ckptPath, ckpt);
            model.random().restore(storedCount(ckptPath, ckpt, "rng.counter"));
            firstStep = storedCount(ckptPath, ckpt, "step");
            elapsedBefore = storedSeconds(ckptPath, ckpt);
            model.to(opt.device());
            optimizer = optimizer(opt, model);
            optimizer.loadState(ckpt.optimizer());
            note = "resumed from " + ckptPath + " at step " + firstStep;
        } else {
            Initial init = initialise(opt);
            model = init.model();
            model.to(opt.device());
            optimizer = optimizer(opt, model);
            firstStep = 0;
            note = init.note();
        }
        checkClasses(model, trainSet, "training");
        checkClasses(model, valSet, "validation");
        if (!opt.classWeights().isEmpty() && opt.classWeights().size() != model.numClasses()) {
            throw new IllegalArgumentException(opt.classWeights().size() + " class weights for a model of "
                    + model.numClasses() + " classes");
        }
        if (firstStep == opt.iterations()) {
            // Not a failure: a retry loop around a run that has finished must see success.
            return new Result(model, firstStep, null, ckptPath, true, false);
        }
        if (firstStep > opt.iterations()) {
            throw new IllegalArgumentException("the checkpoint is at step " + firstStep + ", past --iterations "
                    + opt.iterations());
        }
        Safetensors.checkReplaceable(ckptPath); // before hours of training that end in replacing it
        model.train(true);
        listener.started(model, firstStep, opt.iterations(), String.format(Locale.ROOT, "%s; %s at %s, %s%s", note,
                opt.optimizer(), opt.learningRate(), opt.schedule().describe(), classWeightsNote(opt, trainSet)));

        // step and loss lead, so that two runs' trajectories compare with cut -d, -f1,2.
        TrainingLog trainLog = new TrainingLog(opt.output().resolve(TRAIN_LOG),
                "step,loss,images_per_second,learning_rate,elapsed_seconds", resume ? firstStep : -1);
        TrainingLog valLog = new TrainingLog(opt.output().resolve(VAL_LOG), valHeader(valSet), resume ? firstStep : -1);
        Scores last = null;
        Path bestPath = opt.output().resolve(BEST);
        // A resumed run goes on from the best it had; a new run's first validation replaces any old file.
        double bestIoU = resume ? storedBestIoU(bestPath) : Double.NEGATIVE_INFINITY;
        try (DataLoader train = new DataLoader(trainSet, opt.batchSize(), true, opt.augmentation(),
                model.config().preprocessing(), opt.seed(), opt.workers());
             DataLoader val = new DataLoader(valSet, 1, false, Augmentation.NONE, model.config().preprocessing(),
                     opt.seed(), opt.workers());
             Tensor classWeights = classWeights(opt)) {
            long step = firstStep;
            long lastGood = firstStep;
            long t0 = System.nanoTime();
            long runStart = t0;
            double before = elapsedBefore;
            // Seconds this run has trained, across resumes.
            DoubleSupplier trained = () -> before + (System.nanoTime() - runStart) * 1e-9;
            long stepsTimed = 0;
            double imagesPerSecond = 0;
            for (Batch b : train.range(firstStep, opt.iterations() - firstStep)) {
                step++;
                optimizer.setLearningRate((float) (opt.learningRate() * opt.schedule().factor(step - 1, opt.iterations())));
                float loss;
                long tStep = System.nanoTime();
                try (Scope s = Scope.open()) {
                    Variable x = Variable.of(b.imageTensor().to(opt.device()));
                    Tensor labels = b.labelTensor().to(opt.device());
                    Variable l = F.softmaxCrossEntropy(model.forward(x), labels, classWeights, 255, opt.loss());
                    loss = l.item();
                    if (!Float.isFinite(loss)) {
                        model.zeroGrad();
                        throw diverged(step, loss, lastGood, resume || lastGood > 0, ckptPath);
                    }
                    l.backward();
                    optimizer.step();
                }
                stepsTimed++;
                double seconds = (System.nanoTime() - t0) * 1e-9;
                imagesPerSecond = stepsTimed * opt.batchSize() / Math.max(seconds, 1e-9);
                trainLog.append(String.format(Locale.ROOT, "%d,%.6f,%.3f,%g,%.3f", step, loss, imagesPerSecond,
                        optimizer.learningRate(), trained.getAsDouble()));
                listener.step(step, opt.iterations(), loss, opt.batchSize() / ((System.nanoTime() - tStep) * 1e-9));
                boolean end = step == opt.iterations();
                if (end || (opt.validateEvery() > 0 && step % opt.validateEvery() == 0)) {
                    long tv = System.nanoTime();
                    Evaluator.Evaluation e = Evaluator.evaluate(model, val, opt.device());
                    last = e.scores();
                    double elapsed = trained.getAsDouble();
                    valLog.append(valRow(step, e, elapsed));
                    listener.validated(step, e, elapsed);
                    if (last.meanIoU() > bestIoU) {
                        bestIoU = last.meanIoU();
                        model.save(bestPath, Map.of("step", Long.toString(step), BEST_IOU_KEY, Double.toString(bestIoU),
                                ClassList.METADATA_KEY, trainSet.classes().toText()));
                    }
                    t0 += System.nanoTime() - tv; // images/s counts training time only
                }
                boolean stop = !end && listener.stopRequested();
                if (end || stop || (opt.checkpointEvery() > 0 && step % opt.checkpointEvery() == 0)) {
                    String bad = firstNonFinite(model);
                    if (bad != null) {
                        // A finite loss can hide a parameter that has already blown up: never save it.
                        throw diverged(step, Float.NaN, lastGood, resume || lastGood > 0, ckptPath,
                                "parameter " + bad + " is no longer finite");
                    }
                    save(ckptPath, model, optimizer, step, opt, trainSet.classes(),
                            trained.getAsDouble());
                    lastGood = step;
                    listener.checkpointed(step, ckptPath);
                }
                if (stop) {
                    return new Result(model, step, last, ckptPath, false, true);
                }
            }
        }
        return new Result(model, opt.iterations(), last, ckptPath, false, false);
    }

    /** The loss's class weights on the training device, or null for none; the caller closes them. */
    private static Tensor classWeights(TrainOptions opt) {
        List<Float> w = opt.classWeights();
        if (w.isEmpty()) {
            return null;
        }
        float[] values = new float[w.size()];
        for (int c = 0; c < values.length; c++) {
            values[c] = w.get(c);
        }
        try (Tensor host = Tensor.of(values, values.length)) {
            return host.to(opt.device()).detachFromScope();
        }
    }

    /** "; class weights road 1.9, not_road 0.55" for the start note, or nothing without weights. */
    private static String classWeightsNote(TrainOptions opt, SegmentationDataset trainSet) {
        if (opt.classWeights().isEmpty()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < opt.classWeights().size(); c++) {
            parts.add(trainSet.classes().names().get(c) + " " + opt.classWeights().get(c));
        }
        return "; class weights " + String.join(", ", parts);
    }

    private static TrainingDivergedException diverged(long step, float loss, long lastGood, boolean haveCheckpoint,
                                                      Path ckptPath) {
        return diverged(step, loss, lastGood, haveCheckpoint, ckptPath, null);
    }

    private static TrainingDivergedException diverged(long step, float loss, long lastGood, boolean haveCheckpoint,
                                                      Path ckptPath, String what) {
        String note = haveCheckpoint ? "The last good checkpoint (step " + lastGood + ") is untouched: " + ckptPath
                : "This run had written no checkpoint yet.";
        return new TrainingDivergedException(step, loss, what == null ? note : what + ". " + note);
    }

    /** The name of a parameter holding NaN or infinity, or null (one scalar per parameter leaves the device). */
    static String firstNonFinite(Fcn model) {
        try (Scope s = Scope.open()) {
            for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
                if (!Float.isFinite(Ops.sum(e.getValue().data()).item())) {
                    return e.getKey();
                }
            }
        }
        return null;
    }

    /**
     * The trajectory options stored in a run's checkpoint, or an empty map when it has none.
     *
     * @param output the run folder
     * @return the options by name, as {@link TrainOptions#trajectory} wrote them
     * @throws IOException if the checkpoint cannot be read, or its stored options are not valid JSON
     */
    public static Map<String, Object> storedTrajectory(Path output) throws IOException {
        Path ckpt = output.resolve(CHECKPOINT);
        if (!Files.exists(ckpt)) {
            return Map.of();
        }
        try (SafetensorsReader r = SafetensorsReader.open(ckpt)) {
            return trainOptions(ckpt, r.metadata());
        }
    }

    /** A checkpoint's train.options: an empty map when it has none, an error naming the file when unreadable. */
    private static Map<String, Object> trainOptions(Path path, Map<String, String> metadata) throws CheckpointException {
        String json = metadata.get("train.options");
        if (json == null) {
            return Map.of();
        }
        Object stored;
        try {
            stored = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "train.options is not valid JSON: " + e.getMessage());
        }
        if (!(stored instanceof Map<?, ?> m)) {
            throw new CheckpointException(path, "train.options must be a JSON object");
        }
        @SuppressWarnings("unchecked") // Json makes every object a map of string keys
        Map<String, Object> options = (Map<String, Object>) m;
        return options;
    }

    /** A resumed run continues the same trajectory: its options must be those the checkpoint was trained with. */
    private static void checkSameTrajectory(Path path, Checkpoint ckpt, TrainOptions opt) throws CheckpointException {
        Map<String, Object> stored = trainOptions(path, ckpt.metadata());
        List<String> differ = new ArrayList<>();
        for (Map.Entry<String, Object> e : opt.trajectory().entrySet()) {
            Object was = stored.get(e.getKey());
            Object now = e.getValue();
            boolean same = was instanceof Number a && now instanceof Number b
                    ? (float) a.doubleValue() == (float) b.doubleValue()
                    : Objects.equals(was, now);
            if (!same && was != null) {
                differ.add(e.getKey() + " " + was + " (now " + now + ")");
            }
        }
        if (!differ.isEmpty()) {
            throw new IllegalArgumentException("--resume: the checkpoint was trained with " + String.join(", ", differ)
                    + "; resume with the same options (the CLI takes any option you leave out from the checkpoint)");
        }
    }

    private record Initial(Fcn model, String note) {}

    /** A new model: random, or with VGG16 weights in the encoder, or staged from an earlier FCN. */
    private static Initial initialise(TrainOptions opt) throws IOException {
        FcnConfig cfg = opt.model();
        Path init = opt.init();
        if (init == null) {
            return new Initial(Fcn.create(cfg), "initialised at random (seed " + cfg.seed() + ")");
        }
        if (isFcnCheckpoint(init)) {
            Checkpoint source = Checkpoint.loadModel(init);
            FcnConfig from = Fcn.storedConfig(init, source);
            // The stage before fixes the encoder and the padding form along with the weights.
            Fcn model = Fcn.create(new FcnConfig(cfg.model(), from.numClasses(), from.width(), cfg.learnUpsample(),
                    from.preprocessing(), cfg.seed(), from.encoder(), from.padding()));
            List<String> copied = Surgery.stagedInit(model, source.model());
            return new Initial(model, "staged init from " + from.model() + " (" + init + "): " + copied.size()
                    + " tensors copied");
        }
        Vgg16Weights.Loaded vgg = Vgg16Weights.read(init);
        Fcn model = Fcn.create(cfg.with(vgg.preprocessing()));
        try {
            Vgg16Weights.loadInto(model, vgg);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(init + ": " + e.getMessage(), e);
        }
        String fresh = vgg.encoder().containsKey("fc6.weight") ? "" : "; fc6 and fc7 start at random";
        return new Initial(model, "encoder from " + vgg.source() + " VGG" + vgg.depth() + " weights (" + init
                + "), preprocessing " + vgg.preprocessing().configName() + fresh);
    }

    private static boolean isFcnCheckpoint(Path file) throws IOException {
        if (!file.getFileName().toString().endsWith(".safetensors")) {
            return false;
        }
        try (SafetensorsReader r = SafetensorsReader.open(file)) {
            return r.metadata().containsKey(Fcn.CONFIG_KEY);
        }
    }

    private static Optimizer optimizer(TrainOptions opt, Fcn model) {
        List<ParamGroup> groups = ParamGroup.caffeRecipe(model);
        return opt.optimizer().equals("sgd")
                ? new Sgd(groups, opt.learningRate(), opt.momentum(), opt.weightDecay())
                : new Adam(groups, opt.learningRate(), 0.9f, 0.999f, 1e-8f, opt.weightDecay());
    }

    private static void checkClasses(Fcn model, SegmentationDataset data, String what) {
        if (data.classes().size() != model.numClasses()) {
            throw new IllegalArgumentException("the " + what + " data has " + data.classes().size()
                    + " classes but the model has " + model.numClasses());
        }
    }

    static void save(Path path, Fcn model, Optimizer optimizer, long step, TrainOptions opt, ClassList classes,
                     double elapsedSeconds) throws IOException {
        Map<String, String> md = new LinkedHashMap<>();
        md.put("format", "pixelgrad-fcn-checkpoint-1");
        md.put("step", Long.toString(step));
        md.put(Fcn.CONFIG_KEY, model.config().toJson());
        md.put("rng.counter", Long.toString(model.random().counter()));
        md.put("train.options", Json.write(opt.trajectory()));
        md.put(ClassList.METADATA_KEY, classes.toText());
        md.put(ELAPSED_KEY, String.format(Locale.ROOT, "%.3f", elapsedSeconds));
        Checkpoint.save(path, model, optimizer, md);
    }

    /** The mean IoU a run's best model was saved at, or -infinity when there is none yet. */
    private static double storedBestIoU(Path best) throws IOException {
        if (!Files.exists(best)) {
            return Double.NEGATIVE_INFINITY;
        }
        try (SafetensorsReader r = SafetensorsReader.open(best)) {
            String v = r.metadata().get(BEST_IOU_KEY);
            try {
                if (v != null) {
                    return Double.parseDouble(v);
                }
            } catch (NumberFormatException e) {
                // reported below, as a missing score is
            }
            throw new CheckpointException(best, BEST_IOU_KEY + " must be a number, got " + v);
        }
    }

    /** The training time a checkpoint's run had had; 0 for checkpoints written without it. */
    private static double storedSeconds(Path path, Checkpoint ckpt) throws CheckpointException {
        String v = ckpt.metadata().get(ELAPSED_KEY);
        if (v == null) {
            return 0;
        }
        try {
            double seconds = Double.parseDouble(v);
            if (seconds >= 0 && Double.isFinite(seconds)) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // reported below, as a negative time is
        }
        throw new CheckpointException(path, ELAPSED_KEY + " must be a number of seconds, got \"" + v + "\"");
    }

    /** A count stored as metadata (the step, the random stream's position). */
    private static long storedCount(Path path, Checkpoint ckpt, String key) throws CheckpointException {
        String v = ckpt.metadata().get(key);
        if (v == null) {
            throw new CheckpointException(path, "no " + key + " entry");
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below, as a negative count is
        }
        throw new CheckpointException(path, key + " must be a count, got \"" + v + "\"");
    }

    private static String valHeader(SegmentationDataset data) {
        StringBuilder sb = new StringBuilder("step,loss,pixel_accuracy,mean_accuracy,mean_iou,fw_iou,elapsed_seconds");
        for (String name : data.classes().names()) {
            sb.append(",iou_").append(name);
        }
        return sb.toString();
    }

    private static String valRow(long step, Evaluator.Evaluation e, double elapsedSeconds) {
        Scores s = e.scores();
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.3f", step, e.loss(),
                s.pixelAccuracy(), s.meanAccuracy(), s.meanIoU(), s.frequencyWeightedIoU(), elapsedSeconds));
        for (double v : s.classIoU()) {
            sb.append(',').append(Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.6f", v));
        }
        return sb.toString();
    }
}
