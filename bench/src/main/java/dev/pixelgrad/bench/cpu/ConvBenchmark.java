package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.tensor.ConvParams;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * conv2d (3x3, stride 1, padding 1, batch 1, with bias) on the shapes of VGG16's blocks, as in FCN's
 * encoder: forward, and backward (input gradient + weight gradient + bias gradient). The matching
 * PyTorch cases are in bench/python/cpu_bench.py; the CUDA twin is {@code cuda.CudaConvBenchmark}.
 *
 * <p>The GEMM under the convolution is chosen per JVM: add {@code -jvmArgsAppend -Dpixelgrad.cpu.gemm=ejml}
 * to measure the EJML path.
 */
public class ConvBenchmark extends ConvPasses {
    /** channels x size (input and output channels alike): VGG16 conv1_2, conv2_2, conv3_3, conv4_3 at 224x224. */
    @Param({"64x224", "128x112", "256x56", "512x28"})
    public String layer;

    @Setup(Level.Trial)
    public void setup() {
        open();
        p = ConvParams.of(1, 1);
        int[] n = numbers(layer, "(\\d+)x(\\d+)", "CxS (channels x size, e.g. 64x224)");
        int c = n[0];
        int size = n[1];
        x = normal(1f, 1, 1, c, size, size);
        w = normal(0.05f, 2, c, c, 3, 3);
        b = normal(0.1f, 3, c);
        gy = normal(1f, 4, 1, c, size, size);
    }
}
