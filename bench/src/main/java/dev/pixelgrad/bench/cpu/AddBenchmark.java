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
 * Element-wise a + b into a new tensor, as FCN-8s fuses its skip connections (the upsampled scores plus
 * the cropped scores of pool4, then of pool3). Its backward pass hands the gradient through unchanged,
 * so there is no backward kernel to time.
 */
public class AddBenchmark extends DeviceBenchmark {
    /** channels x height x width, batch 1: fuse_pool4 and fuse_pool3 at a 500x500 input. */
    @Param({"21x34x34", "21x70x70"})
    public String shape;

    private Tensor a;
    private Tensor b;

    @Setup(Level.Trial)
    public void setup() {
        open();
        a = normal(1f, 1, batchOfOne(shape));
        b = normal(1f, 2, batchOfOne(shape));
    }

    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor y = Ops.add(a, b)) {
            sync();
            bh.consume(y);
        }
    }
}
