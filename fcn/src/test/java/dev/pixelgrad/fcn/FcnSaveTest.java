package dev.pixelgrad.fcn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.nn.Checkpoint;
import dev.pixelgrad.nn.CheckpointException;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A model is saved and loaded with one call each; the file carries its configuration. */
class FcnSaveTest {
    @Test
    void aSavedModelLoadsAsTheSameModelFromTheFileAlone(@TempDir Path dir) throws IOException {
        FcnConfig config = new FcnConfig("fcn16s", 5, 1f / 32, true, Preprocessing.TORCHVISION, 9);
        Fcn model = Fcn.create(config);
        model.state().get("fc6.weight").copyFrom(Tensor.full(model.state().get("fc6.weight").shape(), 0.25f,
                model.state().get("fc6.weight").device()));
        Path file = dir.resolve("model.safetensors");
        model.save(file);

        Fcn loaded = Fcn.load(file);
        assertEquals(config, loaded.config());
        assertTrue(loaded instanceof Fcn16s);
        assertFalse(loaded.isTraining(), "loaded for evaluation");
        for (Map.Entry<String, Tensor> e : model.state().entrySet()) {
            assertArrayEquals(e.getValue().toFloatArray(), loaded.state().get(e.getKey()).toFloatArray(), e.getKey());
        }
    }

    @Test
    void weightsSavedWithoutTheConfigurationAreRefusedNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bare.safetensors");
        Checkpoint.save(file, Fcn.create(new FcnConfig("fcn8s", 3, 1f / 32, false, Preprocessing.CAFFE, 1)), null,
                Map.of());
        CheckpointException e = assertThrows(CheckpointException.class, () -> Fcn.load(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("no fcn.config"), e.getMessage());
    }

    @Test
    void toStringPrintsTheLayers() {
        String text = Fcn.create(new FcnConfig("fcn8s", 3, 1f / 32, false, Preprocessing.CAFFE, 1)).toString();
        assertTrue(text.startsWith("Fcn8s(\n  (features): Sequential(\n    (0): Conv2d(3, 2, kernel 3, "), text);
        for (String layer : new String[] {"(fc6): Conv2d(16, 128, kernel 7", "(score_fr): Conv2d(128, 3, kernel 1",
                "(upscore8): ConvTranspose2d(3, 3, kernel 16"}) {
            assertTrue(text.contains(layer), layer + " in\n" + text);
        }
    }
}
