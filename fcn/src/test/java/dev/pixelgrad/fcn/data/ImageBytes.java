package dev.pixelgrad.fcn.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Image files byte by byte, for the kinds the JDK's writers do not make: PNGs of any colour type and
 * depth (grey+alpha, 16 bit, extra chunks), PNGs that only declare a size, JPEGs with an ICC profile.
 */
public final class ImageBytes {
    private ImageBytes() {}

    /**
     * A PNG of the given colour type (0 grey, 2 RGB, 4 grey+alpha, 6 RGBA) and bit depth whose rows
     * (filter byte included) are {@code rows}, with {@code extra} chunks before the image data.
     */
    public static byte[] png(int width, int height, int bitDepth, int colourType, Map<String, byte[]> extra,
                             byte[] rows) {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(raw)) {
            z.write(rows);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pngOf(width, height, bitDepth, colourType, extra, raw.toByteArray());
    }

    /** A PNG whose header declares width x height (8-bit grey), with a few bytes of empty image data. */
    public static byte[] pngDeclaring(int width, int height) {
        return pngOf(width, height, 8, 0, Map.of(), new byte[] {0x78, (byte) 0x9c, 0x03, 0x00});
    }

    private static byte[] pngOf(int width, int height, int bitDepth, int colourType, Map<String, byte[]> extra,
                                byte[] idat) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
            ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
            DataOutputStream h = new DataOutputStream(ihdr);
            h.writeInt(width);
            h.writeInt(height);
            h.write(new byte[] {(byte) bitDepth, (byte) colourType, 0, 0, 0}); // deflate, no filter, no interlace
            chunk(out, "IHDR", ihdr.toByteArray());
            for (Map.Entry<String, byte[]> e : extra.entrySet()) {
                chunk(out, e.getKey(), e.getValue());
            }
            chunk(out, "IDAT", idat);
            chunk(out, "IEND", new byte[0]);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.writeInt(data.length);
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeInt((int) crc.getValue());
    }

    /** The JPEG with an APP2 ICC_PROFILE segment (one part) inserted after SOI and the JFIF APP0 segment. */
    public static byte[] jpegWithIccProfile(byte[] jpeg, byte[] profile) {
        int at = 2;
        if ((jpeg[2] & 0xFF) == 0xFF && (jpeg[3] & 0xFF) == 0xE0) {
            at = 4 + ((jpeg[4] & 0xFF) << 8 | (jpeg[5] & 0xFF));
        }
        byte[] tag = "ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        try {
            out.write(jpeg, 0, at);
            out.writeShort(0xFFE2);
            out.writeShort(2 + tag.length + 2 + profile.length);
            out.write(tag);
            out.write(1); // part 1
            out.write(1); // of 1
            out.write(profile);
            out.write(jpeg, at, jpeg.length - at);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
