package dev.pixelgrad.fcn.data;

import dev.pixelgrad.fcn.data.FolderDataset.Pair;
import dev.pixelgrad.fcn.data.FolderDataset.ValueMap;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The folder layouts datasets are distributed in, each recognised by its own folders (at the folder given
 * or in the child it unpacks to) and read as {@link VocDataset} or {@link FolderDataset} with the layout's
 * classes, mask values and splits.
 */
public enum Layout {
    /** Pascal VOC 2012: {@code ImageSets/Segmentation/<split>.txt}, {@code JPEGImages}, {@code SegmentationClass}. */
    VOC("voc", List.of(), List.of(List.of("ImageSets/Segmentation"))),
    /**
     * The Semantic Boundaries Dataset as distributed ({@code benchmark_RELEASE/dataset}): {@code img/<id>.jpg},
     * {@code cls/<id>.mat} (MATLAB v5, {@code GTcls.Segmentation}) and {@code <split>.txt}; see {@link SbdDataset}.
     */
    SBD("sbd", List.of("dataset", "benchmark_RELEASE/dataset"), List.of(List.of("cls", "img"))),
    /**
     * The MIT Scene Parsing Benchmark (ADE20K challenge): {@code images/{training,validation}/*.jpg} and grey
     * {@code annotations/{training,validation}/*.png}, 0 for "other" and 1 to 150 for the classes.
     */
    ADE20K("ade20k", List.of("ADEChallengeData2016"), List.of(List.of("images/training", "annotations/training"))),
    /**
     * KITTI road: {@code training/image_2/<cat>_<n>.png} and colour-coded
     * {@code training/gt_image_2/<cat>_road_<n>.png}; road magenta, not road red, outside the valid area black.
     */
    KITTI_ROAD("kitti-road", List.of("data_road"), List.of(List.of("training/image_2", "training/gt_image_2"))),
    /**
     * CamVid as SegNet's tutorial has it ({@code train}, {@code trainannot}, ...: grey masks, 0 to 10 the
     * classes, 11 void) or as its site has it ({@code 701_StillsRaw_full}, {@code LabeledApproved_full/*_L.png}
     * colour-coded by {@code label_colors.txt}).
     */
    CAMVID("camvid", List.of("CamVid"), List.of(List.of("trainannot"), List.of("701_StillsRaw_full", "LabeledApproved_full"))),
    /** {@code <split>/images} and {@code <split>/masks}, with {@code classes.txt} or a given class list. */
    FOLDER("folder", List.of(), List.of(List.of("<split>/images")));

    /** KITTI road's two classes and the colours of its ground truth (black: outside the valid area). */
    public static final ClassList KITTI_ROAD_CLASSES = new ClassList(List.of("not_road", "road"),
            Map.of(0xff0000, 0, 0xff00ff, 1, 0x000000, Sample.VOID));
    /** SegNet's CamVid: 11 classes, mask values 0 to 10; 11 is void. */
    public static final ClassList CAMVID_CLASSES = new ClassList(List.of("Sky", "Building", "Pole", "Road", "Pavement",
            "Tree", "SignSymbol", "Fence", "Car", "Pedestrian", "Bicyclist"), null);

    /**
     * What a layout may take from the command line.
     *
     * @param classes         a class list replacing the folder's ({@code voc}, {@code folder}, CamVid's colour
     *                        form), or null
     * @param adeOtherAsClass ADE20K's value 0 ("other") as a class 0 of 151, rather than void with 150 classes
     * @param valFraction     the share of the labelled images held out as the val split where the layout has
     *                        no split of its own (KITTI road, CamVid's colour form)
     */
    public record Options(ClassList classes, boolean adeOtherAsClass, double valFraction) {
        /** The defaults: the folder's classes, ADE20K's "other" ignored, a fifth held out. */
        public static final Options DEFAULT = new Options(null, false, 0.2);
    }

    private final String option;
    private final List<String> children;
    private final List<List<String>> markers;

    Layout(String option, List<String> children, List<List<String>> markers) {
        this.option = option;
        this.children = children;
        this.markers = markers;
    }

    /**
     * The layout's name as {@code --format} takes it.
     *
     * @return the name: voc, sbd, ade20k, kitti-road, camvid or folder
     */
    public String option() {
        return option;
    }

    /**
     * The layout named {@code name} ({@link #option}).
     *
     * @param name the name
     * @return the layout
     * @throws IllegalArgumentException if no layout has that name
     */
    public static Layout of(String name) {
        for (Layout l : values()) {
            if (l.option.equals(name.toLowerCase(Locale.ROOT))) {
                return l;
            }
        }
        throw new IllegalArgumentException("no data layout '" + name + "' (" + names() + ")");
    }

    /**
     * Every layout's name, in detection order.
     *
     * @return the names
     */
    public static List<String> names() {
        return Arrays.stream(values()).map(Layout::option).toList();
    }

    /**
     * The first layout (in declaration order) that {@code dir} has.
     *
     * @param dir   the folder
     * @param split the split to be read (the folder layout's folders are named after it)
     * @return the layout, or null when the folder has none
     */
    public static Layout detect(Path dir, String split) {
        for (Layout l : values()) {
            if (l.root(dir, split) != null) {
                return l;
            }
        }
        return null;
    }

    /**
     * The folder that holds this layout: {@code dir} itself, or the child it unpacks to
     * ({@code benchmark_RELEASE/dataset}, {@code ADEChallengeData2016}, {@code data_road}, {@code CamVid}).
     *
     * @param dir   the folder given
     * @param split the split to be read
     * @return the layout's folder, or null when neither has the layout's folders
     */
    public Path root(Path dir, String split) {
        List<Path> candidates = new ArrayList<>(List.of(dir));
        children.forEach(c -> candidates.add(dir.resolve(c)));
        for (Path candidate : candidates) {
            for (List<String> set : markers) {
                if (set.stream().allMatch(m -> Files.isDirectory(candidate.resolve(m.replace("<split>", split))))) {
                    return candidate;
                }
            }
        }
        return null;
    }

    /**
     * What {@code dir} lacks to be in this layout, for the message when it was asked for and is not.
     *
     * @param dir   the folder given
     * @param split the split to be read
     * @return the folders looked for, in words
     */
    public String missing(Path dir, String split) {
        List<String> sets = markers.stream().map(set -> String.join(" and ", set).replace("<split>", split)).toList();
        return dir + " has no " + String.join(" nor ", sets) + " folders" + (children.isEmpty() ? ""
                : " (looked there and in " + String.join(", ", children.stream().map(c -> dir.resolve(c).toString())
                .toList()) + ")");
    }

    /**
     * The split {@code split} of the layout in {@code dir}.
     *
     * @param dir     the folder given (the layout's own, or the one it unpacks to)
     * @param split   the split: train, val, or a name of the layout's own
     * @param options classes, ADE20K's "other", the held-out share
     * @return the dataset
     * @throws DataException if the folder is not in this layout (naming it and what is missing), the split or a
     *                       class list is wrong, or an image has no mask
     * @throws IllegalArgumentException if a class list is given for a layout with classes of its own
     * @throws IOException if a folder or list cannot be read
     */
    public SegmentationDataset open(Path dir, String split, Options options) throws IOException {
        Path root = root(dir, split);
        if (root == null) {
            throw new DataException("not a " + option + " layout: " + missing(dir, split));
        }
        if (options.classes() != null && (this == ADE20K || this == KITTI_ROAD
                || this == CAMVID && Files.isDirectory(root.resolve("trainannot")))) {
            throw new IllegalArgumentException("--classes: the " + option + " layout in " + root
                    + " has classes of its own");
        }
        return switch (this) {
            case VOC -> new VocDataset(root, split, options.classes());
            case SBD -> new SbdDataset(root, split, options.classes());
            case FOLDER -> new FolderDataset(root.resolve(split).resolve("images"), root.resolve(split).resolve("masks"),
                    options.classes() != null ? options.classes() : ClassList.read(root.resolve("classes.txt")));
            case ADE20K -> ade20k(root, split, options.adeOtherAsClass());
            case KITTI_ROAD -> {
                boolean val = isHeldOut(split, root);
                List<Pair> pairs = FolderDataset.pairs(root.resolve("training").resolve("image_2"),
                        root.resolve("training").resolve("gt_image_2"), s -> s.replaceFirst("^(um|umm|uu)_", "$1_road_"));
                yield new FolderDataset(FolderDataset.holdOut(pairs, options.valFraction(), val, root), KITTI_ROAD_CLASSES,
                        null);
            }
            case CAMVID -> camvid(root, split, options);
        };
    }

    /** The split's side of the held-out split: train or val, checked before any folder is listed. */
    private static boolean isHeldOut(String split, Path root) throws DataException {
        if (!split.equals("train") && !split.equals("val")) {
            throw new DataException("no split '" + split + "' in " + root + ": its labelled images are split into train "
                    + "and val (--val-fraction of them, spread evenly in name order)");
        }
        return split.equals("val");
    }

    private static SegmentationDataset ade20k(Path root, String split, boolean otherAsClass) throws IOException {
        String folder = switch (split) {
            case "train", "training" -> "training";
            case "val", "validation" -> "validation";
            default -> throw new DataException("no split '" + split + "' in " + root + ": ADE20K has train (images/training)"
                    + " and val (images/validation)");
        };
        List<String> names = new ArrayList<>();
        if (otherAsClass) {
            names.add("other");
        }
        names.addAll(adeClassNames());
        ValueMap values = otherAsClass ? ValueMap.range(0, 150, 0, -1, "0 (other) to 150")
                : ValueMap.range(1, 150, 1, 0, "0 (other, ignored) to 150");
        return new FolderDataset(FolderDataset.pairs(root.resolve("images").resolve(folder),
                root.resolve("annotations").resolve(folder), UnaryOperator.identity()), new ClassList(names, null), values);
    }

    /**
     * The 150 classes of the ADE20K challenge, in the order of its objectInfo150 table (mask value 1 first),
     * spaces in names written as '_' (a class list's names are single words).
     *
     * @return the names
     */
    public static List<String> adeClassNames() {
        try (InputStream in = Layout.class.getResourceAsStream("ade20k-classes.txt")) {
            if (in == null) {
                throw new IllegalStateException("the resource ade20k-classes.txt is missing from the build");
            }
            return ClassList.fromText(new String(in.readAllBytes(), StandardCharsets.UTF_8), "ade20k-classes.txt").names();
        } catch (IOException e) {
            throw new IllegalStateException("the resource ade20k-classes.txt cannot be read: " + e.getMessage(), e);
        }
    }

    private static SegmentationDataset camvid(Path root, String split, Options options) throws IOException {
        if (Files.isDirectory(root.resolve("trainannot"))) {
            return new FolderDataset(FolderDataset.pairs(root.resolve(split), root.resolve(split + "annot"),
                    UnaryOperator.identity()), CAMVID_CLASSES, ValueMap.range(0, 10, 0, 11,
                    "0 to 10 (the 11 classes) and 11 (void)"));
        }
        boolean val = isHeldOut(split, root);
        Path colorFile = root.resolve("label_colors.txt");
        ClassList classes = options.classes() != null ? options.classes() : ClassList.read(colorFile);
        if (!classes.colorCoded()) {
            throw new DataException((options.classes() != null ? "the --classes list" : colorFile.toString())
                    + " gives no colours; CamVid's LabeledApproved_full masks are colour-coded");
        }
        List<Pair> pairs = FolderDataset.pairs(root.resolve("701_StillsRaw_full"),
                root.resolve("LabeledApproved_full"), s -> s + "_L");
        return new FolderDataset(FolderDataset.holdOut(pairs, options.valFraction(), val, root), classes, null);
    }
}
