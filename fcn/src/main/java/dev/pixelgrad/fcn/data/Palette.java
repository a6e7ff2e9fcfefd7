package dev.pixelgrad.fcn.data;

/**
 * The Pascal VOC colour map: class i gets the colour whose bits interleave i's bits, most significant
 * first (bit 0 of i to red, bit 1 to green, bit 2 to blue, then the next three bits one place lower...).
 * Class 0 is black, 1 dark red, 2 dark green, and 255 (void) the cream (224, 224, 192).
 */
public final class Palette {
    private static final int[] RGB = build();

    private Palette() {}

    private static int[] build() {
        int[] map = new int[256];
        for (int i = 0; i < 256; i++) {
            int r = 0;
            int g = 0;
            int b = 0;
            int c = i;
            for (int j = 0; j < 8; j++) {
                r |= (c & 1) << (7 - j);
                g |= ((c >> 1) & 1) << (7 - j);
                b |= ((c >> 2) & 1) << (7 - j);
                c >>= 3;
            }
            map[i] = (r << 16) | (g << 8) | b;
        }
        return map;
    }

    /** 0xRRGGBB of class {@code index} (0-255). */
    public static int rgb(int index) {
        return RGB[index & 0xFF];
    }

    /** The colour map as three byte arrays, for an indexed PNG. */
    static byte[][] channels() {
        byte[][] out = new byte[3][256];
        for (int i = 0; i < 256; i++) {
            out[0][i] = (byte) (RGB[i] >> 16);
            out[1][i] = (byte) (RGB[i] >> 8);
            out[2][i] = (byte) RGB[i];
        }
        return out;
    }
}
