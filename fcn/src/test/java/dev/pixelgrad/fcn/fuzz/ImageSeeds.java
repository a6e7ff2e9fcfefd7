package dev.pixelgrad.fcn.fuzz;

import dev.pixelgrad.fcn.data.ImageBytes;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.data.Palette;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
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
                Seeds.of("PNG, RGB", encode(rgb, "png")),
                Seeds.of("PNG, RGBA", encode(rgba, "png")),
                Seeds.of("PNG, grey 8 bit", encode(grey8, "png")),
                Seeds.of("PNG, grey 16 bit", encode(grey16, "png")),
                Seeds.of("PNG, grey and alpha", encode(greyAlpha(w, h), "png")),
                Seeds.of("PNG, VOC palette", paletteMask(labels, h, w)),
                Seeds.of("JPEG, colour", encode(rgb, "jpeg")),
                Seeds.of("JPEG, grey", encode(grey8, "jpeg")),
                Seeds.of("JPEG with a linear-RGB ICC profile", ImageBytes.jpegWithIccProfile(encode(rgb, "jpeg"),
                        ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData())),
                Seeds.of("BMP", encode(rgb, "bmp")),
                Seeds.of("GIF", encode(rgb, "gif")),
                Seeds.of("PNG header declaring 12000 x 12000", ImageBytes.pngDeclaring(12000, 12000)));
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
            ImageFiles.writePaletteMask(f, labels, h, w, Palette.VOC);
            return Files.readAllBytes(f);
        } finally {
            Files.delete(f);
        }
    }
}
