package dev.pixelgrad.fcn.weights;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Encoder;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.fuzz.ParserContract;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.CounterRng;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Struct;

/**
 * MatConvNet's VGG-VD files: one written by SciPy as MatConvNet's importer writes them (values that encode
 * their own position), and narrow VGG16 and VGG19 networks written with mfl-core in both the current and the
 * older layout, loaded into a model and checked against convolutions computed here from the MATLAB-ordered
 * values.
 */
class MatConvNetWeightsTest {
    /** 1/32 of VGG's widths: what {@link #model} builds. */
    private static final int[] CHANNELS = {2, 4, 8, 16, 16};
    private static final int FC = 128;
    private static final float WIDTH = 1f / 32;
    /** torchvision's vgg19: where its 16 convolutions are in {@code features}. */
    private static final int[] VGG19_FEATURES = {0, 2, 5, 7, 10, 12, 14, 16, 19, 21, 23, 25, 28, 30, 32, 34};

    @TempDir
    Path dir;

    private static Fcn model() {
        return Fcn.create(new FcnConfig("fcn8s", 5, WIDTH, false, Preprocessing.CAFFE, 1));
    }

    private static float[] random(int n, long seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = CounterRng.uniform(seed, i) - 0.5f;
        }
        return v;
    }

    /** The names MatConvNet gives the convolutions before fc6, in order. */
    private static List<String> convNames(int[] blocks) {
        List<String> names = new ArrayList<>();
        for (int b = 0; b < blocks.length; b++) {
            for (int c = 1; c <= blocks[b]; c++) {
                names.add("conv" + (b + 1) + "_" + c);
            }
        }
        return names;
    }

    /** Every loaded weight equals the MATLAB array's (y, x, i, o) at [o, i, y, x], and every bias its own. */
    private static void assertTransposed(MatConvNetFixtures.Conv c, Tensor weight, Tensor bias) {
        assertEquals(Shape.of(c.out(), c.in(), c.k(), c.k()), weight.shape(), c.name());
        float[] w = weight.toFloatArray();
        for (int o = 0; o < c.out(); o++) {
            for (int i = 0; i < c.in(); i++) {
                for (int y = 0; y < c.k(); y++) {
                    for (int x = 0; x < c.k(); x++) {
                        if (w[((o * c.in() + i) * c.k() + y) * c.k() + x] != c.at(y, x, i, o)) {
                            assertEquals(c.at(y, x, i, o), w[((o * c.in() + i) * c.k() + y) * c.k() + x],
                                    c.name() + " at y " + y + ", x " + x + ", in " + i + ", out " + o);
                        }
                    }
                }
            }
        }
        assertArrayEquals(c.biases(), bias.toFloatArray(), c.name() + " biases");
    }

    /**
     * What MatConvNet's vl_nnconv computes (stride 1, zero padding {@code pad}), straight from the MATLAB
     * array: y(r, q, o) = b(o) + sum over i, dy, dx of f(dy, dx, i, o) x(r + dy - pad, q + dx - pad, i).
     */
    private static float[] matconvnetConv(MatConvNetFixtures.Conv c, float[] chw, int h, int w, int pad) {
        int oh = h + 2 * pad - c.k() + 1;
        int ow = w + 2 * pad - c.k() + 1;
        float[] out = new float[c.out() * oh * ow];
        for (int o = 0; o < c.out(); o++) {
            for (int r = 0; r < oh; r++) {
                for (int q = 0; q < ow; q++) {
                    double s = c.biases()[o];
                    for (int i = 0; i < c.in(); i++) {
                        for (int dy = 0; dy < c.k(); dy++) {
                            for (int dx = 0; dx < c.k(); dx++) {
                                int y = r + dy - pad;
                                int x = q + dx - pad;
                                if (y >= 0 && y < h && x >= 0 && x < w) {
                                    s += c.at(dy, dx, i, o) * chw[(i * h + y) * w + x];
                                }
                            }
                        }
                    }
                    out[(o * oh + r) * ow + q] = (float) s;
                }
            }
        }
        return out;
    }

    /**
     * The fixture SciPy wrote (tools/matconvnet/make_matconvnet_mat.py) as MatConvNet's importer writes its
     * files: every filter value is l*10000 + o*1000 + i*100 + y*10 + x for the l-th convolution, so each one
     * must land at [o, i, y, x] of its own layer; fc8 is left out.
     */
    @Test
    void theFileScipyWroteLoadsEveryValueWhereItsPositionSays() throws IOException {
        Path file = dir.resolve("vgg16_tiny_matconvnet.mat");
        try (InputStream in = getClass().getResourceAsStream("/matconvnet/vgg16_tiny_matconvnet.mat")) {
            Files.write(file, in.readAllBytes());
        }
        Vgg16Weights.Loaded loaded = Vgg16Weights.read(file);
        assertEquals(Preprocessing.MATCONVNET, loaded.preprocessing());
        assertEquals(MatConvNetWeights.SOURCE, loaded.source());
        assertEquals(16, loaded.depth());
        TreeSet<String> expectedNames = new TreeSet<>(List.of("fc6.weight", "fc6.bias", "fc7.weight", "fc7.bias"));
        for (int i : Encoder.VGG16.convIndices()) {
            expectedNames.add("features." + i + ".weight");
            expectedNames.add("features." + i + ".bias");
        }
        assertEquals(expectedNames, new TreeSet<>(loaded.encoder().keySet()));

        List<String> names = new ArrayList<>();
        for (int i : Encoder.VGG16.convIndices()) {
            names.add("features." + i);
        }
        names.add("fc6");
        names.add("fc7");
        int in = 3;
        for (int l = 1; l <= names.size(); l++) {
            Tensor w = loaded.encoder().get(names.get(l - 1) + ".weight");
            int k = l == 14 ? 7 : l == 15 ? 1 : 3;
            int out = l <= 13 ? 2 : 4;
            assertEquals(Shape.of(out, in, k, k), w.shape(), names.get(l - 1));
            float[] v = w.toFloatArray();
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    for (int y = 0; y < k; y++) {
                        for (int x = 0; x < k; x++) {
                            assertEquals(l * 10000 + o * 1000 + i * 100 + y * 10 + x, v[((o * in + i) * k + y) * k + x],
                                    names.get(l - 1) + " [" + o + ", " + i + ", " + y + ", " + x + "]");
                        }
                    }
                }
            }
            float[] b = loaded.encoder().get(names.get(l - 1) + ".bias").toFloatArray();
            for (int o = 0; o < out; o++) {
                assertEquals(-(l * 10000 + o), b[o], names.get(l - 1) + " bias " + o);
            }
            in = out;
        }
    }

    /**
     * A VGG16 at 1/32 width in the current layout loads into the same-width model; its convolutions then
     * compute what MatConvNet computes with the file's arrays (conv3_1: 4 to 8 channels, so in and out
     * cannot be confused; fc6 over a 7x7 map).
     */
    @Test
    void vgg16LoadsIntoTheModelAndConvolvesAsMatConvNetDoes() throws IOException {
        MatConvNetFixtures.Net net = MatConvNetFixtures.vgg(Encoder.VGG16.convsPerBlock(), CHANNELS, FC, false, 10);
        Path file = net.write(dir.resolve("imagenet-vgg-verydeep-16.mat"));
        Vgg16Weights.Loaded loaded = Vgg16Weights.read(file);
        assertEquals(16, loaded.depth());
        assertEquals(Preprocessing.MATCONVNET, loaded.preprocessing());
        Fcn model = model();
        List<String> names = Vgg16Weights.loadInto(model, loaded);
        Map<String, Variable> p = model.namedParameters();
        assertEquals(30, names.size(), "13 convolutions, fc6 and fc7: " + names);
        List<String> convs = convNames(Encoder.VGG16.convsPerBlock());
        for (int l = 0; l < convs.size(); l++) {
            String name = "features." + Encoder.VGG16.convIndices()[l];
            assertTransposed(net.conv(convs.get(l)), p.get(name + ".weight").data(), p.get(name + ".bias").data());
        }
        assertTransposed(net.conv("fc6"), p.get("fc6.weight").data(), p.get("fc6.bias").data());
        assertTransposed(net.conv("fc7"), p.get("fc7.weight").data(), p.get("fc7.bias").data());

        float[] x = random(4 * 6 * 5, 77);
        Tensor conv31 = Ops.conv2d(Tensor.of(x, 1, 4, 6, 5), p.get("features.10.weight").data(),
                p.get("features.10.bias").data(), ConvParams.of(1, 1));
        assertClose(matconvnetConv(net.conv("conv3_1"), x, 6, 5, 1), conv31.toFloatArray(), 1e-5, "conv3_1");
        float[] map = random(16 * 49, 78);
        Tensor fc6 = Ops.conv2d(Tensor.of(map, 1, 16, 7, 7), p.get("fc6.weight").data(), p.get("fc6.bias").data(),
                ConvParams.of(1, 0));
        assertClose(matconvnetConv(net.conv("fc6"), map, 7, 7, 0), fc6.toFloatArray(), 1e-5, "fc6");
    }

    /** VGG19's 16 convolutions go to torchvision's vgg19 indices, and a VGG16 model refuses them. */
    @Test
    void vgg19MapsToTorchvisionsVgg19Layout() throws IOException {
        assertArrayEquals(VGG19_FEATURES, Encoder.VGG19.convIndices());
        MatConvNetFixtures.Net net = MatConvNetFixtures.vgg(Encoder.VGG19.convsPerBlock(), CHANNELS, FC, false, 20);
        Vgg16Weights.Loaded loaded = Vgg16Weights.read(net.write(dir.resolve("imagenet-vgg-verydeep-19.mat")));
        assertEquals(19, loaded.depth());
        assertEquals(36, loaded.encoder().size(), "16 convolutions, fc6 and fc7: " + loaded.encoder().keySet());
        List<String> convs = convNames(Encoder.VGG19.convsPerBlock());
        for (int l = 0; l < convs.size(); l++) {
            String name = "features." + VGG19_FEATURES[l];
            assertTransposed(net.conv(convs.get(l)), loaded.encoder().get(name + ".weight"),
                    loaded.encoder().get(name + ".bias"));
        }
        assertTransposed(net.conv("fc7"), loaded.encoder().get("fc7.weight"), loaded.encoder().get("fc7.bias"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vgg16Weights.loadInto(model(), loaded));
        assertTrue(e.getMessage().contains("VGG19 weights (16 convolutions before fc6)")
                && e.getMessage().contains("not vgg16's") && e.getMessage().contains("--encoder vgg19"), e.getMessage());
        Fcn vgg19 = Fcn.create(model().config().with(Encoder.VGG19));
        Vgg16Weights.loadInto(vgg19, loaded);
        for (String name : List.of("features.16.weight", "features.34.weight", "fc6.weight")) {
            assertArrayEquals(loaded.encoder().get(name).toFloatArray(),
                    vgg19.namedParameters().get(name).data().toFloatArray(), name);
        }
    }

    /**
     * The oldest files: filters and biases as fields (before MatConvNet 1.0-beta11) and the normalization at
     * the top level (before 1.0-beta17); here also biases as rows rather than columns, and a whole average
     * image whose channel means are VGG's.
     */
    @Test
    void olderFilesWithFiltersAndBiasesFieldsLoadToo() throws IOException {
        MatConvNetFixtures.Net net = MatConvNetFixtures.vgg(Encoder.VGG16.convsPerBlock(), CHANNELS, FC, true, 30);
        Matrix image = Mat5.newMatrix(new int[] {4, 5, 3}, MatlabType.Single);
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 20; i++) {
                image.setFloat(c * 20 + i, (float) MatConvNetFixtures.MEAN_RGB[c] + (i % 2 == 0 ? 3 : -3));
            }
        }
        net.averageImage = image;
        Vgg16Weights.Loaded loaded = Vgg16Weights.read(net.write(dir.resolve("old.mat")));
        assertEquals(Preprocessing.MATCONVNET, loaded.preprocessing());
        Fcn model = model();
        Vgg16Weights.loadInto(model, loaded);
        Map<String, Variable> p = model.namedParameters();
        assertTransposed(net.conv("conv1_1"), p.get("features.0.weight").data(), p.get("features.0.bias").data());
        assertTransposed(net.conv("conv4_3"), p.get("features.21.weight").data(), p.get("features.21.bias").data());
        assertTransposed(net.conv("fc6"), p.get("fc6.weight").data(), p.get("fc6.bias").data());
    }

    /** Writes a VGG16 at 1/32 width after {@code edit}, reads it and returns the error, checked to be one line. */
    private String refused(String fileName, Consumer<MatConvNetFixtures.Net> edit) throws IOException {
        MatConvNetFixtures.Net net = MatConvNetFixtures.vgg(Encoder.VGG16.convsPerBlock(), CHANNELS, FC, false, 40);
        edit.accept(net);
        return refused(net.write(dir.resolve(fileName)));
    }

    private static String refused(Path file) {
        IOException e = assertThrows(IOException.class, () -> Vgg16Weights.read(file));
        assertTrue(e.getMessage().startsWith(file + ": ") || e.getMessage().contains(" " + file + " "), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }

    private static int indexOf(MatConvNetFixtures.Net net, String name) {
        for (int i = 0; i < net.layers.size(); i++) {
            if (net.layers.get(i).getChar("name").getString().equals(name)) {
                return i;
            }
        }
        throw new AssertionError(name);
    }

    private static void assertMentions(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message.contains(part), "'" + part + "' in: " + message);
        }
    }

    /**
     * mfl-core allocates the buffer of a matrix's values as large as their tag says, before reading them:
     * here a 200-byte file (MATLAB v5's header, then one single-precision 1x1 matrix whose values' tag claims
     * 2 GB). The reader's buffers are bounded by what the file's bytes can hold, so it is refused without
     * the allocation.
     */
    @Test
    void valuesClaimingGigabytesAreRefusedBeforeTheyAreAllocated() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(200).order(ByteOrder.LITTLE_ENDIAN);
        b.put(Arrays.copyOf("MATLAB 5.0 MAT-file".getBytes(StandardCharsets.US_ASCII), 116));
        b.position(124);
        b.putShort((short) 0x0100).put((byte) 'I').put((byte) 'M'); // version 1, little-endian
        b.putInt(14).putInt(64); // miMATRIX of 64 bytes
        b.putInt(6).putInt(8).putInt(7).putInt(0); // array flags (miUINT32): class single
        b.putInt(5).putInt(8).putInt(1).putInt(1); // dimensions (miINT32): 1x1
        b.putInt(1).putInt(1).put((byte) 'x').position(b.position() + 7); // name (miINT8): "x"
        b.putInt(7).putInt(0x7FFFFFF8); // real part (miSINGLE): 2 GB, it says
        Path claim = Files.write(dir.resolve("claims-2GB.mat"), b.array());

        ParserContract contract = new ParserContract(".mat", List.of(IOException.class), 4L << 20, 8);
        ParserContract.Outcome o = contract.check(claim, 200, Vgg16Weights::read);
        assertMentions(o.thrown().getMessage(), claim + ": not a readable MATLAB v5/v7 .mat file: its headers ask for"
                + " 2147483640 bytes more, past what its 200 bytes can hold");
    }

    @Test
    void badFilesAreRefusedInOneLineNamingTheFileAndTheFault() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.mat"), "not a MAT file at all, but long enough to have a header "
                .repeat(4));
        assertMentions(refused(text), "not a readable MATLAB v5/v7 .mat file");

        byte[] header = new byte[256];
        byte[] said = "MATLAB 7.3 MAT-file, Platform: GLNXA64, Created on: Mon Jan  1 00:00:00 2018 HDF5 schema 1.00 ."
                .getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(said, 0, header, 0, said.length);
        assertMentions(refused(Files.write(dir.resolve("v73.mat"), header)), "v7.3 (HDF5)", "-v7");

        Path noLayers = dir.resolve("meta-only.mat");
        try (MatFile mat = Mat5.newMatFile()) {
            mat.addArray("meta", Mat5.newStruct());
            Mat5.writeToFile(mat, noLayers.toFile());
        }
        assertMentions(refused(noLayers), "no variable 'layers'", "[meta]");

        Path dag = dir.resolve("imagenet-resnet-50-dag.mat");
        try (MatFile mat = Mat5.newMatFile()) {
            mat.addArray("layers", Mat5.newStruct(1, 3));
            mat.addArray("params", Mat5.newStruct(1, 3));
            Mat5.writeToFile(mat, dag.toFile());
        }
        assertMentions(refused(dag), "not a cell array", "DagNN");

        assertMentions(refused("wrong-in.mat", n -> n.layers.set(indexOf(n, "conv2_1"),
                new MatConvNetFixtures.Net(false, 1).conv("conv2_1", 3, 3, 4).layers.get(0))),
                "layer 6 (conv2_1) filters are 3x3x3x4; expected 3x3x2xN (the previous layer's 2 channels)");
        assertMentions(refused("fc6-5x5.mat", n -> n.layers.set(indexOf(n, "fc6"),
                new MatConvNetFixtures.Net(false, 1).conv("fc6", 5, 16, FC).layers.get(0))),
                "(fc6) filters are 5x5x16x128; expected 7x7x16xN");
        assertMentions(refused("bias.mat", n -> {
            Struct s = n.layers.get(indexOf(n, "conv1_2"));
            s.getCell("weights").set(1, Mat5.newMatrix(3, 1, MatlabType.Single));
        }), "(conv1_2) biases are 3x1; expected a vector of 2");
        assertMentions(refused("double-cell.mat", n -> n.layers.get(0).set("weights", Mat5.newCell(1, 1))),
                "layer 1 (conv1_1): weights is a 1x1 cell, not a cell {filters, biases}");
        assertMentions(refused("int.mat", n -> n.layers.get(0).getCell("weights").set(0,
                Mat5.newMatrix(new int[] {3, 3, 3, 2}, MatlabType.Int32))), "(conv1_1) filters: a 3x3x3x2 int32");

        // conv1_1's filters claim 2^28 outputs (their dimensions' last int32, in a file stored uncompressed):
        // mfl-core checks a matrix's values against its shape, so no copy of that size is attempted.
        Path stored = MatConvNetFixtures.vgg(Encoder.VGG16.convsPerBlock(), CHANNELS, FC, false, 60)
                .write(dir.resolve("stored.mat"), false);
        byte[] bytes = Files.readAllBytes(stored);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while (!(b.getInt(at) == 5 && b.getInt(at + 4) == 16 && b.getInt(at + 8) == 3 && b.getInt(at + 20) == 2)) {
            at += 8; // tags are 8-byte aligned
        }
        b.putInt(at + 20, 1 << 28);
        assertMentions(refused(Files.write(dir.resolve("claims-outputs.mat"), bytes)),
                "not a readable MATLAB v5/v7 .mat file", "Incorrect number of elements");

        // A convolution (and its ReLU) short in block 4: no VGG.
        assertMentions(refused("vgg15.mat", n -> n.layers.subList(indexOf(n, "conv4_3"), indexOf(n, "conv4_3") + 2).clear()),
                "its blocks have 2, 2, 3, 2, 3 convolutions; VGG16 has 2, 2, 3, 3, 3 and VGG19 2, 2, 4, 4, 4");
        assertMentions(refused("pools.mat", n -> n.layers.remove(indexOf(n, "pool5"))),
                "has 4 pooling layers; VGG16 and VGG19 have 5");
        assertMentions(refused("no-fc7.mat", n -> n.layers.subList(indexOf(n, "fc7"), n.layers.size()).clear()),
                "has 1 convolution after pool5; VGG has fc6, fc7 and fc8");
        assertMentions(refused("bnorm.mat", n -> n.layers.set(1, n.layers.get(1).set("type", Mat5.newString("bnorm")))),
                "layer 2 (relu1_1) is of type 'bnorm'");

        // Caffe's mean pixel, as MatConvNet's imports of Caffe's own models subtract it (RGB).
        assertMentions(refused("caffe-mean.mat", n -> n.averageImage = MatConvNetFixtures.meanPixel(
                new double[] {122.67892, 116.66877, 104.00699})),
                "meta.normalization.averageImage has the mean (R, G, B) = (122.679, 116.669, 104.007);"
                + " only the VGG-VD models' (123.680, 116.779, 103.939) is supported");
        assertMentions(refused("no-mean.mat", n -> n.averageImage = Mat5.newMatrix(0, 0)),
                "averageImage is 0x0; expected a mean pixel (1x1x3) or an image (HxWx3)");

        Path noLayers2 = dir.resolve("empty-layers.mat");
        MatConvNetFixtures.Net net = MatConvNetFixtures.vgg(Encoder.VGG16.convsPerBlock(), CHANNELS, FC, false, 50);
        try (MatFile mat = Mat5.newMatFile()) {
            mat.addArray("layers", Mat5.newCell(1, 0));
            Mat5.writeToFile(mat, noLayers2.toFile());
        }
        assertMentions(refused(noLayers2), "has 0 pooling layers");
        Path bare = dir.resolve("bare.mat");
        try (MatFile mat = Mat5.newMatFile()) {
            var cell = Mat5.newCell(1, net.layers.size());
            for (int i = 0; i < net.layers.size(); i++) {
                cell.set(i, net.layers.get(i));
            }
            mat.addArray("layers", cell);
            Mat5.writeToFile(mat, bare.toFile());
        }
        assertMentions(refused(bare), "no meta.normalization (nor a top-level normalization");

        IOException missing = assertThrows(IOException.class, () -> Vgg16Weights.read(dir.resolve("absent.mat")));
        assertMentions(missing.getMessage(), "absent.mat does not exist");
    }
}
