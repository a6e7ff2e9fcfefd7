package dev.pixelgrad.fcn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.data.SbdFixtures;
import dev.pixelgrad.fcn.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line on SBD as distributed: trained on trainval less seg11valid, validated on seg11valid's images that SBD has. */
class SbdCliTest extends CommandLineTest {
    @TempDir
    Path dir;

    @Test
    void trainEvalAndPredictOnSbd() throws IOException {
        Path dataset = SbdFixtures.sbd(dir, List.of("2008_000002", "2008_000003", "2008_000007", "2008_000008"),
                List.of("2008_000009", "2008_000010"));
        // seg11valid has VOC2007 images, which SBD lacks: its ids that SBD has are a list of their own there.
        Path seg11valid = dir.resolve("seg11valid.txt");
        Files.writeString(seg11valid, "2007_000033\n2008_000003\n2008_000010\n");
        Files.writeString(dataset.resolve("seg11valid_sbd.txt"), "2008_000003\n2008_000010\n");
        Path run = dir.resolve("run");
        assertEquals(0, run("train", "--data", dir.toString(), "--train-split", "trainval", "--exclude", seg11valid.toString(),
                "--val-split", "seg11valid_sbd", "--iterations", "2", "--width", "0.03125", "--batch", "2", "--workers", "1",
                "--output", run.toString()), stderr());
        assertTrue(stdout().contains("dropped 2 of the 6 images of the split 'trainval', 4 left"), stdout());
        Path checkpoint = run.resolve(Trainer.CHECKPOINT);
        assertTrue(Files.exists(checkpoint));

        assertEquals(0, run("eval", "--checkpoint", checkpoint.toString(), "--data", dir.resolve("benchmark_RELEASE").toString(),
                "--split", "seg11valid_sbd"), stderr());
        assertTrue(stdout().contains("mean IoU"), stdout());

        Path predictions = dir.resolve("predictions");
        assertEquals(0, run("predict", "--checkpoint", checkpoint.toString(), "--input", dataset.resolve("img").toString(),
                "--output", predictions.toString()), stderr());
        assertTrue(Files.exists(predictions.resolve("2008_000010_mask.png")));
    }
}
