package dev.pixelgrad.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.io.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SideBySideTest {
    private static Object resource(String name) throws IOException {
        try (InputStream in = SideBySideTest.class.getResourceAsStream(name)) {
            return Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void tablePairsEachJmhCaseWithThePyTorchCaseOfTheSameParameters() throws IOException {
        String md = SideBySide.table(resource("jmh-result.json"), resource("pytorch-result.json"));
        List<String> rows = md.lines().filter(l -> l.startsWith("| ")).toList();
        assertEquals(List.of(
                "| op | shape | Pixelgrad ms | PyTorch ms | ratio |",
                // us/op becomes ms; the error keeps its own three digits
                "| Add.forward | 21x34x34 | 0.0153 ± 0.00121 | 0.0043 | 3.57 |",
                // several parameters are named; they match whatever their order; a NaN error is left out
                "| Matmul.matmul | gemm=vector, n=1024 | 6.02 | 9.09 | 0.66 |",
                // s/op becomes ms; no PyTorch twin: dashes
                "| MaxPool.backward | 64x698x698 | 123 ± 4 | - | - |"), rows);
    }

    @Test
    void headerNamesMachineVersionsSettingsAndDate() throws IOException {
        String md = SideBySide.table(resource("jmh-result.json"), resource("pytorch-result.json"));
        assertTrue(md.contains("- Date: 2026-11-21.\n- Machine: Example CPU 9000, 2 cores, 1 thread(s) per core, Linux 6.1.\n"), md);
        assertTrue(md.contains("- Pixelgrad: JDK 25.0.3 (OpenJDK 64-Bit Server VM 25.0.3+9-LTS), JMH 1.37; 1 fork, "
                + "1 warm-up iteration of 1 s, 3 measured iterations of 1 s"), md);
        assertTrue(md.contains("- PyTorch: 1.13.1, 2 threads, BLAS /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3; "
                + "the median of at least 1.0 s of runs (at least 5) after 3 warm-up runs."), md);
    }

    @Test
    void numbersHaveThreeSignificantDigitsAndNoExponent() {
        assertEquals("123", SideBySide.ms(123.456));
        assertEquals("1230", SideBySide.ms(1234.5));
        assertEquals("12.3", SideBySide.ms(12.345));
        assertEquals("0.000123", SideBySide.ms(0.00012345));
        assertEquals("2", SideBySide.ms(2.0));
        assertEquals("-", SideBySide.ms(Double.NaN));
    }

    @Test
    void opNameIsClassWithoutBenchmarkAndMethod() {
        assertEquals("SoftmaxCrossEntropy.forwardBackward",
                SideBySide.opName("dev.pixelgrad.bench.cpu.SoftmaxCrossEntropyBenchmark.forwardBackward"));
    }

    @Test
    void throughputResultsAreRefused() {
        Map<String, Object> r = Map.of("benchmark", "a.B.c", "primaryMetric", Map.of("score", 1.0, "scoreUnit", "ops/ms"));
        assertThrows(IllegalArgumentException.class, () -> SideBySide.jmhCase(r));
    }
}
