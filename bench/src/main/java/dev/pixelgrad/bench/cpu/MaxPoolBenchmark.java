package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Max pooling with a 2x2 window, stride 2 and ceil mode (Caffe's rounding, which FCN relies on: an odd
 * size such as 349 pools to 175), batch 1, on FCN-8s's pool1 to pool5 at a 500x500 input. Forward gives
 * the output and the argmax indices; backward scatters the output gradient to the winning positions.
 */
public class MaxPoolBenchmark extends DeviceBenchmark {
    /** The pool's input, channels x height x width: pool1, pool2, pool3, pool4, pool5. */
    @Param({"64x698x698", "128x349x349", "256x175x175", "512x88x88", "512x44x44"})
    public String shape;

    private final PoolParams p = PoolParams.of(2, 2, 0, true);
    private Tensor x;
    private Ops.Pooled pooled;
    private Tensor gy;

    @Setup(Level.Trial)
    public void setup() {
        open();
        x = normal(1f, 1, batchOfOne(shape));
        pooled = Ops.maxPool2d(x, p);
        keep(pooled.output());
        keep(pooled.indices());
        gy = normal(1f, 2, pooled.output().shape().dims());
    }

    @Benchmark
    public void forward(Blackhole bh) {
        Ops.Pooled r = Ops.maxPool2d(x, p);
        try (Tensor y = r.output(); Tensor idx = r.indices()) {
            sync();
            bh.consume(y);
            bh.consume(idx);
        }
    }

    @Benchmark
    public void backward(Blackhole bh) {
        try (Tensor gx = Ops.maxPool2dBackward(gy, x, pooled, p)) {
            sync();
            bh.consume(gx);
        }
    }
}
