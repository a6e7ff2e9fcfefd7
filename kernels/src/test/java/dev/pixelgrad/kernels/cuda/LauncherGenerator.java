package dev.pixelgrad.kernels.cuda;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Writes {@code Kernels.java}, the typed launchers, from the {@code extern "C" __global__} signatures in
 * kernels/src/main/cuda/*.cu: one method per kernel, its parameters named and typed as in C. The freshness
 * test compares the committed file with what this produces. After changing a kernel's signature, run
 * from the repository root:
 * <pre>  java kernels/src/test/java/dev/pixelgrad/kernels/cuda/LauncherGenerator.java</pre>
 * (self-contained on purpose, so the JDK can run it as a single source file).
 */
public final class LauncherGenerator {
    static final Path SOURCES = Path.of("kernels", "src", "main", "cuda");
    static final Path OUTPUT = Path.of("kernels", "src", "main", "java", "dev", "pixelgrad", "kernels", "cuda", "Kernels.java");

    private static final Pattern ENTRY = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s+)?(\\w+)\\s*\\(([^)]*)\\)");

    private LauncherGenerator() {}

    /** One parameter: its C type as written, its name, and its letter (p, i, l, f, d). */
    record Param(String cType, String name, char letter) {
        String javaType() {
            return switch (letter) {
                case 'p', 'l' -> "long";
                case 'i' -> "int";
                case 'f' -> "float";
                case 'd' -> "double";
                default -> throw new IllegalStateException();
            };
        }

        String setter() {
            return switch (letter) {
                case 'p' -> "ptr";
                case 'l' -> "i64";
                case 'i' -> "i32";
                case 'f' -> "f32";
                case 'd' -> "f64";
                default -> throw new IllegalStateException();
            };
        }
    }

    /** One kernel of one module. */
    record Entry(String module, String name, List<Param> params) {
        String signature() {
            StringBuilder s = new StringBuilder();
            for (Param p : params) {
                s.append(p.letter());
            }
            return s.toString();
        }

        String cSignature() {
            List<String> ps = new ArrayList<>();
            for (Param p : params) {
                ps.add(p.cType() + (p.cType().endsWith("*") ? "" : " ") + p.name());
            }
            return name + "(" + String.join(", ", ps) + ")";
        }
    }

    static char letter(String cType, String where) {
        String t = cType.replace("const", "").replace("__restrict__", "").replaceAll("\\s+", " ").trim();
        if (t.endsWith("*")) {
            return 'p';
        }
        return switch (t) {
            case "int", "unsigned", "unsigned int", "int32_t", "uint32_t" -> 'i';
            case "long", "long long", "unsigned long", "unsigned long long", "int64_t", "uint64_t", "size_t" -> 'l';
            case "float" -> 'f';
            case "double" -> 'd';
            default -> throw new IllegalArgumentException(where + ": no launcher type for C type '" + cType + "'");
        };
    }

    /** Every kernel of every .cu file under {@code sources}, in file then source order. */
    static List<Entry> parse(Path sources) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(sources)) {
            files = s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
        List<Entry> out = new ArrayList<>();
        for (Path cu : files) {
            String module = cu.getFileName().toString().replaceAll("\\.cu$", "");
            Matcher m = ENTRY.matcher(Files.readString(cu, StandardCharsets.UTF_8));
            while (m.find()) {
                List<Param> params = new ArrayList<>();
                for (String raw : m.group(2).split(",")) {
                    String p = raw.replaceAll("\\s+", " ").trim();
                    Matcher nm = Pattern.compile("^(.*?[\\s*])(\\w+)$").matcher(p);
                    if (!nm.matches()) {
                        throw new IllegalArgumentException(cu + ": cannot read parameter '" + p + "' of " + m.group(1));
                    }
                    String cType = nm.group(1).trim().replaceAll("\\s*\\*", "*");
                    params.add(new Param(cType, nm.group(2), letter(cType, cu + ": " + m.group(1))));
                }
                out.add(new Entry(module, m.group(1), params));
            }
        }
        return out;
    }

    /** The text of Kernels.java for these kernels. */
    static String generate(List<Entry> entries) {
        StringBuilder s = new StringBuilder();
        s.append("package dev.pixelgrad.kernels.cuda;\n\n");
        s.append("import java.util.LinkedHashMap;\nimport java.util.List;\nimport java.util.Map;\n\n");
        s.append("// Generated from kernels/src/main/cuda/*.cu by LauncherGenerator (kernels/src/test/java): do not edit.\n");
        s.append("// PtxFreshnessTest fails when this file and the sources disagree. To regenerate, from the repository root:\n");
        s.append("//   java kernels/src/test/java/dev/pixelgrad/kernels/cuda/LauncherGenerator.java\n\n");
        s.append("/**\n");
        s.append(" * One launcher per kernel of our CUDA modules, with the parameter names and types of its\n");
        s.append(" * {@code extern \"C\"} signature: device pointers are {@code long} addresses, C {@code int} is\n");
        s.append(" * {@code int}, C {@code long} and {@code unsigned long long} are {@code long}. Each call writes the\n");
        s.append(" * parameters into the kernel's native parameter block and launches it on the given grid.\n");
        s.append(" */\n");
        s.append("final class Kernels {\n");
        s.append("    /** A kernel: its module (.cu file), name and signature letters (see {@link Kernel}). */\n");
        s.append("    record Entry(String module, String name, String signature) {}\n\n");
        s.append("    /** Every kernel, in file then source order. */\n");
        s.append("    static final List<Entry> ALL = List.of(\n");
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            s.append("            new Entry(\"").append(e.module()).append("\", \"").append(e.name()).append("\", \"")
                    .append(e.signature()).append("\")").append(i + 1 < entries.size() ? "," : ");").append('\n');
        }
        s.append('\n');
        for (Entry e : entries) {
            s.append("    private final Kernel ").append(e.name()).append(";\n");
        }
        s.append("\n    Kernels(CudaDriver driver) {\n");
        for (Entry e : entries) {
            s.append("        ").append(e.name()).append(" = new Kernel(driver, \"").append(e.module()).append("\", \"")
                    .append(e.name()).append("\", \"").append(e.signature()).append("\");\n");
        }
        s.append("    }\n\n");
        s.append("    /** How many times each kernel has been launched, by name. */\n");
        s.append("    Map<String, Long> launches() {\n");
        s.append("        Map<String, Long> m = new LinkedHashMap<>();\n");
        for (Entry e : entries) {
            s.append("        m.put(\"").append(e.name()).append("\", ").append(e.name()).append(".launches());\n");
        }
        s.append("        return m;\n    }\n");
        for (Entry e : entries) {
            s.append("\n    /** ").append(e.module()).append(".cu: {@code ").append(e.cSignature()).append("} */\n");
            s.append("    void ").append(e.name()).append("(Grid grid");
            for (Param p : e.params()) {
                s.append(", ").append(p.javaType()).append(' ').append(p.name());
            }
            s.append(") {\n        ").append(e.name());
            for (int i = 0; i < e.params().size(); i++) {
                Param p = e.params().get(i);
                s.append('.').append(p.setter()).append('(').append(i).append(", ").append(p.name()).append(')');
            }
            s.append(".launch(grid);\n    }\n");
        }
        s.append("}\n");
        return s.toString();
    }

    public static void main(String[] args) throws IOException {
        Path root = args.length > 0 ? Path.of(args[0]) : Path.of("");
        String text = generate(parse(root.resolve(SOURCES)));
        Files.writeString(root.resolve(OUTPUT), text, StandardCharsets.UTF_8);
        System.out.println("wrote " + root.resolve(OUTPUT));
    }
}
