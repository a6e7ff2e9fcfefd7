package dev.pixelgrad.bench.cuda;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** Our tiled SGEMM against cuBLAS on square float32 products, timed to completion. Needs a GPU. */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudaMatmulBenchmark extends DeviceBenchmark {
    /** Our kernel or NVIDIA's (cuBLAS). */
    @Param({"own", "vendor"})
    public String impl;

    @Param({"1024", "4096"})
    public int n;

    private Tensor a;
    private Tensor b;

    @Override
    protected boolean onCuda() {
        return true;
    }

    @Override
    protected String implementation() {
        return impl;
    }

    @Setup(Level.Trial)
    public void setup() {
        open();
        a = normal(1f, 5, n, n);
        b = normal(1f, 6, n, n);
    }

    @Benchmark
    public void matmul(Blackhole bh) {
        try (Tensor c = Ops.matmul(a, b)) {
            sync();
            bh.consume(c);
        }
    }
}
