package dev.pixelgrad.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * The host-emulated CUDA device: our kernels compiled for the CPU with g++ against a header of CUDA's
 * built-ins (kernels/src/main/cuda/emu), loaded with java.lang.foreign, so that the CUDA backend's
 * launch code and our kernels run, and are tested, on machines without a GPU. Device memory is host
 * memory of exactly the requested size; a launch runs to completion before it returns.
 *
 * <p>The library is built by Maven (build-emu.sh) and packaged in the kernels jar; the system property
 * {@code pixelgrad.cuda.emu.library} names another build (the sanitizer build, or deliberately broken
 * kernels in tests). {@code pixelgrad.cuda.emu.schedule} picks the order in which the threads of a block
 * resume after a barrier: {@code in-order} (the default), {@code reversed} or {@code random:SEED};
 * {@code pixelgrad.cuda.emu.workers} how many OS threads run blocks (default: the processors, at most 8).
 * What emulation cannot show is listed in docs/gpu.md.
 */
final class EmulatedDriver implements CudaDriver {
    static final String LIBRARY_PROPERTY = "pixelgrad.cuda.emu.library";
    static final String SCHEDULE_PROPERTY = "pixelgrad.cuda.emu.schedule";
    static final String WORKERS_PROPERTY = "pixelgrad.cuda.emu.workers";
    private static final int ERROR_BYTES = 512;

    /** Resume order after a barrier. */
    enum Schedule {
        IN_ORDER, REVERSED, RANDOM;

        static Schedule parse(String spec) {
            String s = spec.trim().toLowerCase(Locale.ROOT);
            if (s.startsWith("random")) {
                return RANDOM;
            }
            return switch (s) {
                case "in-order" -> IN_ORDER;
                case "reversed" -> REVERSED;
                default -> throw new IllegalArgumentException(SCHEDULE_PROPERTY + ": unknown schedule '" + spec
                        + "' (in-order, reversed or random:SEED)");
            };
        }
    }

    private final Path library;
    private final String source;
    private final boolean sanitized;
    private final MethodHandle findKernel;
    private final MethodHandle kernelSignature;
    private final MethodHandle configure;
    private final MethodHandle launch;
    private final MethodHandle counters;
    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle copy;
    private final MethodHandle fill32;
    private final MethodHandle fill16;
    private final MemorySegment error = Arena.global().allocate(ERROR_BYTES);
    private final int workers;

    private EmulatedDriver(Path library, String source) {
        this.library = library;
        this.source = source;
        SymbolLookup lib = SymbolLookup.libraryLookup(library, Arena.global());
        try {
            MemorySegment unsupported = (MemorySegment) NativeLibraries.function(lib, "pg_emu_unsupported_cpu", ADDRESS)
                    .invokeExact();
            if (unsupported.address() != 0) {
                throw new IllegalStateException(unsupported.reinterpret(Long.MAX_VALUE).getString(0));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        MethodHandle isSanitized = NativeLibraries.function(lib, "pg_emu_sanitized", JAVA_INT);
        findKernel = NativeLibraries.function(lib, "pg_emu_find_kernel", ADDRESS, ADDRESS);
        kernelSignature = NativeLibraries.function(lib, "pg_emu_kernel_signature", ADDRESS, ADDRESS);
        configure = NativeLibraries.function(lib, "pg_emu_configure", null, JAVA_INT, JAVA_INT, JAVA_LONG);
        launch = NativeLibraries.function(lib, "pg_emu_launch", JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT);
        counters = NativeLibraries.function(lib, "pg_emu_counters", null, ADDRESS);
        malloc = NativeLibraries.function(lib, "pg_emu_malloc", ADDRESS, JAVA_LONG);
        free = NativeLibraries.function(lib, "pg_emu_free", null, ADDRESS);
        copy = NativeLibraries.function(lib, "pg_emu_copy", null, ADDRESS, ADDRESS, JAVA_LONG);
        fill32 = NativeLibraries.function(lib, "pg_emu_fill32", null, ADDRESS, JAVA_INT, JAVA_LONG);
        fill16 = NativeLibraries.function(lib, "pg_emu_fill16", null, ADDRESS, JAVA_SHORT, JAVA_LONG);
        try {
            sanitized = (int) isSanitized.invokeExact() != 0;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        workers = Integer.getInteger(WORKERS_PROPERTY, Math.min(8, Runtime.getRuntime().availableProcessors()));
        if (workers < 1) {
            throw new IllegalArgumentException(WORKERS_PROPERTY + " must be at least 1, got " + workers);
        }
        schedule(System.getProperty(SCHEDULE_PROPERTY, "in-order"));
    }

    /** The emulated device from the library named by the property, else the one packaged with us. */
    static EmulatedDriver open() {
        String named = System.getProperty(LIBRARY_PROPERTY);
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named);
            if (!Files.isRegularFile(p)) {
                throw new IllegalStateException(LIBRARY_PROPERTY + ": no file " + p.toAbsolutePath());
            }
            return open(p, p.toString());
        }
        return open(packagedLibrary(), "the kernels jar's build");
    }

    /** An emulated device on the given library (tests load deliberately broken kernels this way). */
    static EmulatedDriver open(Path library) {
        return open(library, library.toString());
    }

    private static EmulatedDriver open(Path library, String source) {
        try {
            return new EmulatedDriver(library, source);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalStateException("the emulated CUDA device cannot load " + library + ": " + e.getMessage(), e);
        }
    }

    /** The library packaged in the kernels jar, copied to a temporary file (a loader wants a file). */
    private static Path packagedLibrary() {
        String arch = System.getProperty("os.arch");
        String resource = "/dev/pixelgrad/kernels/cuda/emu/" + arch + "/libpixelgrad-cuda-emu.so";
        try (InputStream in = EmulatedDriver.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("this build has no emulated CUDA device for " + arch
                        + " (it is compiled with g++ when the kernels module is built; was g++ missing?)");
            }
            Path tmp = Files.createTempFile("pixelgrad-cuda-emu", ".so");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new IllegalStateException("cannot unpack the emulated CUDA device: " + e.getMessage(), e);
        }
    }

    /** Sets the resume order after barriers: in-order, reversed or random:SEED. */
    void schedule(String spec) {
        Schedule s = Schedule.parse(spec);
        long seed = 0;
        if (s == Schedule.RANDOM) {
            String[] parts = spec.split(":", 2);
            try {
                seed = parts.length == 2 ? Long.parseLong(parts[1].trim()) : 1;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SCHEDULE_PROPERTY + ": bad seed in '" + spec + "'");
            }
        }
        try {
            configure.invokeExact(workers, s.ordinal(), seed);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Whether this build checks memory accesses (AddressSanitizer and UBSan). */
    boolean sanitized() {
        return sanitized;
    }

    /** Launches, blocks and thread switches since the library was loaded. */
    long[] counters() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG, 3);
            counters.invokeExact(out);
            return out.toArray(JAVA_LONG);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public String describe() {
        return "emulated on the host (" + workers + " threads" + (sanitized ? ", AddressSanitizer and UBSan" : "")
                + ", " + source + ")";
    }

    @Override
    public void bindThread() {
        // One host: nothing to bind.
    }

    @Override
    public boolean emulated() {
        return true;
    }

    @Override
    public boolean ampereTensorCores() {
        return true;
    }

    @Override
    public long allocate(long bytes) {
        try {
            long address = ((MemorySegment) malloc.invokeExact(bytes)).address();
            if (address == 0) {
                throw new DeviceOutOfMemoryException("out of host memory emulating a " + bytes + "-byte allocation");
            }
            return address;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void free(long address) {
        try {
            free.invokeExact(MemorySegment.ofAddress(address));
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public long allocateHost(long bytes) {
        return allocate(bytes);
    }

    private void move(long dst, long src, long bytes) {
        try {
            copy.invokeExact(MemorySegment.ofAddress(dst), MemorySegment.ofAddress(src), bytes);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void copyToDevice(long dst, long srcHost, long bytes) {
        move(dst, srcHost, bytes);
    }

    @Override
    public void copyToHost(long dstHost, long src, long bytes) {
        move(dstHost, src, bytes);
    }

    @Override
    public void copyOnDevice(long dst, long src, long bytes) {
        move(dst, src, bytes);
    }

    @Override
    public void fill32(long dst, int bits, long count) {
        try {
            fill32.invokeExact(MemorySegment.ofAddress(dst), bits, count);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void fill16(long dst, short bits, long count) {
        try {
            fill16.invokeExact(MemorySegment.ofAddress(dst), bits, count);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A kernel's registry entry and its parameter block. */
    private record EmulatedFunction(MemorySegment entry, MemorySegment params) implements Function {}

    @Override
    public Function function(String module, String kernel, String signature, long params) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment entry = (MemorySegment) findKernel.invokeExact(a.allocateFrom(kernel));
            if (entry.address() == 0) {
                throw new IllegalStateException("the emulated device has no kernel " + kernel + " (module " + module + ")");
            }
            MemorySegment sig = (MemorySegment) kernelSignature.invokeExact(entry);
            String compiled = sig.reinterpret(Long.MAX_VALUE).getString(0);
            if (!compiled.equals(signature)) {
                throw new IllegalStateException(kernel + ": the compiled kernel takes (" + compiled
                        + ") but its launcher passes (" + signature + ")");
            }
            return new EmulatedFunction(entry, MemorySegment.ofAddress(params));
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void launch(Function f, int gridX, int gridY, int block) {
        EmulatedFunction e = (EmulatedFunction) f;
        int failed;
        try {
            failed = (int) launch.invokeExact(e.entry(), gridX, gridY, 1, block, 1, 1, 0, e.params(), error, ERROR_BYTES);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (failed != 0) {
            throw new IllegalStateException("emulated launch failed: " + error.getString(0));
        }
    }

    @Override
    public void synchronize() {
        // Launches and copies complete before they return.
    }
}
