package dev.pixelgrad.kernels.cpu;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.CounterRng;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** The fast GEMMs against the reference (the plain triple loop), on shapes that straddle every block and tile edge. */
class SgemmTest {
    private static final Sgemm REFERENCE = new ReferenceSgemm();

    /**
     * EJML, the Vector API multiply as this CPU gets it, and (so that every tile runs on any CPU) each
     * micro-tile with blocks so small that the shapes below cross every block edge many times, and room
     * for the partial sums of only four tiles: a C of up to four tile rows carries them between K blocks
     * (in narrower column blocks as it grows), a taller one is added to pass by pass.
     */
    static List<Sgemm> implementations() {
        List<Sgemm> list = new ArrayList<>();
        list.add(new EjmlSgemm());
        if (Sgemm.vectorApiAvailable()) {
            list.add(new VectorSgemm());
            for (VectorSgemm.Tile tile : VectorSgemm.Tile.values()) {
                list.add(new VectorSgemm(new VectorSgemm.Blocking(tile, 16, 2 * tile.rows, 2 * tile.columns(),
                        4 * tile.rows * tile.columns())));
            }
        }
        return list;
    }

    static float[] random(int n, long seed) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = CounterRng.uniform(seed, i) * 2 - 1;
        }
        return v;
    }

    /**
     * m, n, k: ones, primes, whole micro-tiles and one past them (12 or 3 rows, 24 to 48 columns), past
     * the blocks of the small blockings (K 16, A 24 or 6 rows), and past a typical K block (192 to 512).
     */
    private static final int[][] SHAPES = {
        {1, 1, 1}, {1, 7, 3}, {5, 1, 9}, {7, 33, 13}, {6, 32, 256}, {12, 48, 16}, {13, 49, 17}, {3, 24, 33},
        {25, 97, 31}, {13, 17, 257}, {97, 65, 31}, {100, 3, 300}, {3, 130, 520}, {64, 700, 27}, {37, 41, 0},
    };

    @TestFactory
    Stream<DynamicTest> matchesTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Sgemm impl : implementations()) {
            for (int[] s : SHAPES) {
                for (int t = 0; t < 4; t++) {
                    boolean ta = (t & 1) != 0;
                    boolean tb = (t & 2) != 0;
                    tests.add(DynamicTest.dynamicTest(impl.describe() + " m=" + s[0] + " n=" + s[1] + " k=" + s[2]
                            + (ta ? " A^T" : "") + (tb ? " B^T" : ""), () -> compare(impl, ta, tb, s[0], s[1], s[2])));
                }
            }
        }
        return tests.stream();
    }

    /** Operands sit at offsets inside larger arrays with padded rows; alpha and beta are not 1 or 0. */
    private static void compare(Sgemm impl, boolean ta, boolean tb, int m, int n, int k) {
        int aRows = ta ? k : m;
        int aCols = ta ? m : k;
        int bRows = tb ? n : k;
        int bCols = tb ? k : n;
        int lda = aCols + 3;
        int ldb = bCols + 1;
        int ldc = n + 2;
        float[] a = random(5 + aRows * lda, 1);
        float[] b = random(7 + bRows * ldb, 2);
        float[] c = random(4 + m * ldc, 3);
        float[] expected = c.clone();
        REFERENCE.gemm(ta, tb, m, n, k, 0.75f, a, 5, lda, b, 7, ldb, -0.5f, expected, 4, ldc);
        impl.gemm(ta, tb, m, n, k, 0.75f, a, 5, lda, b, 7, ldb, -0.5f, c, 4, ldc);
        assertClose(expected, c, 1e-5, impl.describe());
    }

    /** A packed once and reused (as Winograd's transformed weights are), also across a product split by rows. */
    @TestFactory
    Stream<DynamicTest> packedAMatchesTheReference() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Sgemm impl : implementations()) {
            if (!(impl instanceof VectorSgemm vector)) {
                continue;
            }
            List<int[]> shapes = new ArrayList<>(List.of(SHAPES));
            shapes.add(new int[] {1030, 211, 300}); // tall: split across threads by rows
            for (int[] s : shapes) {
                for (boolean ta : new boolean[] {false, true}) {
                    tests.add(DynamicTest.dynamicTest(impl.describe() + " packed A m=" + s[0] + " n=" + s[1] + " k="
                            + s[2] + (ta ? " A^T" : ""), () -> comparePacked(vector, ta, s[0], s[1], s[2])));
                }
            }
        }
        return tests.stream();
    }

    private static void comparePacked(VectorSgemm impl, boolean ta, int m, int n, int k) {
        int lda = (ta ? m : k) + 3;
        int ldb = n + 1;
        int ldc = n + 2;
        float[] a = random(5 + (ta ? k : m) * lda, 1);
        float[] b = random(7 + k * ldb, 2);
        float[] c = random(4 + m * ldc, 3);
        float[] expected = c.clone();
        REFERENCE.gemm(ta, false, m, n, k, 0.75f, a, 5, lda, b, 7, ldb, -0.5f, expected, 4, ldc);
        float[] packed = new float[9 + impl.packedASize(m, k)];
        Arrays.fill(packed, Float.NaN); // packing writes every float the products read
        impl.packA(ta, m, k, a, 5, lda, packed, 9);
        impl.gemmPackedA(m, n, k, 0.75f, packed, 9, b, 7, ldb, -0.5f, c, 4, ldc);
        assertClose(expected, c, 1e-5, impl.describe() + " packed A");
    }

    /** One K block and several (C's partial sums carried between them, or C too tall for that). */
    @Test
    void betaZeroNeverReadsC() {
        for (Sgemm impl : implementations()) {
            for (int[] mk : new int[][] {{9, 11}, {9, 40}, {60, 40}}) {
                int m = mk[0];
                int k = mk[1];
                float[] a = random(m * k, 4);
                float[] b = random(k * 40, 5);
                float[] c = new float[m * 40];
                Arrays.fill(c, Float.NaN);
                impl.gemm(false, false, m, 40, k, 1f, a, 0, k, b, 0, 40, 0f, c, 0, 40);
                float[] expected = new float[m * 40];
                REFERENCE.gemm(false, false, m, 40, k, 1f, a, 0, k, b, 0, 40, 0f, expected, 0, 40);
                assertClose(expected, c, 1e-5, impl.describe() + " m=" + m + " k=" + k + " with NaN garbage in C");
            }
        }
    }

    @Test
    void largeProductIsSplitAcrossThreadsCorrectly() {
        // Big enough to take the parallel path in both implementations, with ragged edges.
        int m = 211;
        int n = 1030;
        int k = 300;
        float[] a = random(m * k, 6);
        float[] b = random(k * n, 7);
        float[] expected = new float[m * n];
        REFERENCE.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        for (Sgemm impl : implementations()) {
            float[] c = new float[m * n];
            impl.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
            assertClose(expected, c, 1e-5, impl.describe());
        }
    }

    @Test
    void eachImplementationIsChosenByItsName() {
        assertEquals("reference", Sgemm.named("reference").name());
        assertEquals("ejml", Sgemm.named("EJML").name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sgemm.named("blas"));
        assertTrue(e.getMessage().contains("'blas'") && e.getMessage().contains("reference"), e.getMessage());
    }

    @Test
    void autoChoiceIsTheVectorKernelWhenTheModuleIsPresent() {
        // The tests run with --add-modules=jdk.incubator.vector (see the parent pom), as the launcher does.
        assertEquals(Sgemm.vectorApiAvailable() ? new VectorSgemm().name() : "ejml", Sgemm.get().name());
    }
}
