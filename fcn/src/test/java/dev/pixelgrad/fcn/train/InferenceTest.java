package dev.pixelgrad.fcn.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.DataLoader;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.VocDataset;
import dev.pixelgrad.tensor.CounterRng;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Test-time inference: windows, scales and flips, checked by what must hold exactly. */
class InferenceTest {
    @TempDir
    static Path data;
    static Fcn model;

    /** A small FCN-8s whose every parameter, score layers included, is random (a new one scores all zeros). */
    @BeforeAll
    static void setUp() throws IOException {
        BuiltinDataset.generate(data, 2, 4, 40, 9);
        model = Fcn.create(new FcnConfig("fcn8s", 6, 1f / 32, false, Preprocessing.CAFFE, 3));
        Map<String, Tensor> state = new TreeMap<>();
        long seed = 1;
        for (var e : model.state().entrySet()) {
            int n = (int) e.getValue().shape().numel();
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                v[i] = (CounterRng.uniform(seed, i) - 0.5f) * 0.2f;
            }
            state.put(e.getKey(), Tensor.of(v, e.getValue().shape()));
            seed++;
        }
        model.loadState(state, true);
    }

    private static Sample sample(int i) throws IOException {
        return new VocDataset(data, "val").load(i);
    }

    @Test
    void windowsCoverTheSideWithTheLastFlushWithTheEnd() {
        Inference tiles = new Inference(List.of(1f), false, 48, 1f / 3);
        assertArrayEquals(new int[] {0}, tiles.starts(48));
        assertArrayEquals(new int[] {0}, tiles.starts(20));
        assertArrayEquals(new int[] {0, 2}, tiles.starts(50));
        assertArrayEquals(new int[] {0, 32, 52}, tiles.starts(100));
        assertArrayEquals(new int[] {0, 48, 52}, new Inference(List.of(1f), false, 48, 0f).starts(100));
    }

    @Test
    void aWindowAsLargeAsTheImageIsOneWholePass() throws IOException {
        Sample s = sample(0);
        assertArrayEquals(Inference.WHOLE.predict(model, s, Device.CPU),
                new Inference(List.of(1f), false, Math.max(s.height(), s.width()), 0.5f).predict(model, s, Device.CPU));
    }

    @Test
    void flippedInferenceOfAMirroredImageIsTheMirroredInference() throws IOException {
        Inference flip = new Inference(List.of(0.8f, 1f), true, 0, 0f);
        Sample s = sample(1);
        int h = s.height();
        int w = s.width();
        int[] direct = flip.predict(model, s, Device.CPU);
        int[] ofMirror = flip.predict(model, Augmentation.flip(s), Device.CPU);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(direct[y * w + x], ofMirror[y * w + (w - 1 - x)], "pixel " + y + "," + x);
            }
        }
    }

    @Test
    void theEvaluationThroughInferenceMatchesTheDevicePath() throws IOException {
        try (DataLoader val = new DataLoader(new VocDataset(data, "val"), 1, false, Augmentation.NONE,
                Preprocessing.CAFFE, 1, 1)) {
            Evaluator.Evaluation device = Evaluator.evaluate(model, val, Device.CPU);
            // A window larger than every image: one pass each, through the host-side path.
            Evaluator.Evaluation host = Evaluator.evaluate(model, val, Device.CPU,
                    new Inference(List.of(1f), false, 4096, 0f));
            assertEquals(device.scores().pixels(), host.scores().pixels());
            assertEquals(device.scores().meanIoU(), host.scores().meanIoU(), 1e-12);
            assertEquals(device.scores().pixelAccuracy(), host.scores().pixelAccuracy(), 1e-12);
            assertEquals(device.loss(), host.loss(), 1e-5 * device.loss());
        }
    }

    @Test
    void badSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Inference(List.of(), false, 0, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Inference(List.of(0f), false, 0, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Inference(List.of(1f), false, 1, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Inference(List.of(1f), false, 64, 0.95f));
    }
}
