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
 * relu into a new tensor, and its backward pass (the upstream gradient where the output is positive),
 * batch 1, on FCN's largest activation and two later ones at a 500x500 input.
 */
public class ReluBenchmark extends DeviceBenchmark {
    /** channels x height x width: after conv1_1/conv1_2, after conv4_x, after fc6/fc7. */
    @Param({"64x698x698", "512x88x88", "4096x16x16"})
    public String shape;

    private Tensor x;
    private Tensor y;
    private Tensor gy;

    @Setup(Level.Trial)
    public void setup() {
        open();
        x = normal(1f, 1, batchOfOne(shape));
        y = keep(Ops.relu(x));
        gy = normal(1f, 2, batchOfOne(shape));
    }

    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor out = Ops.relu(x)) {
            sync();
            bh.consume(out);
        }
    }

    @Benchmark
    public void backward(Blackhole bh) {
        try (Tensor gx = Ops.reluBackward(gy, y)) {
            sync();
            bh.consume(gx);
        }
    }
}
