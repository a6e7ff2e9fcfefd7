package dev.pixelgrad.fcn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --class-weights}: auto, a list, what a resumed run uses, and the mistakes. */
class ClassWeightsCliTest extends CommandLineTest {
    @TempDir
    Path dir;

    private List<String> train(Path output, long iterations, String... extra) {
        List<String> a = new ArrayList<>(List.of("train", "--data", "builtin", "--builtin-dir",
                dir.resolve("data").toString(), "--builtin-train", "6", "--builtin-val", "2", "--builtin-size", "24",
                "--width", "0.03125", "--iterations", Long.toString(iterations), "--batch", "2", "--crop", "24",
                "--output", output.toString(), "--val-every", "50", "--checkpoint-every", "2", "--workers", "1"));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void autoPrintsTheWeightsAndTheRunKeepsThemOnResume() throws IOException {
        Path run = dir.resolve("auto");
        assertEquals(0, run(train(run, 2, "--class-weights", "auto")), stderr());
        assertTrue(stdout().contains("class weights: auto, median frequency balancing over the 6 images of the train split"),
                stdout());
        String listed = stdout().lines().filter(l -> l.contains("(the same weights: --class-weights ")).findFirst()
                .orElseThrow();
        String weights = listed.substring(listed.indexOf("--class-weights ") + 16, listed.length() - 1);
        assertEquals(6, weights.split(",").length, weights);
        assertEquals(weights, Trainer.storedTrajectory(run).get("class_weights"), "the checkpoint keeps them");
        assertTrue(stderr().contains("; class weights background "), "the start line names them: " + stderr());

        // Resumed without the option, and with auto: the checkpoint's weights, not computed again.
        assertEquals(0, run(train(run, 4, "--resume")), stderr());
        assertTrue(stderr().contains("class weights background " + weights.split(",")[0] + ","), stderr());
        assertEquals(0, run(train(run, 6, "--resume", "--class-weights", "auto")), stderr());
        assertTrue(stdout().contains("class weights: auto, as the checkpoint stored them (" + weights + ")"), stdout());
        // The same weights written out are the same run; other ones, or none, are refused.
        assertEquals(0, run(train(run, 8, "--resume", "--class-weights", weights)), stderr());
        assertEquals(1, run(train(run, 10, "--resume", "--class-weights", "none")));
        assertTrue(stderr().contains("class_weights " + weights + " (now none)"), stderr());
    }

    @Test
    void aListIsOnePositiveNumberPerClass() throws IOException {
        Path run = dir.resolve("list");
        assertEquals(0, run(train(run, 1, "--class-weights", "0.5, 2, 1, 1, 1, 4")), stderr());
        assertEquals("0.5,2.0,1.0,1.0,1.0,4.0", Trainer.storedTrajectory(run).get("class_weights"));

        assertEquals(2, run(train(dir.resolve("few"), 1, "--class-weights", "1,3")));
        assertTrue(stderr().startsWith("pixelgrad: --class-weights gives 2 weights but the data has 6 classes (background, "
                + "disc, box, triangle, ring, cross)\n"), stderr());
        assertFalse(Files.exists(dir.resolve("few").resolve(Trainer.CHECKPOINT)), "nothing was trained");
    }

    @Test
    void badListsAreRefusedBeforeAnyWork() {
        String[][] cases = {
            {"1,x", "--class-weights expects auto, none or one number per class separated by commas (0.5,2.5), got '1,x'"},
            {"1,,2", "got '1,,2'"},
            {"sometimes", "got 'sometimes'"},
            {"1,0,1", "--class-weights: the weight of class 1 is 0; every weight must be positive and finite"},
            {"-2", "the weight of class 0 is -2;"},
            {"1,NaN", "the weight of class 1 is NaN;"},
            {"Infinity,1", "the weight of class 0 is Infinity;"},
        };
        Path builtin = dir.resolve("never-generated");
        for (String[] c : cases) {
            assertEquals(2, run(train(dir.resolve("bad"), 1, "--class-weights", c[0], "--builtin-dir", builtin.toString())),
                    c[0]);
            assertTrue(stderr().startsWith("pixelgrad: ") && stderr().contains(c[1]), c[0] + ": " + stderr());
        }
        assertFalse(Files.exists(builtin), "no built-in set was generated for a refused command line");
        assertEquals(0, run(List.of("help", "train")));
        assertTrue(stdout().contains("--class-weights none|auto|W,W,..."), stdout());
    }
}
