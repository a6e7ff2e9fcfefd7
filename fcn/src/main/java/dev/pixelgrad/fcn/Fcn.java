package dev.pixelgrad.fcn;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.nn.Checkpoint;
import dev.pixelgrad.nn.CheckpointException;
import dev.pixelgrad.nn.Conv2d;
import dev.pixelgrad.nn.ConvTranspose2d;
import dev.pixelgrad.nn.Dropout;
import dev.pixelgrad.nn.Init;
import dev.pixelgrad.nn.MaxPool2d;
import dev.pixelgrad.nn.Module;
import dev.pixelgrad.nn.RandomState;
import dev.pixelgrad.nn.ReLU;
import dev.pixelgrad.nn.Sequential;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A fully convolutional network on a VGG16 encoder, as the reference Caffe models of Long, Shelhamer
 * and Darrell ("Fully Convolutional Networks for Semantic Segmentation", CVPR 2015;
 * fcn.berkeleyvision.org). The variants differ only in their heads: {@link Fcn32s}, {@link Fcn16s},
 * {@link Fcn8s}, {@link Fcn8sAtOnce}.
 *
 * <p>The encoder is VGG16 with two changes that make it fully convolutional ("network surgery"):
 * <ul>
 *   <li>conv1_1 pads by 100, so that even a tiny input survives five poolings and the 7x7 fc6, and the
 *       final crop can always take a window of the input's size;</li>
 *   <li>the fully connected fc6 (25088 -> 4096) and fc7 (4096 -> 4096) become a 7x7 and a 1x1
 *       convolution with the same weights, so the net slides over images of any size.</li>
 * </ul>
 * Every max-pool rounds its output size up (Caffe's default; ceil mode), which with the padding above
 * makes every input size from 1 upwards produce valid crops.
 *
 * <p>Parameter names follow torchvision's VGG16 ({@code features.0.weight} is conv1_1, ...), then
 * {@code fc6}, {@code fc7} and the head's layer names from the reference prototxt ({@code score_fr},
 * {@code upscore2}, {@code score_pool4}, ...).
 */
public abstract class Fcn extends Module {
    /** The stride of the deepest map (pool5, fc7): five 2x2 poolings. */
    public static final int OUTPUT_STRIDE = 32;

    /** Index in {@code features} just after pool3, pool4 and pool5: where the heads read the encoder. */
    private final int pool3End;
    private final int pool4End;
    private final int pool5End;

    /** The configuration this net was built from. */
    protected final FcnConfig config;
    /** The stream of the dropout masks, seeded with the configuration's seed. */
    protected final RandomState random;
    /**
     * VGG16's convolutional part in torchvision's layout: conv1_1 to pool5, a ReLU after every convolution.
     */
    protected final Sequential features;
    /** The 7x7 convolution that replaces VGG16's first fully connected layer (4096 channels at width 1). */
    protected final Conv2d fc6;
    /** The 1x1 convolution that replaces VGG16's second fully connected layer (4096 channels at width 1). */
    protected final Conv2d fc7;
    private final Dropout drop6;
    private final Dropout drop7;

    /**
     * The encoder's outputs that the heads read.
     *
     * @param pool3 the output of pool3: [N, 256 x width, H', W'] at 1/8 resolution
     * @param pool4 the output of pool4: [N, 512 x width, H'', W''] at 1/16 resolution
     * @param fc7   the output of fc7 after its ReLU and dropout: [N, 4096 x width, h, w] at 1/32 resolution
     */
    public record Encoded(Variable pool3, Variable pool4, Variable fc7) {}

    /**
     * Builds the encoder: VGG16's layers with their weights drawn from the configuration's seed (to be
     * replaced by ImageNet weights or a checkpoint), and fc6 and fc7 as convolutions. The subclass adds its
     * head.
     *
     * @param config the variant, class count, width and seed
     */
    protected Fcn(FcnConfig config) {
        this.config = config;
        this.random = new RandomState(config.seed());
        long seed = config.seed();
        Encoder encoder = config.encoder();
        boolean same = config.padding() == Padding.SAME;
        // torchvision's VGG 'features' layout: conv and relu pairs, a pool ending each block.
        Sequential f = new Sequential();
        int in = 3;
        int layer = 0;
        for (int block = 0; block < 5; block++) {
            int out = channels(Encoder.channels(block));
            for (int i = 0; i < encoder.convs(block); i++) {
                int pad = layer == 0 && !same ? 100 : 1; // conv1_1: the reference net's padding of 100
                f.add(new Conv2d(in, out, 3, 1, pad, seed + layer));
                f.add(new ReLU());
                in = out;
                layer++;
            }
            f.add(new MaxPool2d(2, 2, 0, true));
        }
        this.pool3End = encoder.poolEnd(2);
        this.pool4End = encoder.poolEnd(3);
        this.pool5End = encoder.poolEnd(4);
        int c4 = channels(512);
        int fc = channels(4096);
        this.features = registerModule("features", f);
        this.fc6 = registerModule("fc6", new Conv2d(c4, fc, 7, 1, same ? 3 : 0, seed + 100));
        this.drop6 = registerModule("drop6", new Dropout(0.5f, random));
        this.fc7 = registerModule("fc7", new Conv2d(fc, fc, 1, 1, 0, seed + 101));
        this.drop7 = registerModule("drop7", new Dropout(0.5f, random));
    }

    /**
     * Channels of a reference layer under the width multiplier (at least 1).
     *
     * @param reference the layer's channel count in the reference net
     * @return round(reference x width), at least 1
     */
    protected final int channels(int reference) {
        return config.channels(reference);
    }

    /**
     * Checks, before a model is built from stored weights ({@code name -> shape}), that they are those of
     * a net of {@code config}: the layers that carry the width (conv1_1, fc6, fc7) and the class count
     * (score_fr) must have the shapes it implies. A configuration that disagrees would build a net of
     * another size (width 1 next to the weights of a 1/32-width net: 134M parameters) only to fail on
     * loading; it is an IllegalArgumentException listing each disagreement. The model then built is the
     * size of the stored weights, and {@link #loadState} checks the rest.
     *
     * @param config the configuration that claims the weights
     * @param stored the stored weights' shapes, by parameter name
     * @throws IllegalArgumentException if a key layer is missing or has another shape
     */
    public static void checkStoredShapes(FcnConfig config, Map<String, Shape> stored) {
        int fc = config.channels(4096);
        // As the constructor lays them out: [out, in, kernel, kernel].
        Map<String, Shape> implied = new LinkedHashMap<>();
        implied.put("features.0.weight", Shape.of(config.channels(64), 3, 3, 3));
        implied.put("fc6.weight", Shape.of(fc, config.channels(512), 7, 7));
        implied.put("fc7.weight", Shape.of(fc, fc, 1, 1));
        implied.put("score_fr.weight", Shape.of(config.numClasses(), fc, 1, 1));
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Shape> e : implied.entrySet()) {
            Shape have = stored.get(e.getKey());
            if (have == null) {
                wrong.add("no " + e.getKey() + " is stored");
            } else if (!have.equals(e.getValue())) {
                wrong.add(e.getKey() + " is " + have + ", not " + e.getValue());
            }
        }
        if (!wrong.isEmpty()) {
            throw new IllegalArgumentException("fcn.config says width " + config.width() + " and num_classes "
                    + config.numClasses() + ", which the stored weights do not fit: " + String.join("; ", wrong));
        }
    }

    /**
     * The configuration this net was built from, to save beside its weights.
     *
     * @return the configuration
     */
    public FcnConfig config() {
        return config;
    }

    /**
     * The number of classes the net scores, background included: the channels of its output.
     *
     * @return the class count
     */
    public int numClasses() {
        return config.numClasses();
    }

    /**
     * The stream that dropout draws its masks from; checkpoints save its position.
     *
     * @return the stream, shared with the dropout layers
     */
    public RandomState random() {
        return random;
    }

    /**
     * The encoder up to fc7, keeping pool3 and pool4 for the skip connections. In the
     * {@linkplain Padding#SAME same-padded} form the images are first padded with zeros at the bottom and
     * right to a multiple of {@value #OUTPUT_STRIDE}, so that every map is exactly 1/8, 1/16 or 1/32 of
     * that size and the head's upsampled maps meet the skips without crops.
     *
     * @param x the images [N, 3, H, W], preprocessed
     * @return pool3, pool4 and fc7
     */
    public Encoded encode(Variable x) {
        if (config.padding() == Padding.SAME) {
            int h = x.shape().dim(2);
            int w = x.shape().dim(3);
            int paddedH = roundUp(h);
            int paddedW = roundUp(w);
            if (paddedH != h || paddedW != w) {
                x = F.pad(x, 0, 0, paddedH, paddedW);
            }
        }
        Variable pool3 = features.forward(x, 0, pool3End);
        Variable pool4 = features.forward(pool3, pool3End, pool4End);
        Variable pool5 = features.forward(pool4, pool4End, pool5End);
        Variable h = drop6.forward(fc6.forwardRelu(pool5));
        h = drop7.forward(fc7.forwardRelu(h));
        return new Encoded(pool3, pool4, h);
    }

    private static int roundUp(int size) {
        return (size + OUTPUT_STRIDE - 1) / OUTPUT_STRIDE * OUTPUT_STRIDE;
    }

    /**
     * Logits [N, classes, H, W] for images [N, 3, H, W]: the scores of every class at every pixel, before
     * softmax, at the input's resolution.
     *
     * @param x the images, preprocessed as {@link FcnConfig#preprocessing} says
     * @return the logits
     */
    @Override
    public abstract Variable forward(Variable x);

    /**
     * A 1x1 scoring convolution to the class count, started at zero (the reference's choice).
     *
     * @param name       the layer's name (score_fr, score_pool4, score_pool3)
     * @param inChannels the channels of the features it scores
     * @return the layer, registered under {@code name}
     */
    protected Conv2d scoreLayer(String name, int inChannels) {
        Conv2d c = registerModule(name, new Conv2d(inChannels, numClasses(), 1, 1, 0, 0));
        Tensor w = c.weight().data();
        w.copyFrom(Tensor.zeros(w.shape(), w.dtype(), w.device()));
        return c;
    }

    /**
     * A transposed convolution that upsamples class maps by {@code factor}: kernel 2 x factor, no bias,
     * bilinear weights on the diagonal, frozen unless the configuration lets it learn. It pads by 0 in the
     * reference form, so an n-pixel map becomes (n + 1) x factor pixels to be cropped, and by factor / 2 in
     * the same-padded form, where it becomes exactly n x factor.
     *
     * @param name   the layer's name (upscore, upscore2, upscore16, ...)
     * @param factor the upsampling factor, the stride
     * @return the layer, registered under {@code name}
     */
    protected ConvTranspose2d upsampleLayer(String name, int factor) {
        int k = 2 * factor;
        int pad = config.padding() == Padding.SAME ? factor / 2 : 0;
        ConvTranspose2d up = registerModule(name, new ConvTranspose2d(numClasses(), numClasses(), k, factor, pad, false, 0));
        up.weight().data().copyFrom(Init.bilinear(numClasses(), k));
        up.weight().requiresGrad(config.learnUpsample());
        return up;
    }

    /**
     * Caffe's crop: the window [offset, offset + size of {@code like}) of x's spatial axes. {@code like} is
     * the map a skip is added to, or the input for the final crop. A window that is all of x is x itself.
     *
     * @param x      the map to crop [N, C, H, W]
     * @param offset the first row and column of the window
     * @param like   the map whose height and width the window takes
     * @return the window [N, C, like's H, like's W]
     */
    protected static Variable cropLike(Variable x, int offset, Variable like) {
        int h = like.shape().dim(2);
        int w = like.shape().dim(3);
        if (offset == 0 && x.shape().dim(2) == h && x.shape().dim(3) == w) {
            return x;
        }
        return F.crop(x, offset, offset, h, w);
    }

    /**
     * The offset of a crop: the reference net's (5, 9, 19, 27 or 31, which line the maps up after the
     * padding of 100) in the reference form, 0 in the same-padded form, whose maps start together.
     *
     * @param reference the reference net's offset for this crop
     * @return the offset to crop at
     */
    protected final int offset(int reference) {
        return config.padding() == Padding.SAME ? 0 : reference;
    }

    /** The metadata entry that holds the configuration in every file a model is saved in. */
    public static final String CONFIG_KEY = "fcn.config";

    /**
     * Saves the weights with the configuration, so that {@link #load} rebuilds this model from the file
     * alone (a safetensors file: {@code model/} tensors, and {@value #CONFIG_KEY} in the metadata).
     *
     * @param file the file to write or replace
     * @throws IOException if it is read-only or cannot be written
     */
    public void save(Path file) throws IOException {
        save(file, Map.of());
    }

    /**
     * As {@link #save(Path)}, with notes of the caller's in the metadata (the step, a score).
     *
     * @param file  the file to write or replace
     * @param notes extra metadata entries
     * @throws IOException if it is read-only or cannot be written
     */
    public void save(Path file, Map<String, String> notes) throws IOException {
        Map<String, String> metadata = new LinkedHashMap<>(notes);
        metadata.put("format", "pixelgrad-fcn-model-1");
        metadata.put(CONFIG_KEY, config.toJson());
        Checkpoint.save(file, this, null, metadata);
    }

    /**
     * The model in a file written by {@link #save} or by training (a checkpoint), in evaluation mode. The
     * stored configuration is checked, and checked against the stored weights, before anything is built.
     *
     * @param file the file
     * @return the model, in evaluation mode, on the CPU (unless built inside
     *         {@link dev.pixelgrad.nn.Init#onDevice})
     * @throws CheckpointException if the file is not an FCN checkpoint, or its configuration and weights
     *                             disagree
     * @throws IOException if the file does not exist or cannot be read
     */
    public static Fcn load(Path file) throws IOException {
        if (!Files.exists(file)) {
            throw new IOException("checkpoint " + file + " does not exist");
        }
        Fcn model = restore(file, Checkpoint.loadModel(file));
        model.eval();
        return model;
    }

    /**
     * The model a checkpoint holds: built from its checked {@link #storedConfig}, then given the stored
     * weights.
     *
     * @param path the checkpoint's file, for messages
     * @param ckpt the checkpoint, read
     * @return the model, in training mode, with the checkpoint's weights (copied)
     * @throws CheckpointException if the configuration is missing or invalid, or the weights do not fit it
     */
    public static Fcn restore(Path path, Checkpoint ckpt) throws CheckpointException {
        FcnConfig config = storedConfig(path, ckpt);
        Fcn model = create(config);
        try {
            model.loadState(ckpt.model(), true);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, "the stored weights do not fit fcn.config's " + config.model() + ": "
                    + e.getMessage());
        }
        return model;
    }

    /**
     * A checkpoint's configuration, read field by field and checked against the shapes of the stored
     * weights before anything is built from it: the file may have been edited, or come from anyone.
     *
     * @param path the checkpoint's file, for messages
     * @param ckpt the checkpoint, read
     * @return the configuration
     * @throws CheckpointException if there is none, it is invalid, or the stored weights do not fit it
     */
    public static FcnConfig storedConfig(Path path, Checkpoint ckpt) throws CheckpointException {
        String json = ckpt.metadata().get(CONFIG_KEY);
        if (json == null) {
            throw new CheckpointException(path, "no " + CONFIG_KEY + " entry; is it an FCN checkpoint?");
        }
        try {
            FcnConfig config = FcnConfig.fromJson(json);
            Map<String, Shape> shapes = new HashMap<>();
            ckpt.model().forEach((name, t) -> shapes.put(name, t.shape()));
            checkStoredShapes(config, shapes);
            return config;
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(path, e.getMessage());
        }
    }

    /**
     * Builds the variant a configuration names.
     *
     * <p>The parameters are newly initialised; to start from ImageNet or a trained stage, load weights
     * afterwards.
     *
     * @param config the configuration
     * @return the model, in training mode; its weights are drawn on the device of
     *         {@link dev.pixelgrad.nn.Init#onDevice} (the CPU by default), its biases made on the CPU
     */
    public static Fcn create(FcnConfig config) {
        return FcnVariant.named(config.model()).create(config);
    }
}
