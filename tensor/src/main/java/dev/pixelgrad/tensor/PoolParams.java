package dev.pixelgrad.tensor;

/**
 * Window, stride and padding of a 2-D max pooling. With {@code ceilMode} the output size rounds up, so
 * the last window may overhang the input (Caffe's default, which FCN relies on); padded and overhanging
 * positions never win the max.
 *
 * @param kernelH  the window height (at least 1)
 * @param kernelW  the window width (at least 1)
 * @param strideH  the step of the window down the rows (at least 1)
 * @param strideW  the step of the window across the columns (at least 1)
 * @param padH     rows of padding above and below, at most half the window height
 * @param padW     columns of padding left and right, at most half the window width
 * @param ceilMode whether the output size rounds up (Caffe) rather than down (PyTorch's default)
 */
public record PoolParams(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, boolean ceilMode) {
    /**
     * Checks the components.
     *
     * @throws IllegalArgumentException if a window size or stride is below 1, or a padding is negative or
     *                                  more than half the window
     */
    public PoolParams {
        if (kernelH < 1 || kernelW < 1 || strideH < 1 || strideW < 1) {
            throw new IllegalArgumentException("max_pool2d: kernel and stride must be >= 1");
        }
        if (padH < 0 || padW < 0 || 2 * padH > kernelH || 2 * padW > kernelW) {
            throw new IllegalArgumentException("max_pool2d: padding " + padH + "x" + padW
                    + " must be >= 0 and at most half the kernel " + kernelH + "x" + kernelW);
        }
    }

    /**
     * A square window with the same stride and padding along both axes, as in FCN (2x2, stride 2, ceil mode).
     *
     * @param kernel   the window height and width
     * @param stride   the stride along both axes
     * @param pad      the padding on each of the four sides
     * @param ceilMode whether the output size rounds up
     * @return the parameters
     */
    public static PoolParams of(int kernel, int stride, int pad, boolean ceilMode) {
        return new PoolParams(kernel, kernel, stride, stride, pad, pad, ceilMode);
    }

    /**
     * The output height for an input of {@code in} rows: (in + 2 padH - kernelH) / strideH, rounded down or,
     * in ceil mode, up, plus one; in ceil mode a last window that would start after the input's last row is
     * dropped.
     *
     * @param in the input height
     * @return the output height; below 1 when the window does not fit
     */
    public int outH(int in) {
        return outSize(in, kernelH, strideH, padH);
    }

    /**
     * The output width for an input of {@code in} columns, by the rule of {@link #outH}.
     *
     * @param in the input width
     * @return the output width; below 1 when the window does not fit
     */
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
