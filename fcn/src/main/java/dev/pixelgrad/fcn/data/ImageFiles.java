package dev.pixelgrad.fcn.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.IntStream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.Node;

/** Reading and writing images and label masks with the JDK's ImageIO; every error names the file. */
public final class ImageFiles {
    private ImageFiles() {}

    /**
     * A decoded image: size and planar RGB values 0-255.
     *
     * @param height the height in pixels
     * @param width  the width in pixels
     * @param planes the values, [3, height, width], red plane first
     */
    public record Rgb(int height, int width, float[] planes) {}

    /** The system property that raises (or lowers) {@link #DEFAULT_MAX_PIXELS}. */
    public static final String MAX_PIXELS_PROPERTY = "pixelgrad.maxImagePixels";
    /**
     * The largest image (width x height) decoded by default: 50 megapixels, 600 MB as float planes. A
     * small compressed file can declare a huge image (a 140 KB PNG of 12000 x 12000), so the size is
     * read from the header and refused before anything is decoded.
     */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    private static long maxPixels() {
        String v = System.getProperty(MAX_PIXELS_PROPERTY);
        try {
            return v == null ? DEFAULT_MAX_PIXELS : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + MAX_PIXELS_PROPERTY + " must be a whole number, got '" + v + "'");
        }
    }

    private static BufferedImage read(Path file, String what) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataException(what + " " + file + " does not exist");
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new DataException(what + " " + file + " is not an image format this JVM can read");
            }
            ImageReader reader = readers.next();
            try {
                // As ImageIO.read does: forward only, no metadata.
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                long limit = maxPixels();
                if (pixels > limit) {
                    throw new DataException(what + " " + file + " is " + reader.getWidth(0) + "x" + reader.getHeight(0)
                            + " = " + pixels + " pixels, over the limit of " + limit + " (raise it with -D"
                            + MAX_PIXELS_PROPERTY + "=N)");
                }
                return reader.read(0, readParam(reader));
            } finally {
                reader.dispose();
            }
        } catch (DataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataException(what + " " + file + " is corrupt or unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * The default read parameters, except that a JPEG's embedded ICC profile is not applied: PIL, Caffe
     * and OpenCV take the decoder's RGB as it is, while the JDK's reader would colour-manage it into
     * sRGB. That reader leaves its own colour conversion out when source bands are selected, so all of
     * them are, in order.
     */
    private static ImageReadParam readParam(ImageReader reader) throws IOException {
        ImageReadParam param = reader.getDefaultReadParam();
        Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
        if ("jpeg".equalsIgnoreCase(reader.getFormatName()) && types.hasNext()) {
            int bands = types.next().getSampleModel().getNumBands();
            param.setSourceBands(IntStream.range(0, bands).toArray());
        }
        return param;
    }

    /**
     * Reads an image as planar RGB, as PIL's {@code convert('RGB')} gives it: alpha dropped, grey spread to
     * the three channels, 16-bit samples cut to their high byte, and a JPEG's embedded colour profile not
     * applied.
     *
     * @param file the image file: any format the JVM's ImageIO reads (JPEG, PNG, BMP, GIF, ...)
     * @return the image
     * @throws DataException if the file is missing, unreadable or corrupt, or has more pixels than the limit
     *                       ({@link #DEFAULT_MAX_PIXELS}, or the system property
     *                       {@value #MAX_PIXELS_PROPERTY})
     * @throws IllegalArgumentException if that system property is not a whole number
     * @throws IOException if the file cannot be read
     */
    public static Rgb readRgb(Path file) throws IOException {
        BufferedImage img = read(file, "image");
        int h = img.getHeight();
        int w = img.getWidth();
        int plane = h * w;
        float[] out = new float[3 * plane];
        int[] row = new int[w];
        int[] samples = new int[w];
        for (int y = 0; y < h; y++) {
            rgbRow(img, y, row, samples);
            for (int x = 0; x < w; x++) {
                int p = row[x];
                out[y * w + x] = (p >> 16) & 0xFF;
                out[plane + y * w + x] = (p >> 8) & 0xFF;
                out[2 * plane + y * w + x] = p & 0xFF;
            }
        }
        return new Rgb(h, w, out);
    }

    /**
     * Row y as 0xRRGGBB, alpha dropped, as PIL's convert('RGB') gives it. Grey and RGB images, with or
     * without alpha, are read from the raster as stored: getRGB would convert them to sRGB through their
     * colour space, a gamma curve for grey and an embedded ICC profile (a TIFF's) for RGB. Samples over
     * 8 bits keep their high byte, as PIL and OpenCV reduce 16-bit PNGs. Palette, packed and other
     * images go through getRGB. {@code samples} is scratch space of the image's width.
     */
    private static void rgbRow(BufferedImage img, int y, int[] row, int[] samples) {
        int w = img.getWidth();
        int colours = storedColours(img.getColorModel());
        if (colours == 0) {
            img.getRGB(0, y, w, 1, row, 0, w);
            return;
        }
        Raster r = img.getRaster();
        Arrays.fill(row, 0);
        for (int c = 0; c < colours; c++) {
            r.getSamples(0, y, w, 1, c, samples);
            int shift = img.getColorModel().getComponentSize(c) - 8;
            int spread = colours == 1 ? 0x010101 : 1 << (16 - 8 * c);
            for (int x = 0; x < w; x++) {
                row[x] |= (samples[x] >> shift) * spread;
            }
        }
    }

    /**
     * The number of colour bands (1 grey, 3 RGB) to read from the raster as stored: those of a
     * component image with 8 to 16 bits a sample and alpha, if any, not premultiplied; else 0.
     */
    private static int storedColours(ColorModel cm) {
        int transfer = cm.getTransferType();
        if (!(cm instanceof ComponentColorModel) || cm.isAlphaPremultiplied()
                || (transfer != DataBuffer.TYPE_BYTE && transfer != DataBuffer.TYPE_USHORT)) {
            return 0;
        }
        int type = cm.getColorSpace().getType();
        int n = cm.getNumColorComponents();
        if (!(type == ColorSpace.TYPE_GRAY && n == 1 || type == ColorSpace.TYPE_RGB && n == 3)) {
            return 0;
        }
        for (int c = 0; c < n; c++) {
            if (cm.getComponentSize(c) < 8) {
                return 0;
            }
        }
        return n;
    }

    /**
     * A decoded mask: size and one raw value per pixel.
     *
     * @param height the height in pixels
     * @param width  the width in pixels
     * @param values one value per pixel, row-major: a class index, or 255 for void
     */
    public record Mask(int height, int width, int[] values) {}

    /**
     * A mask of class indices: the palette index of an indexed PNG (VOC's SegmentationClass), or the
     * value of a grey-level image. An RGB mask needs a colour table ({@link #readColorMask}).
     *
     * @param file the mask file
     * @return the mask
     * @throws DataException if the file is missing, corrupt, too large, or has colour channels
     * @throws IOException if the file cannot be read
     */
    public static Mask readIndexMask(Path file) throws IOException {
        BufferedImage img = read(file, "mask");
        Raster r = img.getRaster();
        boolean indexed = img.getColorModel() instanceof IndexColorModel;
        if (!indexed && r.getNumBands() != 1) {
            throw new DataException("mask " + file + " has " + r.getNumBands() + " colour channels; index masks must "
                    + "be palette or grey-level images (for colour-coded masks give a colour table)");
        }
        int h = img.getHeight();
        int w = img.getWidth();
        int[] v = new int[h * w];
        r.getSamples(0, 0, w, h, 0, v);
        return new Mask(h, w, v);
    }

    /**
     * A colour-coded mask (CamVid, KITTI road): each pixel's RGB looked up in {@code table} (0xRRGGBB to
     * class index, or to 255 for void). A colour not in the table is an error naming it and the pixel.
     *
     * @param file  the mask file
     * @param table 0xRRGGBB to class index (or 255)
     * @return the mask
     * @throws DataException if the file is missing, corrupt or too large, or has a colour not in the table
     * @throws IOException if the file cannot be read
     */
    public static Mask readColorMask(Path file, Map<Integer, Integer> table) throws IOException {
        BufferedImage img = read(file, "mask");
        int h = img.getHeight();
        int w = img.getWidth();
        int[] v = new int[h * w];
        int[] row = new int[w];
        int[] samples = new int[w];
        for (int y = 0; y < h; y++) {
            rgbRow(img, y, row, samples);
            for (int x = 0; x < w; x++) {
                int rgb = row[x] & 0xFFFFFF;
                Integer c = table.get(rgb);
                if (c == null) {
                    throw new DataException("mask " + file + " has colour " + String.format("#%06x", rgb) + " at (x "
                            + x + ", y " + y + "), which the colour table does not list");
                }
                v[y * w + x] = c;
            }
        }
        return new Mask(h, w, v);
    }

    /**
     * Writes class indices as an indexed PNG: each pixel's value is its class, and the palette gives the
     * classes their colours (VOC's masks are written this way, with {@link Palette#VOC}).
     *
     * @param file    the PNG to write; missing parent folders are created
     * @param labels  the values, [height, width]; only the low 8 bits of each are kept
     * @param height  the height in pixels
     * @param width   the width in pixels
     * @param palette the colours of the values
     * @throws IOException if the file cannot be written
     */
    public static void writePaletteMask(Path file, int[] labels, int height, int width, Palette palette)
            throws IOException {
        byte[][] p = palette.channels();
        IndexColorModel cm = new IndexColorModel(8, 256, p[0], p[1], p[2]);
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED, cm);
        byte[] data = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < labels.length; i++) {
            data[i] = (byte) labels[i];
        }
        write(img, "png", file);
    }

    /**
     * A picture from planar RGB values (clamped to 0-255).
     *
     * @param planes the values, [3, height, width], red plane first
     * @param height the height in pixels
     * @param width  the width in pixels
     * @return a new RGB image
     */
    public static BufferedImage toImage(float[] planes, int height, int width) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        int plane = height * width;
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                row[x] = (clamp(planes[i]) << 16) | (clamp(planes[plane + i]) << 8) | clamp(planes[2 * plane + i]);
            }
            img.setRGB(0, y, width, 1, row, 0, width);
        }
        return img;
    }

    /**
     * Class indices in their palette colours.
     *
     * @param labels  the class of each pixel, [height, width]
     * @param height  the height in pixels
     * @param width   the width in pixels
     * @param palette the colours of the classes
     * @return a new RGB image
     */
    public static BufferedImage labelImage(int[] labels, int height, int width, Palette palette) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, palette.rgb(labels[y * width + x]));
            }
        }
        return img;
    }

    /**
     * The image with the label colours blended in at {@code alpha}. Void is left as it is, and so is class 0
     * when its colour is black (VOC's background, which would only darken the picture).
     *
     * @param planes  the image, [3, height, width], RGB values 0-255
     * @param labels  the class of each pixel, [height, width]
     * @param height  the height in pixels
     * @param width   the width in pixels
     * @param alpha   the weight of the label colour, 0 (image only) to 1 (colours only)
     * @param palette the colours of the classes
     * @return a new RGB image
     */
    public static BufferedImage overlay(float[] planes, int[] labels, int height, int width, float alpha,
                                        Palette palette) {
        BufferedImage img = toImage(planes, height, width);
        boolean blackBackground = palette.rgb(0) == 0;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int c = labels[y * width + x];
                if (c == Sample.VOID || c == 0 && blackBackground) {
                    continue;
                }
                int a = img.getRGB(x, y);
                int b = palette.rgb(c);
                int r = Math.round((1 - alpha) * ((a >> 16) & 0xFF) + alpha * ((b >> 16) & 0xFF));
                int g = Math.round((1 - alpha) * ((a >> 8) & 0xFF) + alpha * ((b >> 8) & 0xFF));
                int bl = Math.round((1 - alpha) * (a & 0xFF) + alpha * (b & 0xFF));
                img.setRGB(x, y, (r << 16) | (g << 8) | bl);
            }
        }
        return img;
    }

    private static int clamp(float v) {
        return Math.max(0, Math.min(255, Math.round(v)));
    }

    /**
     * Writes an image as a PNG; missing parent folders are created.
     *
     * @param img  the image
     * @param file the file to write or replace
     * @throws IOException if it cannot be written
     */
    public static void writePng(BufferedImage img, Path file) throws IOException {
        write(img, "png", file);
    }

    /**
     * Writes a PNG carrying {@code text} as tEXt chunks (keyword -> value, Latin-1), which image viewers
     * ignore and {@link #pngText} reads back; missing parent folders are created.
     *
     * @param img  the image
     * @param file the file to write or replace
     * @param text the chunks, keyword -> value
     * @throws IOException if it cannot be written
     */
    public static void writePng(BufferedImage img, Path file, Map<String, String> text) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        String format = "javax_imageio_png_1.0";
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(img), null);
        IIOMetadataNode chunk = new IIOMetadataNode("tEXt");
        text.forEach((keyword, value) -> {
            IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
            entry.setAttribute("keyword", keyword);
            entry.setAttribute("value", value);
            chunk.appendChild(entry);
        });
        IIOMetadataNode root = new IIOMetadataNode(format);
        root.appendChild(chunk);
        metadata.mergeTree(format, root);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.deleteIfExists(file); // the stream writes over an old file without shortening it
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, metadata), null);
        } finally {
            writer.dispose();
        }
    }

    /**
     * The tEXt chunks of a PNG file.
     *
     * @param file a PNG file
     * @return its chunks, keyword -> value, in file order (empty when it has none)
     * @throws IOException naming the file, if it cannot be read or is no PNG
     */
    public static Map<String, String> pngText(Path file) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("png").next();
            try {
                reader.setInput(in, true, false);
                Map<String, String> text = new LinkedHashMap<>();
                Node root = reader.getImageMetadata(0).getAsTree("javax_imageio_png_1.0");
                for (Node chunk = root.getFirstChild(); chunk != null; chunk = chunk.getNextSibling()) {
                    if (chunk.getNodeName().equals("tEXt")) {
                        for (Node e = chunk.getFirstChild(); e != null; e = e.getNextSibling()) {
                            NamedNodeMap a = e.getAttributes();
                            text.put(a.getNamedItem("keyword").getNodeValue(), a.getNamedItem("value").getNodeValue());
                        }
                    }
                }
                return text;
            } catch (IOException | RuntimeException e) {
                throw new IOException(file + ": not a readable PNG (" + e.getMessage() + ")", e);
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * Writes a JPEG at the given quality (0-1).
     *
     * <p>Missing parent folders are created.
     *
     * @param img     the image
     * @param file    the file to write or replace
     * @param quality the compression quality, 0 (smallest) to 1 (best)
     * @throws IOException if it cannot be written
     */
    public static void writeJpeg(BufferedImage img, Path file, float quality) throws IOException {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg");
        ImageWriter writer = it.next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (ImageOutputStream out = ImageIO.createImageOutputStream(file.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(img, null, null), param);
        } finally {
            writer.dispose();
        }
    }

    private static void write(BufferedImage img, String format, Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        if (!ImageIO.write(img, format, file.toFile())) {
            throw new IOException("no " + format + " writer for " + file);
        }
    }
}
