package dev.pixelgrad.fcn.fuzz;

import dev.pixelgrad.fcn.data.ImageDecodeTest;
import dev.pixelgrad.fcn.data.ImageFiles;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Seeds for the image and mask decoders: one small file of every kind the readers meet (PNG as RGB,
 * RGBA, grey 8 and 16 bit, grey+alpha and palette; JPEG in colour, grey and with an ICC profile; BMP; GIF), and a PNG whose
 * header declares 12000 x 12000 pixels, the decompression bomb the pixel limit refuses.
 */
final class ImageSeeds {
    private ImageSeeds() {}

    /** The pixel limit while fuzzing: 1 megapixel keeps each decode cheap; the check is the same at any limit. */
    static final long MAX_PIXELS = 1_000_000;

    /** Allocation a decode may need whatever the file's size: raster, float planes and rows at the limit. */
    static final long DECODE_BYTES = (16L << 20) + 64 * MAX_PIXELS;

    static void limitPixels() {
        System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, Long.toString(MAX_PIXELS));
    }

    static Stream<Arguments> seeds() throws IOException {
        int w = 7;
        int h = 5;
        BufferedImage rgb = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        BufferedImage rgba = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        BufferedImage grey8 = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        BufferedImage grey16 = new BufferedImage(w, h, BufferedImage.TYPE_USHORT_GRAY);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = (x * 37 + y * 11) & 0xFF;
                rgb.setRGB(x, y, (v << 16) | ((255 - v) << 8) | (v / 2));
                rgba.setRGB(x, y, ((v | 1) << 24) | (v << 16) | (v << 8));
                grey8.getRaster().setSample(x, y, 0, v);
                grey16.getRaster().setSample(x, y, 0, v * 257);
            }
        }
        int[] labels = new int[w * h];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 3 == 0 ? 255 : i % 21;
        }
        return Stream.of(
                seed("PNG, RGB", encode(rgb, "png")),
                seed("PNG, RGBA", encode(rgba, "png")),
                seed("PNG, grey 8 bit", encode(grey8, "png")),
                seed("PNG, grey 16 bit", encode(grey16, "png")),
                seed("PNG, grey and alpha", encode(greyAlpha(w, h), "png")),
                seed("PNG, VOC palette", paletteMask(labels, h, w)),
                seed("JPEG, colour", encode(rgb, "jpeg")),
                seed("JPEG, grey", encode(grey8, "jpeg")),
                seed("JPEG with a linear-RGB ICC profile", ImageDecodeTest.withIccProfile(encode(rgb, "jpeg"),
                        ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData())),
                seed("BMP", encode(rgb, "bmp")),
                seed("GIF", encode(rgb, "gif")),
                seed("PNG header declaring 12000 x 12000", withPngSize(encode(grey8, "png"), 12000, 12000)));
    }

    static Arguments seed(String name, byte[] bytes) {
        return Arguments.of(Named.of(name, bytes));
    }

    static byte[] encode(BufferedImage img, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(img, format, out)) {
            throw new IOException("no " + format + " writer");
        }
        return out.toByteArray();
    }

    /** An 8-bit grey+alpha image (PNG colour type 4). */
    private static BufferedImage greyAlpha(int w, int h) {
        ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
                Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
        WritableRaster r = cm.createCompatibleWritableRaster(w, h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r.setSample(x, y, 0, (x * 40 + y) & 0xFF);
                r.setSample(x, y, 1, 200);
            }
        }
        return new BufferedImage(cm, r, false, null);
    }

    private static byte[] paletteMask(int[] labels, int h, int w) throws IOException {
        Path f = Files.createTempFile("seed", ".png");
        try {
            ImageFiles.writePaletteMask(f, labels, h, w);
            return Files.readAllBytes(f);
        } finally {
            Files.delete(f);
        }
    }

    /** The PNG with its IHDR width and height replaced (and the chunk's CRC recomputed). */
    private static byte[] withPngSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        // Signature (8 bytes), then IHDR: length (4), type (4), width (4), height (4), ..., CRC over type+data.
        ByteBuffer.wrap(out, 16, 8).putInt(width).putInt(height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 4 + 13);
        ByteBuffer.wrap(out, 12 + 4 + 13, 4).putInt((int) crc.getValue());
        return out;
    }
}
