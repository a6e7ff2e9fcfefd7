package dev.pixelgrad.fcn.data;

/**
 * One labelled image on the host: RGB values 0-255 stored planar ([3, H, W], red first) and one class
 * index per pixel ({@link #VOID} where the pixel is not labelled).
 *
 * @param id     a name for the sample, such as its file stem
 * @param height the height in pixels
 * @param width  the width in pixels
 * @param rgb    the image, [3, height, width], values 0-255
 * @param labels the class of each pixel, [height, width], or {@link #VOID}
 */
public record Sample(String id, int height, int width, float[] rgb, int[] labels) {
    /** The label of pixels that count for nothing (object boundaries, padding): Pascal VOC's 255. */
    public static final int VOID = 255;

    /**
     * Checks the arrays' lengths.
     *
     * @throws IllegalArgumentException if {@code rgb} is not 3 x height x width long, or {@code labels} not
     *                                  height x width
     */
    public Sample {
        if (rgb.length != 3 * height * width || labels.length != height * width) {
            throw new IllegalArgumentException("sample " + id + ": arrays do not match " + height + "x" + width);
        }
    }
}
