package dev.pixelgrad.bench;

import dev.pixelgrad.kernels.cuda.Impl;
import dev.pixelgrad.kernels.cuda.Implementations;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.backend.Backend;
import dev.pixelgrad.tensor.backend.Backends;
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
 * Our CUDA convolution (im2col + our SGEMM) against cuDNN: conv2d forward and backward on the VGG16
 * block shapes (batch 1, 3x3, padding 1, with bias), each timed to completion (the device is
 * synchronised after every call). Select the implementation with {@code -p impl=own|vendor}. Needs a GPU; run with
 * tools/gpu/run.sh on a CUDA host (see docs/gpu.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudaConvBenchmark {
    @Param({"own", "vendor"})
    public String impl;

    @Param({"64x224", "128x112", "256x56", "512x28"})
    public String layer;

    private static final Device GPU = Device.cuda(0);
    private Backend cuda;
    private Tensor x;
    private Tensor w;
    private Tensor b;
    private Tensor gy;
    private final ConvParams p = ConvParams.of(1, 1);

    @Setup(Level.Trial)
    public void setup() {
        Implementations.set("all", Impl.parse(impl));
        cuda = Backends.of(GPU);
        String[] parts = layer.split("x");
        int c = Integer.parseInt(parts[0]);
        int size = Integer.parseInt(parts[1]);
        x = Tensor.normal(Shape.of(1, c, size, size), 0f, 1f, 1, GPU);
        w = Tensor.normal(Shape.of(c, c, 3, 3), 0f, 0.05f, 2, GPU);
        b = Tensor.normal(Shape.of(c), 0f, 0.1f, 3, GPU);
        gy = Tensor.normal(Shape.of(1, c, size, size), 0f, 1f, 4, GPU);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (Tensor t : new Tensor[] {x, w, b, gy}) {
            t.close();
        }
        Implementations.reset();
    }

    @Benchmark
    public void convForward(Blackhole bh) {
        try (Tensor y = Ops.conv2d(x, w, b, p)) {
            cuda.synchronize();
            bh.consume(y);
        }
    }

    @Benchmark
    public void convBackward(Blackhole bh) {
        try (Tensor gx = Ops.conv2dBackwardData(gy, w, x.shape(), p);
             Tensor gw = Ops.conv2dBackwardWeight(gy, x, w.shape(), p);
             Tensor gb = Ops.sumPerChannel(gy)) {
            cuda.synchronize();
            bh.consume(gx);
            bh.consume(gw);
            bh.consume(gb);
        }
    }
}
