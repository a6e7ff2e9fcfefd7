package dev.pixelgrad.tensor.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.Storage;
import dev.pixelgrad.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** A backend that implements only the abstract methods still compiles, and its missing ops fail clearly. */
class BackendDefaultsTest {

    /** Identity and memory only: every op is left to the interface's defaults. */
    private static final class StubBackend implements Backend {
        @Override
        public String name() {
            return "stub";
        }

        @Override
        public DeviceType deviceType() {
            return DeviceType.CPU;
        }

        @Override
        public String unavailableReason() {
            return null;
        }

        @Override
        public Storage allocate(DType dtype, long numel, Device device) {
            throw new AssertionError("not used");
        }

        @Override
        public void copy(Tensor src, Tensor dst) {
            throw new AssertionError("not used");
        }

        @Override
        public void fill(Tensor dst, float value) {
            throw new AssertionError("not used");
        }
    }

    private final Backend backend = new StubBackend();

    @Test
    void conv2dThrowsNamingTheOpAndTheBackend() {
        // The default throws before looking at its arguments, so none are needed.
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> backend.conv2d(null, null, null, ConvParams.of(1, 0), null));
        assertEquals("conv2d is not implemented by the stub backend", e.getMessage());
    }

    @Test
    void matmulThrowsNamingTheOpAndTheBackend() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> backend.matmul(null, false, null, true, null));
        assertEquals("matmul is not implemented by the stub backend", e.getMessage());
    }

    @Test
    void opNamesAreTheSnakeCaseNamesOpsUses() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> backend.convTranspose2dBackwardWeight(null, null, ConvParams.of(2, 1), null));
        assertEquals("conv_transpose2d_backward_weight is not implemented by the stub backend", e.getMessage());
    }
}
