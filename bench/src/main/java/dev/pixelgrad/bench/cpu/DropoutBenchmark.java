package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Tensor;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Inverted element-wise dropout with probability 0.5 (FCN's drop6 and drop7), batch 1. The mask is a
 * function of a seed and the element index, so the backward pass is the same op on the gradient: both are
 * timed, to set beside PyTorch's, whose forward draws and keeps a mask and whose backward multiplies by it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx8g"})
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

    @TearDown(Level.Trial)
    public void tearDown() {
        closeAll();
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
