package dev.pixelgrad.fcn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.nn.Init;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class FcnShapeTest {
    private static final float TINY = 1f / 64;

    /** Every variant gives logits of the input's size for sizes 1 to 40, odd and even, and a few larger. */
    @Test
    void everyInputSizeCropsToItself() {
        int[] sizes = new int[40 + 4];
        for (int i = 0; i < 40; i++) {
            sizes[i] = i + 1;
        }
        sizes[40] = 63;
        sizes[41] = 97;
        sizes[42] = 128;
        sizes[43] = 161;
        for (Padding padding : Padding.values()) {
            for (String name : FcnVariant.names()) {
                Fcn model = Fcn.create(new FcnConfig(name, 3, TINY, false, Preprocessing.CAFFE, 1).with(padding));
                model.eval();
                for (int k = 0; k < sizes.length; k++) {
                    int h = sizes[k];
                    int w = sizes[sizes.length - 1 - k]; // pair small heights with large widths and back
                    try (Scope s = Scope.open(); GradMode off = GradMode.off()) {
                        Variable x = Variable.of(Tensor.zeros(Shape.of(1, 3, h, w)));
                        assertEquals(Shape.of(1, 3, h, w), model.forward(x).shape(),
                                name + ", " + padding + " padding, at " + h + "x" + w);
                    }
                }
            }
        }
    }

    @Test
    void referenceLayerNamesAndShapesAtFullWidth() {
        Fcn model = Fcn.create(FcnConfig.reference("fcn8s", 21));
        var p = model.namedParameters();
        assertEquals(Shape.of(64, 3, 3, 3), p.get("features.0.weight").shape());
        assertEquals(Shape.of(512, 512, 3, 3), p.get("features.28.weight").shape());
        assertEquals(Shape.of(4096, 512, 7, 7), p.get("fc6.weight").shape());
        assertEquals(Shape.of(4096, 4096, 1, 1), p.get("fc7.weight").shape());
        assertEquals(Shape.of(21, 4096, 1, 1), p.get("score_fr.weight").shape());
        assertEquals(Shape.of(21, 512, 1, 1), p.get("score_pool4.weight").shape());
        assertEquals(Shape.of(21, 256, 1, 1), p.get("score_pool3.weight").shape());
        assertEquals(Shape.of(21, 21, 4, 4), p.get("upscore2.weight").shape());
        assertEquals(Shape.of(21, 21, 16, 16), p.get("upscore8.weight").shape());
        // 13 VGG convs + fc6 + fc7 + 3 score layers (weight and bias each), 3 upsampling weights
        assertEquals(2 * 18 + 3, p.size());
        // The reference FCN-8s has 134.5M parameters, of which the frozen upsampling holds 21*21*(16+16+256).
        long total = 0;
        for (Variable v : p.values()) {
            total += v.data().numel();
        }
        assertEquals(134_500_000, total, 100_000);
        assertEquals(total - 21 * 21 * (16 + 16 + 256), model.trainableCount());
    }

    @Test
    void vgg19HasFourConvolutionsInTheLastThreeBlocksAndTorchvisionsCount() {
        Fcn model = Fcn.create(FcnConfig.reference("fcn8s", 21).with(Encoder.VGG19));
        var p = model.namedParameters();
        // torchvision's vgg19 features: conv3_4 at 16, conv4_4 at 25, conv5_1 at 28, conv5_4 at 34.
        assertEquals(Shape.of(256, 256, 3, 3), p.get("features.16.weight").shape());
        assertEquals(Shape.of(512, 256, 3, 3), p.get("features.19.weight").shape());
        assertEquals(Shape.of(512, 512, 3, 3), p.get("features.34.weight").shape());
        assertEquals(Shape.of(4096, 512, 7, 7), p.get("fc6.weight").shape());
        assertEquals(2 * 21 + 3, p.size());
        // torchvision's vgg19 has 143,667,240 parameters; less its 1000-class layer (4096 x 1000 + 1000),
        // plus the FCN-8s head at 21 classes: three score layers and the frozen upsampling.
        long head = (4096 + 512 + 256 + 3) * 21 + 21 * 21 * (16 + 16 + 256);
        long total = p.values().stream().mapToLong(v -> v.data().numel()).sum();
        assertEquals(143_667_240L - (4096 * 1000 + 1000) + head, total);
        assertArrayEquals(
                new int[] {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34}, Encoder.VGG19.convIndices());
        assertArrayEquals(
                new int[] {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28}, Encoder.VGG16.convIndices());
    }

    @Test
    void samePaddingKeepsTheWeightsAndDropsTheOffsets() {
        Fcn reference = Fcn.create(FcnConfig.reference("fcn8s", 21));
        Fcn same = Fcn.create(FcnConfig.reference("fcn8s", 21).with(Padding.SAME));
        var r = reference.namedParameters();
        var s = same.namedParameters();
        assertEquals(List.copyOf(r.keySet()), List.copyOf(s.keySet()));
        r.forEach((name, v) -> assertEquals(v.shape(), s.get(name).shape(), name));
        // At 224x224 the reference net runs conv1 on 422x422 and crops at 5, 9 and 31; the same-padded one
        // runs it on 224x224, with no crop at all.
        Explain ref = Explain.of(FcnConfig.reference("fcn8s", 21), 224, 224);
        Explain pad = Explain.of(FcnConfig.reference("fcn8s", 21).with(Padding.SAME), 224, 224);
        assertEquals(Shape.of(1, 64, 422, 422), ref.layer("conv1_1").output());
        assertEquals(Shape.of(1, 64, 224, 224), pad.layer("conv1_1").output());
        assertEquals(List.of(5, 9, 31), ref.crops().stream().map(Explain.Crop::offsetH).toList());
        assertEquals(List.of(), pad.crops());
        assertTrue(pad.multiplyAdds() < ref.multiplyAdds() / 2, pad.multiplyAdds() + " vs " + ref.multiplyAdds());
        // At 500x375 the input is padded to 512x384 and the output cropped back at 0, every map aligned.
        Explain odd = Explain.of(FcnConfig.reference("fcn8s", 21).with(Padding.SAME), 500, 375);
        assertEquals(Shape.of(1, 3, 512, 384), odd.layer("pad").output());
        assertEquals(1, odd.crops().size());
        assertEquals(0, odd.crops().getFirst().offsetH());
        assertTrue(odd.crops().getFirst().aligned());
    }

    @Test
    void scoreLayersStartAtZeroAndUpsamplingIsFrozenBilinear() {
        for (String name : FcnVariant.names()) {
            Fcn model = Fcn.create(new FcnConfig(name, 4, TINY, false, Preprocessing.CAFFE, 3));
            for (var e : model.namedParameters().entrySet()) {
                if (e.getKey().startsWith("score")) {
                    for (float v : e.getValue().data().toFloatArray()) {
                        assertEquals(0f, v, e.getKey());
                    }
                }
                if (e.getKey().startsWith("upscore")) {
                    assertFalse(e.getValue().requiresGrad(), e.getKey() + " is frozen");
                    int k = e.getValue().shape().dim(2);
                    float[] expected = Init.bilinear(4, k).toFloatArray();
                    assertArrayEquals(expected, e.getValue().data().toFloatArray());
                }
            }
        }
        Fcn learning = Fcn.create(new FcnConfig("fcn32s", 4, TINY, true, Preprocessing.CAFFE, 3));
        assertTrue(learning.namedParameters().get("upscore.weight").requiresGrad());
    }

    @Test
    void widthMultiplierKeepsTheTopology() {
        Fcn narrow = Fcn.create(new FcnConfig("fcn16s", 5, 0.125f, false, Preprocessing.CAFFE, 1));
        Fcn full = Fcn.create(FcnConfig.reference("fcn16s", 5));
        assertEquals(List.copyOf(full.namedParameters().keySet()), List.copyOf(narrow.namedParameters().keySet()));
        assertEquals(Shape.of(8, 3, 3, 3), narrow.namedParameters().get("features.0.weight").shape());
        assertEquals(Shape.of(512, 64, 7, 7), narrow.namedParameters().get("fc6.weight").shape());
    }

    @Test
    void configRoundTripsThroughJson() {
        FcnConfig c = new FcnConfig("fcn8s-atonce", 12, 0.25f, true, Preprocessing.TORCHVISION, -5);
        assertEquals(c, FcnConfig.fromJson(c.toJson()));
        FcnConfig other = c.with(Encoder.VGG19).with(Padding.SAME);
        assertEquals(other, FcnConfig.fromJson(other.toJson()));
        assertTrue(other.toJson().contains("\"encoder\":\"vgg19\""), other.toJson());
        // Written before the encoder and the padding were stored: the reference net.
        String old = "{\"model\":\"fcn8s\",\"num_classes\":3,\"width\":0.5,\"learn_upsample\":false,"
                + "\"preprocessing\":\"caffe\",\"seed\":2}";
        FcnConfig read = FcnConfig.fromJson(old);
        assertEquals(Encoder.VGG16, read.encoder());
        assertEquals(Padding.REFERENCE, read.padding());
    }

    @Test
    void preprocessingFollowsTheWeights() {
        float[] rgb = {200f, 100f, 50f}; // one pixel: R, G, B planes
        float[] out = new float[3];
        Preprocessing.CAFFE.apply(rgb, 1, out, 0);
        assertEquals(50f - 104.00699f, out[0], 1e-4f);  // channel 0 is blue
        assertEquals(100f - 116.66877f, out[1], 1e-4f);
        assertEquals(200f - 122.67892f, out[2], 1e-4f);
        Preprocessing.TORCHVISION.apply(rgb, 1, out, 0);
        assertEquals((200f / 255f - 0.485f) / 0.229f, out[0], 1e-5f); // channel 0 is red
        assertEquals((50f / 255f - 0.406f) / 0.225f, out[2], 1e-5f);
        Preprocessing.MATCONVNET.apply(rgb, 1, out, 0);
        assertEquals(200f - 123.68f, out[0], 1e-4f); // channel 0 is red, 0-255
        assertEquals(100f - 116.779f, out[1], 1e-4f);
        assertEquals(50f - 103.939f, out[2], 1e-4f);
        for (Preprocessing p : Preprocessing.values()) {
            assertEquals(p, Preprocessing.parse(p.name().toLowerCase(Locale.ROOT)));
            p.apply(p.neutralRgb(), 1, out, 0);
            assertArrayEquals(new float[3], out, 1e-5f, p + " maps its neutral pixel to zero");
        }
    }
}
