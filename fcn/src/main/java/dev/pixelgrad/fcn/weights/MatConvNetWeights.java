package dev.pixelgrad.fcn.weights;

import dev.pixelgrad.fcn.Encoder;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.tensor.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import us.hebi.matlab.mat.format.BufferAllocator;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.Char;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Source;
import us.hebi.matlab.mat.types.Sources;
import us.hebi.matlab.mat.types.Sparse;
import us.hebi.matlab.mat.types.Struct;

/**
 * ImageNet VGG16 and VGG19 weights as MatConvNet distributes them ({@code imagenet-vgg-verydeep-16.mat},
 * {@code imagenet-vgg-verydeep-19.mat}): MATLAB v5/v7 files read with mfl-core. Such a file is a
 * SimpleNN network:
 * <ul>
 *   <li>{@code layers}, a cell array of structs in forward order, each with a {@code type} ({@code conv},
 *       {@code relu}, {@code pool}, {@code softmax}; {@code dropout} in some) and a {@code name}. A
 *       convolution's weights are {@code weights = {filters, biases}}, or, in files from before MatConvNet
 *       1.0-beta11 (April 2015), the fields {@code filters} and {@code biases}; both are read. Filters are
 *       height x width x in x out (column-major, as MATLAB stores every array), biases a vector;</li>
 *   <li>{@code meta.normalization.averageImage} (before 1.0-beta17, December 2015: a top-level
 *       {@code normalization}): the pixel, or image, subtracted from RGB 0-255 input.</li>
 * </ul>
 * The fully connected layers are stored as convolutions already: fc6 is 7 x 7 x 512 x 4096 over pool5,
 * fc7 1 x 1 x 4096 x 4096, and fc8 (the 1000 ImageNet classes) is dropped. The first convolution takes
 * RGB (MatConvNet's importer reversed the Caffe model's BGR filters).
 *
 * <p>The depth is read from the layers: the convolutions between the five poolings must be VGG16's
 * (2, 2, 3, 3, 3) or VGG19's (2, 2, 4, 4, 4), and they map to torchvision's {@code vgg16} or
 * {@code vgg19} {@code features} indices ({@link Vgg16Weights.Loaded#depth()} tells which).
 * Channel counts are free as long as they chain (narrow test files load like full ones).
 *
 * <p>Preprocessing: {@link Preprocessing#MATCONVNET} subtracts a fixed mean pixel, (123.68, 116.779,
 * 103.939), which is what both VGG-VD files hold. The file's own averageImage is checked against it
 * channel by channel, within {@value #MEAN_TOLERANCE} grey levels (below the rounding of 8-bit pixels);
 * a file with another mean is refused rather than trained with the wrong input. A full average image
 * (height x width x 3) is compared by its channel means, and those are what is subtracted: an FCN
 * takes images of any size, so a per-pixel mean of a fixed size does not apply.
 */
public final class MatConvNetWeights {
    /** The {@link Vgg16Weights.Loaded#source} of these files. */
    public static final String SOURCE = "matconvnet";
    /** How far, in grey levels (0-255), each channel of the file's mean may be from the one subtracted. */
    static final double MEAN_TOLERANCE = 0.5;
    private static final int POOLS = 5;

    private MatConvNetWeights() {}

    /**
     * Reads a MatConvNet VGG16 or VGG19 file.
     *
     * @param path the .mat file
     * @return the encoder weights by this project's names (torchvision's vgg16 or vgg19 {@code features.N},
     *         then fc6 and fc7), with {@link Preprocessing#MATCONVNET} and source {@value #SOURCE}
     * @throws IOException naming the file and what is wrong, if it is missing, not a MATLAB v5/v7 file, or
     *                     not a MatConvNet VGG16/VGG19 network with a known mean
     */
    public static Vgg16Weights.Loaded read(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("MatConvNet weights file " + path + " does not exist");
        }
        checkNotHdf5(path);
        try (MatFile m = readMat(path)) {
            return new Reader(path).read(m);
        } catch (RuntimeException e) {
            // A type or shape the checks did not foresee; whatever it is, the message names the file.
            throw new IOException(path + ": not a MatConvNet network this reader understands: " + e, e);
        } catch (OutOfMemoryError e) {
            // The file's values, the reordered copy and the tensors are about three times its size at once.
            // mfl-core also sizes some arrays (cells, field lists) by counts in the file, beyond what the
            // allocator bounds; a damaged count fails in one allocation. Either way the heap is free again.
            throw new IOException(path + ": ran out of memory reading it (" + e.getMessage() + "); a full-width"
                    + " VGG16 file needs about 2 GB of heap (e.g. PIXELGRAD_JAVA_OPTS=-Xmx2g), and a damaged file can"
                    + " claim more", e);
        }
    }

    /** Parses the file with mfl-core; a file it cannot parse gives an IOException naming the file. */
    private static MatFile readMat(Path path) throws IOException {
        try (Source source = Sources.openFile(path.toFile())) {
            return Mat5.newReader(source).setBufferAllocator(new BoundedAllocator(Files.size(path))).readMat();
        } catch (IOException | RuntimeException e) {
            // mfl-core wraps errors, its own and the allocator's (the message then repeats the cause's class):
            // say the innermost.
            String why = e.toString();
            for (Throwable c = e; c != null; c = c.getCause()) {
                why = c instanceof EOFException ? "it ends early (truncated?)" : c.getMessage() != null ? c.getMessage() : why;
            }
            throw new IOException(path + ": not a readable MATLAB v5/v7 .mat file: " + why, e);
        }
    }

    /**
     * The buffers mfl-core reads values into. It allocates each as large as the values' tag says before
     * reading them, so a damaged 3 KB file could ask for 2 GB. Every value is in the file, stored or
     * deflated, and deflate expands at most 1032 to 1: buffers beyond 1032 times the file's size (held at
     * once) are refused.
     */
    private static final class BoundedAllocator implements BufferAllocator {
        private static final long MAX_DEFLATE_RATIO = 1032;
        private final long fileSize;
        private long left;

        BoundedAllocator(long fileSize) {
            this.fileSize = fileSize;
            this.left = MAX_DEFLATE_RATIO * fileSize;
        }

        @Override
        public ByteBuffer allocate(int bytes) {
            if (bytes < 0 || bytes > left) {
                throw new TooLarge("its headers ask for " + bytes + " bytes more, past what its " + fileSize
                        + " bytes can hold (damaged or truncated?)");
            }
            left -= bytes;
            return ByteBuffer.allocate(bytes).order(Mat5.DEFAULT_ORDER);
        }

        @Override
        public void release(ByteBuffer buffer) {
            left += buffer.capacity();
        }
    }

    /** A buffer {@link BoundedAllocator} refuses. */
    private static final class TooLarge extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        TooLarge(String message) {
            super(message);
        }
    }

    /** MATLAB's -v7.3 files are HDF5, which mfl-core does not read; say so instead of a parse error. */
    private static void checkNotHdf5(Path path) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(20);
        }
        if (new String(head, StandardCharsets.ISO_8859_1).startsWith("MATLAB 7.3 MAT-file")) {
            throw new IOException(path + ": a MATLAB v7.3 (HDF5) file; MatConvNet's files are v5/v7: load it in MATLAB"
                    + " and save it again with save(file, '-struct', 'net', '-v7')");
        }
    }

    /**
     * MATLAB filters [kh, kw, in, out] (column-major: element (y, x, i, o) at y + kh (x + kw (i + in o)))
     * as a convolution weight [out, in, kh, kw].
     */
    static Tensor filtersToOihw(Matrix filters, int kh, int kw, int in, int out) {
        float[] w = new float[kh * kw * in * out];
        int src = 0;
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < in; i++) {
                for (int x = 0; x < kw; x++) {
                    for (int y = 0; y < kh; y++) {
                        w[((o * in + i) * kh + y) * kw + x] = filters.getFloat(src++);
                    }
                }
            }
        }
        return Tensor.of(w, out, in, kh, kw);
    }

    /** A convolution layer: its position (1-based, as MATLAB numbers the cell), name, filters and biases. */
    private record Conv(int number, String name, Matrix filters, Matrix biases) {
        String label() {
            return "layer " + number + " (" + name + ")";
        }
    }

    /** One import, {@code path} naming the file in messages. */
    private static final class Reader {
        final Path path;

        Reader(Path path) {
            this.path = path;
        }

        IOException bad(String what) {
            return new IOException(path + ": " + what);
        }

        Vgg16Weights.Loaded read(MatFile mat) throws IOException {
            Map<String, Array> vars = new LinkedHashMap<>();
            for (MatFile.Entry e : mat.getEntries()) {
                vars.put(e.getName(), e.getValue());
            }
            Array layers = vars.get("layers");
            if (layers == null) {
                throw bad("no variable 'layers' (it has " + vars.keySet() + "); expected a MatConvNet SimpleNN network"
                        + " such as imagenet-vgg-verydeep-16.mat");
            }
            if (!(layers instanceof Cell cell)) {
                throw bad("'layers' is " + describe(layers) + ", not a cell array"
                        + (vars.containsKey("params") ? " (a DagNN network; only SimpleNN files such as"
                        + " imagenet-vgg-verydeep-16.mat are read)" : ""));
            }
            List<List<Conv>> blocks = new ArrayList<>();
            List<Conv> current = new ArrayList<>();
            for (int k = 0; k < cell.getNumElements(); k++) {
                Array a = cell.get(k);
                if (!(a instanceof Struct s) || a.getNumElements() != 1) {
                    throw bad("layer " + (k + 1) + " is " + describe(a) + ", not a 1x1 struct");
                }
                String type = string(s, "type", k + 1);
                String name = s.getFieldNames().contains("name") ? string(s, "name", k + 1) : "layer" + (k + 1);
                switch (type) {
                    case "conv" -> current.add(conv(s, k + 1, name));
                    case "pool" -> {
                        if (blocks.size() == POOLS) {
                            throw bad("layer " + (k + 1) + " (" + name + ") is a sixth pooling; VGG pools five times");
                        }
                        if (current.isEmpty()) {
                            throw bad("layer " + (k + 1) + " (" + name + ") pools with no convolution since the last"
                                    + " pooling; not a VGG network");
                        }
                        blocks.add(current);
                        current = new ArrayList<>();
                    }
                    case "relu", "dropout", "softmax", "softmaxloss" -> { }
                    default -> throw bad("layer " + (k + 1) + " (" + name + ") is of type '" + type + "'; VGG-VD has"
                            + " conv, relu, pool, dropout and softmax layers only");
                }
            }
            if (blocks.size() != POOLS) {
                throw bad("has " + blocks.size() + " pooling layers; VGG16 and VGG19 have " + POOLS);
            }
            int[] counts = blocks.stream().mapToInt(List::size).toArray();
            Encoder encoder = Arrays.stream(Encoder.values()).filter(e -> Arrays.equals(counts, e.convsPerBlock()))
                    .findFirst().orElseThrow(() -> bad("its blocks have " + list(counts) + " convolutions; VGG16 has "
                            + list(Encoder.VGG16.convsPerBlock()) + " and VGG19 " + list(Encoder.VGG19.convsPerBlock())));
            List<Conv> top = current;
            if (top.size() < 2 || top.size() > 3) {
                throw bad("has " + top.size() + " convolution" + (top.size() == 1 ? "" : "s") + " after pool5; VGG has fc6,"
                        + " fc7 and fc8");
            }
            Map<String, Tensor> out = new LinkedHashMap<>();
            int[] indices = encoder.convIndices();
            int in = 3;
            int n = 0;
            for (List<Conv> block : blocks) {
                for (Conv c : block) {
                    in = put(out, "features." + indices[n++], c, 3, in);
                }
            }
            int fc = put(out, "fc6", top.get(0), 7, in);
            put(out, "fc7", top.get(1), 1, fc);
            return new Vgg16Weights.Loaded(out, checkMean(vars), SOURCE);
        }

        private String string(Struct s, String field, int number) throws IOException {
            if (!s.getFieldNames().contains(field)) {
                throw bad("layer " + number + " has no field '" + field + "' (it has " + s.getFieldNames() + ")");
            }
            Array a = s.get(field);
            if (!(a instanceof Char c)) {
                throw bad("layer " + number + "'s " + field + " is " + describe(a) + ", not a string");
            }
            return c.getString();
        }

        /** The layer's filters and biases, from {@code weights = {filters, biases}} or the older two fields. */
        private Conv conv(Struct s, int number, String name) throws IOException {
            List<String> fields = s.getFieldNames();
            String label = "layer " + number + " (" + name + ")";
            if (fields.contains("weights")) {
                Array w = s.get("weights");
                if (!(w instanceof Cell weights) || w.getNumElements() != 2) {
                    throw bad(label + ": weights is " + describe(w) + ", not a cell {filters, biases}");
                }
                return new Conv(number, name, numeric(weights.get(0), label + " filters"),
                        numeric(weights.get(1), label + " biases"));
            }
            if (fields.contains("filters") && fields.contains("biases")) {
                return new Conv(number, name, numeric(s.get("filters"), label + " filters"),
                        numeric(s.get("biases"), label + " biases"));
            }
            throw bad(label + " has neither weights {filters, biases} nor the fields filters and biases (it has "
                    + fields + ")");
        }

        private Matrix numeric(Array a, String what) throws IOException {
            if (!(a instanceof Matrix m) || a instanceof Sparse || m.isLogical() || m.isComplex()
                    || a.getType() != MatlabType.Single && a.getType() != MatlabType.Double) {
                throw bad(what + ": " + describe(a) + ", not single or double real numbers");
            }
            return m;
        }

        /**
         * Checks a convolution's shape (k x k filters over {@code in} channels, a bias per output) and puts its
         * weight and bias under {@code name}.
         *
         * @return its output channels
         */
        private int put(Map<String, Tensor> out, String name, Conv c, int k, int in) throws IOException {
            int[] d = c.filters().getDimensions();
            // MATLAB drops trailing singleton dimensions: a single filter is stored k x k x in.
            int[] dims = Arrays.copyOf(d, Math.max(4, d.length));
            for (int i = d.length; i < dims.length; i++) {
                dims[i] = 1;
            }
            boolean extra = Arrays.stream(dims, 4, dims.length).anyMatch(v -> v != 1);
            if (dims[0] != k || dims[1] != k || dims[2] != in || dims[3] < 1 || extra) {
                throw bad(c.label() + " filters are " + shape(d) + "; expected " + k + "x" + k + "x" + in
                        + "xN (" + (in == 3 ? "RGB input" : "the previous layer's " + in + " channels") + ")");
            }
            int channels = dims[3];
            int[] b = c.biases().getDimensions();
            long nonSingleton = Arrays.stream(b).filter(v -> v != 1).count();
            if (c.biases().getNumElements() != channels || nonSingleton > 1) {
                throw bad(c.label() + " biases are " + shape(b) + "; expected a vector of " + channels);
            }
            out.put(name + ".weight", filtersToOihw(c.filters(), k, k, in, channels));
            float[] bias = new float[channels];
            for (int i = 0; i < channels; i++) {
                bias[i] = c.biases().getFloat(i);
            }
            out.put(name + ".bias", Tensor.of(bias, channels));
            return channels;
        }

        /** The file's mean pixel, checked against {@link Preprocessing#MATCONVNET}'s. */
        private Preprocessing checkMean(Map<String, Array> vars) throws IOException {
            Array norm = null;
            String where = "meta.normalization";
            if (vars.get("meta") instanceof Struct meta && meta.getNumElements() == 1
                    && meta.getFieldNames().contains("normalization")) {
                norm = meta.get("normalization");
            } else if (vars.containsKey("normalization")) {
                norm = vars.get("normalization");
                where = "normalization";
            }
            if (norm == null) {
                throw bad("no meta.normalization (nor a top-level normalization, as older files have), so the"
                        + " input's mean is unknown");
            }
            if (!(norm instanceof Struct s) || norm.getNumElements() != 1 || !s.getFieldNames().contains("averageImage")) {
                throw bad(where + " is " + describe(norm) + " without a field averageImage; the input's mean is unknown");
            }
            Matrix avg = numeric(s.get("averageImage"), where + ".averageImage");
            int[] d = avg.getDimensions();
            double[] mean = new double[3];
            if (avg.getNumElements() == 3) {
                for (int c = 0; c < 3; c++) {
                    mean[c] = avg.getDouble(c);
                }
            } else if (d.length == 3 && d[2] == 3 && d[0] > 0 && d[1] > 0) {
                int plane = d[0] * d[1];
                for (int c = 0; c < 3; c++) {
                    double sum = 0;
                    for (int i = 0; i < plane; i++) {
                        sum += avg.getDouble(c * plane + i);
                    }
                    mean[c] = sum / plane;
                }
            } else {
                throw bad(where + ".averageImage is " + shape(d) + "; expected a mean pixel (1x1x3) or an"
                        + " image (HxWx3)");
            }
            float[] expected = Preprocessing.MATCONVNET.neutralRgb();
            for (int c = 0; c < 3; c++) {
                if (!(Math.abs(mean[c] - expected[c]) <= MEAN_TOLERANCE)) {
                    throw bad(where + ".averageImage has the mean (R, G, B) = " + triple(mean) + "; only the VGG-VD"
                            + " models' " + triple(expected) + " is supported (preprocessing matconvnet, within "
                            + MEAN_TOLERANCE + ")");
                }
            }
            return Preprocessing.MATCONVNET;
        }
    }

    private static String triple(double[] v) {
        return String.format(Locale.ROOT, "(%.3f, %.3f, %.3f)", v[0], v[1], v[2]);
    }

    private static String triple(float[] v) {
        return triple(new double[] {v[0], v[1], v[2]});
    }

    private static String list(int[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return s.toString();
    }

    private static String shape(int[] d) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < d.length; i++) {
            s.append(i == 0 ? "" : "x").append(d[i]);
        }
        return s.toString();
    }

    private static String describe(Array a) {
        return a == null ? "missing" : "a " + shape(a.getDimensions()) + " " + a.getType();
    }
}
