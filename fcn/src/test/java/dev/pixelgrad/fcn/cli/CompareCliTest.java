package dev.pixelgrad.fcn.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.train.Trainer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pixelgrad compare} end to end on a tiny built-in set: the runs, the report's table against each
 * run's own logs, its images, reuse and resumption by a rerun, and the mistakes it refuses.
 */
class CompareCliTest extends CommandLineTest {
    private static final List<String> MODELS = List.of("fcn32s", "fcn16s", "fcn8s");
    /** Validation images of the fixture: fewer than the report shows, so it shows them all. */
    private static final int VAL_IMAGES = 3;

    @TempDir
    Path dir;

    /** A tiny recipe: width 1/32 (VGG16's 512 channels become 16), 24-pixel images, batch 2. */
    private List<String> command(String verb, Path output, long iterations, String... extra) {
        List<String> a = new ArrayList<>(List.of(verb, "--data", "builtin", "--builtin-dir", dir.resolve("data").toString(),
                "--builtin-train", "10", "--builtin-val", Integer.toString(VAL_IMAGES), "--builtin-size", "24",
                "--width", "0.03125", "--iterations", Long.toString(iterations), "--batch", "2", "--crop", "24",
                "--warmup", "0", "--val-every", "2", "--checkpoint-every", "2", "--workers", "1", "--output",
                output.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    private List<String> compare(Path output, long iterations, String... extra) {
        return command("compare", output, iterations, extra);
    }

    /** A CSV file as maps from its header's names to each row's values, read here without the library. */
    private static List<Map<String, String>> csv(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file);
        String[] header = lines.get(0).split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], cells[i]);
            }
            rows.add(row);
        }
        return rows;
    }

    private static double number(Map<String, String> row, String column) {
        return Double.parseDouble(row.get(column));
    }

    private static String percent(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    @Test
    void compareTrainsEachModelAndReportsThemSideBySide() throws IOException {
        Path output = dir.resolve("cmp");
        assertEquals(0, run(compare(output, 4)), stderr());
        List<Map<String, String>> summary = csv(output.resolve(Compare.SUMMARY_CSV));
        assertEquals(MODELS, summary.stream().map(r -> r.get("model")).toList());
        String page = Files.readString(output.resolve(Compare.PAGE));
        String markdown = Files.readString(output.resolve(Compare.SUMMARY_MD));
        assertTrue(stdout().contains(markdown), "the table is printed too: " + stdout());
        for (int m = 0; m < MODELS.size(); m++) {
            String model = MODELS.get(m);
            Path run = output.resolve(model);
            Fcn trained = Fcn.load(run.resolve(Trainer.CHECKPOINT));
            assertEquals(model, trained.config().model(), "each folder holds its own model");
            Map<String, String> row = summary.get(m);
            assertEquals(trained.trainableCount(), Long.parseLong(row.get("trainable_parameters")), model);
            // Against the run's own logs: the last validation, the best one, the time and the speed.
            List<Map<String, String>> val = csv(run.resolve(Trainer.VAL_LOG));
            assertEquals(List.of("2", "4"), val.stream().map(r -> r.get("step")).toList(), model);
            Map<String, String> last = val.get(val.size() - 1);
            assertEquals("4", row.get("steps"));
            for (String[] column : new String[][] {{"mean_iou", "mean_iou"}, {"pixel_accuracy", "pixel_accuracy"},
                    {"mean_accuracy", "mean_accuracy"}, {"fw_iou", "fw_iou"}, {"val_loss", "loss"},
                    {"elapsed_seconds", "elapsed_seconds"}}) {
                assertEquals(number(last, column[1]), number(row, column[0]), 1e-9, model + " " + column[0]);
            }
            Map<String, String> best = val.get(0);
            for (Map<String, String> v : val) {
                if (number(v, "mean_iou") > number(best, "mean_iou")) {
                    best = v;
                }
            }
            assertEquals(number(best, "mean_iou"), number(row, "best_mean_iou"), 1e-9, model);
            assertEquals(best.get("step"), row.get("best_step"), model);
            List<Map<String, String>> train = csv(run.resolve(Trainer.TRAIN_LOG));
            assertEquals(number(train.get(train.size() - 1), "images_per_second"), number(row, "images_per_second"),
                    1e-9, model);
            // The same numbers for people, in the Markdown table and on the page.
            String cells = String.format(Locale.ROOT, "| %s | %,d | 4 | %s | %s (%s) | %s | %s | %s | %.4f |", model,
                    trained.trainableCount(), percent(number(last, "mean_iou")), percent(number(best, "mean_iou")),
                    best.get("step"), percent(number(last, "pixel_accuracy")), percent(number(last, "mean_accuracy")),
                    percent(number(last, "fw_iou")), number(last, "loss"));
            assertTrue(markdown.contains(cells), cells + " in\n" + markdown);
            String htmlCells = cells.substring(cells.indexOf(" | ", 2) + 3, cells.length() - 2).replace(" | ", "</td><td>");
            assertTrue(page.contains("<a href=\"" + model + "/report.html\">" + model + "</a></td><td>" + htmlCells),
                    htmlCells + " in\n" + page);
            assertTrue(Files.exists(run.resolve("report.html")), "each run's own report, linked from the page");
        }
        // Skips add a 1x1 scoring convolution each: score_pool4 on pool4's 16 channels, score_pool3 on
        // pool3's 8, into 6 classes, weights and biases.
        long[] parameters = summary.stream().mapToLong(r -> Long.parseLong(r.get("trainable_parameters"))).toArray();
        assertEquals(16 * 6 + 6, parameters[1] - parameters[0]);
        assertEquals(8 * 6 + 6, parameters[2] - parameters[1]);

        // The two pictures the page shows, beside it: curves, and input | truth | one column per model.
        for (String png : List.of(Compare.CURVES, Compare.PREDICTIONS)) {
            assertTrue(page.contains("<img src=\"" + Compare.IMAGES + "/" + png + "\""), png);
        }
        BufferedImage curves = ImageIO.read(output.resolve(Compare.IMAGES).resolve(Compare.CURVES).toFile());
        assertTrue(curves.getWidth() >= 800 && curves.getHeight() >= 2 * 380, curves.getWidth() + "x" + curves.getHeight());
        BufferedImage predictions = ImageIO.read(output.resolve(Compare.IMAGES).resolve(Compare.PREDICTIONS).toFile());
        // Figures.skips: cells of 180 pixels and 8 of padding, under a 50-pixel header.
        assertEquals(8 + (2 + MODELS.size()) * (180 + 8), predictions.getWidth());
        assertEquals(50 + VAL_IMAGES * (180 + 8), predictions.getHeight());
    }

    /**
     * A compare killed while training FCN-16s, rerun: FCN-32s's finished run is reused untouched, FCN-16s's
     * resumed from its checkpoint and FCN-8s trained, and every per-step loss is that of a compare never
     * interrupted. The killed state is made by a compare of FCN-32s alone and a train of FCN-16s stopped at
     * step 2 of 4, into the folders compare uses.
     */
    @Test
    void aRerunReusesFinishedRunsAndResumesAnUnfinishedOne() throws IOException {
        Path whole = dir.resolve("whole");
        assertEquals(0, run(compare(whole, 4)), stderr());

        Path killed = dir.resolve("killed");
        assertEquals(0, run(compare(killed, 4, "--models", "fcn32s")), stderr());
        assertEquals(0, run(command("train", killed.resolve("fcn16s"), 2, "--model", "fcn16s")), stderr());
        byte[] fcn32s = Files.readAllBytes(killed.resolve("fcn32s").resolve(Trainer.CHECKPOINT));
        assertEquals(0, run(compare(killed, 4)), stderr());
        assertTrue(stderr().contains("fcn32s: the run is complete (step 4 of 4); reused"), stderr());
        assertTrue(stderr().contains("resumed from " + killed.resolve("fcn16s").resolve(Trainer.CHECKPOINT) + " at step 2"),
                stderr());
        assertTrue(stderr().contains("fcn8s (3 of 3): training in " + killed.resolve("fcn8s")), stderr());
        assertArrayEquals(fcn32s, Files.readAllBytes(killed.resolve("fcn32s").resolve(Trainer.CHECKPOINT)));
        for (String model : MODELS) {
            List<String> expected = csv(whole.resolve(model).resolve(Trainer.TRAIN_LOG)).stream()
                    .map(r -> r.get("step") + "," + r.get("loss")).toList();
            List<String> resumed = csv(killed.resolve(model).resolve(Trainer.TRAIN_LOG)).stream()
                    .map(r -> r.get("step") + "," + r.get("loss")).toList();
            assertEquals(expected, resumed, model);
        }
        List<Map<String, String>> a = csv(whole.resolve(Compare.SUMMARY_CSV));
        List<Map<String, String>> b = csv(killed.resolve(Compare.SUMMARY_CSV));
        for (int m = 0; m < MODELS.size(); m++) {
            for (String column : List.of("model", "trainable_parameters", "steps", "mean_iou", "best_mean_iou", "best_step",
                    "pixel_accuracy", "mean_accuracy", "fw_iou", "val_loss")) {
                assertEquals(a.get(m).get(column), b.get(m).get(column), MODELS.get(m) + " " + column);
            }
        }

        // Run again as it is: nothing is trained, and options left out come from the runs' checkpoints.
        List<String> bare = List.of("compare", "--data", "builtin", "--builtin-dir", dir.resolve("data").toString(),
                "--builtin-train", "10", "--builtin-val", "3", "--builtin-size", "24", "--iterations", "4",
                "--output", killed.toString());
        assertEquals(0, run(bare), stderr());
        assertEquals(3, stderr().split("; reused", -1).length - 1, stderr());
        // Other options are refused by the first run they would continue, named.
        List<String> other = new ArrayList<>(bare);
        other.addAll(List.of("--optimizer", "sgd"));
        assertEquals(1, run(other));
        assertTrue(stderr().contains("pixelgrad: error: " + killed.resolve("fcn32s") + ": ")
                && stderr().contains("optimizer adam (now sgd)"), stderr());
    }

    /** A table row from hand-written logs: the best validation is not the last one here. */
    @Test
    void theBestMeanIoUIsTheHighestValidationsAndTheRestTheLasts() throws IOException {
        Path run = Files.createDirectories(dir.resolve("logs"));
        Files.writeString(run.resolve(Trainer.TRAIN_LOG), """
                step,loss,images_per_second,learning_rate,elapsed_seconds
                1,1.5,10.0,0.001,1.0
                2,1.25,12.5,0.001,2.0
                3,1.0,20.25,0.001,3.5
                """);
        Files.writeString(run.resolve(Trainer.VAL_LOG), """
                step,loss,pixel_accuracy,mean_accuracy,mean_iou,fw_iou,elapsed_seconds,iou_a,iou_b
                1,0.9,0.5,0.25,0.2,0.4,1.5,0.1,0.3
                2,0.8,0.75,0.5,0.625,0.7,2.5,0.5,0.75
                3,0.7,0.875,0.375,0.5,0.8,4.0,0.25,0.75
                """);
        Compare.Row row = Compare.row("fcn8s", 1234567, RunLogs.of(run));
        assertEquals(new Compare.Row("fcn8s", 1234567, 3, 0.5, 0.625, 2, 0.875, 0.375, 0.8, 0.7, 4.0, 20.25), row);
        assertEquals(Compare.CSV_HEADER + "\nfcn8s,1234567,3,0.500000,0.625000,2,0.875000,0.375000,0.800000,0.700000,4.000,"
                + "20.250\n", Compare.csv(List.of(row)));
        assertTrue(Compare.markdown(List.of(row)).endsWith(
                "| fcn8s | 1,234,567 | 3 | 50.00% | 62.50% (2) | 87.50% | 37.50% | 80.00% | 0.7000 | 00:04 | 20.3 |\n"),
                Compare.markdown(List.of(row)));
    }

    /** Each mistake is one line naming the option, before any work: no built-in set is generated. */
    @Test
    void mistakesGetOneLineNamingTheOption() {
        Path builtin = dir.resolve("never-generated");
        String[][] cases = {
            {"--model", "fcn8s", "compare trains every model --models names (fcn32s,fcn16s,fcn8s); --model is train's"},
            {"--models", "fcn8s,fcn9s", "--models: unknown model 'fcn9s' (the models are fcn32s, fcn16s, fcn8s, fcn8s-atonce)"},
            {"--models", "fcn8s,FCN8s", "--models names fcn8s twice"},
            {"--models", "fcn8s,,fcn16s", "--models expects model names separated by commas, got 'fcn8s,,fcn16s'"},
            {"--resume", "", "unknown option: --resume"},
            {"--iterations", "many", "--iterations expects an integer, got 'many'"},
            {"--lr", "0", "--lr must be in [1.0E-12, 10.0], got 0.0"},
            {"--optimizer", "rmsprop", "--optimizer must be adam or sgd, got 'rmsprop'"},
            {"--resize", "64", "--resize expects HxW with positive sides (160x576), got '64'"},
            {"--val-fraction", "2", "--val-fraction must be in [0.001, 0.999], got 2.0"},
        };
        for (String[] c : cases) {
            // The last --builtin-dir given counts.
            List<String> args = new ArrayList<>(compare(dir.resolve("bad"), 2, "--builtin-dir", builtin.toString()));
            args.add(c[0]);
            if (!c[1].isEmpty()) {
                args.add(c[1]);
            }
            assertEquals(2, run(args), Arrays.toString(c));
            List<String> lines = stderr().lines().toList();
            assertEquals(List.of("pixelgrad: " + c[2], "run 'pixelgrad help' for the options"), lines, Arrays.toString(c));
        }
        assertTrue(!Files.exists(builtin) && !Files.exists(dir.resolve("bad")), "no work was done for a refused command line");
    }

    @Test
    void helpListsCompareAndItsOptions() {
        assertEquals(0, run("help"));
        assertTrue(stdout().contains("\n  compare    train FCN-32s, FCN-16s and FCN-8s"), stdout());
        assertTrue(stdout().contains("compare:  the options of train, but --models for --model"), stdout());
        for (List<String> args : List.of(List.of("compare", "--help"), List.of("help", "compare"))) {
            assertEquals(0, run(args));
            assertTrue(stdout().startsWith("usage: pixelgrad compare [options]\n\ncompare    train FCN-32s"), stdout());
            assertTrue(stdout().contains("--models M,N,...") && stdout().contains("--output DIR"), stdout());
        }
    }
}
