package dev.pixelgrad.fcn.weights;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Encoder;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.Surgery;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.io.SafetensorsReader;
import io.jhdf.HdfFile;
import io.jhdf.api.Dataset;
import io.jhdf.api.Group;
import io.jhdf.api.Node;
import io.jhdf.object.datatype.DataType;
import io.jhdf.object.datatype.FloatingPoint;
import io.jhdf.object.message.DataLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * ImageNet VGG16 and VGG19 weights for the FCN encoder, from the two files people have (each for either
 * net: a VGG19 file is told by its extra convolutions, and {@link #loadInto} checks the model's encoder):
 * <ul>
 *   <li>a safetensors file with torchvision's {@code vgg16} state-dict names: {@code features.N.*} map
 *       one to one, {@code classifier.0} (4096 x 25088) becomes fc6 (4096 x 512 x 7 x 7) and
 *       {@code classifier.3} becomes fc7; the 1000-class {@code classifier.6} is dropped;</li>
 *   <li>the Keras {@code vgg16_weights_tf_dim_ordering_tf_kernels.h5}: layers {@code block1_conv1} ...
 *       {@code block5_conv3}, {@code fc1}, {@code fc2}, read with jHDF (pure Java). Keras kernels are
 *       H, W, in, out and its flatten before fc1 is H, W, C, so both are reordered to PyTorch's layout.
 *       Its "no top" twin ({@code ..._notop.h5}) has the convolutions only: fc6 and fc7 then start
 *       from the model's own initialisation.</li>
 * </ul>
 * MatConvNet's {@code imagenet-vgg-verydeep-16.mat} and {@code -19.mat} are read by {@link MatConvNetWeights}.
 * The result is a map of encoder parameters by this project's names, plus the preprocessing those
 * weights were trained with (torchvision: RGB with mean/std; Keras and Caffe: BGR, 0-255, minus mean;
 * MatConvNet: RGB, 0-255, minus mean).
 */
public final class Vgg16Weights {
    /** Keras' names of an encoder's convolutions, in order: block1_conv1, ..., block5_conv3 (or _conv4). */
    static String[] kerasConvs(Encoder encoder) {
        List<String> names = new ArrayList<>();
        for (int block = 0; block < 5; block++) {
            for (int i = 1; i <= encoder.convs(block); i++) {
                names.add("block" + (block + 1) + "_conv" + i);
            }
        }
        return names.toArray(String[]::new);
    }

    /**
     * Encoder parameters by name, and the preprocessing that matches them.
     *
     * @param encoder       the weights by this project's parameter names (features.N.weight, fc6.weight,
     *                      ...), new CPU tensors that the open scope or the caller closes
     * @param preprocessing the input the weights expect: {@link Preprocessing#TORCHVISION},
     *                      {@link Preprocessing#CAFFE} or {@link Preprocessing#MATCONVNET}
     * @param source        where they came from: "torchvision", "keras", {@value #NO_TOP} (conv1_1 to
     *                      conv5_3 only: fc6 and fc7 are absent from {@code encoder}) or
     *                      {@value MatConvNetWeights#SOURCE}
     */
    public record Loaded(Map<String, Tensor> encoder, Preprocessing preprocessing, String source) {
        /**
         * The VGG depth of these weights, counted as VGG's name does: the convolutions before fc6 (the
         * {@code features.N.weight} entries) plus the three fully connected layers, whether or not fc6 and
         * fc7 are here.
         *
         * @return 16 for VGG16's weights, 19 for VGG19's
         */
        public int depth() {
            return convolutions(encoder.keySet()) + 3;
        }
    }

    /** The {@link Loaded#source} of Keras' "no top" file, which holds the convolutions only. */
    public static final String NO_TOP = "keras no-top";

    private Vgg16Weights() {}

    /**
     * Reads any of the formats, by extension (.safetensors, .h5/.hdf5, or MatConvNet's .mat, which may
     * hold VGG19).
     *
     * @param path the weights file
     * @return the weights
     * @throws IOException if the file is missing, of another extension, or not VGG weights in that format
     */
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
        if (name.endsWith(".mat")) {
            return MatConvNetWeights.read(path);
        }
        throw new IOException(path + ": expected a torchvision .safetensors, a Keras .h5 or a MatConvNet .mat"
                + " VGG weights file");
    }

    /**
     * Reads torchvision's VGG16 weights from a safetensors file of its state dict.
     *
     * @param path the safetensors file
     * @return the weights, with {@link Preprocessing#TORCHVISION}
     * @throws IOException if the file is not valid, or lacks a tensor VGG16 has
     */
    public static Loaded fromTorchvision(Path path) throws IOException {
        Map<String, Tensor> out = new LinkedHashMap<>();
        try (SafetensorsReader r = SafetensorsReader.open(path)) {
            // VGG19 has a convolution at 34 (conv5_4); at 34 VGG16 has nothing.
            Encoder encoder = r.contains("features.34.weight") ? Encoder.VGG19 : Encoder.VGG16;
            int[] convs = encoder.convIndices();
            for (int i : convs) {
                out.put("features." + i + ".weight", need(r, path, "features." + i + ".weight"));
                out.put("features." + i + ".bias", need(r, path, "features." + i + ".bias"));
            }
            Tensor fc6 = need(r, path, "classifier.0.weight");
            int c5 = out.get("features." + convs[convs.length - 1] + ".weight").dim(0);
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
            throw new IOException(path + ": no tensor \"" + name + "\"; is this torchvision's vgg16 or vgg19 state"
                    + " dict?");
        }
        return r.load(name);
    }

    /**
     * Reads Keras' VGG16 weights. A damaged or foreign file gives an {@link IOException} naming the file
     * and what was being read, whatever the damage, and the import never allocates much more than the
     * file's own size: jHDF parses lengths, counts and shapes from the file and allocates what they say
     * before checking them against anything, so the importer bounds what it lets jHDF read.
     * <ul>
     *   <li>jHDF reads the file from a read-only memory mapping ({@link HdfFile#fromByteBuffer}), not
     *       through its file channel: every read it makes is then a view of the mapping, and a corrupt
     *       length past the end of the file fails at once. Through the channel, jHDF first allocates a
     *       buffer as long as the file says (up to 2 GiB: "Requested array size exceeds VM limit" whatever
     *       the heap, or 1.8 GB), then fills it by reading the same bytes over and over.</li>
     *   <li>Before any dataset's values are read, its shape is checked against what the layer must have
     *       (3x3 kernels from the previous layer's channels, a bias per output, fc1 taking block5's
     *       7x7 map, fc2 taking fc1's output), its type must be a 4- or 8-byte float, it must be stored
     *       contiguously (as Keras writes it) and the bytes all datasets claim, together, must fit in
     *       the file.</li>
     *   <li>What jHDF throws on a damaged structure is turned into an {@link IOException}.</li>
     * </ul>
     *
     * @param path the .h5 file
     * @return the weights, with {@link Preprocessing#CAFFE}
     * @throws IOException if the file cannot be read or is not Keras' VGG16 weights
     */
    public static Loaded fromKeras(Path path) throws IOException {
        return fromKeras(path, mapReadOnly(path));
    }

    /** The import of an HDF5 file's contents, {@code path} naming it in messages. */
    static Loaded fromKeras(Path path, ByteBuffer contents) throws IOException {
        KerasReader r = new KerasReader(path, contents.capacity());
        try {
            r.reading = "the HDF5 superblock and root group";
            try (HdfFile h5 = HdfFile.fromByteBuffer(contents)) {
                return r.read(h5);
            }
        } catch (RuntimeException e) {
            throw r.unreadable(e);
        } catch (StackOverflowError e) {
            // jHDF follows B-tree child pointers recursively without checking that a child is below its
            // parent, so a damaged pointer back up the tree recurses until the stack runs out. There is
            // no way to see that before jHDF walks the tree; the error unwinds jHDF's frames only.
            throw r.unreadable(e);
        }
    }

    /** The whole file as a read-only buffer: mapped, or read where its file system cannot map files. */
    private static ByteBuffer mapReadOnly(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, checkSize(path, ch.size()));
        } catch (UnsupportedOperationException e) {
            checkSize(path, Files.size(path));
            return ByteBuffer.wrap(Files.readAllBytes(path));
        }
    }

    private static long checkSize(Path path, long size) throws IOException {
        if (size > Integer.MAX_VALUE) {
            // Keras' VGG16 weights are 553 MB in float32 (1.1 GB in float64); a buffer holds 2 GiB.
            throw new IOException(path + ": " + size + " bytes is larger than any VGG16 weights file"
                    + " (Keras' is 553 MB); not read");
        }
        return size;
    }

    /** One import: the file, what is being read (for messages), and how many bytes datasets may still claim. */
    private static final class KerasReader {
        /** Keras nests a layer's weights at most a group or two below the layer's group. */
        private static final int MAX_DEPTH = 4;

        final Path path;
        final long fileSize;
        long bytesLeft;
        String reading = "";

        KerasReader(Path path, long fileSize) {
            this.path = path;
            this.fileSize = fileSize;
            this.bytesLeft = fileSize;
        }

        IOException unreadable(Throwable e) {
            String why = e instanceof StackOverflowError ? "a structure in it refers back to itself (jHDF recursed"
                    + " until the stack ran out)" : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
                if (c.getMessage() != null && !why.contains(c.getMessage())) {
                    why += ": " + c.getMessage();
                }
            }
            return new IOException(path + ": not a readable Keras HDF5 weights file (damaged or truncated?);"
                    + " failed reading " + reading + ": " + why, e);
        }

        IOException bad(String what) {
            return new IOException(path + ": " + what);
        }

        Loaded read(HdfFile h5) throws IOException {
            Map<String, Tensor> out = new LinkedHashMap<>();
            long in = 3;
            // Keras' VGG19 file has the fourth convolutions of blocks 3 to 5; VGG16's stops at three.
            Encoder encoder = h5.getChild("block5_conv4") != null ? Encoder.VGG19 : Encoder.VGG16;
            String[] names = kerasConvs(encoder);
            int[] indices = encoder.convIndices();
            for (int l = 0; l < names.length; l++) {
                String layer = names[l];
                Dataset[] kb = kernelAndBias(h5, layer, 4);
                long[] d = kb[0].getDimensionsAsLong();
                if (d[0] != 3 || d[1] != 3 || d[2] != in || d[3] < 1) {
                    throw bad("layer " + layer + " kernel " + kb[0].getPath() + " has shape " + Arrays.toString(d)
                            + "; expected [3, 3, " + in + ", channels out]");
                }
                float[] k = floats(kb[0], layer, d);
                float[] b = floats(kb[1], layer, new long[] {d[3]});
                int c = (int) d[3];
                out.put("features." + indices[l] + ".weight", hwioToOihw(k, 3, 3, (int) in, c));
                out.put("features." + indices[l] + ".bias", Tensor.of(b, c));
                in = c;
            }
            if (h5.getChild("fc1") == null && h5.getChild("fc2") == null) {
                // Keras' "no top" file (vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5, include_top=False)
                // ends at block5: fc6 and fc7 keep the model's own initialisation.
                return new Loaded(out, Preprocessing.CAFFE, NO_TOP);
            }
            long c5 = in;
            Dataset[] fc1 = kernelAndBias(h5, "fc1", 2);
            long[] d1 = fc1[0].getDimensionsAsLong(); // [7*7*C, out], input flattened as H, W, C
            if (d1[0] != 49 * c5 || d1[1] < 1) {
                throw bad("fc1 kernel " + Arrays.toString(d1) + " does not take the 7x7x" + c5
                        + " output of block5 (expected [" + 49 * c5 + ", width])");
            }
            float[] k1 = floats(fc1[0], "fc1", d1);
            float[] b1 = floats(fc1[1], "fc1", new long[] {d1[1]});
            out.put("fc6.weight", denseHwcToConv(k1, (int) c5, 7, (int) d1[1]));
            out.put("fc6.bias", Tensor.of(b1, b1.length));
            Dataset[] fc2 = kernelAndBias(h5, "fc2", 2);
            long[] d2 = fc2[0].getDimensionsAsLong();
            if (d2[0] != d1[1] || d2[1] < 1) {
                throw bad("fc2 kernel " + Arrays.toString(d2) + " does not take fc1's " + d1[1]
                        + " outputs (expected [" + d1[1] + ", width])");
            }
            float[] k2 = floats(fc2[0], "fc2", d2);
            float[] b2 = floats(fc2[1], "fc2", new long[] {d2[1]});
            out.put("fc7.weight", denseHwcToConv(k2, (int) d2[0], 1, (int) d2[1]));
            out.put("fc7.bias", Tensor.of(b2, b2.length));
            return new Loaded(out, Preprocessing.CAFFE, "keras");
        }

        /** The layer's kernel (of the given rank) and bias, found among the datasets under its group. */
        private Dataset[] kernelAndBias(HdfFile h5, String layer, int kernelRank) throws IOException {
            reading = "layer " + layer;
            Node n = h5.getChild(layer);
            if (!(n instanceof Group g)) {
                throw bad("no layer group '" + layer + "' (is this Keras' VGG16 weights file?)");
            }
            List<Dataset> ds = new ArrayList<>();
            collect(g, ds, new HashSet<>(), 0);
            Dataset kernel = null;
            Dataset bias = null;
            for (Dataset d : ds) {
                reading = "layer " + layer + ", dataset " + d.getPath();
                int rank = d.getDimensionsAsLong().length;
                if (rank == kernelRank) {
                    kernel = only(kernel, d, layer);
                } else if (rank == 1) {
                    bias = only(bias, d, layer);
                }
            }
            if (kernel == null || bias == null) {
                throw bad("layer " + layer + " needs a rank-" + kernelRank + " kernel and a bias");
            }
            return new Dataset[] {kernel, bias};
        }

        private Dataset only(Dataset seen, Dataset d, String layer) throws IOException {
            if (seen != null) {
                throw bad("layer " + layer + " has two datasets of rank " + d.getDimensionsAsLong().length
                        + " (" + seen.getPath() + ", " + d.getPath() + ")");
            }
            return d;
        }

        /** The datasets under a group, refusing link cycles and nesting deeper than Keras writes. */
        private void collect(Group g, List<Dataset> out, Set<Long> groups, int depth) throws IOException {
            reading = "group " + g.getPath();
            if (depth > MAX_DEPTH) {
                throw bad("group " + g.getPath() + " is nested more than " + MAX_DEPTH
                        + " levels below its layer; not a Keras weights layout");
            }
            if (!groups.add(g.getAddress())) {
                throw bad("group " + g.getPath() + " links back to a group above it (a link cycle)");
            }
            for (Node child : g.getChildren().values()) {
                if (child instanceof Dataset d) {
                    out.add(d);
                } else if (child instanceof Group sub) {
                    collect(sub, out, groups, depth + 1);
                }
            }
        }

        /**
         * A dataset's values as floats, once its shape, type, storage and size have been checked: jHDF
         * allocates the array its header describes, so nothing else may decide how much is allocated.
         */
        private float[] floats(Dataset d, String layer, long[] expected) throws IOException {
            reading = "layer " + layer + ", dataset " + d.getPath();
            long[] dims = d.getDimensionsAsLong();
            if (!Arrays.equals(dims, expected)) {
                throw bad("layer " + layer + " dataset " + d.getPath() + " has shape " + Arrays.toString(dims)
                        + "; expected " + Arrays.toString(expected));
            }
            DataType type = d.getDataType();
            if (!(type instanceof FloatingPoint) || type.getSize() != 4 && type.getSize() != 8) {
                throw bad("layer " + layer + " dataset " + d.getPath() + " holds " + describe(type)
                        + ", not 4- or 8-byte floats");
            }
            DataLayout layout = d.getDataLayout();
            if (layout != DataLayout.CONTIGUOUS && layout != DataLayout.COMPACT) {
                throw bad("layer " + layer + " dataset " + d.getPath() + " is stored " + layout
                        + "; Keras writes weights contiguously (re-save it without chunking or compression)");
            }
            long bytes;
            try {
                bytes = type.getSize();
                for (long n : dims) {
                    bytes = Math.multiplyExact(bytes, n);
                }
            } catch (ArithmeticException e) {
                bytes = Long.MAX_VALUE;
            }
            if (bytes > bytesLeft) {
                throw bad("layer " + layer + " dataset " + d.getPath() + " of shape " + Arrays.toString(dims)
                        + " needs " + bytes + " bytes, more than the file's " + fileSize + " bytes leave"
                        + " (damaged or truncated?)");
            }
            bytesLeft -= bytes;
            Object flat = d.getDataFlat();
            if (flat instanceof float[] f && f.length * 4L == bytes) {
                return f;
            }
            if (flat instanceof double[] dd && dd.length * 8L == bytes) {
                float[] f = new float[dd.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) dd[i];
                }
                return f;
            }
            throw bad("layer " + layer + " dataset " + d.getPath() + " gave "
                    + (flat == null ? "nothing" : flat.getClass().getSimpleName()) + " for shape "
                    + Arrays.toString(dims));
        }

        private static String describe(DataType type) {
            return type == null ? "no data type" : type.getClass().getSimpleName() + " of " + type.getSize() + " bytes";
        }
    }

    /** How many of the names are convolution weights in {@code features} ({@code features.N.weight}). */
    private static int convolutions(Set<String> names) {
        return (int) names.stream().filter(k -> k.startsWith("features.") && k.endsWith(".weight")).count();
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
     * Loads the encoder weights into an FCN and returns the parameter names loaded; the heads are
     * untouched. A model narrower than the weights (--width below 1 from the full-width files) gets them
     * narrowed by {@link Surgery#narrowByFilterNorm}.
     *
     * @param model   the model
     * @param weights the weights
     * @return the names of the encoder weights given
     * @throws IllegalArgumentException if the weights are another VGG's than the model's encoder, a weight
     *                                  cannot be narrowed to the model's shape, or a shape or dtype does not fit
     */
    public static List<String> loadInto(Fcn model, Loaded weights) {
        Map<String, Tensor> encoder = weights.encoder();
        Set<String> params = model.namedParameters().keySet();
        List<String> foreign = encoder.keySet().stream()
                .filter(k -> k.startsWith("features.") && !params.contains(k)).toList();
        if (!foreign.isEmpty()) {
            // VGG16 and VGG19 share names (features.0 ...) but not layers: features.16 is a pool in one and
            // conv3_4 in the other. Loading by name alone would fail on a shape far from the cause, or not at all.
            String modelEncoder = model.config().encoder().configName();
            String other = weights.depth() == 19 ? Encoder.VGG19.configName() : Encoder.VGG16.configName();
            throw new IllegalArgumentException("these are VGG" + weights.depth() + " weights (" + convolutions(
                    encoder.keySet()) + " convolutions before fc6), not " + modelEncoder + "'s (the model's encoder"
                    + " has no " + foreign.getFirst() + "): give --encoder " + other);
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        boolean narrower = false;
        for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
            Tensor w = encoder.get(e.getKey());
            if (w != null) {
                shapes.put(e.getKey(), e.getValue().shape());
                narrower |= !w.shape().equals(e.getValue().shape());
            }
        }
        model.loadState(narrower ? Surgery.narrowByFilterNorm(encoder, shapes) : encoder, false);
        return new ArrayList<>(encoder.keySet());
    }
}
