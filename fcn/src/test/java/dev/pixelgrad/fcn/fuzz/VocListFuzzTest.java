package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.data.Palette;
import dev.pixelgrad.fcn.data.VocDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A VOC-layout folder whose split list ({@code ImageSets/Segmentation/train.txt}) is any bytes: the list
 * is read, and the first few samples it names are loaded (the folder holds one good sample, "a").
 */
class VocListFuzzTest {
    static final ParserContract CONTRACT = new ParserContract(".txt", List.of(DataException.class), 4L << 20, 64);

    /** The folder every input is read in: one good sample, "a"; each input replaces its split list. */
    @TempDir
    static Path root;

    @BeforeAll
    static void writeTheSample() throws IOException {
        ImageFiles.writeJpeg(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB), root.resolve("JPEGImages/a.jpg"),
                0.9f);
        ImageFiles.writePaletteMask(root.resolve("SegmentationClass/a.png"), new int[12], 3, 4, Palette.VOC);
        Files.createDirectories(root.resolve("ImageSets/Segmentation"));
    }

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void readSplit(byte[] list) throws IOException {
        Path listFile = root.resolve("ImageSets/Segmentation/train.txt");
        Files.write(listFile, list);
        CONTRACT.check(listFile, list.length, f -> {
            VocDataset set = new VocDataset(root, "train");
            for (int i = 0; i < Math.min(3, set.size()); i++) {
                set.load(i);
            }
        });
    }

    static Stream<Arguments> seeds() {
        return Stream.of(
                Seeds.of("one id", "a\n"),
                Seeds.of("an id with no files", "a\nb\n"),
                Seeds.of("blank lines only", "\n\n  \n"),
                Seeds.of("ids with spaces and CRLF", " a \r\n\r\na\r\n"),
                Seeds.of("Latin-1, not UTF-8", "a\nb\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)));
    }
}
