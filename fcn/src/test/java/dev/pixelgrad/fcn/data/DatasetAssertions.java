package dev.pixelgrad.fcn.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.IntStream;

/** What the dataset tests check again and again: an error message's content, a split's ids. */
final class DatasetAssertions {
    private DatasetAssertions() {}

    /** The message contains every one of {@code parts}. */
    static void assertMentions(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), "message should mention '" + p + "': " + msg);
        }
    }

    /** The dataset's sample ids, in order. */
    static List<String> ids(SegmentationDataset ds) {
        return IntStream.range(0, ds.size()).mapToObj(ds::id).toList();
    }
}
