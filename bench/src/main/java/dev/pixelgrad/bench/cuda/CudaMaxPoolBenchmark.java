package dev.pixelgrad.bench.cuda;

import dev.pixelgrad.bench.cpu.MaxPoolBenchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link MaxPoolBenchmark} on CUDA device 0: our pooling kernels against cuDNN's, the same shapes and
 * passes, each timed to completion (the device is synchronised after every call). Needs a GPU
 * (docs/gpu.md).
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"})
public class CudaMaxPoolBenchmark extends MaxPoolBenchmark {
    /** Our kernel or NVIDIA's (cuDNN). */
    @Param({"own", "vendor"})
    public String impl;

    @Override
    protected String implementation() {
        return impl;
    }

    @Override
    protected boolean onCuda() {
        return true;
    }
}
