package dev.pixelgrad.fcn.train;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.zip.CRC32C;
import javax.imageio.ImageIO;

/**
 * A TensorBoard event file, written from the format's specification with no TensorFlow or protobuf
 * library: scalars and PNG images, each an {@code Event} protocol buffer framed as a TFRecord.
 *
 * <p>The file, {@code events.out.tfevents.<unix seconds>.<host>.pixelgrad} in its folder, is a sequence of
 * records: the data's length (uint64, little-endian), the masked CRC-32C of those 8 bytes (uint32), the
 * data, and the masked CRC-32C of the data. A masked CRC is {@code ((crc >>> 15) | (crc << 17)) +
 * 0xa282ead8}. Each record's data is an {@code Event} message: {@code wall_time} (field 1, double),
 * {@code step} (2, int64), and either {@code file_version} (3, string; the first record says
 * "brain.Event:2") or {@code summary} (5). A {@code Summary} holds {@code Value}s (field 1): {@code tag} (1,
 * string) with {@code simple_value} (2, float) or {@code image} (4: height 1, width 2, colorspace 3,
 * encoded_image_string 4). TensorBoard reads every such file under the folder it is pointed at, so a
 * resumed run's new file continues the same curves.
 *
 * <p>Each record is flushed as it is written: a run killed at any point leaves whole records behind it
 * and at most one torn record at the end, which TensorBoard skips.
 */
public final class TensorBoardWriter implements Closeable {
    /** The version string of the first record, which TensorBoard checks. */
    static final String FILE_VERSION = "brain.Event:2";
    private static final int MASK_DELTA = 0xa282ead8;

    private final Path file;
    private final OutputStream out;

    private TensorBoardWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Starts a new event file in {@code dir}, created if missing.
     *
     * @param dir the folder TensorBoard will be pointed at ({@code tensorboard --logdir dir})
     * @return the writer, whose first record (the file version) is already written
     * @throws IOException if the folder or the file cannot be made
     */
    public static TensorBoardWriter create(Path dir) throws IOException {
        Files.createDirectories(dir);
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "localhost";
        }
        String name = String.format(Locale.ROOT, "events.out.tfevents.%d.%s.pixelgrad", System.currentTimeMillis() / 1000,
                host.replaceAll("[^A-Za-z0-9.-]", "_"));
        Path file = dir.resolve(name);
        for (int n = 1; Files.exists(file); n++) { // two runs started in the same second
            file = dir.resolve(name + "-" + n);
        }
        TensorBoardWriter w = new TensorBoardWriter(file, Files.newOutputStream(file, StandardOpenOption.CREATE_NEW));
        ProtoWriter event = new ProtoWriter();
        event.fixed64(1, Double.doubleToLongBits(wallTime()));
        event.bytes(3, FILE_VERSION.getBytes(StandardCharsets.UTF_8));
        w.write(event.toByteArray());
        return w;
    }

    /**
     * The file being written.
     *
     * @return its path
     */
    public Path file() {
        return file;
    }

    /**
     * Writes one scalar point.
     *
     * @param tag   the chart's name, e.g. "train/loss" ("/" groups charts)
     * @param step  the x coordinate
     * @param value the y coordinate (stored as a float, as TensorBoard does)
     * @throws IOException if the file cannot be written
     */
    public void scalar(String tag, long step, double value) throws IOException {
        ProtoWriter v = new ProtoWriter();
        v.bytes(1, tag.getBytes(StandardCharsets.UTF_8));
        v.fixed32(2, Float.floatToIntBits((float) value));
        writeSummary(step, v);
    }

    /**
     * Writes one image, PNG-encoded.
     *
     * @param tag   the image's name
     * @param step  the step it belongs to (TensorBoard shows a slider over steps)
     * @param image the picture (RGB)
     * @throws IOException if it cannot be encoded or written
     */
    public void image(String tag, long step, BufferedImage image) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", png)) {
            throw new IOException("no PNG writer for a TensorBoard image in " + file);
        }
        ProtoWriter img = new ProtoWriter();
        img.varint(1, image.getHeight());
        img.varint(2, image.getWidth());
        img.varint(3, 3); // colour space: RGB
        img.bytes(4, png.toByteArray());
        ProtoWriter v = new ProtoWriter();
        v.bytes(1, tag.getBytes(StandardCharsets.UTF_8));
        v.bytes(4, img.toByteArray());
        writeSummary(step, v);
    }

    private void writeSummary(long step, ProtoWriter value) throws IOException {
        ProtoWriter summary = new ProtoWriter();
        summary.bytes(1, value.toByteArray());
        ProtoWriter event = new ProtoWriter();
        event.fixed64(1, Double.doubleToLongBits(wallTime()));
        event.varint(2, step);
        event.bytes(5, summary.toByteArray());
        write(event.toByteArray());
    }

    private static double wallTime() {
        return System.currentTimeMillis() / 1000.0;
    }

    /** One TFRecord: length, its masked CRC, the data, the data's masked CRC; flushed at once. */
    private synchronized void write(byte[] data) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        header.putLong(data.length);
        header.putInt(maskedCrc32c(header.array(), 0, 8));
        ByteBuffer footer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        footer.putInt(maskedCrc32c(data, 0, data.length));
        out.write(header.array());
        out.write(data);
        out.write(footer.array());
        out.flush();
    }

    /**
     * The masked CRC-32C (Castagnoli) TFRecords carry; the mask (a rotation and an offset) keeps a CRC
     * computed over data that itself holds CRCs from being degenerate.
     */
    static int maskedCrc32c(byte[] bytes, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, offset, length);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + MASK_DELTA;
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    /** The few protocol-buffer encodings an Event needs: varints, fixed-width numbers, length-delimited bytes. */
    static final class ProtoWriter {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();

        void varint(int field, long value) {
            rawVarint((long) field << 3);
            rawVarint(value);
        }

        void fixed64(int field, long bits) {
            rawVarint((long) field << 3 | 1);
            for (int i = 0; i < 8; i++) {
                buf.write((int) (bits >>> (8 * i)));
            }
        }

        void fixed32(int field, int bits) {
            rawVarint((long) field << 3 | 5);
            for (int i = 0; i < 4; i++) {
                buf.write(bits >>> (8 * i));
            }
        }

        void bytes(int field, byte[] value) {
            rawVarint((long) field << 3 | 2);
            rawVarint(value.length);
            buf.writeBytes(value);
        }

        private void rawVarint(long v) {
            while ((v & ~0x7FL) != 0) {
                buf.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            buf.write((int) v);
        }

        byte[] toByteArray() {
            return buf.toByteArray();
        }
    }
}
