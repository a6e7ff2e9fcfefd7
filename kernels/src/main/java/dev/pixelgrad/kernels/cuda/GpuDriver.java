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
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD16;
import static jcuda.driver.JCudaDriver.cuMemsetD32;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * A real GPU through JCuda's driver API: the device's primary context, our PTX modules (committed under
 * resources, built from kernels/src/main/cuda by build-ptx.sh), and launches on the default stream.
 * JCuda takes raw addresses as a pointer with a byte offset from zero, which its native side reads as
 * {@code nativePointer + byteOffset}.
 */
final class GpuDriver implements CudaDriver {
    private static final CUdeviceptr DEVICE_ZERO = new CUdeviceptr();

    private final String description;
    private final CUcontext context = new CUcontext();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);
    private final int driverVersion;
    private final int computeMajor;

    private GpuDriver(int ordinal) {
        CUdevice device = new CUdevice();
        cuDeviceGet(device, ordinal);
        byte[] name = new byte[256];
        cuDeviceGetName(name, name.length, device);
        String deviceName = new String(name, StandardCharsets.US_ASCII).replace("\0", "").trim();
        int[] v = new int[1];
        cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device);
        int major = v[0];
        computeMajor = major;
        cuDeviceGetAttribute(v, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device);
        int minor = v[0];
        cuDriverGetVersion(v);
        driverVersion = v[0];
        description = deviceName + " (compute " + major + "." + minor + ", driver " + version(driverVersion) + ")";
        cuDevicePrimaryCtxRetain(context, device);
        makeCurrent();
        // Kernels load their modules at first launch; one is loaded now so that a driver too old for our
        // PTX is reported when the backend starts.
        modules.put("elementwise", load("elementwise"));
    }

    private static String version(int v) {
        return v / 1000 + "." + v % 1000 / 10;
    }

    /**
     * GPU 0, or an exception whose message says why there is none to use. The caller has checked that the
     * driver (libcuda) and JCuda are there ({@link CudaRuntime}).
     */
    static GpuDriver open() {
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] count = new int[1];
            cuDeviceGetCount(count);
            if (count[0] == 0) {
                throw new IllegalStateException("the CUDA driver reports no GPU");
            }
            return new GpuDriver(0);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            String msg = String.valueOf(e.getMessage());
            throw new IllegalStateException("JCuda's native library could not be loaded: "
                    + msg.lines().findFirst().orElse(msg), e);
        } catch (CudaException e) {
            throw new IllegalStateException("CUDA initialisation failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void bindThread() {
        makeCurrent();
    }

    /** Makes this GPU's context current on the calling thread (once per thread). */
    private void makeCurrent() {
        if (!current.get()) {
            cuCtxSetCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    private static CUdeviceptr device(long address) {
        return DEVICE_ZERO.withByteOffset(address);
    }

    /** A host address as JCuda's Pointer. */
    private static final class HostAddress extends Pointer {
        HostAddress(long address) {
            super(address);
        }
    }

    /** Reads the address JCuda wrote into a pointer it allocated. */
    private static final class Allocated extends CUdeviceptr {
        long address() {
            return getNativePointer();
        }
    }

    private static final class AllocatedHost extends Pointer {
        long address() {
            return getNativePointer();
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public boolean emulated() {
        return false;
    }

    @Override
    public boolean ampereTensorCores() {
        return computeMajor >= 8;
    }

    @Override
    public long allocate(long bytes) {
        makeCurrent();
        Allocated p = new Allocated();
        try {
            cuMemAlloc(p, bytes);
        } catch (CudaException e) {
            if (e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                throw new DeviceOutOfMemoryException("out of GPU memory allocating " + bytes + " bytes");
            }
            throw e;
        }
        return p.address();
    }

    @Override
    public void free(long address) {
        makeCurrent();
        cuMemFree(device(address));
    }

    @Override
    public long allocateHost(long bytes) {
        makeCurrent();
        AllocatedHost p = new AllocatedHost();
        cuMemAllocHost(p, bytes);
        return p.address();
    }

    @Override
    public void copyToDevice(long dst, long srcHost, long bytes) {
        makeCurrent();
        cuMemcpyHtoD(device(dst), new HostAddress(srcHost), bytes);
    }

    @Override
    public void copyToHost(long dstHost, long src, long bytes) {
        makeCurrent();
        cuMemcpyDtoH(new HostAddress(dstHost), device(src), bytes);
    }

    @Override
    public void copyOnDevice(long dst, long src, long bytes) {
        makeCurrent();
        cuMemcpyDtoD(device(dst), device(src), bytes);
    }

    @Override
    public void fill32(long dst, int bits, long count) {
        makeCurrent();
        cuMemsetD32(device(dst), bits, count);
    }

    @Override
    public void fill16(long dst, short bits, long count) {
        makeCurrent();
        cuMemsetD16(device(dst), bits, count);
    }

    /** A kernel and its parameter block, both made once, so that a launch allocates nothing. */
    private record GpuFunction(CUfunction function, HostAddress params) implements Function {}

    @Override
    public Function function(String module, String kernel, String signature, long params) {
        makeCurrent();
        CUmodule m = modules.computeIfAbsent(module, this::load);
        CUfunction f = new CUfunction();
        cuModuleGetFunction(f, m, kernel);
        return new GpuFunction(f, new HostAddress(params));
    }

    private CUmodule load(String module) {
        CUmodule m = new CUmodule();
        try {
            cuModuleLoadData(m, ptx(module));
        } catch (CudaException e) {
            throw new IllegalStateException("the driver (CUDA " + version(driverVersion) + ") cannot load our PTX ("
                    + e.getMessage() + "); it was built by nvcc 13 and needs a CUDA 13 driver (R580 or newer)", e);
        }
        return m;
    }

    /** The PTX text of a module, NUL-terminated as cuModuleLoadData wants it. */
    private static byte[] ptx(String module) {
        String resource = "/dev/pixelgrad/kernels/cuda/ptx/" + module + ".ptx";
        try (InputStream in = GpuDriver.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing kernel resource " + resource);
            }
            byte[] text = in.readAllBytes();
            byte[] z = new byte[text.length + 1];
            System.arraycopy(text, 0, z, 0, text.length);
            return z;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read kernel resource " + resource + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void launch(Function f, int gridX, int gridY, int block) {
        makeCurrent();
        GpuFunction g = (GpuFunction) f;
        cuLaunchKernel(g.function(), gridX, gridY, 1, block, 1, 1, 0, null, g.params(), null);
    }

    @Override
    public void synchronize() {
        makeCurrent();
        cuCtxSynchronize();
    }
}
