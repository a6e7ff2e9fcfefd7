package dev.pixelgrad.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InitTest {
    @Test
    void onDeviceBuildsOnTheMetaDeviceAndThenGoesBackToTheCpu() {
        // fc6 of VGG16: 102.8M weights, none of them drawn.
        Conv2d fc6 = Init.onDevice(Device.META, () -> new Conv2d(512, 4096, 7, 1, 0, 1));
        assertEquals(Device.META, fc6.weight().data().device());
        assertEquals(Shape.of(4096, 512, 7, 7), fc6.weight().shape());
        assertEquals(Device.CPU, fc6.bias().data().device()); // zeros are not an initialiser's
        assertEquals(Device.META, Init.onDevice(Device.META, () -> Init.bilinear(21, 64)).device());
        assertEquals(Device.META, fc6.to(Device.META).namedParameters().get("bias").data().device());

        assertEquals(Device.CPU, Init.kaimingNormal(Shape.of(2, 3), 1).device());
        assertThrows(IllegalStateException.class, () -> Init.onDevice(Device.META, () -> {
            throw new IllegalStateException("build failed");
        }));
        assertEquals(Device.CPU, Init.xavierUniform(Shape.of(2, 3), 1).device());
        assertArrayEquals(new float[] {0.0625f, 0.1875f, 0.1875f, 0.0625f}, // 0.25 x [0.25, 0.75, 0.75, 0.25]
                Arrays.copyOf(Init.bilinear(1, 4).toFloatArray(), 4), 1e-7f);
    }
}
