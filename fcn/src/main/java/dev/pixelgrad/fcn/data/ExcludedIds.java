package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * A split less the images of a list file ({@code train --exclude FILE}): how SBD is trained on without the
 * images of a validation list such as seg11valid, which overlaps SBD's own splits.
 */
public final class ExcludedIds {
    private ExcludedIds() {}

    /**
     * The samples of {@code data} whose ids {@code listFile} does not list. Listed ids that the split does
     * not have are ignored (a validation list names images of other splits too).
     *
     * @param data     the split
     * @param listFile the ids to drop, one a line; null to drop none
     * @param split    the split's name, for the report
     * @param report   is told how many images were dropped, in one line
     * @return the remaining samples ({@code data} itself when {@code listFile} is null)
     * @throws DataException if the list is missing, empty or names an invalid id, or it drops every sample
     * @throws IOException if the list cannot be read
     */
    public static SegmentationDataset apply(SegmentationDataset data, Path listFile, String split, Consumer<String> report)
            throws IOException {
        if (listFile == null) {
            return data;
        }
        Set<String> excluded = new HashSet<>();
        for (ImageIdList.Entry e : ImageIdList.read(listFile, "--exclude " + listFile)) {
            excluded.add(e.id());
        }
        int[] kept = IntStream.range(0, data.size()).filter(i -> !excluded.contains(data.id(i))).toArray();
        if (kept.length == 0) {
            throw new DataException("--exclude " + listFile + " drops every one of the " + data.size()
                    + " images of the split '" + split + "'");
        }
        report.accept("--exclude " + listFile + ": dropped " + (data.size() - kept.length) + " of the " + data.size()
                + " images of the split '" + split + "', " + kept.length + " left");
        return new Remaining(data, kept);
    }

    /** Some samples of a dataset, by their indices in it. */
    private record Remaining(SegmentationDataset data, int[] kept) implements SegmentationDataset {
        @Override
        public ClassList classes() {
            return data.classes();
        }

        @Override
        public int size() {
            return kept.length;
        }

        @Override
        public String id(int index) {
            return data.id(kept[index]);
        }

        @Override
        public Sample load(int index) throws IOException {
            return data.load(kept[index]);
        }
    }
}
