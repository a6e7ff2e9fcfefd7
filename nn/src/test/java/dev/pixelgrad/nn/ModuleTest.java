package dev.pixelgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Trace;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModuleTest {
    @TempDir
    Path dir;

    /** conv-relu-pool-dropout-conv, as a Sequential: names like torchvision's features.N. */
    private static Sequential net(RandomState rng) {
        return new Sequential(new Conv2d(3, 4, 3, 1, 1, 1), new ReLU(), new MaxPool2d(2, 2, 0, true),
                new Dropout(0.5f, rng), new Conv2d(4, 2, 1, 1, 0, 2));
    }

    @Test
    void toStringPrintsTheLayersByNameAndDepth() {
        Sequential outer = new Sequential(net(new RandomState(1)), new ReLU());
        String text = outer.toString();
        assertTrue(text.startsWith("Sequential(\n  (0): Sequential(\n    (0): Conv2d(3, 4, kernel 3, "), text);
        assertTrue(text.contains("\n    (1): ReLU\n") || text.contains("\n    (1): ReLU()\n"), text);
        assertTrue(text.endsWith("\n  )\n  (1): " + new ReLU() + "\n)"), text);
        assertEquals(10, text.split("\n").length, text); // 2 heads, 5 layers, 1 close, the ReLU, the last close
    }

    @Test
    void aSequentialRunsAConvolutionAndItsReluAsOneOp() {
        Sequential s = net(new RandomState(1));
        try (Scope scope = Scope.open()) {
            Variable x = Variable.of(Tensor.uniform(Shape.of(2, 3, 5, 7), -1, 1, 3, Device.CPU));
            List<String> ops = new ArrayList<>();
            Variable y;
            try (Trace trace = Trace.start()) {
                y = s.forward(x, 0, 3);
                trace.ops().forEach(op -> ops.add(op.name()));
            }
            assertEquals(List.of("conv2d_relu", "max_pool2d"), ops);
            Conv2d conv = (Conv2d) s.get(0);
            Variable twoOps = F.maxPool2d(F.relu(conv.forward(x)), ((MaxPool2d) s.get(2)).params);
            assertArrayEquals(twoOps.data().toFloatArray(), y.data().toFloatArray());
            // Stopping between the two runs the convolution alone.
            try (Trace trace = Trace.start()) {
                s.forward(x, 0, 1);
                assertEquals("conv2d", trace.ops().getFirst().name());
            }
        }
    }

    @Test
    void parametersAreNamedByTheirPathInTheTree() {
        Sequential features = net(new RandomState(1));
        assertEquals(List.of("0.weight", "0.bias", "4.weight", "4.bias"), List.copyOf(features.namedParameters().keySet()));
        Module outer = new Module() {
            final Sequential f = registerModule("features", features);

            @Override
            public Variable forward(Variable x) {
                return f.forward(x);
            }
        };
        assertTrue(outer.namedParameters().containsKey("features.0.weight"));
        assertEquals(4 * 3 * 9 + 4 + 2 * 4 + 2, outer.trainableCount());
    }

    @Test
    void loadStateChecksNamesAndShapesBeforeCopying() {
        Sequential a = net(new RandomState(1));
        Sequential b = net(new RandomState(1));
        b.loadState(a.state(), true);
        assertArrayEquals(a.state().get("0.weight").toFloatArray(), b.state().get("0.weight").toFloatArray());

        float[] before = b.state().get("0.bias").toFloatArray();
        Map<String, Tensor> bad = new LinkedHashMap<>(a.state());
        bad.put("0.bias", Tensor.of(new float[] {9f, 9f, 9f, 9f}, 4));
        bad.put("4.weight", Tensor.zeros(2, 4, 3, 3));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.loadState(bad, true));
        assertTrue(e.getMessage().contains("4.weight") && e.getMessage().contains("[2, 4, 1, 1]")
                && e.getMessage().contains("[2, 4, 3, 3]"), e.getMessage());
        assertArrayEquals(before, b.state().get("0.bias").toFloatArray(), "nothing was copied");

        Map<String, Tensor> missing = new LinkedHashMap<>(a.state());
        missing.remove("4.bias");
        missing.put("extra", Tensor.zeros(1));
        e = assertThrows(IllegalArgumentException.class, () -> b.loadState(missing, true));
        assertTrue(e.getMessage().contains("missing [4.bias]") && e.getMessage().contains("unexpected [extra]"),
                e.getMessage());
    }

    @Test
    void dropoutIsIdentityInEvalAndRepeatsItsMasksFromARestoredState() {
        RandomState rng = new RandomState(42);
        Dropout d = new Dropout(0.5f, rng);
        Variable x = Variable.of(Tensor.ones(Shape.of(1, 1, 8, 8), Device.CPU));
        d.eval();
        assertSame(x, d.forward(x));
        d.train(true);
        long counter = rng.counter();
        float[] first = d.forward(x).data().toFloatArray();
        float[] second = d.forward(x).data().toFloatArray();
        assertNotEquals(Arrays.toString(first), Arrays.toString(second), "a new mask per step");
        rng.restore(counter);
        assertArrayEquals(first, d.forward(x).data().toFloatArray(), "restored state, same mask");
    }

    /** A few Adam steps of a small net on fixed data; returns the losses. */
    private static List<Float> train(Sequential model, Adam opt, int steps, int firstStep) {
        List<Float> losses = new ArrayList<>();
        int[] lab = new int[2 * 4 * 5];
        for (int i = 0; i < lab.length; i++) {
            lab[i] = i % 2;
        }
        Tensor labels = Tensor.ofInts(lab, 2, 4, 5);
        for (int s = firstStep; s < firstStep + steps; s++) {
            try (Scope scope = Scope.open()) {
                Variable x = Variable.of(Tensor.uniform(Shape.of(2, 3, 8, 9), -1, 1, 100 + s, Device.CPU));
                Variable loss = F.softmaxCrossEntropy(model.forward(x), labels, 255, Reduction.MEAN);
                loss.backward();
                losses.add(loss.item());
                opt.step();
            }
        }
        return losses;
    }

    @Test
    void aResumedRunGivesTheSameLossesAsAnUninterruptedOne() throws Exception {
        RandomState rngA = new RandomState(7);
        Sequential a = net(rngA);
        Adam optA = new Adam(ParamGroup.all(a), 0.01f);
        List<Float> uninterrupted = train(a, optA, 8, 0);

        RandomState rngB = new RandomState(7);
        Sequential b = net(rngB);
        Adam optB = new Adam(ParamGroup.all(b), 0.01f);
        List<Float> firstHalf = train(b, optB, 4, 0);
        Path ckpt = dir.resolve("ckpt.safetensors");
        Checkpoint.save(ckpt, b, optB, Map.of("step", "4", "rng.counter", Long.toString(rngB.counter())));

        Checkpoint loaded = Checkpoint.load(ckpt);
        RandomState rngC = new RandomState(7, Long.parseLong(loaded.meta("rng.counter")));
        Sequential c = net(rngC);
        c.loadState(loaded.model(), true);
        Adam optC = new Adam(ParamGroup.all(c), 0.01f);
        optC.loadState(loaded.optimizer());
        assertEquals("adam", loaded.meta("optimizer"));
        List<Float> secondHalf = train(c, optC, 4, Integer.parseInt(loaded.meta("step")));

        List<Float> resumed = new ArrayList<>(firstHalf);
        resumed.addAll(secondHalf);
        assertEquals(uninterrupted, resumed, "bit-identical losses");
    }

    @Test
    void moduleToTheSameDeviceKeepsParameters() {
        Sequential s = net(new RandomState(1));
        Tensor before = s.state().get("0.weight");
        s.to(Device.CPU);
        assertSame(before, s.state().get("0.weight"));
    }
}
