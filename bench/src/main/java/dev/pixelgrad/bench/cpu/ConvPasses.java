package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The timed passes of a convolution benchmark: forward, and backward (input + weight + bias gradients).
 * Subclasses ({@link ConvBenchmark}, {@link FcnConvBenchmark}) set the tensors and parameters in their
 * {@code @Setup} from their own shape parameter.
 */
public abstract class ConvPasses extends DeviceBenchmark {
    protected Tensor x;
    protected Tensor w;
    protected Tensor b;
    protected Tensor gy;
    protected ConvParams p;

    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor y = Ops.conv2d(x, w, b, p)) {
            sync();
            bh.consume(y);
        }
    }

    @Benchmark
    public void backward(Blackhole bh) {
        try (Tensor gx = Ops.conv2dBackwardData(gy, w, x.shape(), p);
             Tensor gw = Ops.conv2dBackwardWeight(gy, x, w.shape(), p);
             Tensor gb = Ops.sumPerChannel(gy)) {
            sync();
            bh.consume(gx);
            bh.consume(gw);
            bh.consume(gb);
        }
    }
}
