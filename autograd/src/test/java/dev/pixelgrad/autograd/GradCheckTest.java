package dev.pixelgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.CounterRng;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Finite-difference gradient checks of every differentiable op, on small inputs with odd sizes: strides
 * and paddings that do not divide evenly, ceil-mode windows that overhang, non-square kernels.
 *
 * <p>For a random weighting r of the output, L(x) = sum_i r_i y_i(x) (summed on the host in double).
 * The analytic gradient comes from backward with seed r; the numeric one from central differences
 * (L(x + eps e_j) - L(x - eps e_j)) / 2 eps for every element j of every input. Piecewise-linear ops get
 * inputs kept away from their kinks by more than eps, so the difference quotient is exact up to rounding.
 */
class GradCheckTest {
    private static final float EPS = 1e-2f;
    private static final double TOL = 2e-3;

    /** Per test (JUnit makes a new instance for each), so every test sees the same inputs in any order. */
    private long seed = 1;

    private Variable param(float lo, float hi, int... dims) {
        return Variable.parameter(Tensor.uniform(Shape.of(dims), lo, hi, seed++, Device.CPU));
    }

    /** Values whose magnitude is in [0.1, 1], random sign: at least 0.1 away from relu's kink at 0. */
    private Variable awayFromZero(int... dims) {
        float[] v = Tensor.uniform(Shape.of(dims), 0.1f, 1f, seed++, Device.CPU).toFloatArray();
        for (int i = 0; i < v.length; i++) {
            if (CounterRng.uniform(seed, i) < 0.5f) {
                v[i] = -v[i];
            }
        }
        seed++;
        return Variable.parameter(Tensor.of(v, dims));
    }

    /** A shuffled ramp with steps of 0.05: every window has one clear max, more than 2 eps above the rest. */
    private Variable distinct(int... dims) {
        int n = (int) Shape.of(dims).numel();
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = 0.05f * i - 0.025f * n;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = (int) (CounterRng.uniform(seed, i) * (i + 1));
            float t = v[i];
            v[i] = v[j];
            v[j] = t;
        }
        seed++;
        return Variable.parameter(Tensor.of(v, dims));
    }

    static void check(String what, List<Variable> inputs, Supplier<Variable> f) {
        try (Scope scope = Scope.open()) {
            for (Variable v : inputs) {
                v.zeroGrad();
            }
            Variable y = f.get();
            float[] r = Tensor.uniform(y.shape(), -1f, 1f, 424242, Device.CPU).toFloatArray();
            y.backward(Tensor.of(r, y.shape()));
            for (int k = 0; k < inputs.size(); k++) {
                Variable v = inputs.get(k);
                if (!v.requiresGrad()) {
                    continue;
                }
                assertNotNull(v.grad(), what + ": input " + k + " got no gradient");
                float[] analytic = v.grad().toFloatArray();
                float[] x = v.data().hostFloats();
                double maxDiff = 0;
                double maxRef = 0;
                for (int j = 0; j < x.length; j++) {
                    float orig = x[j];
                    x[j] = orig + EPS;
                    double plus = weighted(f, r);
                    x[j] = orig - EPS;
                    double minus = weighted(f, r);
                    x[j] = orig;
                    double numeric = (plus - minus) / (2 * EPS);
                    maxDiff = Math.max(maxDiff, Math.abs(numeric - analytic[j]));
                    maxRef = Math.max(maxRef, Math.abs(numeric));
                }
                double rel = maxDiff / Math.max(maxRef, 1e-6);
                assertTrue(maxRef > 0, what + ": input " + k + " has an all-zero numeric gradient; the check is vacuous");
                assertTrue(rel <= TOL, what + ": input " + k + " gradient relative error " + rel + " > " + TOL);
            }
        }
    }

    private static double weighted(Supplier<Variable> f, float[] r) {
        try (Scope s = Scope.open(); GradMode off = GradMode.off()) {
            float[] y = f.get().data().toFloatArray();
            double sum = 0;
            for (int i = 0; i < y.length; i++) {
                sum += (double) r[i] * y[i];
            }
            return sum;
        }
    }

    @Test
    void conv2d() {
        Variable x = param(-1, 1, 2, 3, 7, 6);
        Variable w = param(-0.5f, 0.5f, 4, 3, 3, 2);
        Variable b = param(-1, 1, 4);
        check("conv2d 3x2 stride 2x3 pad 1x0", List.of(x, w, b), () -> F.conv2d(x, w, b, new ConvParams(2, 3, 1, 0)));
        check("conv2d 3x2 stride 1 pad 2", List.of(x, w, b), () -> F.conv2d(x, w, b, ConvParams.of(1, 2)));
        Variable w1 = param(-0.5f, 0.5f, 5, 3, 1, 1);
        check("conv2d 1x1 no bias", List.of(x, w1), () -> F.conv2d(x, w1, null, ConvParams.of(1, 0)));
    }

    @Test
    void convTranspose2d() {
        Variable x = param(-1, 1, 2, 3, 4, 5);
        Variable w = param(-0.5f, 0.5f, 3, 2, 4, 3);
        Variable b = param(-1, 1, 2);
        check("conv_transpose2d 4x3 stride 2x3 pad 1x1", List.of(x, w, b),
                () -> F.convTranspose2d(x, w, b, new ConvParams(2, 3, 1, 1)));
        Variable wUp = param(-0.5f, 0.5f, 3, 3, 4, 4);
        check("conv_transpose2d FCN-style upsampling (k4 s2)", List.of(x, wUp),
                () -> F.convTranspose2d(x, wUp, null, ConvParams.of(2, 0)));
    }

    @Test
    void maxPool2d() {
        Variable x = distinct(2, 2, 7, 9);
        check("max_pool2d 2x2 s2 ceil (overhang)", List.of(x), () -> F.maxPool2d(x, PoolParams.of(2, 2, 0, true)));
        check("max_pool2d 3x3 s2 p1 ceil", List.of(x), () -> F.maxPool2d(x, PoolParams.of(3, 2, 1, true)));
        check("max_pool2d 3x3 s1 p1 (overlapping windows)", List.of(x),
                () -> F.maxPool2d(x, PoolParams.of(3, 1, 1, false)));
        Variable tiny = distinct(1, 3, 1, 3);
        check("max_pool2d 1-row input, ceil", List.of(tiny), () -> F.maxPool2d(tiny, PoolParams.of(2, 2, 0, true)));
    }

    @Test
    void reluAddScaleCropDropout() {
        Variable x = awayFromZero(2, 3, 5, 7);
        check("relu", List.of(x), () -> F.relu(x));
        Variable a = param(-1, 1, 2, 3, 5, 7);
        Variable bias = param(-1, 1, 3);
        check("add same shape", List.of(x, a), () -> F.add(x, a));
        check("add channel bias", List.of(a, bias), () -> F.add(a, bias));
        check("scale", List.of(a), () -> F.scale(a, 0.01f));
        check("crop", List.of(a), () -> F.crop(a, 1, 2, 3, 4));
        check("pad", List.of(a), () -> F.pad(a, 1, 2, 7, 11));
        check("pad at the bottom and right only", List.of(a), () -> F.pad(a, 0, 0, 6, 7));
        check("dropout", List.of(a), () -> F.dropout(a, 0.4f, 77));
        check("add of a variable to itself", List.of(a), () -> F.add(a, a));
    }

    @Test
    void softmaxCrossEntropy() {
        Variable logits = param(-2, 2, 2, 5, 3, 4);
        int[] lab = new int[2 * 3 * 4];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 7 == 3 ? 255 : (i * 3) % 5;
        }
        Tensor labels = Tensor.ofInts(lab, 2, 3, 4);
        check("softmax cross-entropy mean", List.of(logits),
                () -> F.softmaxCrossEntropy(logits, labels, 255, Reduction.MEAN));
        check("softmax cross-entropy sum", List.of(logits),
                () -> F.softmaxCrossEntropy(logits, labels, 255, Reduction.SUM));
    }

    @Test
    void softmaxCrossEntropyWithClassWeights() {
        Variable logits = param(-2, 2, 2, 4, 3, 5);
        int[] lab = new int[2 * 3 * 5];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 7 == 3 ? 255 : (i * 3) % 4;
        }
        Tensor labels = Tensor.ofInts(lab, 2, 3, 5);
        Tensor weights = Tensor.of(new float[] {0.5f, 0f, 2.5f, 1.25f}, 4); // class 1 is present, with weight 0
        check("weighted softmax cross-entropy mean", List.of(logits),
                () -> F.softmaxCrossEntropy(logits, labels, weights, 255, Reduction.MEAN));
        check("weighted softmax cross-entropy sum", List.of(logits),
                () -> F.softmaxCrossEntropy(logits, labels, weights, 255, Reduction.SUM));
    }

    @Test
    void matmulSumMeanReshape() {
        Variable a = param(-1, 1, 5, 7);
        Variable b = param(-1, 1, 7, 3);
        check("matmul", List.of(a, b), () -> F.matmul(a, b));
        check("sum", List.of(a), () -> F.sum(a));
        check("mean", List.of(a), () -> F.mean(a));
        check("reshape", List.of(a), () -> F.reshape(a, 7, -1));
    }

    @Test
    void skipFusionNetworkEndToEnd() {
        // An FCN-shaped graph: a conv path that is upsampled and cropped, fused by addition with a 1x1
        // "score" of the same input (x feeds two branches), then dropout and the loss. Only smooth or
        // linear ops here, so finite differences are exact everywhere; relu and max-pool have their own
        // checks above on inputs kept away from their kinks.
        Variable x = param(-1, 1, 1, 2, 9, 11);
        Variable w1 = param(-0.5f, 0.5f, 3, 2, 3, 3);
        Variable b1 = param(-0.1f, 0.1f, 3);
        Variable up = param(-0.5f, 0.5f, 3, 4, 4, 4);
        Variable score = param(-0.5f, 0.5f, 4, 2, 1, 1);
        int[] lab = new int[9 * 11];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 13 == 0 ? 255 : i % 4;
        }
        Tensor labels = Tensor.ofInts(lab, 1, 9, 11);
        check("conv-upsample-crop + score skip, fused, dropout, loss", List.of(x, w1, b1, up, score), () -> {
            Variable h = F.conv2d(x, w1, b1, ConvParams.of(2, 1));
            Variable u = F.convTranspose2d(h, up, null, ConvParams.of(2, 0));
            Variable c = F.crop(u, 1, 2, 9, 11);
            Variable fused = F.add(c, F.scale(F.conv2d(x, score, null, ConvParams.of(1, 0)), 0.5f));
            return F.softmaxCrossEntropy(F.dropout(fused, 0.25f, 5), labels, 255, Reduction.MEAN);
        });
    }
}
