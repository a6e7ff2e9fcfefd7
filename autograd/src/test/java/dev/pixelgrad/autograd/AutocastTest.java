package dev.pixelgrad.autograd;

import static dev.pixelgrad.tensor.testing.Approx.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.testing.DeviceTests;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Precision#BF16}'s mixed precision: on a CUDA device (a GPU, or the host-emulated one under Maven)
 * the convolutions and matrix products compute on bfloat16, what follows them stays bfloat16, the loss
 * computes in float32, and float32 parameters get float32 gradients close to the CPU's FP32 ones. Under
 * FP32 and TF32, and on the CPU, nothing is cast.
 */
class AutocastTest {
    private static final Device GPU = Device.cuda(0);
    private Scope scope;

    @BeforeEach
    void open() {
        DeviceTests.needCuda();
        scope = Scope.open();
    }

    @AfterEach
    void close() {
        if (scope != null) {
            scope.close();
        }
        Precision.reset();
    }

    /** The inputs of {@link #run}: an image, a conv weight and bias, an upsampling weight, the labels. */
    private static List<Tensor> inputs() {
        int[] lab = new int[2 * 10 * 12];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 11 == 0 ? 255 : (i / 5) % 4;
        }
        return List.of(Tensor.uniform(Shape.of(2, 3, 9, 11), -1, 1, 1, Device.CPU),
                Tensor.uniform(Shape.of(6, 3, 3, 3), -0.5f, 0.5f, 2, Device.CPU),
                Tensor.uniform(Shape.of(6), -0.1f, 0.1f, 3, Device.CPU),
                Tensor.uniform(Shape.of(6, 4, 4, 4), -0.5f, 0.5f, 4, Device.CPU),
                Tensor.ofInts(lab, 2, 10, 12));
    }

    /**
     * conv, relu, pool, transposed conv (with a 3x3 window summing into each output), loss; backward. Returns
     * the loss, the upsampled scores, then the gradients of the image, the conv weight and bias and the
     * upsampling weight.
     */
    private static List<Variable> run(Device device) {
        List<Tensor> in = inputs();
        Variable x = Variable.parameter(in.get(0).to(device));
        Variable w = Variable.parameter(in.get(1).to(device));
        Variable b = Variable.parameter(in.get(2).to(device));
        Variable up = Variable.parameter(in.get(3).to(device));
        Variable y = F.relu(F.conv2d(x, w, b, ConvParams.of(1, 1)));
        Variable pooled = F.maxPool2d(y, PoolParams.of(2, 2, 0, true));
        Variable scores = F.convTranspose2d(pooled, up, null, ConvParams.of(2, 0));
        Variable cropped = F.crop(scores, 1, 0, 10, 12);
        Variable loss = F.softmaxCrossEntropy(cropped, in.get(4).to(device), 255, Reduction.MEAN);
        loss.backward();
        return List.of(loss, cropped, Variable.of(x.grad()), Variable.of(w.grad()), Variable.of(b.grad()),
                Variable.of(up.grad()));
    }

    @Test
    void underBf16TheProductsRunInBfloat16AndTheParametersKeepFloat32Gradients() {
        List<Variable> fp32 = run(Device.CPU);
        Precision.set(Precision.BF16);
        List<Variable> bf16 = run(GPU);
        assertEquals(DType.FLOAT32, bf16.get(0).data().dtype(), "the loss");
        assertEquals(DType.BFLOAT16, bf16.get(1).data().dtype(), "the scores (a transposed convolution's, cropped)");
        assertEquals(fp32.get(0).item(), bf16.get(0).item(), 1e-2 * Math.abs(fp32.get(0).item()), "the loss");
        String[] names = {"the loss", "the scores", "the image's gradient", "the conv weight's gradient",
            "the conv bias's gradient", "the upsampling weight's gradient"};
        for (int i = 1; i < names.length; i++) {
            Tensor got = bf16.get(i).data();
            assertEquals(GPU, got.device(), names[i]);
            if (i >= 2) {
                assertEquals(DType.FLOAT32, got.dtype(), names[i] + ": a float32 parameter's gradient is float32");
            }
            double err = relativeError(got.toFloatArray(), fp32.get(i).data().toFloatArray());
            // bfloat16 keeps 8 significant bits (2^-9 = 2e-3 per rounding); a few roundings deep, 2e-2 at most.
            assertTrue(err < 2e-2, names[i] + ": relative error " + err + " against the CPU's FP32");
            assertTrue(err > 1e-5, names[i] + ": relative error " + err + ", FP32's: bfloat16 did not run");
        }
    }

    @Test
    void fp32Tf32AndTheCpuCastNothing() {
        for (Precision p : Precision.values()) {
            Precision.set(p);
            List<Variable> r = run(p == Precision.BF16 ? Device.CPU : GPU);
            assertEquals(DType.FLOAT32, r.get(1).data().dtype(), p + ": the scores");
        }
    }

    @Test
    void matmulUnderBf16() {
        Precision.set(Precision.BF16);
        Variable a = Variable.parameter(Tensor.uniform(Shape.of(5, 7), -1, 1, 5, Device.CPU).to(GPU));
        Variable b = Variable.parameter(Tensor.uniform(Shape.of(7, 3), -1, 1, 6, Device.CPU).to(GPU));
        Variable y = F.matmul(a, b);
        assertEquals(DType.BFLOAT16, y.data().dtype(), "the product");
        F.sum(F.cast(y, DType.FLOAT32)).backward();
        assertEquals(DType.FLOAT32, a.grad().dtype(), "a's gradient");
        assertEquals(DType.FLOAT32, b.grad().dtype(), "b's gradient");
        assertEquals(Shape.of(7, 3), b.grad().shape());
    }
}
