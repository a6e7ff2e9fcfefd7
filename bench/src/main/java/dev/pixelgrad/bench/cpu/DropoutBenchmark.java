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
 * Inverted element-wise dropout with probability 0.5 (FCN's drop6 and drop7), batch 1. The mask is a
 * function of a seed and the element index, so the backward pass is the same op on the gradient: both are
 * timed, to set beside PyTorch's, whose forward draws and keeps a mask and whose backward multiplies by it.
 */
public class DropoutBenchmark extends DeviceBenchmark {
    /** channels x height x width: fc6's and fc7's output at a 500x500 input. */
    @Param({"4096x16x16"})
    public String shape;

    private Tensor x;
    private Tensor gy;

    @Setup(Level.Trial)
    public void setup() {
        open();
        x = normal(1f, 1, batchOfOne(shape));
        gy = normal(1f, 2, batchOfOne(shape));
    }

    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor y = Ops.dropout(x, 0.5f, 7)) {
            sync();
            bh.consume(y);
        }
    }

    @Benchmark
    public void backward(Blackhole bh) {
        try (Tensor gx = Ops.dropout(gy, 0.5f, 7)) {
            sync();
            bh.consume(gx);
        }
    }
}
