package dev.pixelgrad.kernels.cuda;

import dev.pixelgrad.tensor.BFloat16;
import dev.pixelgrad.tensor.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The CUDA state for one device: the driver (a real GPU or the host-emulated device, chosen by the
 * system property {@value CudaDriver#DEVICE_PROPERTY}), our kernels with their typed launchers, the
 * caching allocator, and a host staging buffer that every upload and download goes through. All work
 * runs in order on the default stream; cuBLAS and cuDNN use it too. Callers hold the CUDA backend's
 * lock.
 */
final class CudaRuntime {
    /** Transfers go through the staging buffer in pieces of at most this many bytes. */
    private static final long STAGING_BYTES = 64L << 20;

    /**
     * JCuda, which {@link GpuDriver} drives a real GPU with. pixelgrad-kernels depends on it as optional, so
     * that its native libraries are only on the class path of projects that want a GPU: they add this
     * dependency (which brings the natives for their platform, {@code org.jcuda:jcuda-natives}).
     * {@code JCudaVersionTest} keeps it equal to the version in the build.
     */
    static final String JCUDA_ARTIFACT = "org.jcuda:jcuda:12.6.0";

    private static CudaRuntime instance;
    private static String unavailable;

    final CudaDriver driver;
    final Kernels kernels;
    final CachingAllocator allocator;
    private long staging;
    private ByteBuffer stagingBuffer;

    CudaRuntime(CudaDriver driver) {
        this.driver = driver;
        this.kernels = new Kernels(driver);
        // On the emulated device every block has exactly the size asked for, so that a read past the
        // end of a tensor is a read past the end of its memory (the sanitizer build reports it).
        this.allocator = new CachingAllocator(driver, !driver.emulated());
    }

    /** The runtime of device 0, started on first use; fails with the reason when there is none. */
    static synchronized CudaRuntime get() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new IllegalStateException(reason);
        }
        return instance;
    }

    /** Null when the device can be used; otherwise why not (tried once, remembered). */
    static synchronized String unavailableReason() {
        if (instance != null) {
            return null;
        }
        if (unavailable != null) {
            return unavailable;
        }
        String device = System.getProperty(CudaDriver.DEVICE_PROPERTY, "gpu").trim().toLowerCase(Locale.ROOT);
        try {
            CudaDriver driver = switch (device) {
                case "gpu" -> {
                    // Both asked before GpuDriver is loaded, which loads JCuda's classes. The driver first:
                    // without it JCuda would not help, and JCuda's own error for it is a page of stack traces.
                    String missing = missingDriver();
                    if (missing == null) {
                        missing = missingJCuda(CudaRuntime.class.getClassLoader());
                    }
                    if (missing != null) {
                        throw new IllegalStateException(missing);
                    }
                    yield GpuDriver.open();
                }
                case "emulated" -> EmulatedDriver.open();
                default -> throw new IllegalStateException(CudaDriver.DEVICE_PROPERTY + ": unknown device '" + device
                        + "' (gpu or emulated)");
            };
            instance = new CudaRuntime(driver);
            return null;
        } catch (RuntimeException | LinkageError e) {
            unavailable = e.getMessage();
        }
        return unavailable;
    }

    /** Null when the NVIDIA driver's library is here; otherwise why not. */
    private static String missingDriver() {
        try {
            SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            return null;
        } catch (IllegalArgumentException e) {
            return "no NVIDIA driver here (libcuda.so.1 not found)";
        }
    }

    /** Null when {@code loader} can load JCuda's driver API; otherwise what to add to the class path. */
    static String missingJCuda(ClassLoader loader) {
        try {
            Class.forName("jcuda.driver.JCudaDriver", false, loader);
            return null;
        } catch (ClassNotFoundException e) {
            return "JCuda is not on the class path; a GPU needs the dependency " + JCUDA_ARTIFACT
                    + " (it brings JCuda's native library for this platform)";
        }
    }

    void synchronize() {
        driver.synchronize();
    }

    private ByteBuffer staging() {
        if (stagingBuffer == null) {
            staging = driver.allocateHost(STAGING_BYTES);
            stagingBuffer = MemorySegment.ofAddress(staging).reinterpret(STAGING_BYTES).asByteBuffer()
                    .order(ByteOrder.nativeOrder());
        }
        return stagingBuffer;
    }

    /** Moves {@code count} elements between a Java array and the staging buffer, from element {@code from}. */
    @FunctionalInterface
    private interface Piece {
        void move(ByteBuffer staging, int from, int count);
    }

    /** Host to device through the staging buffer, a piece at a time. */
    private void toDevice(long dst, long count, int elementBytes, Piece fill) {
        ByteBuffer b = staging();
        long perPiece = STAGING_BYTES / elementBytes;
        for (long done = 0; done < count; done += perPiece) {
            int n = (int) Math.min(perPiece, count - done);
            b.clear();
            fill.move(b, (int) done, n);
            driver.copyToDevice(dst + done * elementBytes, staging, (long) n * elementBytes);
        }
    }

    /** Device to host through the staging buffer, a piece at a time. */
    private void toHost(long src, long count, int elementBytes, Piece drain) {
        ByteBuffer b = staging();
        long perPiece = STAGING_BYTES / elementBytes;
        for (long done = 0; done < count; done += perPiece) {
            int n = (int) Math.min(perPiece, count - done);
            driver.copyToHost(staging, src + done * elementBytes, (long) n * elementBytes);
            b.clear();
            drain.move(b, (int) done, n);
        }
    }

    void upload(float[] src, long dst, long count) {
        toDevice(dst, count, 4, (b, from, n) -> b.asFloatBuffer().put(src, from, n));
    }

    void upload(int[] src, long dst, long count) {
        toDevice(dst, count, 4, (b, from, n) -> b.asIntBuffer().put(src, from, n));
    }

    void upload(short[] src, long dst, long count) {
        toDevice(dst, count, 2, (b, from, n) -> b.asShortBuffer().put(src, from, n));
    }

    void download(long src, float[] dst, long count) {
        toHost(src, count, 4, (b, from, n) -> b.asFloatBuffer().get(dst, from, n));
    }

    void download(long src, int[] dst, long count) {
        toHost(src, count, 4, (b, from, n) -> b.asIntBuffer().get(dst, from, n));
    }

    void download(long src, short[] dst, long count) {
        toHost(src, count, 2, (b, from, n) -> b.asShortBuffer().get(dst, from, n));
    }

    /** Sets every element of a device tensor to {@code value}, in its type (an int for int32, rounded for bfloat16). */
    void fill(Tensor dst, float value) {
        long address = CudaStorage.addressOf(dst);
        switch (dst.dtype()) {
            case FLOAT32 -> driver.fill32(address, Float.floatToRawIntBits(value), dst.numel());
            case INT32 -> driver.fill32(address, (int) value, dst.numel());
            case BFLOAT16 -> driver.fill16(address, BFloat16.round(value), dst.numel());
        }
    }

    /** Writes a few 64-bit values (flags, counters) to the device. */
    void upload(long[] src, long dst) {
        staging();
        MemorySegment.ofAddress(staging).reinterpret(STAGING_BYTES).copyFrom(MemorySegment.ofArray(src));
        driver.copyToDevice(dst, staging, (long) src.length * 8);
    }

    /** Reads a few 64-bit values back. */
    void download(long src, long[] dst) {
        staging();
        driver.copyToHost(staging, src, (long) dst.length * 8);
        MemorySegment.copy(MemorySegment.ofAddress(staging).reinterpret(STAGING_BYTES), ValueLayout.JAVA_LONG, 0, dst, 0,
                dst.length);
    }

    @Override
    public String toString() {
        return driver.describe();
    }
}
