package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.FolderDataset;
import dev.pixelgrad.fcn.data.SbdDataset;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.data.VocDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the data comes from, as the command line says it:
 * <ul>
 *   <li>{@code --data builtin}: the synthetic set, generated on first use under {@code --builtin-dir} (an
 *       existing set is reused; asking for other sizes or counts there is an error);</li>
 *   <li>{@code --data DIR} with {@code DIR/ImageSets/Segmentation}: the Pascal VOC layout (splits by
 *       name, {@code --train-split} and {@code --val-split});</li>
 *   <li>{@code --data DIR} with {@code DIR/<split>/images} and {@code DIR/<split>/masks}: an image
 *       folder and a mask folder per split, classes from {@code --classes} or {@code DIR/classes.txt}
 *       (with colours for colour-coded masks).</li>
 * </ul>
 */
record DataSource(String spec, Path builtinDir, int builtinTrain, int builtinVal, int builtinSize, Path classes,
                  boolean builtinOptionsGiven) {

    static DataSource from(Args a, Path defaultBuiltinDir) {
        boolean given = a.has("builtin-train") || a.has("builtin-val") || a.has("builtin-size");
        return new DataSource(a.string("data", "builtin"), a.path("builtin-dir") != null ? a.path("builtin-dir")
                : defaultBuiltinDir, a.integer("builtin-train", 600, 1, 1_000_000), a.integer("builtin-val", 100, 1, 1_000_000),
                a.integer("builtin-size", 64, 8, 4096), a.path("classes"), given);
    }

    SegmentationDataset open(String split) throws IOException {
        ClassList given = classes == null ? null : ClassList.read(classes);
        if (spec.equals("builtin")) {
            BuiltinDataset.ensure(builtinDir, builtinTrain, builtinVal, builtinSize, 1, builtinOptionsGiven);
            return new VocDataset(builtinDir, split, given);
        }
        Path root = Path.of(spec);
        if (!Files.isDirectory(root)) {
            throw new DataException("--data " + spec + ": no such folder (or say 'builtin')");
        }
        if (Files.isDirectory(root.resolve("ImageSets").resolve("Segmentation"))) {
            return new VocDataset(root, split, given);
        }
        if (SbdDataset.find(root) != null) {
            return new SbdDataset(SbdDataset.find(root), split, given);
        }
        Path images = root.resolve(split).resolve("images");
        Path masks = root.resolve(split).resolve("masks");
        if (Files.isDirectory(images)) {
            return new FolderDataset(images, masks, given != null ? given : ClassList.read(root.resolve("classes.txt")));
        }
        throw new DataException("--data " + spec + ": neither a VOC layout (ImageSets/Segmentation) nor "
                + split + "/images and " + split + "/masks folders");
    }
}
