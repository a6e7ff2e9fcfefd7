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

    /** The predicted class of every pixel of one image, from one pass over the whole image. */
    public static int[] predict(Fcn model, Sample image, Device device) {
        return Inference.WHOLE.predict(model, image, device);
    }

    /**
     * Writes {@code <stem>_mask.png} (a palette PNG: each pixel's value is its class) and
     * {@code <stem>_overlay.png} into {@code outDir}, both in the colours of {@code palette}; returns the
     * masks written.
     */
    public static List<Path> predictFiles(Fcn model, List<Path> images, Path outDir, Device device, Palette palette)
            throws IOException {
        return predictFiles(model, images, outDir, device, palette, Inference.WHOLE);
    }

    /** As {@link #predictFiles(Fcn, List, Path, Device, Palette)}, each image run as {@code inference} says. */
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
