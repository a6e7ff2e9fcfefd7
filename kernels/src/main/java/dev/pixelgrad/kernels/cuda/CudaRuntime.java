package dev.pixelgrad.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuCtxSynchronize;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.JCudaDriver;

/**
 * The CUDA driver state for one GPU, through JCuda's driver API: the device's primary context, our PTX
 * modules and their kernels, the caching allocator, and a pinned host buffer that every upload and
 * download goes through. All work runs on the default stream, in order; cuBLAS and cuDNN use it too.
 * Callers hold the runtime's lock (see {@link CudaBackend}).
 */
final class CudaRuntime {
    private static final String[] MODULES = {"elementwise", "reduce", "loss", "pool", "conv", "gemm", "optim"};
    /** Transfers go through the pinned buffer in pieces of at most this many bytes. */
    private static final long STAGING_BYTES = 64L << 20;

    private static CudaRuntime instance;
    private static String unavailable;

    final int ordinal;
    final String deviceName;
    final int computeMajor;
    final int computeMinor;
    final int driverVersion;
    final CachingAllocator allocator = new CachingAllocator();
    private final CUcontext context = new CUcontext();
    private final Map<String, Kernel> kernels = new HashMap<>();
    private Pointer pinned;
    private ByteBuffer pinnedBuffer;
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);

    private CudaRuntime(int ordinal) throws IOException {
        this.ordinal = ordinal;
        CUdevice device = new CUdevice();
        cuDeviceGet(device, ordinal);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        this.deviceName = new String(name, StandardCharsets.US_ASCII).trim().replace("\0", "");
        int[] v = new int[1];
        cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        this.computeMajor = v[0];
        cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        this.computeMinor = v[0];
        cuDriverGetVersion(v);
        this.driverVersion = v[0];
        cuDevicePrimaryCtxRetain(context, device);
        makeCurrent();
        for (String module : MODULES) {
            CUmodule m = new CUmodule();
            try {
                cuModuleLoadData(m, ptx(module));
            } catch (jcuda.CudaException e) {
                throw new IllegalStateException("the driver (CUDA " + driverVersion / 1000 + "." + driverVersion % 1000 / 10
                        + ") cannot load our PTX (" + e.getMessage() + "); it was built by nvcc 13 and needs a CUDA 13 "
                        + "driver (R580 or newer)", e);
            }
            for (Map.Entry<String, String> k : CudaKernels.signaturesOf(module).entrySet()) {
                CUfunction f = new CUfunction();
                cuModuleGetFunction(f, m, k.getKey());
                kernels.put(k.getKey(), new Kernel(k.getKey(), f, k.getValue()));
            }
        }
    }

    /** The PTX text of a module, NUL-terminated as cuModuleLoadData wants it. */
    private static byte[] ptx(String module) throws IOException {
        String resource = "/dev/pixelgrad/kernels/cuda/ptx/" + module + ".ptx";
        try (InputStream in = CudaRuntime.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("missing kernel resource " + resource);
            }
            byte[] text = in.readAllBytes();
            byte[] z = new byte[text.length + 1];
            System.arraycopy(text, 0, z, 0, text.length);
            return z;
        }
    }

    /** The runtime of GPU 0, started on first use; fails with the reason when there is none. */
    static synchronized CudaRuntime get() {
        if (instance == null) {
            String reason = unavailableReason();
            if (reason != null) {
                throw new IllegalStateException(reason);
            }
        }
        return instance;
    }

    /** Null when a GPU can be used; otherwise why not (tried once, remembered). */
    static synchronized String unavailableReason() {
        if (instance != null) {
            return null;
        }
        if (unavailable != null) {
            return unavailable;
        }
        try {
            // Look for the driver first: JCuda's own error for a missing libcuda is a page of stack traces.
            java.lang.foreign.SymbolLookup.libraryLookup("libcuda.so.1", java.lang.foreign.Arena.global());
        } catch (IllegalArgumentException e) {
            unavailable = "no NVIDIA driver here (libcuda.so.1 not found)";
            return unavailable;
        }
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] == 0) {
                unavailable = "the CUDA driver reports no GPU";
                return unavailable;
            }
            instance = new CudaRuntime(0);
            return null;
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String msg = String.valueOf(e.getMessage());
            unavailable = "JCuda's native library could not be loaded: " + msg.lines().findFirst().orElse(msg);
        } catch (Throwable e) {
            unavailable = "CUDA initialisation failed: " + e;
        }
        return unavailable;
    }

    /** Makes this GPU's context current on the calling thread (once per thread). */
    void makeCurrent() {
        if (!current.get()) {
            cuCtxSetCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        if (k == null) {
            throw new IllegalArgumentException("no kernel " + name);
        }
        return k;
    }

    void synchronize() {
        cuCtxSynchronize();
    }

    private ByteBuffer staging() {
        if (pinned == null) {
            pinned = new Pointer();
            cuMemAllocHost(pinned, STAGING_BYTES);
            pinnedBuffer = pinned.getByteBuffer(0, STAGING_BYTES).order(ByteOrder.nativeOrder());
        }
        return pinnedBuffer;
    }

    /** Moves {@code count} elements between a Java array and the pinned buffer, from element {@code from}. */
    @FunctionalInterface
    private interface Piece {
        void move(ByteBuffer pinnedBuffer, int from, int count);
    }

    /** Host to device through the pinned buffer, a piece at a time. */
    private void toDevice(CUdeviceptr dst, long count, Piece fill) {
        ByteBuffer b = staging();
        long perPiece = STAGING_BYTES / 4;
        for (long done = 0; done < count; done += perPiece) {
            int n = (int) Math.min(perPiece, count - done);
            b.clear();
            fill.move(b, (int) done, n);
            cuMemcpyHtoD(dst.withByteOffset(done * 4), pinned, (long) n * 4);
        }
    }

    /** Device to host through the pinned buffer, a piece at a time. */
    private void toHost(CUdeviceptr src, long count, Piece drain) {
        ByteBuffer b = staging();
        long perPiece = STAGING_BYTES / 4;
        for (long done = 0; done < count; done += perPiece) {
            int n = (int) Math.min(perPiece, count - done);
            cuMemcpyDtoH(pinned, src.withByteOffset(done * 4), (long) n * 4);
            b.clear();
            drain.move(b, (int) done, n);
        }
    }

    void upload(float[] src, CUdeviceptr dst, long count) {
        toDevice(dst, count, (b, from, n) -> b.asFloatBuffer().put(src, from, n));
    }

    void upload(int[] src, CUdeviceptr dst, long count) {
        toDevice(dst, count, (b, from, n) -> b.asIntBuffer().put(src, from, n));
    }

    void download(CUdeviceptr src, float[] dst, long count) {
        toHost(src, count, (b, from, n) -> b.asFloatBuffer().get(dst, from, n));
    }

    void download(CUdeviceptr src, int[] dst, long count) {
        toHost(src, count, (b, from, n) -> b.asIntBuffer().get(dst, from, n));
    }

    /** Reads a few 64-bit values back (flags, counters). */
    void download(DevicePointer src, long[] dst) {
        cuMemcpyDtoH(Pointer.to(dst), src, (long) dst.length * 8);
    }

    void upload(long[] src, DevicePointer dst) {
        cuMemcpyHtoD(dst, Pointer.to(src), (long) src.length * 8);
    }

    void close() {
        if (pinned != null) {
            cuMemFreeHost(pinned);
            pinned = null;
        }
        allocator.emptyCache();
    }

    @Override
    public String toString() {
        return deviceName + " (compute " + computeMajor + "." + computeMinor + ", driver " + driverVersion / 1000 + "."
                + driverVersion % 1000 / 10 + ")";
    }
}
