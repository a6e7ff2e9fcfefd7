package dev.pixelgrad.fcn.weights;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.Surgery;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.io.SafetensorsReader;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * ImageNet VGG16 weights for the FCN encoder, from the two files people have:
 * <ul>
 *   <li>a safetensors file with torchvision's {@code vgg16} state-dict names: {@code features.N.*} map
 *       one to one, {@code classifier.0} (4096 x 25088) becomes fc6 (4096 x 512 x 7 x 7) and
 *       {@code classifier.3} becomes fc7; the 1000-class {@code classifier.6} is dropped;</li>
 *   <li>the Keras {@code vgg16_weights_tf_dim_ordering_tf_kernels.h5}: layers {@code block1_conv1} ...
 *       {@code block5_conv3}, {@code fc1}, {@code fc2}, read with jHDF (pure Java). Keras kernels are
 *       H, W, in, out and its flatten before fc1 is H, W, C, so both are reordered to PyTorch's layout.</li>
 * </ul>
 * The result is a map of encoder parameters by this project's names, plus the preprocessing those
 * weights were trained with (torchvision: RGB with mean/std; Keras and Caffe: BGR, 0-255, minus mean).
 */
public final class Vgg16Weights {
    /** Indices of VGG16's 13 convolutions in torchvision's {@code features}. */
    static final int[] CONV_INDICES = {0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28};
    static final String[] KERAS_CONVS = {"block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
        "block3_conv1", "block3_conv2", "block3_conv3", "block4_conv1", "block4_conv2", "block4_conv3",
        "block5_conv1", "block5_conv2", "block5_conv3"};

    /** Encoder parameters by name, and the preprocessing that matches them. */
    public record Loaded(Map<String, Tensor> encoder, Preprocessing preprocessing, String source) {}

    private Vgg16Weights() {}

    /** Reads either format, by extension (.safetensors, or .h5/.hdf5). */
    public static Loaded read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("VGG16 weights file " + path + " does not exist");
        }
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".safetensors")) {
            return fromTorchvision(path);
        }
        if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            return fromKeras(path);
        }
        throw new IOException(path + ": expected a torchvision .safetensors or a Keras .h5 VGG16 weights file");
    }

    public static Loaded fromTorchvision(Path path) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(path)) {
            for (int i : CONV_INDICES) {
                out.put("features." + i + ".weight", need(r, path, "features." + i + ".weight"));
                out.put("features." + i + ".bias", need(r, path, "features." + i + ".bias"));
            }
            Tensor fc6 = need(r, path, "classifier.0.weight");
            int c5 = out.get("features.28.weight").dim(0);
            out.put("fc6.weight", Surgery.fullyConnectedToConv(fc6, c5, 7));
            out.put("fc6.bias", need(r, path, "classifier.0.bias"));
            Tensor fc7 = need(r, path, "classifier.3.weight");
            out.put("fc7.weight", Surgery.fullyConnectedToConv(fc7, fc7.dim(1), 1));
            out.put("fc7.bias", need(r, path, "classifier.3.bias"));
        }
        return new Loaded(out, Preprocessing.TORCHVISION, "torchvision");
    }

    private static Tensor need(SafetensorsReader r, Path path, String name) throws IOException {
        if (!r.contains(name)) {
            throw new IOException(path + ": no tensor \"" + name + "\"; is this torchvision's vgg16 state dict?");
        }
        return r.load(name);
    }

    public static Loaded fromKeras(Path path) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (HdfFile h5 = new HdfFile(path)) {
            for (int l = 0; l < KERAS_CONVS.length; l++) {
                float[][] kb = kernelAndBias(h5, path, KERAS_CONVS[l], 4);
                int[] d = dims(h5, path, KERAS_CONVS[l], 4); // kh, kw, in, out
                out.put("features." + CONV_INDICES[l] + ".weight", hwioToOihw(kb[0], d[0], d[1], d[2], d[3]));
                out.put("features." + CONV_INDICES[l] + ".bias", Tensor.of(kb[1], kb[1].length));
            }
            int c5 = out.get("features.28.weight").dim(0);
            float[][] fc1 = kernelAndBias(h5, path, "fc1", 2);
            int[] d1 = dims(h5, path, "fc1", 2); // [7*7*C, out], input flattened as H, W, C
            if (d1[0] != 49 * c5) {
                throw new IOException(path + ": fc1 kernel " + java.util.Arrays.toString(d1) + " does not take the 7x7x"
                        + c5 + " output of block5");
            }
            out.put("fc6.weight", denseHwcToConv(fc1[0], c5, 7, d1[1]));
            out.put("fc6.bias", Tensor.of(fc1[1], fc1[1].length));
            float[][] fc2 = kernelAndBias(h5, path, "fc2", 2);
            int[] d2 = dims(h5, path, "fc2", 2);
            out.put("fc7.weight", denseHwcToConv(fc2[0], d2[0], 1, d2[1]));
            out.put("fc7.bias", Tensor.of(fc2[1], fc2[1].length));
        } catch (RuntimeException e) {
            throw new IOException(path + ": cannot read as a Keras HDF5 weights file: " + e.getMessage(), e);
        }
        return new Loaded(out, Preprocessing.CAFFE, "keras");
    }

    /** The layer's kernel (of the given rank) and bias, flat, found among the datasets under its group. */
    private static float[][] kernelAndBias(HdfFile h5, Path path, String layer, int kernelRank) throws IOException {
        List<Dataset> ds = datasets(h5, path, layer);
        Dataset kernel = null;
        Dataset bias = null;
        for (Dataset d : ds) {
            int rank = d.getDimensions().length;
            if (rank == kernelRank) {
                kernel = only(kernel, d, path, layer);
            } else if (rank == 1) {
                bias = only(bias, d, path, layer);
            }
        }
        if (kernel == null || bias == null) {
            throw new IOException(path + ": layer " + layer + " needs a rank-" + kernelRank + " kernel and a bias");
        }
        return new float[][] {floats(kernel), floats(bias)};
    }

    private static int[] dims(HdfFile h5, Path path, String layer, int rank) throws IOException {
        for (Dataset d : datasets(h5, path, layer)) {
            if (d.getDimensions().length == rank) {
                return d.getDimensions();
            }
        }
        throw new IOException(path + ": layer " + layer + " has no rank-" + rank + " kernel");
    }

    private static Dataset only(Dataset seen, Dataset d, Path path, String layer) throws IOException {
        if (seen != null) {
            throw new IOException(path + ": layer " + layer + " has two datasets of rank "
                    + d.getDimensions().length + " (" + seen.getPath() + ", " + d.getPath() + ")");
        }
        return d;
    }

    private static List<Dataset> datasets(HdfFile h5, Path path, String layer) throws IOException {
        Node n;
        try {
            n = h5.getByPath(layer);
        } catch (RuntimeException e) {
            n = null;
        }
        if (!(n instanceof Group g)) {
            throw new IOException(path + ": no layer group '" + layer + "' (is this Keras' VGG16 weights file?)");
        }
        List<Dataset> out = new ArrayList<>();
        collect(g, out);
        return out;
    }

    private static void collect(Group g, List<Dataset> out) {
        for (Node child : g.getChildren().values()) {
            if (child instanceof Dataset d) {
                out.add(d);
            } else if (child instanceof Group sub) {
                collect(sub, out);
            }
        }
    }

    private static float[] floats(Dataset d) {
        Object flat = d.getDataFlat();
        if (flat instanceof float[] f) {
            return f;
        }
        if (flat instanceof double[] dd) {
            float[] f = new float[dd.length];
            for (int i = 0; i < f.length; i++) {
                f[i] = (float) dd[i];
            }
            return f;
        }
        throw new IllegalArgumentException("dataset " + d.getPath() + " holds " + d.getJavaType() + ", not floats");
    }

    /** Keras conv kernel [kh, kw, in, out] to PyTorch's [out, in, kh, kw]. */
    static Tensor hwioToOihw(float[] k, int kh, int kw, int in, int out) {
        float[] w = new float[k.length];
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                for (int i = 0; i < in; i++) {
                    for (int o = 0; o < out; o++) {
                        w[((o * in + i) * kh + y) * kw + x] = k[((y * kw + x) * in + i) * out + o];
                    }
                }
            }
        }
        return Tensor.of(w, out, in, kh, kw);
    }

    /**
     * A Keras dense kernel [k*k*C, out] whose input was a k x k x C map flattened in H, W, C order, as a
     * convolution weight [out, C, k, k]: w[o, c, y, x] = kernel[(y*k + x)*C + c, o].
     */
    static Tensor denseHwcToConv(float[] kernel, int channels, int k, int out) {
        float[] w = new float[kernel.length];
        for (int o = 0; o < out; o++) {
            for (int c = 0; c < channels; c++) {
                for (int y = 0; y < k; y++) {
                    for (int x = 0; x < k; x++) {
                        w[((o * channels + c) * k + y) * k + x] = kernel[((y * k + x) * channels + c) * out + o];
                    }
                }
            }
        }
        return Tensor.of(w, out, channels, k, k);
    }

    /**
     * Loads the encoder weights into an FCN (shapes must match: the reference width for the real files)
     * and returns the parameter names loaded. The heads are untouched.
     */
    public static List<String> loadInto(Fcn model, Loaded weights) {
        model.loadState(weights.encoder(), false);
        return new ArrayList<>(weights.encoder().keySet());
    }
}
