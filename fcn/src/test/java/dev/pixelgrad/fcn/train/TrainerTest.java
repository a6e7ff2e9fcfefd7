package dev.pixelgrad.fcn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.DataLoader;
import dev.pixelgrad.fcn.data.VocDataset;
import dev.pixelgrad.nn.Checkpoint;
import dev.pixelgrad.nn.LrSchedule;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training runs of a tiny FCN-8s (1/32 width) on a tiny built-in set: end to end, resume, divergence. */
class TrainerTest {
    static final float WIDTH = 1f / 32;

    @TempDir
    static Path shared;

    static Path data;

    @BeforeAll
    static void makeData() throws IOException {
        data = shared.resolve("data");
        BuiltinDataset.generate(data, 12, 3, 24, 3);
    }

    static TrainOptions options(Path out, long iterations, String optimizer, float lr, int checkpointEvery) {
        return options(out, iterations, optimizer, lr, checkpointEvery, LrSchedule.CONSTANT);
    }

    static TrainOptions options(Path out, long iterations, String optimizer, float lr, int checkpointEvery,
                                LrSchedule schedule) {
        FcnConfig cfg = new FcnConfig("fcn8s", 6, WIDTH, false, Preprocessing.CAFFE, 5);
        return new TrainOptions(cfg, Device.CPU, iterations, 2, optimizer, lr, schedule, 0.9f, 5e-4f, Reduction.MEAN,
                new Augmentation(true, 0.8f, 1.2f, 24), null, out, 4, checkpointEvery, 2, 11);
    }

    static List<String> losses(Path out) throws IOException {
        List<String> l = new ArrayList<>();
        for (String[] row : TrainingLog.read(out.resolve(Trainer.TRAIN_LOG))) {
            l.add(row[0] + ":" + row[1]);
        }
        return l;
    }

    @Test
    void aRunWritesCheckpointLogsAndScores(@TempDir Path out) throws IOException {
        var r = Trainer.train(options(out, 8, "adam", 1e-3f, 4), new VocDataset(data, "train"),
                new VocDataset(data, "val"), false, new Trainer.Listener() { });
        assertEquals(8, losses(out).size());
        assertEquals(2, TrainingLog.read(out.resolve(Trainer.VAL_LOG)).size(), "validations at steps 4 and 8");
        assertTrue(Files.exists(out.resolve(Trainer.CHECKPOINT)));
        assertTrue(r.scores().pixelAccuracy() >= 0 && r.scores().pixels() > 0);
        var loaded = Fcn.load(out.resolve(Trainer.CHECKPOINT));
        assertArrayEquals(r.model().state().get("fc6.weight").toFloatArray(), loaded.state().get("fc6.weight").toFloatArray());
        // Beside the latest checkpoint, the model of the validation with the highest mean IoU.
        double[] steps = TrainingLog.column(out.resolve(Trainer.VAL_LOG), "step");
        double[] iou = TrainingLog.column(out.resolve(Trainer.VAL_LOG), "mean_iou");
        int best = iou[1] > iou[0] ? 1 : 0;
        var stored = Checkpoint.loadModel(out.resolve(Trainer.BEST)).metadata();
        assertEquals(Long.toString((long) steps[best]), stored.get("step"));
        assertEquals(iou[best], Double.parseDouble(stored.get("val.mean_iou")), 1e-6);
        assertEquals(6, Fcn.load(out.resolve(Trainer.BEST)).numClasses());
    }

    /** Thrown from the listener to stop a run abruptly, as a crash would. */
    static final class Crash extends RuntimeException {
        Crash() {
            super("simulated crash");
        }
    }

    @Test
    void aResumedRunRepeatsTheUninterruptedLosses(@TempDir Path a, @TempDir Path b) throws IOException {
        Trainer.train(options(a, 10, "sgd", 1e-3f, 5), new VocDataset(data, "train"), new VocDataset(data, "val"),
                false, new Trainer.Listener() { });
        // The same run, crashing after step 7: its last checkpoint is step 5, its logs run to step 7.
        assertThrows(Crash.class, () -> Trainer.train(options(b, 10, "sgd", 1e-3f, 5), new VocDataset(data, "train"),
                new VocDataset(data, "val"), false, new Trainer.Listener() {
                    @Override
                    public void step(long step, long last, float loss, double imagesPerSecond) {
                        if (step == 7) {
                            throw new Crash();
                        }
                    }
                }));
        assertEquals(7, losses(b).size());
        Trainer.train(options(b, 10, "sgd", 1e-3f, 5), new VocDataset(data, "train"), new VocDataset(data, "val"),
                true, new Trainer.Listener() { });
        assertEquals(losses(a), losses(b), "bit-identical per-step losses, and no duplicated log rows");
    }

    @Test
    void theScheduleSetsEveryStepsRateAndAResumedRunGoesOnWithIt(@TempDir Path a, @TempDir Path b) throws IOException {
        LrSchedule warmupPoly = new LrSchedule(LrSchedule.Kind.POLY, 1, 1f, 0.9f, 3, 0.1f);
        Trainer.train(options(a, 10, "sgd", 1e-3f, 5, warmupPoly), new VocDataset(data, "train"),
                new VocDataset(data, "val"), false, new Trainer.Listener() { });
        double[] rates = TrainingLog.column(a.resolve(Trainer.TRAIN_LOG), "learning_rate");
        for (int t = 0; t < 10; t++) {
            assertEquals(1e-3 * warmupPoly.factor(t, 10), rates[t], 1e-8, "the rate of step " + (t + 1));
        }
        assertThrows(Crash.class, () -> Trainer.train(options(b, 10, "sgd", 1e-3f, 5, warmupPoly),
                new VocDataset(data, "train"), new VocDataset(data, "val"), false, new Trainer.Listener() {
                    @Override
                    public void step(long step, long last, float loss, double imagesPerSecond) {
                        if (step == 7) {
                            throw new Crash();
                        }
                    }
                }));
        Trainer.train(options(b, 10, "sgd", 1e-3f, 5, warmupPoly), new VocDataset(data, "train"),
                new VocDataset(data, "val"), true, new Trainer.Listener() { });
        assertEquals(losses(a), losses(b), "bit-identical per-step losses");
        assertArrayEquals(rates, TrainingLog.column(b.resolve(Trainer.TRAIN_LOG), "learning_rate"));
        // A different schedule is a different trajectory: refused on resume, naming what differs.
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class, () -> Trainer.train(
                options(b, 12, "sgd", 1e-3f, 5, LrSchedule.CONSTANT), new VocDataset(data, "train"),
                new VocDataset(data, "val"), true, new Trainer.Listener() { }));
        assertTrue(changed.getMessage().contains("lr_schedule poly (now constant)"), changed.getMessage());
    }

    @Test
    void theValidationLossIsPerLabelledPixel() throws IOException {
        // A new FCN's score layers are zero, so every pixel's logits are equal and its cross-entropy is
        // ln(classes) exactly: a mean over all pixels (void included) or over images would differ.
        Fcn model = Fcn.create(new FcnConfig("fcn8s", 6, WIDTH, false, Preprocessing.CAFFE, 5));
        try (var val = new DataLoader(new VocDataset(data, "val"), 1, false, Augmentation.NONE,
                Preprocessing.CAFFE, 1, 1)) {
            Evaluator.Evaluation e = Evaluator.evaluate(model, val, Device.CPU);
            assertEquals(Math.log(6), e.loss(), 1e-6);
            assertTrue(e.scores().pixels() > 0);
        }
    }

    @Test
    void validationLogsItsLossAndEveryLogTheTimeTrained(@TempDir Path out) throws IOException {
        Trainer.train(options(out, 8, "adam", 1e-3f, 4), new VocDataset(data, "train"), new VocDataset(data, "val"),
                false, new Trainer.Listener() { });
        double[] valLoss = TrainingLog.column(out.resolve(Trainer.VAL_LOG), "loss");
        assertEquals(2, valLoss.length);
        for (double l : valLoss) {
            assertTrue(l > 0 && l < 10, "a cross-entropy per pixel of a 6-class model: " + l);
        }
        double[] elapsed = TrainingLog.column(out.resolve(Trainer.TRAIN_LOG), "elapsed_seconds");
        for (int i = 1; i < elapsed.length; i++) {
            assertTrue(elapsed[i] >= elapsed[i - 1] && elapsed[0] > 0, "time trained only grows");
        }
        double stored = Double.parseDouble(Checkpoint.loadModel(out.resolve(Trainer.CHECKPOINT)).metadata()
                .get("train.elapsed_seconds"));
        assertTrue(stored >= elapsed[elapsed.length - 1], stored + " stored after the last step's " + elapsed[7]);
    }

    @Test
    void aStoppedRunCheckpointsTheStepItIsOnAndResumesAsIfNeverStopped(@TempDir Path a, @TempDir Path b)
            throws IOException {
        Trainer.train(options(a, 10, "sgd", 1e-3f, 5), new VocDataset(data, "train"), new VocDataset(data, "val"),
                false, new Trainer.Listener() { });
        // Asked to stop during step 3 (between checkpoints): the run ends after it, with step 3 checkpointed.
        var stopped = Trainer.train(options(b, 10, "sgd", 1e-3f, 5), new VocDataset(data, "train"),
                new VocDataset(data, "val"), false, new Trainer.Listener() {
                    long seen;

                    @Override
                    public void step(long step, long last, float loss, double imagesPerSecond) {
                        seen = step;
                    }

                    @Override
                    public boolean stopRequested() {
                        return seen == 3;
                    }
                });
        assertTrue(stopped.stopped());
        assertEquals(3, stopped.steps());
        assertEquals("3", Checkpoint.loadModel(b.resolve(Trainer.CHECKPOINT)).metadata().get("step"));
        assertEquals(3, losses(b).size());
        var resumed = Trainer.train(options(b, 10, "sgd", 1e-3f, 5), new VocDataset(data, "train"),
                new VocDataset(data, "val"), true, new Trainer.Listener() { });
        assertTrue(!resumed.stopped() && resumed.steps() == 10);
        assertEquals(losses(a), losses(b), "bit-identical per-step losses");
    }

    @Test
    void aDivergingRunStopsWithTheStepAndLeavesTheCheckpointAlone(@TempDir Path out) throws IOException {
        Trainer.train(options(out, 4, "sgd", 1e-3f, 4), new VocDataset(data, "train"), new VocDataset(data, "val"),
                false, new Trainer.Listener() { });
        byte[] before = Files.readAllBytes(out.resolve(Trainer.CHECKPOINT));
        // A new run in the same folder, at a rate that blows up before its first checkpoint.
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.train(
                options(out, 40, "sgd", 1e12f, 100), new VocDataset(data, "train"), new VocDataset(data, "val"),
                false, new Trainer.Listener() { }));
        assertTrue(e.getMessage().contains("step " + e.step()) && e.getMessage().contains("no checkpoint yet"),
                e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(out.resolve(Trainer.CHECKPOINT)), "the checkpoint is untouched");

        // A resumed run must keep the options it was trained with.
        IllegalArgumentException changed = assertThrows(IllegalArgumentException.class, () -> Trainer.train(
                options(out, 8, "sgd", 1e12f, 100), new VocDataset(data, "train"), new VocDataset(data, "val"),
                true, new Trainer.Listener() { }));
        assertTrue(changed.getMessage().contains("lr"), changed.getMessage());
    }

    @Test
    void blownUpParametersAreNeverCheckpointed(@TempDir Path out) throws IOException {
        // A rate this absurd overflows the weights in the first update; the loss of that step was finite.
        TrainOptions opt = new TrainOptions(new FcnConfig("fcn8s", 6, WIDTH, false, Preprocessing.CAFFE, 5), Device.CPU,
                6, 2, "sgd", 1e20f, LrSchedule.CONSTANT, 0.9f, 0f, Reduction.SUM, Augmentation.NONE, null, out, 0, 1, 1, 11);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.train(opt,
                new VocDataset(data, "train"), new VocDataset(data, "val"), false, new Trainer.Listener() { }));
        assertTrue(e.getMessage().contains("step " + e.step()), e.getMessage());
        if (Files.exists(out.resolve(Trainer.CHECKPOINT))) {
            for (var t : Checkpoint.load(out.resolve(Trainer.CHECKPOINT)).model().values()) {
                for (float v : t.toFloatArray()) {
                    assertTrue(Float.isFinite(v), "a checkpoint holds only finite parameters");
                }
            }
        }
    }

    @Test
    void resumingWithoutACheckpointSaysSo(@TempDir Path out) {
        IOException e = assertThrows(IOException.class, () -> Trainer.train(options(out, 4, "adam", 1e-3f, 2),
                new VocDataset(data, "train"), new VocDataset(data, "val"), true, new Trainer.Listener() { }));
        assertTrue(e.getMessage().contains("no checkpoint"), e.getMessage());
    }
}
