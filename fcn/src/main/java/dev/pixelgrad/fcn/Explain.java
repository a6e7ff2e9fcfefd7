package dev.pixelgrad.fcn;

import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Trace;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.nn.Init;
import dev.pixelgrad.nn.Module;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A network at one input size, layer by layer: each layer's output shape; where its output pixels sit on
 * the input (stride, receptive field, and the centre of pixel 0's field); its parameters, trainable and
 * frozen; its multiply-adds; for every crop, why its offset is what it is; and the totals. What
 * {@code pixelgrad explain} prints: {@code Explain.of(config, 500, 500).toText()}.
 *
 * <p><b>One source of truth.</b> Nothing here knows the FCN's layers. The model is built on the meta
 * device ({@link Device#META}: tensors with a shape and no values) and its own {@code forward} runs under
 * a {@link Trace}, which every differentiable op reports to. So the layers, their order, the skips and the
 * crop offsets are the code's; every shape comes from the code's own output-size arithmetic and checks
 * ({@link ConvParams}, {@link PoolParams} with its ceil mode, {@link dev.pixelgrad.tensor.Ops}); parameter
 * counts are the modules' parameters. No value is computed, so a full-width FCN-8s at 500x500 takes
 * milliseconds. (The alternative, a shape method on every layer, would need a second, shape-only forward
 * pass per network to wire its skips and crops: a copy that could drift from the real one.)
 *
 * <p><b>Geometry.</b> Per axis, from each layer's kernel k, stride s and padding p, starting from the
 * input's stride 1, field 1 and start 0 (the starts are those of Caffe's {@code coord_map}, from which
 * the reference nets' crop offsets come):
 * <ul>
 *   <li>convolution or pooling: stride j * s, field r + (k - 1) * j, start x + ((k - 1) / 2 - p) * j;</li>
 *   <li>transposed convolution: stride j / s, field r + (ceil(k / s) - 1) * j (each output pixel sums at
 *       most ceil(k / s) input pixels, j apart), start x - ((k - 1) / 2 - p) * j / s;</li>
 *   <li>crop at offset o: start x + o * j; an addition keeps its branches' stride and start (and says
 *       so when they differ) with the wider field; element-wise layers change nothing.</li>
 * </ul>
 * The field counts input pixels, padding included; the start is the input coordinate of the centre of
 * output pixel 0's field (negative: in the padding; after a transposed convolution, the centre as its
 * bilinear filter weighs its inputs). Two maps can be added pixel by pixel when their strides and starts
 * agree, which is what each crop's offset achieves. {@code ExplainTest} checks fields and starts against
 * the input gradient of single output pixels.
 */
public final class Explain {
    /**
     * Where the pixels of a layer's output sit along one input axis, in input pixels.
     *
     * @param stride the input pixels between two neighbouring output pixels
     * @param field  the receptive field of one output pixel, in input pixels, padding included
     * @param start  the input coordinate of the centre of output pixel 0's field (negative: in the padding)
     */
    public record Axis(double stride, double field, double start) {
        static final Axis INPUT = new Axis(1, 1, 0);

        Axis window(int k, int s, int p) {
            return new Axis(stride * s, field + (k - 1) * stride, start + ((k - 1) / 2.0 - p) * stride);
        }

        Axis transposed(int k, int s, int p) {
            double j = stride / s;
            return new Axis(j, field + (Math.ceilDiv(k, s) - 1) * stride, start - ((k - 1) / 2.0 - p) * j);
        }

        Axis shifted(int offset) {
            return new Axis(stride, field, start + offset * stride);
        }

        /** Whether pixel i here and pixel i there are centred on the same input point, for every i. */
        boolean alignedWith(Axis other) {
            return stride == other.stride && start == other.start;
        }
    }

    /**
     * One layer as it ran.
     *
     * @param name         the reference prototxt's name (conv1_1, pool1, fc6, score_pool4c, fuse_pool4, ...)
     * @param op           the op: conv2d, conv2d_relu, conv_transpose2d, max_pool2d, relu, dropout, crop, add,
     *                     scale
     * @param settings     kernel, stride, padding, ceil mode, crop offset, factor; "fused into conv1_1" for a
     *                     reference relu layer that runs in its convolution's op
     * @param output       the output's shape for one image: [1, C, H, W]
     * @param h            the output's geometry along the height
     * @param w            the output's geometry along the width
     * @param trainable    parameters of the layer that train
     * @param frozen       parameters of the layer that do not (the bilinear upsampling, by default)
     * @param multiplyAdds multiply-adds of the forward pass for one image (convolutions only)
     * @param arithmetic   how the output size and start follow from the input's, where they change
     */
    public record Layer(String name, String op, String settings, Shape output, Axis h, Axis w, long trainable,
                        long frozen, long multiplyAdds, String arithmetic) {
        private static final String FUSED_INTO = "fused into ";

        long bytes(DType dtype) {
            return output.numel() * dtype.byteSize();
        }

        /**
         * Whether this row is a layer of the reference that runs inside the op of the row before it (a relu
         * fused into its convolution): no op and no tensor of its own.
         *
         * @return true for such a row
         */
        public boolean fused() {
            return settings.startsWith(FUSED_INTO);
        }
    }

    /**
     * Why a crop's offset is what it is.
     *
     * @param name    the crop layer
     * @param offsetH the offset along the height, as the code gives it
     * @param offsetW the offset along the width
     * @param aligned whether the offset puts the crop's pixels on those of the map it is cropped to (the
     *                other branch of its addition, or the input for the final crop)
     * @param lines   the offset as (start of the map cropped to - start of the cropped map) / stride, then how
     *                each of the two starts came about, layer by layer
     */
    public record Crop(String name, int offsetH, int offsetW, boolean aligned, List<String> lines) {}

    private final String title;
    private final List<Layer> layers;
    private final List<Crop> crops;
    private final long trainable;
    private final long frozen;
    private final long multiplyAdds;
    private final long activationBytes;

    private Explain(String title, List<Layer> layers, List<Crop> crops, long trainable, long frozen,
                    long activationBytes) {
        this.title = title;
        this.layers = List.copyOf(layers);
        this.crops = List.copyOf(crops);
        this.trainable = trainable;
        this.frozen = frozen;
        this.multiplyAdds = layers.stream().mapToLong(Layer::multiplyAdds).reduce(0, Math::addExact);
        this.activationBytes = activationBytes;
    }

    /**
     * The FCN a configuration describes, on an image of {@code height} x {@code width} (3 channels).
     *
     * @param config the network
     * @param height the image's height in pixels, at least 1
     * @param width  the image's width in pixels, at least 1
     * @return the explanation, computed on the meta device (no weight is drawn)
     * @throws IllegalArgumentException if the image is smaller than 1x1
     */
    public static Explain of(FcnConfig config, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("explain: the image must be at least 1x1, got " + height + "x" + width);
        }
        Fcn model = Init.onDevice(Device.META, () -> Fcn.create(config));
        model.to(Device.META);
        String title = String.format(Locale.ROOT, "%s, %d classes, width %s, on a %dx%d image (3 channels)",
                config.architecture(), config.numClasses(), number(config.width()), height, width);
        return of(model, Shape.of(1, 3, height, width), title);
    }

    /**
     * Any model made of the {@code nn} layers and {@code F} ops, on an input of {@code input}'s shape,
     * traced on the device of its parameters (the meta device computes nothing).
     *
     * @param model the network
     * @param input the input's shape, [1, C, H, W] for one image
     * @param title the first line of the text
     * @return the explanation
     */
    public static Explain of(Module model, Shape input, String title) {
        Map<Variable, String> parameterNames = new IdentityHashMap<>();
        model.namedParameters().forEach((name, v) -> parameterNames.put(v, name));
        Device device = model.parameters().isEmpty() ? Device.CPU : model.parameters().get(0).data().device();
        try (Scope scope = Scope.open(); GradMode off = GradMode.off(); Trace trace = Trace.start()) {
            Variable x = Variable.of(Tensor.empty(input, DType.FLOAT32, device));
            Variable y = model.forward(x);
            return new Reader(model, parameterNames).read(title, x, y, trace.ops());
        }
    }

    /**
     * Turns a trace into layers: names, geometry, parameters, multiply-adds, crops. Names follow the
     * reference prototxt: the encoder's convolutions by block (conv1_1 to conv5_3, counted between the
     * pools), other layers with parameters by their module (fc6, score_fr, upscore2), the rest after the
     * layer they read (relu1_1, drop6, scale_pool4, score_pool4c, fuse_pool4; the final crop is score).
     */
    private static final class Reader {
        private final Module model;
        private final Map<Variable, String> parameterNames;
        private final Map<Variable, Layer> byOutput = new IdentityHashMap<>();
        /** For each map, the layers that moved its start, with the start after each: "input 0 -> conv1_1 -99 -> ...". */
        private final Map<Variable, String> starts = new IdentityHashMap<>();
        private final Set<String> names = new HashSet<>();
        private final Set<Module> counted = Collections.newSetFromMap(new IdentityHashMap<>());
        private int pools;
        private int convsInBlock;
        private Variable input;

        Reader(Module model, Map<Variable, String> parameterNames) {
            this.model = model;
            this.parameterNames = parameterNames;
        }

        Explain read(String title, Variable x, Variable y, List<Trace.Op> ops) {
            input = x;
            List<Layer> layers = new ArrayList<>();
            Layer first = new Layer("input", "", "", x.shape(), Axis.INPUT, Axis.INPUT, 0, 0, 0, "");
            byOutput.put(x, first);
            starts.put(x, "input 0");
            names.add("input");
            layers.add(first);
            long activationBytes = 0;
            for (Trace.Op op : ops) {
                Layer layer = layer(op, op.output() == y);
                String before = starts.get(op.inputs().get(0));
                boolean moved = layer.h().start() != byOutput.get(op.inputs().get(0)).h().start();
                starts.put(op.output(), moved ? before + " -> " + layer.name() + " " + number(layer.h().start()) : before);
                layers.add(layer);
                activationBytes += layer.bytes(op.output().data().dtype());
                if (op.name().equals("conv2d_relu")) {
                    // The reference's relu layer, shown as its own row; its output is the fused op's one tensor.
                    layer = new Layer(unique("relu" + suffix(layer.name())), "relu", Layer.FUSED_INTO + layer.name(),
                            layer.output(), layer.h(), layer.w(), 0, 0, 0, "");
                    layers.add(layer);
                }
                byOutput.put(op.output(), layer);
            }
            List<Crop> crops = new ArrayList<>();
            for (Trace.Op op : ops) {
                if (op.name().equals("crop") && op.output() == y) {
                    crops.add(crop(op, x));
                } else if (op.name().equals("add")) {
                    for (int i = 0; i < 2; i++) {
                        Variable branch = op.inputs().get(i);
                        Variable other = op.inputs().get(1 - i);
                        ops.stream().filter(o -> o.output() == branch && o.name().equals("crop")).findFirst()
                                .ifPresent(cropOp -> crops.add(crop(cropOp, other)));
                    }
                }
            }
            long trainable = 0;
            long frozen = 0;
            for (Variable v : model.namedParameters().values()) {
                if (v.requiresGrad()) {
                    trainable += v.data().numel();
                } else {
                    frozen += v.data().numel();
                }
            }
            return new Explain(title, layers, crops, trainable, frozen, activationBytes);
        }

        private Layer layer(Trace.Op op, boolean isOutput) {
            Variable in = op.inputs().get(0);
            Layer src = byOutput.get(in);
            if (src == null) {
                throw new IllegalStateException("explain: " + op.name() + " reads a tensor " + in.shape()
                        + " that no traced op made");
            }
            Shape out = op.output().shape();
            return switch (op.name()) {
                case "conv2d", "conv2d_relu", "conv_transpose2d" -> convolution(op, src, out);
                case "max_pool2d" -> {
                    PoolParams p = (PoolParams) op.settings();
                    pools++;
                    convsInBlock = 0;
                    Axis h = src.h().window(p.kernelH(), p.strideH(), p.padH());
                    Axis w = src.w().window(p.kernelW(), p.strideW(), p.padW());
                    String how = sizes(src.output(), out, (a, o, axisH) -> poolSize(a, o, p, axisH))
                            + "; start " + startStep(src.h(), h, p.kernelH(), p.padH(), false);
                    String settings = p.kernelH() + "x" + p.kernelW() + " s" + p.strideH()
                            + (p.padH() > 0 ? " p" + p.padH() : "") + (p.ceilMode() ? " ceil" : "");
                    yield new Layer(unique("pool" + pools), op.name(), settings, out, h, w, 0, 0, 0, how);
                }
                case "relu" -> same(op, src, out, "relu" + suffix(src.name()), "");
                case "dropout" -> same(op, src, out, "drop" + suffix(src.name()), "p " + number((Float) op.settings()));
                case "scale" -> same(op, src, out, "scale_" + src.name(), "x" + number((Float) op.settings()));
                case "add" -> {
                    Layer other = byOutput.get(op.inputs().get(1));
                    String branch = other == null ? "" : other.name();
                    String how = "";
                    if (other != null) {
                        boolean aligned = src.h().alignedWith(other.h()) && src.w().alignedWith(other.w());
                        how = aligned ? "both start at " + number(src.h().start()) + ", stride " + number(src.h().stride())
                                : "MISALIGNED: " + src.name() + " starts at " + number(src.h().start()) + ", " + branch
                                + " at " + number(other.h().start());
                    }
                    String name = branch.startsWith("score_") ? "fuse_" + branch.substring(6).replaceFirst("c$", "")
                            : "add";
                    Axis h = other == null ? src.h() : wider(src.h(), other.h());
                    Axis w = other == null ? src.w() : wider(src.w(), other.w());
                    yield new Layer(unique(name), op.name(), "+ " + branch, out, h, w, 0, 0, 0, how);
                }
                case "crop" -> {
                    Trace.CropOffset o = (Trace.CropOffset) op.settings();
                    Axis h = src.h().shifted(o.h());
                    Axis w = src.w().shifted(o.w());
                    String how = window(src.output(), out, o) + "; start " + number(src.h().start()) + " + "
                            + o.h() + "*" + number(src.h().stride()) + " = " + number(h.start());
                    String settings = o.h() == o.w() ? "offset " + o.h() : "offset " + o.h() + "," + o.w();
                    yield new Layer(unique(isOutput ? "score" : src.name() + "c"), op.name(), settings, out, h, w,
                            0, 0, 0, how);
                }
                default -> same(op, src, out, op.name(), "");
            };
        }

        private Layer same(Trace.Op op, Layer src, Shape out, String name, String settings) {
            return new Layer(unique(name), op.name(), settings, out, src.h(), src.w(), 0, 0, 0, "");
        }

        private Layer convolution(Trace.Op op, Layer src, Shape out) {
            boolean transposed = op.name().equals("conv_transpose2d");
            ConvParams p = (ConvParams) op.settings();
            Variable weight = op.inputs().get(1);
            Shape ws = weight.shape();
            int kh = ws.dim(2);
            int kw = ws.dim(3);
            String path = modulePath(weight);
            Module module = module(path);
            long[] params = count(module);
            String name = path.startsWith("features.") ? "conv" + (pools + 1) + "_" + (++convsInBlock)
                    : path.isEmpty() ? op.name() : path;
            Shape in = src.output();
            long macs = transposed ? Math.multiplyExact(in.numel(), (long) out.dim(1) * kh * kw)
                    : Math.multiplyExact(out.numel(), (long) in.dim(1) * kh * kw);
            Axis h = transposed ? src.h().transposed(kh, p.strideH(), p.padH()) : src.h().window(kh, p.strideH(), p.padH());
            Axis w = transposed ? src.w().transposed(kw, p.strideW(), p.padW()) : src.w().window(kw, p.strideW(), p.padW());
            String how = "";
            boolean moves = out.dim(2) != in.dim(2) || out.dim(3) != in.dim(3) || h.start() != src.h().start()
                    || w.start() != src.w().start();
            if (moves) {
                how = sizes(in, out, (a, o, axisH) -> transposed
                        ? "(" + a + " - 1)*" + (axisH ? p.strideH() : p.strideW()) + " + " + (axisH ? kh : kw)
                                + (pad(p, axisH) > 0 ? " - 2*" + pad(p, axisH) : "")
                        : convSize(a, axisH ? kh : kw, axisH ? p.strideH() : p.strideW(), pad(p, axisH)))
                        + "; start " + startStep(src.h(), h, kh, p.padH(), transposed);
            }
            String settings = kh + "x" + kw + " s" + p.strideH() + (p.padH() > 0 ? " p" + p.padH() : "");
            return new Layer(unique(name), op.name(), settings, out, h, w, params[0], params[1], macs, how);
        }

        /** The parameters of a layer, trainable and frozen, counted at its first use only. */
        private long[] count(Module module) {
            long[] n = new long[2];
            if (counted.add(module)) {
                for (Variable v : module.namedParameters().values()) {
                    n[v.requiresGrad() ? 0 : 1] += v.data().numel();
                }
            }
            return n;
        }

        private String modulePath(Variable parameter) {
            String name = parameterNames.get(parameter);
            if (name == null) {
                throw new IllegalStateException("explain: a weight " + parameter.shape() + " that is not the model's");
            }
            int dot = name.lastIndexOf('.');
            return dot < 0 ? "" : name.substring(0, dot);
        }

        private Module module(String path) {
            Module m = model;
            if (!path.isEmpty()) {
                for (String part : path.split("\\.")) {
                    m = m.child(part);
                }
            }
            return m;
        }

        private String unique(String name) {
            String n = name;
            for (int i = 2; !names.add(n); i++) {
                n = name + "_" + i;
            }
            return n;
        }

        /** How a crop's offset lines its input up with {@code target}: the map it is added to, or the input. */
        private Crop crop(Trace.Op op, Variable target) {
            Layer self = byOutput.get(op.output());
            Variable in = op.inputs().get(0);
            Layer src = byOutput.get(in);
            Layer like = byOutput.get(target);
            Trace.CropOffset o = (Trace.CropOffset) op.settings();
            List<String> lines = new ArrayList<>();
            boolean square = o.h() == o.w() && src.h().equals(src.w()) && like.h().equals(like.w());
            lines.add((square ? "" : "rows: ") + offsetReason(o.h(), src.h(), like.h(), like.name(), src.name()));
            if (!square) {
                lines.add("columns: " + offsetReason(o.w(), src.w(), like.w(), like.name(), src.name()));
            }
            for (Variable v : List.of(target, in)) {
                Layer l = byOutput.get(v);
                if (v != input) {
                    lines.add(l.name() + " starts at " + number(l.h().start()) + ": " + starts.get(v));
                }
            }
            boolean aligned = self.h().alignedWith(like.h()) && self.w().alignedWith(like.w());
            return new Crop(self.name(), o.h(), o.w(), aligned, lines);
        }

        private static String offsetReason(int offset, Axis src, Axis like, String likeName, String srcName) {
            double needed = (like.start() - src.start()) / src.stride();
            String sum = "(" + number(like.start()) + " - " + paren(src.start()) + ") / " + number(src.stride());
            String why = "(start of " + likeName + " - start of " + srcName + ") / stride = " + sum;
            return needed == offset ? "offset " + offset + " = " + why
                    : "offset " + offset + ", but " + why + " = " + number(needed) + ": MISALIGNED by "
                    + number((offset - needed) * src.stride()) + " input pixels";
        }
    }

    @FunctionalInterface
    private interface SizeFormula {
        String of(int in, int out, boolean axisH);
    }

    private static String sizes(Shape in, Shape out, SizeFormula f) {
        String h = out.dim(2) + " = " + f.of(in.dim(2), out.dim(2), true);
        if (in.dim(2) == in.dim(3) && out.dim(2) == out.dim(3)) {
            return h;
        }
        return "H " + h + ", W " + out.dim(3) + " = " + f.of(in.dim(3), out.dim(3), false);
    }

    private static String convSize(int in, int k, int s, int p) {
        String span = "(" + in + (p > 0 ? " + 2*" + p : "") + " - " + k + ")";
        return (s == 1 ? span : "floor(" + span + "/" + s + ")") + " + 1";
    }

    private static String poolSize(int in, int out, PoolParams p, boolean axisH) {
        int k = axisH ? p.kernelH() : p.kernelW();
        int s = axisH ? p.strideH() : p.strideW();
        int pad = axisH ? p.padH() : p.padW();
        String span = "(" + in + (pad > 0 ? " + 2*" + pad : "") + " - " + k + ")/" + s;
        int plain = (p.ceilMode() ? Math.ceilDiv(in + 2 * pad - k, s) : Math.floorDiv(in + 2 * pad - k, s)) + 1;
        return (p.ceilMode() ? "ceil" : "floor") + "(" + span + ") + 1"
                + (plain != out ? " - 1 (the last window would start past the input)" : "");
    }

    private static int pad(ConvParams p, boolean axisH) {
        return axisH ? p.padH() : p.padW();
    }

    /** How the start moves along the height: by ((k - 1)/2 - p) input strides (back, when transposed). */
    private static String startStep(Axis before, Axis after, int k, int p, boolean transposed) {
        String half = "(" + k + " - 1)/2" + (p > 0 ? " - " + p : "");
        String factor = p > 0 ? "(" + half + ")" : half;
        String j = number(transposed ? after.stride() : before.stride());
        return number(before.start()) + (transposed ? " - " : " + ") + factor + "*" + j + " = " + number(after.start());
    }

    private static String window(Shape in, Shape out, Trace.CropOffset o) {
        if (o.h() == o.w() && in.dim(2) == in.dim(3) && out.dim(2) == out.dim(3)) {
            return "window [" + o.h() + ", " + (o.h() + out.dim(2)) + ") of " + in.dim(2);
        }
        return "rows [" + o.h() + ", " + (o.h() + out.dim(2)) + ") of " + in.dim(2) + ", columns [" + o.w() + ", "
                + (o.w() + out.dim(3)) + ") of " + in.dim(3);
    }

    /** An add's geometry: the branches agree (or the table says they do not); the field is the wider one. */
    private static Axis wider(Axis a, Axis b) {
        return new Axis(a.stride(), Math.max(a.field(), b.field()), a.start());
    }

    /** The digits that end a VGG or fc name: "1_1" of conv1_1, "6" of fc6; "_name" when there are none. */
    private static String suffix(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (Character.isDigit(name.charAt(i))) {
                return name.substring(i);
            }
        }
        return "_" + name;
    }

    // ------------------------------------------------------------------ results

    /**
     * The first line of the text: the network and the input size.
     *
     * @return the title
     */
    public String title() {
        return title;
    }

    /**
     * The layers in the order they ran; the first is the input.
     *
     * @return an unmodifiable list
     */
    public List<Layer> layers() {
        return layers;
    }

    /**
     * The layer of that name.
     *
     * @param name the name, as in the reference prototxt (conv1_1, pool5, fc6, upscore2, ...)
     * @return the first layer of that name
     * @throws IllegalArgumentException if no layer has that name
     */
    public Layer layer(String name) {
        return layers.stream().filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer " + name));
    }

    /**
     * The crops, in the order the network runs them: each offset, and why it is what it is.
     *
     * @return an unmodifiable list
     */
    public List<Crop> crops() {
        return crops;
    }

    /**
     * Trainable parameters of the whole model.
     *
     * @return the count of numbers (not bytes)
     */
    public long trainableParameters() {
        return trainable;
    }

    /**
     * Frozen parameters of the whole model.
     *
     * @return the count of numbers (not bytes)
     */
    public long frozenParameters() {
        return frozen;
    }

    /**
     * Multiply-adds of one forward pass over one image (the convolutions').
     *
     * @return the count
     */
    public long multiplyAdds() {
        return multiplyAdds;
    }

    /**
     * Floating-point operations of one forward pass over one image, in units of 10^9: two per multiply-add.
     *
     * @return the GFLOP
     */
    public double gflop() {
        return 2.0 * multiplyAdds / 1e9;
    }

    /**
     * Bytes of every op's output for one image: what a training forward pass holds for backward. A relu
     * fused into its convolution ({@code conv2d_relu}) writes the convolution's one output, so its row adds
     * nothing.
     *
     * @return the bytes, at 4 bytes per float32 element
     */
    public long activationBytes() {
        return activationBytes;
    }

    // ------------------------------------------------------------------ rendering

    private static final String[] HEADER = {"layer", "op", "settings", "output", "stride", "field", "start",
        "trainable", "frozen", "mult-adds", "how"};
    private static final boolean[] RIGHT = {false, false, false, true, true, true, true, true, true, true, false};

    private List<String[]> cells() {
        List<String[]> rows = new ArrayList<>();
        for (Layer l : layers) {
            Shape s = l.output();
            rows.add(new String[] {l.name(), l.op(), l.settings(), s.dim(1) + "x" + s.dim(2) + "x" + s.dim(3),
                pair(l.h().stride(), l.w().stride()), pair(l.h().field(), l.w().field()),
                pair(l.h().start(), l.w().start()), l.trainable() == 0 ? "" : grouped(l.trainable()),
                l.frozen() == 0 ? "" : grouped(l.frozen()), l.multiplyAdds() == 0 ? "" : grouped(l.multiplyAdds()),
                l.arithmetic()});
        }
        return rows;
    }

    private List<String> legend() {
        return List.of(
                "output: channels x height x width, one image. stride: input pixels between neighbouring output pixels.",
                "field: the receptive field in input pixels, padding included. start: the input coordinate of the",
                "centre of output pixel 0's field (negative: in the padding). settings: kernel, stride s, padding p;",
                "ceil: the pool rounds its size up. how: the output's size and start from the input's, where they change.");
    }

    private List<String> totals() {
        return List.of(
                String.format(Locale.ROOT, "parameters: %s (%s trainable, %s frozen)", grouped(trainable + frozen),
                        grouped(trainable), grouped(frozen)),
                String.format(Locale.ROOT, "forward, one image: %s multiply-adds = %.1f GFLOP (convolutions)",
                        grouped(multiplyAdds), gflop()),
                String.format(Locale.ROOT, "activations, one image: %s bytes = %.1f MiB (every op's output, float32)",
                        grouped(activationBytes), activationBytes / 1048576.0));
    }

    /**
     * A plain-text table, then the crops and the totals.
     *
     * @return the text, lines ending in a newline
     */
    public String toText() {
        List<String[]> rows = cells();
        int[] width = new int[HEADER.length];
        for (int c = 0; c < HEADER.length; c++) {
            width[c] = HEADER[c].length();
            for (String[] r : rows) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        StringBuilder sb = new StringBuilder(title).append("\n\n");
        appendRow(sb, HEADER, width);
        for (String[] r : rows) {
            appendRow(sb, r, width);
        }
        sb.append('\n');
        legend().forEach(line -> sb.append(line).append('\n'));
        sb.append("\ncrops:\n");
        if (crops.isEmpty()) {
            sb.append("  ").append(NO_CROPS).append('\n');
        }
        for (Crop c : crops) {
            sb.append("  ").append(c.name()).append(": ").append(c.lines().getFirst()).append('\n');
            c.lines().subList(1, c.lines().size()).forEach(line -> sb.append("    ").append(line).append('\n'));
        }
        sb.append("\ntotals:\n");
        totals().forEach(line -> sb.append("  ").append(line).append('\n'));
        return sb.toString();
    }

    /** What the crop list says of a net whose maps all line up as they are (the same-padded form). */
    private static final String NO_CROPS = "none: every map lines up with the one it meets as it is";

    private static void appendRow(StringBuilder sb, String[] cells, int[] width) {
        StringBuilder line = new StringBuilder();
        for (int c = 0; c < cells.length; c++) {
            String pad = " ".repeat(width[c] - cells[c].length());
            line.append(c == 0 ? "" : "  ").append(RIGHT[c] ? pad + cells[c] : cells[c] + pad);
        }
        sb.append(line.toString().stripTrailing()).append('\n');
    }

    /**
     * A Markdown table (the arithmetic in code spans), then the crops and the totals as lists.
     *
     * @return the Markdown
     */
    public String toMarkdown() {
        StringBuilder sb = new StringBuilder("**").append(title).append("**\n\n");
        sb.append("| ").append(String.join(" | ", HEADER)).append(" |\n|");
        for (boolean right : RIGHT) {
            sb.append(right ? "---:|" : "---|");
        }
        sb.append('\n');
        for (String[] r : cells()) {
            sb.append("|");
            for (int c = 0; c < r.length; c++) {
                boolean code = c == r.length - 1 && !r[c].isEmpty();
                sb.append(' ').append(code ? "`" + r[c] + "`" : r[c]).append(" |");
            }
            sb.append('\n');
        }
        sb.append('\n').append(String.join(" ", legend())).append("\n\nCrops:\n\n");
        if (crops.isEmpty()) {
            sb.append("- ").append(NO_CROPS).append('\n');
        }
        for (Crop c : crops) {
            sb.append("- ").append(c.name()).append(": ").append(c.lines().getFirst()).append('\n');
            c.lines().subList(1, c.lines().size()).forEach(line -> sb.append("  - ").append(line).append('\n'));
        }
        sb.append("\nTotals:\n\n");
        totals().forEach(line -> sb.append("- ").append(line).append('\n'));
        return sb.toString();
    }

    @Override
    public String toString() {
        return toText();
    }

    private static String pair(double h, double w) {
        return h == w ? number(h) : number(h) + "/" + number(w);
    }

    private static String paren(double v) {
        return v < 0 ? "(" + number(v) + ")" : number(v);
    }

    /**
     * A number as explain writes it: exact, without trailing zeros.
     *
     * @param v the number
     * @return its decimal text (12.5, -99, 0.0625)
     */
    public static String number(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /**
     * A float as written in source: the shortest decimal that reads back to it.
     *
     * @param v the number
     * @return its decimal text (0.01, not 0.009999999776482582)
     */
    public static String number(float v) {
        return new BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
    }

    private static String grouped(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
