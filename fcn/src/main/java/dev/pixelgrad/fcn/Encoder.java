package dev.pixelgrad.fcn;

import java.util.Arrays;
import java.util.List;

/**
 * The VGG net an FCN is built on. The two differ only in how many 3x3 convolutions each of the five
 * blocks holds before its pool; channels (64, 128, 256, 512, 512), fc6, fc7 and the heads are the same,
 * and parameter names follow torchvision's {@code vgg16} and {@code vgg19} ({@code features.N.*}, N
 * counting convolutions, ReLUs and pools in order).
 */
public enum Encoder {
    /** VGG16 (Simonyan and Zisserman's configuration D): 2, 2, 3, 3, 3 convolutions; the reference FCN's. */
    VGG16(2, 2, 3, 3, 3),
    /** VGG19 (configuration E): 2, 2, 4, 4, 4 convolutions. */
    VGG19(2, 2, 4, 4, 4);

    /** The output channels of each block at width 1. */
    private static final int[] BLOCK_CHANNELS = {64, 128, 256, 512, 512};

    private final int[] convsPerBlock;

    Encoder(int... convsPerBlock) {
        this.convsPerBlock = convsPerBlock;
    }

    /**
     * The 3x3 convolutions of block {@code block} (0 to 4).
     *
     * @param block the block, 0 for conv1_x
     * @return 2, 3 or 4
     */
    public int convs(int block) {
        return convsPerBlock[block];
    }

    /**
     * The 3x3 convolutions of each block.
     *
     * @return five counts, a new array: 2, 2, 3, 3, 3 for VGG16; 2, 2, 4, 4, 4 for VGG19
     */
    public int[] convsPerBlock() {
        return convsPerBlock.clone();
    }

    /**
     * The five blocks' output channels at width 1.
     *
     * @param block the block, 0 for conv1_x
     * @return 64, 128, 256, 512 or 512
     */
    public static int channels(int block) {
        return BLOCK_CHANNELS[block];
    }

    /**
     * The indices of the convolutions in torchvision's {@code features}: each block's convolutions with a
     * ReLU after each, then a pool.
     *
     * @return 13 indices for VGG16 (0, 2, 5, ..., 28), 16 for VGG19 (0, 2, 5, ..., 34)
     */
    public int[] convIndices() {
        int[] out = new int[Arrays.stream(convsPerBlock).sum()];
        int index = 0;
        int n = 0;
        for (int convs : convsPerBlock) {
            for (int i = 0; i < convs; i++) {
                out[n++] = index;
                index += 2;
            }
            index++; // the pool
        }
        return out;
    }

    /**
     * The index in {@code features} just after the pool that ends block {@code block}.
     *
     * @param block the block, 0 for pool1
     * @return 5 for pool1; for VGG16 17, 24 and 31 after pool3, pool4 and pool5
     */
    public int poolEnd(int block) {
        int end = 0;
        for (int b = 0; b <= block; b++) {
            end += 2 * convsPerBlock[b] + 1;
        }
        return end;
    }

    /**
     * The name configurations and the command line use.
     *
     * @return "vgg16" or "vgg19"
     */
    public String configName() {
        return ConfigNames.of(this);
    }

    /**
     * Every encoder's name.
     *
     * @return "vgg16", "vgg19"
     */
    public static List<String> names() {
        return ConfigNames.all(Encoder.class);
    }

    /**
     * The encoder called {@code name}, in any case.
     *
     * @param name "vgg16" or "vgg19"
     * @return the encoder
     * @throws IllegalArgumentException listing the names, if none is called so
     */
    public static Encoder parse(String name) {
        return ConfigNames.parse(Encoder.class, "encoder", name);
    }
}
