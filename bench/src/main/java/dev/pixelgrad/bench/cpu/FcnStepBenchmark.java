package dev.pixelgrad.bench.cpu;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.bench.DeviceBenchmark;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.nn.Adam;
import dev.pixelgrad.nn.Optimizer;
import dev.pixelgrad.nn.ParamGroup;
import dev.pixelgrad.nn.Sgd;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One whole FCN-8s training step on the CPU, as the trainer runs it: forward (dropout on), softmax
 * cross-entropy over 21 classes with label 255 ignored, backward, and the optimizer's update. The
 * PyTorch twin (the same net, loss and optimizer) is {@code FcnStepBenchmark.step} in
 * bench/python/cpu_bench.py.
 *
 * <p>{@code net} is {@code b<batch>-<size>px-w1[/<d>]-<optimizer>}: batch, square image size, the
 * width multiplier (1 or 1/d) and {@code adam} (the demo's: 1e-3, betas 0.9 and 0.999) or {@code sgd}
 * (the reference recipe's: momentum 0.99, weight decay 5e-4; biases at twice the rate, no decay). The
 * defaults are the README demo's step (width 1/8, batch 8 of 64x64) and the full-width net at a small
 * size (batch 1 of 128x128: with the reference padding of 100 its first layers still see 326x326).
 */
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 4, time = 5)
public class FcnStepBenchmark extends DeviceBenchmark {
    private static final Pattern NET = Pattern.compile("b(\\d+)-(\\d+)px-w1(?:/(\\d+))?-(adam|sgd)");
    private static final int CLASSES = 21;

    /** The step's batch, image size, width and optimizer. */
    @Param({"b8-64px-w1/8-adam", "b1-128px-w1-sgd"})
    public String net;

    private Fcn model;
    private Optimizer optimizer;
    private Tensor image;
    private Tensor labels;

    @Setup(Level.Trial)
    public void setup() {
        open();
        Matcher m = NET.matcher(net);
        if (!m.matches()) {
            throw new IllegalArgumentException("parameter '" + net + "' does not have the form "
                    + "b<batch>-<size>px-w1[/<d>]-<adam|sgd> (e.g. b8-64px-w1/8-adam)");
        }
        int batch = Integer.parseInt(m.group(1));
        int size = Integer.parseInt(m.group(2));
        float width = m.group(3) == null ? 1f : 1f / Integer.parseInt(m.group(3));
        model = Fcn.create(new FcnConfig("fcn8s", CLASSES, width, false, Preprocessing.CAFFE, 7));
        model.train(true);
        List<ParamGroup> groups = ParamGroup.caffeRecipe(model);
        optimizer = m.group(4).equals("adam")
                ? new Adam(groups, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f)
                : new Sgd(groups, 1e-10f, 0.99f, 5e-4f);
        // Caffe-preprocessed pixels (mean-subtracted BGR) span about -128..128.
        image = keep(Tensor.uniform(Shape.of(batch, 3, size, size), -100f, 100f, 11, device()));
        labels = keep(Tensor.ofInts(scatteredLabels(batch * size * size, CLASSES), batch, size, size));
        step(); // the optimizer's state exists before the timing starts
    }

    @Benchmark
    public float step() {
        try (Scope s = Scope.open()) {
            Variable loss = F.softmaxCrossEntropy(model.forward(Variable.of(image)), labels, 255, Reduction.MEAN);
            float value = loss.item();
            loss.backward();
            optimizer.step();
            return value;
        }
    }
}
