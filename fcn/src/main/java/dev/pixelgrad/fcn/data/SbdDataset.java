package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import us.hebi.matlab.mat.format.Mat5;
import us.hebi.matlab.mat.types.Array;
import us.hebi.matlab.mat.types.MatFile;
import us.hebi.matlab.mat.types.Matrix;
import us.hebi.matlab.mat.types.MatlabType;
import us.hebi.matlab.mat.types.Struct;

/**
 * The Semantic Boundaries Dataset (SBD, Hariharan et al.) as distributed, in {@code benchmark_RELEASE/dataset}:
 * {@code img/<id>.jpg} are the images, {@code cls/<id>.mat} the class masks and {@code train.txt} and
 * {@code val.txt} the splits (8,498 and 2,857 of its 11,355 images). Each .mat file is a MATLAB v5 file
 * whose struct {@code GTcls} has the field {@code Segmentation}: a uint8 height x width matrix of VOC
 * class indices 0-20. SBD marks no void pixels (its boundaries are a separate field, not read here).
 *
 * <p>A split is {@code <split>.txt} in the dataset folder ({@code train}, {@code val}, or a list put
 * there such as {@code seg11valid.txt}); {@code trainval} is {@code trainval.txt} when there is one and
 * otherwise {@code train.txt} then {@code val.txt}.
 */
public final class SbdDataset extends ListedDataset {
    /** The split made of SBD's two lists when there is no list of that name. */
    private static final String TRAINVAL = "trainval";

    private final Path dataset;

    /**
     * The split's samples, with VOC's classes unless {@code classes} is given.
     *
     * @param dataset the folder that holds img, cls and the split lists (SBD's {@code dataset} folder)
     * @param split   {@code train}, {@code val}, {@code trainval}, or the name of another list there
     * @param classes the classes, or null for VOC's 21
     * @throws DataException if the split's list is missing, empty or names an invalid id, or the class list
     *                       gives colours
     * @throws IOException if a list cannot be read
     */
    public SbdDataset(Path dataset, String split, ClassList classes) throws IOException {
        super(listing(dataset, split, classes));
        this.dataset = dataset;
    }

    private static Listing listing(Path dataset, String split, ClassList classes) throws IOException {
        ClassList chosen = classes != null ? classes : ClassList.VOC;
        if (chosen.colorCoded()) {
            throw new DataException("SBD's masks are class indices; the class list must not give colours");
        }
        Path listFile = dataset.resolve(split + ".txt");
        String what = "no split '" + split + "' in the SBD folder " + dataset + " (SBD has train and val; trainval"
                + " reads both)";
        List<ImageIdList.Entry> entries = new ArrayList<>();
        if (split.equals(TRAINVAL) && !Files.isRegularFile(listFile)) {
            entries.addAll(ImageIdList.read(dataset.resolve("train.txt"), what));
            entries.addAll(ImageIdList.read(dataset.resolve("val.txt"), what));
        } else {
            entries.addAll(ImageIdList.read(listFile, what));
        }
        return new Listing(entries, chosen);
    }

    @Override
    Path imageFile(String id) {
        return dataset.resolve("img").resolve(id + ".jpg");
    }

    @Override
    Path maskFile(String id) {
        return dataset.resolve("cls").resolve(id + ".mat");
    }

    @Override
    ImageFiles.Mask readMask(Path maskFile) throws DataException {
        return readClassMask(maskFile);
    }

    /**
     * The class indices of an SBD mask file: {@code GTcls.Segmentation}, read as it is (whole numbers of any
     * real numeric class; SBD's are uint8).
     *
     * @param file a cls/&lt;id&gt;.mat file
     * @return the mask, row by row
     * @throws DataException naming the file, if it is missing, not a MATLAB v5 file, has no struct GTcls with
     *                       a field Segmentation, or that field is not a 2-D matrix of whole numbers
     */
    public static ImageFiles.Mask readClassMask(Path file) throws DataException {
        if (!Files.isRegularFile(file)) {
            throw new DataException("mask " + file + " does not exist");
        }
        try (MatFile mat = Mat5.readFromFile(file.toFile())) {
            Array gt = null;
            List<String> names = new ArrayList<>();
            for (MatFile.Entry e : mat.getEntries()) {
                names.add(e.getName());
                gt = e.getName().equals("GTcls") ? e.getValue() : gt;
            }
            if (gt == null) {
                throw new DataException("mask " + file + " has no variable GTcls (it has " + names + "); SBD's class"
                        + " masks are in cls/, its instance masks (GTinst) in inst/");
            }
            if (!(gt instanceof Struct s) || gt.getNumElements() != 1) {
                throw new DataException("mask " + file + ": GTcls is " + describe(gt) + ", not a 1x1 struct");
            }
            if (!s.getFieldNames().contains("Segmentation")) {
                throw new DataException("mask " + file + ": GTcls has no field Segmentation (it has "
                        + s.getFieldNames() + ")");
            }
            Array seg = s.get("Segmentation");
            if (!(seg instanceof Matrix m) || m.isLogical() || m.getNumDimensions() != 2 || !isReal(m.getType())) {
                throw new DataException("mask " + file + ": GTcls.Segmentation is " + describe(seg)
                        + ", not a 2-D matrix of class indices (uint8)");
            }
            return toMask(file, m);
        } catch (DataException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new DataException("mask " + file + " is not a readable MATLAB v5 .mat file: " + e.getMessage(), e);
        }
    }

    private static boolean isReal(MatlabType type) {
        return switch (type) {
            case Double, Single, Int8, UInt8, Int16, UInt16, Int32, UInt32, Int64, UInt64 -> true;
            default -> false;
        };
    }

    private static String describe(Array a) {
        int[] d = a.getDimensions();
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < d.length; i++) {
            dims.append(i == 0 ? "" : "x").append(d[i]);
        }
        return "a " + dims + " " + a.getType();
    }

    /** MATLAB stores columns first; the mask is row by row. A value that is no whole number is an error. */
    private static ImageFiles.Mask toMask(Path file, Matrix m) throws DataException {
        int h = m.getNumRows();
        int w = m.getNumCols();
        int[] values = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double v = m.getDouble(y, x);
                if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
                    throw new DataException("mask " + file + ": GTcls.Segmentation has " + v + " at (x " + x + ", y " + y
                            + "), not a class index");
                }
                values[y * w + x] = (int) v;
            }
        }
        return new ImageFiles.Mask(h, w, values);
    }
}
