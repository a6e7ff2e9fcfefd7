package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Ops;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * The convolutions of FCN-8s at a 500x500 input that are not VGG16's 3x3 block shapes ({@link ConvBenchmark}):
 * conv1_1 with its padding of 100, fc6 as a 7x7 convolution, fc7 and the score layers as 1x1
 * convolutions. Stride 1, with bias, batch 1 unless the parameter names one. Forward, and backward (input + weight + bias gradients;
 * a training step skips conv1_1's input gradient, the image needing none).
 */
public class FcnConvBenchmark extends ConvPasses {
    /**
     * Input channels x height x width, then output channels, kernel and padding: conv1_1, fc6, fc7,
     * score_fr, score_pool4, score_pool3. A fourth size in front is a batch: {@code 8x16x66x66-32k3p1}.
     */
    @Param({"3x500x500-64k3p100", "512x22x22-4096k7p0", "4096x16x16-4096k1p0", "4096x16x16-21k1p0",
            "512x44x44-21k1p0", "256x88x88-21k1p0"})
    public String layer;

    @Setup(Level.Trial)
    public void setup() {
        open();
        int[] n = numbers(withBatch(layer),
                "(\\d+)x(\\d+)x(\\d+)x(\\d+)-(\\d+)k(\\d+)p(\\d+)",
                "[Nx]CinxHxW-CoutkKpP (e.g. 512x22x22-4096k7p0, or 8x16x131x131-32k3p1 for a batch of 8)");
        int cin = n[1];
        int cout = n[4];
        int k = n[5];
        p = ConvParams.of(1, n[6]);
        x = normal(1f, 1, n[0], cin, n[2], n[3]);
        w = normal((float) Math.sqrt(2.0 / (cin * k * k)), 2, cout, cin, k, k);
        b = normal(0.1f, 3, cout);
        gy = normal(1f, 4, Ops.conv2dOutputShape(x, w, b, p).dims());
    }
}
