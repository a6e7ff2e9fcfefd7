package dev.pixelgrad.fcn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event file read back by a reader written here from the format's description: every record's
 * framing and both masked CRC-32Cs, then the Event, Summary, Value and Image messages field by field.
 */
class TensorBoardWriterTest {
    @TempDir
    Path dir;

    /** RFC 3720's CRC-32C of 32 zero bytes, through the mask and back by the inverse rotation. */
    @Test
    void masksTheCastagnoliCrcAsTfRecordsDo() {
        assertEquals(0x8a9136aa, unmask(TensorBoardWriter.maskedCrc32c(new byte[32], 0, 32)));
        byte[] ramp = new byte[32];
        for (int i = 0; i < 32; i++) {
            ramp[i] = (byte) i;
        }
        assertEquals(0x46dd794e, unmask(TensorBoardWriter.maskedCrc32c(ramp, 0, 32)));
    }

    @Test
    void scalarsAndImagesReadBackFromTheRecords() throws IOException {
        BufferedImage picture = new BufferedImage(5, 3, BufferedImage.TYPE_INT_RGB);
        picture.setRGB(4, 2, 0x336699);
        Path file;
        try (TensorBoardWriter w = TensorBoardWriter.create(dir)) {
            file = w.file();
            w.scalar("train/loss", 1, 1.5);
            w.scalar("train/loss", 2, 0.25);
            w.scalar("val/mean_iou", 300_000_000_000L, 0.625);
            w.image("val/predictions", 2, picture);
        }
        assertTrue(file.getFileName().toString().startsWith("events.out.tfevents."), file.toString());
        List<Map<Integer, List<Object>>> events = new ArrayList<>();
        for (byte[] data : records(Files.readAllBytes(file))) {
            events.add(message(data));
        }
        assertEquals(5, events.size());
        assertEquals("brain.Event:2", text(events.get(0).get(3).get(0)));
        double wallTime = Double.longBitsToDouble((Long) events.get(0).get(1).get(0));
        assertTrue(Math.abs(wallTime - System.currentTimeMillis() / 1000.0) < 600, "wall time in seconds: " + wallTime);

        long[] steps = {1, 2, 300_000_000_000L};
        String[] tags = {"train/loss", "train/loss", "val/mean_iou"};
        float[] values = {1.5f, 0.25f, 0.625f};
        for (int i = 0; i < 3; i++) {
            Map<Integer, List<Object>> event = events.get(i + 1);
            assertEquals(steps[i], (Long) event.get(2).get(0));
            Map<Integer, List<Object>> value = message((byte[]) message((byte[]) event.get(5).get(0)).get(1).get(0));
            assertEquals(tags[i], text(value.get(1).get(0)));
            assertEquals(values[i], Float.intBitsToFloat((Integer) value.get(2).get(0)));
        }
        Map<Integer, List<Object>> value = message((byte[]) message((byte[]) events.get(4).get(5).get(0)).get(1).get(0));
        assertEquals("val/predictions", text(value.get(1).get(0)));
        Map<Integer, List<Object>> image = message((byte[]) value.get(4).get(0));
        assertEquals(List.of(3L), image.get(1), "height");
        assertEquals(List.of(5L), image.get(2), "width");
        assertEquals(List.of(3L), image.get(3), "colour space RGB");
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream((byte[]) image.get(4).get(0)));
        assertEquals(0x336699, decoded.getRGB(4, 2) & 0xffffff);
        assertEquals(0, decoded.getRGB(0, 0) & 0xffffff);
    }

    /** Two writers in one folder in the same second write two files. */
    @Test
    void aSecondFileInTheSameSecondGetsItsOwnName() throws IOException {
        try (TensorBoardWriter a = TensorBoardWriter.create(dir); TensorBoardWriter b = TensorBoardWriter.create(dir)) {
            assertTrue(!a.file().equals(b.file()), a.file() + " and " + b.file());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(2, files.count());
        }
    }

    private static int unmask(int masked) {
        int rotated = masked - 0xa282ead8;
        return (rotated >>> 17) | (rotated << 15);
    }

    /** The data of each TFRecord, checking its length's CRC and its data's CRC. */
    private static List<byte[]> records(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        List<byte[]> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int at = b.position();
            long length = b.getLong();
            assertEquals(TensorBoardWriter.maskedCrc32c(file, at, 8), b.getInt(), "length CRC of the record at " + at);
            byte[] data = new byte[(int) length];
            b.get(data);
            assertEquals(TensorBoardWriter.maskedCrc32c(data, 0, data.length), b.getInt(), "data CRC at " + at);
            out.add(data);
        }
        return out;
    }

    /**
     * A protocol buffer message as field number -> values: varints as Long, fixed64 as Long bits,
     * fixed32 as Integer bits, length-delimited as byte[].
     */
    private static Map<Integer, List<Object>> message(byte[] data) {
        Map<Integer, List<Object>> fields = new LinkedHashMap<>();
        int[] at = {0};
        while (at[0] < data.length) {
            long key = varint(data, at);
            int field = (int) (key >>> 3);
            Object v = switch ((int) (key & 7)) {
                case 0 -> varint(data, at);
                case 1 -> {
                    long bits = ByteBuffer.wrap(data, at[0], 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    at[0] += 8;
                    yield bits;
                }
                case 2 -> {
                    int n = (int) varint(data, at);
                    byte[] bytes = Arrays.copyOfRange(data, at[0], at[0] + n);
                    at[0] += n;
                    yield bytes;
                }
                case 5 -> {
                    int bits = ByteBuffer.wrap(data, at[0], 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
                    at[0] += 4;
                    yield bits;
                }
                default -> throw new AssertionError("wire type " + (key & 7) + " of field " + field);
            };
            fields.computeIfAbsent(field, k -> new ArrayList<>()).add(v);
        }
        return fields;
    }

    private static long varint(byte[] data, int[] at) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = data[at[0]++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }

    private static String text(Object bytes) {
        return new String((byte[]) bytes, StandardCharsets.UTF_8);
    }
}
