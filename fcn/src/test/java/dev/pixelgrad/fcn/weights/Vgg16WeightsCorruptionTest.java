package dev.pixelgrad.fcn.weights;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.pixelgrad.fcn.fuzz.ParserContract;
import dev.pixelgrad.fcn.fuzz.ParserContract.Outcome;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Damaged Keras weights files. The fixture, {@code keras/vgg16_tiny_keras.h5} (52 KB, written by
 * {@code tools/keras/make_keras_h5.py}), has the real file's structure: superblock 0, version-1
 * object headers, symbol-table groups with B-trees and local heaps, and no checksums, so a changed
 * byte reaches jHDF's parser. The contract: whatever four bytes are changed, the import either
 * succeeds (the change hit weight values, or something jHDF does not use) or throws an
 * {@link IOException} naming the file; it never allocates more than {@value #FACTOR} times the file
 * plus {@value #CONSTANT} bytes, and it ends promptly.
 */
public class Vgg16WeightsCorruptionTest {
    public static final String FIXTURE = "/keras/vgg16_tiny_keras.h5";
    /** Allocation bound per import: FACTOR x file size + CONSTANT. A clean import allocates ~0.5 MB here
     * (jHDF's objects dominate) and 2.9x the file for the 553 MB real-sized one (values, reordered copy,
     * tensor). Before the fix, four changed bytes made it allocate 1.8 GB and more, or fail on 2 GiB. */
    public static final long FACTOR = 8;
    public static final long CONSTANT = 4L << 20;

    /** Success, or an IOException naming the file, within the allocation bound above. */
    public static final ParserContract CONTRACT = new ParserContract(".h5", List.of(IOException.class), CONSTANT, FACTOR);

    static byte[] clean;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadFixture() throws IOException {
        try (InputStream in = Vgg16WeightsCorruptionTest.class.getResourceAsStream(FIXTURE)) {
            assertNotNull(in, FIXTURE);
            clean = in.readAllBytes();
        }
    }

    /** The fixture with the little-endian 32-bit word at {@code offset} replaced. */
    static byte[] with(byte[] bytes, int offset, int value) {
        byte[] b = bytes.clone();
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return b;
    }

    static int word(byte[] bytes, int offset) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(offset);
    }

    /** Writes the bytes to a file and imports it through the public entry point, within a time limit. */
    private Outcome importFile(byte[] bytes, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, bytes);
        return assertTimeoutPreemptively(Duration.ofSeconds(30),
                () -> CONTRACT.check(file, bytes.length, Vgg16Weights::read), name + ": the import did not finish");
    }

    @Test
    void theFixtureImportsAndItsFieldsAreWhereTheseTestsExpect() throws IOException {
        Outcome o = importFile(clean, "clean.h5");
        assertNull(o.thrown());
        assertEquals(52_168, clean.length, "fixture regenerated? the offsets below are for this one");
        assertEquals(0x18, word(clean, 104), "root group object header: header size");
        assertEquals(0x0005_0000, word(clean, 140), "root group B-tree: type 0, level 0, 5 entries");
        assertEquals(136, word(clean, 80), "superblock, root group entry: its B-tree at 136");
        assertEquals(7480, word(clean, 8200), "block1_conv1's entry for its nested group: object header at 7480");
        assertEquals(2008, word(clean, 6272 + 8), "the root's entry for block1_conv1: object header at 2008");
    }

    /**
     * Lengths jHDF allocated a buffer for before reading (through its file channel): an object header's
     * size, a header continuation's length, a local heap's data size. 0x7FFFFFFF gave OutOfMemoryError
     * "Requested array size exceeds VM limit" whatever the heap; 0x6B0000xx made it allocate 1.8 GB (3.6 GB
     * for a dataset's header), fill it by reading the file over and over, and go on as if nothing happened.
     */
    @ParameterizedTest(name = "{0} at {1}")
    @CsvSource({
        "root group object header size, 104",
        "root group header continuation length, 128",
        "root group local heap data size, 688",
        "block1_conv1 object header size, 2016",
        "block1_conv1 header continuation length, 2040",
        "block1_conv1 local heap data size, 7232",
        "block1_conv1/block1_conv1/kernel:0 object header size, 8520",
        "block1_conv2/block1_conv2_W_1:0 object header size, 12272",
        "fc1 local heap data size, 44728",
        "fc1/fc1_W_1:0 object header size, 45288",
    })
    void aCorruptLengthGivesAnIOExceptionNamingTheFileWithoutAllocatingIt(String field, int offset) throws IOException {
        for (int value : new int[] {0x7FFFFFFF, (word(clean, offset) & 0x00FFFFFF) | 0x6B000000, 0xFFFFFFFF}) {
            String name = "corrupt-" + offset + "-" + Integer.toHexString(value) + ".h5";
            Outcome o = importFile(with(clean, offset, value), name);
            assertNotNull(o.thrown(), field + " = 0x" + Integer.toHexString(value) + " was accepted");
        }
    }

    @Test
    void aGroupLinkedBackToItsParentIsRefusedNotRecursedInto() throws IOException {
        // block1_conv1/block1_conv1 made a link to block1_conv1 itself: a cycle (StackOverflowError before).
        Outcome o = importFile(with(clean, 8200, 2008), "cycle.h5");
        assertNotNull(o.thrown());
        assertTrue(o.thrown().getMessage().contains("cycle"), o.thrown().getMessage());
    }

    @Test
    void aBTreeNodeThatIsItsOwnChildGivesAnIOException() throws IOException {
        // The root group's B-tree node made an inner node (level 1) whose first child is itself: jHDF
        // recurses into it until the stack runs out.
        byte[] b = with(with(clean, 140, 0x0005_0100), 168, 136);
        Outcome o = importFile(b, "btree-cycle.h5");
        assertNotNull(o.thrown());
        assertTrue(o.thrown().getMessage().contains("refers back to itself"), o.thrown().getMessage());
    }

    @Test
    void aKernelOfTheWrongShapeIsRefusedBeforeItsValuesAreRead() throws IOException {
        // fc1's kernel is [98, 4]; its dataspace says [98, 0x7FFFFFFF] after this change.
        int dims = dataspaceDims(clean, "fc1_W_1:0");
        byte[] b = with(clean, dims + 8, 0x7FFFFFFF);
        Outcome o = importFile(b, "wide-fc1.h5");
        assertNotNull(o.thrown());
        assertTrue(o.thrown().getMessage().contains("fc1") && o.thrown().getMessage().contains("2147483647"),
                o.thrown().getMessage());
    }

    /**
     * The offset of the dimension sizes in the dataspace message of the dataset whose name is given: the
     * first version-1 dataspace message (type 1) after the name's entry in its group's local heap.
     */
    private static int dataspaceDims(byte[] b, String dataset) {
        String s = new String(b, StandardCharsets.ISO_8859_1);
        int name = s.indexOf(dataset + "\0");
        assertTrue(name > 0, dataset);
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        for (int p = name; p + 16 < b.length; p += 8) {
            // message header: type (2), size (2), flags (1), reserved (3); dataspace v1: version 1, rank
            if (bb.getShort(p) == 1 && b[p + 8] == 1 && b[p + 9] == 2) {
                return p + 16;
            }
        }
        return fail("no dataspace message for " + dataset);
    }

    /**
     * Every 4-byte-aligned word of the fixture set to 0x7FFFFFFF, and to its bitwise complement: the two
     * changes that found the failures above. Imported from memory (the entry point below the file's
     * mapping) to keep it quick.
     */
    @Test
    void everyWordOfTheFixtureCorruptedKeepsTheContract() {
        assertTimeoutPreemptively(Duration.ofMinutes(3), () -> {
            Path name = Path.of("swept.h5");
            long maxAllocated = 0;
            long maxMillis = 0;
            int refused = 0;
            List<String> failures = new ArrayList<>();
            for (int offset = 0; offset + 4 <= clean.length; offset += 4) {
                int w = word(clean, offset);
                for (int value : new int[] {0x7FFFFFFF, ~w}) {
                    if (value == w) {
                        continue;
                    }
                    byte[] b = with(clean, offset, value);
                    Outcome o;
                    try {
                        o = CONTRACT.check(name, b.length, f -> Vgg16Weights.fromKeras(f, ByteBuffer.wrap(b)));
                    } catch (AssertionError e) {
                        failures.add("0x" + Integer.toHexString(value) + " at " + offset + ": " + e.getMessage());
                        continue;
                    }
                    refused += o.thrown() != null ? 1 : 0;
                    maxAllocated = Math.max(maxAllocated, o.allocatedBytes());
                    maxMillis = Math.max(maxMillis, o.millis());
                }
            }
            assertTrue(failures.isEmpty(), failures.size() + " broke the contract, e.g. "
                    + failures.subList(0, Math.min(5, failures.size())));
            assertTrue(refused > 1000, "only " + refused + " refused: is the sweep reaching the parser?");
            assertTrue(maxMillis < Duration.ofSeconds(5).toMillis(), "an import took " + maxMillis + " ms");
            System.out.printf("corruption sweep: %d refused, at most %,d bytes allocated (file %,d), %d ms%n",
                    refused, maxAllocated, clean.length, maxMillis);
        });
    }
}
