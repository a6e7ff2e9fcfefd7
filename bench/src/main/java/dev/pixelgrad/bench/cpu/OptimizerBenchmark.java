package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * One optimizer update, in place, of a parameter the size of an FCN weight: Adam (betas 0.9 and 0.999,
 * eps 1e-8, L2 weight decay 5e-4, as torch.optim.Adam; what {@code nn.Adam} runs per parameter) and SGD
 * with momentum 0.99 and weight decay 5e-4 (Caffe's rule, FCN's reference recipe; {@code nn.Sgd}). Each
 * reads the weight, its gradient and its state and writes the weight and the state back: memory-bound.
 */
public class OptimizerBenchmark extends DeviceBenchmark {
    /**
     * The weight's shape: conv5_x (2.4M values), fc7 (16.8M), fc6 (102.8M; weight, gradient and Adam's
     * state take 1.6 GB).
     */
    @Param({"512x512x3x3", "4096x4096x1x1", "4096x512x7x7"})
    public String shape;

    private Tensor w;
    private Tensor g;
    private Tensor m;
    private Tensor v;
    private long step;

    @Setup(Level.Trial)
    public void setup() {
        open();
        int[] dims = batchOfOne(shape);
        int[] weight = Arrays.copyOfRange(dims, 1, dims.length);
        w = normal(0.01f, 1, weight);
        g = normal(0.001f, 2, weight);
        m = keep(Tensor.zeros(Shape.of(weight), DType.FLOAT32, device()));
        v = keep(Tensor.zeros(Shape.of(weight), DType.FLOAT32, device()));
        step = 0;
    }

    @Benchmark
    public void adam(Blackhole bh) {
        Ops.adamStep(w, g, m, v, 1e-4f, 0.9f, 0.999f, 1e-8f, 5e-4f, ++step);
        sync();
        bh.consume(w);
    }

    @Benchmark
    public void sgd(Blackhole bh) {
        Ops.sgdStep(w, g, m, 1e-4f, 0.99f, 5e-4f);
        sync();
        bh.consume(w);
    }
}
