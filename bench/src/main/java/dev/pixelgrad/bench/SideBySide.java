package dev.pixelgrad.bench;

import dev.pixelgrad.tensor.io.Json;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Puts a JMH run of the CPU benchmarks ({@code -rf json -rff FILE}) beside the PyTorch timings of the same
 * cases ({@code bench/python/cpu_bench.py --from-jmh FILE --json FILE}) as a Markdown table: op, shape,
 * Pixelgrad ms (JMH's mean ± its 99.9% confidence half-width), PyTorch ms (median), and the ratio
 * Pixelgrad / PyTorch, under a header naming the machine, the JDK, JMH and PyTorch versions, the settings
 * and the date. A case matches when its benchmark name and parameter values are the same on both sides;
 * a JMH case without a PyTorch twin gets a dash.
 *
 * <pre>./pixelgrad bench-table JMH_JSON PYTORCH_JSON [OUT.md]</pre>
 * (without OUT.md the table goes to stdout). tools/bench/side_by_side.sh runs both sides and then this.
 */
public final class SideBySide {
    private SideBySide() {}

    /** One JMH result: the benchmark's full name, its parameters, the score in ms and its error (NaN when none). */
    record JmhCase(String benchmark, Map<String, String> params, double ms, double errorMs) {}

    /** The Markdown for a parsed JMH result file (a list of results) and a PyTorch one (an object). */
    @SuppressWarnings("unchecked")
    public static String table(Object jmhJson, Object pytorchJson) {
        List<Map<String, Object>> jmh = (List<Map<String, Object>>) jmhJson;
        Map<String, Object> torch = (Map<String, Object>) pytorchJson;
        Map<String, Double> torchMs = new HashMap<>();
        for (Object o : (List<Object>) torch.get("results")) {
            Map<String, Object> r = (Map<String, Object>) o;
            torchMs.put(key((String) r.get("benchmark"), strings(r.get("params"))), number(r.get("ms")));
        }
        StringBuilder out = new StringBuilder();
        header(out, jmh, torch);
        out.append("| op | shape | Pixelgrad ms | PyTorch ms | ratio |\n");
        out.append("|---|---|---|---|---|\n");
        for (Map<String, Object> r : jmh) {
            JmhCase c = jmhCase(r);
            Double t = torchMs.get(key(c.benchmark(), c.params()));
            String ours = ms(c.ms()) + (Double.isNaN(c.errorMs()) ? "" : " ± " + ms(c.errorMs()));
            out.append("| ").append(opName(c.benchmark())).append(" | ").append(shape(c.params())).append(" | ")
                    .append(ours).append(" | ").append(t == null ? "-" : ms(t)).append(" | ")
                    .append(t == null ? "-" : String.format(Locale.ROOT, "%.2f", c.ms() / t)).append(" |\n");
        }
        return out.toString();
    }

    private static void header(StringBuilder out, List<Map<String, Object>> jmh, Map<String, Object> torch) {
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) torch.getOrDefault("machine", Map.of());
        out.append("## Pixelgrad vs PyTorch on the CPU, side by side\n\n");
        out.append("- Date: ").append(torch.getOrDefault("date", "unknown")).append(".\n- Machine: ")
                .append(machine.getOrDefault("cpu_model", "unknown")).append(", ")
                .append(machine.containsKey("cores")
                        ? count(machine.get("cores"), "core") + ", " + machine.get("threads_per_core") + " thread(s) per core"
                        : count(machine.getOrDefault("cpus", "?"), "CPU"))
                .append(", ").append(machine.getOrDefault("os", "unknown OS")).append(".\n");
        if (!jmh.isEmpty()) {
            Map<String, Object> first = jmh.get(0);
            out.append("- Pixelgrad: JDK ").append(first.get("jdkVersion")).append(" (").append(first.get("vmName"))
                    .append(' ').append(first.get("vmVersion")).append("), JMH ").append(first.get("jmhVersion"))
                    .append("; ").append(count(first.get("forks"), "fork")).append(", ")
                    .append(count(first.get("warmupIterations"), "warm-up iteration")).append(" of ")
                    .append(first.get("warmupTime")).append(", ")
                    .append(count(first.get("measurementIterations"), "measured iteration")).append(" of ")
                    .append(first.get("measurementTime")).append("; the mean, ± the 99.9% confidence half-width.\n");
        }
        out.append("- PyTorch: ").append(torch.get("torch")).append(", ").append(torch.get("threads"))
                .append(" threads, BLAS ").append(torch.getOrDefault("blas", "unknown")).append("; the median of at least ")
                .append(torch.get("min_time_s")).append(" s of runs (at least 5) after ").append(torch.get("warmup"))
                .append(" warm-up runs.\n");
        out.append("- Ratio: Pixelgrad time / PyTorch time (below 1: Pixelgrad is faster).\n\n");
    }

    /** "1 fork", "3 forks". */
    private static String count(Object n, String what) {
        return n + " " + what + ("1".equals(String.valueOf(n)) ? "" : "s");
    }

    @SuppressWarnings("unchecked")
    static JmhCase jmhCase(Map<String, Object> r) {
        Map<String, Object> metric = (Map<String, Object>) r.get("primaryMetric");
        String unit = (String) metric.get("scoreUnit");
        double toMs = switch (unit) {
            case "s/op" -> 1e3;
            case "ms/op" -> 1;
            case "us/op" -> 1e-3;
            case "ns/op" -> 1e-6;
            default -> throw new IllegalArgumentException("side-by-side: JMH unit " + unit
                    + " is not a time per operation (run the benchmarks in average-time mode)");
        };
        return new JmhCase((String) r.get("benchmark"), strings(r.get("params")), number(metric.get("score")) * toMs,
                number(metric.get("scoreError")) * toMs);
    }

    /** "dev.pixelgrad.bench.cpu.MaxPoolBenchmark.backward" -> "MaxPool.backward". */
    static String opName(String benchmark) {
        String[] parts = benchmark.split("\\.");
        String cls = parts.length >= 2 ? parts[parts.length - 2] : "";
        if (cls.endsWith("Benchmark")) {
            cls = cls.substring(0, cls.length() - "Benchmark".length());
        }
        return cls + "." + parts[parts.length - 1];
    }

    /** One parameter: its value; several: name=value, joined by commas. */
    static String shape(Map<String, String> params) {
        if (params.size() == 1) {
            return params.values().iterator().next();
        }
        StringJoiner j = new StringJoiner(", ");
        params.forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** Milliseconds to three significant digits, without an exponent: 123, 12.3, 1.23, 0.0123. */
    static String ms(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        return new BigDecimal(v).round(new MathContext(3)).stripTrailingZeros().toPlainString();
    }

    private static String key(String benchmark, Map<String, String> params) {
        return benchmark + " " + new TreeMap<>(params);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> strings(Object params) {
        Map<String, String> out = new LinkedHashMap<>();
        if (params != null) {
            ((Map<String, Object>) params).forEach((k, v) -> out.put(k, String.valueOf(v)));
        }
        return out;
    }

    /** A JSON number, or JMH's "NaN" (a string), as a double. */
    private static double number(Object o) {
        if (o instanceof Number n) {
            return n.doubleValue();
        }
        if (o instanceof String s) {
            return Double.parseDouble(s);
        }
        return Double.NaN;
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: bench-table JMH_JSON PYTORCH_JSON [OUT.md]");
            System.exit(2);
        }
        String md = table(Json.parse(Files.readString(Path.of(args[0]))), Json.parse(Files.readString(Path.of(args[1]))));
        if (args.length == 3) {
            Path out = Path.of(args[2]);
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            Files.writeString(out, md);
        } else {
            System.out.print(md);
        }
    }
}
