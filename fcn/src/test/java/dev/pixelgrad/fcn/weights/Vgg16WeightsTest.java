package dev.pixelgrad.fcn.weights;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.Encoder;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.CounterRng;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.io.Safetensors;
import io.jhdf.HdfFile;
import io.jhdf.WritableHdfFile;
import io.jhdf.api.WritableGroup;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both importers on small files this test writes itself, shaped like the real ones at 1/16 width
 * (channels 4, 8, 16, 32, 32; fully connected 256).
 */
class Vgg16WeightsTest {
    private static final float WIDTH = 1f / 16;
    private static final int[] CHANNELS = {4, 4, 8, 8, 16, 16, 16, 32, 32, 32, 32, 32, 32};
    private static final int C5 = 32;
    private static final int FC = 256;

    @TempDir
    Path dir;

    /** A 3x3 convolution kernel in Keras' layout [y][x][in][out], filled from {@code flat} in that order. */
    private static float[][][][] kerasKernel(float[] flat, int in, int out) {
        float[][][][] k = new float[3][3][in][out];
        int at = 0;
        for (float[][][] row : k) {
            for (float[][] tap : row) {
                for (float[] outputs : tap) {
                    for (int o = 0; o < out; o++) {
                        outputs[o] = flat[at++];
                    }
                }
            }
        }
        return k;
    }

    private static float[] random(int n, long seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = CounterRng.uniform(seed, i) - 0.5f;
        }
        return v;
    }

    private static Fcn model() {
        return Fcn.create(new FcnConfig("fcn8s", 5, WIDTH, false, Preprocessing.CAFFE, 1));
    }

    @Test
    void torchvisionStateDictLoadsWithFullyConnectedLayersAsConvolutions() throws IOException {
        Map<String, Tensor> sd = new LinkedHashMap<>();
        int in = 3;
        for (int l = 0; l < 13; l++) {
            int idx = Encoder.VGG16.convIndices()[l];
            sd.put("features." + idx + ".weight", Tensor.of(random(CHANNELS[l] * in * 9, l), CHANNELS[l], in, 3, 3));
            sd.put("features." + idx + ".bias", Tensor.of(random(CHANNELS[l], 100 + l), CHANNELS[l]));
            in = CHANNELS[l];
        }
        Tensor fc6 = Tensor.of(random(FC * C5 * 49, 200), FC, C5 * 49);
        sd.put("classifier.0.weight", fc6);
        sd.put("classifier.0.bias", Tensor.of(random(FC, 201), FC));
        sd.put("classifier.3.weight", Tensor.of(random(FC * FC, 202), FC, FC));
        sd.put("classifier.3.bias", Tensor.of(random(FC, 203), FC));
        sd.put("classifier.6.weight", Tensor.of(random(10 * FC, 204), 10, FC));
        sd.put("classifier.6.bias", Tensor.of(random(10, 205), 10));
        Path file = dir.resolve("vgg16.safetensors");
        Safetensors.save(file, sd);

        Vgg16Weights.Loaded loaded = Vgg16Weights.read(file);
        assertEquals(Preprocessing.TORCHVISION, loaded.preprocessing());
        Fcn model = model();
        Vgg16Weights.loadInto(model, loaded);
        var p = model.namedParameters();
        assertArrayEquals(sd.get("features.17.weight").toFloatArray(), p.get("features.17.weight").data().toFloatArray());
        assertEquals(Shape.of(FC, C5, 7, 7), p.get("fc6.weight").shape());
        assertEquals(Shape.of(FC, FC, 1, 1), p.get("fc7.weight").shape());

        // fc6 as a 7x7 convolution over a 7x7 map computes what the fully connected layer did on its
        // flattened (C, H, W) input.
        Tensor map = Tensor.of(random(C5 * 49, 300), 1, C5, 7, 7);
        Tensor conv = Ops.conv2d(map, p.get("fc6.weight").data(), null, ConvParams.of(1, 0));
        Tensor dense = Ops.matmul(fc6, false, map.reshape(C5 * 49, 1), false);
        assertClose(dense.toFloatArray(), conv.toFloatArray(), 1e-5, "fc6 as a convolution");
    }

    /**
     * VGG19's files, told from VGG16's by their extra convolutions: torchvision's state dict and Keras'
     * no-top h5 load into a VGG19 net, each tensor where torchvision's vgg19 has it, and are refused by a
     * VGG16 net (and VGG16's by a VGG19 net) with the option to give.
     */
    @Test
    void vgg19WeightsLoadIntoAVgg19NetOnly() throws IOException {
        int[] indices = Encoder.VGG19.convIndices();
        int[] channels = {4, 4, 8, 8, 16, 16, 16, 16, 32, 32, 32, 32, 32, 32, 32, 32};
        Map<String, Tensor> sd = new LinkedHashMap<>();
        int in = 3;
        for (int l = 0; l < indices.length; l++) {
            sd.put("features." + indices[l] + ".weight", Tensor.of(random(channels[l] * in * 9, l), channels[l], in, 3, 3));
            sd.put("features." + indices[l] + ".bias", Tensor.of(random(channels[l], 100 + l), channels[l]));
            in = channels[l];
        }
        sd.put("classifier.0.weight", Tensor.of(random(FC * C5 * 49, 200), FC, C5 * 49));
        sd.put("classifier.0.bias", Tensor.of(random(FC, 201), FC));
        sd.put("classifier.3.weight", Tensor.of(random(FC * FC, 202), FC, FC));
        sd.put("classifier.3.bias", Tensor.of(random(FC, 203), FC));
        Path file = dir.resolve("vgg19.safetensors");
        Safetensors.save(file, sd);

        Vgg16Weights.Loaded loaded = Vgg16Weights.read(file);
        Fcn vgg19 = Fcn.create(new FcnConfig("fcn8s", 5, WIDTH, false, Preprocessing.CAFFE, 1).with(Encoder.VGG19));
        Vgg16Weights.loadInto(vgg19, loaded);
        var p = vgg19.namedParameters();
        for (String name : List.of("features.16.weight", "features.25.bias", "features.34.weight")) {
            assertArrayEquals(sd.get(name).toFloatArray(), p.get(name).data().toFloatArray(), name);
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vgg16Weights.loadInto(model(), loaded));
        assertTrue(e.getMessage().contains("not vgg16's") && e.getMessage().contains("--encoder vgg19"), e.getMessage());

        Path h5file = dir.resolve("vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5");
        String[] names = Vgg16Weights.kerasConvs(Encoder.VGG19);
        float[][][][] conv54 = null;
        try (WritableHdfFile h5 = HdfFile.write(h5file)) {
            in = 3;
            for (int l = 0; l < names.length; l++) {
                float[][][][] k = kerasKernel(random(9 * in * channels[l], 50 + l), in, channels[l]);
                WritableGroup g = h5.putGroup(names[l]);
                g.putDataset(names[l] + "_W_1:0", k);
                g.putDataset(names[l] + "_b_1:0", random(channels[l], 150 + l));
                conv54 = k;
                in = channels[l];
            }
        }
        assertEquals("block5_conv4", names[names.length - 1]);
        Fcn fromKeras = Fcn.create(new FcnConfig("fcn8s", 5, WIDTH, false, Preprocessing.CAFFE, 1).with(Encoder.VGG19));
        Vgg16Weights.loadInto(fromKeras, Vgg16Weights.read(h5file));
        float[] w = fromKeras.namedParameters().get("features.34.weight").data().toFloatArray();
        for (int o = 0; o < 32; o++) {
            for (int i = 0; i < 32; i++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertEquals(conv54[y][x][i][o], w[((o * 32 + i) * 3 + y) * 3 + x]);
                    }
                }
            }
        }
        Vgg16Weights.Loaded vgg16 = new Vgg16Weights.Loaded(model().state(), Preprocessing.CAFFE, "torchvision");
        IllegalArgumentException back = assertThrows(IllegalArgumentException.class,
                () -> Vgg16Weights.loadInto(fromKeras, vgg16));
        assertTrue(back.getMessage().contains("--encoder vgg16"), back.getMessage());
    }

    @Test
    void kerasHdf5LoadsWithKernelsAndFlattenReordered() throws IOException {
        Path file = dir.resolve("vgg16_weights_tf_dim_ordering_tf_kernels.h5");
        Map<String, float[][][][]> convKernels = new LinkedHashMap<>();
        float[][] fc1;
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            int in = 3;
            for (int l = 0; l < 13; l++) {
                String name = Vgg16Weights.kerasConvs(Encoder.VGG16)[l];
                float[][][][] k = kerasKernel(random(9 * in * CHANNELS[l], l), in, CHANNELS[l]);
                convKernels.put(name, k);
                // Keras 2 nests the weights one group deeper; the older files do not. Both occur.
                WritableGroup g = h5.putGroup(name);
                WritableGroup inner = l % 2 == 0 ? g.putGroup(name) : g;
                inner.putDataset(l % 2 == 0 ? "kernel:0" : name + "_W_1:0", k);
                inner.putDataset(l % 2 == 0 ? "bias:0" : name + "_b_1:0", random(CHANNELS[l], 100 + l));
                in = CHANNELS[l];
            }
            fc1 = new float[49 * C5][FC];
            for (int r = 0; r < fc1.length; r++) {
                fc1[r] = random(FC, 1000 + r);
            }
            WritableGroup f1 = h5.putGroup("fc1");
            f1.putDataset("fc1_W_1:0", fc1);
            f1.putDataset("fc1_b_1:0", random(FC, 2000));
            float[][] fc2 = new float[FC][];
            for (int r = 0; r < FC; r++) {
                fc2[r] = random(FC, 3000 + r);
            }
            WritableGroup f2 = h5.putGroup("fc2");
            f2.putDataset("fc2_W_1:0", fc2);
            f2.putDataset("fc2_b_1:0", random(FC, 4000));
        }

        Vgg16Weights.Loaded loaded = Vgg16Weights.read(file);
        assertEquals(Preprocessing.CAFFE, loaded.preprocessing());
        Fcn model = model();
        Vgg16Weights.loadInto(model, loaded);
        var p = model.namedParameters();

        // Conv kernels: w[o, i, y, x] = keras[y][x][i][o].
        float[][][][] k = convKernels.get("block3_conv2");
        float[] w = p.get("features.12.weight").data().toFloatArray();
        int in = CHANNELS[4]; // block3_conv2 reads block3_conv1's output
        int out = CHANNELS[5];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertEquals(k[y][x][i][o], w[((o * in + i) * 3 + y) * 3 + x]);
                    }
                }
            }
        }
        // fc6 over a 7x7 map equals Keras' dense layer over the same map flattened as H, W, C.
        float[] chw = random(C5 * 49, 5);
        float[] expected = new float[FC];
        for (int o = 0; o < FC; o++) {
            double s = 0;
            for (int y = 0; y < 7; y++) {
                for (int x = 0; x < 7; x++) {
                    for (int c = 0; c < C5; c++) {
                        s += chw[(c * 7 + y) * 7 + x] * fc1[(y * 7 + x) * C5 + c][o];
                    }
                }
            }
            expected[o] = (float) s;
        }
        Tensor conv = Ops.conv2d(Tensor.of(chw, 1, C5, 7, 7), p.get("fc6.weight").data(), null, ConvParams.of(1, 0));
        assertClose(expected, conv.toFloatArray(), 1e-5, "fc6 from Keras fc1");
    }

    /**
     * Keras' "no top" file ends at block5: the convolutions load, reordered as from the full file, and fc6
     * and fc7 keep the model's own initialisation. A file with fc1 but no fc2 is still refused.
     */
    @Test
    void kerasNoTopLoadsTheConvolutionsAndLeavesFc6AndFc7() throws IOException {
        Path file = dir.resolve("vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5");
        float[][][][] block1Conv2 = null;
        try (WritableHdfFile h5 = HdfFile.write(file)) {
            int in = 3;
            for (int l = 0; l < 13; l++) {
                String name = Vgg16Weights.kerasConvs(Encoder.VGG16)[l];
                float[][][][] k = kerasKernel(random(9 * in * CHANNELS[l], 50 + l), in, CHANNELS[l]);
                if (l == 1) {
                    block1Conv2 = k;
                }
                WritableGroup g = h5.putGroup(name);
                g.putDataset("kernel:0", k);
                g.putDataset("bias:0", random(CHANNELS[l], 150 + l));
                in = CHANNELS[l];
            }
        }
        Vgg16Weights.Loaded loaded = Vgg16Weights.read(file);
        assertEquals(Vgg16Weights.NO_TOP, loaded.source());
        assertEquals(26, loaded.encoder().size(), "13 kernels and 13 biases: " + loaded.encoder().keySet());
        Fcn model = model();
        var p = model.namedParameters();
        float[] fc6Before = p.get("fc6.weight").data().toFloatArray();
        float[] fc7Before = p.get("fc7.bias").data().toFloatArray();
        Vgg16Weights.loadInto(model, loaded);

        float[] w = p.get("features.2.weight").data().toFloatArray(); // block1_conv2
        int in = CHANNELS[0];
        for (int o = 0; o < CHANNELS[1]; o++) {
            for (int i = 0; i < in; i++) {
                for (int y = 0; y < 3; y++) {
                    for (int x = 0; x < 3; x++) {
                        assertEquals(block1Conv2[y][x][i][o], w[((o * in + i) * 3 + y) * 3 + x]);
                    }
                }
            }
        }
        assertArrayEquals(random(CHANNELS[12], 162), p.get("features.28.bias").data().toFloatArray(), "block5_conv3 bias");
        assertArrayEquals(fc6Before, p.get("fc6.weight").data().toFloatArray(), "fc6 keeps its initialisation");
        assertArrayEquals(fc7Before, p.get("fc7.bias").data().toFloatArray(), "fc7 keeps its initialisation");

        Path half = dir.resolve("fc1_only.h5");
        try (WritableHdfFile h5 = HdfFile.write(half)) {
            int in2 = 3;
            for (int l = 0; l < 13; l++) {
                WritableGroup g = h5.putGroup(Vgg16Weights.kerasConvs(Encoder.VGG16)[l]);
                g.putDataset("kernel:0", new float[3][3][in2][CHANNELS[l]]);
                g.putDataset("bias:0", new float[CHANNELS[l]]);
                in2 = CHANNELS[l];
            }
            WritableGroup f1 = h5.putGroup("fc1");
            f1.putDataset("fc1_W_1:0", new float[49 * C5][FC]);
            f1.putDataset("fc1_b_1:0", new float[FC]);
        }
        IOException e = assertThrows(IOException.class, () -> Vgg16Weights.read(half));
        assertTrue(e.getMessage().contains("no layer group 'fc2'"), e.getMessage());
    }

    @Test
    void badFilesAreNamed() throws IOException {
        Path empty = dir.resolve("empty.safetensors");
        Safetensors.save(empty, Map.of("features.0.weight", Tensor.zeros(4, 3, 3, 3)));
        IOException e = assertThrows(IOException.class, () -> Vgg16Weights.read(empty));
        assertTrue(e.getMessage().contains("features.0.bias") && e.getMessage().contains(empty.toString()), e.getMessage());

        Path h5 = dir.resolve("partial.h5");
        try (WritableHdfFile f = HdfFile.write(h5)) {
            f.putGroup("block1_conv1").putDataset("k", new float[3][3][3][4]);
        }
        e = assertThrows(IOException.class, () -> Vgg16Weights.read(h5));
        assertTrue(e.getMessage().contains("block1_conv1"), e.getMessage());

        assertThrows(IOException.class, () -> Vgg16Weights.read(dir.resolve("missing.h5")));
        assertThrows(IOException.class, () -> Vgg16Weights.read(dir.resolve("weights.bin")));
    }

    @Test
    void weightsNarrowerThanTheModelAreRejectedWithTheParameterAndBothShapes() {
        Map<String, Tensor> encoder = new LinkedHashMap<>();
        encoder.put("features.0.weight", Tensor.zeros(2, 3, 3, 3));
        encoder.put("features.0.bias", Tensor.zeros(2));
        Vgg16Weights.Loaded wrong = new Vgg16Weights.Loaded(encoder, Preprocessing.CAFFE, "test");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vgg16Weights.loadInto(model(), wrong));
        assertTrue(e.getMessage().contains("features.0.weight") && e.getMessage().contains("[2, 3, 3, 3]")
                && e.getMessage().contains("[4, 3, 3, 3]"), e.getMessage());
    }

    /**
     * A narrower model from wider weights: in a 1/16-width encoder every layer has a random half of its
     * filters made 100 times smaller, so narrowing to 1/32 by filter norm must keep exactly the other
     * half, each filter with exactly the input channels the layer before kept.
     */
    @Test
    void aNarrowerModelKeepsTheFiltersWithTheLargestNorms() {
        Map<String, Tensor> full = new LinkedHashMap<>();
        Map<String, boolean[]> live = new LinkedHashMap<>();
        long seed = 300;
        for (var e : model().state().entrySet()) {
            if (!e.getKey().startsWith("features.") && !e.getKey().startsWith("fc")) {
                continue;
            }
            Tensor t = e.getValue();
            if (e.getKey().endsWith(".weight")) {
                int out = t.dim(0);
                int per = (int) t.shape().numel() / out;
                boolean[] keep = new boolean[out];
                List<Integer> order = new ArrayList<>(IntStream.range(0, out).boxed().toList());
                Collections.shuffle(order, new Random(seed));
                order.subList(0, out / 2).forEach(o -> keep[o] = true);
                float[] w = random((int) t.shape().numel(), seed++);
                for (int o = 0; o < out; o++) {
                    for (int j = 0; j < per && !keep[o]; j++) {
                        w[o * per + j] *= 0.01f;
                    }
                }
                live.put(e.getKey(), keep);
                full.put(e.getKey(), Tensor.of(w, t.shape()));
            } else {
                full.put(e.getKey(), Tensor.of(random((int) t.shape().numel(), seed++), t.shape()));
            }
        }
        Fcn narrow = Fcn.create(new FcnConfig("fcn8s", 5, WIDTH / 2, false, Preprocessing.CAFFE, 1));
        Vgg16Weights.loadInto(narrow, new Vgg16Weights.Loaded(full, Preprocessing.CAFFE, "test"));

        int[] inputs = {0, 1, 2};
        for (var e : live.entrySet()) {
            String name = e.getKey();
            int[] outputs = IntStream.range(0, e.getValue().length).filter(o -> e.getValue()[o]).toArray();
            Tensor f = full.get(name);
            int inFull = f.dim(1);
            int k = f.dim(2) * f.dim(3);
            float[] fw = f.toFloatArray();
            float[] expected = new float[outputs.length * inputs.length * k];
            for (int o = 0; o < outputs.length; o++) {
                for (int i = 0; i < inputs.length; i++) {
                    for (int j = 0; j < k; j++) {
                        expected[(o * inputs.length + i) * k + j] = fw[(outputs[o] * inFull + inputs[i]) * k + j];
                    }
                }
            }
            var p = narrow.namedParameters();
            assertArrayEquals(expected, p.get(name).data().toFloatArray(), name);
            String bias = name.replace(".weight", ".bias");
            float[] fb = full.get(bias).toFloatArray();
            float[] nb = p.get(bias).data().toFloatArray();
            for (int o = 0; o < outputs.length; o++) {
                assertEquals(fb[outputs[o]], nb[o], bias);
            }
            inputs = outputs;
        }
        assertEquals(15, live.size(), "13 convolutions, fc6 and fc7");
    }
}
