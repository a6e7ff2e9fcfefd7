package dev.pixelgrad.fcn.data;

import static dev.pixelgrad.fcn.data.DatasetAssertions.assertMentions;
import static dev.pixelgrad.fcn.data.DatasetAssertions.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The distributed layouts (ADE20K, KITTI road, CamVid) on tiny fixtures written in exactly those layouts. */
class LayoutTest {
    private static final int W = LayoutFixtures.WIDTH;

    @TempDir
    Path dir;

    @Test
    void ade20kIgnoresOtherAndShiftsTheClassesOrKeepsOtherAsAClass() throws IOException {
        Path root = LayoutFixtures.ade20k(dir);
        assertEquals(Layout.ADE20K, Layout.detect(dir, "train"), "the parent of ADEChallengeData2016");
        assertEquals(Layout.ADE20K, Layout.detect(root, "train"));
        SegmentationDataset train = Layout.ADE20K.open(dir, "train", Layout.Options.DEFAULT);
        assertEquals(3, train.size());
        assertEquals(2, Layout.ADE20K.open(root, "val", Layout.Options.DEFAULT).size());
        assertEquals(List.of("ADE_val_00000001", "ADE_val_00000002"),
                ids(Layout.ADE20K.open(root, "validation", Layout.Options.DEFAULT)));
        ClassList classes = train.classes();
        assertEquals(150, classes.size());
        assertEquals(List.of("wall", "building", "sky", "floor", "tree"), classes.names().subList(0, 5));
        assertEquals("chest_of_drawers", classes.names().get(44));
        assertEquals("television_receiver", classes.names().get(89));
        assertEquals("flag", classes.names().get(149));
        int[] labels = train.load(0).labels();
        assertEquals(Sample.VOID, labels[0], "0 (other) is ignored");
        assertEquals(0, labels[1]);
        assertEquals(149, labels[2]);
        assertEquals(6, labels[W + 5]);

        SegmentationDataset withOther = Layout.ADE20K.open(root, "train", new Layout.Options(null, true, 0.2));
        assertEquals(151, withOther.classes().size());
        assertEquals("other", withOther.classes().names().get(0));
        assertEquals("wall", withOther.classes().names().get(1));
        int[] kept = withOther.load(0).labels();
        assertEquals(List.of(0, 1, 150, 7), List.of(kept[0], kept[1], kept[2], kept[W + 5]));

        Path mask = root.resolve("annotations/training/ADE_train_00000002.png");
        ImageFiles.writePng(LayoutFixtures.greyMask(7, 0, 1, 151), mask);
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), mask.toString(),
                "value 151", "x 2, y 0", "0 (other, ignored) to 150");
        Files.delete(mask);
        assertMentions(assertThrows(DataException.class, () -> Layout.ADE20K.open(root, "train", Layout.Options.DEFAULT))
                .getMessage(), "ADE_train_00000002.jpg", "has no mask", mask.toString());
        assertMentions(assertThrows(DataException.class, () -> Layout.ADE20K.open(root, "test", Layout.Options.DEFAULT))
                .getMessage(), "no split 'test'", root.toString());
    }

    @Test
    void kittiRoadHoldsOutEveryFifthImageAndReadsTheRoadColours() throws IOException {
        Path root = LayoutFixtures.kittiRoad(dir);
        assertEquals(Layout.KITTI_ROAD, Layout.detect(dir, "train"));
        SegmentationDataset train = Layout.KITTI_ROAD.open(dir, "train", Layout.Options.DEFAULT);
        SegmentationDataset val = Layout.KITTI_ROAD.open(root, "val", Layout.Options.DEFAULT);
        assertEquals(List.of("um_000004", "uu_000001"), ids(val), "the 5th and 10th in name order");
        assertEquals(List.of("um_000000", "um_000001", "um_000002", "um_000003", "umm_000000", "umm_000001",
                "umm_000002", "uu_000000"), ids(train));
        assertEquals(List.of("not_road", "road"), train.classes().names());
        int[] labels = train.load(0).labels();
        assertEquals(List.of(Sample.VOID, 1, 0, 0, 1), List.of(labels[0], labels[1], labels[2], labels[W + 3],
                labels[(LayoutFixtures.HEIGHT - 1) * W]));
        assertEquals(List.of("um_000001", "um_000003", "umm_000000", "umm_000002", "uu_000001"),
                ids(Layout.KITTI_ROAD.open(root, "val", new Layout.Options(null, false, 0.5))));

        Sample small = new ResizedDataset(val, 10, 15).load(0);
        assertEquals(List.of(10, 15), List.of(small.height(), small.width()));

        Path gt = root.resolve("training/gt_image_2/um_road_000001.png");
        ImageFiles.writePng(LayoutFixtures.colourMask(0xff0000, 0x00ff00), gt);
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), gt.toString(), "#00ff00",
                "x 0, y 10");
        Files.delete(gt);
        assertMentions(assertThrows(DataException.class, () -> Layout.KITTI_ROAD.open(root, "train",
                Layout.Options.DEFAULT)).getMessage(), "um_000001.png", "has no mask", "um_road_000001.png");
        assertMentions(assertThrows(DataException.class, () -> Layout.KITTI_ROAD.open(root, "testing",
                Layout.Options.DEFAULT)).getMessage(), "no split 'testing'", "train and val");
        assertMentions(assertThrows(IllegalArgumentException.class, () -> Layout.KITTI_ROAD.open(root, "train",
                new Layout.Options(ClassList.VOC, false, 0.2))).getMessage(), "--classes", "kitti-road");
    }

    @Test
    void camvidAsSegnetHasItElevenClassesAndVoid() throws IOException {
        Path root = LayoutFixtures.camvidSegnet(dir);
        assertEquals(Layout.CAMVID, Layout.detect(dir, "train"));
        SegmentationDataset train = Layout.CAMVID.open(dir, "train", Layout.Options.DEFAULT);
        assertEquals(List.of(3, 2, 2), List.of(train.size(), Layout.CAMVID.open(root, "val", Layout.Options.DEFAULT).size(),
                Layout.CAMVID.open(root, "test", Layout.Options.DEFAULT).size()));
        assertEquals(List.of("Sky", "Building", "Pole", "Road", "Pavement", "Tree", "SignSymbol", "Fence", "Car",
                "Pedestrian", "Bicyclist"), train.classes().names());
        int[] labels = train.load(0).labels();
        assertEquals(List.of(0, 10, Sample.VOID, 3), List.of(labels[0], labels[1], labels[2], labels[W]));

        Path mask = root.resolve("trainannot/0001TP_006720.png");
        ImageFiles.writePng(LayoutFixtures.greyMask(3, 12), mask);
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), mask.toString(),
                "value 12", "x 0, y 0", "0 to 10 (the 11 classes) and 11 (void)");
        Files.delete(mask);
        assertMentions(assertThrows(DataException.class, () -> Layout.CAMVID.open(root, "train", Layout.Options.DEFAULT))
                .getMessage(), "0001TP_006720.png", "has no mask");
    }

    @Test
    void camvidColourCodedTakesItsLabelColoursFile() throws IOException {
        Path root = LayoutFixtures.camvidColour(dir.resolve("camvid"));
        assertEquals(Layout.CAMVID, Layout.detect(root, "train"));
        SegmentationDataset train = Layout.CAMVID.open(root, "train", Layout.Options.DEFAULT);
        SegmentationDataset val = Layout.CAMVID.open(root, "val", Layout.Options.DEFAULT);
        assertEquals(List.of(4, 1), List.of(train.size(), val.size()));
        assertEquals("0016E5_00510", val.id(0));
        assertEquals(List.of("Animal", "Car", "Road"), train.classes().names(), "Void is no class");
        int[] labels = train.load(0).labels();
        assertEquals(List.of(Sample.VOID, 0, 2, 1), List.of(labels[0], labels[1], labels[W + 2],
                labels[(LayoutFixtures.HEIGHT - 1) * W]));
        ClassList ours = ClassList.fromText("road #804080\ncar #400080\nanimal #408040\nvoid #000000\n", "classes");
        int[] ourLabels = Layout.CAMVID.open(root, "train", new Layout.Options(ours, false, 0.2)).load(0).labels();
        assertEquals(List.of(Sample.VOID, 2, 0), List.of(ourLabels[0], ourLabels[1], ourLabels[W]));

        Path mask = root.resolve("LabeledApproved_full/0016E5_00420_L.png");
        ImageFiles.writePng(LayoutFixtures.colourMask(0x804080, 0x123456), mask);
        assertMentions(assertThrows(DataException.class, () -> train.load(1)).getMessage(), mask.toString(), "#123456",
                "x 0, y 10");
        Files.delete(mask);
        assertMentions(assertThrows(DataException.class, () -> Layout.CAMVID.open(root, "train", Layout.Options.DEFAULT))
                .getMessage(), "0016E5_00420.png", "has no mask", "0016E5_00420_L.png");
    }

    @Test
    void aFolderInNoLayoutSaysWhatEachLacks() {
        assertEquals(null, Layout.detect(dir, "train"));
        assertMentions(Layout.KITTI_ROAD.missing(dir, "train"), "training/image_2 and training/gt_image_2",
                "data_road");
        assertMentions(Layout.FOLDER.missing(dir, "val"), "val/images");
    }
}
