package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset in the Pascal VOC 2012 layout: {@code ImageSets/Segmentation/<split>.txt} lists image ids,
 * {@code JPEGImages/<id>.jpg} are the images and {@code SegmentationClass/<id>.png} the palette masks
 * (index 255 is void). The classes are VOC's 21, or those of {@code classes.txt} at the root when
 * present (the built-in set uses this).
 *
 * <p>With SBD's masks converted to PNG in {@code SegmentationClassAug/<id>.png} (grey or palette, 0-20,
 * 255 void), the split {@code train_aug} (or {@code trainaug}; either name finds either list file) reads
 * each mask from there, and from {@code SegmentationClass} for an id that only that folder has. Every
 * other split, {@code val} and {@code seg11valid} among them, reads {@code SegmentationClass} only.
 */
public final class VocDataset extends ListedDataset {
    /** The splits that read SBD's masks from {@link #AUG_MASKS}. */
    private static final List<String> AUG_SPLITS = List.of("train_aug", "trainaug");
    /** The folder of SBD's masks as PNGs, beside SegmentationClass. */
    private static final String AUG_MASKS = "SegmentationClassAug";

    private final Path root;
    private final boolean augmented;

    /**
     * The split's samples, with VOC's classes or those of the root's {@code classes.txt}.
     *
     * @param root  the folder that holds ImageSets, JPEGImages and SegmentationClass
     * @param split the list's name: {@code train}, {@code val}, ...
     * @throws DataException if the list is missing, empty or names an invalid id, or the class list is
     *                       invalid or colour-coded
     * @throws IOException if a file cannot be read
     */
    public VocDataset(Path root, String split) throws IOException {
        this(root, split, null);
    }

    /**
     * With {@code classes} (when not null) instead of VOC's or those of the root's classes.txt.
     *
     * @param root    the folder that holds ImageSets, JPEGImages and SegmentationClass
     * @param split   the list's name: {@code train}, {@code val}, {@code train_aug}, {@code seg11valid}, ...
     * @param classes the classes, or null
     * @throws DataException if the list is missing, empty or names an invalid id, the split is
     *                       {@code train_aug} without a SegmentationClassAug folder, or the class list is
     *                       invalid or colour-coded
     * @throws IOException if a file cannot be read
     */
    public VocDataset(Path root, String split, ClassList classes) throws IOException {
        super(listing(root, split, classes));
        this.root = root;
        this.augmented = AUG_SPLITS.contains(split);
    }

    private static Listing listing(Path root, String split, ClassList classes) throws IOException {
        Path lists = root.resolve("ImageSets").resolve("Segmentation");
        Path listFile = lists.resolve(split + ".txt");
        boolean augmented = AUG_SPLITS.contains(split);
        if (augmented) {
            if (!Files.isDirectory(root.resolve(AUG_MASKS))) {
                throw new DataException("split '" + split + "' reads SBD's masks from " + root.resolve(AUG_MASKS)
                        + ", which does not exist");
            }
            for (String name : AUG_SPLITS) {
                if (!Files.isRegularFile(listFile)) {
                    listFile = lists.resolve(name + ".txt");
                }
            }
        }
        String hint = split.equals("seg11valid") ? " (seg11valid.txt is not part of VOC: it comes with the reference FCN"
                + " code, and goes in " + lists + ")" : " (is this a VOC-layout folder?)";
        List<ImageIdList.Entry> entries = ImageIdList.read(listFile, "no split '" + split + "' under " + root + hint);
        Path classFile = root.resolve("classes.txt");
        ClassList chosen = classes != null ? classes : Files.isRegularFile(classFile) ? ClassList.read(classFile) : ClassList.VOC;
        if (chosen.colorCoded()) {
            throw new DataException("VOC-layout masks are palette indices; the class list must not give colours");
        }
        return new Listing(entries, chosen);
    }

    @Override
    Path imageFile(String id) {
        return root.resolve("JPEGImages").resolve(id + ".jpg");
    }

    /** SegmentationClassAug's mask for an augmented split, unless only SegmentationClass has the id. */
    @Override
    Path maskFile(String id) {
        Path maskFile = root.resolve("SegmentationClass").resolve(id + ".png");
        Path augMask = root.resolve(AUG_MASKS).resolve(id + ".png");
        return augmented && (Files.isRegularFile(augMask) || !Files.isRegularFile(maskFile)) ? augMask : maskFile;
    }

    @Override
    ImageFiles.Mask readMask(Path maskFile) throws IOException {
        return ImageFiles.readIndexMask(maskFile);
    }
}
