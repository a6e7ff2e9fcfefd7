package dev.pixelgrad.nn;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.function.Supplier;

/**
 * Weight initialisers. Fan-in and fan-out count [out, in, kh, kw] (a transposed conv swaps the first two).
 * They create their tensors on the CPU, or on the device that {@link #onDevice} names while it builds.
 */
public final class Init {
    private static final ThreadLocal<Device> DEVICE = ThreadLocal.withInitial(() -> Device.CPU);

    private Init() {}

    /**
     * Runs {@code build} (a module's construction, say) with the initialisers creating their tensors on
     * {@code device}. With {@link Device#META} a network gets parameters of the right shapes
     * without drawing a single weight: {@code Init.onDevice(Device.META, () -> Fcn.create(config))} takes
     * milliseconds where the 134M weights of a full FCN take seconds. The few tensors modules make
     * otherwise (zero biases) stay on the CPU; {@link Module#to} moves them.
     *
     * @param <T>    the type of what {@code build} makes
     * @param device where the initialisers create their tensors
     * @param build  the work, run on this thread
     * @return what {@code build} returned
     */
    public static <T> T onDevice(Device device, Supplier<T> build) {
        Device previous = DEVICE.get();
        DEVICE.set(device);
        try {
            return build.get();
        } finally {
            DEVICE.set(previous);
        }
    }

    /**
     * Normal(0, sqrt(2 / fan_in)): He et al. 2015, for layers followed by relu.
     *
     * @param s    the weight's shape; fan_in is the product of every dimension but the first
     * @param seed the stream of {@link dev.pixelgrad.tensor.CounterRng} to draw from
     * @return a float32 tensor, owned by the open scope or the caller
     */
    public static Tensor kaimingNormal(Shape s, long seed) {
        double fanIn = s.numel() / (double) s.dim(0);
        return Tensor.normal(s, 0f, (float) Math.sqrt(2.0 / fanIn), seed, DEVICE.get());
    }

    /**
     * Uniform(-a, a), a = sqrt(6 / (fan_in + fan_out)): Glorot and Bengio 2010.
     *
     * @param s    the weight's shape [out, in, ...], rank 2 or more
     * @param seed the stream of {@link dev.pixelgrad.tensor.CounterRng} to draw from
     * @return a float32 tensor, owned by the open scope or the caller
     */
    public static Tensor xavierUniform(Shape s, long seed) {
        double receptive = s.numel() / (double) (s.dim(0) * s.dim(1));
        double fanIn = s.dim(1) * receptive;
        double fanOut = s.dim(0) * receptive;
        float a = (float) Math.sqrt(6.0 / (fanIn + fanOut));
        return Tensor.uniform(s, -a, a, seed, DEVICE.get());
    }

    /**
     * The bilinear upsampling filter of a transposed convolution with kernel {@code k} (= 2 x factor):
     * weight [channels, channels, k, k], the 2-D tent filter on the diagonal pairs i -> i and zero
     * elsewhere, so each class map is upsampled on its own (the reference FCN's upsample_filt). For
     * k = 4 the 1-D filter is [0.25, 0.75, 0.75, 0.25].
     *
     * @param channels the number of maps, in and out (the classes, in FCN)
     * @param k        the kernel size: 4 to upsample by 2, 16 by 8, 64 by 32
     * @return the weight [channels, channels, k, k], owned by the open scope or the caller
     */
    public static Tensor bilinear(int channels, int k) {
        Device device = DEVICE.get();
        if (device.isMeta()) {
            return Tensor.empty(Shape.of(channels, channels, k, k), DType.FLOAT32, device);
        }
        int factor = (k + 1) / 2;
        double center = k % 2 == 1 ? factor - 1 : factor - 0.5;
        float[] filt = new float[k * k];
        for (int y = 0; y < k; y++) {
            for (int x = 0; x < k; x++) {
                filt[y * k + x] = (float) ((1 - Math.abs(y - center) / factor) * (1 - Math.abs(x - center) / factor));
            }
        }
        float[] w = new float[channels * channels * k * k];
        for (int c = 0; c < channels; c++) {
            System.arraycopy(filt, 0, w, (c * channels + c) * k * k, k * k);
        }
        Tensor host = Tensor.of(w, channels, channels, k, k);
        if (device.isCpu()) {
            return host;
        }
        try (host) {
            return host.to(device);
        }
    }
}
