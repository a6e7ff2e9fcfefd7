package dev.pixelgrad.fcn.data;

import static dev.pixelgrad.fcn.data.DatasetAssertions.assertMentions;
import static java.util.stream.Collectors.joining;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every loader on small files written here: the VOC layout, image/mask folders, colour-coded masks. */
class DatasetTest {
    @TempDir
    Path dir;

    private static String message(IOException e) {
        return e.getMessage();
    }

    @Test
    void builtinSetIsDeterministicVocShapedAndHasVoidOutlines() throws IOException {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        BuiltinDataset.generate(a, 6, 3, 40, 9);
        BuiltinDataset.generate(b, 6, 3, 40, 9);
        VocDataset train = new VocDataset(a, "train");
        assertEquals(6, train.size());
        assertEquals(BuiltinDataset.CLASSES.names(), train.classes().names());
        assertEquals(3, new VocDataset(a, "val").size());
        int objects = 0;
        int voids = 0;
        for (int i = 0; i < train.size(); i++) {
            Sample s = train.load(i);
            assertTrue(s.height() >= 32 && s.height() <= 48 && s.width() >= 32 && s.width() <= 48, "size varies around 40");
            for (int l : s.labels()) {
                objects += l > 0 && l < 6 ? 1 : 0;
                voids += l == Sample.VOID ? 1 : 0;
            }
            assertArrayEquals(Files.readAllBytes(a.resolve("SegmentationClass/" + s.id() + ".png")),
                    Files.readAllBytes(b.resolve("SegmentationClass/" + s.id() + ".png")), "same seed, same masks");
        }
        assertTrue(objects > 0 && voids > 0, "objects with void outlines");
    }

    /** A tiny VOC folder: two images listed, the second one broken in the way a test asks for. */
    private Path voc(String brokenHow) throws IOException {
        Path root = dir.resolve("voc-" + brokenHow);
        Files.createDirectories(root.resolve("ImageSets/Segmentation"));
        Files.writeString(root.resolve("ImageSets/Segmentation/train.txt"), "good\n\nbad\n");
        for (String id : List.of("good", "bad")) {
            int w = 7;
            int h = 5;
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            ImageFiles.writeJpeg(img, root.resolve("JPEGImages/" + id + ".jpg"), 0.9f);
            int[] labels = new int[h * w];
            labels[3] = 15;
            labels[4] = 255;
            int maskW = w;
            if (id.equals("bad")) {
                switch (brokenHow) {
                    case "class" -> labels[6] = 21;
                    case "size" -> maskW = 6;
                    default -> { }
                }
            }
            ImageFiles.writePaletteMask(root.resolve("SegmentationClass/" + id + ".png"),
                    Arrays.copyOf(labels, h * maskW), h, maskW, Palette.VOC);
        }
        if (brokenHow.equals("missing")) {
            Files.delete(root.resolve("JPEGImages/bad.jpg"));
        }
        if (brokenHow.equals("corrupt")) {
            Files.write(root.resolve("JPEGImages/bad.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2, 3});
        }
        return root;
    }

    @Test
    void preflightReportsEveryBadSampleAtOnce() throws IOException {
        Preflight.check(new VocDataset(voc("none"), "train"), "train"); // a good split passes
        Path root = voc("class");
        Files.writeString(root.resolve("ImageSets/Segmentation/train.txt"), "good\nbad\nlost\n");
        DataException e = assertThrows(DataException.class, () -> Preflight.check(new VocDataset(root, "train"), "train"));
        assertTrue(e.getMessage().startsWith("2 of the 3 samples of train cannot be used:"), e.getMessage());
        assertTrue(e.getMessage().contains("\n  bad: mask "), e.getMessage());
        assertTrue(e.getMessage().contains("has class index 21"), e.getMessage());
        assertTrue(e.getMessage().contains("\n  lost: "), e.getMessage());
    }

    @Test
    void vocLayoutLoadsPaletteMasksWithVoid() throws IOException {
        VocDataset ds = new VocDataset(voc("none"), "train");
        assertEquals(2, ds.size());
        assertEquals(21, ds.classes().size());
        Sample s = ds.load(0);
        assertEquals(15, s.labels()[3]);
        assertEquals(Sample.VOID, s.labels()[4]);
        assertEquals(5, s.height());
        assertEquals(7, s.width());
    }

    @Test
    void badVocFilesNameTheFileAndTheListLine() throws IOException {
        VocDataset missing = new VocDataset(voc("missing"), "train");
        assertMentions(message(assertThrows(DataException.class, () -> missing.load(1))), "bad.jpg", "does not exist",
                "line 3 of", "train.txt");
        VocDataset corrupt = new VocDataset(voc("corrupt"), "train");
        assertMentions(message(assertThrows(DataException.class, () -> corrupt.load(1))), "bad.jpg", "line 3");
        VocDataset size = new VocDataset(voc("size"), "train");
        assertMentions(message(assertThrows(DataException.class, () -> size.load(1))), "bad.png", "6x5", "7x5", "bad.jpg");
        VocDataset cls = new VocDataset(voc("class"), "train");
        assertMentions(message(assertThrows(DataException.class, () -> cls.load(1))), "class index 21", "bad.png", "line 3");
        assertMentions(message(assertThrows(DataException.class, () -> new VocDataset(dir, "train"))), "train.txt",
                "does not exist");
    }

    @Test
    void vocIdsThatAreNotPlainFileNamesAreRefusedWithTheirLine() throws IOException {
        for (String id : List.of("a\u0000b", "../../etc/passwd", "sub/a", "..", "a\\b", "tab\there")) {
            Path root = voc("none");
            Files.writeString(root.resolve("ImageSets/Segmentation/train.txt"), "ok\n" + id + "\n");
            assertMentions(message(assertThrows(DataException.class, () -> new VocDataset(root, "train"))), "train.txt",
                    "line 2");
        }
    }

    @Test
    void imageAndMaskFoldersWithIndexMasks() throws IOException {
        Path images = dir.resolve("images");
        Path masks = dir.resolve("masks");
        for (String id : List.of("b", "a")) {
            ImageFiles.writePng(new BufferedImage(4, 3, BufferedImage.TYPE_INT_RGB), images.resolve(id + ".png"));
            BufferedImage gray = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_GRAY);
            gray.getRaster().setSample(1, 2, 0, 2);
            gray.getRaster().setSample(0, 0, 0, 255);
            ImageFiles.writePng(gray, masks.resolve(id + ".png"));
        }
        FolderDataset ds = new FolderDataset(images, masks, new ClassList(List.of("bg", "x", "y"), null));
        assertEquals(List.of("a", "b"), List.of(ds.id(0), ds.id(1)));
        Sample s = ds.load(0);
        assertEquals(2, s.labels()[2 * 4 + 1]);
        assertEquals(Sample.VOID, s.labels()[0]);

        Files.delete(masks.resolve("b.png"));
        assertMentions(message(assertThrows(DataException.class,
                () -> new FolderDataset(images, masks, ClassList.VOC))), "b.png", "has no mask");
    }

    @Test
    void colourCodedMasksWithAClassFileLikeKittiRoad() throws IOException {
        Path classes = dir.resolve("classes.txt");
        Files.writeString(classes, "# KITTI road\nbackground #ff0000\nroad #ff00ff\nvoid #000000\n");
        ClassList list = ClassList.read(classes);
        assertEquals(List.of("background", "road"), list.names());
        assertEquals(Map.of(0xff0000, 0, 0xff00ff, 1, 0x000000, 255), list.colors());

        Path images = dir.resolve("img");
        Path masks = dir.resolve("gt");
        ImageFiles.writePng(new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB), images.resolve("um_000000.png"));
        BufferedImage m = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        m.setRGB(0, 0, 0xff0000);
        m.setRGB(1, 0, 0xff00ff);
        m.setRGB(2, 0, 0xff00ff);
        m.setRGB(0, 1, 0xff0000);
        m.setRGB(1, 1, 0x000000);
        m.setRGB(2, 1, 0x00ff00);
        ImageFiles.writePng(m, masks.resolve("um_000000.png"));
        FolderDataset ds = new FolderDataset(images, masks, list);
        assertMentions(message(assertThrows(DataException.class, () -> ds.load(0))), "#00ff00", "x 2, y 1",
                "um_000000.png");
        m.setRGB(2, 1, 0xff0000);
        ImageFiles.writePng(m, masks.resolve("um_000000.png"));
        assertArrayEquals(new int[] {0, 1, 1, 0, 255, 0}, ds.load(0).labels());
    }

    @Test
    void greyImagesAndGreyColourMasksKeepTheirValues() throws IOException {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 7);
        Path f = dir.resolve("grey.png");
        ImageFiles.writePng(grey, f);
        ImageFiles.Rgb rgb = ImageFiles.readRgb(f);
        assertArrayEquals(new float[] {100, 7, 100, 7, 100, 7}, rgb.planes(), "no gamma conversion of grey pixels");
        ImageFiles.Mask m = ImageFiles.readColorMask(f, Map.of(0x646464, 1, 0x070707, 0));
        assertArrayEquals(new int[] {1, 0}, m.values());
    }

    @Test
    void classListRoundTripsAndRejectsHalfColouredLists() throws IOException {
        ClassList camvid = new ClassList(List.of("sky", "building", "pole"), Map.of(0x808080, 0, 0x800000, 1,
                0xc0c080, 2, 0, 255));
        Path f = dir.resolve("camvid.txt");
        camvid.write(f);
        assertEquals(camvid, ClassList.read(f));
        Files.writeString(f, "a #010203\nb\n");
        assertMentions(message(assertThrows(DataException.class, () -> ClassList.read(f))), "either every class");
        Files.writeString(f, "a #zz0000\n");
        assertMentions(message(assertThrows(DataException.class, () -> ClassList.read(f))), "line 1");
    }

    /** A class list with exactly this text; returns the message of the error reading it. */
    private String badClassList(String name, String text) throws IOException {
        Path f = dir.resolve(name);
        Files.writeString(f, text);
        return message(assertThrows(DataException.class, () -> ClassList.read(f)));
    }

    @Test
    void classListErrorsNameTheFileAndTheLines() throws IOException {
        assertMentions(badClassList("one.txt", "background\n"), "one.txt", "2 to 255 classes, got 1");
        String names256 = IntStream.range(0, 256).mapToObj(i -> "c" + i + "\n").collect(joining());
        assertMentions(badClassList("many.txt", names256), "many.txt", "2 to 255 classes, got 256");
        assertMentions(badClassList("twice.txt", "bg\nroad\n\ncar\nroad\n"), "twice.txt", "line 5", "'road'", "line 2");
        assertMentions(badClassList("twice-coloured.txt", "bg #000001\nroad #000002\nroad #000003\n"),
                "twice-coloured.txt", "line 3", "line 2");
    }

    @Test
    void listsThatAreNotUtf8NameTheFileAndTheLine() throws IOException {
        Path classes = dir.resolve("latin1-classes.txt");
        Files.write(classes, "background\nroad\ncaf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertMentions(message(assertThrows(DataException.class, () -> ClassList.read(classes))),
                "latin1-classes.txt", "line 3", "UTF-8");
        Path root = voc("none");
        Path list = root.resolve("ImageSets/Segmentation/train.txt");
        Files.write(list, "good\nb\u00e4d\n".getBytes(StandardCharsets.ISO_8859_1));
        assertMentions(message(assertThrows(DataException.class, () -> new VocDataset(root, "train"))),
                "train.txt", "line 2", "UTF-8");
    }
}
