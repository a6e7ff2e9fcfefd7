package dev.pixelgrad.tensor.testing;

import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.backend.Backends;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** What a test on a device backend does when the device cannot start. */
public final class DeviceTests {
    /**
     * Set (by the build, for the CUDA tests) when the device must start: then a test that cannot have it
     * fails instead of being skipped, so that a broken device never passes as a skipped one.
     */
    public static final String REQUIRE_CUDA = "pixelgrad.cuda.require";

    private DeviceTests() {}

    /** Returns when the CUDA backend can run; otherwise skips the test with the reason, or fails it when required. */
    public static void needCuda() {
        String reason = Backends.unavailableReason(DeviceType.CUDA);
        if (reason == null) {
            return;
        }
        if (Boolean.getBoolean(REQUIRE_CUDA)) {
            Assertions.fail("the CUDA tests must run here (-D" + REQUIRE_CUDA + "=true) but the CUDA backend cannot "
                    + "start: " + reason + " (the emulated device needs g++ on Linux; -D" + REQUIRE_CUDA
                    + "=false skips these tests instead)");
        }
        Assumptions.abort("no CUDA device: " + reason);
    }
}
