package dev.pixelgrad.fcn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Decoded pixels are what PIL's {@code Image.open(f).convert('RGB')} (and Caffe's and OpenCV's readers)
 * give: grey with alpha is the grey value, and an embedded ICC profile is not applied.
 */
class ImageDecodeTest {
    @TempDir
    Path dir;

    private static final int W = 256;

    @Test
    void greyWithAlphaIsTheGreyValue() throws IOException {
        // 8-bit grey + alpha, a 0..255 ramp under an alpha that runs the other way (0 included).
        byte[] la8 = new byte[2 * W];
        for (int x = 0; x < W; x++) {
            la8[2 * x] = (byte) x;
            la8[2 * x + 1] = (byte) (255 - x);
        }
        assertRamp(png("la8.png", 4, 8, la8, Map.of()), "8-bit grey+alpha");

        // 16-bit grey + alpha: PIL keeps the high byte of each sample; the low bytes here would round
        // the other way for half the ramp.
        byte[] la16 = new byte[4 * W];
        for (int x = 0; x < W; x++) {
            la16[4 * x] = (byte) x;
            la16[4 * x + 1] = (byte) (255 - x);
            la16[4 * x + 2] = (byte) 0x80;
            la16[4 * x + 3] = (byte) x;
        }
        assertRamp(png("la16.png", 4, 16, la16, Map.of()), "16-bit grey+alpha");

        // Grey with a transparent value (tRNS), which ImageIO also decodes as grey + alpha.
        byte[] l8 = new byte[W];
        for (int x = 0; x < W; x++) {
            l8[x] = (byte) x;
        }
        assertRamp(png("trns.png", 0, 8, l8, Map.of("tRNS", new byte[] {0, 7})), "grey with tRNS");

        // The same ramp as plain grey, for the record.
        assertRamp(png("l8.png", 0, 8, l8, Map.of()), "8-bit grey");
    }

    @Test
    void greyWithAlphaColourMasksAreLookedUpByGreyValue() throws IOException {
        byte[] la = {100, (byte) 255, 7, 0};
        Path f = png("mask.png", 4, 8, la, Map.of());
        ImageFiles.Mask m = ImageFiles.readColorMask(f, Map.of(0x646464, 1, 0x070707, 0));
        assertArrayEquals(new int[] {1, 0, 1, 0}, m.values());
    }

    @Test
    void anEmbeddedIccProfileIsNotApplied() throws IOException {
        int h = 24;
        int w = 32;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, (x * 8) << 16 | (y * 10) << 8 | ((x * 7 + y * 3) & 0xFF));
            }
        }
        Path plain = dir.resolve("plain.jpg");
        ImageFiles.writeJpeg(img, plain, 0.95f);
        // The same JPEG carrying a linear-RGB profile in an APP2 ICC_PROFILE segment after the JFIF header.
        Path tagged = dir.resolve("tagged.jpg");
        Files.write(tagged, ImageBytes.jpegWithIccProfile(Files.readAllBytes(plain),
                ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData()));

        BufferedImage managed = ImageIO.read(tagged.toFile());
        BufferedImage unmanaged = ImageIO.read(plain.toFile());
        assertFalse(managed.getRGB(4, 4) == unmanaged.getRGB(4, 4),
                "the fixture's profile is one ImageIO applies by default");

        ImageFiles.Rgb expected = ImageFiles.readRgb(plain);
        ImageFiles.Rgb actual = ImageFiles.readRgb(tagged);
        assertEquals(h, actual.height());
        assertEquals(w, actual.width());
        assertArrayEquals(expected.planes(), actual.planes(), "the samples as stored, the profile ignored");
    }

    /** Asserts that {@code file} (a 0..255 ramp in two rows) decodes to the ramp in R, G and B. */
    private static void assertRamp(Path file, String what) throws IOException {
        ImageFiles.Rgb rgb = ImageFiles.readRgb(file);
        assertEquals(2, rgb.height(), what);
        assertEquals(W, rgb.width(), what);
        float[] expected = new float[3 * 2 * W];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = i % W;
        }
        assertArrayEquals(expected, rgb.planes(), what);
    }

    /**
     * Writes a two-row PNG of the given colour type (0 grey, 4 grey+alpha) and bit depth, each row
     * {@code row}, with extra chunks before the image data.
     */
    private Path png(String name, int colourType, int bitDepth, byte[] row, Map<String, byte[]> extra)
            throws IOException {
        int samples = colourType == 4 ? 2 : 1;
        int width = row.length / (samples * bitDepth / 8);
        byte[] rows = new byte[2 * (1 + row.length)];
        for (int y = 0; y < 2; y++) {
            System.arraycopy(row, 0, rows, y * (1 + row.length) + 1, row.length); // filter byte 0: none
        }
        Path f = dir.resolve(name);
        Files.write(f, ImageBytes.png(width, 2, bitDepth, colourType, extra, rows));
        return f;
    }

    /** Text chunks written with an image come back as written, and the pixels are untouched. */
    @Test
    void pngTextRoundTrips() throws IOException {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 1, 0x12ab34);
        Path f = dir.resolve("stamped.png");
        Files.write(f, new byte[10_000]); // a longer old file is replaced, not written over in part
        ImageFiles.writePng(img, f, Map.of("pixelgrad-test", "0123abcd", "Software", "Pixelgrad"));
        assertEquals(Map.of("pixelgrad-test", "0123abcd", "Software", "Pixelgrad"), ImageFiles.pngText(f));
        assertEquals(0x12ab34, ImageIO.read(f.toFile()).getRGB(2, 1) & 0xffffff);
        assertEquals(Map.of(), ImageFiles.pngText(png("plain.png", 0, 8, new byte[W], Map.of())));
    }
}
