package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.data.VocDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A VOC-layout folder whose split list ({@code ImageSets/Segmentation/train.txt}) is any bytes: the list
 * is read, and the first few samples it names are loaded (the folder holds one good sample, "a").
 */
class VocListFuzzTest {
    static final ParserContract CONTRACT = new ParserContract(".txt", List.of(DataException.class), 4L << 20, 64);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void readSplit(byte[] list) throws IOException {
        Path root = Files.createTempDirectory("pixelgrad-voc");
        try {
            Path listFile = root.resolve("ImageSets/Segmentation/train.txt");
            Files.createDirectories(listFile.getParent());
            Files.write(listFile, list);
            ImageFiles.writeJpeg(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB),
                    root.resolve("JPEGImages/a.jpg"), 0.9f);
            ImageFiles.writePaletteMask(root.resolve("SegmentationClass/a.png"), new int[12], 3, 4);
            CONTRACT.check(listFile, list.length, f -> {
                VocDataset set = new VocDataset(root, "train");
                for (int i = 0; i < Math.min(3, set.size()); i++) {
                    set.load(i);
                }
            });
        } finally {
            ParserContract.deleteTree(root);
        }
    }

    static Stream<Arguments> seeds() {
        return Stream.of(
                seed("one id", "a\n"),
                seed("an id with no files", "a\nb\n"),
                seed("blank lines only", "\n\n  \n"),
                seed("ids with spaces and CRLF", " a \r\n\r\na\r\n"),
                ImageSeeds.seed("Latin-1, not UTF-8", "a\nb\u00e9\n".getBytes(StandardCharsets.ISO_8859_1)));
    }

    private static Arguments seed(String name, String text) {
        return ImageSeeds.seed(name, text.getBytes(StandardCharsets.UTF_8));
    }
}
