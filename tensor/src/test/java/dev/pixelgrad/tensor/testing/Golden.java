package dev.pixelgrad.tensor.testing;

import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.io.Json;
import dev.pixelgrad.tensor.io.SafetensorsReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A golden fixture written by tools/golden/make_golden.py: one safetensors file per op, tensors named
 * {@code caseN.<name>}; in the metadata, the case's parameters as JSON under {@code caseN}, the PyTorch
 * expression that computed it under {@code caseN.expression}, and the SHA-256 of the script that wrote
 * the file under {@link #GENERATOR_SHA256} (GoldenFreshnessTest compares it with the script).
 */
public final class Golden {
    /** The metadata key of the SHA-256 of make_golden.py as it was when it wrote the file. */
    public static final String GENERATOR_SHA256 = "generator_sha256";
    /** The command, run from the repository root, that writes every fixture again. */
    public static final String REGENERATE = "/usr/bin/python3 tools/golden/make_golden.py";

    private static final Pattern CASE_ID = Pattern.compile("case\\d+");

    /**
     * One case of a fixture: its parameters, the PyTorch expression that computed it (with its inputs'
     * shapes) and access to its tensors.
     */
    public record Case(String id, Map<String, Object> params, String expression, SafetensorsReader file) {
        /** A tensor of the fixture outside any case (shared inputs such as weights). */
        public Tensor shared(String name) {
            try {
                return file.load(name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public Tensor tensor(String name) {
            try {
                return file.load(id + "." + name);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public boolean has(String name) {
            return file.contains(id + "." + name);
        }

        public int[] ints(String key) {
            List<?> l = (List<?>) params.get(key);
            int[] out = new int[l.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = ((Number) l.get(i)).intValue();
            }
            return out;
        }

        public int integer(String key) {
            return ((Number) params.get(key)).intValue();
        }

        public double number(String key) {
            return ((Number) params.get(key)).doubleValue();
        }

        public boolean flag(String key) {
            return (Boolean) params.get(key);
        }

        public String string(String key) {
            return (String) params.get(key);
        }

        /** What a test names the case by: its id and the PyTorch expression that computed it. */
        @Override
        public String toString() {
            return id + ": " + expression;
        }
    }

    private Golden() {}

    /** The cases of fixture {@code golden/<op>.safetensors} on the test class path. */
    @SuppressWarnings("unchecked")
    public static List<Case> cases(String op) {
        try {
            Path tmp = Files.createTempFile("golden-" + op, ".safetensors");
            tmp.toFile().deleteOnExit();
            try (InputStream in = Golden.class.getResourceAsStream("/golden/" + op + ".safetensors")) {
                if (in == null) {
                    throw new IllegalStateException("missing fixture golden/" + op
                            + ".safetensors (regenerate with " + REGENERATE + ")");
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            SafetensorsReader r = SafetensorsReader.open(tmp);
            Map<String, String> metadata = r.metadata();
            List<Case> out = new ArrayList<>();
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                String id = e.getKey();
                if (!CASE_ID.matcher(id).matches()) {
                    continue;
                }
                String expression = metadata.get(id + ".expression");
                if (expression == null) {
                    throw new IllegalStateException("fixture " + op + " " + id + " has no PyTorch expression"
                            + " (regenerate with " + REGENERATE + ")");
                }
                out.add(new Case(id, (Map<String, Object>) Json.parse(e.getValue()), expression, r));
            }
            if (out.isEmpty()) {
                throw new IllegalStateException("fixture " + op + " has no cases");
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
