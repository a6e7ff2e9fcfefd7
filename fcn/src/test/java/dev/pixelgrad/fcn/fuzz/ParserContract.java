package dev.pixelgrad.fcn.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every fuzz target asserts of a file parser, for any bytes at all: it returns, or throws one of
 * its documented exceptions with a message naming the file; it allocates at most {@code fixedBytes +
 * perInputByte * input size} on the calling thread; and it answers within {@link #MAX_MILLIS}. Any
 * other exception, an Error included, propagates and is a finding. A parser that never returns is
 * caught by the fuzz execution's fork timeout (fcn/pom.xml).
 */
final class ParserContract {
    /** One input's time limit: generous, so a slow machine is not a finding, and far below a hang. */
    static final long MAX_MILLIS = 10_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    interface Parse {
        void run(Path file) throws IOException;
    }

    private final String suffix;
    private final List<Class<? extends IOException>> documented;
    private final long fixedBytes;
    private final long perInputByte;

    /**
     * @param suffix       the file name's ending (parsers choose by extension)
     * @param documented   the exceptions the parser's javadoc promises
     * @param fixedBytes   allocation allowed whatever the input (buffers, tables, class initialisation)
     * @param perInputByte allocation allowed per byte of input
     */
    ParserContract(String suffix, List<Class<? extends IOException>> documented, long fixedBytes,
                   long perInputByte) {
        this.suffix = suffix;
        this.documented = documented;
        this.fixedBytes = fixedBytes;
        this.perInputByte = perInputByte;
    }

    /** Writes {@code bytes} to a fresh file and checks {@code parse} on it against the contract. */
    void check(byte[] bytes, Parse parse) throws IOException {
        Path dir = Files.createTempDirectory("pixelgrad-fuzz");
        try {
            Path file = dir.resolve("input" + suffix);
            Files.write(file, bytes);
            check(file, bytes.length, parse);
        } finally {
            deleteTree(dir);
        }
    }

    /** Removes a folder the target made for one input, and everything in it. */
    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Checks {@code parse} on {@code file}, an input of {@code inputBytes} (which may span several files). */
    void check(Path file, long inputBytes, Parse parse) throws IOException {
        long allowed = fixedBytes + perInputByte * inputBytes;
        long[] cost = run(file, parse);
        if (cost[0] > allowed || cost[1] > MAX_MILLIS) {
            // The first input to reach a new path pays once for loading (and instrumenting) its classes:
            // judge a second run of the same input, which pays what every later one will.
            cost = run(file, parse);
        }
        if (cost[0] > allowed) {
            throw new AssertionError("allocated " + cost[0] + " bytes for an input of " + inputBytes
                    + " bytes (allowed " + allowed + ")");
        }
        if (cost[1] > MAX_MILLIS) {
            throw new AssertionError("took " + cost[1] + " ms for an input of " + inputBytes + " bytes");
        }
    }

    /** One run of {@code parse}, its exception checked: the bytes it allocated and the milliseconds it took. */
    private long[] run(Path file, Parse parse) {
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        try {
            parse.run(file);
        } catch (IOException e) {
            if (documented.stream().noneMatch(c -> c.isInstance(e))) {
                throw new AssertionError("undocumented " + e.getClass().getName() + ": " + e.getMessage(), e);
            }
            String message = String.valueOf(e.getMessage());
            if (!message.contains(file.getFileName().toString())) {
                throw new AssertionError("the error does not name the file: " + message, e);
            }
        }
        return new long[] {THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore,
                (System.nanoTime() - start) / 1_000_000};
    }
}
