package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Reads every sample of a split once before training, so that a bad one (a missing or corrupt file, a
 * mask of the wrong size, a label outside the classes) is found in seconds rather than when it is first
 * drawn, possibly hours in, and every bad one is reported at once.
 */
public final class Preflight {
    /** The most bad samples one report lists (it always gives the total). */
    private static final int LISTED = 20;

    private Preflight() {}

    /**
     * Loads every sample of {@code split} (named {@code name} in the report); fails listing every bad one.
     *
     * @param split the samples to read
     * @param name  the split's name, for the message
     * @throws DataException if any sample cannot be loaded; the message lists up to 20 of them and the count
     */
    public static void check(SegmentationDataset split, String name) throws DataException {
        List<String> problems = IntStream.range(0, split.size()).parallel().mapToObj(i -> {
            try {
                split.load(i);
                return null;
            } catch (IOException | RuntimeException e) {
                return split.id(i) + ": " + e.getMessage();
            }
        }).filter(p -> p != null).toList();
        if (problems.isEmpty()) {
            return;
        }
        List<String> lines = new ArrayList<>(problems.subList(0, Math.min(LISTED, problems.size())));
        if (problems.size() > LISTED) {
            lines.add("... and " + (problems.size() - LISTED) + " more");
        }
        throw new DataException(problems.size() + " of the " + split.size() + " samples of " + name
                + " cannot be used:\n  " + String.join("\n  ", lines));
    }
}
