package dev.pixelgrad.kernels.cuda;

/**
 * The device underneath the CUDA backend: memory, copies, our kernels and their launches. Two
 * implementations: {@link GpuDriver}, a real GPU through JCuda's driver API, and {@link EmulatedDriver},
 * which runs the same kernels compiled for the CPU (docs/gpu.md). Everything above this interface (the
 * launch code, the allocator, the op families) is the same for both, so running the emulated device
 * runs the real launch code.
 *
 * <p>Addresses are raw 64-bit values: device addresses for device memory, native addresses for host
 * memory. Sizes are in bytes unless a name says elements. Callers hold the CUDA backend's lock.
 */
interface CudaDriver {
    /** Selects the device: {@code gpu} (the default) or {@code emulated}. */
    String DEVICE_PROPERTY = "pixelgrad.cuda.device";

    /** One line about the device, for logs. */
    String describe();

    /**
     * Makes the device current on the calling thread, for NVIDIA's libraries that are called on it next
     * (once per thread; the driver's own calls do it themselves).
     */
    void bindThread();

    /** True for the host-emulated device: NVIDIA's libraries (cuBLAS, cuDNN) are not there. */
    boolean emulated();

    /**
     * Whether the device multiplies TF32 and BF16 on tensor cores (compute capability 8.0, Ampere, and
     * newer), which our TF32 and BF16 kernels need; the emulated device emulates those instructions.
     */
    boolean ampereTensorCores();

    /** Device memory of exactly {@code bytes}; {@link DeviceOutOfMemoryException} when there is none left. */
    long allocate(long bytes);

    void free(long address);

    /**
     * Host memory that transfers can use directly (page-locked on a GPU). Nothing gives it back: its one
     * use is the staging buffer, which the runtime keeps while the process lives.
     */
    long allocateHost(long bytes);

    void copyToDevice(long dst, long srcHost, long bytes);

    void copyToHost(long dstHost, long src, long bytes);

    void copyOnDevice(long dst, long src, long bytes);

    /** Writes {@code count} copies of the 32-bit pattern {@code bits} from {@code dst}. */
    void fill32(long dst, int bits, long count);

    /** Writes {@code count} copies of the 16-bit pattern {@code bits} from {@code dst}. */
    void fill16(long dst, short bits, long count);

    /**
     * A kernel of one of our modules, checked against the signature the launcher passes (one letter per
     * parameter, see {@link Kernel}) where the device can tell, bound to its parameter block:
     * {@code params} is the native address of cuLaunchKernel's {@code void**} parameter array, whose
     * values the caller writes before each launch.
     */
    Function function(String module, String kernel, String signature, long params);

    /** Launches {@code f} over a grid of {@code gridX x gridY} blocks of {@code block} threads. */
    void launch(Function f, int gridX, int gridY, int block);

    /** Waits until all launched work has finished. */
    void synchronize();

    /** A loaded kernel, as the driver knows it. */
    interface Function {}

    /** The device has no memory left for an allocation (after the caller emptied its caches, it may retry). */
    final class DeviceOutOfMemoryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DeviceOutOfMemoryException(String message) {
            super(message);
        }
    }
}
