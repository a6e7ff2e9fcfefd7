package dev.pixelgrad.fcn.train;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.data.Palette;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.tensor.Device;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs a trained model over image files and writes, for each, a palette PNG mask and an overlay PNG. */
public final class Predictor {
    private Predictor() {}

    /**
     * The predicted class of every pixel of one image, from one pass over the whole image.
     *
     * @param model  the model
     * @param image  the image; its labels are not read
     * @param device where to run
     * @return the class of each pixel, [height x width] row-major
     */
    public static int[] predict(Fcn model, Sample image, Device device) {
        return Inference.WHOLE.predict(model, image, device);
    }

    /**
     * Writes {@code <stem>_mask.png} (a palette PNG: each pixel's value is its class) and
     * {@code <stem>_overlay.png} into {@code outDir}, both in the colours of {@code palette}; returns the
     * masks written.
     *
     * @param model   the model
     * @param images  the image files
     * @param outDir  the folder to write into; created if need be
     * @param device  where to run
     * @param palette the colours of the classes
     * @return the mask files, in the order of {@code images}
     * @throws IOException if an image cannot be read or an output cannot be written
     */
    public static List<Path> predictFiles(Fcn model, List<Path> images, Path outDir, Device device, Palette palette)
            throws IOException {
        return predictFiles(model, images, outDir, device, palette, Inference.WHOLE);
    }

    /**
     * As {@link #predictFiles(Fcn, List, Path, Device, Palette)}, each image run as {@code inference} says.
     *
     * @param model     the model
     * @param images    the image files
     * @param outDir    the folder to write into; created if need be
     * @param device    where to run
     * @param palette   the colours of the classes
     * @param inference how to run each image
     * @return the mask files, in the order of {@code images}
     * @throws IOException if an image cannot be read or an output cannot be written
     */
    public static List<Path> predictFiles(Fcn model, List<Path> images, Path outDir, Device device, Palette palette,
                                          Inference inference) throws IOException {
        ArrayList<Path> written = new ArrayList<>();
        for (Path file : images) {
            ImageFiles.Rgb rgb = ImageFiles.readRgb(file);
            int[] none = new int[rgb.height() * rgb.width()];
            Arrays.fill(none, Sample.VOID);
            String stem = file.getFileName().toString().replaceFirst("\\.[^.]+$", "");
            int[] pred = inference.predict(model, new Sample(stem, rgb.height(), rgb.width(), rgb.planes(), none), device);
            Path mask = outDir.resolve(stem + "_mask.png");
            ImageFiles.writePaletteMask(mask, pred, rgb.height(), rgb.width(), palette);
            ImageFiles.writePng(ImageFiles.overlay(rgb.planes(), pred, rgb.height(), rgb.width(), 0.5f, palette),
                    outDir.resolve(stem + "_overlay.png"));
            written.add(mask);
        }
        return written;
    }
}
