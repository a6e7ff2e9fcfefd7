package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.nn.Checkpoint;
import dev.pixelgrad.nn.CheckpointException;
import dev.pixelgrad.tensor.io.SafetensorsException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Loading a model from a checkpoint ({@link Fcn#load}, as eval and predict do) when its header is any
 * bytes: the tensor table and the metadata, fcn.config included. The data section stays that of a real
 * 1/32-width FCN-8s checkpoint, so the fuzzer spends its time on what is checked before anything is built
 * (the container itself is {@link SafetensorsFuzzTest}'s).
 */
class CheckpointFuzzTest {
    static final String GOOD = new FcnConfig("fcn8s", 6, 1f / 32, false, Preprocessing.CAFFE, 5).toJson();

    /** The stored weights every input shares: the data section of a real checkpoint. */
    static final byte[] DATA;

    /** Loading may hold the stored tensors, the model built from them and a copy of each: a few times the data. */
    static final ParserContract CONTRACT;

    static {
        byte[][] parts = split(saved(GOOD));
        DATA = parts[1];
        CONTRACT = new ParserContract(".safetensors", List.of(CheckpointException.class, SafetensorsException.class),
                (16L << 20) + 8L * DATA.length, 64);
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void load(byte[] header) throws IOException {
        byte[] file = ByteBuffer.allocate(8 + header.length + DATA.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(header.length).put(header).put(DATA).array();
        CONTRACT.check(file, Fcn::load);
    }

    static Stream<Arguments> seeds() {
        return Stream.of(
                seed("a good checkpoint", GOOD),
                seed("width 1 (the full-width net) over 1/32-width weights", GOOD.replace("0.03125", "1.0")),
                seed("num_classes 100000", GOOD.replace("\"num_classes\":6", "\"num_classes\":100000")),
                seed("a string where a number belongs", GOOD.replace("0.03125", "\"wide\"")),
                seed("a null field", GOOD.replace("\"num_classes\":6", "\"num_classes\":null")),
                seed("an array for the model", GOOD.replace("\"fcn8s\"", "[\"fcn8s\"]")),
                seed("an unknown preprocessing", GOOD.replace("\"caffe\"", "\"opencv\"")),
                seed("no fcn.config", null));
    }

    /** The header of a checkpoint of the 1/32-width model whose fcn.config is {@code config} (none if null). */
    private static Arguments seed(String name, String config) {
        if (config != null && config.equals(GOOD) && !name.equals("a good checkpoint")) {
            throw new IllegalStateException("seed '" + name + "' changes nothing in " + GOOD);
        }
        return Seeds.of(name, split(saved(config))[0]);
    }

    private static byte[] saved(String config) {
        try {
            Path f = Files.createTempFile("seed", ".safetensors");
            try {
                Fcn model = Fcn.create(FcnConfig.fromJson(GOOD));
                Checkpoint.save(f, model, null, config == null ? Map.of("step", "1")
                        : Map.of("step", "1", "fcn.config", config));
                return Files.readAllBytes(f);
            } finally {
                Files.delete(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A safetensors file's header and data section. */
    private static byte[][] split(byte[] file) {
        int headerLength = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new byte[][] {Arrays.copyOfRange(file, 8, 8 + headerLength),
                Arrays.copyOfRange(file, 8 + headerLength, file.length)};
    }
}
