package dev.pixelgrad.tensor;

/** How a per-pixel loss becomes one number. */
public enum Reduction {
    /** Mean over the pixels that are not ignored (0 when every pixel is ignored, as Caffe). */
    MEAN,
    /** Sum over the pixels that are not ignored: Caffe's "unnormalized" loss used by the reference FCN. */
    SUM
}
