package dev.pixelgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
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
 * The committed PTX against the CUDA sources, with no GPU needed: each PTX file records the SHA-256 of
 * the sources it was compiled from, and each kernel the Java side launches must exist in its module
 * with parameters of the types its signature says. Where nvcc exists, every source must also compile.
 */
class PtxFreshnessTest {
    private static final Path SOURCES = Path.of("src", "main", "cuda");

    private static List<Path> cuFiles() throws IOException {
        try (Stream<Path> s = Files.list(SOURCES)) {
            return s.filter(p -> p.toString().endsWith(".cu")).sorted().toList();
        }
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
        }
    }

    @Test
    void everyLaunchedKernelExistsWithTheParametersItIsLaunchedWith() throws IOException {
        Pattern entry = Pattern.compile("\\.entry\\s+(\\w+)\\s*\\(([^)]*)\\)", Pattern.DOTALL);
        Pattern param = Pattern.compile("\\.param\\s+\\.(\\w+)");
        for (String[] row : CudaKernels.table()) {
            String module = row[0];
            String kernel = row[1];
            String signature = row[2];
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
                        + signature.charAt(i) + "' in CudaKernels");
            }
        }
    }

    @Test
    void everySourceCompilesWhereNvccExists() throws Exception {
        boolean nvcc;
        try {
            nvcc = new ProcessBuilder("nvcc", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            nvcc = false;
        }
        Assumptions.assumeTrue(nvcc, "nvcc is not installed here: the compile check is skipped");
        Path out = Files.createTempDirectory("ptx");
        for (Path cu : cuFiles()) {
            Process p = new ProcessBuilder("nvcc", "-ptx", "-arch=compute_75", "-o",
                    out.resolve(cu.getFileName() + ".ptx").toString(), cu.toString()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), cu + " does not compile:\n" + log);
        }
    }
}
