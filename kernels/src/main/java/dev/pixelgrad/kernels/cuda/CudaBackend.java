package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.HostStorage;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Storage;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.backend.Backend;
import java.lang.System.Logger.Level;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The CUDA backend: a thin dispatcher over the op families ({@link ElementwiseCuda}, {@link ReduceCuda},
 * {@link LossCuda}, {@link PoolCuda}, {@link ConvCuda}, {@link GemmCuda}, {@link OptimizerCuda}), which
 * mirror the CPU backend's. Each family runs our own kernels (kernels/src/main/cuda, launched through
 * the typed launchers of {@link Kernels}) and, where it has one, NVIDIA's library (cuDNN, cuBLAS),
 * chosen per op by {@link Implementations}. The device underneath is a real GPU or the host-emulated
 * device ({@link CudaDriver}); everything above the driver is the same for both.
 *
 * <p>Constructing this class touches no native code; the device is looked for the first time a tensor
 * is put on it (or {@link #unavailableReason} is asked), and without one the backend reports why and
 * the rest of Pixelgrad keeps working on the CPU.
 *
 * <p>Every op, copy and allocation holds this backend's lock: kernels share their parameter blocks and
 * transfers share the staging buffer. (Releasing memory needs only the allocator's own lock.)
 */
public final class CudaBackend implements Backend {
    private static final System.Logger LOG = System.getLogger("dev.pixelgrad.kernels");

    private volatile Families families;

    /**
     * The backend, with no device yet: {@link java.util.ServiceLoader} makes the one instance
     * {@code Backends} uses, and the device is looked for on first use.
     */
    public CudaBackend() {}

    /** Everything that needs the device, made once. */
    private record Families(CudaRuntime rt, VendorLibraries vendor, ElementwiseCuda elementwise, ReduceCuda reduce,
                            LossCuda loss, PoolCuda pool, GemmCuda gemm, ConvCuda conv, OptimizerCuda optimizer) {
        static Families create(CudaRuntime rt) {
            rt.driver.bindThread(); // cuBLAS and cuDNN make their handles in the current context
            VendorLibraries vendor = VendorLibraries.load(rt.driver);
            if (vendor.missing() != null && !rt.driver.emulated()) {
                LOG.log(Level.INFO, "CUDA: " + vendor.missing() + "; those ops run on Pixelgrad's own kernels");
            }
            ElementwiseCuda elementwise = new ElementwiseCuda(rt);
            ReduceCuda reduce = new ReduceCuda(rt, vendor, elementwise);
            GemmCuda gemm = new GemmCuda(rt, vendor);
            return new Families(rt, vendor, elementwise, reduce, new LossCuda(rt, reduce),
                    new PoolCuda(rt, vendor, elementwise), gemm, new ConvCuda(rt, gemm, vendor, elementwise),
                    new OptimizerCuda(rt));
        }
    }

    /** The op families, made on first use, with the device bound to the calling thread. */
    private Families families() {
        Families s = families;
        if (s == null) {
            synchronized (this) {
                s = families;
                if (s == null) {
                    s = Families.create(CudaRuntime.get());
                    families = s;
                }
            }
        }
        s.rt().driver.bindThread();
        return s;
    }

    // ------------------------------------------------------------------ identity and memory

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public DeviceType deviceType() {
        return DeviceType.CUDA;
    }

    @Override
    public String unavailableReason() {
        return CudaRuntime.unavailableReason();
    }

    @Override
    public String describe() {
        Families s = families();
        return "cuda: " + s.rt() + ", " + s.vendor().describe();
    }

    /**
     * Whether the device underneath is the host-emulated one (see {@link CudaDriver}).
     *
     * @return whether it is emulated
     * @throws IllegalStateException if there is no usable device
     */
    public boolean emulated() {
        return families().rt().driver.emulated();
    }

    /**
     * Whether the device multiplies TF32 and BF16 on tensor cores (compute capability 8.0+, Ampere and
     * newer, or the emulated device), so that {@link dev.pixelgrad.tensor.Precision#TF32} changes what runs
     * and bfloat16 matrix products can run at all.
     *
     * @return whether TF32 and BF16 run on tensor cores here
     * @throws IllegalStateException if there is no usable device
     */
    public boolean ampereTensorCores() {
        return families().rt().driver.ampereTensorCores();
    }

    /** The bfloat16 forms of the ops (Ops says which) all run here; the matrix products need BF16 tensor cores. */
    @Override
    public boolean computesBfloat16() {
        return true;
    }

    @Override
    public synchronized void synchronize() {
        families().rt().synchronize();
    }

    @Override
    public Map<String, Long> memoryStats() {
        CachingAllocator.Stats st = families().rt().allocator.stats();
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("live_bytes", st.liveBytes());
        m.put("cached_bytes", st.cachedBytes());
        m.put("peak_bytes", st.peakBytes());
        m.put("driver_allocations", st.driverAllocations());
        return m;
    }

    @Override
    public void resetPeakMemory() {
        families().rt().allocator.resetPeak();
    }

    @Override
    public synchronized Storage allocate(DType dtype, long numel, Device device) {
        if (device.index() != 0) {
            throw new IllegalArgumentException("only cuda:0 is supported, got " + device);
        }
        return new CudaStorage(device, dtype, numel, families().rt().allocator);
    }

    @Override
    public synchronized void copy(Tensor src, Tensor dst) {
        CudaRuntime rt = families().rt();
        long n = src.numel();
        if (src.storage() instanceof HostStorage h) {
            switch (src.dtype()) {
                case FLOAT32 -> rt.upload(h.floats(), addressOf(dst), n);
                case INT32 -> rt.upload(h.ints(), addressOf(dst), n);
                case BFLOAT16 -> rt.upload(h.bf16Bits(), addressOf(dst), n);
            }
        } else if (dst.storage() instanceof HostStorage h) {
            switch (dst.dtype()) {
                case FLOAT32 -> rt.download(addressOf(src), h.floats(), n);
                case INT32 -> rt.download(addressOf(src), h.ints(), n);
                case BFLOAT16 -> rt.download(addressOf(src), h.bf16Bits(), n);
            }
        } else {
            rt.driver.copyOnDevice(addressOf(dst), addressOf(src), n * src.dtype().byteSize());
        }
    }

    @Override
    public synchronized void fill(Tensor dst, float value) {
        families().rt().fill(dst, value);
    }

    @Override
    public synchronized void cast(Tensor src, Tensor dst) {
        families().elementwise().cast(src, dst);
    }

    // ------------------------------------------------------------------ element-wise

    @Override
    public synchronized void add(Tensor a, Tensor b, Tensor out) {
        families().elementwise().add(a, b, out);
    }

    @Override
    public synchronized void addChannelBias(Tensor x, Tensor bias, Tensor out) {
        families().elementwise().addChannelBias(x, bias, out);
    }

    @Override
    public synchronized void scale(Tensor x, float s, Tensor out) {
        families().elementwise().scale(x, s, out);
    }

    @Override
    public synchronized void relu(Tensor x, Tensor out) {
        families().elementwise().relu(x, out);
    }

    @Override
    public synchronized void reluBackward(Tensor gy, Tensor y, Tensor gx) {
        families().elementwise().reluBackward(gy, y, gx);
    }

    @Override
    public synchronized void crop(Tensor x, int offH, int offW, Tensor out) {
        families().elementwise().crop(x, offH, offW, out);
    }

    @Override
    public synchronized void cropBackward(Tensor gy, int offH, int offW, Tensor gx) {
        families().elementwise().cropBackward(gy, offH, offW, gx);
    }

    @Override
    public synchronized void dropout(Tensor x, float p, long seed, Tensor out) {
        families().elementwise().dropout(x, p, seed, out);
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public synchronized void sum(Tensor x, Tensor out) {
        families().reduce().sum(x, out);
    }

    @Override
    public synchronized void sumPerChannel(Tensor x, Tensor out) {
        families().reduce().sumPerChannel(x, out);
    }

    @Override
    public synchronized void reluBackwardSumPerChannel(Tensor gy, Tensor y, Tensor gradBias) {
        families().reduce().reluBackwardSumPerChannel(gy, y, gradBias);
    }

    @Override
    public synchronized void broadcastScalar(Tensor scalar, float scale, Tensor out) {
        families().elementwise().broadcastScalar(scalar, scale, out);
    }

    @Override
    public synchronized void argmaxChannels(Tensor x, Tensor out) {
        families().reduce().argmaxChannels(x, out);
    }

    // ------------------------------------------------------------------ convolution

    @Override
    public synchronized void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        families().conv().conv2d(x, w, bias, p, false, out);
    }

    @Override
    public synchronized void conv2dRelu(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        families().conv().conv2d(x, w, bias, p, true, out);
    }

    @Override
    public synchronized void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        families().conv().conv2dBackwardData(gy, w, p, gx);
    }

    @Override
    public synchronized void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        families().conv().conv2dBackwardWeight(gy, x, p, gw);
    }

    @Override
    public synchronized void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        families().conv().convTranspose2d(x, w, bias, p, out);
    }

    @Override
    public synchronized void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        families().conv().convTranspose2dBackwardData(gy, w, p, gx);
    }

    @Override
    public synchronized void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        families().conv().convTranspose2dBackwardWeight(gy, x, p, gw);
    }

    // ------------------------------------------------------------------ pooling

    @Override
    public synchronized void maxPool2d(Tensor x, PoolParams p, Tensor out, Tensor indices) {
        families().pool().forward(x, p, out, indices);
    }

    @Override
    public synchronized void maxPool2dBackward(Tensor gy, Tensor x, Tensor y, Tensor indices, PoolParams p, Tensor gx) {
        families().pool().backward(gy, x, y, indices, p, gx);
    }

    // ------------------------------------------------------------------ loss, matmul, optimizers, metrics

    @Override
    public synchronized void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor classWeights, int ignoreIndex,
                                                 Reduction reduction, Tensor loss, Tensor gradLogits) {
        families().loss().softmaxCrossEntropy(logits, labels, classWeights, ignoreIndex, reduction, loss, gradLogits);
    }

    @Override
    public synchronized void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        families().gemm().matmul(a, transA, b, transB, out);
    }

    @Override
    public synchronized void sgdStep(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay) {
        families().optimizer().sgd(w, g, v, lr, momentum, weightDecay);
    }

    @Override
    public synchronized void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2,
                                      float eps, float weightDecay, long step) {
        families().optimizer().adam(w, g, m, v, lr, beta1, beta2, eps, weightDecay, step);
    }

    @Override
    public synchronized void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts) {
        families().reduce().confusionMatrix(predictions, labels, ignoreIndex, counts);
    }
}
