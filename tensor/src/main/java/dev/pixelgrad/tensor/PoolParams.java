package dev.pixelgrad.tensor;

/**
 * Window, stride and padding of a 2-D max pooling. With {@code ceilMode} the output size rounds up, so
 * the last window may overhang the input (Caffe's default, which FCN relies on); padded and overhanging
 * positions never win the max.
 */
public record PoolParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean ceilMode) {
    public PoolParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("max_pool2d: kernel and stride must be >= 1");
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("max_pool2d: padding " + padH + "x" + padW
                    + " must be >= 0 and at most half the kernel " + kernelH + "x" + kernelW);
        }
    }

    public static PoolParams of(int kernel, int stride, int pad, boolean ceilMode) {
        return new PoolParams(kernel, kernel, stride, stride, pad, pad, ceilMode);
    }

    public int outH(int in) {
        return outSize(in, kernelH, strideH, padH);
    }

    public int outW(int in) {
        return outSize(in, kernelW, strideW, padW);
    }

    /**
     * PyTorch's rule (and Caffe's, for the pools FCN uses): floor or ceil of (in + 2p - k) / s, plus one;
     * in ceil mode a last window that would start beyond the input and its left padding is dropped.
     */
    private int outSize(int in, int k, int s, int p) {
        int span = in + 2 * p - k;
        int out = (ceilMode ? Math.floorDiv(span + s - 1, s) : Math.floorDiv(span, s)) + 1;
        if (ceilMode && (out - 1) * s >= in + p) {
            out--;
        }
        return out;
    }

    @Override
    public String toString() {
        return "kernel " + kernelH + "x" + kernelW + ", stride " + strideH + "x" + strideW + ", padding "
                + padH + "x" + padW + (ceilMode ? ", ceil" : "");
    }
}
