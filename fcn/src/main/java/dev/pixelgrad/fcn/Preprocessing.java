package dev.pixelgrad.fcn;


/**
 * How an RGB image with values 0-255 becomes network input. It must follow where the weights came
 * from: the Caffe and Keras VGG16 weights expect BGR, 0-255, minus the ImageNet mean pixel; torchvision's
 * expect RGB scaled to [0, 1], minus mean and divided by standard deviation, per channel; MatConvNet's
 * expect RGB, 0-255, minus the VGG team's mean pixel. (Users of FCN ports who mixed the first two lost 3
 * to 5 points of mean IoU.)
 */
public enum Preprocessing {
    /** BGR, 0-255, minus (104.00699, 116.66877, 122.67892) for (B, G, R): the reference FCN's input. */
    CAFFE,
    /** RGB / 255, minus (0.485, 0.456, 0.406), divided by (0.229, 0.224, 0.225). */
    TORCHVISION,
    /**
     * RGB, 0-255, minus (123.68, 116.779, 103.939) for (R, G, B): MatConvNet's VGG-VD models
     * ({@code imagenet-vgg-verydeep-16.mat}, {@code -19.mat}), whose averageImage is that mean pixel, the
     * one the VGG team published with its Caffe models.
     */
    MATCONVNET;

    private static final float[] CAFFE_MEAN_BGR = {104.00699f, 116.66877f, 122.67892f};
    private static final float[] TV_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] TV_STD = {0.229f, 0.224f, 0.225f};
    private static final float[] MATCONVNET_MEAN_RGB = {123.68f, 116.779f, 103.939f};

    /**
     * A preprocessing by its lower-case name (as the CLI and checkpoints write it).
     *
     * @param s the name, in any case, surrounding blanks allowed
     * @return the preprocessing
     * @throws IllegalArgumentException for any other name
     */
    public static Preprocessing parse(String s) {
        return ConfigNames.parse(Preprocessing.class, "preprocessing", s);
    }

    /**
     * The name the CLI and checkpoints write.
     *
     * @return "caffe", "torchvision" or "matconvnet"
     */
    public String configName() {
        return ConfigNames.of(this);
    }

    /**
     * Writes the network input for an RGB image (planar, channel c at c*plane, values 0-255) into
     * {@code out} at {@code outOff} ([3, H, W] in the network's channel order).
     *
     * @param rgb    the image, planar RGB, values 0-255
     * @param plane  the pixels of one channel, H x W
     * @param out    the destination array
     * @param outOff where the image's three planes start in {@code out}
     */
    public void apply(float[] rgb, int plane, float[] out, int outOff) {
        for (int c = 0; c < 3; c++) {
            int dst = outOff + c * plane;
            if (this == TORCHVISION) {
                int src = c * plane;
                float scale = 1f / (255f * TV_STD[c]);
                float shift = TV_MEAN[c] / TV_STD[c];
                for (int i = 0; i < plane; i++) {
                    out[dst + i] = rgb[src + i] * scale - shift;
                }
            } else {
                // CAFFE is BGR (network channel 0 is blue); MATCONVNET keeps RGB.
                int src = (this == CAFFE ? 2 - c : c) * plane;
                float mean = this == CAFFE ? CAFFE_MEAN_BGR[c] : MATCONVNET_MEAN_RGB[c];
                for (int i = 0; i < plane; i++) {
                    out[dst + i] = rgb[src + i] - mean;
                }
            }
        }
    }

    /**
     * The RGB pixel (0-255) that this preprocessing maps to zero: what padding should look like.
     *
     * @return a new array {R, G, B}
     */
    public float[] neutralRgb() {
        return switch (this) {
            case CAFFE -> new float[] {CAFFE_MEAN_BGR[2], CAFFE_MEAN_BGR[1], CAFFE_MEAN_BGR[0]};
            case TORCHVISION -> new float[] {255 * TV_MEAN[0], 255 * TV_MEAN[1], 255 * TV_MEAN[2]};
            case MATCONVNET -> MATCONVNET_MEAN_RGB.clone();
        };
    }
}
