package dev.pixelgrad.fcn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.nn.Init;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SurgeryTest {
    private static final float WIDTH = 1f / 32;

    /** A "trained" net: every parameter set to something recognisable (not its initial value). */
    private static Fcn trained(String model, int classes) {
        Fcn f = Fcn.create(new FcnConfig(model, classes, WIDTH, false, Preprocessing.CAFFE, 1));
        long seed = 100;
        for (var p : f.namedParameters().values()) {
            p.data().copyFrom(Tensor.uniform(p.shape(), -1, 1, seed++, Device.CPU));
        }
        return f;
    }

    @Test
    void fcn16sStartsFromFcn32sAndFcn8sFromFcn16s() {
        Fcn f32 = trained("fcn32s", 4);
        Fcn f16 = Fcn.create(new FcnConfig("fcn16s", 4, WIDTH, false, Preprocessing.CAFFE, 2));
        List<String> copied = Surgery.stagedInit(f16, f32.state());
        assertTrue(copied.contains("features.0.weight") && copied.contains("fc7.bias") && copied.contains("score_fr.weight"));
        assertTrue(!copied.contains("upscore.weight") && !copied.contains("score_pool4.weight"));
        assertTrue(copied.stream().noneMatch(n -> n.startsWith("upscore")), "upsampling is never transplanted");
        Map<String, Tensor> s16 = f16.state();
        assertArrayEquals(f32.state().get("fc6.weight").toFloatArray(), s16.get("fc6.weight").toFloatArray());
        assertArrayEquals(f32.state().get("score_fr.bias").toFloatArray(), s16.get("score_fr.bias").toFloatArray());
        for (float v : s16.get("score_pool4.weight").toFloatArray()) {
            assertEquals(0f, v, "the new score layer starts at zero");
        }
        assertArrayEquals(Init.bilinear(4, 4).toFloatArray(), s16.get("upscore2.weight").toFloatArray());

        Fcn f8 = Fcn.create(new FcnConfig("fcn8s", 4, WIDTH, false, Preprocessing.CAFFE, 3));
        List<String> copied8 = Surgery.stagedInit(f8, trained("fcn16s", 4).state());
        assertTrue(copied8.contains("score_pool4.weight") && copied8.contains("fc7.weight"));
        assertTrue(!copied8.contains("score_pool3.weight") && !copied8.contains("upscore2.weight"));
        // The source's upsampling was "trained" (random here); the reference re-initialises it to bilinear.
        assertArrayEquals(Init.bilinear(4, 4).toFloatArray(), f8.state().get("upscore2.weight").toFloatArray());
    }

    @Test
    void aSourceWithOtherClassesOrNoEncoderIsRejected() {
        Fcn f16 = Fcn.create(new FcnConfig("fcn16s", 4, WIDTH, false, Preprocessing.CAFFE, 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Surgery.stagedInit(f16, trained("fcn32s", 5).state()));
        assertTrue(e.getMessage().contains("score_fr.weight") && e.getMessage().contains("same classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Surgery.stagedInit(f16, Map.of()));
        assertTrue(e.getMessage().contains("features.0.weight"), e.getMessage());
    }

    @Test
    void fullyConnectedToConvChecksTheInputSize() {
        Tensor fc = Tensor.zeros(8, 3 * 49);
        assertEquals(Shape.of(8, 3, 7, 7), Surgery.fullyConnectedToConv(fc, 3, 7).shape());
        assertThrows(IllegalArgumentException.class, () -> Surgery.fullyConnectedToConv(fc, 4, 7));
    }
}
