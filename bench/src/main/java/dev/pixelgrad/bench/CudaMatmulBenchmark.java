package dev.pixelgrad.bench;

import dev.pixelgrad.kernels.cuda.Impl;
import dev.pixelgrad.kernels.cuda.Implementations;
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

/** Our tiled SGEMM against cuBLAS on square float32 products, timed to completion. Needs a GPU. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudaMatmulBenchmark {
    @Param({"own", "vendor"})
    public String impl;

    @Param({"1024", "4096"})
    public int n;

    private Backend cuda;
    private Tensor a;
    private Tensor b;

    @Setup(Level.Trial)
    public void setup() {
        Implementations.set("all", Impl.parse(impl));
        Device gpu = Device.cuda(0);
        cuda = Backends.of(gpu);
        a = Tensor.normal(Shape.of(n, n), 0f, 1f, 5, gpu);
        b = Tensor.normal(Shape.of(n, n), 0f, 1f, 6, gpu);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        a.close();
        b.close();
        Implementations.reset();
    }

    @Benchmark
    public void matmul(Blackhole bh) {
        try (Tensor c = Ops.matmul(a, b)) {
            cuda.synchronize();
            bh.consume(c);
        }
    }
}
