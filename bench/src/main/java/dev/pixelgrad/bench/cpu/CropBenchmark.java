package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Caffe's crop as FCN-8s uses it, into a new tensor: a square window at a fixed offset from the top-left
 * of the spatial axes, batch 1, at a 500x500 input. Backward writes the gradient into a zero tensor of the
 * input's shape.
 */
public class CropBenchmark extends DeviceBenchmark {
    /**
     * Input channels x height x width, the offset, the window's side: score_pool4 cropped to upscore2,
     * score_pool3 cropped to upscore_pool4, upscore8 cropped to the 500x500 input.
     */
    @Param({"21x44x44-off5-34", "21x88x88-off9-70", "21x568x568-off31-500"})
    public String crop;

    private Tensor x;
    private Tensor gy;
    private int offset;
    private int size;

    @Setup(Level.Trial)
    public void setup() {
        open();
        int[] n = numbers(crop, "(\\d+)x(\\d+)x(\\d+)-off(\\d+)-(\\d+)", "CxHxW-offO-S (e.g. 21x44x44-off5-34)");
        offset = n[3];
        size = n[4];
        x = normal(1f, 1, 1, n[0], n[1], n[2]);
        gy = normal(1f, 2, 1, n[0], size, size);
    }

    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor y = Ops.crop(x, offset, offset, size, size)) {
            sync();
            bh.consume(y);
        }
    }

    @Benchmark
    public void backward(Blackhole bh) {
        try (Tensor gx = Ops.cropBackward(gy, x.shape(), offset, offset)) {
            sync();
            bh.consume(gx);
        }
    }
}
