package dev.pixelgrad.tensor.io;

import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Loads and saves whole safetensors files. See {@link SafetensorsReader} for the format and checks. */
public final class Safetensors {
    private Safetensors() {}

    /**
     * Every tensor of the file, as CPU tensors, in file order.
     *
     * @param path the file
     * @return the tensors by name (float32 or int32, see {@link SafetensorsReader}), which the caller (or the
     *         open scope) closes
     * @throws SafetensorsException if the file is not a valid safetensors file
     * @throws IOException if it cannot be read
     */
    public static Map<String, Tensor> load(Path path) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(path)) {
            return r.loadAll();
        }
    }

    /**
     * Writes {@code tensors} (float32 as F32, int32 as I32, bfloat16 as BF16, from any device) and string metadata,
     * atomically: the bytes go to a temporary file in the same folder, which is flushed to disk and then
     * renamed over {@code path}. A crash at any moment leaves either the old file or the new one, never
     * a half-written file. A read-only {@code path} is not replaced (see {@link #checkReplaceable}).
     *
     * @param path     the file to write or replace; missing parent folders are created
     * @param tensors  the tensors by name, written in the map's order; they stay open
     * @param metadata the {@code __metadata__} strings, or null or empty for none
     * @throws IOException if {@code path} is read-only or the file cannot be written (the message names the
     *                     file)
     * @throws IllegalArgumentException if a name is empty or {@code __metadata__}
     */
    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        checkReplaceable(path);
        Map<String, Object> header = new LinkedHashMap<>();
        if (metadata != null && !metadata.isEmpty()) {
            header.put("__metadata__", new LinkedHashMap<>(metadata));
        }
        long offset = 0;
        List<Tensor> order = new ArrayList<>();
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__") || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("invalid tensor name \"" + e.getKey() + "\"");
            }
            Tensor t = e.getValue();
            long bytes = t.numel() * t.dtype().byteSize();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("dtype", switch (t.dtype()) {
                case FLOAT32 -> "F32";
                case INT32 -> "I32";
                case BFLOAT16 -> "BF16";
            });
            info.put("shape", t.shape().dims());
            info.put("data_offsets", new long[] {offset, offset + bytes});
            header.put(e.getKey(), info);
            offset += bytes;
            order.add(t);
        }
        byte[] json = Json.write(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8; // keeps the data 8-byte aligned; spaces are valid JSON padding
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();

        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        // A temporary name in the same folder (so the rename is atomic), created with the usual permissions.
        String prefix = "." + path.getFileName() + ".";
        Path tmp = dir.resolve(prefix + Long.toUnsignedString(System.nanoTime() ^ ProcessHandle.current().pid() << 32, 36)
                + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                writeFully(ch, head);
                ByteBuffer buf = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
                for (Tensor t : order) {
                    writeTensor(ch, buf, t);
                }
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw FileErrors.writing(path, e);
        } catch (RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        syncDirectory(dir);
        removeLeftovers(dir, prefix);
    }

    /**
     * Fails when {@code path} exists and is read-only. A save renames a new file over the old one, which
     * only needs the folder to be writable, so without this check a file its owner protected (chmod a-w)
     * would be replaced without a word. Callers about to start long work that ends in a save check first.
     *
     * @param path the file a save will write
     * @throws IOException if it exists and is read-only
     */
    public static void checkReplaceable(Path path) throws IOException {
        if (Files.exists(path) && isReadOnly(path)) {
            throw new IOException(path + " is read-only; not replacing it (make it writable, or write elsewhere)");
        }
    }

    private static boolean isReadOnly(Path path) throws IOException {
        if (!Files.isWritable(path)) {
            return true;
        }
        // Root may write any file, so on POSIX the owner's write bit says what the owner meant.
        PosixFileAttributeView posix = Files.getFileAttributeView(path, PosixFileAttributeView.class);
        return posix != null && !posix.readAttributes().permissions().contains(PosixFilePermission.OWNER_WRITE);
    }

    /** Temporary files of earlier saves that were killed before their rename (each may be large). */
    private static void removeLeftovers(Path dir, String prefix) {
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> p.getFileName().toString().startsWith(prefix) && p.getFileName().toString().endsWith(".tmp"))
                    .forEach(p -> {
                        try {
                            Files.deleteIfExists(p);
                        } catch (IOException e) {
                            // leave it; the next save tries again
                        }
                    });
        } catch (IOException e) {
            // the folder cannot be listed: nothing to clean
        }
    }

    /**
     * Writes {@code tensors} with no metadata, as {@link #save(Path, Map, Map)} does.
     *
     * @param path    the file to write or replace
     * @param tensors the tensors by name, written in the map's order
     * @throws IOException if {@code path} is read-only or the file cannot be written
     */
    public static void save(Path path, Map<String, Tensor> tensors) throws IOException {
        save(path, tensors, Map.of());
    }

    /** Writes a tensor's values in pieces through {@code buf}; a device tensor is first copied to the host. */
    private static void writeTensor(FileChannel ch, ByteBuffer buf, Tensor t) throws IOException {
        int n = (int) t.numel();
        try (Tensor host = t.to(Device.CPU)) {
            int perPiece = buf.capacity() / 4;
            for (int done = 0; done < n; done += perPiece) {
                int count = Math.min(perPiece, n - done);
                buf.clear();
                switch (t.dtype()) {
                    case FLOAT32 -> buf.asFloatBuffer().put(host.hostFloats(), done, count);
                    case INT32 -> buf.asIntBuffer().put(host.hostInts(), done, count);
                    case BFLOAT16 -> buf.asShortBuffer().put(host.hostBf16Bits(), done, count);
                }
                buf.limit(count * t.dtype().byteSize());
                writeFully(ch, buf);
            }
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Makes the rename itself durable (the directory entry), where the file system allows it. */
    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some file systems cannot open or sync a directory; the rename is still atomic there.
        }
    }
}
