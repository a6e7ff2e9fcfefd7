package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.kernels.cpu.Sgemm;
import dev.pixelgrad.tensor.CounterRng;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * 1024 x 1024 x 1024 single-precision matrix multiply with each CPU GEMM, called directly on arrays: EJML
 * and the Vector API kernel. (The CUDA benchmark of matmul, {@code cuda.CudaMatmulBenchmark}, goes through
 * {@code Ops.matmul} and compares our kernel with cuBLAS.)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class MatmulBenchmark {
    @Param({"vector", "ejml"})
    public String gemm;

    @Param({"1024"})
    public int n;

    private Sgemm impl;
    private float[] a;
    private float[] b;
    private float[] c;

    @Setup
    public void setup() {
        impl = Sgemm.named(gemm);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < n * n; i++) {
            a[i] = CounterRng.uniform(1, i);
            b[i] = CounterRng.uniform(2, i);
        }
    }

    @Benchmark
    public float[] matmul() {
        impl.gemm(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c;
    }
}
