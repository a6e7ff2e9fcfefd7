package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static dev.pixelgrad.tensor.testing.Approx.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Precision;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.testing.DeviceTests;
import dev.pixelgrad.tensor.backend.Backends;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every op on the CUDA backend against the CPU backend, forward and backward, on random odd-sized
 * inputs, for each implementation where there are two (ours and NVIDIA's). Relative error at most 1e-5,
 * 1e-4 for convolutions. Runs on a real GPU or on the host-emulated device (the default under Maven,
 * see docs/gpu.md), where NVIDIA's implementations are skipped with the reason.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CudaParityTest {
    static final Device GPU = Device.cuda(0);
    /** The test methods that have run in this class, for the closing coverage check. */
    private static final Set<String> RAN = ConcurrentHashMap.newKeySet();
    private Scope scope;
    private long seed = 1;

    /** Each test is reported as skipped, with the reason, where the CUDA backend cannot start. */
    @BeforeEach
    void open() {
        DeviceTests.needCuda();
        scope = Scope.open();
    }

    @AfterEach
    void close(TestInfo test) {
        test.getTestMethod().ifPresent(m -> RAN.add(m.getName()));
        if (scope == null) {
            return;
        }
        scope.close();
        Implementations.reset();
        Precision.reset();
    }

    /**
     * Runs the rest of a test on {@code impl} of {@code op}. NVIDIA's is skipped on the emulated device,
     * and any not listed in {@code -Dpixelgrad.cuda.test.impls} (the sanitizer runs check ours only).
     */
    static void use(String op, Impl impl) {
        String only = System.getProperty("pixelgrad.cuda.test.impls");
        Assumptions.assumeTrue(only == null || List.of(only.toLowerCase(Locale.ROOT).split(","))
                .contains(impl.name().toLowerCase(Locale.ROOT)), "-Dpixelgrad.cuda.test.impls=" + only);
        Assumptions.assumeFalse(impl == Impl.VENDOR && ((CudaBackend) Backends.of(GPU)).emulated(),
                "the emulated device has no cuBLAS or cuDNN: the vendor implementation of " + op + " runs on a GPU only");
        Implementations.set(op, impl);
    }

    private Tensor rand(int... dims) {
        return Tensor.uniform(Shape.of(dims), -1f, 1f, seed++, Device.CPU);
    }

    private static Tensor gpu(Tensor t) {
        return t.to(GPU);
    }

    private static void same(Tensor cpu, Tensor cuda, double tol, String what) {
        assertEquals(GPU, cuda.device(), what + " ran on the GPU");
        assertClose(cpu, cuda.to(Device.CPU), tol, what);
    }


    @Test
    void copiesRoundTripIncludingTransfersLargerThanTheStagingBuffer() {
        Tensor big = rand(21_000_011); // 84 MB: two pieces through the 64 MB pinned buffer
        assertArrayEquals(big.toFloatArray(), gpu(big).toFloatArray());
        Tensor ints = Tensor.ofInts(new int[] {3, -7, 255, 0, Integer.MAX_VALUE}, 5);
        assertArrayEquals(ints.toIntArray(), gpu(ints).toIntArray());
        assertArrayEquals(new float[] {2.5f, 2.5f, 2.5f}, Tensor.full(Shape.of(3), 2.5f, GPU).toFloatArray());
        assertArrayEquals(new float[5], Tensor.zeros(Shape.of(5), DType.FLOAT32, GPU).toFloatArray());
    }

    @Test
    void elementWiseOps() {
        Tensor a = rand(3, 5, 7, 9);
        Tensor b = rand(3, 5, 7, 9);
        Tensor bias = rand(5);
        same(Ops.add(a, b), Ops.add(gpu(a), gpu(b)), 1e-6, "add");
        same(Ops.addChannelBias(a, bias), Ops.addChannelBias(gpu(a), gpu(bias)), 1e-6, "add bias");
        same(Ops.scale(a, -0.37f), Ops.scale(gpu(a), -0.37f), 1e-6, "scale");
        Tensor y = Ops.relu(a);
        same(y, Ops.relu(gpu(a)), 0, "relu");
        same(Ops.reluBackward(b, y), Ops.reluBackward(gpu(b), gpu(y)), 0, "relu backward");
        same(Ops.crop(a, 2, 3, 4, 5), Ops.crop(gpu(a), 2, 3, 4, 5), 0, "crop");
        Tensor g = rand(3, 5, 4, 5);
        same(Ops.cropBackward(g, a.shape(), 2, 3), Ops.cropBackward(gpu(g), a.shape(), 2, 3), 0, "crop backward");
        same(Ops.dropout(a, 0.5f, 1234), Ops.dropout(gpu(a), 0.5f, 1234), 0, "dropout (the same counter-based mask)");
        same(Ops.dropout(a, 0.3f, -7), Ops.dropout(gpu(a), 0.3f, -7), 0, "dropout p=0.3");
        Tensor acc = a.copy();
        Tensor accGpu = gpu(a);
        Ops.addInPlace(acc, b);
        Ops.addInPlace(accGpu, gpu(b));
        same(acc, accGpu, 1e-6, "add in place");
        Tensor s = Tensor.scalar(0.75f);
        same(Ops.broadcastScalar(s, 2f, Shape.of(4, 3)), Ops.broadcastScalar(gpu(s), 2f, Shape.of(4, 3)), 0, "broadcast");
    }

    /** Bit for bit: random float32 patterns (NaNs, infinities and subnormals among them), a quarter of them ties. */
    @Test
    void castsToBfloat16AndBackBitForBit() {
        SplittableRandom r = new SplittableRandom(20261122);
        float[] v = new float[100_003];
        for (int i = 0; i < v.length; i++) {
            int bits = r.nextInt();
            v[i] = Float.intBitsToFloat(i % 4 == 0 ? (bits & 0xFFFF0000) | 0x8000 : bits);
        }
        Tensor x = Tensor.of(v, v.length);
        Tensor half = Ops.cast(x, DType.BFLOAT16);
        Tensor halfGpu = Ops.cast(gpu(x), DType.BFLOAT16);
        assertEquals(DType.BFLOAT16, halfGpu.dtype());
        assertEquals(GPU, halfGpu.device());
        assertArrayEquals(half.hostBf16Bits(), halfGpu.to(Device.CPU).hostBf16Bits(), "float32 to bfloat16");
        assertArrayEquals(half.hostBf16Bits(), gpu(half).to(Device.CPU).hostBf16Bits(), "bfloat16 there and back");
        int[] back = rawBits(Ops.cast(half, DType.FLOAT32).toFloatArray());
        assertArrayEquals(back, rawBits(Ops.cast(halfGpu, DType.FLOAT32).toFloatArray()), "bfloat16 to float32");

        Tensor filled = Tensor.zeros(Shape.of(7), DType.BFLOAT16, GPU);
        assertArrayEquals(new float[7], filled.toFloatArray());
        Backends.of(GPU).fill(filled, -2.5f);
        assertArrayEquals(new float[] {-2.5f, -2.5f, -2.5f, -2.5f, -2.5f, -2.5f, -2.5f}, filled.toFloatArray());
    }

    /**
     * The element-wise ops on bfloat16, bit for bit: each is the CPU's float32 op on the same (widened)
     * values, rounded once to bfloat16, as PyTorch computes them.
     */
    @Test
    void elementWiseOpsInBf16() {
        Tensor a = bf16(rand(3, 5, 7, 9));
        Tensor b = bf16(rand(3, 5, 7, 9));
        Tensor bias = bf16(rand(5));
        Tensor g = bf16(rand(3, 5, 4, 5));
        sameBits(Ops.add(f32(a), f32(b)), Ops.add(gpu(a), gpu(b)), "add");
        sameBits(Ops.addChannelBias(f32(a), f32(bias)), Ops.addChannelBias(gpu(a), gpu(bias)), "add bias");
        sameBits(Ops.scale(f32(a), -0.37f), Ops.scale(gpu(a), -0.37f), "scale");
        Tensor y = bf16(Ops.relu(f32(a)));
        sameBits(f32(y), Ops.relu(gpu(a)), "relu");
        sameBits(Ops.reluBackward(f32(b), f32(y)), Ops.reluBackward(gpu(b), gpu(y)), "relu backward");
        sameBits(Ops.crop(f32(a), 2, 3, 4, 5), Ops.crop(gpu(a), 2, 3, 4, 5), "crop");
        sameBits(Ops.cropBackward(f32(g), a.shape(), 2, 3), Ops.cropBackward(gpu(g), a.shape(), 2, 3), "crop backward");
        sameBits(Ops.dropout(f32(a), 0.3f, -7), Ops.dropout(gpu(a), 0.3f, -7), "dropout p=0.3");
        Tensor acc = gpu(a);
        Ops.addInPlace(acc, gpu(b));
        sameBits(Ops.add(f32(a), f32(b)), acc, "add in place");
    }

    private static Tensor bf16(Tensor t) {
        return Ops.cast(t, DType.BFLOAT16);
    }

    private static Tensor f32(Tensor t) {
        return Ops.cast(t, DType.FLOAT32);
    }

    /** The CPU's float32 result rounded to bfloat16, and the GPU's bfloat16 result, as the same bits. */
    private static void sameBits(Tensor cpuFloat32, Tensor cudaBf16, String what) {
        assertEquals(GPU, cudaBf16.device(), what + " ran on the GPU");
        assertEquals(DType.BFLOAT16, cudaBf16.dtype(), what + " stays bfloat16");
        assertArrayEquals(bf16(cpuFloat32).hostBf16Bits(), cudaBf16.to(Device.CPU).hostBf16Bits(), what);
    }

    private static int[] rawBits(float[] v) {
        int[] bits = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            bits[i] = Float.floatToRawIntBits(v[i]);
        }
        return bits;
    }

    @Test
    void reductions() {
        Tensor big = rand(1_000_003);
        same(Ops.sum(big), Ops.sum(gpu(big)), 1e-5, "sum over many blocks");
        Tensor x = rand(3, 7, 11, 13);
        same(Ops.mean(x), Ops.mean(gpu(x)), 1e-5, "mean");
        assertArrayEquals(Ops.argmax(x).toIntArray(), Ops.argmax(gpu(x)).toIntArray(), "argmax");
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void sumPerChannel(Impl impl) {
        use("bias_grad", impl);
        Tensor x = rand(3, 7, 11, 13);
        same(Ops.sumPerChannel(x), Ops.sumPerChannel(gpu(x)), 1e-5, "sum per channel");
        Tensor flat = rand(9, 4);
        same(Ops.sumPerChannel(flat), Ops.sumPerChannel(gpu(flat)), 1e-5, "sum per channel, rank 2");
        // 67,950 values per channel: four slices of a channel per block row, their bounds inside images.
        Tensor sliced = rand(3, 5, 150, 151);
        same(Ops.sumPerChannel(sliced), Ops.sumPerChannel(gpu(sliced)), 1e-5, "sum per channel in slices");
    }

    /**
     * The backward pass of the fused convolution and relu with a bias: the gradient masked in place bit for bit
     * as the relu's gradient, and its per-channel sums as the CPU's sums of the masked gradient (ours in one
     * pass, in slices where a channel is long; cuDNN's after the mask).
     */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void reluBackwardAndBiasGradientInOnePass(Impl impl) {
        use("bias_grad", impl);
        for (int[] dims : new int[][] {{3, 7, 11, 13}, {3, 5, 150, 151}, {9, 4}}) {
            Tensor y = Ops.relu(rand(dims));
            Tensor gy = rand(dims);
            Tensor masked = Ops.reluBackward(gy, y);
            Tensor sums = Ops.sumPerChannel(masked);
            String what = "relu backward and bias gradient " + Arrays.toString(dims);
            Tensor gyGpu = gpu(gy);
            Tensor sumsGpu = Ops.reluBackwardInPlaceSumPerChannel(gyGpu, gpu(y));
            same(sums, sumsGpu, 1e-5, what + ": sums");
            assertArrayEquals(rawBits(masked.toFloatArray()), rawBits(gyGpu.toFloatArray()), what + ": the mask");
            if (CudaRuntime.get().driver.ampereTensorCores()) {
                Tensor yb = bf16(y);
                Tensor gyb = gpu(bf16(gy));
                withinOneRounding(Ops.sumPerChannel(Ops.reluBackward(f32(bf16(gy)), f32(yb))).toFloatArray(),
                        Ops.reluBackwardInPlaceSumPerChannel(gyb, gpu(yb)), 1e-6, "bfloat16 " + what + ": sums");
                sameBits(Ops.reluBackward(f32(bf16(gy)), f32(yb)), gyb, "bfloat16 " + what + ": the mask");
            }
        }
    }

    /** n, cin, h, w, cout, kh, kw, sh, sw, ph, pw. */
    private static final int[][] CONVS = {
        {2, 3, 7, 9, 4, 3, 3, 1, 1, 1, 1},
        {1, 2, 10, 7, 5, 3, 2, 2, 3, 0, 1},
        {3, 5, 6, 5, 7, 1, 1, 1, 1, 0, 0},
        {1, 3, 11, 13, 4, 5, 5, 3, 2, 2, 1},
        {1, 2, 3, 4, 3, 3, 3, 1, 1, 30, 25},
        {2, 64, 30, 31, 130, 3, 3, 1, 1, 1, 1},
    };

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void conv2dForwardAndBackward(Impl impl) {
        use("conv2d", impl);
        for (int[] c : CONVS) {
            Tensor x = rand(c[0], c[1], c[2], c[3]);
            Tensor w = Ops.scale(rand(c[4], c[1], c[5], c[6]), 0.5f);
            Tensor b = rand(c[4]);
            ConvParams p = new ConvParams(c[7], c[8], c[9], c[10]);
            Tensor y = Ops.conv2d(x, w, b, p);
            Tensor gy = rand(y.shape().dims());
            Tensor gx = Ops.conv2dBackwardData(gy, w, x.shape(), p);
            Tensor gw = Ops.conv2dBackwardWeight(gy, x, w.shape(), p);
            String what = "conv2d " + Arrays.toString(c);
            same(y, Ops.conv2d(gpu(x), gpu(w), gpu(b), p), 1e-4, what + " forward");
            same(gx, Ops.conv2dBackwardData(gpu(gy), gpu(w), x.shape(), p), 1e-4, what + " backward data");
            same(gw, Ops.conv2dBackwardWeight(gpu(gy), gpu(x), w.shape(), p), 1e-4, what + " backward weight");
        }
    }

    /**
     * The fused convolution and relu (the convolution, then the bias and the relu in one pass in place):
     * bit for bit the two ops on the same device, float32 and bfloat16, with and without a bias, and the
     * relu's gradient masked in place as the out-of-place one.
     */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void conv2dReluIsTheTwoOps(Impl impl) {
        use("conv2d", impl);
        boolean bf16 = CudaRuntime.get().driver.ampereTensorCores();
        for (int[] c : Arrays.copyOf(CONVS, CONVS.length - 1)) {
            for (DType type : bf16 ? List.of(DType.FLOAT32, DType.BFLOAT16) : List.of(DType.FLOAT32)) {
                Tensor x = gpu(Ops.cast(rand(c[0], c[1], c[2], c[3]), type));
                Tensor w = gpu(Ops.cast(Ops.scale(rand(c[4], c[1], c[5], c[6]), 0.5f), type));
                Tensor b = gpu(Ops.cast(rand(c[4]), type));
                ConvParams p = new ConvParams(c[7], c[8], c[9], c[10]);
                String what = type + " conv2d_relu " + Arrays.toString(c);
                for (Tensor bias : Arrays.asList(b, null)) {
                    Tensor twoOps = Ops.relu(Ops.conv2d(x, w, bias, p)).to(Device.CPU);
                    Tensor fused = Ops.conv2dRelu(x, w, bias, p);
                    assertEquals(type, fused.dtype(), what);
                    assertArrayEquals(rawBits(f32(twoOps).toFloatArray()), rawBits(f32(fused.to(Device.CPU)).toFloatArray()),
                            what + (bias == null ? " without bias" : " with bias"));
                }
                Tensor y = Ops.conv2dRelu(x, w, b, p);
                Tensor gy = gpu(Ops.cast(rand(y.shape().dims()), type));
                Tensor expected = Ops.reluBackward(gy, y).to(Device.CPU);
                Ops.reluBackwardInPlace(gy, y);
                assertArrayEquals(rawBits(f32(expected).toFloatArray()), rawBits(f32(gy.to(Device.CPU)).toFloatArray()),
                        what + " relu backward in place");
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void convTranspose2dForwardAndBackward(Impl impl) {
        use("conv_transpose2d", impl);
        int[][] cases = {{2, 3, 5, 4, 2, 4, 2, 1}, {1, 2, 3, 5, 3, 3, 3, 0}, {1, 21, 3, 4, 21, 64, 32, 0},
            {2, 3, 4, 3, 5, 1, 1, 0}};
        for (int[] c : cases) {
            Tensor x = rand(c[0], c[1], c[2], c[3]);
            Tensor w = rand(c[1], c[4], c[5], c[5]);
            Tensor b = rand(c[4]);
            ConvParams p = ConvParams.of(c[6], c[7]);
            Tensor y = Ops.convTranspose2d(x, w, b, p);
            Tensor gy = rand(y.shape().dims());
            Tensor gx = Ops.convTranspose2dBackwardData(gy, w, x.shape(), p);
            Tensor gw = Ops.convTranspose2dBackwardWeight(gy, x, w.shape(), p);
            String what = "conv_transpose2d " + Arrays.toString(c);
            same(y, Ops.convTranspose2d(gpu(x), gpu(w), gpu(b), p), 1e-4, what + " forward");
            same(gx, Ops.convTranspose2dBackwardData(gpu(gy), gpu(w), x.shape(), p), 1e-4, what + " backward data");
            same(gw, Ops.convTranspose2dBackwardWeight(gpu(gy), gpu(x), w.shape(), p), 1e-4, what + " backward weight");
        }
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void maxPoolForwardAndBackward(Impl impl) {
        use("max_pool2d", impl);
        PoolParams[] params = {PoolParams.of(2, 2, 0, true), PoolParams.of(3, 2, 1, true), PoolParams.of(3, 3, 0, false),
            new PoolParams(3, 2, 2, 1, 1, 0, true), PoolParams.of(3, 1, 1, false)};
        int[][] shapes = {{2, 3, 7, 9}, {1, 2, 10, 11}, {2, 2, 1, 3}, {1, 4, 25, 24}};
        for (PoolParams p : params) {
            for (int[] s : shapes) {
                if (p.outH(s[2]) < 1 || p.outW(s[3]) < 1) {
                    continue;
                }
                Tensor x = rand(s);
                Ops.Pooled ref = Ops.maxPool2d(x, p);
                Tensor gy = rand(ref.output().shape().dims());
                Tensor gx = Ops.maxPool2dBackward(gy, x, ref, p);
                String what = "max_pool2d " + p + " on " + Arrays.toString(s);
                Tensor xg = gpu(x);
                Ops.Pooled got = Ops.maxPool2d(xg, p);
                same(ref.output(), got.output(), 0, what + " forward");
                same(gx, Ops.maxPool2dBackward(gpu(gy), xg, got, p), 1e-6, what + " backward");
            }
        }
    }

    @Test
    void softmaxCrossEntropyFusedForwardAndBackward() {
        for (Reduction r : Reduction.values()) {
            Tensor logits = Ops.scale(rand(2, 21, 9, 13), 3f);
            int[] lab = new int[2 * 9 * 13];
            for (int i = 0; i < lab.length; i++) {
                lab[i] = i % 11 == 0 ? 255 : (i * 7) % 21;
            }
            Tensor labels = Tensor.ofInts(lab, 2, 9, 13);
            Ops.LossAndGrad cpu = Ops.softmaxCrossEntropy(logits, labels, 255, r, true);
            Ops.LossAndGrad cuda = Ops.softmaxCrossEntropy(gpu(logits), gpu(labels), 255, r, true);
            same(cpu.loss(), cuda.loss(), 1e-5, "loss " + r);
            same(cpu.gradLogits(), cuda.gradLogits(), 1e-5, "gradient " + r);
        }
        Tensor logits = rand(1, 3, 2, 2);
        Tensor bad = Tensor.ofInts(new int[] {0, 1, 7, 2}, 1, 2, 2);
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(logits, bad, 255, Reduction.MEAN, true));
        IllegalArgumentException cuda = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(gpu(logits), gpu(bad), 255, Reduction.MEAN, true));
        assertEquals(cpu.getMessage(), cuda.getMessage(), "the same message, naming the value and its position");
    }

    /**
     * Class weights (one of them 0, on a class that is present), over more pixels than one block holds;
     * weights of 1 give the unweighted bits; the same errors as the CPU for a mean with nothing to divide by.
     */
    @Test
    void softmaxCrossEntropyWithClassWeights() {
        int c = 7;
        Tensor logits = Ops.scale(rand(3, c, 19, 23), 3f);
        int[] lab = new int[3 * 19 * 23];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 13 == 0 ? 255 : (i * 5) % c;
        }
        Tensor labels = Tensor.ofInts(lab, 3, 19, 23);
        Tensor weights = Tensor.of(new float[] {0.25f, 3f, 0f, 1f, 0.5f, 7.5f, 1.25f}, c);
        Tensor ones = Tensor.full(Shape.of(c), 1f, Device.CPU);
        for (Reduction r : Reduction.values()) {
            Ops.LossAndGrad cpu = Ops.softmaxCrossEntropy(logits, labels, weights, 255, r, true);
            Ops.LossAndGrad cuda = Ops.softmaxCrossEntropy(gpu(logits), gpu(labels), gpu(weights), 255, r, true);
            same(cpu.loss(), cuda.loss(), 1e-5, "weighted loss " + r);
            same(cpu.gradLogits(), cuda.gradLogits(), 1e-5, "weighted gradient " + r);
            Ops.LossAndGrad plain = Ops.softmaxCrossEntropy(gpu(logits), gpu(labels), 255, r, true);
            Ops.LossAndGrad unit = Ops.softmaxCrossEntropy(gpu(logits), gpu(labels), gpu(ones), 255, r, true);
            assertArrayEquals(plain.loss().toFloatArray(), unit.loss().toFloatArray(), "weights of 1, loss " + r);
            assertArrayEquals(plain.gradLogits().toFloatArray(), unit.gradLogits().toFloatArray(),
                    "weights of 1, gradient " + r);
        }
        int[] onlyZeroWeighted = {2, 255, 2, 2};
        Tensor small = rand(1, c, 2, 2);
        Tensor zeroLabels = Tensor.ofInts(onlyZeroWeighted, 1, 2, 2);
        IllegalArgumentException cpu = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(small, zeroLabels, weights, 255, Reduction.MEAN, true));
        IllegalArgumentException cuda = assertThrows(IllegalArgumentException.class,
                () -> Ops.softmaxCrossEntropy(gpu(small), gpu(zeroLabels), gpu(weights), 255, Reduction.MEAN, true));
        assertEquals(cpu.getMessage(), cuda.getMessage(), "the same message for a mean over weights that are all 0");
        same(Ops.softmaxCrossEntropy(small, zeroLabels, weights, 255, Reduction.SUM, false).loss(),
                Ops.softmaxCrossEntropy(gpu(small), gpu(zeroLabels), gpu(weights), 255, Reduction.SUM, false).loss(), 0,
                "a sum over weights that are all 0 is 0");
    }

    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void matmulAllTransposes(Impl impl) {
        use("matmul", impl);
        int[][] sizes = {{1, 1, 1}, {5, 7, 3}, {129, 257, 65}, {300, 200, 513}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                Tensor a = ta ? rand(s[2], s[0]) : rand(s[0], s[2]);
                Tensor b = tb ? rand(s[1], s[2]) : rand(s[2], s[1]);
                Tensor ref = Ops.matmul(a, ta, b, tb);
                same(ref, Ops.matmul(gpu(a), ta, gpu(b), tb), 1e-5,
                        "matmul " + Arrays.toString(s) + (ta ? " A^T" : "") + (tb ? " B^T" : ""));
            }
        }
    }

    /**
     * TF32 products, where the device has tensor cores: ours against the exact sum of the inputs rounded to
     * TF32 (only float accumulation apart, so the fragment layouts and the rounding are checked, not just
     * the tolerance), cuBLAS's against FP32 within TF32's rounding; both must differ from the FP32 product
     * by more than float rounding, or TF32 did not run.
     */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void matmulInTf32(Impl impl) {
        use("matmul", impl);
        Assumptions.assumeTrue(CudaRuntime.get().driver.ampereTensorCores(), "no TF32 tensor cores on this GPU");
        Precision.set(Precision.TF32);
        int[][] sizes = {{1, 1, 1}, {5, 7, 3}, {129, 257, 65}, {300, 200, 517}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                String what = "TF32 matmul " + Arrays.toString(s) + (ta ? " A^T" : "") + (tb ? " B^T" : "");
                Tensor a = ta ? rand(s[2], s[0]) : rand(s[0], s[2]);
                Tensor b = tb ? rand(s[1], s[2]) : rand(s[2], s[1]);
                float[] got = Ops.matmul(gpu(a), ta, gpu(b), tb).toFloatArray();
                float[] fp32 = Ops.matmul(a, ta, b, tb).toFloatArray();
                if (impl == Impl.OWN) {
                    assertClose(tf32Product(a, ta, b, tb, s[0], s[1], s[2]), got, 1e-5, what + " against TF32 inputs");
                }
                assertClose(fp32, got, 3e-3, what + " against FP32");
                if (s[2] > 8) {
                    assertTrue(relativeError(got, fp32) > 1e-5, what + " equals the FP32 product: TF32 did not run");
                }
            }
        }
    }

    /** The product of a and b (transposed as asked) with every input rounded to TF32, summed in double. */
    static float[] tf32Product(Tensor a, boolean ta, Tensor b, boolean tb, int m, int n, int k) {
        return product(a, ta, b, tb, m, n, k, CudaParityTest::tf32);
    }

    /** The product of a and b (transposed as asked), each input first passed through {@code round}, in double. */
    static float[] product(Tensor a, boolean ta, Tensor b, boolean tb, int m, int n, int k, FloatUnaryOperator round) {
        float[] av = a.toFloatArray();
        float[] bv = b.toFloatArray();
        float[] c = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double sum = 0;
                for (int p = 0; p < k; p++) {
                    sum += (double) round.apply(ta ? av[p * m + i] : av[i * k + p])
                            * round.apply(tb ? bv[j * k + p] : bv[p * n + j]);
                }
                c[i * n + j] = (float) sum;
            }
        }
        return c;
    }

    /** A function from float to float. */
    @FunctionalInterface
    interface FloatUnaryOperator {
        float apply(float x);
    }

    /**
     * bfloat16 products, where the device has tensor cores: both operands bfloat16 (so the reference is the
     * exact product of the same values). With a float32 result (the backend's form that convolutions use),
     * within float summation of the exact sum; with a bfloat16 result (Ops.matmul's), every element within
     * one bfloat16 rounding (2^-8 relative) of it.
     */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void matmulInBf16(Impl impl) {
        use("matmul", impl);
        Assumptions.assumeTrue(CudaRuntime.get().driver.ampereTensorCores(), "no BF16 tensor cores on this GPU");
        int[][] sizes = {{1, 1, 1}, {5, 7, 3}, {129, 257, 65}, {300, 200, 517}};
        for (int[] s : sizes) {
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0;
                boolean tb = (t & 2) != 0;
                String what = "BF16 matmul " + Arrays.toString(s) + (ta ? " A^T" : "") + (tb ? " B^T" : "");
                Tensor a = Ops.cast(ta ? rand(s[2], s[0]) : rand(s[0], s[2]), DType.BFLOAT16);
                Tensor b = Ops.cast(tb ? rand(s[1], s[2]) : rand(s[2], s[1]), DType.BFLOAT16);
                float[] exact = product(a, ta, b, tb, s[0], s[1], s[2], x -> x);

                Tensor wide = Tensor.empty(Shape.of(s[0], s[1]), DType.FLOAT32, GPU);
                Backends.of(GPU).matmul(gpu(a), ta, gpu(b), tb, wide);
                assertClose(exact, wide.toFloatArray(), 1e-5, what + ", float32 result");

                withinOneRounding(exact, Ops.matmul(gpu(a), ta, gpu(b), tb), 1e-5, what + ", bfloat16 result");
            }
        }
    }

    /**
     * Every element of a bfloat16 result within one bfloat16 rounding (2^-8 relative) of the exact value,
     * give or take {@code slack} times the largest exact magnitude (the float32 sums' own rounding).
     */
    private static void withinOneRounding(float[] exact, Tensor cudaBf16, double slack, String what) {
        assertEquals(GPU, cudaBf16.device(), what + " ran on the GPU");
        assertEquals(DType.BFLOAT16, cudaBf16.dtype(), what + " stays bfloat16");
        float[] got = cudaBf16.toFloatArray();
        assertEquals(exact.length, got.length, what);
        double scale = 0;
        for (float e : exact) {
            scale = Math.max(scale, Math.abs(e));
        }
        for (int i = 0; i < exact.length; i++) {
            double bound = 0x1p-8 * Math.abs(exact[i]) + slack * scale;
            if (!(Math.abs(got[i] - exact[i]) <= bound)) {
                throw new AssertionError(what + ": element " + i + " is " + got[i] + ", the exact value " + exact[i]
                        + " (more than one bfloat16 rounding apart)");
            }
        }
    }

    /**
     * Convolutions, transposed convolutions and their gradients on bfloat16 (ours: bfloat16 im2col bands
     * into the BF16 GEMM; cuDNN: bfloat16 descriptors): every element within one rounding of the float32
     * result on the same bfloat16 values, each output rounded once however many bands or images it sums
     * over. The bias is added to the bfloat16 convolution and rounded again, as PyTorch's bfloat16
     * convolution adds it: checked bit for bit.
     */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void convolutionsInBf16(Impl impl) {
        use("conv2d", impl);
        use("conv_transpose2d", impl);
        Assumptions.assumeTrue(CudaRuntime.get().driver.ampereTensorCores(), "no BF16 tensor cores on this GPU");
        // CONVS but for its largest case (three minutes of emulated tensor cores), which this one stands in for:
        // more output channels than one 128-row tile, and a sum of 180 terms.
        int[][] convs = Arrays.copyOf(CONVS, CONVS.length);
        convs[CONVS.length - 1] = new int[] {2, 20, 9, 10, 130, 3, 3, 1, 1, 1, 1};
        for (int[] c : convs) {
            Tensor x = bf16(rand(c[0], c[1], c[2], c[3]));
            Tensor w = bf16(Ops.scale(rand(c[4], c[1], c[5], c[6]), 0.5f));
            Tensor b = bf16(rand(c[4]));
            ConvParams p = new ConvParams(c[7], c[8], c[9], c[10]);
            Tensor y = Ops.conv2d(f32(x), f32(w), null, p);
            Tensor gy = bf16(rand(y.shape().dims()));
            String what = "bfloat16 conv2d " + Arrays.toString(c);
            Tensor yGpu = Ops.conv2d(gpu(x), gpu(w), null, p);
            withinOneRounding(y.toFloatArray(), yGpu, 1e-4, what + " forward");
            sameBits(Ops.addChannelBias(f32(yGpu.to(Device.CPU)), f32(b)), Ops.conv2d(gpu(x), gpu(w), gpu(b), p),
                    what + " forward with bias");
            withinOneRounding(Ops.conv2dBackwardData(f32(gy), f32(w), x.shape(), p).toFloatArray(),
                    Ops.conv2dBackwardData(gpu(gy), gpu(w), x.shape(), p), 1e-4, what + " backward data");
            withinOneRounding(Ops.conv2dBackwardWeight(f32(gy), f32(x), w.shape(), p).toFloatArray(),
                    Ops.conv2dBackwardWeight(gpu(gy), gpu(x), w.shape(), p), 1e-4, what + " backward weight");
        }
        // FCN-8s's last upsampling (16x16, stride 8) rather than FCN-32s's 64x64: a sixteenth of the emulated work.
        int[][] transposed = {{2, 3, 5, 4, 2, 4, 2, 1}, {1, 21, 3, 4, 21, 16, 8, 0}, {2, 3, 4, 3, 5, 1, 1, 0}};
        for (int[] c : transposed) {
            Tensor x = bf16(rand(c[0], c[1], c[2], c[3]));
            Tensor w = bf16(rand(c[1], c[4], c[5], c[5]));
            ConvParams p = ConvParams.of(c[6], c[7]);
            Tensor y = Ops.convTranspose2d(f32(x), f32(w), null, p);
            Tensor gy = bf16(rand(y.shape().dims()));
            String what = "bfloat16 conv_transpose2d " + Arrays.toString(c);
            withinOneRounding(y.toFloatArray(), Ops.convTranspose2d(gpu(x), gpu(w), null, p), 1e-4, what + " forward");
            withinOneRounding(Ops.convTranspose2dBackwardData(f32(gy), f32(w), x.shape(), p).toFloatArray(),
                    Ops.convTranspose2dBackwardData(gpu(gy), gpu(w), x.shape(), p), 1e-4, what + " backward data");
            withinOneRounding(Ops.convTranspose2dBackwardWeight(f32(gy), f32(x), w.shape(), p).toFloatArray(),
                    Ops.convTranspose2dBackwardWeight(gpu(gy), gpu(x), w.shape(), p), 1e-4, what + " backward weight");
        }
    }

    /**
     * Max pooling on bfloat16: the maxima bit for bit (values are only compared and moved), the indices as
     * the CPU's (ours), the gradient within one rounding of its float32 sum (ours: bit for bit, summed in
     * the CPU's order), ceil mode included (cuDNN's -infinity padding).
     */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void maxPoolInBf16(Impl impl) {
        use("max_pool2d", impl);
        for (PoolParams p : new PoolParams[] {PoolParams.of(2, 2, 0, true), new PoolParams(3, 2, 2, 1, 1, 0, true)}) {
            Tensor x = bf16(rand(2, 3, 9, 11));
            Ops.Pooled ref = Ops.maxPool2d(f32(x), p);
            Tensor gy = bf16(rand(ref.output().shape().dims()));
            Tensor gx = Ops.maxPool2dBackward(f32(gy), f32(x), ref, p);
            String what = "bfloat16 max_pool2d " + p;
            Tensor xg = gpu(x);
            Ops.Pooled got = Ops.maxPool2d(xg, p);
            sameBits(ref.output(), got.output(), what + " forward");
            Tensor gxGpu = Ops.maxPool2dBackward(gpu(gy), xg, got, p);
            withinOneRounding(gx.toFloatArray(), gxGpu, 0, what + " backward");
            if (impl == Impl.OWN) {
                assertArrayEquals(ref.indices().toIntArray(), got.indices().toIntArray(), what + " indices");
                sameBits(gx, gxGpu, what + " backward, bit for bit");
            }
        }
    }

    /** The bias gradient and argmax on bfloat16: each channel's sum within one rounding of the exact sum. */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void reductionsInBf16(Impl impl) {
        use("bias_grad", impl);
        Tensor x = bf16(rand(3, 7, 11, 13));
        float[] v = x.toFloatArray();
        float[] exact = new float[7];
        for (int c = 0; c < 7; c++) {
            double sum = 0;
            for (int img = 0; img < 3; img++) {
                for (int i = 0; i < 11 * 13; i++) {
                    sum += v[(img * 7 + c) * 11 * 13 + i];
                }
            }
            exact[c] = (float) sum;
        }
        withinOneRounding(exact, Ops.sumPerChannel(gpu(x)), 1e-6, "bfloat16 sum per channel");
        assertArrayEquals(Ops.argmax(f32(x)).toIntArray(), Ops.argmax(gpu(x)).toIntArray(), "bfloat16 argmax");
    }

    /**
     * A normal float rounded to TF32 (10 mantissa bits), to nearest with ties away from zero, computed as
     * arithmetic on its magnitude rather than on its bits (an independent check of the kernels' rounding).
     */
    static float tf32(float x) {
        double mag = Math.abs((double) x);
        if (mag == 0) {
            return x;
        }
        double ulp = Math.scalb(1.0, Math.getExponent(x) - 10);
        return (float) Math.copySign(Math.floor(mag / ulp + 0.5) * ulp, x);
    }

    /**
     * Convolutions in TF32 (ours through our TF32 GEMM, cuDNN in its default math): forward and both
     * gradients within TF32's rounding of the CPU's FP32, and not equal to it.
     */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void convolutionInTf32(Impl impl) {
        use("conv2d", impl);
        Assumptions.assumeTrue(CudaRuntime.get().driver.ampereTensorCores(), "no TF32 tensor cores on this GPU");
        Precision.set(Precision.TF32);
        ConvParams p = ConvParams.of(1, 1);
        Tensor x = rand(2, 19, 23, 21);
        Tensor w = rand(24, 19, 3, 3);
        Tensor gy = rand(2, 24, 23, 21);
        Tensor[] cpu = {Ops.conv2d(x, w, null, p), Ops.conv2dBackwardData(gy, w, x.shape(), p),
            Ops.conv2dBackwardWeight(gy, x, w.shape(), p)};
        Tensor[] cuda = {Ops.conv2d(gpu(x), gpu(w), null, p), Ops.conv2dBackwardData(gpu(gy), gpu(w), x.shape(), p),
            Ops.conv2dBackwardWeight(gpu(gy), gpu(x), w.shape(), p)};
        String[] what = {"TF32 conv2d forward", "TF32 conv2d backward-data", "TF32 conv2d backward-weight"};
        for (int i = 0; i < 3; i++) {
            same(cpu[i], cuda[i], 3e-3, what[i]);
            assertTrue(relativeError(cuda[i].to(Device.CPU).toFloatArray(), cpu[i].toFloatArray()) > 1e-6,
                    what[i] + " equals FP32's: TF32 did not run");
        }
    }

    /** Empty batches and empty sums, which never launch a kernel over nothing. */
    @ParameterizedTest
    @EnumSource(value = Impl.class, names = {"OWN", "VENDOR"})
    void emptyShapes(Impl impl) {
        use("all", impl);
        ConvParams p = ConvParams.of(1, 1);
        Tensor x = rand(0, 3, 5, 6);
        Tensor w = rand(4, 3, 3, 3);
        Tensor gy = rand(0, 4, 5, 6);
        same(Ops.conv2d(x, w, null, p), Ops.conv2d(gpu(x), gpu(w), null, p), 0, "conv2d of an empty batch");
        same(Ops.conv2dBackwardWeight(gy, x, w.shape(), p), Ops.conv2dBackwardWeight(gpu(gy), gpu(x), w.shape(), p), 0,
                "the weight gradient of an empty batch is zero");
        Tensor a = rand(3, 0);
        Tensor b = rand(0, 5);
        same(Ops.matmul(a, false, b, false), Ops.matmul(gpu(a), false, gpu(b), false), 0, "a product over k = 0 is zero");
        Tensor none = rand(0, 4, 3, 3);
        same(Ops.sumPerChannel(none), Ops.sumPerChannel(gpu(none)), 0, "per-channel sums of an empty batch");
    }

    @Test
    void optimizerStepsAndTheConfusionMatrix() {
        Tensor w = rand(7, 13);
        Tensor wg = gpu(w);
        Tensor v = Tensor.zeros(7, 13);
        Tensor vg = gpu(v);
        Tensor m2 = Tensor.zeros(7, 13);
        Tensor v2 = Tensor.zeros(7, 13);
        Tensor w2 = w.copy();
        Tensor w2g = gpu(w);
        Tensor m2g = gpu(m2);
        Tensor v2g = gpu(v2);
        for (int step = 1; step <= 3; step++) {
            Tensor g = rand(7, 13);
            Ops.sgdStep(w, g, v, 0.1f, 0.9f, 5e-4f);
            Ops.sgdStep(wg, gpu(g), vg, 0.1f, 0.9f, 5e-4f);
            Ops.adamStep(w2, g, m2, v2, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-2f, step);
            Ops.adamStep(w2g, gpu(g), m2g, v2g, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-2f, step);
        }
        same(w, wg, 1e-5, "sgd");
        same(w2, w2g, 1e-5, "adam");

        int[] pred = new int[500];
        int[] lab = new int[500];
        for (int i = 0; i < 500; i++) {
            pred[i] = (i * 13) % 6;
            lab[i] = i % 17 == 0 ? 255 : (i * 5) % 6;
        }
        Tensor counts = Tensor.zeros(Shape.of(6, 6), DType.INT32, Device.CPU);
        Tensor countsGpu = Tensor.zeros(Shape.of(6, 6), DType.INT32, GPU);
        Ops.confusionMatrix(Tensor.ofInts(pred, 500), Tensor.ofInts(lab, 500), 255, counts);
        Ops.confusionMatrix(gpu(Tensor.ofInts(pred, 500)), gpu(Tensor.ofInts(lab, 500)), 255, countsGpu);
        assertArrayEquals(counts.toIntArray(), countsGpu.toIntArray(), "confusion matrix");
        Tensor labels = Tensor.ofInts(lab, 500);
        for (int bad : new int[] {6, -1, Integer.MIN_VALUE}) {
            pred[123] = bad;
            Tensor badPred = Tensor.ofInts(pred, 500);
            assertThrows(IllegalArgumentException.class, () -> Ops.confusionMatrix(badPred, labels, 255, counts),
                    "CPU, a prediction of " + bad);
            assertThrows(IllegalArgumentException.class,
                    () -> Ops.confusionMatrix(gpu(badPred), gpu(labels), 255, countsGpu), "CUDA, a prediction of " + bad);
        }
    }

    /** The -infinity padding that lets cuDNN's floor-mode pooling compute ceil mode (its only user). */
    @Test
    void padNegInfCopiesTheInputAndFillsTheRest() {
        Tensor x = rand(2, 3, 4, 5);
        Tensor padded = Tensor.zeros(Shape.of(2, 3, 6, 7), DType.FLOAT32, GPU);
        CudaRuntime.get().kernels.pad_neg_inf_f32(Grid.linear(padded.numel()), CudaStorage.addressOf(gpu(x)),
                CudaStorage.addressOf(padded), 6, 4, 5, 6, 7);
        Tensor xb = bf16(x);
        Tensor paddedBf16 = Tensor.zeros(Shape.of(2, 3, 6, 7), DType.BFLOAT16, GPU);
        CudaRuntime.get().kernels.pad_neg_inf_bf16(Grid.linear(paddedBf16.numel()), CudaStorage.addressOf(gpu(xb)),
                CudaStorage.addressOf(paddedBf16), 6, 4, 5, 6, 7);
        checkPadded(x.toFloatArray(), padded.toFloatArray(), "float32");
        checkPadded(xb.toFloatArray(), paddedBf16.toFloatArray(), "bfloat16");
    }

    private static void checkPadded(float[] in, float[] out, String type) {
        for (int p = 0; p < 6; p++) {
            for (int r = 0; r < 6; r++) {
                for (int q = 0; q < 7; q++) {
                    float want = r < 4 && q < 5 ? in[(p * 4 + r) * 5 + q] : Float.NEGATIVE_INFINITY;
                    assertEquals(want, out[(p * 6 + r) * 7 + q], type + " plane " + p + " row " + r + " column " + q);
                }
            }
        }
    }

    /**
     * Runs last: once every test of this class has run, every one of our kernels must have been
     * launched, so no kernel goes unchecked on the emulated device (or on a GPU).
     */
    @Test
    @Order(Integer.MAX_VALUE)
    void everyKernelOfOursWasLaunched() {
        Set<String> tests = new TreeSet<>();
        for (Method m : CudaParityTest.class.getDeclaredMethods()) {
            if ((m.isAnnotationPresent(Test.class) || m.isAnnotationPresent(ParameterizedTest.class))
                    && !m.getName().equals("everyKernelOfOursWasLaunched")) {
                tests.add(m.getName());
            }
        }
        Assumptions.assumeTrue(RAN.containsAll(tests), "only part of CudaParityTest ran: the coverage check needs all of it");
        List<String> never = CudaRuntime.get().kernels.launches().entrySet().stream().filter(e -> e.getValue() == 0)
                .map(Map.Entry::getKey).toList();
        assertEquals(List.of(), never, "kernels the parity tests never launched");
    }

    @Test
    void steadyRepetitionMakesNoNewDriverAllocations() {
        CudaBackend cuda = (CudaBackend) Backends.of(GPU);
        Supplier<Long> driver = () -> cuda.memoryStats().get("driver_allocations");
        Tensor x = gpu(rand(2, 8, 33, 35));
        Tensor w = gpu(rand(16, 8, 3, 3));
        long after = 0;
        for (int round = 0; round < 5; round++) {
            try (Scope s = Scope.open()) {
                Tensor y = Ops.relu(Ops.conv2d(x, w, null, ConvParams.of(1, 1)));
                Ops.sum(y).item();
            }
            if (round == 1) {
                after = driver.get();
            }
        }
        assertEquals(after, driver.get(), "no cuMemAlloc once the sizes have been seen");
    }
}
