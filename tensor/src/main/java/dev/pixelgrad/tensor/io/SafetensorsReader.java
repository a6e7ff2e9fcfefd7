package dev.pixelgrad.tensor.io;

import dev.pixelgrad.tensor.BFloat16;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a safetensors file: an 8-byte little-endian header length N, N bytes of JSON describing each
 * tensor ({@code dtype}, {@code shape}, {@code data_offsets} into the data section), then the raw
 * little-endian data.
 *
 * <p>{@link #open} validates every header field before any tensor memory is allocated: the header fits
 * in the file, each dtype is known, each byte range matches its shape and dtype, lies inside the data
 * section, and no two ranges overlap or leave a hole (as the safetensors library's own reader requires). A
 * violation raises a {@link SafetensorsException} naming the file and the tensor.
 *
 * <p>Tensors load lazily, one at a time, as CPU tensors: floating types (F32, F64, F16, BF16) become
 * float32 and integer types (I32, I64, I16, I8, U8, BOOL) int32; an I64 value outside the int32 range
 * is a {@link SafetensorsException}.
 */
public final class SafetensorsReader implements AutoCloseable {
    /** The format's own limit on the header size. */
    static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /**
     * One tensor's entry in the header. {@code begin} and {@code end} are offsets in the data section.
     *
     * @param name  the tensor's name
     * @param dtype the dtype as the file spells it: F32, F64, F16, BF16, I64, I32, I16, I8, U8 or BOOL
     * @param shape the shape
     * @param begin the offset of the first byte
     * @param end   the offset one past the last byte; {@code end - begin} is the element count times the
     *              element size
     */
    public record Entry(String name, String dtype, Shape shape, long begin, long end) {}

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path path, FileChannel channel, long dataStart, Map<String, Entry> entries,
                              Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens a file and validates its header (see the class comment); no tensor is read yet. The reader keeps
     * the file open until {@link #close()}.
     *
     * @param path the file
     * @return the reader, which the caller closes
     * @throws SafetensorsException if the file is not a valid safetensors file (a folder, too short, a bad
     *                              header)
     * @throws IOException if it cannot be opened or read
     */
    public static SafetensorsReader open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            throw new SafetensorsException(path + " is a folder, not a safetensors file");
        }
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return parse(path, ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    private static SafetensorsReader parse(Path path, FileChannel ch) throws IOException {
        long fileSize = ch.size();
        if (fileSize < 8) {
            throw fail(path, "file is " + fileSize + " bytes, too short for the 8-byte header length");
        }
        ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, lenBuf, 0);
        long headerLen = lenBuf.getLong(0);
        if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > fileSize - 8) {
            throw fail(path, "header length " + Long.toUnsignedString(headerLen) + " is impossible for a file of "
                    + fileSize + " bytes (it must be at least 2, at most " + MAX_HEADER_BYTES
                    + " and fit in the file)");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
        readFully(ch, hb, 8);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(hb.flip()).toString();
        } catch (CharacterCodingException e) {
            throw fail(path, "header is not valid UTF-8");
        }
        Object root;
        try {
            root = Json.parse(json);
        } catch (IllegalArgumentException e) {
            throw fail(path, "header is not valid JSON: " + e.getMessage());
        }
        if (!(root instanceof Map<?, ?> rootMap)) {
            throw fail(path, "header must be a JSON object");
        }
        long dataStart = 8 + headerLen;
        long dataLen = fileSize - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<?, ?> e : rootMap.entrySet()) {
            String name = (String) e.getKey();
            if (name.equals("__metadata__")) {
                if (!(e.getValue() instanceof Map<?, ?> md)) {
                    throw fail(path, "__metadata__ must be an object of strings");
                }
                for (Map.Entry<?, ?> m : md.entrySet()) {
                    if (!(m.getValue() instanceof String s)) {
                        throw fail(path, "__metadata__ value for \"" + m.getKey() + "\" is not a string");
                    }
                    metadata.put((String) m.getKey(), s);
                }
                continue;
            }
            list.add(entry(path, name, e.getValue(), dataLen));
        }

        // Byte ranges, in file order, must tile the data section exactly: no overlap, no hole.
        List<Entry> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expect = 0;
        for (Entry en : byOffset) {
            if (en.begin() < expect) {
                throw fail(path, "tensor \"" + en.name() + "\" bytes [" + en.begin() + ", " + en.end()
                        + ") overlap the previous tensor, which ends at " + expect);
            }
            if (en.begin() > expect) {
                throw fail(path, "data bytes [" + expect + ", " + en.begin() + ") before tensor \"" + en.name()
                        + "\" belong to no tensor");
            }
            expect = en.end();
        }
        if (expect != dataLen) {
            throw fail(path, "data section is " + dataLen + " bytes but the tensors cover " + expect);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Entry en : byOffset) {
            entries.put(en.name(), en);
        }
        return new SafetensorsReader(path, ch, dataStart, Collections.unmodifiableMap(entries),
                Collections.unmodifiableMap(metadata));
    }

    private static Entry entry(Path path, String name, Object value, long dataLen) throws SafetensorsException {
        String where = "tensor \"" + name + "\"";
        if (name.isEmpty()) {
            throw fail(path, "a tensor has an empty name");
        }
        if (!(value instanceof Map<?, ?> m)) {
            throw fail(path, where + " must be an object");
        }
        for (Object k : m.keySet()) {
            if (!k.equals("dtype") && !k.equals("shape") && !k.equals("data_offsets")) {
                throw fail(path, where + " has an unknown field \"" + k + "\"");
            }
        }
        if (!(m.get("dtype") instanceof String dtype)) {
            throw fail(path, where + " has no dtype string");
        }
        int elemSize = elementSize(dtype);
        if (elemSize == 0) {
            throw fail(path, where + " has unsupported dtype " + dtype
                    + " (supported: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        }
        if (!(m.get("shape") instanceof List<?> shapeList)) {
            throw fail(path, where + " has no shape array");
        }
        int[] dims = new int[shapeList.size()];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!(shapeList.get(i) instanceof Long d) || d < 0 || d > Integer.MAX_VALUE) {
                throw fail(path, where + " has an invalid shape " + shapeList);
            }
            dims[i] = (int) (long) d;
            numel = multiplyOrFail(path, where, numel, d);
        }
        if (!(m.get("data_offsets") instanceof List<?> off) || off.size() != 2
                || !(off.get(0) instanceof Long begin) || !(off.get(1) instanceof Long end)) {
            throw fail(path, where + " needs data_offsets [begin, end] as two integers");
        }
        if (begin < 0 || end < begin || end > dataLen) {
            throw fail(path, where + " data_offsets [" + begin + ", " + end + "] fall outside the data section of "
                    + dataLen + " bytes");
        }
        long bytes = multiplyOrFail(path, where, numel, elemSize);
        if (end - begin != bytes) {
            throw fail(path, where + " has " + (end - begin) + " bytes but shape " + Shape.of(dims).toString()
                    + " of " + dtype + " needs " + bytes);
        }
        if (numel > Integer.MAX_VALUE - 8) {
            throw fail(path, where + " has " + numel + " elements, more than one Java array holds");
        }
        return new Entry(name, dtype, Shape.of(dims), begin, end);
    }

    private static long multiplyOrFail(Path path, String where, long a, long b) throws SafetensorsException {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw fail(path, where + " size overflows");
        }
    }

    static int elementSize(String dtype) {
        return switch (dtype) {
            case "F64", "I64" -> 8;
            case "F32", "I32" -> 4;
            case "F16", "BF16", "I16" -> 2;
            case "I8", "U8", "BOOL" -> 1;
            default -> 0;
        };
    }

    private static boolean isFloating(String dtype) {
        return dtype.startsWith("F") || dtype.equals("BF16");
    }

    // ------------------------------------------------------------------ access

    /**
     * The file this reader reads.
     *
     * @return the path
     */
    public Path path() {
        return path;
    }

    /**
     * Tensor names, in file order.
     *
     * @return the names (the {@code __metadata__} entry is not a tensor)
     */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /**
     * Whether the file has a tensor of this name.
     *
     * @param name the tensor's name
     * @return whether it is in the header
     */
    public boolean contains(String name) {
        return entries.containsKey(name);
    }

    /**
     * The header entry of one tensor.
     *
     * @param name the tensor's name
     * @return the entry
     * @throws IllegalArgumentException if there is no tensor of that name
     */
    public Entry entry(String name) {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IllegalArgumentException(path + ": no tensor named \"" + name + "\"");
        }
        return e;
    }

    /**
     * The file's {@code __metadata__} strings.
     *
     * @return an unmodifiable map, empty when the file has none
     */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Reads one tensor into a new CPU tensor (float32 or int32, see the class comment).
     *
     * @param name the tensor's name
     * @return the tensor, which the caller (or the open scope) closes
     * @throws IllegalArgumentException if there is no tensor of that name
     * @throws SafetensorsException if an I64 value does not fit in int32
     * @throws IOException if the file cannot be read
     */
    public Tensor load(String name) throws IOException {
        Entry e = entry(name);
        int size = elementSize(e.dtype());
        if (isFloating(e.dtype())) {
            Tensor t = Tensor.empty(e.shape(), DType.FLOAT32, Device.CPU);
            float[] out = t.hostFloats();
            // The conversion is chosen once per tensor; F32, the common case, is a bulk copy.
            Chunk convert = switch (e.dtype()) {
                case "F32" -> (buf, from, count) -> buf.asFloatBuffer().get(out, from, count);
                case "F64" -> (buf, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        out[from + i] = (float) buf.getDouble(i * 8);
                    }
                };
                case "F16" -> (buf, from, count) -> {
                    for (int i = 0; i < count; i++) {
                        out[from + i] = Float.float16ToFloat(buf.getShort(i * 2));
                    }
                };
                default -> (buf, from, count) -> { // BF16: the top half of a float32
                    for (int i = 0; i < count; i++) {
                        out[from + i] = BFloat16.widen(buf.getShort(i * 2));
                    }
                };
            };
            return filled(t, e, size, convert);
        }
        Tensor t = Tensor.empty(e.shape(), DType.INT32, Device.CPU);
        int[] out = t.hostInts();
        Chunk convert = switch (e.dtype()) {
            case "I32" -> (buf, from, count) -> buf.asIntBuffer().get(out, from, count);
            case "I64" -> (buf, from, count) -> {
                for (int i = 0; i < count; i++) {
                    long v = buf.getLong(i * 8);
                    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                        throw new SafetensorsException(path + ": tensor \"" + name + "\" element " + (from + i)
                                + " = " + v + " does not fit in int32");
                    }
                    out[from + i] = (int) v;
                }
            };
            case "I16" -> (buf, from, count) -> {
                for (int i = 0; i < count; i++) {
                    out[from + i] = buf.getShort(i * 2);
                }
            };
            case "I8" -> (buf, from, count) -> {
                for (int i = 0; i < count; i++) {
                    out[from + i] = buf.get(i);
                }
            };
            default -> (buf, from, count) -> { // U8, BOOL
                for (int i = 0; i < count; i++) {
                    out[from + i] = buf.get(i) & 0xFF;
                }
            };
        };
        return filled(t, e, size, convert);
    }

    /** {@code t} once the tensor's bytes have gone into it through {@code convert}; closed if reading fails. */
    private Tensor filled(Tensor t, Entry e, int size, Chunk convert) throws IOException {
        try {
            readElements(e, size, convert);
            return t;
        } catch (IOException | RuntimeException failure) {
            t.close();
            throw failure;
        }
    }

    /**
     * Loads every tensor, in file order.
     *
     * @return the tensors by name, which the caller (or the open scope) closes
     * @throws SafetensorsException if an I64 value does not fit in int32
     * @throws IOException if the file cannot be read
     */
    public Map<String, Tensor> loadAll() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        for (String name : entries.keySet()) {
            m.put(name, load(name));
        }
        return m;
    }

    private interface Chunk {
        void accept(ByteBuffer littleEndian, int firstElement, int count) throws SafetensorsException;
    }

    /** Most bytes read at a time: large tensors stream through a buffer this size. */
    private static final int MAX_CHUNK_BYTES = 1 << 22;

    /**
     * Streams the tensor's bytes through a buffer of at most {@link #MAX_CHUNK_BYTES}, a whole number of
     * elements at a time. The buffer is no larger than the tensor, so a file of many small tensors costs
     * allocation in proportion to its size.
     */
    private void readElements(Entry e, int size, Chunk sink) throws IOException {
        long total = e.end() - e.begin();
        if (total == 0) {
            return;
        }
        int bufferBytes = (int) Math.min(total, MAX_CHUNK_BYTES / size * size);
        ByteBuffer buf = ByteBuffer.allocate(bufferBytes).order(ByteOrder.LITTLE_ENDIAN);
        long done = 0;
        int element = 0;
        while (done < total) {
            int bytes = (int) Math.min(buf.capacity(), total - done);
            buf.clear().limit(bytes);
            readFully(channel, buf, dataStart + e.begin() + done);
            buf.flip();
            sink.accept(buf, element, bytes / size);
            element += bytes / size;
            done += bytes;
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new IOException("unexpected end of file at byte " + pos);
            }
            pos += r;
        }
    }

    private static SafetensorsException fail(Path path, String what) {
        return new SafetensorsException(path + ": not a valid safetensors file: " + what);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
