package dev.pixelgrad.kernels.cpu;

import dev.pixelgrad.kernels.ConvGeometry;
import dev.pixelgrad.tensor.BFloat16;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.HostStorage;
import dev.pixelgrad.tensor.LabelCheck;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Storage;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.backend.Backend;
import java.util.Arrays;

/**
 * The CPU backend: plain Java loops split across cores, and im2col + {@link Sgemm} for convolutions
 * and matmul. Every other backend is tested against it, and it is fast enough to train small models.
 * Arguments arrive checked by {@link dev.pixelgrad.tensor.Ops}.
 */
public final class CpuBackend implements Backend {
    /** The backend; {@link java.util.ServiceLoader} makes the one instance {@code Backends} uses. */
    public CpuBackend() {}

    @Override
    public String name() {
        return "cpu";
    }

    @Override
    public DeviceType deviceType() {
        return DeviceType.CPU;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public String describe() {
        return "cpu: " + Parallel.THREADS + " threads, " + Runtime.getRuntime().availableProcessors()
                + " processors, GEMM " + Sgemm.get().describe();
    }

    // ------------------------------------------------------------------ memory
    // Backend requires these, but Tensor allocates, fills and copies host memory itself (so that the
    // tensor module works without this jar), and nothing else calls them on the CPU.

    @Override
    public Storage allocate(DType dtype, long numel, Device device) {
        if (numel > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(numel + " elements do not fit in one host array");
        }
        return HostStorage.allocate(dtype, (int) numel);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        dst.copyFrom(src);
    }

    @Override
    public void fill(Tensor dst, float value) {
        int n = (int) dst.numel();
        switch (dst.dtype()) {
            case FLOAT32 -> Arrays.fill(dst.hostFloats(), 0, n, value);
            case INT32 -> Arrays.fill(dst.hostInts(), 0, n, (int) value);
            case BFLOAT16 -> Arrays.fill(dst.hostBf16Bits(), 0, n, BFloat16.round(value));
        }
    }

    @Override
    public void cast(Tensor src, Tensor dst) {
        int n = (int) src.numel();
        if (dst.dtype() == DType.BFLOAT16) {
            BFloat16.round(src.hostFloats(), dst.hostBf16Bits(), n);
        } else {
            BFloat16.widen(src.hostBf16Bits(), dst.hostFloats(), n);
        }
    }

    // ------------------------------------------------------------------ element-wise

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        ElementwiseCpu.add(a.hostFloats(), b.hostFloats(), out.hostFloats(), (int) out.numel());
    }

    @Override
    public void addChannelBias(Tensor x, Tensor bias, Tensor out) {
        ElementwiseCpu.addChannelBias(x.hostFloats(), bias.hostFloats(), out.hostFloats(), x.dim(0), x.dim(1),
                (int) x.shape().numelFrom(2));
    }

    @Override
    public void scale(Tensor x, float s, Tensor out) {
        ElementwiseCpu.scale(x.hostFloats(), s, out.hostFloats(), (int) out.numel());
    }

    @Override
    public void relu(Tensor x, Tensor out) {
        ElementwiseCpu.relu(x.hostFloats(), out.hostFloats(), (int) out.numel());
    }

    @Override
    public void reluBackward(Tensor gy, Tensor y, Tensor gx) {
        ElementwiseCpu.reluBackward(gy.hostFloats(), y.hostFloats(), gx.hostFloats(), (int) gx.numel());
    }

    @Override
    public void crop(Tensor x, int offH, int offW, Tensor out) {
        ElementwiseCpu.crop(x.hostFloats(), x.dim(2), x.dim(3), offH, offW, out.hostFloats(), out.dim(2), out.dim(3),
                x.dim(0) * x.dim(1));
    }

    @Override
    public void cropBackward(Tensor gy, int offH, int offW, Tensor gx) {
        ElementwiseCpu.cropBackward(gy.hostFloats(), gy.dim(2), gy.dim(3), offH, offW, gx.hostFloats(), gx.dim(2),
                gx.dim(3), gx.dim(0) * gx.dim(1));
    }

    @Override
    public void dropout(Tensor x, float p, long seed, Tensor out) {
        ElementwiseCpu.dropout(x.hostFloats(), p, seed, out.hostFloats(), (int) out.numel());
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public void sum(Tensor x, Tensor out) {
        out.hostFloats()[0] = ReductionCpu.sum(x.hostFloats(), (int) x.numel());
    }

    @Override
    public void sumPerChannel(Tensor x, Tensor out) {
        ReductionCpu.sumPerChannel(x.hostFloats(), x.dim(0), x.dim(1), (int) x.shape().numelFrom(2), out.hostFloats());
    }

    @Override
    public void broadcastScalar(Tensor scalar, float scale, Tensor out) {
        Arrays.fill(out.hostFloats(), 0, (int) out.numel(), scale * scalar.hostFloats()[0]);
    }

    @Override
    public void argmaxChannels(Tensor x, Tensor out) {
        ReductionCpu.argmaxChannels(x.hostFloats(), x.dim(0), x.dim(1), (int) x.shape().numelFrom(2), out.hostInts());
    }

    // ------------------------------------------------------------------ convolution

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        ConvCpu.forward(Sgemm.get(), ConvGeometry.of(x, w, p, out), x.hostFloats(), w.hostFloats(),
                bias == null ? null : bias.hostFloats(), out.hostFloats());
    }

    @Override
    public void conv2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        ConvCpu.backwardData(Sgemm.get(), ConvGeometry.of(gx, w, p, gy), gy.hostFloats(), w.hostFloats(),
                gx.hostFloats());
    }

    @Override
    public void conv2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        ConvCpu.backwardWeight(Sgemm.get(), ConvGeometry.of(x, gw, p, gy), gy.hostFloats(), x.hostFloats(),
                gw.hostFloats());
    }

    @Override
    public void convTranspose2d(Tensor x, Tensor w, Tensor bias, ConvParams p, Tensor out) {
        ConvGeometry g = ConvGeometry.transposed(x, w, p, out);
        ConvCpu.backwardData(Sgemm.get(), g, x.hostFloats(), w.hostFloats(), out.hostFloats());
        if (bias != null) {
            ElementwiseCpu.addChannelBias(out.hostFloats(), bias.hostFloats(), out.hostFloats(), out.dim(0), out.dim(1),
                    out.dim(2) * out.dim(3));
        }
    }

    @Override
    public void convTranspose2dBackwardData(Tensor gy, Tensor w, ConvParams p, Tensor gx) {
        ConvCpu.forward(Sgemm.get(), ConvGeometry.transposed(gx, w, p, gy), gy.hostFloats(), w.hostFloats(), null,
                gx.hostFloats());
    }

    @Override
    public void convTranspose2dBackwardWeight(Tensor gy, Tensor x, ConvParams p, Tensor gw) {
        // The conv's weight gradient with its output gradient = x and its input = gy.
        ConvCpu.backwardWeight(Sgemm.get(), ConvGeometry.transposed(x, gw, p, gy), x.hostFloats(), gy.hostFloats(),
                gw.hostFloats());
    }

    // ------------------------------------------------------------------ pooling

    @Override
    public void maxPool2d(Tensor x, PoolParams p, Tensor out, Tensor indices) {
        PoolCpu.forward(x.hostFloats(), x.dim(0) * x.dim(1), x.dim(2), x.dim(3), p, out.dim(2), out.dim(3),
                out.hostFloats(), indices.hostInts());
    }

    @Override
    public void maxPool2dBackward(Tensor gy, Tensor x, Tensor y, Tensor indices, PoolParams p, Tensor gx) {
        PoolCpu.backward(gy.hostFloats(), indices.hostInts(), gy.dim(0) * gy.dim(1), gy.dim(2) * gy.dim(3),
                gx.hostFloats(), gx.dim(2) * gx.dim(3));
    }

    // ------------------------------------------------------------------ loss and matmul

    @Override
    public void softmaxCrossEntropy(Tensor logits, Tensor labels, Tensor classWeights, int ignoreIndex,
                                    Reduction reduction, Tensor loss, Tensor gradLogits) {
        String op = "softmax_cross_entropy";
        int n = logits.dim(0);
        int c = logits.dim(1);
        int plane = (int) logits.shape().numelFrom(2);
        long valid = CrossEntropyCpu.validate(op, labels.hostInts(), n * plane, c, ignoreIndex, labels.shape());
        float[] weights = classWeights == null ? null : classWeights.hostFloats();
        // What the mean divides by: the counted pixels, or with class weights the sum of theirs.
        double total = valid;
        if (weights != null && reduction == Reduction.MEAN && valid > 0) {
            total = CrossEntropyCpu.weightTotal(labels.hostInts(), n * plane, ignoreIndex, weights);
            if (total == 0) {
                throw LabelCheck.zeroWeight(op, valid);
            }
        }
        loss.hostFloats()[0] = CrossEntropyCpu.forwardBackward(logits.hostFloats(), labels.hostInts(), weights, n, c,
                plane, ignoreIndex, reduction, total, gradLogits == null ? null : gradLogits.hostFloats());
    }

    @Override
    public void matmul(Tensor a, boolean transA, Tensor b, boolean transB, Tensor out) {
        int m = out.dim(0);
        int n = out.dim(1);
        int k = transA ? a.dim(0) : a.dim(1);
        Sgemm.get().gemm(transA, transB, m, n, k, 1f, a.hostFloats(), 0, a.dim(1), b.hostFloats(), 0, b.dim(1),
                0f, out.hostFloats(), 0, n);
    }

    // ------------------------------------------------------------------ optimizer updates and metrics

    @Override
    public void sgdStep(Tensor w, Tensor g, Tensor v, float lr, float momentum, float weightDecay) {
        OptimizerCpu.sgd(w.hostFloats(), g.hostFloats(), v.hostFloats(), (int) w.numel(), lr, momentum, weightDecay);
    }

    @Override
    public void adamStep(Tensor w, Tensor g, Tensor m, Tensor v, float lr, float beta1, float beta2, float eps,
                         float weightDecay, long step) {
        OptimizerCpu.adam(w.hostFloats(), g.hostFloats(), m.hostFloats(), v.hostFloats(), (int) w.numel(), lr, beta1,
                beta2, eps, weightDecay, step);
    }

    @Override
    public void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts) {
        int c = counts.dim(0);
        int n = (int) labels.numel();
        CrossEntropyCpu.validate("confusion_matrix", labels.hostInts(), n, c, ignoreIndex, labels.shape());
        int[] pred = predictions.hostInts();
        int bad = LabelCheck.firstOutOfRange(pred, n, c, LabelCheck.NOTHING_IGNORED);
        if (bad >= 0) {
            throw LabelCheck.badPrediction("confusion_matrix", pred[bad], bad, predictions.shape(), c);
        }
        int[] lab = labels.hostInts();
        int[] out = counts.hostInts();
        for (int i = 0; i < n; i++) {
            int t = lab[i];
            if (t != ignoreIndex) {
                out[t * c + pred[i]]++;
            }
        }
    }
}
