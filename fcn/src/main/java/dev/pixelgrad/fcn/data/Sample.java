package dev.pixelgrad.fcn.data;

/**
 * One labelled image on the host: RGB values 0-255 stored planar ([3, H, W], red first) and one class
 * index per pixel ({@link #VOID} where the pixel is not labelled).
 */
public record Sample(String id, int height, int width, float[] rgb, int[] labels) {
    /** The label of pixels that count for nothing (object boundaries, padding): Pascal VOC's 255. */
    public static final int VOID = 255;

    public Sample {
        if (rgb.length != 3 * height * width || labels.length != height * width) {
            throw new IllegalArgumentException("sample " + id + ": arrays do not match " + height + "x" + width);
        }
    }
}
