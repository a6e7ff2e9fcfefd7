package dev.pixelgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad input gets an error that names the op and the shapes (or the bad value), and changes nothing. */
class BadInputTest {

    private static String message(Executable e) {
        return assertThrows(IllegalArgumentException.class, e).getMessage();
    }

    private static void assertMentions(String msg, String... parts) {
        for (String p : parts) {
            assertTrue(msg.contains(p), "message should mention '" + p + "': " + msg);
        }
    }

    @Test
    void shapeMismatchesNameTheOpAndBothShapes() {
        Variable a = Variable.parameter(Tensor.zeros(2, 3, 4, 5));
        Variable b = Variable.parameter(Tensor.zeros(2, 3, 5, 4));
        assertMentions(message(() -> F.add(a, b)), "add", "[2, 3, 4, 5]", "[2, 3, 5, 4]");

        Variable x = Variable.of(Tensor.zeros(1, 3, 8, 8));
        Variable w = Variable.parameter(Tensor.zeros(4, 5, 3, 3));
        assertMentions(message(() -> F.conv2d(x, w, null, ConvParams.of(1, 1))), "conv2d", "[1, 3, 8, 8]", "[4, 5, 3, 3]");
        assertMentions(message(() -> F.conv2dRelu(x, w, null, ConvParams.of(1, 1))), "conv2d_relu", "[1, 3, 8, 8]",
                "[4, 5, 3, 3]");

        Variable wt = Variable.parameter(Tensor.zeros(2, 4, 4, 4));
        assertMentions(message(() -> F.convTranspose2d(x, wt, null, ConvParams.of(2, 0))), "conv_transpose2d",
                "[1, 3, 8, 8]", "[2, 4, 4, 4]");

        Variable m1 = Variable.of(Tensor.zeros(3, 4));
        Variable m2 = Variable.of(Tensor.zeros(5, 2));
        assertMentions(message(() -> F.matmul(m1, m2)), "matmul", "[3, 4]", "[5, 2]");

        assertMentions(message(() -> F.crop(x, 5, 0, 4, 4)), "crop", "[1, 3, 8, 8]");
        assertMentions(message(() -> F.pad(x, 1, 0, 8, 8)), "pad", "[1, 3, 8, 8]", "8x8");
        assertMentions(message(() -> F.maxPool2d(Variable.of(Tensor.zeros(1, 3, 8)), PoolParams.of(2, 2, 0, true))),
                "max_pool2d", "[1, 3, 8]");
        Variable small = Variable.of(Tensor.zeros(1, 1, 2, 2));
        Variable big = Variable.parameter(Tensor.zeros(1, 1, 5, 5));
        assertMentions(message(() -> F.conv2d(small, big, null, ConvParams.of(1, 0))), "conv2d", "smaller than kernel");
    }

    @Test
    void lossShapeMismatchNamesBothShapes() {
        Variable logits = Variable.parameter(Tensor.zeros(2, 5, 4, 3));
        Tensor labels = Tensor.ofInts(new int[2 * 4 * 4], 2, 4, 4);
        assertMentions(message(() -> F.softmaxCrossEntropy(logits, labels, 255, Reduction.MEAN)),
                "softmax_cross_entropy", "[2, 5, 4, 3]", "[2, 4, 4]");
    }

    @Test
    void aLabelOutsideTheClassesNamesTheValueAndItsPosition() {
        int[] lab = new int[2 * 3 * 4];
        lab[5] = 255;        // the ignore index is fine
        lab[1 * 12 + 2 * 4 + 1] = 7; // image 1, row 2, column 1
        Tensor labels = Tensor.ofInts(lab, 2, 3, 4);
        Variable logits = Variable.parameter(Tensor.zeros(2, 5, 3, 4));
        try (Scope s = Scope.open()) {
            String msg = message(() -> F.softmaxCrossEntropy(logits, labels, 255, Reduction.MEAN));
            assertMentions(msg, "label 7", "[1, 2, 1]", "[0, 5)", "255");
            assertEquals(0, s.liveCount(), "a failed loss leaves no tensors behind");
        }
        lab[1 * 12 + 2 * 4 + 1] = -1;
        Tensor negative = Tensor.ofInts(lab, 2, 3, 4);
        assertMentions(message(() -> F.softmaxCrossEntropy(logits, negative, 255, Reduction.SUM)), "label -1");
        assertNull(logits.grad(), "nothing was accumulated");
    }

    @Test
    void badClassWeightsNameTheOpAndWhatIsWrong() {
        Variable logits = Variable.parameter(Tensor.zeros(2, 3, 2, 2));
        Tensor labels = Tensor.ofInts(new int[] {0, 1, 2, 255, 1, 1, 0, 2}, 2, 2, 2);
        Tensor tooFew = Tensor.of(new float[] {1f, 2f}, 2);
        Tensor rank2 = Tensor.zeros(1, 3);
        Tensor ints = Tensor.ofInts(new int[] {1, 1, 1}, 3);
        Tensor negative = Tensor.of(new float[] {1f, -0.5f, 1f}, 3);
        Tensor nan = Tensor.of(new float[] {1f, 1f, Float.NaN}, 3);
        Tensor infinite = Tensor.of(new float[] {Float.POSITIVE_INFINITY, 1f, 1f}, 3);
        try (Scope s = Scope.open()) {
            assertMentions(message(() -> F.softmaxCrossEntropy(logits, labels, tooFew, 255, Reduction.MEAN)),
                    "softmax_cross_entropy", "class weights", "[3]", "[2]");
            assertMentions(message(() -> F.softmaxCrossEntropy(logits, labels, rank2, 255, Reduction.MEAN)),
                    "class weights", "[1, 3]");
            assertMentions(message(() -> F.softmaxCrossEntropy(logits, labels, ints, 255, Reduction.MEAN)),
                    "class weights", "int32");
            assertMentions(message(() -> F.softmaxCrossEntropy(logits, labels, negative, 255, Reduction.SUM)),
                    "softmax_cross_entropy", "weight of class 1", "-0.5", "finite and >= 0");
            assertMentions(message(() -> F.softmaxCrossEntropy(logits, labels, nan, 255, Reduction.MEAN)),
                    "weight of class 2", "NaN");
            assertMentions(message(() -> F.softmaxCrossEntropy(logits, labels, infinite, 255, Reduction.MEAN)),
                    "weight of class 0", "Infinity");
            assertEquals(0, s.liveCount(), "a refused loss leaves no tensors behind");
        }
        assertNull(logits.grad(), "nothing was accumulated");
    }

    @Test
    void aWeightedMeanWhoseCountedPixelsAllWeighNothingIsAnError() {
        Variable logits = Variable.parameter(Tensor.uniform(Shape.of(2, 3, 2, 2), -1, 1, 4, Device.CPU));
        Tensor labels = Tensor.ofInts(new int[] {0, 2, 2, 255, 0, 0, 255, 2}, 2, 2, 2);
        Tensor weights = Tensor.of(new float[] {0f, 1f, 0f}, 3); // only class 1 weighs, and no pixel has it
        String msg = message(() -> F.softmaxCrossEntropy(logits, labels, weights, 255, Reduction.MEAN));
        assertMentions(msg, "softmax_cross_entropy", "all 6 counted pixels", "weight 0");
        assertFalse(msg.contains("\n"), "one line: " + msg);
        // The sum is defined (0), and so is a mean with nothing counted (0, as without weights).
        assertEquals(0f, F.softmaxCrossEntropy(logits, labels, weights, 255, Reduction.SUM).item());
        int[] none = new int[8];
        Arrays.fill(none, 255);
        assertEquals(0f, F.softmaxCrossEntropy(logits, Tensor.ofInts(none, 2, 2, 2), weights, 255, Reduction.MEAN).item());
    }

    @Test
    void aFailedInPlaceAddLeavesTheAccumulatorUnchanged() {
        Tensor acc = Tensor.of(new float[] {1f, 2f, 3f}, 3);
        Tensor other = Tensor.of(new float[] {1f, 1f}, 2);
        assertMentions(message(() -> Ops.addInPlace(acc, other)), "add_", "[3]", "[2]");
        assertArrayEquals(new float[] {1f, 2f, 3f}, acc.toFloatArray());
    }

    @Test
    void wrongDtypesAndBadParametersAreNamed() {
        Variable ints = Variable.of(Tensor.ofInts(new int[] {1, 2}, 2));
        assertMentions(message(() -> F.relu(ints)), "relu", "int32");
        assertMentions(message(() -> F.cast(ints, DType.BFLOAT16)), "cast", "int32", "[2]", "bfloat16");
        assertMentions(message(() -> F.cast(Variable.of(Tensor.zeros(2)), DType.INT32)), "cast", "float32", "int32");
        Variable halves = F.cast(Variable.of(Tensor.zeros(3)), DType.BFLOAT16);
        assertMentions(message(() -> F.add(halves, Variable.of(Tensor.zeros(3)))), "add", "bfloat16", "float32", "[3]");
        assertMentions(assertThrows(UnsupportedOperationException.class, () -> F.relu(halves)).getMessage(), "relu",
                "cpu backend computes float32", "bfloat16");
        Variable floats = Variable.of(Tensor.zeros(3, 1));
        Variable row = F.cast(Variable.of(Tensor.zeros(1, 3)), DType.BFLOAT16);
        assertMentions(message(() -> F.matmul(floats, row)), "matmul", "float32 [3, 1]", "bfloat16 [1, 3]");
        Variable column = F.cast(floats, DType.BFLOAT16);
        String cpuRefuses = assertThrows(UnsupportedOperationException.class, () -> F.matmul(column, row)).getMessage();
        assertMentions(cpuRefuses, "matmul", "cpu backend computes float32", "bfloat16");
        Variable image = F.cast(Variable.of(Tensor.zeros(1, 2, 5, 5)), DType.BFLOAT16);
        Variable kernel = Variable.of(Tensor.zeros(3, 2, 3, 3));
        assertMentions(message(() -> F.conv2d(image, kernel, null, ConvParams.of(1, 1))), "conv2d",
                "bfloat16 [1, 2, 5, 5]", "float32 [3, 2, 3, 3]", "all of one type");
        String cpuConv = assertThrows(UnsupportedOperationException.class,
                () -> F.conv2d(image, F.cast(kernel, DType.BFLOAT16), null, ConvParams.of(1, 1))).getMessage();
        assertMentions(cpuConv, "conv2d", "cpu backend computes float32", "bfloat16");
        assertMentions(assertThrows(UnsupportedOperationException.class,
                () -> F.maxPool2d(image, PoolParams.of(2, 2, 0, true))).getMessage(), "max_pool2d", "cpu backend");
        assertMentions(message(() -> new ConvParams(0, 1, 0, 0)), "stride");
        assertMentions(message(() -> PoolParams.of(2, 2, 2, true)), "max_pool2d", "padding");
        assertMentions(message(() -> F.dropout(Variable.of(Tensor.zeros(2)), 1f, 0)), "dropout", "[0, 1)");
    }

    @Test
    void theAllIgnoredMeanLossIsZeroWithZeroGradient() {
        // As Caffe (the normaliser is at least 1) rather than PyTorch's 0/0 = NaN: a crop that is all void
        // must not poison training.
        int[] lab = new int[6];
        Arrays.fill(lab, 255);
        Variable logits = Variable.parameter(Tensor.uniform(Shape.of(1, 3, 2, 3), -1, 1, 3,
                Device.CPU));
        Variable loss = F.softmaxCrossEntropy(logits, Tensor.ofInts(lab, 1, 2, 3), 255, Reduction.MEAN);
        assertEquals(0f, loss.item());
        loss.backward();
        for (float g : logits.grad().toFloatArray()) {
            assertEquals(0f, g);
        }
    }
}
