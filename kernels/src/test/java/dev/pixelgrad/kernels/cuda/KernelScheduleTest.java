package dev.pixelgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.testing.DeviceTests;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Races: every kernel that shares memory between threads (the block sums with their warp shuffles, the
 * fused loss and its class-weight sum, the tiled SGEMM under matmul and convolution, the BF16 GEMM, col2im)
 * gives bit-identical results whatever order the emulated device resumes a block's threads in after each
 * barrier. A kernel that reads shared
 * memory before the barrier that guards it gives different (wrong) results under some order;
 * KernelMutationTest shows that such a kernel is caught.
 */
class KernelScheduleTest {
    static final Device GPU = Device.cuda(0);
    static final List<String> SCHEDULES = List.of("in-order", "reversed", "random:1", "random:2", "random:3");
    private EmulatedDriver emulated;

    @BeforeEach
    void needsTheEmulatedDevice() {
        DeviceTests.needCuda();
        Assumptions.assumeTrue(CudaRuntime.get().driver instanceof EmulatedDriver,
                "thread schedules are chosen on the emulated device only");
        emulated = (EmulatedDriver) CudaRuntime.get().driver;
        Implementations.set("all", Impl.OWN);
    }

    @AfterEach
    void reset() {
        if (emulated != null) {
            emulated.schedule("in-order");
        }
        Implementations.reset();
    }

    private static Tensor rand(long seed, int... dims) {
        return Tensor.uniform(Shape.of(dims), -1f, 1f, seed, Device.CPU).to(GPU);
    }

    /** The results of every shared-memory kernel on fixed inputs, as raw floats, in one list. */
    private static List<float[]> results() {
        List<float[]> out = new ArrayList<>();
        try (Scope s = Scope.open()) {
            Tensor big = rand(1, 300_007);
            out.add(Ops.sum(big).toFloatArray());
            Tensor x = rand(2, 3, 9, 17, 19);
            out.add(Ops.sumPerChannel(x).toFloatArray());
            Tensor logits = rand(3, 2, 21, 13, 11);
            int[] lab = new int[2 * 13 * 11];
            for (int i = 0; i < lab.length; i++) {
                lab[i] = i % 7 == 0 ? 255 : (i * 5) % 21;
            }
            Ops.LossAndGrad l = Ops.softmaxCrossEntropy(logits, Tensor.ofInts(lab, 2, 13, 11).to(GPU), 255,
                    Reduction.MEAN, true);
            out.add(l.loss().toFloatArray());
            out.add(l.gradLogits().toFloatArray());
            Tensor weights = Tensor.uniform(Shape.of(21), 0.1f, 4f, 4, Device.CPU).to(GPU);
            Ops.LossAndGrad weighted = Ops.softmaxCrossEntropy(logits, Tensor.ofInts(lab, 2, 13, 11).to(GPU), weights, 255,
                    Reduction.MEAN, true);
            out.add(weighted.loss().toFloatArray());
            out.add(weighted.gradLogits().toFloatArray());
            out.add(Ops.matmul(rand(4, 131, 77), false, rand(5, 140, 77), true).toFloatArray());
            out.add(Ops.matmul(Ops.cast(rand(8, 131, 77), DType.BFLOAT16), false, Ops.cast(rand(9, 140, 77), DType.BFLOAT16),
                    true).toFloatArray());
            Tensor img = rand(6, 2, 5, 23, 21);
            Tensor w = rand(7, 6, 5, 3, 3);
            ConvParams p = ConvParams.of(2, 1);
            Tensor y = Ops.conv2d(img, w, null, p);
            out.add(y.toFloatArray());
            out.add(Ops.conv2dBackwardData(y, w, img.shape(), p).toFloatArray());
            out.add(Ops.conv2dBackwardWeight(y, img, w.shape(), p).toFloatArray());
        }
        return out;
    }

    @Test
    void sharedMemoryKernelsGiveTheSameBitsUnderEverySchedule() {
        emulated.schedule("in-order");
        long[] before = emulated.counters();
        List<float[]> inOrder = results();
        long[] after = emulated.counters();
        assertTrue(after[2] - before[2] > 1_000_000, "the kernels really switched between threads (" + (after[2] - before[2])
                + " switches)");
        for (String schedule : SCHEDULES.subList(1, SCHEDULES.size())) {
            emulated.schedule(schedule);
            List<float[]> got = results();
            for (int i = 0; i < inOrder.size(); i++) {
                assertArrayEquals(inOrder.get(i), got.get(i), "result " + i + " under schedule " + schedule);
            }
        }
    }
}
