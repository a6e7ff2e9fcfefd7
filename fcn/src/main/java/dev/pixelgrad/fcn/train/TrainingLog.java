package dev.pixelgrad.fcn.train;

import dev.pixelgrad.tensor.io.FileErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A CSV log whose first column is the step. On resume it is cut back to the checkpoint's step, so rows
 * written after the last checkpoint by a run that died are not duplicated.
 */
public final class TrainingLog {
    private final Path file;

    public TrainingLog(Path file, String header, long resumeStep) throws IOException {
        this.file = file;
        try {
            start(header, resumeStep);
        } catch (IOException e) {
            throw FileErrors.writing(file, e);
        }
    }

    private void start(String header, long resumeStep) throws IOException {
        if (resumeStep < 0 || !Files.exists(file)) {
            Files.writeString(file, header + "\n", StandardCharsets.UTF_8);
            return;
        }
        List<String> lines = Files.readAllLines(file);
        if (lines.isEmpty() || !lines.get(0).equals(header)) {
            // Written by a version with other columns: kept beside the new log, which starts afresh.
            Path previous = file.resolveSibling(file.getFileName().toString().replaceFirst("\\.csv$", "") + ".previous.csv");
            Files.move(file, previous, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(file, header + "\n", StandardCharsets.UTF_8);
            return;
        }
        List<String> kept = new ArrayList<>();
        for (String line : lines) {
            if (kept.isEmpty()) {
                kept.add(line); // the header
                continue;
            }
            int comma = line.indexOf(',');
            try {
                if (Long.parseLong(comma < 0 ? line : line.substring(0, comma)) <= resumeStep) {
                    kept.add(line);
                }
            } catch (NumberFormatException e) {
                // a half-written last line from a killed run: drop it
            }
        }
        // Rewritten through a temporary file and a rename, so a crash now cannot lose the log.
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, kept, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    public Path file() {
        return file;
    }

    public void append(String row) throws IOException {
        try {
            Files.writeString(file, row + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw FileErrors.writing(file, e);
        }
    }

    /**
     * One column by its header name, row by row: NaN where a row leaves it empty (a class absent from the
     * validation set has no IoU) or ends before it.
     */
    public static double[] column(Path file, String name) throws IOException {
        return columns(file, name).get(name);
    }

    /** Several columns by name from one read of the file (see {@link #column}). */
    public static Map<String, double[]> columns(Path file, String... names) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> header = lines.isEmpty() ? List.of() : List.of(lines.get(0).split(","));
        List<String[]> rows = lines.stream().skip(1).filter(l -> !l.isBlank()).map(l -> l.split(",")).toList();
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String name : names) {
            int index = header.indexOf(name);
            if (index < 0) {
                throw new IOException(file + " has no column " + name);
            }
            out.put(name, rows.stream()
                    .mapToDouble(r -> index < r.length && !r[index].isEmpty() ? Double.parseDouble(r[index]) : Double.NaN)
                    .toArray());
        }
        return out;
    }

    /** The rows (without the header), each split at commas. */
    public static List<String[]> read(Path file) throws IOException {
        List<String[]> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(file);
        for (int i = 1; i < lines.size(); i++) {
            if (!lines.get(i).isBlank()) {
                rows.add(lines.get(i).split(","));
            }
        }
        return rows;
    }
}
