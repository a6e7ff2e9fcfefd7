package dev.pixelgrad.fcn.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a file parser promises for any bytes at all (the fuzz targets here, and the Keras corruption
 * sweep, hold parsers to it): it returns, or throws one of its documented exceptions with a message
 * naming the file; it allocates at most {@code fixedBytes + perInputByte * input size} on the calling
 * thread; and it answers within {@link #MAX_MILLIS}. Any other exception, an Error included, propagates
 * and is a finding. A parser that never returns is caught by the caller's time limit (the fuzz JVM's,
 * in {@link FuzzTargetsTest}).
 */
public final class ParserContract {
    /** One input's time limit: generous, so a slow machine is not a finding, and far below a hang. */
    static final long MAX_MILLIS = 10_000;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    public interface Parse {
        void run(Path file) throws IOException;
    }

    /** What one parse did: the documented exception it threw (null when it returned), and what it cost. */
    public record Outcome(IOException thrown, long allocatedBytes, long millis) {}

    private final String suffix;
    private final List<Class<? extends IOException>> documented;
    private final long fixedBytes;
    private final long perInputByte;

    /**
     * @param suffix       the file name's ending (parsers choose by extension)
     * @param documented   the exceptions the parser's javadoc promises
     * @param fixedBytes   allocation allowed whatever the input (buffers, tables)
     * @param perInputByte allocation allowed per byte of input
     */
    public ParserContract(String suffix, List<Class<? extends IOException>> documented, long fixedBytes,
                          long perInputByte) {
        this.suffix = suffix;
        this.documented = documented;
        this.fixedBytes = fixedBytes;
        this.perInputByte = perInputByte;
    }

    /** Writes {@code bytes} to a fresh file and checks {@code parse} on it against the contract. */
    public Outcome check(byte[] bytes, Parse parse) throws IOException {
        Path file = Files.createTempFile("pixelgrad-fuzz", suffix);
        try {
            Files.write(file, bytes);
            return check(file, bytes.length, parse);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /**
     * Checks {@code parse} on {@code file}, an input of {@code inputBytes} (which may span several files,
     * or be read from memory under this name).
     */
    public Outcome check(Path file, long inputBytes, Parse parse) {
        long allowed = fixedBytes + perInputByte * inputBytes;
        Outcome o = run(file, parse);
        if (o.allocatedBytes() > allowed || o.millis() > MAX_MILLIS) {
            // The first input to reach a new path pays once for loading (and instrumenting) its classes:
            // judge a second run of the same input, which pays what every later one will.
            o = run(file, parse);
        }
        if (o.allocatedBytes() > allowed) {
            throw new AssertionError(file.getFileName() + ": allocated " + o.allocatedBytes()
                    + " bytes for an input of " + inputBytes + " bytes (allowed " + allowed + ")");
        }
        if (o.millis() > MAX_MILLIS) {
            throw new AssertionError(file.getFileName() + ": took " + o.millis() + " ms for an input of "
                    + inputBytes + " bytes");
        }
        return o;
    }

    /** One run of {@code parse}, its exception checked against the documented ones. */
    private Outcome run(Path file, Parse parse) {
        long allocatedBefore = THREADS.getCurrentThreadAllocatedBytes();
        long start = System.nanoTime();
        IOException thrown = null;
        try {
            parse.run(file);
        } catch (IOException e) {
            if (documented.stream().noneMatch(c -> c.isInstance(e))) {
                throw new AssertionError("undocumented " + e.getClass().getName() + ": " + e.getMessage(), e);
            }
            if (e.getMessage() == null || !e.getMessage().contains(file.toString())) {
                throw new AssertionError("the error does not name the file " + file + ": " + e.getMessage(), e);
            }
            thrown = e;
        }
        return new Outcome(thrown, THREADS.getCurrentThreadAllocatedBytes() - allocatedBefore,
                (System.nanoTime() - start) / 1_000_000);
    }
}
