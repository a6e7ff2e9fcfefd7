package dev.pixelgrad.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A trace records every op with its settings, in order, whatever the device and grad mode. */
class TraceTest {
    private static Variable meta(int... dims) {
        return Variable.parameter(Tensor.empty(Shape.of(dims), DType.FLOAT32, Device.META));
    }

    @Test
    void recordsOpsSettingsInputsAndOutputsInOrder() {
        Variable x = Variable.of(Tensor.empty(Shape.of(1, 3, 10, 10), DType.FLOAT32, Device.META));
        Variable w = meta(4, 3, 3, 3);
        ConvParams cp = ConvParams.of(1, 1);
        PoolParams pp = PoolParams.of(2, 2, 0, true);
        Variable y;
        List<Trace.Op> ops;
        try (Trace trace = Trace.start()) {
            Variable c = F.conv2d(x, w, null, cp);
            Variable p = F.maxPool2d(F.relu(c), pp);
            y = F.add(F.crop(F.scale(p, 0.5f), 1, 2, 3, 2), F.crop(p, 0, 0, 3, 2));
            ops = trace.ops();
        }
        assertEquals(List.of("conv2d", "relu", "max_pool2d", "scale", "crop", "crop", "add"),
                ops.stream().map(Trace.Op::name).toList());
        assertSame(cp, ops.get(0).settings());
        assertSame(x, ops.get(0).inputs().get(0));
        assertSame(w, ops.get(0).inputs().get(1));
        assertNull(ops.get(0).inputs().get(2)); // no bias
        assertNull(ops.get(1).settings());
        assertSame(pp, ops.get(2).settings());
        assertEquals(Shape.of(1, 4, 5, 5), ops.get(2).output().shape());
        assertEquals(0.5f, ops.get(3).settings());
        assertEquals(new Trace.CropOffset(1, 2), ops.get(4).settings());
        assertSame(ops.get(0).output(), ops.get(1).inputs().get(0));
        assertSame(y, ops.get(6).output());
    }

    @Test
    void onlyTheInnermostOpenTraceRecordsAndClosedOnesStop() {
        Variable x = Variable.of(Tensor.empty(Shape.of(1, 2, 4, 4), DType.FLOAT32, Device.META));
        try (Trace outer = Trace.start()) {
            F.relu(x);
            try (Trace inner = Trace.start(); GradMode off = GradMode.off()) {
                F.relu(F.relu(x));
                assertEquals(2, inner.ops().size());
            }
            F.relu(x);
            assertEquals(2, outer.ops().size());
        }
        try (Trace done = Trace.start()) {
            done.close();
            F.relu(x);
            assertTrue(done.ops().isEmpty());
        }
    }
}
