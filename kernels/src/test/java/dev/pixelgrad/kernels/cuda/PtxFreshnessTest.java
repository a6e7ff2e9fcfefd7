package dev.pixelgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The committed PTX and the generated launchers against the CUDA sources, with no GPU needed: each PTX
 * file records the SHA-256 of the sources it was compiled from; each kernel the Java side launches must
 * exist in its module with parameters of the types its signature says; the typed launchers
 * ({@code Kernels.java}) must be exactly what {@link LauncherGenerator} makes of the sources, so every
 * parameter's name, type and position follows the C signature. Where nvcc exists, every source must
 * also compile.
 */
class PtxFreshnessTest {
    private static final Path SOURCES = Path.of("src", "main", "cuda");

    private static List<Path> cuFiles() throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
    }

    /** A source's PTX target: compute_75 unless it names another on a "// pixelgrad-ptx-arch:" line. */
    static String archOf(Path cu) throws IOException {
        Matcher m = Pattern.compile("(?m)^// pixelgrad-ptx-arch: (compute_\\d+)").matcher(Files.readString(cu));
        return m.find() ? m.group(1) : "compute_75";
    }

    private static String ptx(String module) throws IOException {
        try (InputStream in = PtxFreshnessTest.class.getResourceAsStream("/dev/pixelgrad/kernels/cuda/ptx/" + module + ".ptx")) {
            if (in == null) {
                throw new AssertionError("no committed PTX for " + module + ".cu; run kernels/src/main/cuda/build-ptx.sh");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void everyPtxMatchesTheSourcesItWasBuiltFrom() throws Exception {
        List<Path> files = cuFiles();
        assertTrue(files.size() >= 7, "CUDA sources found in " + SOURCES.toAbsolutePath());
        byte[] common = Files.readAllBytes(SOURCES.resolve("common.cuh"));
        for (Path cu : files) {
            String module = cu.getFileName().toString().replace(".cu", "");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(common);
            sha.update(Files.readAllBytes(cu));
            String expected = "// pixelgrad-source-sha256: " + HexFormat.of().formatHex(sha.digest());
            String firstLine = ptx(module).lines().findFirst().orElse("");
            assertEquals(expected, firstLine, module + ".ptx is stale against its sources: run "
                    + "kernels/src/main/cuda/build-ptx.sh (or mvn package where nvcc is installed) and commit the PTX");
            String target = ".target " + archOf(cu).replace("compute_", "sm_");
            assertTrue(ptx(module).lines().anyMatch(l -> l.trim().equals(target)), module + ".ptx was not built for "
                    + target + " (its source's target)");
        }
    }

    @Test
    void everyLaunchedKernelExistsWithTheParametersItIsLaunchedWith() throws IOException {
        Pattern entry = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
        Pattern param = Pattern.compile("\\.param\\s+\\.(\\w+)");
        for (Kernels.Entry row : Kernels.ALL) {
            String module = row.module();
            String kernel = row.name();
            String signature = row.signature();
            Matcher m = entry.matcher(ptx(module));
            List<String> types = null;
            while (m.find()) {
                if (m.group(1).equals(kernel)) {
                    types = new ArrayList<>();
                    Matcher p = param.matcher(m.group(2));
                    while (p.find()) {
                        types.add(p.group(1));
                    }
                }
            }
            assertTrue(types != null, module + ".ptx has no kernel " + kernel);
            assertEquals(signature.length(), types.size(), kernel + " parameter count");
            for (int i = 0; i < types.size(); i++) {
                String t = types.get(i);
                String want = switch (signature.charAt(i)) {
                    case 'p', 'l' -> "u64|b64|s64";
                    case 'i' -> "u32|b32|s32";
                    case 'f' -> "f32";
                    case 'd' -> "f64";
                    default -> "?";
                };
                assertTrue(t.matches(want), kernel + " parameter " + i + " is ." + t + " in the PTX but '"
                        + signature.charAt(i) + "' in Kernels");
            }
        }
    }

    @Test
    void theTypedLaunchersAreGeneratedFromTheSources() throws IOException {
        Path launchers = Path.of("src", "main", "java", "dev", "pixelgrad", "kernels", "cuda", "Kernels.java");
        String expected = LauncherGenerator.generate(LauncherGenerator.parse(SOURCES));
        assertEquals(expected, Files.readString(launchers, StandardCharsets.UTF_8), launchers + " does not match the "
                + "kernels' C signatures: from the repository root run "
                + "java kernels/src/test/java/dev/pixelgrad/kernels/cuda/LauncherGenerator.java");
        assertEquals(LauncherGenerator.parse(SOURCES).size(), Kernels.ALL.size(), "one launcher per kernel");
    }

    @Test
    void theGeneratorReadsNamesTypesAndOrderFromTheCSignature() {
        LauncherGenerator.Entry e = parseOne("extern \"C\" __global__ void __launch_bounds__(256) f(const float* __restrict__ x, "
                + "int h, long n, unsigned long long seed, float s, double d)");
        assertEquals("f", e.name());
        assertEquals("pillfd", e.signature());
        assertEquals(List.of("x", "h", "n", "seed", "s", "d"), e.params().stream().map(LauncherGenerator.Param::name).toList());
        // A swapped pair in the source swaps the launcher's parameters, and with them the generated file.
        LauncherGenerator.Entry swapped = parseOne("extern \"C\" __global__ void f(const float* __restrict__ x, "
                + "long n, int h, unsigned long long seed, float s, double d)");
        assertTrue(!LauncherGenerator.generate(List.of(e)).equals(LauncherGenerator.generate(List.of(swapped))));
    }

    private static LauncherGenerator.Entry parseOne(String source) {
        try {
            Path dir = Files.createTempDirectory("cu");
            Files.writeString(dir.resolve("m.cu"), source + " {}\n");
            List<LauncherGenerator.Entry> all = LauncherGenerator.parse(dir);
            assertEquals(1, all.size());
            return all.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everySourceCompilesWhereNvccExists() throws Exception {
        boolean nvcc;
        try {
            nvcc = withoutSanitizer(new ProcessBuilder("nvcc", "--version")).start().waitFor() == 0;
        } catch (IOException e) {
            nvcc = false;
        }
        Assumptions.assumeTrue(nvcc, "nvcc is not installed here: the compile check is skipped");
        Path out = Files.createTempDirectory("ptx");
        for (Path cu : cuFiles()) {
            Process p = withoutSanitizer(new ProcessBuilder("nvcc", "-ptx", "-arch=" + archOf(cu), "-o",
                    out.resolve(cu.getFileName() + ".ptx").toString(), cu.toString())).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), cu + " does not compile:\n" + log);
        }
    }

    /** The test JVM may run with AddressSanitizer preloaded (see the pom); nvcc must not inherit it. */
    static ProcessBuilder withoutSanitizer(ProcessBuilder pb) {
        pb.environment().remove("LD_PRELOAD");
        return pb.redirectErrorStream(true);
    }
}
