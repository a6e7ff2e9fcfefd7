package dev.pixelgrad.tensor.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.pixelgrad.tensor.io.SafetensorsReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The committed golden fixtures against the script that writes them: each fixture records the SHA-256
 * of tools/golden/make_golden.py as it was when it wrote the file, so a change to the script without
 * the fixtures written again fails here, one line per stale file. Any change to the script's bytes
 * counts, a comment included: the check cannot tell which changes move the numbers.
 */
class GoldenFreshnessTest {
    // Tests run in the module folder; the script lives at the repository root.
    private static final Path SCRIPT = Path.of("..", "tools", "golden", "make_golden.py");
    private static final Path FIXTURES = Path.of("src", "test", "resources", "golden");

    @TestFactory
    Stream<DynamicTest> everyFixtureWasWrittenByTheCurrentScript() throws Exception {
        String scriptSha256 = HexFormat.of().formatHex(
                MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(SCRIPT)));
        List<Path> fixtures;
        try (Stream<Path> s = Files.list(FIXTURES)) {
            fixtures = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        assertFalse(fixtures.isEmpty(), "no golden fixtures in " + FIXTURES.toAbsolutePath());
        return fixtures.stream().map(fixture -> DynamicTest.dynamicTest(fixture.getFileName().toString(), () -> {
            assertEquals(scriptSha256, stampedSha256(fixture), "golden/" + fixture.getFileName()
                    + " is stale against tools/golden/make_golden.py: from the repository root run "
                    + Golden.REGENERATE + " and commit the fixtures");
        }));
    }

    private static String stampedSha256(Path fixture) throws IOException {
        try (SafetensorsReader r = SafetensorsReader.open(fixture)) {
            return r.metadata().get(Golden.GENERATOR_SHA256);
        }
    }
}
