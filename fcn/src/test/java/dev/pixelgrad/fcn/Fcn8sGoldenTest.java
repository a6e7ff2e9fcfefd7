package dev.pixelgrad.fcn;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.testing.Golden;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * A whole FCN-8s (and FCN-8s at-once), forward and backward on fixed weights and inputs, against an
 * independent PyTorch definition of the reference net (tools/golden/make_golden.py, fcn8s_forward), in
 * both padding forms and on both encoders (VGG16, VGG19):
 * logits, loss, input gradient and every parameter gradient within 1e-4 relative. Dropout is on, with
 * masks from the same counter-based generator on both sides.
 */
class Fcn8sGoldenTest {

    @TestFactory
    Stream<DynamicTest> matchesPyTorch() {
        return Stream.of("fcn8s", "fcn8s_same", "fcn8s_vgg19").flatMap(fixture -> Golden.cases(fixture).stream())
                .map(c -> DynamicTest.dynamicTest("fcn8s " + c, () -> check(c)));
    }

    private static void check(Golden.Case c) {
        try (Scope s = Scope.open()) {
            FcnConfig cfg = new FcnConfig(c.string("model"), c.integer("classes"), (float) c.number("width"),
                    false, Preprocessing.CAFFE, c.integer("seed"), Encoder.parse(c.string("encoder")),
                    Padding.parse(c.string("padding")));
            Fcn model = Fcn.create(cfg);
            Map<String, Tensor> params = new LinkedHashMap<>();
            for (String name : model.namedParameters().keySet()) {
                params.put(name, c.shared("param." + name));
            }
            model.loadState(params, true);
            model.train(true);

            Variable x = Variable.parameter(c.tensor("x"));
            Variable logits = model.forward(x);
            assertClose(c.tensor("logits"), logits.data(), 1e-4, "logits of fcn8s " + c);
            Variable loss = F.softmaxCrossEntropy(logits, c.tensor("labels"), 255, Reduction.MEAN);
            assertClose(c.tensor("loss"), loss.data(), 1e-4, "loss of fcn8s " + c);
            loss.backward();
            assertClose(c.tensor("gx"), x.grad(), 1e-4, "input gradient of fcn8s " + c);
            for (Map.Entry<String, Variable> e : model.namedParameters().entrySet()) {
                if (e.getValue().requiresGrad()) {
                    assertClose(c.tensor("grad." + e.getKey()), e.getValue().grad(), 1e-4,
                            "gradient of " + e.getKey() + " in fcn8s " + c);
                } else {
                    assertNull(e.getValue().grad(), "frozen " + e.getKey() + " gets no gradient");
                }
            }
        }
    }
}
