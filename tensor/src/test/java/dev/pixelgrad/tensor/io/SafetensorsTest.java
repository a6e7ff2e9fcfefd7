package dev.pixelgrad.tensor.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.BFloat16;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir
    Path dir;

    /** A file with this exact header text and data section. */
    private Path file(String name, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h).put(data);
        Path p = dir.resolve(name);
        Files.write(p, b.array());
        return p;
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    private String invalid(Path p) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> SafetensorsReader.open(p).close());
        assertTrue(e.getMessage().startsWith(p.toString()), "the message names the file: " + e.getMessage());
        return e.getMessage();
    }

    @Test
    void roundTripKeepsValuesShapesDtypesOrderAndMetadata() throws IOException {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("features.0.weight", Tensor.of(new float[] {1.5f, -2f, 3.25f, 0f, 7f, -0.125f}, 2, 3));
        m.put("labels", Tensor.ofInts(new int[] {0, 255, 20}, 3));
        m.put("scalar", Tensor.scalar(4f));
        Path p = dir.resolve("model.safetensors");
        Safetensors.save(p, m, Map.of("step", "42"));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(List.of("features.0.weight", "labels", "scalar"), r.names());
            assertEquals("42", r.metadata().get("step"));
            Tensor w = r.load("features.0.weight");
            assertEquals(Shape.of(2, 3), w.shape());
            assertArrayEquals(m.get("features.0.weight").toFloatArray(), w.toFloatArray());
            Tensor l = r.load("labels");
            assertEquals(DType.INT32, l.dtype());
            assertArrayEquals(new int[] {0, 255, 20}, l.toIntArray());
            assertEquals(Shape.scalar(), r.load("scalar").shape());
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void bfloat16IsWrittenAsBf16AndLoadsAsFloat32() throws IOException {
        Tensor t = Tensor.empty(Shape.of(3), DType.BFLOAT16, Device.CPU);
        float[] values = {1.5f, -0.0078125f, 3.3895314e38f};
        BFloat16.round(values, t.hostBf16Bits(), 3);
        Path p = dir.resolve("half.safetensors");
        Safetensors.save(p, Map.of("activations", t));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals("BF16", r.entry("activations").dtype());
            assertEquals(6, r.entry("activations").end() - r.entry("activations").begin());
            Tensor back = r.load("activations");
            assertEquals(DType.FLOAT32, back.dtype());
            assertArrayEquals(values, back.toFloatArray());
        }
    }

    @Test
    void aSaveCleansUpTheTemporaryFilesOfKilledSaves() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Path stale = dir.resolve(".ckpt.safetensors.killed.tmp");
        Files.write(stale, new byte[1000]);
        Safetensors.save(p, Map.of("a", Tensor.zeros(3)));
        assertTrue(!Files.exists(stale), "the leftover of a killed save is removed");
        assertTrue(Files.isReadable(p));
    }

    @Test
    void saveReplacesAnExistingFileWhole() throws IOException {
        Path p = dir.resolve("ckpt.safetensors");
        Safetensors.save(p, Map.of("a", Tensor.zeros(1000)));
        Safetensors.save(p, Map.of("b", Tensor.of(new float[] {1f}, 1)));
        Map<String, Tensor> back = Safetensors.load(p);
        assertEquals(Set.of("b"), back.keySet());
    }

    @Test
    void saveRefusesToReplaceAReadOnlyFile() throws IOException {
        Path p = dir.resolve("kept.safetensors");
        Safetensors.save(p, Map.of("a", Tensor.zeros(3)));
        byte[] before = Files.readAllBytes(p);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r--r--r--"));
        IOException e = assertThrows(IOException.class, () -> Safetensors.save(p, Map.of("b", Tensor.zeros(1))));
        assertTrue(e.getMessage().startsWith(p + " is read-only"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(p));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void convertsOtherDtypesOnLoad() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8 + 2 + 2 + 16 + 2).order(ByteOrder.LITTLE_ENDIAN);
        d.putDouble(0.1);                                           // F64 [0, 8)
        d.putShort(Float.floatToFloat16(-2.5f));                    // F16 [8, 10)
        d.putShort((short) (Float.floatToIntBits(3.0f) >>> 16));    // BF16 [10, 12)
        d.putLong(-5).putLong(7);                                   // I64 [12, 28)
        d.put((byte) 200).put((byte) 1);                            // U8 [28, 30)
        String h = "{\"d\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"h\":{\"dtype\":\"F16\",\"shape\":[1],\"data_offsets\":[8,10]},"
                + "\"bf\":{\"dtype\":\"BF16\",\"shape\":[],\"data_offsets\":[10,12]},"
                + "\"l\":{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[12,28]},"
                + "\"u\":{\"dtype\":\"U8\",\"shape\":[2,1],\"data_offsets\":[28,30]}}";
        try (SafetensorsReader r = SafetensorsReader.open(file("types.safetensors", h, d.array()))) {
            assertEquals(0.1f, r.load("d").item());
            assertEquals(-2.5f, r.load("h").item());
            assertEquals(3.0f, r.load("bf").item());
            assertArrayEquals(new int[] {-5, 7}, r.load("l").toIntArray());
            assertArrayEquals(new int[] {200, 1}, r.load("u").toIntArray());
        }
    }

    @Test
    void int64OutsideInt32FailsOnLoad() throws IOException {
        ByteBuffer d = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40);
        Path p = file("big.safetensors", "{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", d.array());
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            SafetensorsException e = assertThrows(SafetensorsException.class, () -> r.load("x"));
            assertTrue(e.getMessage().startsWith(p + ": tensor \"x\" element 0 = 1099511627776 does not fit in int32"),
                    e.getMessage());
        }
    }

    @Test
    void rejectsFilesShorterThanTheLengthPrefix() throws IOException {
        Path p = dir.resolve("short.safetensors");
        Files.write(p, new byte[] {1, 2, 3});
        assertTrue(invalid(p).contains("too short"));
    }

    @Test
    void rejectsAHeaderLengthBeyondTheFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1_000_000).putLong(0);
        Path p = dir.resolve("len.safetensors");
        Files.write(p, b.array());
        assertTrue(invalid(p).contains("header length 1000000"));
        ByteBuffer neg = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(0);
        Files.write(p, neg.array());
        assertTrue(invalid(p).contains("18446744073709551615"), "unsigned length is reported as such");
    }

    @Test
    void rejectsHeadersThatAreNotAJsonObject() throws IOException {
        assertTrue(invalid(file("a.safetensors", "{\"x\":", new byte[0])).contains("not valid JSON"));
        assertTrue(invalid(file("b.safetensors", "[1, 2]", new byte[0])).contains("must be a JSON object"));
        assertTrue(invalid(file("c.safetensors", "{\"x\":1,\"x\":2}", new byte[0])).contains("duplicate key"));
    }

    @Test
    void rejectsBadEntries() throws IOException {
        byte[] four = floats(1f);
        assertTrue(invalid(file("dtype.safetensors", "{\"x\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                four)).contains("unsupported dtype F8"));
        assertTrue(invalid(file("shape.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                four)).contains("invalid shape"));
        assertTrue(invalid(file("off.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                four)).contains("outside the data section"));
        assertTrue(invalid(file("size.safetensors", "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                four)).contains("needs 8"));
        assertTrue(invalid(file("field.safetensors",
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],\"extra\":1}}", four))
                .contains("unknown field"));
        assertTrue(invalid(file("meta.safetensors",
                "{\"__metadata__\":{\"a\":1},\"x\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", four))
                .contains("not a string"));
        assertTrue(invalid(file("big.safetensors",
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}}", four))
                .contains("invalid shape"));
    }

    @Test
    void rejectsOverlapsHolesAndUnclaimedBytes() throws IOException {
        byte[] eight = floats(1f, 2f);
        assertTrue(invalid(file("overlap.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight)).contains("overlap"));
        assertTrue(invalid(file("hole.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", eight)).contains("belong to no tensor"));
        assertTrue(invalid(file("tail.safetensors",
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", eight)).contains("cover 4"));
    }

    /**
     * A file of thousands of empty and one-element tensors: loading it allocates a small multiple of its
     * size (a reader that took a fixed-size buffer per tensor allocated gigabytes here).
     */
    @Test
    void manyTinyTensorsLoadWithAllocationBoundedByTheFileSize() throws IOException {
        int count = 3000;
        StringBuilder h = new StringBuilder("{");
        ByteBuffer d = ByteBuffer.allocate(count / 2 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            boolean empty = i % 2 == 0;
            int begin = d.position();
            if (!empty) {
                d.putFloat(i);
            }
            h.append(i == 0 ? "" : ",").append("\"t").append(i).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(empty ? "[0]" : "[1]").append(",\"data_offsets\":[").append(begin).append(',')
                    .append(d.position()).append("]}");
        }
        Path p = file("tiny.safetensors", h.append('}').toString(), d.array());
        long fileBytes = Files.size(p);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        Safetensors.load(p); // once first, so that loading the classes is not counted
        long before = threads.getCurrentThreadAllocatedBytes();
        Map<String, Tensor> loaded = Safetensors.load(p);
        long allocatedBytes = threads.getCurrentThreadAllocatedBytes() - before;
        assertEquals(count, loaded.size());
        assertEquals(2999f, loaded.get("t2999").item());
        // About 27 times today: the parsed header (a map per tensor) and the tensors themselves.
        assertTrue(allocatedBytes < 40 * fileBytes, "loading a " + fileBytes + "-byte file allocated "
                + allocatedBytes + " bytes");
    }

    @Test
    void acceptsTheFormatsPaddingAndEmptyTensors() throws IOException {
        Path p = file("pad.safetensors", "{\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[0,0]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}   ", floats(9f));
        try (SafetensorsReader r = SafetensorsReader.open(p)) {
            assertEquals(0, r.load("e").numel());
            assertEquals(9f, r.load("a").item());
        }
    }
}
