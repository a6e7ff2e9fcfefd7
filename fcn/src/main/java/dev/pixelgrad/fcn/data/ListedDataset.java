package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A dataset whose split is a list of image ids ({@link ImageIdList}): Pascal VOC's layout and SBD's. The
 * layouts differ only in where an id's image and mask are and how a mask file reads; the rest, and the
 * list line that every message about a sample ends with, is here.
 */
abstract class ListedDataset implements SegmentationDataset {
    private final List<ImageIdList.Entry> entries;
    private final ClassList classes;

    /** A split's listed ids and the classes their masks index, as a layout reads and checks them. */
    record Listing(List<ImageIdList.Entry> entries, ClassList classes) {}

    ListedDataset(Listing listing) {
        this.entries = listing.entries();
        this.classes = listing.classes();
    }

    /** The image of the listed id. */
    abstract Path imageFile(String id);

    /** The mask of the listed id. */
    abstract Path maskFile(String id);

    /** Reads a mask of this layout into labels, naming the file in any error. */
    abstract ImageFiles.Mask readMask(Path maskFile) throws IOException;

    @Override
    public ClassList classes() {
        return classes;
    }

    @Override
    public int size() {
        return entries.size();
    }

    @Override
    public String id(int index) {
        return entries.get(index).id();
    }

    @Override
    public Sample load(int index) throws IOException {
        ImageIdList.Entry entry = entries.get(index);
        String id = entry.id();
        return SegmentationDataset.read(id, imageFile(id), maskFile(id), this::readMask, classes.size(), entry.where());
    }
}
