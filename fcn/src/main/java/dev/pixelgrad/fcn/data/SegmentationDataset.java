package dev.pixelgrad.fcn.data;

import dev.pixelgrad.tensor.LabelCheck;
import java.io.IOException;
import java.nio.file.Path;

/** Labelled images, loaded one at a time (from any thread) by index. */
public interface SegmentationDataset {

    /**
     * The classes its labels index.
     *
     * @return the classes
     */
    ClassList classes();

    /**
     * The number of samples.
     *
     * @return the number of samples
     */
    int size();

    /**
     * A name for sample {@code index}, such as its file stem.
     *
     * @param index the sample's index, from 0
     * @return the name
     */
    String id(int index);

    /**
     * Loads sample {@code index}; a bad file raises a {@link DataException} naming it.
     *
     * @param index the sample's index, from 0
     * @return the sample, its labels checked against the classes
     * @throws DataException if a file of the sample is missing, corrupt or does not fit the other
     * @throws IOException if a file cannot be read
     */
    Sample load(int index) throws IOException;

    /**
     * Puts an image and its mask together, checking what a demanding user would want checked: the two
     * have one size, and every label is a class index or void. {@code where} says where the pair came
     * from (a list file line), for the messages.
     *
     * @param id         the sample's name
     * @param imageFile  the image's file, for messages
     * @param image      the image
     * @param maskFile   the mask's file, for messages
     * @param mask       the labels
     * @param numClasses the number of classes
     * @param where      appended to every message: where the pair was listed, or empty
     * @return the sample
     * @throws DataException if the sizes differ or a label is neither a class index nor void
     */
    private static Sample assemble(String id, Path imageFile, ImageFiles.Rgb image, Path maskFile,
                                   ImageFiles.Mask mask, int numClasses, String where) throws DataException {
        if (image.height() != mask.height() || image.width() != mask.width()) {
            throw new DataException("mask " + maskFile + " is " + mask.width() + "x" + mask.height() + " but image "
                    + imageFile + " is " + image.width() + "x" + image.height() + where);
        }
        int[] v = mask.values();
        int i = LabelCheck.firstOutOfRange(v, v.length, numClasses, Sample.VOID);
        if (i >= 0) {
            throw new DataException("mask " + maskFile + " has class index " + v[i] + " at (x " + i % mask.width()
                    + ", y " + i / mask.width() + "), outside the " + numClasses + " classes (0-" + (numClasses - 1)
                    + ", or " + Sample.VOID + " for void)" + where);
        }
        return new Sample(id, image.height(), image.width(), image.planes(), v);
    }

    /** How a dataset reads one mask file into labels. */
    @FunctionalInterface
    interface MaskReader {
        /**
         * Reads a mask.
         *
         * @param file the mask file
         * @return its labels
         * @throws IOException naming the file, if it cannot be read or is not a mask
         */
        ImageFiles.Mask read(Path file) throws IOException;
    }

    /**
     * Reads an image and its mask and puts them together with {@link #assemble}; a file that cannot be read
     * is a {@link DataException} whose message ends with {@code where}.
     *
     * @param id         the sample's name
     * @param imageFile  the image's file
     * @param maskFile   the mask's file
     * @param masks      how the mask is read (a palette PNG, a MATLAB file, ...)
     * @param numClasses the number of classes
     * @param where      appended to every message: where the pair was listed, or empty
     * @return the sample
     * @throws DataException if a file cannot be read or the pair does not fit together
     * @throws IOException if a file cannot be read for another reason
     */
    static Sample read(String id, Path imageFile, Path maskFile, MaskReader masks, int numClasses, String where)
            throws IOException {
        ImageFiles.Rgb image;
        ImageFiles.Mask mask;
        try {
            image = ImageFiles.readRgb(imageFile);
            mask = masks.read(maskFile);
        } catch (DataException e) {
            throw new DataException(e.getMessage() + where, e);
        }
        return assemble(id, imageFile, image, maskFile, mask, numClasses, where);
    }
}
