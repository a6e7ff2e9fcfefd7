package dev.pixelgrad.fcn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.data.LayoutFixtures;
import dev.pixelgrad.fcn.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, eval and predict on each distributed layout, recognised from its folders or named with --format. */
class LayoutCliTest extends CommandLineTest {
    @TempDir
    Path dir;

    /** Trains 2 steps on {@code data}, evaluates the val split and predicts the images of {@code images}. */
    private void trainEvalPredict(Path data, Path images, String... extra) throws IOException {
        Path run = dir.resolve("run");
        List<String> train = new ArrayList<>(List.of("train", "--data", data.toString(), "--width", "0.03125",
                "--iterations", "2", "--batch", "2", "--output", run.toString(), "--val-every", "50", "--workers", "1",
                "--optimizer", "sgd", "--lr", "1e-3"));
        train.addAll(List.of(extra));
        assertEquals(0, run(train), stderr());
        Path checkpoint = run.resolve(Trainer.CHECKPOINT);
        List<String> eval = new ArrayList<>(List.of("eval", "--checkpoint", checkpoint.toString(), "--data",
                data.toString(), "--split", "val"));
        eval.addAll(List.of(extra));
        assertEquals(0, run(eval), stderr());
        assertTrue(stdout().contains("pixel accuracy"), stdout());
        Path predictions = dir.resolve("predictions");
        assertEquals(0, run(List.of("predict", "--checkpoint", checkpoint.toString(), "--input", images.toString(),
                "--output", predictions.toString())), stderr());
        try (var files = Files.list(predictions)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().endsWith("_mask.png")));
        }
    }

    @Test
    void ade20kFromTheParentOfItsChallengeFolder() throws IOException {
        Path root = LayoutFixtures.ade20k(dir.resolve("ade"));
        trainEvalPredict(dir.resolve("ade"), root.resolve("images/validation"), "--ade-other", "class");
    }

    @Test
    void kittiRoadResizedWithItsFormatNamed() throws IOException {
        Path root = LayoutFixtures.kittiRoad(dir);
        trainEvalPredict(root, root.resolve("testing/image_2"), "--format", "kitti-road", "--resize", "16x48",
                "--val-fraction", "0.3");
    }

    @Test
    void camvidAsSegnetHasIt() throws IOException {
        Path root = LayoutFixtures.camvidSegnet(dir);
        trainEvalPredict(root, root.resolve("test"));
    }

    @Test
    void aFormatTheFolderDoesNotHaveIsOneLineNamingWhatIsMissing() throws IOException {
        Path root = LayoutFixtures.camvidSegnet(dir);
        assertEquals(1, run(List.of("train", "--data", root.toString(), "--format", "ade20k", "--output",
                dir.resolve("x").toString())));
        assertEquals("pixelgrad: error: --data " + root + " --format ade20k: " + root + " has no images/training and "
                + "annotations/training folders (looked there and in " + root.resolve("ADEChallengeData2016") + ")\n", stderr());
        assertEquals(2, run(List.of("train", "--data", root.toString(), "--format", "cityscapes")));
        assertTrue(stderr().contains("--format must be one of auto, voc, sbd, ade20k, kitti-road, camvid, folder"), stderr());
        assertEquals(2, run(List.of("train", "--data", root.toString(), "--resize", "160")));
        assertTrue(stderr().contains("--resize expects HxW"), stderr());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertEquals(1, run(List.of("train", "--data", empty.toString(), "--output", dir.resolve("y").toString())));
        assertTrue(stderr().contains("no known layout (voc: has no ImageSets/Segmentation folders; "
                + "sbd: has no cls and img folders"), stderr());
    }

    @Test
    void trainHelpNamesTheLayouts() {
        assertEquals(0, run(List.of("train", "--help")));
        String help = stdout();
        for (String option : List.of("--format", "--ade-other", "--val-fraction", "--resize")) {
            assertTrue(help.contains(option), help);
        }
        help.lines().forEach(line -> assertTrue(line.length() < 110, line));
    }
}
