package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.data.Sample;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The mask decoders on any bytes, under a 1-megapixel limit: as an index mask (palette or grey), and as
 * a colour-coded mask against a small colour table.
 */
class MaskFuzzTest {
    static {
        ImageSeeds.limitPixels();
    }

    static final ParserContract CONTRACT = new ParserContract(".png", List.of(DataException.class),
            ImageSeeds.DECODE_BYTES, 64);

    static final Map<Integer, Integer> COLOURS = Map.of(0x000000, 0, 0x800000, 1, 0x008000, 2, 0xffffff,
            Sample.VOID);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void readMask(byte[] file) throws IOException {
        CONTRACT.check(file, ImageFiles::readIndexMask);
        CONTRACT.check(file, f -> ImageFiles.readColorMask(f, COLOURS));
    }

    static Stream<Arguments> seeds() throws IOException {
        return ImageSeeds.seeds();
    }
}
