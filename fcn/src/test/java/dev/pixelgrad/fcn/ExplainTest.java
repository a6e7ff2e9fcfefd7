package dev.pixelgrad.fcn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Trace;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.nn.Conv2d;
import dev.pixelgrad.nn.ConvTranspose2d;
import dev.pixelgrad.nn.Init;
import dev.pixelgrad.nn.MaxPool2d;
import dev.pixelgrad.nn.Module;
import dev.pixelgrad.nn.Sequential;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExplainTest {
    private static final float TINY = 1f / 64;

    private static FcnConfig tiny(String model) {
        return new FcnConfig(model, 21, TINY, false, Preprocessing.CAFFE, 1);
    }

    private static int height(Explain e, String layer) {
        return e.layer(layer).output().dim(2);
    }

    /** The reference FCN-8s on a 500x500 image: the sizes and offsets of the Caffe net. */
    @Test
    void fcn8sAt500x500() {
        Explain e = Explain.of(FcnConfig.reference("fcn8s", 21), 500, 500);
        assertEquals(Shape.of(1, 64, 698, 698), e.layer("conv1_1").output());
        int[] pools = {349, 175, 88, 44, 22};
        for (int i = 0; i < pools.length; i++) {
            assertEquals(pools[i], height(e, "pool" + (i + 1)), "pool" + (i + 1));
        }
        assertEquals(Shape.of(1, 4096, 16, 16), e.layer("fc7").output());
        assertEquals(34, height(e, "upscore2"));
        assertEquals(44, height(e, "score_pool4"));
        assertEquals(70, height(e, "upscore_pool4"));
        assertEquals(568, height(e, "upscore8"));
        assertEquals(Shape.of(1, 21, 500, 500), e.layers().getLast().output());
        assertEquals("score", e.layers().getLast().name());

        assertEquals(List.of("score_pool4c", "score_pool3c", "score"), e.crops().stream().map(Explain.Crop::name).toList());
        assertEquals(List.of(5, 9, 31), e.crops().stream().map(Explain.Crop::offsetH).toList());
        assertEquals(List.of(5, 9, 31), e.crops().stream().map(Explain.Crop::offsetW).toList());
        assertTrue(e.crops().get(0).lines().getFirst().contains("(-11.5 - (-91.5)) / 16"), e.crops().get(0).lines().toString());

        // Strides, receptive fields and starts (the padding of 100 puts conv1_1's pixel 0 at -99).
        assertEquals(new Explain.Axis(1, 3, -99), e.layer("conv1_1").h());
        assertEquals(new Explain.Axis(32, 212, -83.5), e.layer("pool5").h());
        assertEquals(new Explain.Axis(32, 404, 12.5), e.layer("fc7").h());
        assertEquals(new Explain.Axis(16, 436, -11.5), e.layer("upscore2").h());
        assertEquals(new Explain.Axis(16, 100, -91.5), e.layer("score_pool4").h());
        assertEquals(new Explain.Axis(8, 452, -23.5), e.layer("fuse_pool3").h());
        assertEquals(new Explain.Axis(1, 460, 0), e.layers().getLast().h());

        // Multiply-adds from the shapes: conv1_1 is 64 x 698 x 698 outputs of 3 x 3 x 3 each.
        assertEquals(64L * 698 * 698 * 3 * 3 * 3, e.layer("conv1_1").multiplyAdds());
        assertEquals(21L * 16 * 16 * 21 * 4 * 4, e.layer("upscore2").multiplyAdds()); // 16x16 inputs, 21 x 21 x 4 x 4 each
        assertEquals(2.0 * e.multiplyAdds() / 1e9, e.gflop(), 1e-9);
        // Every convolution of the encoder carries its relu (one output, two rows): conv1_1 then relu1_1.
        assertEquals("conv2d_relu", e.layer("conv1_1").op());
        assertEquals("fused into conv1_1", e.layer("relu1_1").settings());
        assertTrue(e.layer("relu7").fused());
        assertFalse(e.layer("drop7").fused());
        assertEquals("drop7", e.layers().get(e.layers().indexOf(e.layer("relu7")) + 1).name());
        long bytes = 0;
        for (Explain.Layer l : e.layers().subList(1, e.layers().size())) {
            bytes += l.fused() ? 0 : 4 * l.output().numel();
        }
        assertEquals(bytes, e.activationBytes());
    }

    @Test
    void everyModelsCropsLineUpAtEverySize() {
        List<List<Integer>> offsets = List.of(List.of(19), List.of(5, 27), List.of(5, 9, 31), List.of(5, 9, 31));
        for (int m = 0; m < FcnVariant.names().size(); m++) {
            for (int[] size : new int[][] {{1, 1}, {500, 375}, {375, 500}, {37, 91}, {224, 224}}) {
                Explain e = Explain.of(tiny(FcnVariant.names().get(m)), size[0], size[1]);
                String where = FcnVariant.names().get(m) + " at " + size[0] + "x" + size[1];
                assertEquals(offsets.get(m), e.crops().stream().map(Explain.Crop::offsetH).toList(), where);
                for (Explain.Crop c : e.crops()) {
                    assertTrue(c.aligned(), where + ": " + c);
                }
                Explain.Layer out = e.layers().getLast();
                assertEquals(Shape.of(1, 21, size[0], size[1]), out.output(), where);
                assertEquals(0, out.h().start(), where);
                assertEquals(0, out.w().start(), where);
                assertEquals(1, out.h().stride(), where);
            }
        }
        assertEquals(new Explain.Axis(1, 436, -19), Explain.of(tiny("fcn32s"), 500, 500).layer("upscore").h());
        assertEquals(new Explain.Axis(1, 452, -27), Explain.of(tiny("fcn16s"), 500, 500).layer("upscore16").h());
    }

    /** The shapes on the meta device are those a real forward pass on the CPU produces, op by op. */
    @Test
    void shapesEqualThoseOfARealForwardPass() {
        for (String name : FcnVariant.names()) {
            FcnConfig config = new FcnConfig(name, 3, TINY, false, Preprocessing.CAFFE, 1);
            Fcn model = Fcn.create(config);
            for (int[] size : new int[][] {{1, 1}, {2, 3}, {500, 375}, {37, 91}}) {
                List<String> real = new ArrayList<>();
                try (Scope s = Scope.open(); GradMode off = GradMode.off(); Trace trace = Trace.start()) {
                    model.forward(Variable.of(Tensor.zeros(Shape.of(1, 3, size[0], size[1]))));
                    trace.ops().forEach(op -> real.add(op.name() + " " + op.output().shape()));
                }
                List<String> explained = new ArrayList<>();
                Explain e = Explain.of(config, size[0], size[1]);
                e.layers().subList(1, e.layers().size()).stream().filter(l -> !l.fused())
                        .forEach(l -> explained.add(l.op() + " " + l.output()));
                assertEquals(real, explained, name + " at " + size[0] + "x" + size[1]);
            }
        }
    }

    @Test
    void parametersAreTheModelsOwn() {
        for (String name : FcnVariant.names()) {
            for (boolean learnUpsample : new boolean[] {false, true}) {
                FcnConfig config = new FcnConfig(name, 5, 1f / 16, learnUpsample, Preprocessing.CAFFE, 1);
                Fcn model = Fcn.create(config);
                long all = model.namedParameters().values().stream().mapToLong(v -> v.data().numel()).sum();
                Explain e = Explain.of(config, 64, 48);
                assertEquals(model.trainableCount(), e.trainableParameters(), name);
                assertEquals(all - model.trainableCount(), e.frozenParameters(), name);
                assertEquals(model.trainableCount(), e.layers().stream().mapToLong(Explain.Layer::trainable).sum());
                assertEquals(e.frozenParameters(), e.layers().stream().mapToLong(Explain.Layer::frozen).sum());
                assertEquals(learnUpsample, e.frozenParameters() == 0, name);
            }
        }
    }

    @Test
    void fullWidthFcn8sHasTheParametersFcnCreateReports() {
        Fcn model = Fcn.create(FcnConfig.reference("fcn8s", 21));
        long all = model.namedParameters().values().stream().mapToLong(v -> v.data().numel()).sum();
        Explain e = Explain.of(FcnConfig.reference("fcn8s", 21), 500, 500);
        assertEquals(model.trainableCount(), e.trainableParameters());
        assertEquals(all, e.trainableParameters() + e.frozenParameters());
        assertEquals(21 * 21 * (16 + 16 + 256), e.frozenParameters());
        assertEquals(134_500_000, all, 100_000);
        assertEquals(102_764_544, e.layer("fc6").trainable()); // 4096 x 512 x 7 x 7 + 4096
    }

    /**
     * The geometry against the gradient: with positive weights, the input pixels that one output pixel
     * depends on span exactly its receptive field, and their gradient's centre of mass is its start (the
     * transposed convolution's bilinear filter weighs its two inputs 1:3, as Caffe's coord_map assumes).
     */
    @Test
    void fieldAndStartAreWhereOneOutputPixelsGradientLands() {
        ConvTranspose2d up = new ConvTranspose2d(1, 1, 4, 2, 1, false, 3);
        up.weight().data().copyFrom(Init.bilinear(1, 4));
        Sequential net = new Sequential(ones(new Conv2d(1, 1, 3, 2, 1, false, 1)),
                ones(new Conv2d(1, 1, 5, 1, 0, false, 2)), up, ones(new Conv2d(1, 1, 3, 1, 0, false, 4)));
        int size = 48;
        Explain e = Explain.of(net, Shape.of(1, 1, size, size), "a conv / transposed-conv chain");
        assertEquals(List.of(new Explain.Axis(2, 3, 0), new Explain.Axis(2, 11, 4), new Explain.Axis(1, 13, 3.5),
                new Explain.Axis(1, 15, 4.5)), e.layers().subList(1, 5).stream().map(Explain.Layer::h).toList());
        for (int upTo = 1; upTo <= 4; upTo++) {
            Module prefix = new Sequential();
            for (int i = 0; i < upTo; i++) {
                ((Sequential) prefix).add(net.get(i));
            }
            Explain.Layer last = e.layers().get(upTo);
            int outSize = last.output().dim(2);
            for (int o = outSize / 2 - 2; o <= outSize / 2 + 2; o++) {
                double[] rows = gradientRows(prefix, size, o);
                int first = 0;
                while (rows[first] == 0) {
                    first++;
                }
                int lastRow = size - 1;
                while (rows[lastRow] == 0) {
                    lastRow--;
                }
                double mass = 0;
                double moment = 0;
                for (int r = 0; r < size; r++) {
                    mass += rows[r];
                    moment += r * rows[r];
                }
                String where = "layer " + upTo + ", output pixel " + o;
                assertEquals(last.h().field(), lastRow - first + 1, where);
                assertEquals(last.h().start() + o * last.h().stride(), moment / mass, 1e-4, where);
            }
        }
        Sequential pooled = new Sequential(new MaxPool2d(2, 2, 0, true));
        assertEquals(new Explain.Axis(2, 2, 0.5), Explain.of(pooled, Shape.of(1, 1, 5, 5), "pool").layers().get(1).h());
    }

    private static <M extends Module> M ones(M m) {
        for (Variable v : m.parameters()) {
            v.data().copyFrom(Tensor.ones(v.shape(), Device.CPU));
        }
        return m;
    }

    /** The input gradient of output pixel (o, o), summed over columns: one value per input row. */
    private static double[] gradientRows(Module net, int size, int o) {
        try (Scope s = Scope.open()) {
            Variable x = Variable.parameter(Tensor.ones(Shape.of(1, 1, size, size), Device.CPU));
            Variable y = net.forward(x);
            float[] seed = new float[(int) y.shape().numel()];
            seed[o * y.shape().dim(3) + o] = 1f;
            y.backward(Tensor.of(seed, y.shape()));
            float[] g = x.grad().toFloatArray();
            double[] rows = new double[size];
            for (int r = 0; r < size; r++) {
                for (int c = 0; c < size; c++) {
                    rows[r] += g[r * size + c];
                }
            }
            x.zeroGrad();
            return rows;
        }
    }

    /** docs/fcn.md carries the 500x500 FCN-8s table as the command prints it today. */
    @Test
    void theTableInTheDocsIsCurrent() throws IOException {
        String doc = Files.readString(Path.of("..", "docs", "fcn.md"));
        String begin = "<!-- explain --model fcn8s --size 500x500 --format markdown -->\n";
        String end = "<!-- /explain -->";
        int from = doc.indexOf(begin);
        int to = doc.indexOf(end, from);
        assertTrue(from >= 0 && to > from, "docs/fcn.md has no explain block");
        assertEquals(Explain.of(FcnConfig.reference("fcn8s", 21), 500, 500).toMarkdown(),
                doc.substring(from + begin.length(), to),
                "docs/fcn.md is stale: paste the output of ./pixelgrad explain --model fcn8s --size 500x500 "
                        + "--format markdown between its explain markers");
    }

    @Test
    void rendersTextAndMarkdown() {
        Explain e = Explain.of(tiny("fcn16s"), 500, 375);
        String text = e.toText();
        assertTrue(text.startsWith("fcn16s on vgg16, reference padding, 21 classes, width 0.015625, on a 500x375 image"), text);
        assertTrue(text.contains("H 698 = (500 + 2*100 - 3) + 1, W 573 = (375 + 2*100 - 3) + 1"), text);
        assertTrue(text.contains("score_pool4c: offset 5 = (start of upscore2 - start of score_pool4) / stride"), text);
        assertTrue(text.contains("parameters: "), text);
        String md = e.toMarkdown();
        assertTrue(md.contains("| layer | op | settings | output |"), md);
        assertTrue(md.contains("| pool1 | max_pool2d | 2x2 s2 ceil | 1x349x287 |"), md);
        assertTrue(md.contains("`H 349 = ceil((698 - 2)/2) + 1, W 287 = ceil((573 - 2)/2) + 1; start -99 + "), md);
        assertThrows(IllegalArgumentException.class, () -> Explain.of(tiny("fcn8s"), 0, 10));
    }
}
