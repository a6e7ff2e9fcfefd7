package dev.pixelgrad.fcn.data;

import java.util.Arrays;
import java.util.Map;

/**
 * The colour of each of the 256 label values, for masks written as palette PNGs (the value of a pixel is
 * its class, the palette says how it looks), for overlays and for reports.
 *
 * <p>{@link #VOC} is the Pascal VOC colour map: class i gets the colour whose bits interleave i's bits,
 * most significant first (bit 0 of i to red, bit 1 to green, bit 2 to blue, then the next three bits one
 * place lower...). Class 0 is black, 1 dark red, 2 dark green, and 255 (void) the cream (224, 224, 192).
 * A data set with its own class colours (a colour-coded class list) gets {@link #of(Map)}: its colours
 * where it names them, VOC's elsewhere.
 */
public final class Palette {
    /** The Pascal VOC colour map, for all 256 values. */
    public static final Palette VOC = new Palette(voc());

    private final int[] rgb;

    private Palette(int[] rgb) {
        this.rgb = rgb;
    }

    private static int[] voc() {
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

    /**
     * VOC's colours, with those of {@code colorToClass} (0xRRGGBB to label value, 255 for void) in their
     * place.
     *
     * @param colorToClass 0xRRGGBB to label value
     * @return the palette
     */
    public static Palette of(Map<Integer, Integer> colorToClass) {
        int[] map = voc();
        for (Map.Entry<Integer, Integer> e : colorToClass.entrySet()) {
            map[e.getValue() & 0xFF] = e.getKey() & 0xFFFFFF;
        }
        return new Palette(map);
    }

    /**
     * 0xRRGGBB of label value {@code index} (0-255).
     *
     * @param index the label value; only its low 8 bits count
     * @return the colour, 0xRRGGBB
     */
    public int rgb(int index) {
        return rgb[index & 0xFF];
    }

    /** The colour map as three byte arrays, for an indexed PNG. */
    byte[][] channels() {
        byte[][] out = new byte[3][256];
        for (int i = 0; i < 256; i++) {
            out[0][i] = (byte) (rgb[i] >> 16);
            out[1][i] = (byte) (rgb[i] >> 8);
            out[2][i] = (byte) rgb[i];
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Palette p && Arrays.equals(rgb, p.rgb);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(rgb);
    }
}
