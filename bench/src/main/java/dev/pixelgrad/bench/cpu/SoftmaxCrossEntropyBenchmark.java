package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Softmax cross-entropy over the class axis with ignore label 255, mean over the labelled pixels, batch 1:
 * FCN's loss on a 500x500 image of 21 classes. Labels are pseudo-random classes with every tenth pixel
 * 255 (VOC marks object borders so). {@code forward} computes the loss alone; {@code forwardBackward} the
 * loss and its gradient with respect to the logits, which one pass gives (what a training step runs).
 */
public class SoftmaxCrossEntropyBenchmark extends DeviceBenchmark {
    /** classes x height x width of the logits. */
    @Param({"21x500x500"})
    public String shape;

    private Tensor logits;
    private Tensor labels;

    @Setup(Level.Trial)
    public void setup() {
        open();
        int[] dims = batchOfOne(shape);
        logits = normal(1f, 1, dims);
        int classes = dims[1];
        int[] lab = scatteredLabels(dims[2] * dims[3], classes);
        for (int i = 0; i < lab.length; i += 10) {
            lab[i] = 255; // every tenth pixel ignored
        }
        labels = keep(Tensor.ofInts(lab, Shape.of(1, dims[2], dims[3])));
    }

    @Benchmark
    public void forward(Blackhole bh) {
        try (Tensor loss = Ops.softmaxCrossEntropy(logits, labels, 255, Reduction.MEAN, false).loss()) {
            sync();
            bh.consume(loss);
        }
    }

    @Benchmark
    public void forwardBackward(Blackhole bh) {
        Ops.LossAndGrad r = Ops.softmaxCrossEntropy(logits, labels, 255, Reduction.MEAN, true);
        try (Tensor loss = r.loss(); Tensor grad = r.gradLogits()) {
            sync();
            bh.consume(loss);
            bh.consume(grad);
        }
    }
}
