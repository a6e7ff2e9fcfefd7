package dev.pixelgrad.fcn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.cli.Main;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.VocDataset;
import dev.pixelgrad.nn.Checkpoint;
import dev.pixelgrad.nn.CheckpointException;
import dev.pixelgrad.nn.LrSchedule;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's {@code fcn.config} is checked, field by field and against the stored weights, before a
 * model is built from it: every bad one is a {@link CheckpointException} naming the file and the field.
 */
class CheckpointConfigTest {
    @TempDir
    static Path dir;

    /** The weights every test checkpoint stores: a 1/32-width FCN-8s with 6 classes. */
    static Fcn model;

    static final String GOOD = new FcnConfig("fcn8s", 6, 1f / 32, false, Preprocessing.CAFFE, 5).toJson();

    @BeforeAll
    static void makeModel() {
        model = Fcn.create(FcnConfig.fromJson(GOOD));
    }

    private static int files;

    /** A checkpoint of {@link #model} whose metadata holds {@code config} as fcn.config (none if null). */
    static Path checkpoint(String config) throws IOException {
        Path p = dir.resolve("ckpt-" + files++ + ".safetensors");
        Map<String, String> md = new HashMap<>(Map.of("step", "1", "rng.counter", "0"));
        if (config != null) {
            md.put("fcn.config", config);
        }
        Checkpoint.save(p, model, null, md);
        return p;
    }

    /** GOOD with one field's JSON value replaced (or the field removed, for null). */
    static String with(String field, String json) {
        assertTrue(GOOD.contains("\"" + field + "\":"), "field " + field + " is in " + GOOD);
        return GOOD.replaceFirst("\"" + field + "\":(\"[^\"]*\"|[^,}]*)", json == null ? "" : "\"" + field + "\":" + json)
                .replace(",,", ",").replace("{,", "{").replace(",}", "}");
    }

    /** Loading a checkpoint with this config fails, naming the file and every part given. */
    static void refused(String config, String... mentions) throws IOException {
        Path p = checkpoint(config);
        CheckpointException e = assertThrows(CheckpointException.class, () -> Fcn.load(p));
        assertTrue(e.getMessage().contains(p.toString()), "names the file: " + e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line: " + e.getMessage());
        for (String m : mentions) {
            assertTrue(e.getMessage().contains(m), "mentions '" + m + "': " + e.getMessage());
        }
    }

    @Test
    void aGoodConfigLoads() throws IOException {
        assertEquals(6, Fcn.load(checkpoint(GOOD)).numClasses());
    }

    @Test
    void aConfigThatDisagreesWithTheStoredWeightsIsRefusedBeforeTheModelIsBuilt() throws IOException {
        refused(with("width", "1.0"), "width 1.0", "fc6.weight", "[4096, 512, 7, 7]", "[128, 16, 7, 7]");
        refused(with("width", "0.5"), "width 0.5", "features.0.weight");
        refused(with("width", "0.03"), "width 0.03", "fc6.weight"); // conv1_1 rounds to the same 2 channels
        refused(with("num_classes", "7"), "num_classes 7", "score_fr.weight", "[6, 128, 1, 1]");
        refused(with("num_classes", "100000"), "num_classes", "2 to 255", "100000");
        refused(with("num_classes", "1000000000000"), "num_classes", "1000000000000");
        refused(with("model", "\"fcn32s\""), "Fcn32s", "upscore8.weight");
    }

    @Test
    void aMalformedConfigNamesTheField() throws IOException {
        refused(with("width", "\"wide\""), "\"width\"", "must be a number", "\"wide\"");
        refused(with("num_classes", "null"), "\"num_classes\"", "must be an integer", "null");
        refused(with("num_classes", "6.5"), "\"num_classes\"", "must be an integer", "6.5");
        refused(with("seed", null), "no \"seed\"");
        refused(with("learn_upsample", "\"yes\""), "\"learn_upsample\"", "true or false");
        refused(with("preprocessing", "\"opencv\""), "unknown preprocessing 'opencv'", "caffe", "torchvision");
        refused(with("preprocessing", "3"), "\"preprocessing\"", "must be a string");
        refused(with("model", "\"fcn4s\""), "unknown model 'fcn4s'");
        refused(with("model", "[\"fcn8s\"]"), "\"model\"", "must be a string");
        refused(GOOD.replace("}", ",\"depth\":3}"), "unknown field \"depth\"");
        refused("[1, 2]", "fcn.config", "JSON object");
        refused("{\"model\":", "fcn.config", "not valid JSON");
        refused(null, "no fcn.config");
    }

    @Test
    void resumeStagedInitEvalAndPredictRefuseTheSameWay(@TempDir Path run) throws IOException {
        Path data = run.resolve("data");
        BuiltinDataset.generate(data, 2, 1, 24, 3);
        Path bad = checkpoint(with("width", "\"wide\""));
        TrainOptions opt = new TrainOptions(FcnConfig.fromJson(GOOD), Device.CPU, 2, 1, "sgd", 1e-3f, LrSchedule.CONSTANT, 0.9f, 0f,
                Reduction.MEAN, Augmentation.NONE, bad, run, 0, 0, 1, 1);
        assertThrows(CheckpointException.class, () -> Trainer.train(opt, new VocDataset(data, "train"),
                new VocDataset(data, "val"), false, new Trainer.Listener() { }));
        Files.copy(bad, run.resolve(Trainer.CHECKPOINT));
        assertThrows(CheckpointException.class, () -> Trainer.train(opt, new VocDataset(data, "train"),
                new VocDataset(data, "val"), true, new Trainer.Listener() { }));

        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        assertEquals(1, Main.run(new String[] {"predict", "--checkpoint", bad.toString(), "x.png"}, out, errStream));
        assertEquals(1, Main.run(new String[] {"eval", "--checkpoint", bad.toString(), "--data", "builtin",
                "--builtin-dir", data.toString()}, out, errStream));
        String expected = "pixelgrad: error: checkpoint " + bad + ": fcn.config field \"width\" must be a number, got \"wide\"";
        assertEquals(expected + "\n" + expected + "\n", err.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }
}
