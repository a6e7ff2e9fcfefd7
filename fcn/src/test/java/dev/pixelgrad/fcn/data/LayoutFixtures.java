package dev.pixelgrad.fcn.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Tiny datasets (20 x 30 pixels) written in the layouts they are distributed in: ADE20K's challenge folder,
 * KITTI road's data_road, SegNet's CamVid and CamVid's colour-coded stills.
 */
public final class LayoutFixtures {
    /** Height of every fixture image. */
    public static final int HEIGHT = 20;
    /** Width of every fixture image. */
    public static final int WIDTH = 30;

    private LayoutFixtures() {}

    /** A picture whose colours vary with position and {@code seed}. */
    static BufferedImage picture(int seed) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                img.setRGB(x, y, ((x * 8 + seed * 40) & 0xFF) << 16 | ((y * 12) & 0xFF) << 8 | (seed * 70 & 0xFF));
            }
        }
        return img;
    }

    /** A grey mask of {@code fill} with the given first pixels of row 0. */
    static BufferedImage greyMask(int fill, int... firstRow) {
        BufferedImage m = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                m.getRaster().setSample(x, y, 0, y == 0 && x < firstRow.length ? firstRow[x] : fill);
            }
        }
        return m;
    }

    /** An RGB mask: the top half {@code top}, the bottom half {@code bottom}, then the given first pixels of row 0. */
    static BufferedImage colourMask(int top, int bottom, int... firstRow) {
        BufferedImage m = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                m.setRGB(x, y, y == 0 && x < firstRow.length ? firstRow[x] : y < HEIGHT / 2 ? top : bottom);
            }
        }
        return m;
    }

    /**
     * {@code ADEChallengeData2016} under {@code parent}: 3 training and 2 validation JPEGs, their masks 7
     * (class 6, "road") with row 0 starting 0, 1, 150.
     *
     * @param parent the folder to write the challenge folder into
     * @return the challenge folder
     * @throws IOException if a file cannot be written
     */
    public static Path ade20k(Path parent) throws IOException {
        Path root = parent.resolve("ADEChallengeData2016");
        int n = 0;
        for (String split : List.of("training", "validation")) {
            for (int i = 1; i <= (split.equals("training") ? 3 : 2); i++) {
                String id = String.format("ADE_%s_%08d", split.equals("training") ? "train" : "val", i);
                ImageFiles.writeJpeg(picture(n++), root.resolve("images").resolve(split).resolve(id + ".jpg"), 0.9f);
                ImageFiles.writePng(greyMask(7, 0, 1, 150), root.resolve("annotations").resolve(split).resolve(id + ".png"));
            }
        }
        return root;
    }

    /**
     * {@code data_road} under {@code parent}: 10 training images (um 0-4, umm 0-2, uu 0-1) with road
     * ground truth (top half red, bottom half magenta, row 0 starting black, magenta, red), a lane file for
     * um_000000, and a testing folder without labels.
     *
     * @param parent the folder to write data_road into
     * @return the data_road folder
     * @throws IOException if a file cannot be written
     */
    public static Path kittiRoad(Path parent) throws IOException {
        Path root = parent.resolve("data_road");
        Path images = root.resolve("training").resolve("image_2");
        Path gt = root.resolve("training").resolve("gt_image_2");
        int n = 0;
        for (String cat : List.of("um", "umm", "uu")) {
            for (int i = 0; i < (cat.equals("um") ? 5 : cat.equals("umm") ? 3 : 2); i++) {
                String number = String.format("%06d", i);
                ImageFiles.writePng(picture(n++), images.resolve(cat + "_" + number + ".png"));
                ImageFiles.writePng(colourMask(0xff0000, 0xff00ff, 0x000000, 0xff00ff, 0xff0000),
                        gt.resolve(cat + "_road_" + number + ".png"));
            }
        }
        ImageFiles.writePng(colourMask(0x000000, 0x00ff00), gt.resolve("um_lane_000000.png"));
        ImageFiles.writePng(picture(99), root.resolve("testing").resolve("image_2").resolve("um_000000.png"));
        return root;
    }

    /**
     * SegNet's {@code CamVid} under {@code parent}: train (3), val (2) and test (2) with their annot folders;
     * masks 3 ("Road") with row 0 starting 0, 10, 11 (void).
     *
     * @param parent the folder to write CamVid into
     * @return the CamVid folder
     * @throws IOException if a file cannot be written
     */
    public static Path camvidSegnet(Path parent) throws IOException {
        Path root = parent.resolve("CamVid");
        int n = 0;
        for (String split : List.of("train", "val", "test")) {
            for (int i = 0; i < (split.equals("train") ? 3 : 2); i++) {
                String id = String.format("0001TP_%06d", 6690 + 30 * n);
                ImageFiles.writePng(picture(n++), root.resolve(split).resolve(id + ".png"));
                ImageFiles.writePng(greyMask(3, 0, 10, 11), root.resolve(split + "annot").resolve(id + ".png"));
            }
        }
        return root;
    }

    /**
     * CamVid's colour-coded form in {@code root}: 5 stills, {@code *_L.png} labels (top Road, bottom Car, row 0
     * starting Void, Animal) and a label_colors.txt of Animal, Car, Road and Void.
     *
     * @param root the folder to write into
     * @return {@code root}
     * @throws IOException if a file cannot be written
     */
    public static Path camvidColour(Path root) throws IOException {
        Files.createDirectories(root);
        Files.writeString(root.resolve("label_colors.txt"), "64 128 64\tAnimal\n64 0 128\tCar\n128 64 128\tRoad\n0 0 0\tVoid\n");
        for (int i = 0; i < 5; i++) {
            String id = String.format("0016E5_%05d", 390 + 30 * i);
            ImageFiles.writePng(picture(i), root.resolve("701_StillsRaw_full").resolve(id + ".png"));
            ImageFiles.writePng(colourMask(0x804080, 0x400080, 0x000000, 0x408040),
                    root.resolve("LabeledApproved_full").resolve(id + "_L.png"));
        }
        return root;
    }
}
