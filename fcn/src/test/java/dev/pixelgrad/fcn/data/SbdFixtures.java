package dev.pixelgrad.fcn.data;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Struct;

/** Tiny data sets in the layouts people download: SBD's benchmark_RELEASE, and VOC with SegmentationClassAug. */
public final class SbdFixtures {
    /** The fixtures' image height. */
    public static final int HEIGHT = 20;
    /** The fixtures' image width. */
    public static final int WIDTH = 30;

    private SbdFixtures() {}

    /**
     * The labels of fixture image {@code n}: every VOC class, shifted by n, row by row.
     *
     * @param n the image's number
     * @return HEIGHT x WIDTH class indices 0-20
     */
    public static int[] labels(int n) {
        int[] labels = new int[HEIGHT * WIDTH];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = (i / 7 + n) % 21;
        }
        return labels;
    }

    /**
     * Writes {@code benchmark_RELEASE/dataset} under {@code root}: img/&lt;id&gt;.jpg, cls/&lt;id&gt;.mat (a
     * GTcls struct as SBD's, its Segmentation uint8 holding {@link #labels}) and the two lists.
     *
     * @param root  where benchmark_RELEASE goes
     * @param train the ids of train.txt
     * @param val   the ids of val.txt
     * @return the dataset folder
     * @throws IOException if a file cannot be written
     */
    public static Path sbd(Path root, List<String> train, List<String> val) throws IOException {
        Path dataset = root.resolve("benchmark_RELEASE").resolve("dataset");
        Files.createDirectories(dataset.resolve("cls"));
        Files.writeString(dataset.resolve("train.txt"), String.join("\n", train) + "\n");
        Files.writeString(dataset.resolve("val.txt"), String.join("\n", val) + "\n");
        int n = 0;
        for (List<String> ids : List.of(train, val)) {
            for (String id : ids) {
                ImageFiles.writeJpeg(image(n), dataset.resolve("img").resolve(id + ".jpg"), 0.9f);
                writeClsMat(dataset.resolve("cls").resolve(id + ".mat"), labels(n), HEIGHT, WIDTH);
                n++;
            }
        }
        return dataset;
    }

    /**
     * Writes a MATLAB v5 file as SBD's cls/ files are: a struct GTcls with a uint8 Segmentation matrix
     * (height x width), and the fields beside it (CategoriesPresent; Boundaries, here empty).
     *
     * @param file   the file to write
     * @param labels the class indices, row by row
     * @param height the matrix's rows
     * @param width  the matrix's columns
     * @throws IOException if it cannot be written
     */
    public static void writeClsMat(Path file, int[] labels, int height, int width) throws IOException {
        Matrix seg = Mat5.newMatrix(height, width, MatlabType.UInt8);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                seg.setInt(y, x, labels[y * width + x]);
            }
        }
        Struct gt = Mat5.newStruct();
        gt.set("Boundaries", Mat5.newCell(0, 1));
        gt.set("Segmentation", seg);
        gt.set("CategoriesPresent", Mat5.newMatrix(1, 1, MatlabType.UInt8));
        Files.createDirectories(file.toAbsolutePath().getParent());
        Mat5.writeToFile(Mat5.newMatFile().addArray("GTcls", gt), file.toFile());
    }

    /**
     * A HEIGHT x WIDTH image of a colour that depends on {@code n}.
     *
     * @param n the image's number
     * @return the image
     */
    public static BufferedImage image(int n) {
        BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                img.setRGB(x, y, (x * 8) << 16 | (y * 12) << 8 | (n * 40 & 0xFF));
            }
        }
        return img;
    }
}
