package dev.pixelgrad.fcn.data;

import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.tensor.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The classes of a dataset, in index order, and for colour-coded masks the colour of each. A class
 * file has one class per line, optionally with its mask colour: {@code road #ff00ff}. A line named
 * {@code void} (with a colour) is not a class: pixels of that colour are ignored. Blank lines and
 * lines starting with '#' are skipped. Lines of CamVid's {@code label_colors.txt}, {@code R G B Name}
 * with decimal values, are read as {@code Name #rrggbb}.
 *
 * @param names  class names; index = class id
 * @param colors 0xRRGGBB to class id (or 255 for void), or null for index masks
 */
public record ClassList(List<String> names, Map<Integer, Integer> colors) {
    /** Pascal VOC's 21 classes. */
    public static final ClassList VOC = new ClassList(List.of("background", "aeroplane", "bicycle", "bird", "boat",
            "bottle", "bus", "car", "cat", "chair", "cow", "diningtable", "dog", "horse", "motorbike", "person",
            "pottedplant", "sheep", "sofa", "train", "tvmonitor"), null);

    /** The metadata entry of a checkpoint that holds the class list of the data it was trained on. */
    public static final String METADATA_KEY = "data.classes";

    /**
     * Copies and checks the components.
     *
     * @throws IllegalArgumentException if there are fewer than 2 or more than 255 classes, or two share a
     *                                  name
     */
    public ClassList {
        names = List.copyOf(names);
        String problem = sizeProblem(names.size());
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        if (new HashSet<>(names).size() != names.size()) {
            throw new IllegalArgumentException("class names must differ, got " + names);
        }
        colors = colors == null ? null : Map.copyOf(colors);
    }

    private static String sizeProblem(int classes) {
        return classes < 2 || classes > FcnConfig.MAX_CLASSES
                ? "a class list needs 2 to " + FcnConfig.MAX_CLASSES + " classes, got " + classes : null;
    }

    /**
     * The number of classes, background included.
     *
     * @return the number of classes
     */
    public int size() {
        return names.size();
    }

    /**
     * Whether masks give classes as colours (looked up in {@link #colors}) rather than as indices.
     *
     * @return whether there is a colour table
     */
    public boolean colorCoded() {
        return colors != null;
    }

    /**
     * The class list stored in a checkpoint ({@link #METADATA_KEY}), or null when it has none (written
     * before checkpoints kept it, or saved by a caller that gave none).
     *
     * @param checkpoint the checkpoint file
     * @return the class list, or null
     * @throws DataException if the stored list is invalid
     * @throws IOException if the file cannot be read or is not a valid safetensors file
     */
    public static ClassList ofCheckpoint(Path checkpoint) throws IOException {
        String text;
        try (SafetensorsReader r = SafetensorsReader.open(checkpoint)) {
            text = r.metadata().get(METADATA_KEY);
        }
        return text == null ? null : fromText(text, checkpoint + " (" + METADATA_KEY + ")");
    }

    /**
     * The colour of each class: the list's own for colour-coded masks, the VOC colours otherwise.
     *
     * @return the palette
     */
    public Palette palette() {
        return colors == null ? Palette.VOC : Palette.of(colors);
    }

    /**
     * Reads a class file (see the class comment).
     *
     * @param file the file
     * @return the class list
     * @throws DataException if the file does not exist or a line is invalid; the message names the file and
     *                       the line
     * @throws IOException if the file cannot be read
     */
    public static ClassList read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new DataException("class list " + file + " does not exist");
        }
        return parse(TextFiles.readLines(file), file.toString());
    }

    /**
     * A class list in the file format ({@link #toText}) from elsewhere than a file of its own (a checkpoint
     * stores the list of the data it was trained on); errors name {@code source}.
     *
     * @param text   the list, one class a line
     * @param source what to call the text in messages
     * @return the class list
     * @throws DataException if a line is invalid
     */
    public static ClassList fromText(String text, String source) throws DataException {
        return parse(text.lines().toList(), source);
    }

    private static ClassList parse(List<String> lines, String file) throws DataException {
        List<String> names = new ArrayList<>();
        Map<String, Integer> lineOfName = new HashMap<>();
        Map<Integer, Integer> colors = new LinkedHashMap<>();
        int withColor = 0;
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+");
            if (parts.length == 4 && isByte(parts[0]) && isByte(parts[1]) && isByte(parts[2])) {
                // CamVid's label_colors.txt: "R G B<tab>Name".
                parts = new String[] {parts[3], String.format("#%02x%02x%02x", Integer.parseInt(parts[0]),
                        Integer.parseInt(parts[1]), Integer.parseInt(parts[2]))};
            }
            if (parts.length > 2 || (parts.length == 2 && !parts[1].matches("#[0-9a-fA-F]{6}"))) {
                throw new DataException(file + " line " + lineNo + ": expected 'name', 'name #rrggbb' or 'R G B name', got '" + line + "'");
            }
            boolean isVoid = parts[0].equalsIgnoreCase("void");
            if (parts.length == 2) {
                int rgb = Integer.parseInt(parts[1].substring(1), 16);
                if (colors.containsKey(rgb)) {
                    throw new DataException(file + " line " + lineNo + ": colour " + parts[1] + " is used twice");
                }
                colors.put(rgb, isVoid ? Sample.VOID : names.size());
                withColor += isVoid ? 0 : 1;
            } else if (isVoid) {
                throw new DataException(file + " line " + lineNo + ": a void line needs a colour");
            }
            if (!isVoid) {
                Integer first = lineOfName.putIfAbsent(parts[0], lineNo);
                if (first != null) {
                    throw new DataException(file + " line " + lineNo + ": class '" + parts[0] + "' is already on line "
                            + first);
                }
                names.add(parts[0]);
            }
        }
        String problem = sizeProblem(names.size());
        if (problem != null) {
            throw new DataException(file + ": " + problem);
        }
        if (withColor != 0 && withColor != names.size()) {
            throw new DataException(file + ": either every class has a colour or none does (" + withColor + " of "
                    + names.size() + " have one)");
        }
        return new ClassList(names, withColor == 0 ? null : colors);
    }

    private static boolean isByte(String s) {
        return s.matches("\\d{1,3}") && Integer.parseInt(s) <= 255;
    }

    /**
     * Writes the list in the class file format ({@link #toText}); missing parent folders are created.
     *
     * @param file the file to write or replace
     * @throws IOException if it cannot be written
     */
    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, toText());
    }

    /**
     * The list in the class file format: one class per line, with its colour for colour-coded masks.
     *
     * @return the text, each line ending in a newline; void colours last
     */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            sb.append(names.get(i));
            if (colors != null) {
                for (Map.Entry<Integer, Integer> e : colors.entrySet()) {
                    if (e.getValue() == i) {
                        sb.append(String.format(" #%06x", e.getKey()));
                    }
                }
            }
            sb.append('\n');
        }
        if (colors != null) {
            for (Map.Entry<Integer, Integer> e : colors.entrySet()) {
                if (e.getValue() == Sample.VOID) {
                    sb.append(String.format("void #%06x\n", e.getKey()));
                }
            }
        }
        return sb.toString();
    }
}
