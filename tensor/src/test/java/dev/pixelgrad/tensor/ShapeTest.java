package dev.pixelgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeTest {

    @Test
    void basics() {
        Shape s = Shape.of(2, 3, 5, 7);
        assertEquals(4, s.rank());
        assertEquals(210, s.numel());
        assertEquals(7, s.dim(-1));
        assertEquals(35, s.numelFrom(2));
        assertEquals("[2, 3, 5, 7]", s.toString());
        assertEquals(1, Shape.scalar().numel());
        assertEquals(Shape.of(2, 3), Shape.of(2, 3));
    }

    @Test
    void inferredDimension() {
        assertEquals(Shape.of(6, 35), Shape.inferred(210, 6, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.inferred(210, 4, -1));
        assertTrue(e.getMessage().contains("-1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shape.inferred(210, -1, -1));
    }

    @Test
    void rejectsNegativeSizes() {
        assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
    }

    @Test
    void anElementCountBeyond64BitsNamesTheShape() {
        int big = Integer.MAX_VALUE;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, big, big, big));
        assertTrue(e.getMessage().contains("[2, 2147483647, 2147483647, 2147483647]"), e.getMessage());
        assertEquals(0, Shape.of(big, big, big, 0).numel(), "a zero dimension holds nothing, however large the others");
    }

    @Test
    void reshapeMustKeepTheElementCount() {
        Tensor t = Tensor.zeros(2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.reshape(4, 2));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4, 2]"), e.getMessage());
    }

    @Test
    void poolOutputSizesFollowPyTorchCeilRule() {
        PoolParams p = PoolParams.of(2, 2, 0, true);
        assertEquals(4, p.outH(7));   // the last window overhangs by one
        assertEquals(1, p.outH(1));
        PoolParams floor = PoolParams.of(2, 2, 0, false);
        assertEquals(3, floor.outH(7));
        // ceil mode never starts a window in the right padding
        PoolParams padded = PoolParams.of(3, 2, 1, true);
        assertEquals(6, padded.outH(10));
        assertEquals(5, padded.outH(9));
    }

    @Test
    void devices() {
        assertEquals(Device.CPU, Device.parse("cpu"));
        assertEquals(Device.cuda(0), Device.parse("cuda"));
        assertEquals(Device.cuda(1), Device.parse("CUDA:1"));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("gpu"));
    }
}
