package dev.pixelgrad.fcn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.DataException;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Median frequency balancing on labels small enough to work out by hand. */
class ClassFrequenciesTest {
    private static final int V = Sample.VOID;

    /** Four images of four classes; class 2 occurs nowhere, and {@code bad} (when not -1) fails to load. */
    private static SegmentationDataset images(int bad) {
        int[][] labels = {
            {0, 0, 0, 1},       // 4 labelled: class 0 x3, class 1 x1
            {0, 0, V, V},       // 2 labelled: class 0 x2
            {1, 1, 1, 0, 0, 0}, // 6 labelled: class 0 x3, class 1 x3
            {3, 3, 0, V},       // 3 labelled: class 0 x1, class 3 x2
        };
        return new SegmentationDataset() {
            @Override
            public ClassList classes() {
                return new ClassList(List.of("a", "b", "c", "d"), null);
            }

            @Override
            public int size() {
                return labels.length;
            }

            @Override
            public String id(int index) {
                return "img" + index;
            }

            @Override
            public Sample load(int index) throws IOException {
                if (index == bad) {
                    throw new DataException("mask img" + index + ".png is corrupt");
                }
                int[] l = labels[index];
                return new Sample(id(index), 1, l.length, new float[3 * l.length], l);
            }
        };
    }

    @Test
    void weightsAreTheMedianFrequencyOverEachClasssFrequency() throws IOException {
        ClassFrequencies f = ClassFrequencies.count(images(-1));
        // Pixels 9, 4, 0, 2 of 15 labelled. Frequencies over the images holding each class: a 9 / (4 + 2 + 6
        // + 3) = 0.6; b 4 / (4 + 6) = 0.4; d 2 / 3. Median of {0.4, 0.6, 2/3} = 0.6.
        assertEquals(4, f.classes());
        assertEquals(List.of(9L, 4L, 0L, 2L), List.of(f.pixels(0), f.pixels(1), f.pixels(2), f.pixels(3)));
        assertEquals(0.6, f.share(0), 1e-12);
        assertEquals(2.0 / 15, f.share(3), 1e-12);
        assertEquals(0.6, f.frequency(0), 1e-12);
        assertEquals(0.4, f.frequency(1), 1e-12);
        assertTrue(Double.isNaN(f.frequency(2)), "a class that occurs nowhere has no frequency");
        assertEquals(2.0 / 3, f.frequency(3), 1e-12);
        List<Float> w = f.medianFrequencyWeights();
        assertEquals(4, w.size());
        assertEquals(1.0f, w.get(0), 1e-6f);
        assertEquals(1.5f, w.get(1), 1e-6f);
        assertEquals(1.0f, w.get(2), 0f, "absent: 1, it never meets a label");
        assertEquals(0.9f, w.get(3), 1e-6f);
    }

    @Test
    void anEvenNumberOfClassesTakesTheMeanOfTheMiddleTwo() throws IOException {
        // Without the last image: a 8 / 12, b 4 / 10; the median is (2/3 + 0.4) / 2 = 8/15.
        SegmentationDataset all = images(-1);
        SegmentationDataset three = new SegmentationDataset() {
            @Override
            public ClassList classes() {
                return all.classes();
            }

            @Override
            public int size() {
                return 3;
            }

            @Override
            public String id(int index) {
                return all.id(index);
            }

            @Override
            public Sample load(int index) throws IOException {
                return all.load(index);
            }
        };
        List<Float> w = ClassFrequencies.count(three).medianFrequencyWeights();
        assertEquals(0.8f, w.get(0), 1e-6f);
        assertEquals(4f / 3, w.get(1), 1e-6f);
        assertEquals(List.of(1f, 1f), w.subList(2, 4), "classes 2 and 3 occur nowhere in these three");
    }

    @Test
    void aBadSampleIsTheDatasetsErrorNamingIt() {
        DataException e = assertThrows(DataException.class, () -> ClassFrequencies.count(images(2)));
        assertTrue(e.getMessage().contains("img2.png"), e.getMessage());
    }
}
