package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * conv_transpose2d as FCN's upsampling layers use it: 21 classes in and out, kernel 2f, stride f, no
 * padding, no bias, batch 1 (at a 500x500 input) unless the parameter names one. Forward; the input
 * gradient (backwardData, which every FCN training step runs); the weight gradient (backwardWeight,
 * which runs only when the upsampling learns: FCN's default keeps it frozen at bilinear weights).
 */
public class ConvTransposeBenchmark extends DeviceBenchmark {
    /**
     * Input channels x height x width, then kernel and stride: FCN-8s's upscore2 and upscore_pool4 (4x4,
     * stride 2) and upscore8 (16x16, stride 8), and FCN-32s's upscore (64x64, stride 32). A batch may come
     * first: {@code 8x21x18x18-k16s8} is the README demo's upscore8 on its batch of 8.
     */
    @Param({"21x16x16-k4s2", "21x34x34-k4s2", "21x70x70-k16s8", "21x16x16-k64s32"})
    public String layer;

    private Tensor x;
    private Tensor w;
    private Tensor gy;
    private ConvParams p;

    @Setup(Level.Trial)
    public void setup() {
        open();
        int[] n = numbers(withBatch(layer),
                "(\\d+)x(\\d+)x(\\d+)x(\\d+)-k(\\d+)s(\\d+)",
                "[Nx]CxHxW-kKsS (e.g. 21x16x16-k4s2, or 8x21x18x18-k16s8 for a batch of 8)");
        int c = n[1];
        int k = n[4];
        p = ConvParams.of(n[5], 0);
        x = normal(1f, 1, n[0], c, n[2], n[3]);
        w = normal(0.05f, 2, c, c, k, k);
        gy = normal(1f, 3, Ops.convTranspose2dOutputShape(x, w, null, p).dims());
    }

    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor y = Ops.convTranspose2d(x, w, null, p)) {
            sync();
            bh.consume(y);
        }
    }

    @Benchmark
    public void backwardData(Blackhole bh) {
        try (Tensor gx = Ops.convTranspose2dBackwardData(gy, w, x.shape(), p)) {
            sync();
            bh.consume(gx);
        }
    }

    @Benchmark
    public void backwardWeight(Blackhole bh) {
        try (Tensor gw = Ops.convTranspose2dBackwardWeight(gy, x, w.shape(), p)) {
            sync();
            bh.consume(gw);
        }
    }
}
