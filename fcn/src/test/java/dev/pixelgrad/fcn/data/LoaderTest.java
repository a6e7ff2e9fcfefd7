package dev.pixelgrad.fcn.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.Preprocessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoaderTest {

    /** In-memory samples of different sizes: sample i is (5 + i % 3) x (4 + i % 2), label = i % 3 everywhere. */
    static final class Memory implements SegmentationDataset {
        final int n;
        final int failAt;

        Memory(int n, int failAt) {
            this.n = n;
            this.failAt = failAt;
        }

        @Override
        public ClassList classes() {
            return new ClassList(List.of("a", "b", "c"), null);
        }

        @Override
        public int size() {
            return n;
        }

        @Override
        public String id(int index) {
            return "s" + index;
        }

        @Override
        public Sample load(int index) throws IOException {
            if (index == failAt) {
                throw new DataException("image s" + index + ".jpg is corrupt");
            }
            int h = 5 + index % 3;
            int w = 4 + index % 2;
            float[] rgb = new float[3 * h * w];
            Arrays.fill(rgb, index);
            int[] labels = new int[h * w];
            Arrays.fill(labels, index % 3);
            return new Sample(id(index), h, w, rgb, labels);
        }
    }

    @Test
    void prefetchedBatchesEqualDirectOnesAndEveryEpochIsAPermutation() throws IOException {
        Memory data = new Memory(10, -1);
        try (DataLoader loader = new DataLoader(data, 3, true, new Augmentation(true, 0.8f, 1.2f, 6),
                Preprocessing.CAFFE, 42, 2)) {
            List<Batch> streamed = new ArrayList<>();
            loader.range(2, 5).forEach(streamed::add);
            for (int k = 0; k < 5; k++) {
                Batch direct = loader.batch(2 + k);
                assertArrayEquals(direct.images(), streamed.get(k).images(), "batch " + (2 + k));
                assertArrayEquals(direct.labels(), streamed.get(k).labels());
            }
            Set<Integer> epoch0 = new HashSet<>();
            Set<Integer> epoch1 = new HashSet<>();
            List<Integer> order0 = new ArrayList<>();
            List<Integer> order1 = new ArrayList<>();
            for (int q = 0; q < 10; q++) {
                epoch0.add(loader.indexAt(q));
                order0.add(loader.indexAt(q));
                epoch1.add(loader.indexAt(10 + q));
                order1.add(loader.indexAt(10 + q));
            }
            assertEquals(10, epoch0.size());
            assertEquals(10, epoch1.size());
            assertNotEquals(order0, order1, "each epoch is reshuffled");
        }
    }

    @Test
    void samplesOfDifferentSizesArePaddedWithVoidAndTheMeanPixel() throws IOException {
        Memory data = new Memory(3, -1);
        try (DataLoader loader = new DataLoader(data, 3, false, null, Preprocessing.CAFFE, 1, 1)) {
            Batch b = loader.batch(0);
            assertEquals(7, b.height());
            assertEquals(5, b.width());
            // sample 0 is 5 x 4: its row 0, column 4 is padding
            assertEquals(Sample.VOID, b.labels()[4]);
            assertEquals(0f, b.images()[4]);
            assertEquals(0, b.labels()[0]);
            assertEquals(Sample.VOID, b.labels()[6 * 5]); // row 6 of sample 0
            assertEquals(1, b.labels()[35]);              // sample 1, first pixel
            assertEquals(List.of("s0", "s1", "s2"), b.ids());
        }
    }

    @Test
    void aBadFileStopsTheLoaderWithItsName() {
        Memory data = new Memory(6, 4);
        try (DataLoader loader = new DataLoader(data, 2, false, null, Preprocessing.CAFFE, 1, 2)) {
            UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> loader.range(0, 3).forEach(b -> { }));
            assertTrue(e.getMessage().contains("s4.jpg"), e.getMessage());
        }
    }

    @Test
    void augmentationIsDeterministicAndKeepsLabelsAligned() {
        float[] rgb = new float[3 * 4 * 6];
        int[] labels = new int[4 * 6];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 6 < 3 ? 1 : 2; // left half 1, right half 2
            rgb[i] = labels[i] * 100;     // red channel follows the label
        }
        Sample s = new Sample("x", 4, 6, rgb, labels);
        Augmentation aug = new Augmentation(true, 0.5f, 2f, 5);
        for (long seed = 0; seed < 20; seed++) {
            Sample a = aug.apply(s, seed, new float[] {7, 7, 7});
            Sample b = aug.apply(s, seed, new float[] {7, 7, 7});
            assertArrayEquals(a.labels(), b.labels());
            assertArrayEquals(a.rgb(), b.rgb());
            assertEquals(5, a.height());
            for (int i = 0; i < a.labels().length; i++) {
                int l = a.labels()[i];
                assertTrue(l == 1 || l == 2 || l == Sample.VOID, "nearest-neighbour labels only: " + l);
                if (l == Sample.VOID) {
                    assertEquals(7f, a.rgb()[i], "padding uses the neutral pixel");
                }
            }
        }
        Sample flipped = Augmentation.flip(s);
        assertEquals(2, flipped.labels()[0]);
        assertEquals(200f, flipped.rgb()[0]);
    }
}
