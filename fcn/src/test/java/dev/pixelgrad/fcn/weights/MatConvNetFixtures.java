package dev.pixelgrad.fcn.weights;

import dev.pixelgrad.tensor.CounterRng;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.Cell;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.Sink;
import us.hebi.matlab.mat.types.Sinks;
import us.hebi.matlab.mat.types.Struct;

/**
 * MatConvNet SimpleNN networks written with mfl-core, as {@code imagenet-vgg-verydeep-16.mat} lays them out:
 * a 1 x N cell {@code layers} of structs (conv, relu, pool, softmax) and {@code meta.normalization}, or the
 * oldest layout (filters and biases as fields, as before MatConvNet 1.0-beta11, and {@code normalization}
 * and {@code classes} at the top level, as before 1.0-beta17).
 * Each convolution's values are random and kept as the flat array MATLAB stores, column-major.
 */
public final class MatConvNetFixtures {
    /** The VGG team's mean pixel, R, G, B, that MatConvNet's VGG-VD files hold. */
    public static final double[] MEAN_RGB = {123.68, 116.779, 103.939};

    private MatConvNetFixtures() {}

    /**
     * One convolution as written.
     *
     * @param name    its MatConvNet name (conv1_1, ..., fc6)
     * @param k       kernel height and width
     * @param in      input channels
     * @param out     output channels
     * @param filters the filters as MATLAB stores them: (y, x, i, o) at y + k (x + k (i + in o))
     * @param biases  one per output
     */
    public record Conv(String name, int k, int in, int out, float[] filters, float[] biases) {
        /**
         * The filter value at (y, x, i, o), read from the column-major array.
         *
         * @param y row
         * @param x column
         * @param i input channel
         * @param o output channel
         * @return the value
         */
        public float at(int y, int x, int i, int o) {
            return filters[y + k * (x + k * (i + in * o))];
        }
    }

    /** A network being written: its layers in order, and the convolutions' values. */
    public static final class Net {
        /** The layer structs, in forward order; tests may remove or replace some before writing. */
        public final List<Struct> layers = new ArrayList<>();
        /** Every convolution written, in order (fc8 included). */
        public final List<Conv> convs = new ArrayList<>();
        /** Filters and biases as fields instead of {@code weights}, normalization at the top level. */
        public final boolean oldForm;
        /** The normalization's averageImage; a 1x1x3 double of {@link #MEAN_RGB} unless replaced. */
        public Array averageImage = meanPixel(MEAN_RGB);
        private long seed;

        /**
         * An empty network.
         *
         * @param oldForm whether to write the oldest layout
         * @param seed    the seed of the random values
         */
        public Net(boolean oldForm, long seed) {
            this.oldForm = oldForm;
            this.seed = seed;
        }

        /**
         * Adds a convolution with random filters and biases.
         *
         * @param name its name
         * @param k    kernel size
         * @param in   input channels
         * @param out  output channels
         * @return this
         */
        public Net conv(String name, int k, int in, int out) {
            float[] f = random(k * k * in * out, seed++);
            float[] b = random(out, seed++);
            Matrix filters = Mat5.newMatrix(new int[] {k, k, in, out}, MatlabType.Single);
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    for (int x = 0; x < k; x++) {
                        for (int y = 0; y < k; y++) {
                            filters.setFloat(new int[] {y, x, i, o}, f[y + k * (x + k * (i + in * o))]);
                        }
                    }
                }
            }
            // MatConvNet's importer saves 1-D arrays as columns; the old form here writes rows, so both are read.
            Matrix biases = oldForm ? Mat5.newMatrix(1, out, MatlabType.Single) : Mat5.newMatrix(out, 1, MatlabType.Single);
            for (int o = 0; o < out; o++) {
                biases.setFloat(o, b[o]);
            }
            Struct s = layer(name, "conv");
            if (oldForm) {
                s.set("filters", filters).set("biases", biases);
            } else {
                Cell w = Mat5.newCell(1, 2);
                w.set(0, filters);
                w.set(1, biases);
                s.set("weights", w);
            }
            s.set("stride", row(1, 1)).set("pad", row(k == 3 ? 1 : 0, k == 3 ? 1 : 0, k == 3 ? 1 : 0, k == 3 ? 1 : 0));
            layers.add(s);
            convs.add(new Conv(name, k, in, out, f, b));
            return this;
        }

        /**
         * Adds a layer without weights.
         *
         * @param name its name
         * @param type relu, pool, softmax, ...
         * @return this
         */
        public Net plain(String name, String type) {
            Struct s = layer(name, type);
            if (type.equals("pool")) {
                s.set("method", Mat5.newString("max")).set("pool", row(2, 2)).set("stride", row(2, 2));
            }
            layers.add(s);
            return this;
        }

        /**
         * The convolution of that name.
         *
         * @param name conv1_1, ..., fc7
         * @return its values
         */
        public Conv conv(String name) {
            return convs.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        }

        /**
         * Writes the network, each variable compressed as MATLAB's default (v7) does.
         *
         * @param file the .mat file
         * @return the file
         * @throws IOException if it cannot be written
         */
        public Path write(Path file) throws IOException {
            return write(file, true);
        }

        /**
         * Writes the network.
         *
         * @param file       the .mat file
         * @param compressed whether to deflate each variable (MATLAB's v7) or store it (v6)
         * @return the file
         * @throws IOException if it cannot be written
         */
        public Path write(Path file, boolean compressed) throws IOException {
            Cell cell = Mat5.newCell(1, layers.size());
            for (int i = 0; i < layers.size(); i++) {
                cell.set(i, layers.get(i));
            }
            Struct normalization = Mat5.newStruct().set("averageImage", averageImage)
                    .set("imageSize", row(224, 224, 3)).set("interpolation", Mat5.newString("bilinear"));
            Struct classes = Mat5.newStruct().set("name", Mat5.newCell(1, 0)).set("description", Mat5.newCell(1, 0));
            try (MatFile mat = Mat5.newMatFile()) {
                mat.addArray("layers", cell);
                if (oldForm) {
                    mat.addArray("normalization", normalization);
                    mat.addArray("classes", classes);
                } else {
                    mat.addArray("meta", Mat5.newStruct().set("normalization", normalization).set("classes", classes));
                }
                try (Sink sink = Sinks.newStreamingFile(file.toFile())) {
                    Mat5.newWriter(sink).setDeflateLevel(compressed ? Deflater.DEFAULT_COMPRESSION : Deflater.NO_COMPRESSION)
                            .writeMat(mat);
                }
            }
            return file;
        }

        private static Struct layer(String name, String type) {
            return Mat5.newStruct().set("name", Mat5.newString(name)).set("type", Mat5.newString(type));
        }
    }

    /**
     * A VGG network as MatConvNet's VGG-VD files have it: per block its convolutions (3x3, with ReLUs) and
     * a max-pool, then fc6 (7x7), fc7 and fc8 (1x1) with ReLUs, and a softmax.
     *
     * @param blocks   convolutions per block (VGG16: 2, 2, 3, 3, 3; VGG19: 2, 2, 4, 4, 4)
     * @param channels output channels per block
     * @param fc       the width of fc6 and fc7
     * @param oldForm  whether to write the oldest layout
     * @param seed     the seed of the values
     * @return the network, not yet written
     */
    public static Net vgg(int[] blocks, int[] channels, int fc, boolean oldForm, long seed) {
        Net net = new Net(oldForm, seed);
        int in = 3;
        for (int b = 0; b < blocks.length; b++) {
            for (int c = 1; c <= blocks[b]; c++) {
                net.conv("conv" + (b + 1) + "_" + c, 3, in, channels[b]).plain("relu" + (b + 1) + "_" + c, "relu");
                in = channels[b];
            }
            net.plain("pool" + (b + 1), "pool");
        }
        net.conv("fc6", 7, in, fc).plain("relu6", "relu").conv("fc7", 1, fc, fc).plain("relu7", "relu");
        return net.conv("fc8", 1, fc, 3).plain("prob", "softmax");
    }

    /**
     * A mean pixel as MatConvNet stores it: a 1x1x3 double.
     *
     * @param rgb the mean of R, G and B
     * @return the array
     */
    public static Matrix meanPixel(double[] rgb) {
        Matrix m = Mat5.newMatrix(new int[] {1, 1, 3}, MatlabType.Double);
        for (int c = 0; c < 3; c++) {
            m.setDouble(c, rgb[c]);
        }
        return m;
    }

    private static Matrix row(double... values) {
        Matrix m = Mat5.newMatrix(1, values.length, MatlabType.Double);
        for (int i = 0; i < values.length; i++) {
            m.setDouble(i, values[i]);
        }
        return m;
    }

    private static float[] random(int n, long seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = CounterRng.uniform(seed * 7919, i) - 0.5f;
        }
        return v;
    }
}
