package dev.pixelgrad.fcn.data;

import java.io.IOException;

/**
 * Another dataset with every sample resized to one size, bilinear for the image and nearest for the
 * labels ({@link Augmentation#resize}): KITTI road's 375 x 1242 images are usually trained at 160 x 576.
 */
public final class ResizedDataset implements SegmentationDataset {
    private final SegmentationDataset data;
    private final int height;
    private final int width;

    /**
     * The samples of {@code data} at {@code height x width}.
     *
     * @param data   the dataset
     * @param height the height of every sample
     * @param width  the width of every sample
     * @throws IllegalArgumentException if a side is not positive
     */
    public ResizedDataset(SegmentationDataset data, int height, int width) {
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("a resize needs positive sides, got " + height + "x" + width);
        }
        this.data = data;
        this.height = height;
        this.width = width;
    }

    @Override
    public ClassList classes() {
        return data.classes();
    }

    @Override
    public int size() {
        return data.size();
    }

    @Override
    public String id(int index) {
        return data.id(index);
    }

    @Override
    public Sample load(int index) throws IOException {
        Sample s = data.load(index);
        return s.height() == height && s.width() == width ? s : Augmentation.resize(s, height, width);
    }
}
