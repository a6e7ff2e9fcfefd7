package dev.pixelgrad.fcn.fuzz;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

/** A named seed for a fuzz target's {@code seeds()}: the name is what the test report shows. */
final class Seeds {
    private Seeds() {}

    static Arguments of(String name, byte[] bytes) {
        return Arguments.of(Named.of(name, bytes));
    }

    /** A text seed, as UTF-8. */
    static Arguments of(String name, String text) {
        return of(name, text.getBytes(StandardCharsets.UTF_8));
    }
}
