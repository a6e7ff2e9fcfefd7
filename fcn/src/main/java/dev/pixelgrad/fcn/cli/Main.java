package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.Encoder;
import dev.pixelgrad.fcn.Explain;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.FcnVariant;
import dev.pixelgrad.fcn.Padding;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.DataLoader;
import dev.pixelgrad.fcn.data.Palette;
import dev.pixelgrad.fcn.data.Preflight;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.fcn.train.Evaluator;
import dev.pixelgrad.fcn.train.Inference;
import dev.pixelgrad.fcn.train.Predictor;
import dev.pixelgrad.fcn.train.TensorBoardWriter;
import dev.pixelgrad.fcn.train.TrainOptions;
import dev.pixelgrad.fcn.train.Trainer;
import dev.pixelgrad.fcn.train.TrainingDivergedException;
import dev.pixelgrad.nn.LrSchedule;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.backend.Backend;
import dev.pixelgrad.tensor.backend.Backends;
import dev.pixelgrad.tensor.io.FileErrors;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The {@code pixelgrad} command: train, compare, eval, predict, demo, explain, figures and devices. */
public final class Main {
    private static final Set<String> FLAGS = Set.of("resume", "learn-upsample", "no-flip", "debug", "help", "tensorboard",
            "no-preflight", "preflight", "flip");
    /** Splits up to this many samples in all are read once before training (see {@link Preflight}). */
    static final int PREFLIGHT_MAX_SAMPLES = 20_000;

    /** What each command does; with {@link #OPTIONS}, the text of {@code pixelgrad help} and of each command's --help. */
    private static final String COMMANDS = """
            usage: pixelgrad <command> [options]

            commands:
              demo       generate the built-in data, train a small FCN-8s on the CPU, evaluate, predict and
                         write report.html (the README's main job)
              train      train an FCN
              compare    train FCN-32s, FCN-16s and FCN-8s (or --models) one after another on the same data
                         with the same options, and write one report of their scores, curves and predictions
              eval       print the metrics of a checkpoint on a split
              predict    write palette masks and overlays for images
              explain    every layer of an FCN at one input size: output shape, stride, receptive field,
                         crop offsets and why, parameters and multiply-adds, and the totals (computes nothing)
              figures    draw the figures of docs/fcn-end-to-end.md (trains FCN-32s, -16s and -8s on the
                         built-in set first: about half an hour on two cores, reused afterwards)
              devices    the backends on this machine: which can run, on what hardware, or why not
              bench      the JMH benchmarks, through the ./pixelgrad launcher (arguments go to JMH; the
                         patterns are in docs/benchmarks.md)
            """;

    private static final Map<String, String> OPTIONS = optionsByCommand(
            "train", """
            train:
              --model %s   (fcn8s)
              --data builtin|DIR     builtin synthetic set, or a folder in one of these layouts (docs/fcn.md, Data)
              --format auto|voc|sbd|ade20k|kitti-road|camvid|folder   (auto: recognised by its own folders)
                voc          ImageSets/Segmentation, JPEGImages, SegmentationClass (21 classes, 255 void)
                sbd          SBD's benchmark_RELEASE/dataset (or a parent): img/, cls/*.mat, <split>.txt
                ade20k       ADEChallengeData2016 or its parent: images/ and annotations/{training,validation};
                             splits train, val (or the folder names); 150 classes (see --ade-other)
                kitti-road   data_road or its parent: training/image_2 + gt_image_2/<cat>_road_<n>.png;
                             road (magenta) vs not_road (red), black void; val held out (--val-fraction)
                camvid       SegNet's train, val, test + <split>annot (11 classes, value 11 void), or
                             701_StillsRaw_full + LabeledApproved_full + label_colors.txt (Void void; val
                             held out)
                folder       <split>/images + <split>/masks, classes from --classes or classes.txt
              --ade-other ignore|class   ADE20K's value 0 "other" (ignore): void, class c -> c-1, 150 classes,
                                     as the challenge's evaluation and most FCN code; class: class 0, 151 classes
              --val-fraction X       share of the labelled images held out as val where a layout has no val split:
                                     spread evenly in name order (0.2: the 5th, 10th, 15th, ...)
              --resize HxW           every sample to HxW: bilinear image, nearest labels (none; KITTI: 160x576)
              --classes FILE         class list (one per line, 'name #rrggbb' for colour-coded masks)
              --train-split NAME --val-split NAME        (train, val)
                                     train_aug: masks from SegmentationClassAug, else SegmentationClass;
                                     sbd: train, val, trainval (docs/fcn.md: seg11valid)
              --exclude FILE         drop the ids FILE lists from the training split (SBD less seg11valid)
              --device cpu|cuda      (cpu)
              --precision fp32|tf32|bf16   (fp32) cuda's convolutions and matmuls: tf32 runs them on tensor
                                     cores (inputs rounded to 10 mantissa bits), PyTorch's default for
                                     convolutions; bf16 is mixed precision as PyTorch's autocast (bfloat16
                                     activations, float32 weights and loss; Ampere or newer); the CPU
                                     always computes fp32
              --iterations N | --epochs N                (1000 iterations)
              --batch N              (8)
              --width X              channel multiplier, 1 = reference VGG16
              --encoder vgg16|vgg19  (vgg16)   the VGG under the heads; --init weights must be the same VGG's
              --padding reference|same         (reference: conv1_1 pads by 100, crops line the maps up;
                                     same: 'same' padding, input padded to a multiple of 32, no offsets)
                                     (1 on a GPU; 0.125 on the CPU, where full width takes ~30 s a step)
              --optimizer adam|sgd   (adam)   --weight-decay X (0)
              --lr X                 adam: 1e-4 at width 1 (1e-3 diverges from scratch), x 1/width up to
                                     1e-3 (8e-4 at 0.125); sgd: 1e-3, or 1e-10 with --loss sum
              --momentum X           sgd (0.9; 0.99 with --loss sum, the reference's)
              --loss mean|sum        (mean; sum is the reference's unnormalised loss, with tiny rates)
              --class-weights none|auto|W,W,...   weigh each class's pixels in the loss, for unbalanced data
                                     (none); one positive number per class, or auto: median frequency
                                     balancing of the training labels (docs/fcn.md, Class weights)
              --lr-schedule constant|step|poly           (constant, as the reference)
                --lr-step N --lr-gamma X   step: times X every N steps (a third of the run, 0.1)
                --lr-power X               poly: (1 - step/steps)^X (0.9, torchvision's)
                --warmup N --warmup-factor X   linear warm-up from X times the rate over N steps
                                           (a tenth of the run up to 100 steps, 0.01)
              --learn-upsample       train the bilinear upsampling layers too
              --init FILE            VGG weights (.safetensors torchvision / .h5 Keras / .mat MatConvNet) or an
                                     FCN checkpoint (whose encoder and padding the new stage keeps);
                                     a narrower --width keeps each layer's largest-norm filters
              --crop N  --scale-min X --scale-max X --no-flip                 augmentation
                                     (no crop: each batch is padded to its largest image; a crop pads
                                     smaller images up to N, so set it for large images only)
              --output DIR           (runs/train)    --resume   continue from DIR/checkpoint.safetensors
                                     (DIR/best.safetensors: the model of the best validation mean IoU)
              --no-preflight | --preflight   read every sample before training (default: sets of up to 20000)
                                     (options left out come from the checkpoint; different ones are refused)
              --val-every N  --checkpoint-every N    (200, 100)
              --tensorboard          also write TensorBoard event files: losses, learning rate, scores and
                                     validation predictions (tensorboard --logdir DIR/tensorboard)
              --seed N  --workers N
            """.formatted(String.join("|", FcnVariant.names())),
            "compare", """
            compare:  the options of train, but --models for --model; a rerun goes on with the runs it finds
              --models M,N,...       (fcn32s,fcn16s,fcn8s) any of %s
              --output DIR           (runs/compare) DIR/<model>: each model's run, resumed or reused when
                                     run again (options left out come from the runs' checkpoints; different
                                     ones are refused); DIR/report.html, summary.md and summary.csv: the
                                     comparison
            """.formatted(String.join(", ", FcnVariant.names())),
            "eval", """
            eval:     --checkpoint FILE --data ... [--split val] [--device cpu] [--precision fp32]
                      [--format ...] [--ade-other ...] [--val-fraction X] [--resize HxW]   as for train
                      (--data builtin: the set next to the checkpoint, in its run's data folder)
                      [--scales X,Y,...] (1)  average the class probabilities over these resizings
                      [--flip]                and over each mirrored left-right
                      [--tile N] [--overlap X] (whole image; 0.33)  sliding N x N windows, for images too
                                              large to score in one pass
            """,
            "predict", """
            predict:  --checkpoint FILE (--input FILE|DIR | FILE...) [--output DIR] [--device cpu] [--precision fp32]
                      [--scales X,Y,...] [--flip] [--tile N] [--overlap X]   as for eval
                      [--classes FILE]  colours of the masks and overlays (the training data's classes,
                                        stored in the checkpoint, when left out)
            """,
            "demo", """
            demo:     [--output DIR] (runs/demo)  [--iterations N]
            """,
            "figures", """
            figures:  [--output DIR] (docs/figures)   [--runs DIR] (runs/figures: the training runs, resumed
                      or reused)
            """,
            "explain", """
            explain:  [--model %s] (fcn8s)   [--size HxW | N] (500x500)
                      [--width X] (1)   [--classes N] (21)   [--format text|markdown] (text)
              [--encoder vgg16|vgg19] (vgg16)   [--padding reference|same] (reference)
            """.formatted(String.join("|", FcnVariant.names())));

    static final String USAGE = COMMANDS + "\n" + String.join("", OPTIONS.values().stream()
            .map(o -> o.startsWith("train:") ? o + "\n" : o).toList());

    private static Map<String, String> optionsByCommand(String... commandAndText) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < commandAndText.length; i += 2) {
            m.put(commandAndText[i], commandAndText[i + 1]);
        }
        return m;
    }

    /** {@code pixelgrad COMMAND --help}: the command's line from the list and its options, before any work. */
    static String help(String command) {
        StringBuilder sb = new StringBuilder("usage: pixelgrad " + command + " [options]\n\n");
        boolean in = false;
        for (String line : COMMANDS.split("\n")) {
            // The command's entry in the list: its line and the continuation lines indented under it.
            if (line.startsWith("  " + command + " ")) {
                in = true;
            } else if (in && !line.startsWith("             ")) {
                in = false;
            }
            if (in) {
                sb.append(line.strip()).append('\n');
            }
        }
        String options = OPTIONS.get(command);
        if (options != null) {
            sb.append('\n').append(options);
        }
        return sb.toString();
    }

    private Main() {}

    private static final List<String> COMMAND_NAMES = List.of("train", "compare", "eval", "predict", "demo", "explain",
            "figures", "devices");

    private static boolean isCommand(String name) {
        return COMMAND_NAMES.contains(name);
    }

    /**
     * The command line's entry point: runs {@link #run} with the standard streams, headless, and exits with
     * its status.
     *
     * @param argv the command and its options, as {@code pixelgrad help} lists them
     */
    public static void main(String[] argv) {
        System.setProperty("java.awt.headless", "true");
        System.exit(run(argv, System.out, System.err));
    }

    /**
     * Runs a command; returns the exit status (0 ok, 1 failure, 2 usage error).
     *
     * <p>Errors are printed to {@code err} as one line (a stack trace only with {@code --debug}), never
     * thrown.
     *
     * @param argv the command and its options
     * @param out  where results and help go
     * @param err  where errors and warnings go
     * @return the exit status
     */
    public static int run(String[] argv, PrintStream out, PrintStream err) {
        List<String> list = Arrays.asList(argv);
        if (list.isEmpty() || list.get(0).equals("help") || list.get(0).equals("--help")) {
            boolean one = list.size() == 2 && list.get(0).equals("help") && isCommand(list.get(1));
            out.print(one ? help(list.get(1)) : USAGE);
            return list.isEmpty() ? 2 : 0;
        }
        if (isCommand(list.get(0)) && list.subList(1, list.size()).contains("--help")) {
            out.print(help(list.get(0)));
            return 0;
        }
        boolean debug = list.contains("--debug");
        try {
            Args a = new Args(list.subList(1, list.size()), FLAGS);
            a.flag("debug");
            switch (list.get(0)) {
                case "train" -> train(a, out, err);
                case "compare" -> Compare.run(a, out, err);
                case "eval" -> eval(a, out);
                case "predict" -> predict(a, out);
                case "demo" -> Demo.run(a, out, err);
                case "devices" -> devices(a, out);
                case "explain" -> explain(a, out);
                case "figures" -> Figures.run(a, out, err);
                default -> throw new Args.UsageException("unknown command '" + list.get(0) + "'");
            }
            return 0;
        } catch (Args.UsageException e) {
            err.println("pixelgrad: " + e.getMessage());
            err.println("run 'pixelgrad help' for the options");
            return 2;
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException
                 | TrainingDivergedException e) {
            // File errors name the file and the reason, whichever of the two the JDK's exception left out.
            String message = e instanceof IOException io ? FileErrors.describe(io)
                    : e instanceof UncheckedIOException u ? FileErrors.describe(u.getCause()) : e.getMessage();
            err.println("pixelgrad: error: " + message);
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        } catch (OutOfMemoryError e) {
            // One line, never a stack trace: what ran out and what to do about it.
            err.println("pixelgrad: error: out of memory (" + e.getMessage() + "); give the JVM more with "
                    + "PIXELGRAD_JAVA_OPTS=-Xmx..., or use smaller inputs (--batch, --crop, --width)");
            return 1;
        } catch (RuntimeException | Error e) {
            // Not one of ours: say what it was, and how to see where it came from.
            err.println("pixelgrad: internal error: " + e + (debug ? "" : " (run with --debug for the stack trace)"));
            if (debug) {
                e.printStackTrace(err);
            }
            return 1;
        }
    }

    /**
     * --device, checked as an option (cpu, cuda or cuda:N), and with it --precision (fp32, tf32 or bf16), which
     * sets the library's {@link Precision} for this command (its default where the option is left out).
     */
    private static Device device(Args a) {
        String v = a.string("device", "cpu");
        Precision.reset();
        if (a.has("precision")) {
            try {
                Precision.set(Precision.parse(a.string("precision", "fp32")));
            } catch (IllegalArgumentException e) {
                throw new Args.UsageException("--precision: " + e.getMessage());
            }
        }
        try {
            return Device.parse(v);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--device: " + e.getMessage());
        }
    }

    /**
     * The training options from the command line. On {@code --resume} an option left out comes from the
     * checkpoint ({@code stored}), so that the run continues as it was trained; one given and different is
     * an error (from the trainer).
     */
    static TrainOptions trainOptions(Args a, int numClasses, int trainImages, Path output, Map<String, Object> stored) {
        return trainOptions(a, a.choice("model", "fcn8s", FcnVariant.names()), numClasses, trainImages, output, stored);
    }

    /** As {@link #trainOptions(Args, int, int, Path, Map)}, for {@code model} (compare's, one run each). */
    static TrainOptions trainOptions(Args a, String model, int numClasses, int trainImages, Path output,
                                     Map<String, Object> stored) {
        int batch = a.integer("batch", number(stored, "batch", 8).intValue(), 1, 1024);
        Device device = device(a);
        float width = a.number("width", defaultWidth(device), 1e-4f, 1f);
        long seed = a.longValue("seed", number(stored, "seed", 1).longValue());
        FcnConfig cfg = architecture(a, new FcnConfig(model, numClasses, width, a.flag("learn-upsample"),
                Preprocessing.CAFFE, seed));
        if (a.has("epochs") && a.has("iterations")) {
            throw new Args.UsageException("give --iterations or --epochs, not both");
        }
        long iterations = a.has("epochs")
                ? (long) a.integer("epochs", 1, 1, 1_000_000) * ((trainImages + batch - 1) / batch)
                : a.longValue("iterations", 1000, 1, 1_000_000_000_000L);
        String loss = a.choice("loss", (String) stored.getOrDefault("loss", "mean"), List.of("mean", "sum"));
        Reduction reduction = loss.equals("sum") ? Reduction.SUM : Reduction.MEAN;
        String optimizer = a.choice("optimizer", (String) stored.getOrDefault("optimizer", "adam"), List.of("adam", "sgd"));
        boolean flip = a.has("no-flip") ? !a.flag("no-flip") : (Boolean) stored.getOrDefault("flip", Boolean.TRUE);
        a.flag("no-flip");
        float scaleMin = a.number("scale-min", number(stored, "scale_min", 1).floatValue(), 0.01f, 10f);
        float scaleMax = a.number("scale-max", number(stored, "scale_max", 1).floatValue(), scaleMin, 10f);
        Augmentation aug = new Augmentation(flip, scaleMin, scaleMax,
                a.integer("crop", number(stored, "crop", 0).intValue(), 0, 4096));
        return new TrainOptions(cfg, device, iterations, batch, optimizer,
                a.number("lr", number(stored, "lr", defaultLearningRate(optimizer, reduction, width)).floatValue(),
                        1e-12f, 10f), schedule(a, stored, iterations),
                a.number("momentum", number(stored, "momentum", reduction == Reduction.SUM ? 0.99 : 0.9).floatValue(), 0f, 1f),
                a.number("weight-decay", number(stored, "weight_decay", 0).floatValue(), 0f, 1f),
                reduction, aug, a.path("init"), output,
                a.integer("val-every", 200, 0, Integer.MAX_VALUE), a.integer("checkpoint-every", 100, 0, Integer.MAX_VALUE),
                a.integer("workers", 2, 1, 64), seed);
    }

    /**
     * The width a new run gets when --width is left out: the reference net on a GPU; an eighth of it on
     * the CPU, where the full width takes about half a minute a step even on 64-pixel images (134M
     * parameters, a 1.6 GB checkpoint) and an eighth trains the demo in minutes.
     */
    static float defaultWidth(Device device) {
        return device.isCpu() ? 0.125f : 1f;
    }

    /**
     * The learning rate when --lr is left out. Adam: 1e-4 at full width, where 1e-3 from scratch diverges
     * (docs/fcn.md, "Training defaults"), scaled as 1/width up to 1e-3 for narrower nets (each unit sums
     * width-times fewer inputs, so the same step moves it width-times less). SGD: 1e-3 for the mean loss
     * (1e-2, torchvision's rate for its batch-normalised nets, gave NaN at step 4 from scratch at width
     * 0.125), and the reference's 1e-10 for its summed, unnormalised loss.
     */
    static double defaultLearningRate(String optimizer, Reduction loss, float width) {
        if (optimizer.equals("adam")) {
            return Math.min(1e-3, 1e-4 / width);
        }
        return loss == Reduction.SUM ? 1e-10 : 1e-3;
    }

    /**
     * Warm-up steps when --warmup is left out: the first tenth of the run, at most 100 steps. Adam's first
     * updates move every weight by about the full rate whatever its gradient; at full width from scratch
     * that took the loss from 1.8 to 8.6 in one step at 1e-4, and a warm-up from a hundredth of the rate
     * kept it falling (docs/fcn.md, "Training defaults").
     */
    static long defaultWarmup(long iterations) {
        return Math.min(100, iterations / 10);
    }

    /** --lr-schedule constant|step|poly with --lr-step, --lr-gamma, --lr-power, --warmup, --warmup-factor. */
    static LrSchedule schedule(Args a, Map<String, Object> stored, long iterations) {
        String kind = a.choice("lr-schedule", (String) stored.getOrDefault("lr_schedule", "constant"),
                List.of("constant", "step", "poly"));
        long warmup = a.longValue("warmup", number(stored, "warmup", defaultWarmup(iterations)).longValue(), 0,
                iterations - 1);
        return new LrSchedule(LrSchedule.kind(kind),
                a.longValue("lr-step", number(stored, "lr_step", Math.max(1, iterations / 3)).longValue(), 1, iterations),
                a.number("lr-gamma", number(stored, "lr_gamma", 0.1).floatValue(), 1e-6f, 1f),
                a.number("lr-power", number(stored, "lr_power", 0.9).floatValue(), 1e-3f, 100f),
                warmup, a.number("warmup-factor", number(stored, "warmup_factor", 0.01).floatValue(), 1e-6f, 1f));
    }

    private static Number number(Map<String, Object> stored, String key, Number fallback) {
        Object v = stored.get(key);
        return v instanceof Number n ? n : fallback;
    }

    private static void train(Args a, PrintStream out, PrintStream err) throws IOException {
        Path output = a.path("output") != null ? a.path("output") : Path.of("runs", "train");
        boolean resume = a.flag("resume");
        Map<String, Object> stored = resume ? Trainer.storedTrajectory(output) : Map.of();
        TrainingData data = TrainingData.from(a, output.resolve("data"));
        // Every option is read and checked before any work (the built-in set can take a while to
        // generate); the options are then made with what the data says (its classes and size).
        trainOptions(a, 2, 1, output, stored);
        String classWeights = ClassWeightsOption.read(a, stored);
        boolean tensorboard = a.flag("tensorboard");
        a.finish();
        TrainingData.Splits sets = data.open(out);
        SegmentationDataset trainSet = sets.train();
        SegmentationDataset valSet = sets.val();
        TrainOptions opt = trainOptions(a, trainSet.classes().size(), trainSet.size(), output, stored)
                .withClassWeights(ClassWeightsOption.resolve(classWeights, trainSet, data.trainSplit(), stored, out));
        ProgressBar bar = new ProgressBar(err);
        Trainer.Result r = trainUntilDoneOrSignalled(opt, trainSet, valSet, resume, bar, out, tensorboard,
                "pixelgrad train --resume --output " + output);
        if (r.stopped()) {
            return;
        }
        if (r.alreadyComplete()) {
            out.println("the run in " + output + " is complete: its checkpoint is at step " + r.steps() + " of "
                    + opt.iterations() + "; nothing to do");
            return;
        }
        out.println(r.scores().table());
        out.println("checkpoint: " + r.checkpoint() + "; best: " + output.resolve(Trainer.BEST) + "; report: "
                + output.resolve("report.html"));
    }

    /**
     * Trains with SIGTERM and Ctrl-C handled: the first one ends the run after the step in progress, with
     * that step checkpointed (the JVM's shutdown waits for it), and prints {@code goOn}, the command that goes
     * on from there. A kill -9 instead leaves the last checkpoint written, which is never half-written.
     */
    static Trainer.Result trainUntilDoneOrSignalled(TrainOptions opt, SegmentationDataset trainSet,
            SegmentationDataset valSet, boolean resume, ProgressBar bar, PrintStream out, boolean tensorboard,
            String goOn) throws IOException {
        Path output = opt.output();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        Thread onSignal = new Thread(() -> {
            stop.set(true);
            bar.message("stopping: finishing this step and checkpointing it (kill -9 stops at once and keeps the "
                    + "last checkpoint)");
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "pixelgrad-stop");
        Runtime.getRuntime().addShutdownHook(onSignal);
        try {
            Trainer.Result r;
            try (TensorBoardWriter events = tensorboard ? TensorBoardWriter.create(output.resolve(TensorBoardLog.FOLDER))
                    : null) {
                if (events != null) {
                    bar.message("TensorBoard events: " + events.file() + " (tensorboard --logdir "
                            + output.resolve(TensorBoardLog.FOLDER) + ")");
                }
                r = Trainer.train(opt, trainSet, valSet, resume, listener(bar, opt.device(), stop::get,
                        new ReportTarget(output, valSet, "Pixelgrad: training " + opt.model().model() + " in " + output,
                                events == null ? null : new TensorBoardLog(events, opt))));
            }
            if (r.stopped()) {
                out.println("stopped at step " + r.steps() + " of " + opt.iterations() + "; checkpoint: " + r.checkpoint()
                        + " (go on with: " + goOn + ")");
                out.flush();
            }
            return r;
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onSignal);
            } catch (IllegalStateException shuttingDown) {
                // the signal's shutdown is under way: the hook has seen the run end
            }
        }
    }

    /**
     * Where a run's report.html goes and what it shows: its folder, the validation split and a title; and
     * the run's TensorBoard log, or null.
     */
    record ReportTarget(Path runDir, SegmentationDataset val, String title, TensorBoardLog tensorboard) {}

    /** Validation images shown in a run's report. */
    static final int REPORT_SAMPLES = 6;

    /**
     * The CLI's listener: the progress bar, a line per validation, device memory on a GPU, and with a
     * {@code report} target the run's report.html rewritten at every validation (and its TensorBoard log
     * written, from the same predictions).
     */
    static Trainer.Listener listener(ProgressBar bar, Device device, BooleanSupplier stop, ReportTarget report) {
        return new Trainer.Listener() {
            private Fcn model;
            private String startNote = "";

            @Override
            public boolean stopRequested() {
                return stop.getAsBoolean();
            }

            @Override
            public void started(Fcn model, long first, long last, String note) {
                this.model = model;
                this.startNote = note;
                if (!device.isCpu()) {
                    bar.message(Backends.of(device).describe() + "; precision " + Precision.current());
                }
                bar.message(String.format(Locale.ROOT, "%s, %d classes, width %s, %,d trainable parameters; %s; steps %d to %d",
                        model.config().architecture(), model.numClasses(), model.config().width(), model.trainableCount(), note,
                        first + 1, last));
            }

            @Override
            public void step(long step, long last, float loss, double imagesPerSecond) {
                bar.update(step, last, loss, imagesPerSecond);
                if (report != null && report.tensorboard() != null) {
                    report.tensorboard().step(step, loss, imagesPerSecond);
                }
            }

            @Override
            public void validated(long step, Evaluator.Evaluation e, double elapsedSeconds) {
                Scores s = e.scores();
                bar.message(String.format(Locale.ROOT, "validation at step %d (%s trained): loss %.4f, mean IoU %.2f%%, "
                        + "pixel accuracy %.2f%%", step, ProgressBar.clock(Math.round(elapsedSeconds)), e.loss(),
                        100 * s.meanIoU(), 100 * s.pixelAccuracy()));
                if (report != null) {
                    List<Report.Prediction> shown = predictions();
                    writeReport(step, s, elapsedSeconds, shown);
                    if (report.tensorboard() != null) {
                        report.tensorboard().validated(step, e, Report.grid(shown, report.val().classes().palette()));
                    }
                }
                if (!device.isCpu()) {
                    Map<String, Long> m = Backends.of(device).memoryStats();
                    bar.message(String.format(Locale.ROOT, "  %s memory: live %.1f MiB, cached %.1f MiB, peak %.1f MiB, "
                            + "%d driver allocations so far", device, m.getOrDefault("live_bytes", 0L) / 1048576.0,
                            m.getOrDefault("cached_bytes", 0L) / 1048576.0, m.getOrDefault("peak_bytes", 0L) / 1048576.0,
                            m.getOrDefault("driver_allocations", 0L)));
                }
            }

            /** The model's predictions for the first validation images, which the report shows. */
            private List<Report.Prediction> predictions() {
                List<Report.Prediction> shown = new ArrayList<>();
                for (int i = 0; i < Math.min(REPORT_SAMPLES, report.val().size()); i++) {
                    try {
                        Sample sample = report.val().load(i);
                        shown.add(new Report.Prediction(sample, Predictor.predict(model, sample, device)));
                    } catch (IOException ex) {
                        throw new UncheckedIOException(ex);
                    }
                }
                return shown;
            }

            private void writeReport(long step, Scores s, double elapsedSeconds, List<Report.Prediction> shown) {
                String summary = String.format(Locale.ROOT, "%s, %d classes, width %s; %s. Step %,d, %s of training.",
                        model.config().architecture(), model.numClasses(), model.config().width(), startNote, step,
                        ProgressBar.clock(Math.round(elapsedSeconds)));
                try {
                    Report.write(report.runDir(), model, s, shown, report.val().classes().palette(), report.title(),
                            summary);
                } catch (IOException ex) {
                    throw new UncheckedIOException(ex);
                }
            }
        };
    }

    /** --scales X,Y,..., --flip, --tile N and --overlap X: how eval and predict run the model on an image. */
    static Inference inference(Args a) {
        String scales = a.string("scales", "1");
        List<Float> factors = new ArrayList<>();
        for (String part : scales.split(",", -1)) {
            try {
                factors.add(Float.parseFloat(part.strip()));
            } catch (NumberFormatException e) {
                throw new Args.UsageException("--scales expects numbers separated by commas (0.75,1,1.25), got '" + scales + "'");
            }
        }
        try {
            return new Inference(factors, a.flag("flip"), a.integer("tile", 0), a.number("overlap", 1f / 3));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("--scales/--flip/--tile/--overlap: " + e.getMessage());
        }
    }

    /** {@code config} with the encoder and padding form of {@code --encoder} and {@code --padding}. */
    private static FcnConfig architecture(Args a, FcnConfig config) {
        Encoder encoder = Encoder.parse(a.choice("encoder", Encoder.VGG16.configName(), Encoder.names()));
        Padding padding = Padding.parse(a.choice("padding", Padding.REFERENCE.configName(), Padding.names()));
        return config.with(encoder).with(padding);
    }

    /** The largest image side explain takes: past any real use, and every count stays in range. */
    static final int MAX_SIDE = 100_000;

    /** explain [--model M] [--size HxW|N] [--width X] [--classes N] [--format text|markdown]. */
    private static void explain(Args a, PrintStream out) {
        String model = a.choice("model", "fcn8s", FcnVariant.names());
        String size = a.string("size", "500x500");
        Matcher m = Pattern.compile("(\\d{1,9})(?:[xX](\\d{1,9}))?").matcher(size);
        if (!m.matches()) {
            throw new Args.UsageException("--size expects HxW or N (500x375, or 500 for 500x500), got '" + size + "'");
        }
        int height = Integer.parseInt(m.group(1));
        int width = m.group(2) == null ? height : Integer.parseInt(m.group(2));
        if (height < 1 || width < 1 || height > MAX_SIDE || width > MAX_SIDE) {
            throw new Args.UsageException("--size: height and width must be from 1 to " + MAX_SIDE + ", got " + size);
        }
        float multiplier = a.number("width", 1f);
        if (!(multiplier > 0f && multiplier <= 1f)) {
            throw new Args.UsageException("--width must be in (0, 1], got " + a.string("width", null));
        }
        int classes = a.integer("classes", 21);
        if (classes < 2 || classes > FcnConfig.MAX_CLASSES) {
            throw new Args.UsageException("--classes must be from 2 to " + FcnConfig.MAX_CLASSES + ", got " + classes);
        }
        String format = a.string("format", "text").toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("markdown")) {
            throw new Args.UsageException("--format must be text or markdown, got '" + format + "'");
        }
        FcnConfig config = architecture(a, new FcnConfig(model, classes, multiplier, false, Preprocessing.CAFFE, 0));
        a.finish();
        Explain explain = Explain.of(config, height, width);
        out.print(format.equals("text") ? explain.toText() : explain.toMarkdown());
    }

    private static void devices(Args a, PrintStream out) {
        a.finish();
        for (Backend b : Backends.all()) {
            String reason = b.unavailableReason();
            out.println(reason == null ? b.describe() : b.name() + ": unavailable: " + reason);
        }
    }

    private static void eval(Args a, PrintStream out) throws IOException {
        Path checkpoint = Path.of(a.required("checkpoint"));
        Fcn model = Fcn.load(checkpoint);
        // The built-in set of the run the checkpoint came from, unless told otherwise.
        Path runDir = checkpoint.toAbsolutePath().getParent();
        DataSource source = DataSource.from(a, runDir.resolve("data"));
        SegmentationDataset data = source.open(a.string("split", "val"));
        Device device = device(a);
        Inference inference = inference(a);
        a.finish();
        if (data.classes().size() != model.numClasses()) {
            throw new IllegalArgumentException("the data has " + data.classes().size() + " classes but the checkpoint "
                    + model.numClasses());
        }
        model.to(device);
        try (DataLoader loader = new DataLoader(data, 1, false, Augmentation.NONE, model.config().preprocessing(), 0, 2)) {
            Evaluator.Evaluation e = Evaluator.evaluate(model, loader, device, inference);
            if (!inference.isWhole()) {
                out.println("inference: " + inference.describe());
            }
            out.print(e.scores().table());
            out.printf(Locale.ROOT, "%nloss             %.4f (cross-entropy per labelled pixel)%n", e.loss());
        }
    }

    /** predict --checkpoint FILE (--input FILE|DIR | FILE...): images named, or every image of a folder. */
    private static void predict(Args a, PrintStream out) throws IOException {
        Path checkpoint = Path.of(a.required("checkpoint"));
        Fcn model = Fcn.load(checkpoint);
        // The colours of the data the model was trained on (stored in its checkpoint), unless a class list
        // is given; VOC's for checkpoints that store none.
        ClassList classes = a.path("classes") != null ? ClassList.read(a.path("classes")) : ClassList.ofCheckpoint(checkpoint);
        if (classes != null && classes.size() != model.numClasses()) {
            throw new IllegalArgumentException((a.path("classes") != null ? "--classes " + a.path("classes")
                    : checkpoint.toString()) + " lists " + classes.size() + " classes but the model has " + model.numClasses());
        }
        List<Path> inputs = new ArrayList<>();
        if (a.string("input", null) != null) {
            inputs.add(Path.of(a.string("input", null)));
        }
        for (String p : a.positional()) {
            inputs.add(Path.of(p));
        }
        Path output = a.path("output") != null ? a.path("output") : Path.of("predictions");
        Device device = device(a);
        Inference inference = inference(a);
        a.finish();
        if (inputs.isEmpty()) {
            throw new Args.UsageException("predict needs --input FILE|DIR or image files");
        }
        List<Path> files = new ArrayList<>();
        for (Path input : inputs) {
            if (Files.isDirectory(input)) {
                int before = files.size();
                try (Stream<Path> s = Files.list(input)) {
                    s.filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(".*\\.(jpg|jpeg|png|bmp)"))
                            .sorted().forEach(files::add);
                }
                if (files.size() == before) {
                    throw new IOException("no images in " + input);
                }
            } else {
                files.add(input);
            }
        }
        model.to(device);
        List<Path> masks = Predictor.predictFiles(model, files, output, device,
                classes == null ? Palette.VOC : classes.palette(), inference);
        out.println("wrote " + masks.size() + " masks and overlays to " + output);
    }
}
