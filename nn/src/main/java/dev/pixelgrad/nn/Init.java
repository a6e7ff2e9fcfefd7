package dev.pixelgrad.nn;

import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;

/** Weight initialisers. Fan-in and fan-out count [out, in, kh, kw] (a transposed conv swaps the first two). */
public final class Init {
    private Init() {}

    /** Normal(0, sqrt(2 / fan_in)): He et al. 2015, for layers followed by relu. */
    public static Tensor kaimingNormal(Shape s, long seed) {
        double fanIn = s.numel() / (double) s.dim(0);
        return Tensor.normal(s, 0f, (float) Math.sqrt(2.0 / fanIn), seed, Device.CPU);
    }

    /** Uniform(-a, a), a = sqrt(6 / (fan_in + fan_out)): Glorot and Bengio 2010. */
    public static Tensor xavierUniform(Shape s, long seed) {
        double receptive = s.numel() / (double) (s.dim(0) * s.dim(1));
        double fanIn = s.dim(1) * receptive;
        double fanOut = s.dim(0) * receptive;
        float a = (float) Math.sqrt(6.0 / (fanIn + fanOut));
        return Tensor.uniform(s, -a, a, seed, Device.CPU);
    }

    /**
     * The bilinear upsampling filter of a transposed convolution with kernel {@code k} (= 2 x factor):
     * weight [channels, channels, k, k], the 2-D tent filter on the diagonal pairs i -> i and zero
     * elsewhere, so each class map is upsampled on its own (the reference FCN's upsample_filt). For
     * k = 4 the 1-D filter is [0.25, 0.75, 0.75, 0.25].
     */
    public static Tensor bilinear(int channels, int k) {
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
        return Tensor.of(w, channels, channels, k, k);
    }
}
