package dev.pixelgrad.fcn.data;

import dev.pixelgrad.tensor.LabelCheck;
import java.io.IOException;
import java.nio.file.Path;

/** Labelled images, loaded one at a time (from any thread) by index. */
public interface SegmentationDataset {

    ClassList classes();

    int size();

    /** A name for sample {@code index}, such as its file stem. */
    String id(int index);

    /** Loads sample {@code index}; a bad file raises a {@link DataException} naming it. */
    Sample load(int index) throws IOException;

    /**
     * Puts an image and its mask together, checking what a demanding user would want checked: the two
     * have one size, and every label is a class index or void. {@code where} says where the pair came
     * from (a list file line), for the messages.
     */
    static Sample assemble(String id, Path imageFile, ImageFiles.Rgb image, Path maskFile, ImageFiles.Mask mask,
                           int numClasses, String where) throws DataException {
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
}
