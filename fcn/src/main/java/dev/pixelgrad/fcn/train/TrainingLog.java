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

    /**
     * Opens a log. A new run ({@code resumeStep} negative), or a missing file, starts a fresh file with the
     * header; a resumed run keeps the rows up to {@code resumeStep}, or, if the file's header differs, moves
     * it to {@code <name>.previous.csv} and starts afresh.
     *
     * @param file       the CSV file
     * @param header     the header line: column names, separated by commas, the step first
     * @param resumeStep the step the run resumes from, or -1 for a new run
     * @throws IOException if the file cannot be read or written (the message names it)
     */
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

    /**
     * The CSV file.
     *
     * @return the path
     */
    public Path file() {
        return file;
    }

    /**
     * Appends one row.
     *
     * @param row the values, separated by commas, without a newline
     * @throws IOException if the file cannot be written (the message names it)
     */
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
     *
     * @param file the CSV file
     * @param name the column's header name
     * @return one value per row
     * @throws IOException if the file cannot be read or has no such column
     */
    public static double[] column(Path file, String name) throws IOException {
        return columns(file, name).get(name);
    }

    /**
     * Several columns by name from one read of the file (see {@link #column}).
     *
     * @param file  the CSV file
     * @param names the columns' header names
     * @return the columns by name, in the order asked
     * @throws IOException if the file cannot be read or lacks a column
     */
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

    /**
     * The rows (without the header), each split at commas.
     *
     * @param file the CSV file
     * @return the rows, blank lines left out
     * @throws IOException if the file cannot be read
     */
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
