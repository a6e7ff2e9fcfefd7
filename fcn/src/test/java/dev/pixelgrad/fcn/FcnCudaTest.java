package dev.pixelgrad.fcn;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static dev.pixelgrad.tensor.testing.Approx.normwiseError;
import static dev.pixelgrad.tensor.testing.Approx.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.kernels.cuda.CudaBackend;
import dev.pixelgrad.kernels.cuda.Impl;
import dev.pixelgrad.kernels.cuda.Implementations;
import dev.pixelgrad.nn.ParamGroup;
import dev.pixelgrad.nn.Sgd;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.testing.DeviceTests;
import dev.pixelgrad.tensor.backend.Backends;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A whole FCN-8s training step on the CUDA backend against the same step on the CPU, with each
 * implementation setting, and device memory across steps. Runs on a real GPU or on the host-emulated
 * device (the default under Maven, see docs/gpu.md), where only Pixelgrad's own kernels exist.
 */
class FcnCudaTest {
    static final Device GPU = Device.cuda(0);

    @BeforeEach
    void needsGpu() {
        DeviceTests.needCuda();
    }

    @AfterEach
    void resetImplementation() {
        Implementations.reset();
    }

    private static Tensor labels() {
        int[] lab = new int[29 * 22];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 9 == 0 ? 255 : (i / 7) % 3;
        }
        return Tensor.ofInts(lab, 1, 29, 22);
    }

    /**
     * Forward and backward, leaving the gradients on the parameters; returns the loss. Dropout is on, drawing
     * the same counter-based masks on both devices.
     */
    private static float backward(Fcn model, Tensor image, Tensor labels, Device device) {
        try (Scope s = Scope.open()) {
            Variable loss = F.softmaxCrossEntropy(model.forward(Variable.of(image.to(device))), labels.to(device), 255,
                    Reduction.MEAN);
            loss.backward();
            return loss.item();
        }
    }

    /** One SGD step; returns the loss. */
    private static float step(Fcn model, Sgd sgd, Tensor image, Tensor labels, Device device) {
        float loss = backward(model, image, labels, device);
        sgd.step();
        return loss;
    }

    @Test
    void aTrainingStepMatchesTheCpu() {
        // On the emulated device AUTO is OWN: run it once.
        boolean emulated = ((CudaBackend) Backends.of(GPU)).emulated();
        FcnConfig reference = new FcnConfig("fcn8s", 3, 1f / 16, false, Preprocessing.CAFFE, 3);
        // The same-padded VGG19 net pads its input (29x22 to 32x32) and runs fc6 (7x7, padding 3) on a 1x1 map.
        FcnConfig same = reference.with(Encoder.VGG19).with(Padding.SAME);
        for (Impl impl : emulated ? List.of(Impl.OWN) : List.of(Impl.AUTO, Impl.OWN)) {
            for (FcnConfig cfg : List.of(reference, same)) {
                stepsMatch(impl, cfg);
            }
        }
    }

    /** The same model on the CPU and on the GPU, each with its SGD (the Caffe recipe's groups). */
    private record Twins(Fcn cpu, Sgd sgdCpu, Fcn gpu, Sgd sgdGpu) {
        static Twins of(FcnConfig cfg) {
            Fcn cpu = Fcn.create(cfg);
            Fcn gpu = Fcn.create(cfg);
            gpu.to(GPU);
            return new Twins(cpu, new Sgd(ParamGroup.caffeRecipe(cpu), 1e-3f, 0.9f, 5e-4f), gpu,
                    new Sgd(ParamGroup.caffeRecipe(gpu), 1e-3f, 0.9f, 5e-4f));
        }
    }

    private static Tensor image() {
        return Tensor.uniform(Shape.of(1, 3, 29, 22), -100, 100, 5, Device.CPU);
    }

    private static void stepsMatch(Impl impl, FcnConfig cfg) {
        Implementations.set("all", impl);
        Twins t = Twins.of(cfg);
        for (int k = 0; k < 2; k++) {
            float lc = step(t.cpu(), t.sgdCpu(), image(), labels(), Device.CPU);
            float lg = step(t.gpu(), t.sgdGpu(), image(), labels(), GPU);
            assertEquals(lc, lg, 1e-4 * Math.abs(lc), impl + ", " + cfg.architecture() + ": loss at step " + k);
        }
        Map<String, Tensor> a = t.cpu().state();
        Map<String, Tensor> b = t.gpu().state();
        for (String name : a.keySet()) {
            assertClose(a.get(name), b.get(name).to(Device.CPU), 1e-4,
                    impl + ", " + cfg.architecture() + ": " + name + " after two steps");
        }
    }

    /**
     * FCN-8s under {@link Precision#BF16} (bfloat16 convolutions, float32 loss and parameters) against the CPU's
     * FP32, on the second step (the first makes the zero-initialised score layers pass a gradient down into
     * the encoder). The loss within 1e-2; the score layers' gradients, one product from the loss, within 3e-2
     * (measured: 0.8-1.0e-2); deeper, every gradient within 0.3 as a whole (2-norm): bfloat16's rounding
     * flips the ReLU masks of activations near zero, each flip a whole term of the gradient (measured:
     * 0.05-0.19 here; PyTorch 1.13's own CPU autocast on a like net, tools/golden/autocast_noise.py: 0.08-0.32). A
     * float32 gradient everywhere, and none equal to FP32's.
     */
    @Test
    void aBf16TrainingStepFollowsTheCpusFp32() {
        Twins t = Twins.of(new FcnConfig("fcn8s", 3, 1f / 16, false, Preprocessing.CAFFE, 3));
        try {
            Precision.set(Precision.BF16);
            float lc = step(t.cpu(), t.sgdCpu(), image(), labels(), Device.CPU);
            float lg = step(t.gpu(), t.sgdGpu(), image(), labels(), GPU);
            assertEquals(lc, lg, 1e-2 * Math.abs(lc), "the loss at step 1");
            lc = backward(t.cpu(), image(), labels(), Device.CPU);
            lg = backward(t.gpu(), image(), labels(), GPU);
            assertEquals(lc, lg, 1e-2 * Math.abs(lc), "the loss at step 2");
            Map<String, Variable> a = t.cpu().namedParameters();
            Map<String, Variable> b = t.gpu().namedParameters();
            double least = Double.POSITIVE_INFINITY;
            for (String name : a.keySet()) {
                Tensor expected = a.get(name).grad();
                Tensor got = b.get(name).grad();
                if (expected == null) {
                    assertEquals(null, got, name + " (frozen) has no gradient");
                    continue;
                }
                assertEquals(DType.FLOAT32, got.dtype(), name + "'s gradient");
                float[] g = got.to(Device.CPU).toFloatArray();
                float[] e = expected.toFloatArray();
                double err = name.startsWith("score_") ? relativeError(g, e) : normwiseError(g, e);
                double bound = name.startsWith("score_") ? 3e-2 : 0.3;
                least = Math.min(least, err);
                assertTrue(err < bound, name + "'s gradient at step 2: error " + err + " > " + bound + " against FP32");
            }
            assertTrue(least > 1e-5, "a gradient equals FP32's (" + least + "): bfloat16 did not run all the way");
        } finally {
            Precision.reset();
        }
    }

    @Test
    void deviceMemoryStaysFlatAcrossTrainingSteps() {
        // The allocator's behaviour does not depend on the width: the narrow net keeps the emulated run short.
        FcnConfig cfg = new FcnConfig("fcn8s", 3, 1f / 16, false, Preprocessing.CAFFE, 3);
        Fcn model = Fcn.create(cfg);
        model.to(GPU);
        Sgd sgd = new Sgd(ParamGroup.caffeRecipe(model), 1e-4f, 0.9f, 5e-4f);
        Tensor image = image();
        List<Map<String, Long>> stats = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            step(model, sgd, image, labels(), GPU);
            stats.add(Backends.of(GPU).memoryStats());
        }
        for (int k = 3; k < 6; k++) {
            assertEquals(stats.get(2).get("live_bytes"), stats.get(k).get("live_bytes"), "live bytes after step " + k);
            assertEquals(stats.get(2).get("driver_allocations"), stats.get(k).get("driver_allocations"),
                    "driver allocations after step " + k);
        }
    }
}
