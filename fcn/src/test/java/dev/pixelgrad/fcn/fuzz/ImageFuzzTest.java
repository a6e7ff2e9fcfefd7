package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.ImageFiles;
import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The image decoder ({@link ImageFiles#readRgb}) on any bytes, under a 1-megapixel limit. */
class ImageFuzzTest {
    static {
        ImageSeeds.limitPixels();
    }

    static final ParserContract CONTRACT = new ParserContract(".png", List.of(DataException.class),
            ImageSeeds.DECODE_BYTES, 64);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void readRgb(byte[] file) throws IOException {
        CONTRACT.check(file, ImageFiles::readRgb);
    }

    static Stream<Arguments> seeds() throws IOException {
        return ImageSeeds.seeds();
    }
}
