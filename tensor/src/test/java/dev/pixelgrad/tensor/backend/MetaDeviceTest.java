package dev.pixelgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The meta device: ops check and shape their outputs as anywhere else, and compute nothing. */
class MetaDeviceTest {
    private static Tensor meta(int... dims) {
        return Tensor.empty(Shape.of(dims), DType.FLOAT32, Device.META);
    }

    @Test
    void opsGiveTheirOutputShapesWithoutValues() {
        // Far too large to compute or even hold on the host: 64 x 4096 x 4096 floats is 4 GiB.
        Tensor x = meta(1, 3, 4096, 4096);
        Tensor y = Ops.conv2d(x, meta(64, 3, 3, 3), meta(64), ConvParams.of(1, 100));
        assertEquals(Shape.of(1, 64, 4294, 4294), y.shape());
        assertEquals(Device.META, y.device());
        assertEquals(Shape.of(1, 64, 2147, 2147), Ops.maxPool2d(y, PoolParams.of(2, 2, 0, true)).output().shape());
        Tensor up = Ops.convTranspose2d(meta(1, 21, 16, 16), meta(21, 21, 4, 4), null, ConvParams.of(2, 0));
        assertEquals(Shape.of(1, 21, 34, 34), up.shape());
        assertEquals(Shape.of(1, 21, 20, 30), Ops.crop(up, 5, 4, 20, 30).shape());
        assertEquals(Shape.of(1, 21, 34, 34), Ops.add(Ops.relu(up), up).shape());
    }

    @Test
    void shapeErrorsAreTheSameAsOnAnyDevice() {
        Tensor up = meta(1, 21, 34, 34);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.crop(up, 5, 5, 30, 30));
        assertTrue(e.getMessage().contains("does not fit input [1, 21, 34, 34]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ops.conv2d(meta(1, 4, 8, 8), meta(2, 3, 3, 3), null,
                ConvParams.of(1, 1)));
        assertThrows(IllegalArgumentException.class, () -> Ops.add(up, meta(1, 21, 34, 33)));
    }

    @Test
    void valuesCannotBeReadButCanBeWritten() {
        Tensor m = meta(2, 3);
        IllegalStateException e = assertThrows(IllegalStateException.class, m::toFloatArray);
        assertTrue(e.getMessage().contains("meta device"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> Tensor.zeros(2, 3).copyFrom(m));
        m.copyFrom(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3)); // a no-op, as moving a model there is
        assertEquals(Device.META, Tensor.normal(Shape.of(4096, 4096), 0f, 1f, 7, Device.META).device());
        m.close();
        assertTrue(m.isClosed());
    }

    @Test
    void builtInNotListedWithTheHardware() {
        assertEquals("meta", Backends.of(Device.META).name());
        assertEquals(DeviceType.META, Backends.of(Device.META).deviceType());
        assertTrue(Backends.isAvailable(DeviceType.META));
        assertNull(Backends.unavailableReason(DeviceType.META));
        assertFalse(Backends.all().stream().anyMatch(b -> b.deviceType() == DeviceType.META));
        assertEquals("meta", Device.META.toString());
        assertTrue(Device.META.isMeta() && !Device.META.isCpu());
        assertThrows(IllegalArgumentException.class, () -> new Device(DeviceType.META, 1));
        assertThrows(IllegalArgumentException.class, () -> Device.parse("meta"));
    }
}
