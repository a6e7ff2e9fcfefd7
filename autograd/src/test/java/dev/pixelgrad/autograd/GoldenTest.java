package dev.pixelgrad.autograd;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static dev.pixelgrad.tensor.testing.Approx.assertSameInts;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.testing.Golden;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every op, forward and backward, against PyTorch's golden values (float64, see tools/golden/make_golden.py).
 * Relative error (max abs difference over max abs golden value) at most 1e-5, 1e-4 for convolutions. Each
 * case is named, in its test and in its failures, by the PyTorch expression that computed it.
 */
class GoldenTest {
    private static final double TOL = 1e-5;
    private static final double CONV_TOL = 1e-4;

    /**
     * Runs one fixture: builds a variable per floating input (a parameter, so it gets a gradient), applies
     * {@code op}, backpropagates the stored upstream gradient and compares the output and every gradient.
     */
    private static Stream<DynamicTest> check(String fixture, List<String> inputs, double tol,
                                             Function<Golden.Case, Function<Map<String, Variable>, Variable>> op) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Golden.Case c : Golden.cases(fixture)) {
            String name = fixture + " " + c;
            tests.add(DynamicTest.dynamicTest(name, () -> {
                try (Scope s = Scope.open()) {
                    Map<String, Variable> vars = new LinkedHashMap<>();
                    for (String input : inputs) {
                        vars.put(input, c.has(input) ? Variable.parameter(c.tensor(input)) : null);
                    }
                    Variable y = op.apply(c).apply(vars);
                    assertClose(c.tensor("y"), y.data(), tol, "output of " + name);
                    y.backward(c.tensor("gy"));
                    for (String input : inputs) {
                        Variable v = vars.get(input);
                        if (v != null) {
                            assertClose(c.tensor("g" + input), v.grad(), tol, "d/d" + input + " of " + name);
                        }
                    }
                }
            }));
        }
        return tests.stream();
    }

    private static ConvParams conv(Golden.Case c) {
        int[] s = c.ints("stride");
        int[] p = c.ints("pad");
        return new ConvParams(s[0], s[1], p[0], p[1]);
    }

    @TestFactory
    Stream<DynamicTest> conv2d() {
        return check("conv2d", List.of("x", "w", "b"), CONV_TOL,
                c -> v -> F.conv2d(v.get("x"), v.get("w"), v.get("b"), conv(c)));
    }

    @TestFactory
    Stream<DynamicTest> convTranspose2d() {
        return check("conv_transpose2d", List.of("x", "w", "b"), CONV_TOL,
                c -> v -> F.convTranspose2d(v.get("x"), v.get("w"), v.get("b"), conv(c)));
    }

    @TestFactory
    Stream<DynamicTest> maxPool2d() {
        return check("max_pool2d", List.of("x"), TOL, c -> {
            int[] k = c.ints("k");
            int[] s = c.ints("stride");
            int[] p = c.ints("pad");
            PoolParams pp = new PoolParams(k[0], k[1], s[0], s[1], p[0], p[1], c.flag("ceil"));
            return v -> F.maxPool2d(v.get("x"), pp);
        });
    }

    @TestFactory
    Stream<DynamicTest> relu() {
        return check("relu", List.of("x"), TOL, c -> v -> F.relu(v.get("x")));
    }

    @TestFactory
    Stream<DynamicTest> add() {
        return check("add", List.of("a", "b"), TOL, c -> v -> F.add(v.get("a"), v.get("b")));
    }

    @TestFactory
    Stream<DynamicTest> scale() {
        return check("scale", List.of("x"), TOL, c -> v -> F.scale(v.get("x"), (float) c.number("s")));
    }

    @TestFactory
    Stream<DynamicTest> crop() {
        return check("crop", List.of("x"), TOL, c -> {
            int[] off = c.ints("offset");
            int[] size = c.ints("size");
            return v -> F.crop(v.get("x"), off[0], off[1], size[0], size[1]);
        });
    }

    @TestFactory
    Stream<DynamicTest> dropout() {
        return check("dropout", List.of("x"), TOL,
                c -> v -> F.dropout(v.get("x"), (float) c.number("p"), (long) c.number("seed")));
    }

    @TestFactory
    Stream<DynamicTest> softmaxCrossEntropy() {
        return check("softmax_cross_entropy", List.of("logits"), TOL, c -> {
            Reduction r = c.string("reduction").equals("sum") ? Reduction.SUM : Reduction.MEAN;
            Tensor labels = c.tensor("labels");
            return v -> F.softmaxCrossEntropy(v.get("logits"), labels, 255, r);
        });
    }

    /** Class weights, some 0 (on classes present and absent), on odd shapes with ignored pixels. */
    @TestFactory
    Stream<DynamicTest> softmaxCrossEntropyWithClassWeights() {
        return check("softmax_cross_entropy_weighted", List.of("logits"), TOL, c -> {
            Reduction r = c.string("reduction").equals("sum") ? Reduction.SUM : Reduction.MEAN;
            Tensor labels = c.tensor("labels");
            Tensor weights = c.tensor("weights");
            return v -> F.softmaxCrossEntropy(v.get("logits"), labels, weights, 255, r);
        });
    }

    @TestFactory
    Stream<DynamicTest> matmul() {
        return check("matmul", List.of("a", "b"), TOL, c -> v -> F.matmul(v.get("a"), v.get("b")));
    }

    /**
     * To bfloat16 and back, exactly (tolerance 0): PyTorch's rounding on values from every binade, a quarter
     * of them ties; the gradient is cast the same way, to bfloat16 and back.
     */
    @TestFactory
    Stream<DynamicTest> castToBfloat16AndBack() {
        return check("cast", List.of("x"), 0, c -> v -> F.cast(F.cast(v.get("x"), DType.BFLOAT16), DType.FLOAT32));
    }

    @TestFactory
    Stream<DynamicTest> sumAndMean() {
        return check("sum", List.of("x"), TOL,
                c -> v -> c.flag("mean") ? F.mean(v.get("x")) : F.sum(v.get("x")));
    }

    @TestFactory
    Stream<DynamicTest> argmax() {
        return Golden.cases("argmax").stream().map(c -> DynamicTest.dynamicTest("argmax " + c, () -> {
            try (Scope s = Scope.open()) {
                assertSameInts(c.tensor("y"), F.argmax(Variable.of(c.tensor("x"))), "argmax " + c);
            }
        }));
    }
}
