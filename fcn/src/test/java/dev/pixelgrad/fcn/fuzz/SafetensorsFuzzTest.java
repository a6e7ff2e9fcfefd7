package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.io.Safetensors;
import dev.pixelgrad.tensor.io.SafetensorsException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The safetensors reader on any bytes: the whole file, header and data, is the input. */
class SafetensorsFuzzTest {
    /**
     * Tensors widen at most 4x (U8 and BOOL to int32); the header's JSON costs about 30 bytes per byte
     * uninstrumented, and more under the fuzzer's instrumentation.
     */
    static final ParserContract CONTRACT = new ParserContract(".safetensors", List.of(SafetensorsException.class),
            16L << 20, 64);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void load(byte[] file) throws IOException {
        CONTRACT.check(file, Safetensors::load);
    }

    static Stream<Arguments> seeds() throws IOException {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        tensors.put("w", Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
        tensors.put("b", Tensor.of(new float[] {-1}, 1));
        StringBuilder empties = new StringBuilder("{");
        for (int i = 0; i < 1000; i++) {
            empties.append(i == 0 ? "" : ",").append("\"t").append(i)
                    .append("\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}");
        }
        empties.append('}');
        return Stream.of(
                Seeds.of("two float tensors and metadata", saved(tensors, Map.of("step", "3"))),
                Seeds.of("1000 empty tensors", file(empties.toString(), new byte[0])),
                Seeds.of("an I64 value outside int32", file(
                        "{\"x\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array())),
                Seeds.of("F16, BF16, U8 and BOOL", file("{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                        + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                        + "\"u\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[8,10]},"
                        + "\"z\":{\"dtype\":\"BOOL\",\"shape\":[2],\"data_offsets\":[10,12]}}", new byte[12])),
                Seeds.of("a shape whose element count overflows", file(
                        "{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]}}",
                        new byte[0])));
    }

    /** A file of the given header and data section, as the format lays them out. */
    static byte[] file(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(h.length).put(h).put(data).array();
    }

    static byte[] saved(Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        Path f = Files.createTempFile("seed", ".safetensors");
        try {
            Safetensors.save(f, tensors, metadata);
            return Files.readAllBytes(f);
        } finally {
            Files.delete(f);
        }
    }
}
