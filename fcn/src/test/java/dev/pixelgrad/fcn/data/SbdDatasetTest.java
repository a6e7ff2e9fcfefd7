package dev.pixelgrad.fcn.data;

import static dev.pixelgrad.fcn.data.DatasetAssertions.assertMentions;
import static dev.pixelgrad.fcn.data.DatasetAssertions.ids;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Struct;

/** SBD as distributed (.mat masks), VOC with SegmentationClassAug, seg11valid and --exclude, on files written here. */
class SbdDatasetTest {
    @TempDir
    Path dir;

    @Test
    void sbdLabelsAreTheMatFilesPixelByPixel() throws IOException {
        Path dataset = SbdFixtures.sbd(dir, List.of("2008_000002", "2008_000003", "2008_000007"), List.of("2008_000009"));
        SbdDataset train = new SbdDataset(dataset, "train", null);
        assertEquals(List.of("2008_000002", "2008_000003", "2008_000007"), ids(train));
        assertEquals(ClassList.VOC, train.classes());
        for (int n = 0; n < train.size(); n++) {
            Sample s = train.load(n);
            assertEquals(SbdFixtures.HEIGHT, s.height());
            assertEquals(SbdFixtures.WIDTH, s.width());
            assertArrayEquals(SbdFixtures.labels(n), s.labels(), "sample " + n);
        }
        SbdDataset trainval = new SbdDataset(dataset, "trainval", null);
        assertEquals(List.of("2008_000002", "2008_000003", "2008_000007", "2008_000009"), ids(trainval));
        assertArrayEquals(SbdFixtures.labels(3), trainval.load(3).labels());
        assertEquals(1, new SbdDataset(dataset, "val", null).size());
        assertMentions(assertThrows(DataException.class, () -> new SbdDataset(dataset, "test", null)).getMessage(),
                "test.txt", "does not exist", "trainval");
    }

    @Test
    void theSbdFolderIsFoundFromItsParentsToo() throws IOException {
        Path dataset = SbdFixtures.sbd(dir, List.of("a"), List.of("b"));
        assertEquals(dataset, Layout.SBD.root(dir, "train"));
        assertEquals(dataset, Layout.SBD.root(dir.resolve("benchmark_RELEASE"), "train"));
        assertEquals(dataset, Layout.SBD.root(dataset, "train"));
        assertNull(Layout.SBD.root(dataset.resolve("cls"), "train"));
    }

    @Test
    void badMatFilesNameTheFileAndWhatIsWrong() throws IOException {
        Path dataset = SbdFixtures.sbd(dir, List.of("good", "bad"), List.of("x"));
        Path bad = dataset.resolve("cls/bad.mat");
        SbdDataset train = new SbdDataset(dataset, "train", null);

        Struct inst = Mat5.newStruct();
        inst.set("Segmentation", Mat5.newMatrix(2, 2));
        Mat5.writeToFile(Mat5.newMatFile().addArray("GTinst", inst), bad.toFile());
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "no variable GTcls", "GTinst", "line 2 of");

        Struct noSeg = Mat5.newStruct();
        noSeg.set("Boundaries", Mat5.newCell(0, 1));
        Mat5.writeToFile(Mat5.newMatFile().addArray("GTcls", noSeg), bad.toFile());
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "GTcls has no field Segmentation", "Boundaries");

        Struct text = Mat5.newStruct();
        text.set("Segmentation", Mat5.newString("road"));
        Mat5.writeToFile(Mat5.newMatFile().addArray("GTcls", text), bad.toFile());
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "GTcls.Segmentation is a 1x4 char", "uint8");

        Mat5.writeToFile(Mat5.newMatFile().addArray("GTcls", Mat5.newMatrix(2, 2)), bad.toFile());
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "GTcls is a 2x2 double, not a 1x1 struct");

        Files.writeString(bad, "not a mat file at all");
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "not a readable MATLAB v5 .mat file");

        SbdFixtures.writeClsMat(bad, new int[SbdFixtures.HEIGHT * 29], SbdFixtures.HEIGHT, 29);
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "29x20", "30x20", "bad.jpg");

        int[] outside = SbdFixtures.labels(0);
        outside[5] = 21;
        SbdFixtures.writeClsMat(bad, outside, SbdFixtures.HEIGHT, SbdFixtures.WIDTH);
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "class index 21");

        Files.delete(bad);
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), bad.toString(),
                "does not exist");
        assertArrayEquals(SbdFixtures.labels(0), train.load(0).labels(), "the good one still loads");
    }

    /** A VOC2012 folder with SegmentationClassAug: a in both mask folders, b only in VOC's, c only in the Aug one. */
    private Path vocWithAug() throws IOException {
        Path root = dir.resolve("VOC2012");
        Path lists = root.resolve("ImageSets/Segmentation");
        Files.createDirectories(lists);
        Files.writeString(lists.resolve("train.txt"), "a\n");
        Files.writeString(lists.resolve("val.txt"), "b\n");
        Files.writeString(lists.resolve("train_aug.txt"), "a\nb\nc\n");
        Files.writeString(lists.resolve("seg11valid.txt"), "b\n");
        for (String id : List.of("a", "b", "c")) {
            ImageFiles.writeJpeg(SbdFixtures.image(0), root.resolve("JPEGImages/" + id + ".jpg"), 0.9f);
        }
        int h = SbdFixtures.HEIGHT;
        int w = SbdFixtures.WIDTH;
        for (String id : List.of("a", "b")) {
            int[] labels = new int[h * w];
            Arrays.fill(labels, 1);
            labels[0] = 255;
            ImageFiles.writePaletteMask(root.resolve("SegmentationClass/" + id + ".png"), labels, h, w, Palette.VOC);
        }
        // The Aug masks are grey PNGs, as commonly distributed.
        for (String id : List.of("a", "c")) {
            BufferedImage grey = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    grey.getRaster().setSample(x, y, 0, id.equals("a") ? 2 : 4);
                }
            }
            grey.getRaster().setSample(1, 0, 0, 255);
            ImageFiles.writePng(grey, root.resolve("SegmentationClassAug/" + id + ".png"));
        }
        return root;
    }

    @Test
    void trainAugReadsSegmentationClassAugFirstAndOtherSplitsDoNot() throws IOException {
        Path root = vocWithAug();
        VocDataset aug = new VocDataset(root, "train_aug");
        assertEquals(List.of("a", "b", "c"), ids(aug));
        assertEquals(2, aug.load(0).labels()[5], "a: SegmentationClassAug's mask, not VOC's");
        assertEquals(255, aug.load(0).labels()[1]);
        assertEquals(1, aug.load(1).labels()[5], "b: only in SegmentationClass");
        assertEquals(4, aug.load(2).labels()[5], "c: only in SegmentationClassAug");
        assertEquals(1, new VocDataset(root, "train").load(0).labels()[5], "train: SegmentationClass");
        assertEquals(List.of("a", "b", "c"), ids(new VocDataset(root, "trainaug")), "either name finds the list");

        Files.move(root.resolve("SegmentationClassAug"), root.resolve("elsewhere"));
        assertMentions(assertThrows(DataException.class, () -> new VocDataset(root, "train_aug")).getMessage(),
                "SegmentationClassAug", "does not exist");
    }

    @Test
    void seg11validIsAListOfTheVocFolder() throws IOException {
        Path root = vocWithAug();
        VocDataset valid = new VocDataset(root, "seg11valid");
        assertEquals(List.of("b"), ids(valid));
        assertEquals(1, valid.load(0).labels()[5]);
        Files.delete(root.resolve("ImageSets/Segmentation/seg11valid.txt"));
        assertMentions(assertThrows(DataException.class, () -> new VocDataset(root, "seg11valid")).getMessage(),
                "seg11valid.txt", "does not exist", "reference FCN");
    }

    @Test
    void excludeDropsTheListedIdsAndSaysHowMany() throws IOException {
        Path dataset = SbdFixtures.sbd(dir, List.of("a", "b", "c"), List.of("d"));
        SbdDataset trainval = new SbdDataset(dataset, "trainval", null);
        Path list = dir.resolve("seg11valid.txt");
        Files.writeString(list, "d\nb\nnot-in-sbd\n");
        List<String> said = new ArrayList<>();
        SegmentationDataset rest = ExcludedIds.apply(trainval, list, "trainval", said::add);
        assertEquals(List.of("a", "c"), ids(rest));
        assertArrayEquals(SbdFixtures.labels(2), rest.load(1).labels());
        assertEquals(List.of("--exclude " + list + ": dropped 2 of the 4 images of the split 'trainval', 2 left"), said);
        assertSame(trainval, ExcludedIds.apply(trainval, null, "trainval", said::add));

        Files.writeString(list, "a\nb\nc\nd\n");
        assertMentions(assertThrows(DataException.class, () -> ExcludedIds.apply(trainval, list, "trainval", said::add))
                .getMessage(), list.toString(), "drops every one of the 4");
        assertMentions(assertThrows(DataException.class, () -> ExcludedIds.apply(trainval, dir.resolve("none.txt"),
                "trainval", said::add)).getMessage(), "--exclude", "none.txt", "does not exist");
    }
}
