package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Images in one folder and masks in another, paired by file name stem ({@code a.jpg} with
 * {@code a.png}, or a stem the layout derives: KITTI road's {@code um_road_000000.png} for
 * {@code um_000000.png}). Masks hold class indices (palette or grey-level PNGs), optionally remapped by a
 * {@link ValueMap} (ADE20K's 0 for "other", CamVid's 11 for void), or, when the class list gives colours,
 * colour codes (CamVid's 32 classes, KITTI road's 2).
 */
public final class FolderDataset implements SegmentationDataset {
    private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");
    /** Lossless formats first: a JPEG mask's colours and indices are smeared by compression. */
    private static final List<String> MASK_EXTENSIONS = List.of(".png", ".bmp", ".jpg", ".jpeg");

    /**
     * An image file and its mask file.
     *
     * @param image the image
     * @param mask  its mask
     */
    public record Pair(Path image, Path mask) {}

    /**
     * How the values of index masks become labels: {@code labels[value]} is a class index, or
     * {@link Sample#VOID}, or -1 for a value the layout does not use (an error).
     *
     * @param labels the label of each mask value 0-255
     * @param valid  the values the layout uses, in words, for messages ("0 (other) to 150")
     */
    public record ValueMap(int[] labels, String valid) {
        /**
         * Copies the table.
         *
         * @throws IllegalArgumentException if the table does not have 256 entries
         */
        public ValueMap {
            if (labels.length != 256) {
                throw new IllegalArgumentException("a value map has 256 entries, got " + labels.length);
            }
            labels = labels.clone();
        }

        /**
         * Values {@code from} to {@code to} become {@code value - shift}; {@code voidValue} (when not -1)
         * becomes void; every other value is an error.
         *
         * @param from      the first value used for a class
         * @param to        the last value used for a class
         * @param shift     subtracted from a class value
         * @param voidValue the value that marks void, or -1
         * @param valid     the values used, in words, for messages
         * @return the map
         */
        public static ValueMap range(int from, int to, int shift, int voidValue, String valid) {
            int[] t = new int[256];
            for (int v = 0; v < 256; v++) {
                t[v] = v >= from && v <= to ? v - shift : v == voidValue ? Sample.VOID : -1;
            }
            return new ValueMap(t, valid);
        }
    }

    private final List<Pair> pairs;
    private final ClassList classes;
    private final ValueMap values;

    /**
     * Pairs every image of {@code imageDir} (.jpg, .jpeg, .png, .bmp; in name order) with the mask of the
     * same stem in {@code maskDir} (.png first, then .bmp, .jpg, .jpeg). Files are only read by
     * {@link #load}.
     *
     * @param imageDir the folder of the images
     * @param maskDir  the folder of the masks
     * @param classes  the classes; with colours, the masks are read as colour codes
     * @throws DataException if a folder is missing, an image has no mask, or there is no image
     * @throws IOException if a folder cannot be listed
     */
    public FolderDataset(Path imageDir, Path maskDir, ClassList classes) throws IOException {
        this(pairs(imageDir, maskDir, UnaryOperator.identity()), classes, null);
    }

    /**
     * The given pairs, their index masks' values taken through {@code values} (when not null).
     *
     * @param pairs   the images and masks, in sample order
     * @param classes the classes; with colours, the masks are read as colour codes
     * @param values  how index mask values become labels, or null when they are the labels
     * @throws IllegalArgumentException if there is no pair, or a value map comes with colour-coded classes
     */
    public FolderDataset(List<Pair> pairs, ClassList classes, ValueMap values) {
        if (pairs.isEmpty()) {
            throw new IllegalArgumentException("a folder dataset needs at least one image");
        }
        if (values != null && classes.colorCoded()) {
            throw new IllegalArgumentException("a value map is for index masks, not colour-coded ones");
        }
        this.pairs = List.copyOf(pairs);
        this.classes = classes;
        this.values = values;
    }

    /**
     * Every image of {@code imageDir} (.jpg, .jpeg, .png, .bmp; in name order) with the mask whose stem
     * {@code maskStem} gives for the image's stem, in {@code maskDir} (.png first, then .bmp, .jpg, .jpeg).
     *
     * @param imageDir the folder of the images
     * @param maskDir  the folder of the masks
     * @param maskStem the mask's file name stem for an image's
     * @return the pairs, in image name order
     * @throws DataException if a folder is missing, an image has no mask, or there is no image
     * @throws IOException if a folder cannot be listed
     */
    public static List<Pair> pairs(Path imageDir, Path maskDir, UnaryOperator<String> maskStem) throws IOException {
        if (!Files.isDirectory(imageDir)) {
            throw new DataException("image folder " + imageDir + " does not exist");
        }
        if (!Files.isDirectory(maskDir)) {
            throw new DataException("mask folder " + maskDir + " does not exist");
        }
        List<Path> found;
        try (Stream<Path> s = Files.list(imageDir)) {
            found = s.filter(p -> IMAGE_EXTENSIONS.contains(extension(p))).sorted().toList();
        }
        List<Pair> pairs = new ArrayList<>();
        for (Path image : found) {
            String stem = maskStem.apply(stem(image));
            Path mask = null;
            for (String ext : MASK_EXTENSIONS) {
                Path candidate = maskDir.resolve(stem + ext);
                if (Files.isRegularFile(candidate)) {
                    mask = candidate;
                    break;
                }
            }
            if (mask == null) {
                throw new DataException("image " + image + " has no mask " + maskDir.resolve(stem + ".png"));
            }
            pairs.add(new Pair(image, mask));
        }
        if (pairs.isEmpty()) {
            throw new DataException("no images (" + IMAGE_EXTENSIONS + ") in " + imageDir);
        }
        return pairs;
    }

    /**
     * One side of a split of {@code pairs} held out by position, for layouts without split files: the
     * validation side takes pair i (from 0, in the given order) when floor((i + 1) * fraction) exceeds
     * floor(i * fraction), so 0.2 takes every 5th (the 5th, 10th, ...), spread evenly, with no randomness.
     *
     * @param pairs    all pairs, in name order
     * @param fraction the share held out for validation, in (0, 1)
     * @param val      true for the validation side, false for the training side
     * @param where    the folder, for messages
     * @return that side's pairs
     * @throws DataException if that side is empty
     */
    public static List<Pair> holdOut(List<Pair> pairs, double fraction, boolean val, Path where) throws DataException {
        List<Pair> side = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            // The small term keeps 5 x 0.2 at 1 whatever the rounding of 0.2.
            boolean held = Math.floor((i + 1) * fraction + 1e-9) > Math.floor(i * fraction + 1e-9);
            if (held == val) {
                side.add(pairs.get(i));
            }
        }
        if (side.isEmpty()) {
            throw new DataException("--val-fraction " + fraction + " of the " + pairs.size() + " images of " + where
                    + " leaves the " + (val ? "val" : "train") + " split empty");
        }
        return side;
    }

    private static String extension(Path p) {
        String n = p.getFileName().toString().toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot);
    }

    private static String stem(Path p) {
        String n = p.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot < 0 ? n : n.substring(0, dot);
    }

    @Override
    public ClassList classes() {
        return classes;
    }

    @Override
    public int size() {
        return pairs.size();
    }

    @Override
    public String id(int index) {
        return stem(pairs.get(index).image());
    }

    @Override
    public Sample load(int index) throws IOException {
        Pair pair = pairs.get(index);
        return SegmentationDataset.read(id(index), pair.image(), pair.mask(), this::readMask, classes.size(), "");
    }

    /** A mask as colour codes or as index values, the values mapped to labels when the layout has a map. */
    private ImageFiles.Mask readMask(Path maskFile) throws IOException {
        ImageFiles.Mask mask = classes.colorCoded() ? ImageFiles.readColorMask(maskFile, classes.colors())
                : ImageFiles.readIndexMask(maskFile);
        if (values != null) {
            int[] v = mask.values();
            for (int i = 0; i < v.length; i++) {
                int label = v[i] < 256 ? values.labels()[v[i]] : -1;
                if (label < 0) {
                    throw new DataException("mask " + maskFile + " has value " + v[i] + " at (x " + i % mask.width()
                            + ", y " + i / mask.width() + "); this layout's masks hold " + values.valid());
                }
                v[i] = label;
            }
        }
        return mask;
    }
}
