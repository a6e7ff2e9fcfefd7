package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A dataset in the Pascal VOC 2012 layout: {@code ImageSets/Segmentation/<split>.txt} lists image ids,
 * {@code JPEGImages/<id>.jpg} are the images and {@code SegmentationClass/<id>.png} the palette masks
 * (index 255 is void). The classes are VOC's 21, or those of {@code classes.txt} at the root when
 * present (the built-in set uses this).
 */
public final class VocDataset implements SegmentationDataset {
    private final Path root;
    private final Path listFile;
    private final List<String> ids = new ArrayList<>();
    private final List<Integer> lines = new ArrayList<>();
    private final ClassList classes;

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
     * @param split   the list's name: {@code train}, {@code val}, ...
     * @param classes the classes, or null
     * @throws DataException if the list is missing, empty or names an invalid id, or the class list is
     *                       invalid or colour-coded
     * @throws IOException if a file cannot be read
     */
    public VocDataset(Path root, String split, ClassList classes) throws IOException {
        this.root = root;
        this.listFile = root.resolve("ImageSets").resolve("Segmentation").resolve(split + ".txt");
        if (!Files.isRegularFile(listFile)) {
            throw new DataException("no split '" + split + "' under " + root + ": " + listFile
                    + " does not exist (is this a VOC-layout folder?)");
        }
        int lineNo = 0;
        for (String raw : TextFiles.readLines(listFile)) {
            lineNo++;
            String id = raw.strip();
            if (!id.isEmpty()) {
                String problem = idProblem(id);
                if (problem != null) {
                    throw new DataException(listFile + " line " + lineNo + ": " + problem);
                }
                ids.add(id);
                lines.add(lineNo);
            }
        }
        if (ids.isEmpty()) {
            throw new DataException(listFile + " lists no images");
        }
        Path classFile = root.resolve("classes.txt");
        this.classes = classes != null ? classes : Files.isRegularFile(classFile) ? ClassList.read(classFile) : ClassList.VOC;
        if (this.classes.colorCoded()) {
            throw new DataException("VOC-layout masks are palette indices; the class list must not give colours");
        }
    }

    /**
     * Why {@code id} cannot name a sample, or null: an id is a file name stem inside JPEGImages and
     * SegmentationClass, so it holds no path separator, is not "." or "..", and has no control character.
     */
    private static String idProblem(String id) {
        if (id.equals(".") || id.equals("..") || id.indexOf('/') >= 0 || id.indexOf('\\') >= 0) {
            return "image id '" + id + "' is not a plain file name (no folders, '.' or '..')";
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return "image id has a control character (code " + (int) id.charAt(i) + ") at position " + (i + 1);
            }
        }
        return null;
    }

    @Override
    public ClassList classes() {
        return classes;
    }

    @Override
    public int size() {
        return ids.size();
    }

    @Override
    public String id(int index) {
        return ids.get(index);
    }

    @Override
    public Sample load(int index) throws IOException {
        String id = ids.get(index);
        String where = " (line " + lines.get(index) + " of " + listFile + ")";
        Path imageFile = root.resolve("JPEGImages").resolve(id + ".jpg");
        Path maskFile = root.resolve("SegmentationClass").resolve(id + ".png");
        ImageFiles.Rgb image;
        ImageFiles.Mask mask;
        try {
            image = ImageFiles.readRgb(imageFile);
            mask = ImageFiles.readIndexMask(maskFile);
        } catch (DataException e) {
            throw new DataException(e.getMessage() + where, e);
        }
        return SegmentationDataset.assemble(id, imageFile, image, maskFile, mask, classes.size(), where);
    }
}
