package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Images in one folder and masks in another, paired by file name stem ({@code a.jpg} with
 * {@code a.png}). Masks hold class indices (palette or grey-level PNGs) or, when the class list gives
 * colours, colour codes (CamVid's 12 classes, KITTI road's 2).
 */
public final class FolderDataset implements SegmentationDataset {
    private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp");
    /** Lossless formats first: a JPEG mask's colours and indices are smeared by compression. */
    private static final List<String> MASK_EXTENSIONS = List.of(".png", ".bmp", ".jpg", ".jpeg");

    private final List<Path> images = new ArrayList<>();
    private final List<Path> masks = new ArrayList<>();
    private final ClassList classes;

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
        this.classes = classes;
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
        for (Path image : found) {
            String stem = stem(image);
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
            images.add(image);
            masks.add(mask);
        }
        if (images.isEmpty()) {
            throw new DataException("no images (" + IMAGE_EXTENSIONS + ") in " + imageDir);
        }
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
        return images.size();
    }

    @Override
    public String id(int index) {
        return stem(images.get(index));
    }

    @Override
    public Sample load(int index) throws IOException {
        Path imageFile = images.get(index);
        Path maskFile = masks.get(index);
        ImageFiles.Rgb image = ImageFiles.readRgb(imageFile);
        ImageFiles.Mask mask = classes.colorCoded() ? ImageFiles.readColorMask(maskFile, classes.colors())
                : ImageFiles.readIndexMask(maskFile);
        return SegmentationDataset.assemble(id(index), imageFile, image, maskFile, mask, classes.size(), "");
    }
}
