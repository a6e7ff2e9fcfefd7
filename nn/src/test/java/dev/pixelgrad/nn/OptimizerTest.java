package dev.pixelgrad.nn;

import static dev.pixelgrad.tensor.testing.Approx.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.testing.Golden;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class OptimizerTest {

    /** Three steps of each optimizer against torch.optim.SGD / torch.optim.Adam (tools/golden). */
    @TestFactory
    Stream<DynamicTest> matchPyTorch() {
        return Golden.cases("optimizers").stream().map(c -> DynamicTest.dynamicTest("optimizer " + c, () -> {
            Variable w = Variable.parameter(c.tensor("w0")).name("w");
            Map<String, Variable> params = new LinkedHashMap<>();
            params.put("w", w);
            List<ParamGroup> groups = List.of(new ParamGroup("all", params, 1f, 1f));
            Optimizer opt = c.string("kind").equals("sgd")
                    ? new Sgd(groups, (float) c.number("lr"), (float) c.number("momentum"), (float) c.number("weight_decay"))
                    : new Adam(groups, (float) c.number("lr"), (float) c.number("beta1"), (float) c.number("beta2"),
                            (float) c.number("eps"), (float) c.number("weight_decay"));
            for (int k = 1; k <= 3; k++) {
                w.setGrad(c.tensor("g" + k));
                opt.step();
                assertNull(w.grad(), "step releases the gradient");
                assertClose(c.tensor("w" + k), w.data(), 1e-5, "step " + k + " of optimizer " + c);
            }
        }));
    }

    private static final class TwoLayers extends Module {
        final Conv2d a = registerModule("a", new Conv2d(2, 3, 3, 1, 1, 1));
        final ConvTranspose2d up = registerModule("up", new ConvTranspose2d(3, 3, 4, 2, 0, false, 2));

        TwoLayers() {
            up.weight().requiresGrad(false);
        }

        @Override
        public Variable forward(Variable x) {
            return up.forward(a.forward(x));
        }
    }

    @Test
    void caffeRecipeDoublesTheBiasRateDropsItsDecayAndSkipsFrozenLayers() {
        TwoLayers m = new TwoLayers();
        List<ParamGroup> groups = ParamGroup.caffeRecipe(m);
        assertEquals(List.of("a.weight"), List.copyOf(groups.get(0).params().keySet()));
        assertEquals(1f, groups.get(0).lrMult());
        assertEquals(1f, groups.get(0).decayMult());
        assertEquals(List.of("a.bias"), List.copyOf(groups.get(1).params().keySet()));
        assertEquals(2f, groups.get(1).lrMult());
        assertEquals(0f, groups.get(1).decayMult());
    }

    @Test
    void groupMultipliersScaleTheUpdate() {
        // One SGD step without momentum: w -= lr * lrMult * (g + decay * decayMult * w).
        Variable w = Variable.parameter(Tensor.of(new float[] {1f, 2f}, 2));
        Variable b = Variable.parameter(Tensor.of(new float[] {1f, 2f}, 2));
        Sgd sgd = new Sgd(List.of(new ParamGroup("w", Map.of("w", w), 1f, 1f), new ParamGroup("b", Map.of("b", b), 2f, 0f)),
                0.1f, 0f, 0.5f);
        w.setGrad(Tensor.of(new float[] {1f, 1f}, 2));
        b.setGrad(Tensor.of(new float[] {1f, 1f}, 2));
        sgd.step();
        assertClose(new float[] {1f - 0.1f * (1f + 0.5f), 2f - 0.1f * (1f + 1f)}, w.data().toFloatArray(), 1e-6, "weights");
        assertClose(new float[] {1f - 0.2f, 2f - 0.2f}, b.data().toFloatArray(), 1e-6, "biases");
    }

    @Test
    void stateSavesAndLoadsByName() {
        Variable w = Variable.parameter(Tensor.of(new float[] {1f, 2f, 3f}, 3));
        Adam adam = new Adam(List.of(new ParamGroup("all", Map.of("layer.weight", w), 1f, 1f)), 0.1f);
        w.setGrad(Tensor.of(new float[] {1f, -1f, 0.5f}, 3));
        adam.step();
        Map<String, Tensor> saved = new LinkedHashMap<>();
        adam.state().forEach((k, v) -> saved.put(k, v.copy()));
        assertTrue(saved.keySet().containsAll(List.of("m/layer.weight", "v/layer.weight", "step/layer.weight")));

        Variable w2 = Variable.parameter(w.data().copy());
        Adam restored = new Adam(List.of(new ParamGroup("all", Map.of("layer.weight", w2), 1f, 1f)), 0.1f);
        restored.loadState(saved);
        w.setGrad(Tensor.of(new float[] {0.3f, 0.2f, 0.1f}, 3));
        w2.setGrad(Tensor.of(new float[] {0.3f, 0.2f, 0.1f}, 3));
        adam.step();
        restored.step();
        org.junit.jupiter.api.Assertions.assertArrayEquals(w.data().toFloatArray(), w2.data().toFloatArray());

        Map<String, Tensor> sgdState = Map.of("momentum/layer.weight", Tensor.zeros(3));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> restored.loadState(sgdState));
        assertTrue(other.getMessage().contains("another optimizer"), other.getMessage());
        assertEquals(Device.CPU, restored.state().get("step/layer.weight").device(),
                "step counters stay on the host");
        Map<String, Tensor> wrong = Map.of("m/other", Tensor.zeros(3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> restored.loadState(wrong));
        assertTrue(e.getMessage().contains("m/other"), e.getMessage());
        Map<String, Tensor> badShape = Map.of("m/layer.weight", Tensor.zeros(4));
        assertThrows(IllegalArgumentException.class, () -> restored.loadState(badShape));
        assertFalse(restored.state().isEmpty(), "a rejected load keeps the old state");
    }

    @Test
    void bilinearFilterIsTheReferenceTentOnTheDiagonal() {
        Tensor w = Init.bilinear(3, 4);
        assertEquals(Shape.of(3, 3, 4, 4), w.shape());
        float[] v = w.toFloatArray();
        float[] tent = {0.25f, 0.75f, 0.75f, 0.25f};
        for (int i = 0; i < 3; i++) {
            for (int o = 0; o < 3; o++) {
                for (int y = 0; y < 4; y++) {
                    for (int x = 0; x < 4; x++) {
                        float expected = i == o ? tent[y] * tent[x] : 0f;
                        assertEquals(expected, v[((i * 3 + o) * 4 + y) * 4 + x], 1e-7f);
                    }
                }
            }
        }
        // Odd kernels peak at the centre tap.
        float[] k3 = Init.bilinear(1, 3).toFloatArray();
        assertEquals(1f, k3[4], 1e-7f);
        assertEquals(0.25f, k3[0], 1e-7f);
    }
}
