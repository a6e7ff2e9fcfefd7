package dev.pixelgrad.fcn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.Encoder;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Padding;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.Palette;
import dev.pixelgrad.fcn.data.VocDataset;
import dev.pixelgrad.fcn.train.Trainer;
import dev.pixelgrad.fcn.train.TrainingLog;
import dev.pixelgrad.fcn.weights.MatConvNetFixtures;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pixelgrad command line, end to end on a tiny built-in set, including kill -9 and --resume. */
class CliTest extends CommandLineTest {
    @TempDir
    Path dir;

    private List<String> train(Path output, long iterations, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", "builtin", "--builtin-dir",
                dir.resolve("data").toString(), "--builtin-train", "10", "--builtin-val", "2", "--builtin-size", "24",
                "--width", "0.03125", "--iterations", Long.toString(iterations), "--batch", "2", "--crop", "24",
                "--output", output.toString(), "--val-every", "50", "--checkpoint-every", "3", "--workers", "1",
                "--optimizer", "sgd", "--lr", "1e-3"));
        a.addAll(List.of(extra));
        return a;
    }

    /**
     * --tensorboard: one event file under the run's tensorboard folder, with the version record, three
     * scalars per step, and five scalars and an image per validation (here only the last step's).
     */
    @Test
    void tensorboardEventsForEveryStepAndValidation() throws IOException {
        Path run = dir.resolve("tb");
        assertEquals(0, run(train(run, 4, "--tensorboard")), stderr());
        List<Path> files;
        try (Stream<Path> s = Files.list(run.resolve("tensorboard"))) {
            files = s.toList();
        }
        assertEquals(1, files.size(), files.toString());
        assertTrue(stderr().contains("TensorBoard events: " + files.get(0)), stderr());
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(files.get(0))).order(ByteOrder.LITTLE_ENDIAN);
        int records = 0;
        while (b.hasRemaining()) {
            long length = b.getLong();
            b.position(b.position() + 4 + (int) length + 4);
            records++;
        }
        assertEquals(1 + 4 * 3 + 6, records);
    }

    @Test
    void trainThenEvalThenPredict() throws IOException {
        Path run = dir.resolve("run");
        assertEquals(0, run(train(run, 4)), stderr());
        assertTrue(stdout().contains("mean IoU"), stdout());
        Path ckpt = run.resolve(Trainer.CHECKPOINT);
        assertTrue(Files.exists(ckpt));

        assertEquals(0, run(List.of("eval", "--checkpoint", ckpt.toString(), "--data", "builtin", "--builtin-dir",
                dir.resolve("data").toString(), "--split", "val")), stderr());
        assertTrue(stdout().contains("pixel accuracy") && stdout().contains("cross"), stdout());

        Path preds = dir.resolve("preds");
        assertEquals(0, run(List.of("predict", "--checkpoint", ckpt.toString(), "--input",
                dir.resolve("data/JPEGImages").toString(), "--output", preds.toString())), stderr());
        assertTrue(Files.exists(preds.resolve("val_00001_mask.png")));
        assertTrue(Files.exists(preds.resolve("train_00009_overlay.png")));
    }

    @Test
    void theEncoderAndPaddingAreTrainedStoredAndUsedByEval() throws IOException {
        Path run = dir.resolve("same19");
        assertEquals(0, run(train(run, 2, "--encoder", "vgg19", "--padding", "same")), stderr());
        assertTrue(stderr().contains("fcn8s on vgg19, same padding"), stderr());
        FcnConfig stored = Fcn.load(run.resolve(Trainer.CHECKPOINT)).config();
        assertEquals(Encoder.VGG19, stored.encoder());
        assertEquals(Padding.SAME, stored.padding());
        assertEquals(0, run(List.of("eval", "--checkpoint", run.resolve(Trainer.CHECKPOINT).toString(), "--data",
                "builtin", "--builtin-dir", dir.resolve("data").toString(), "--split", "val")), stderr());
        assertTrue(stdout().contains("pixel accuracy"), stdout());
    }

    @Test
    void everyCommandHasHelpThatDoesNoWork() {
        Path out = dir.resolve("help-run");
        assertEquals(0, run(List.of("train", "--output", out.toString(), "--help")));
        assertTrue(stdout().startsWith("usage: pixelgrad train [options]\n\ntrain      train an FCN\n"), stdout());
        assertTrue(stdout().contains("--checkpoint-every N"), stdout());
        assertTrue(!Files.exists(out), "--help generated nothing");
        for (String command : List.of("eval", "predict", "demo", "explain", "figures", "devices")) {
            assertEquals(0, run(List.of(command, "--help")));
            assertTrue(stdout().startsWith("usage: pixelgrad " + command + " [options]\n\n" + command + " "), stdout());
            assertEquals(0, run(List.of("help", command)));
            assertTrue(stdout().startsWith("usage: pixelgrad " + command + " [options]"), stdout());
        }
        assertEquals(0, run(List.of("explain", "--help")));
        assertTrue(stdout().contains("--format text|markdown"), stdout());
    }

    @Test
    void mistakesGetOneClearLine() {
        assertEquals(2, run(List.of("fly")));
        assertTrue(stderr().contains("unknown command 'fly'"), stderr());
        assertEquals(2, run(train(dir.resolve("x"), 1, "--learning-rate", "1")));
        assertTrue(stderr().contains("unknown option: --learning-rate"), stderr());
        assertEquals(2, run(List.of("eval")));
        assertTrue(stderr().contains("missing --checkpoint"), stderr());
        assertEquals(1, run(List.of("eval", "--checkpoint", dir.resolve("none.safetensors").toString())));
        assertTrue(stderr().contains("does not exist"), stderr());
        assertEquals(2, run(train(dir.resolve("y"), 1, "--model", "fcn4s")));
        assertTrue(stderr().contains("--model must be one of fcn32s, fcn16s, fcn8s, fcn8s-atonce, got 'fcn4s'"), stderr());
        assertEquals(2, run(train(dir.resolve("y"), 1, "--optimizer", "rmsprop")));
        assertTrue(stderr().contains("--optimizer must be adam or sgd, got 'rmsprop'"), stderr());
        assertEquals(2, run(train(dir.resolve("y"), 1, "--device", "tpu")));
        assertTrue(stderr().contains("--device: unknown device 'tpu'"), stderr());
        assertEquals(2, run(train(dir.resolve("y"), 1, "--precision", "fp16")));
        assertTrue(stderr().contains("--precision: unknown precision 'fp16' (fp32, tf32 or bf16)"), stderr());
        // An unknown option last on the line is unknown, not "needs a value"; a known one there needs a value.
        assertEquals(2, run(List.of("train", "--frobnicate")));
        assertTrue(stderr().contains("unknown option: --frobnicate"), stderr());
        assertEquals(2, run(List.of("train", "--iterations")));
        assertTrue(stderr().contains("option --iterations needs a value"), stderr());
        assertEquals(1, run(List.of("train", "--data", dir.resolve("nowhere").toString())));
        assertTrue(stderr().contains("no such folder"), stderr());
        assertEquals(2, run(train(dir.resolve("i"), 1, "--iterations", "many")));
        assertTrue(stderr().contains("--iterations expects an integer"), stderr());
    }

    /** A bad sample is reported before training starts, with every other bad one. */
    @Test
    void aBadSampleStopsTrainingBeforeItStarts() throws IOException {
        Path data = dir.resolve("preflight-data");
        assertEquals(0, run(train(dir.resolve("pf1"), 1, "--builtin-dir", data.toString())));
        Path jpeg;
        try (var files = Files.list(data.resolve("JPEGImages"))) {
            jpeg = files.sorted().toList().get(1);
        }
        Files.write(jpeg, new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        assertEquals(1, run(train(dir.resolve("pf2"), 1, "--builtin-dir", data.toString())));
        assertTrue(stderr().contains("1 of the 10 samples of the train split cannot be used:"), stderr());
        assertTrue(stderr().contains(jpeg.toString()), stderr());
        assertTrue(!Files.exists(dir.resolve("pf2").resolve("checkpoint.safetensors")), "no training step was taken");
    }

    /** File errors name the file and say what is wrong with it (not just a path, not just an errno). */
    @Test
    void fileErrorsNameTheFileAndTheReason() throws IOException {
        Path aFile = Files.writeString(dir.resolve("a-file"), "x");
        assertEquals(1, run(train(aFile, 1)));
        assertTrue(stderr().contains("error: " + aFile + ": already exists (a file where a folder was wanted?)"), stderr());
        Path missing = dir.resolve("missing.safetensors");
        assertEquals(1, run(train(dir.resolve("m"), 1, "--init", missing.toString())));
        assertTrue(stderr().contains("error: " + missing + ": no such file or folder"), stderr());
        assertEquals(1, run(List.of("eval", "--checkpoint", dir.toString())));
        assertTrue(stderr().contains("error: " + dir + " is a folder, not a safetensors file"), stderr());
    }

    /**
     * A damaged Keras file given to --init, in a JVM of its own started as ./pixelgrad starts one: one error
     * line that names the file, and nothing from the libraries' logging. (The word changed is the root
     * group's object header size, which made jHDF fail with "Requested array size exceeds VM limit"; and
     * with no SLF4J provider on the class path, every import printed SLF4J's three "No SLF4J providers
     * were found" lines.) The child gets this JVM's class path, the run-time one plus test jars, none of
     * which brings a logging provider.
     */
    @Test
    void aDamagedKerasInitGivesOneErrorNamingTheFileAndNoLoggingNoise() throws Exception {
        byte[] h5;
        try (var in = CliTest.class.getResourceAsStream("/keras/vgg16_tiny_keras.h5")) {
            h5 = in.readAllBytes();
        }
        ByteBuffer.wrap(h5).order(ByteOrder.LITTLE_ENDIAN).putInt(104, 0x7FFFFFFF);
        Path bad = Files.write(dir.resolve("vgg16_weights_tf_dim_ordering_tf_kernels.h5"), h5);
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED", "-Djava.awt.headless=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(train(dir.resolve("run"), 1, "--init", bad.toString()));
        Path errFile = dir.resolve("child.err");
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("child.out").toFile())
                .redirectError(errFile.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the child did not finish");
        String childErr = Files.readString(errFile);
        assertEquals(1, p.exitValue(), childErr);
        assertTrue(childErr.contains("pixelgrad: error: " + bad + ": "), childErr);
        assertTrue(!childErr.contains("SLF4J"), childErr);
    }

    /**
     * --init with MatConvNet's VGG16 (here at the run's 1/32 width): the encoder loads, the progress
     * messages say from where, and the checkpoint keeps MatConvNet's preprocessing for eval and predict.
     */
    @Test
    void aMatConvNetInitBringsItsPreprocessing() throws IOException {
        Path mat = MatConvNetFixtures.vgg(new int[] {2, 2, 3, 3, 3}, new int[] {2, 4, 8, 16, 16}, 128, false, 5)
                .write(dir.resolve("imagenet-vgg-verydeep-16.mat"));
        Path run = dir.resolve("run");
        assertEquals(0, run(train(run, 1, "--init", mat.toString())), stderr());
        assertTrue(stderr().contains("encoder from matconvnet VGG16 weights (" + mat + "), preprocessing matconvnet"),
                stderr());
        assertEquals(Preprocessing.MATCONVNET, Fcn.load(run.resolve(Trainer.CHECKPOINT)).config().preprocessing());
    }

    /** Each absurd option is refused with its range, before anything is done (no built-in set is generated). */
    @Test
    void optionsOutOfRangeAreRefusedBeforeAnyWork() {
        String[][] cases = {
            {"--crop", "100000", "--crop must be in [0, 4096], got 100000"},
            {"--scale-min", "999", "--scale-min must be in [0.01, 10.0], got 999.0"},
            {"--scale-max", "Infinity", "--scale-max expects a finite number, got 'Infinity'"},
            {"--momentum", "NaN", "--momentum expects a finite number, got 'NaN'"},
            {"--weight-decay", "NaN", "--weight-decay expects a finite number, got 'NaN'"},
            {"--momentum", "-5", "--momentum must be in [0.0, 1.0], got -5.0"},
            {"--weight-decay", "-1", "--weight-decay must be in [0.0, 1.0], got -1.0"},
            {"--val-every", "-3", "--val-every must be in [0, 2147483647], got -3"},
            {"--checkpoint-every", "-3", "--checkpoint-every must be in [0, 2147483647], got -3"},
            {"--workers", "0", "--workers must be in [1, 64], got 0"},
            {"--workers", "-4", "--workers must be in [1, 64], got -4"},
            {"--batch", "0", "--batch must be in [1, 1024], got 0"},
            {"--lr", "0", "--lr must be in [1.0E-12, 10.0], got 0.0"},
            {"--no-such-option", "1", "unknown option: --no-such-option"},
        };
        Path builtin = dir.resolve("never-generated");
        for (String[] c : cases) {
            assertEquals(2, run(train(dir.resolve("bad"), 1, c[0], c[1], "--builtin-dir", builtin.toString())), c[0] + " " + c[1]);
            assertTrue(stderr().contains(c[2]), c[0] + " " + c[1] + ": " + stderr());
        }
        assertTrue(!Files.exists(builtin), "no built-in set was generated for a refused command line");
    }

    @Test
    void flagsTakeNoValueAndStrayArgumentsAreRefused() {
        assertEquals(2, run(train(dir.resolve("f"), 1, "--resume=true")));
        assertTrue(stderr().contains("--resume is a flag and takes no value"), stderr());
        assertEquals(2, run(train(dir.resolve("g"), 1, "runs/x")));
        assertTrue(stderr().contains("unexpected argument: runs/x"), stderr());
        assertEquals(2, run(train(dir.resolve("h"), 1, "--epochs", "2")));
        assertTrue(stderr().contains("not both"), stderr());
    }

    @Test
    void explainPrintsTheTableAndRefusesBadOptions() {
        assertEquals(0, run(List.of("explain", "--model", "fcn8s", "--size", "500x375")), stderr());
        assertTrue(stdout().startsWith("fcn8s on vgg16, reference padding, 21 classes, width 1, on a 500x375 image"), stdout());
        assertTrue(stdout().contains("score_pool4c: offset 5 = "), stdout());
        assertTrue(stdout().contains("parameters: 134,489,759 (134,362,751 trainable, 127,008 frozen)"), stdout());
        assertEquals(0, run(List.of("explain", "--model", "FCN32s", "--size", "1", "--width", "0.25", "--classes", "3",
                "--format", "markdown")), stderr());
        assertTrue(stdout().startsWith("**fcn32s on vgg16, reference padding, 3 classes, width 0.25, on a 1x1 image"), stdout());
        assertTrue(stdout().contains("| score | crop | offset 19 | 3x1x1 |"), stdout());
        assertTrue(Main.USAGE.contains("explain"));
        assertEquals(0, run(List.of("explain", "--size", "64", "--padding", "same", "--encoder", "vgg19")), stderr());
        assertTrue(stdout().startsWith("fcn8s on vgg19, same padding, 21 classes, width 1, on a 64x64 image"), stdout());
        assertTrue(stdout().contains("conv5_4 "), stdout());
        assertTrue(stdout().contains("crops:\n  none: every map lines up"), stdout());

        String[][] bad = {
            {"--size", "500x"}, {"--size expects HxW or N"},
            {"--size", "0"}, {"--size: height and width must be from 1 to 100000, got 0"},
            {"--size", "200000x5"}, {"--size: height and width must be from 1 to 100000, got 200000x5"},
            {"--model", "fcn4s"}, {"--model must be one of fcn32s, fcn16s, fcn8s, fcn8s-atonce, got 'fcn4s'"},
            {"--width", "1.5"}, {"--width must be in (0, 1], got 1.5"},
            {"--width", "x"}, {"--width expects a number"},
            {"--classes", "1"}, {"--classes must be from 2 to 255, got 1"},
            {"--classes", "256"}, {"--classes must be from 2 to 255, got 256"},
            {"--classes", "two"}, {"--classes expects an integer"},
            {"--format", "html"}, {"--format must be text or markdown, got 'html'"},
            {"--device", "cpu"}, {"unknown option: --device"},
            {"--padding", "valid"}, {"--padding must be reference or same, got 'valid'"},
            {"--encoder", "resnet50"}, {"--encoder must be vgg16 or vgg19, got 'resnet50'"},
        };
        for (int i = 0; i < bad.length; i += 2) {
            List<String> args = new ArrayList<>(List.of("explain"));
            args.addAll(List.of(bad[i]));
            assertEquals(2, run(args), args.toString());
            assertTrue(stderr().startsWith("pixelgrad: " + bad[i + 1][0]), args + ": " + stderr());
            assertTrue(stdout().isEmpty(), stdout());
        }
    }

    @Test
    void resumeTakesTheCheckpointsOptionsAndRefusesDifferentOnes() throws IOException {
        Path run = dir.resolve("opts");
        assertEquals(0, run(train(run, 2)), stderr()); // sgd, lr 1e-3 (see train())
        List<String> resume = List.of("train", "--data", "builtin", "--builtin-dir", dir.resolve("data").toString(),
                "--builtin-train", "10", "--builtin-val", "2", "--builtin-size", "24", "--iterations", "4",
                "--output", run.toString(), "--workers", "1", "--resume");
        assertEquals(0, run(resume), stderr());
        List<String[]> log = rows(run);
        assertEquals(4, log.size());
        assertEquals("0.00100000", log.get(3)[3], "the resumed steps ran SGD at the checkpoint's rate");
        List<String> other = new ArrayList<>(resume);
        other.addAll(List.of("--optimizer", "adam", "--iterations", "6"));
        other.remove("4");
        other.remove("--iterations");
        assertEquals(1, run(other), stderr());
        assertTrue(stderr().contains("optimizer sgd (now adam)"), stderr());
    }

    @Test
    void resumingACompleteRunSaysSoAndSucceedsWithoutTouchingIt() throws IOException {
        Path run = dir.resolve("complete");
        assertEquals(0, run(train(run, 2)), stderr());
        byte[] checkpoint = Files.readAllBytes(run.resolve(Trainer.CHECKPOINT));
        byte[] log = Files.readAllBytes(run.resolve(Trainer.TRAIN_LOG));
        assertEquals(0, run(train(run, 2, "--resume")), stderr());
        assertTrue(stdout().contains("complete") && stdout().contains("step 2 of 2"), stdout());
        assertArrayEquals(checkpoint, Files.readAllBytes(run.resolve(Trainer.CHECKPOINT)));
        assertArrayEquals(log, Files.readAllBytes(run.resolve(Trainer.TRAIN_LOG)));
        assertEquals(1, run(train(run, 1, "--resume")), "a checkpoint past --iterations is still an error");
        assertTrue(stderr().contains("past --iterations 1"), stderr());
    }

    @Test
    void aReadOnlyCheckpointIsRefusedBeforeTrainingAndKept() throws IOException {
        Path run = dir.resolve("protected");
        assertEquals(0, run(train(run, 1)), stderr());
        Path ckpt = run.resolve(Trainer.CHECKPOINT);
        byte[] before = Files.readAllBytes(ckpt);
        Files.setPosixFilePermissions(ckpt, PosixFilePermissions.fromString("r--r--r--"));
        assertEquals(1, run(train(run, 2, "--resume")));
        assertTrue(stderr().contains(ckpt + " is read-only"), stderr());
        assertEquals(1, run(train(run, 2)), "a new run into the same folder is refused too");
        assertTrue(stderr().contains(ckpt + " is read-only"), stderr());
        assertArrayEquals(before, Files.readAllBytes(ckpt));
        assertEquals(1, rows(run).size(), "no step was trained");
    }

    @Test
    void theBuiltinSetRemembersHowItWasMadeAndClassListsAreHonoured() throws IOException {
        assertEquals(0, run(train(dir.resolve("b1"), 1)), stderr());
        List<String> bigger = new ArrayList<>(train(dir.resolve("b2"), 1));
        bigger.set(bigger.indexOf("--builtin-size") + 1, "32");
        assertEquals(1, run(bigger));
        assertTrue(stderr().contains("was generated with size 24"), stderr());
        Path three = dir.resolve("three.txt");
        Files.writeString(three, "bg\na\nb\n");
        assertEquals(1, run(train(dir.resolve("b3"), 1, "--classes", three.toString())));
        assertTrue(stderr().contains("outside the 3 classes"), stderr());
    }

    @Test
    void predictTakesImageFilesToo() throws IOException {
        Path run = dir.resolve("p");
        assertEquals(0, run(train(run, 1)), stderr());
        Path a = dir.resolve("data/JPEGImages/val_00000.jpg");
        Path b = dir.resolve("data/JPEGImages/train_00003.jpg");
        Path out = dir.resolve("pred2");
        assertEquals(0, run(List.of("predict", "--checkpoint", run.resolve(Trainer.CHECKPOINT).toString(), a.toString(),
                b.toString(), "--output", out.toString())), stderr());
        assertTrue(Files.exists(out.resolve("val_00000_mask.png")) && Files.exists(out.resolve("train_00003_overlay.png")));
    }

    /** The palette a mask PNG was written with, as 0xRRGGBB per value. */
    private static int[] palette(Path png) throws IOException {
        var cm = (java.awt.image.IndexColorModel) javax.imageio.ImageIO.read(png.toFile()).getColorModel();
        int[] rgb = new int[cm.getMapSize()];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = cm.getRGB(i) & 0xFFFFFF;
        }
        return rgb;
    }

    @Test
    void predictionsAndTheReportAreInTheClassesOwnColours() throws IOException {
        Path run = dir.resolve("colours");
        assertEquals(0, run(train(run, 2)), stderr());
        // The report of a train run, as the demo's: the page and its pictures.
        assertTrue(Files.readString(run.resolve("report.html")).contains("mean IoU"), "report.html");
        for (String png : List.of("loss.png", "scores.png", "samples.png")) {
            assertTrue(Files.size(run.resolve("report").resolve(png)) > 1000, png);
        }
        // The checkpoint keeps its data's class list; left to it, predict uses its colours (VOC's here).
        Path image = dir.resolve("data/JPEGImages/val_00000.jpg");
        Path checkpoint = run.resolve(Trainer.CHECKPOINT);
        assertEquals(new VocDataset(dir.resolve("data"), "train").classes(),
                ClassList.ofCheckpoint(checkpoint));
        Path voc = dir.resolve("pred-voc");
        assertEquals(0, run(List.of("predict", "--checkpoint", checkpoint.toString(), image.toString(), "--output",
                voc.toString())), stderr());
        assertEquals(Palette.VOC.rgb(1), palette(voc.resolve("val_00000_mask.png"))[1]);
        // With a colour-coded class list, its colours: index masks stay class numbers, painted its way.
        Path classes = dir.resolve("colours.txt");
        Files.writeString(classes, "bg #102030\na #ff0000\nb #00ff00\nc #0000ff\nd #ffff00\ne #00ffff\nvoid #ffffff\n");
        Path own = dir.resolve("pred-own");
        assertEquals(0, run(List.of("predict", "--checkpoint", checkpoint.toString(), image.toString(), "--output",
                own.toString(), "--classes", classes.toString())), stderr());
        int[] rgb = palette(own.resolve("val_00000_mask.png"));
        assertArrayEquals(new int[] {0x102030, 0xff0000, 0x00ff00, 0x0000ff, 0xffff00, 0x00ffff},
                Arrays.copyOf(rgb, 6));
        assertEquals(0xffffff, rgb[255], "void");
        // A list of another size is refused, naming it.
        Files.writeString(classes, "bg #102030\na #ff0000\n");
        assertEquals(1, run(List.of("predict", "--checkpoint", checkpoint.toString(), image.toString(), "--output",
                own.toString(), "--classes", classes.toString())));
        assertTrue(stderr().contains(classes + " lists 2 classes but the model has 6"), stderr());
    }

    private static List<String[]> rows(Path run) throws IOException {
        return TrainingLog.read(run.resolve(Trainer.TRAIN_LOG));
    }

    /**
     * Starts training in a separate JVM, kills it with SIGKILL once it has passed a checkpoint, then
     * resumes: the run completes, and its per-step losses are those of a run that was never interrupted.
     */
    @Test
    void killDashNineMidRunThenResumeCompletesTheRun() throws Exception {
        long iterations = 120;
        Path uninterrupted = dir.resolve("uninterrupted");
        assertEquals(0, run(train(uninterrupted, iterations)), stderr());

        Path run = dir.resolve("killed");
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                "--add-modules=jdk.incubator.vector", "-Djava.awt.headless=true"));
        // Pixelgrad's settings of this JVM (the fcn pom's choice of convolution algorithm among them), so the
        // killed run computes exactly as the uninterrupted one did.
        for (String key : System.getProperties().stringPropertyNames()) {
            if (key.startsWith("pixelgrad.")) {
                cmd.add("-D" + key + "=" + System.getProperty(key));
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(train(run, iterations));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline) {
            if (Files.exists(run.resolve(Trainer.CHECKPOINT)) && Files.exists(run.resolve(Trainer.TRAIN_LOG))
                    && rows(run).size() >= 10) {
                break;
            }
            Thread.sleep(10);
        }
        assertTrue(p.isAlive(), "the child finished before it could be killed: " + Files.readString(dir.resolve("child.log")));
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no flushing
        p.waitFor();
        int done = rows(run).size();
        assertTrue(done < iterations, "killed mid-run, after " + done + " steps");

        assertEquals(0, run(train(run, iterations, "--resume")), stderr());
        assertTrue(stderr().contains("resumed from"), stderr());
        List<String[]> resumed = rows(run);
        List<String[]> expected = rows(uninterrupted);
        assertEquals(iterations, resumed.size(), "every step logged once");
        for (int i = 0; i < iterations; i++) {
            assertEquals(expected.get(i)[0], resumed.get(i)[0]);
            assertEquals(expected.get(i)[1], resumed.get(i)[1], "loss at step " + (i + 1));
        }
    }
}
