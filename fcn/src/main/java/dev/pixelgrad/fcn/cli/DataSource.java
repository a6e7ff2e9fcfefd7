package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.Layout;
import dev.pixelgrad.fcn.data.ResizedDataset;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.data.VocDataset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the data comes from, as the command line says it:
 * <ul>
 *   <li>{@code --data builtin}: the synthetic set, generated on first use under {@code --builtin-dir} (an
 *       existing set is reused; asking for other sizes or counts there is an error);</li>
 *   <li>{@code --data DIR}: a folder in one of the {@link Layout}s (VOC, ADE20K, KITTI road, CamVid, or
 *       {@code <split>/{images,masks}}), recognised by its folders or named with {@code --format}; splits
 *       by name ({@code --train-split}, {@code --val-split}, eval's {@code --split}).</li>
 * </ul>
 * {@code --resize HxW} brings every sample of either to one size.
 *
 * @param spec                 {@code builtin} or the folder
 * @param format               the layout asked for, or null to recognise it
 * @param builtinDir           where the built-in set lives
 * @param builtinTrain         built-in training images
 * @param builtinVal           built-in validation images
 * @param builtinSize          side of the built-in images
 * @param builtinOptionsGiven  whether a built-in size or count was given
 * @param options              class list, ADE20K's "other", the held-out share
 * @param resizeHeight         the height every sample is resized to, or 0 for none
 * @param resizeWidth          the width every sample is resized to, or 0 for none
 */
record DataSource(String spec, Layout format, Path builtinDir, int builtinTrain, int builtinVal, int builtinSize,
                  boolean builtinOptionsGiven, Layout.Options options, int resizeHeight, int resizeWidth) {

    static DataSource from(Args a, Path defaultBuiltinDir) throws IOException {
        boolean given = a.has("builtin-train") || a.has("builtin-val") || a.has("builtin-size");
        List<String> formats = new ArrayList<>(List.of("auto"));
        formats.addAll(Layout.names());
        String format = a.choice("format", "auto", formats);
        boolean adeOther = a.choice("ade-other", "ignore", List.of("ignore", "class")).equals("class");
        double valFraction = a.number("val-fraction", 0.2f, 0.001f, 0.999f);
        int[] resize = resize(a.string("resize", null));
        Path classes = a.path("classes");
        String spec = a.string("data", "builtin");
        if (spec.equals("builtin") && !format.equals("auto")) {
            throw new Args.UsageException("--format names the layout of a --data folder, not of the built-in set");
        }
        return new DataSource(spec, format.equals("auto") ? null : Layout.of(format),
                a.path("builtin-dir") != null ? a.path("builtin-dir") : defaultBuiltinDir,
                a.integer("builtin-train", 600, 1, 1_000_000), a.integer("builtin-val", 100, 1, 1_000_000),
                a.integer("builtin-size", 64, 8, 4096), given,
                new Layout.Options(classes == null ? null : ClassList.read(classes), adeOther, valFraction),
                resize[0], resize[1]);
    }

    /** --resize HxW: height and width, or zeros when left out. */
    private static int[] resize(String value) {
        if (value == null) {
            return new int[] {0, 0};
        }
        Matcher m = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})").matcher(value);
        if (!m.matches() || Integer.parseInt(m.group(1)) < 1 || Integer.parseInt(m.group(2)) < 1) {
            throw new Args.UsageException("--resize expects HxW with positive sides (160x576), got '" + value + "'");
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    SegmentationDataset open(String split) throws IOException {
        SegmentationDataset data = openAsStored(split);
        return resizeHeight == 0 ? data : new ResizedDataset(data, resizeHeight, resizeWidth);
    }

    private SegmentationDataset openAsStored(String split) throws IOException {
        if (spec.equals("builtin")) {
            BuiltinDataset.ensure(builtinDir, builtinTrain, builtinVal, builtinSize, 1, builtinOptionsGiven);
            return new VocDataset(builtinDir, split, options.classes());
        }
        Path root = Path.of(spec);
        if (!Files.isDirectory(root)) {
            throw new DataException("--data " + spec + ": no such folder (or say 'builtin')");
        }
        if (format != null) {
            if (format.root(root, split) == null) {
                throw new DataException("--data " + spec + " --format " + format.option() + ": " + format.missing(root, split));
            }
            return format.open(root, split, options);
        }
        Layout found = Layout.detect(root, split);
        if (found == null) {
            List<String> missing = new ArrayList<>();
            for (Layout l : Layout.values()) {
                missing.add(l.option() + ": " + l.missing(root, split).substring(root.toString().length() + 1));
            }
            throw new DataException("--data " + spec + ": no known layout (" + String.join("; ", missing)
                    + "); see docs/fcn.md, Data");
        }
        return found.open(root, split, options);
    }
}
