package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.fcn.weights.Vgg16Weights;
import dev.pixelgrad.fcn.weights.Vgg16WeightsCorruptionTest;
import java.io.IOException;
import java.io.InputStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Keras VGG16 importer on any bytes, seeded with a 52 KB file in Keras' own HDF5 layout (old-style
 * object headers without checksums, as {@code save_weights} writes them), so mutations reach the parser.
 */
class KerasFuzzTest {
    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void read(byte[] file) throws IOException {
        // The contract the corruption sweep holds the importer to, on whatever bytes the fuzzer makes.
        Vgg16WeightsCorruptionTest.CONTRACT.check(file, Vgg16Weights::read);
    }

    static Stream<Arguments> seeds() throws IOException {
        try (InputStream in = Vgg16WeightsCorruptionTest.class.getResourceAsStream(Vgg16WeightsCorruptionTest.FIXTURE)) {
            return Stream.of(Seeds.of("a 1/64-width Keras VGG16 file", in.readAllBytes()));
        }
    }
}
