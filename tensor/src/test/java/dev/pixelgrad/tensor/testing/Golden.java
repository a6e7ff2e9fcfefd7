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

/**
 * A golden fixture written by tools/golden/make_golden.py: one safetensors file per op, tensors named
 * {@code caseN.<name>} and the case's parameters as JSON in the metadata under {@code caseN}.
 */
public final class Golden {
    /** One case of a fixture: its parameters and access to its tensors. */
    public record Case(String id, Map<String, Object> params, SafetensorsReader file) {
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

        @Override
        public String toString() {
            return id + " " + params;
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
                            + ".safetensors (regenerate with tools/golden/make_golden.py)");
                }
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            SafetensorsReader r = SafetensorsReader.open(tmp);
            List<Case> out = new ArrayList<>();
            for (Map.Entry<String, String> e : r.metadata().entrySet()) {
                out.add(new Case(e.getKey(), (Map<String, Object>) Json.parse(e.getValue()), r));
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
