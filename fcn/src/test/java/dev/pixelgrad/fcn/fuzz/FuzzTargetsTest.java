package dev.pixelgrad.fcn.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every target in this package ({@code *FuzzTest}), each in a JVM of its own since Jazzer fuzzes
 * one target per process: its seeds first, then coverage-guided mutation for {@code pixelgrad.fuzz.seconds}
 * (12 in the build). Logs and a summary table go to {@code fcn/target/fuzz/}. A finding fails the target,
 * and its input is saved beside the log as {@code crash-*}; a target that does not finish within its
 * time plus three minutes (a hang) is killed and fails.
 */
class FuzzTargetsTest {
    private static final Pattern DONE = Pattern.compile("#(\\d+)\\s+DONE\\s+cov: (\\d+) ft: \\d+ corp: (\\d+)/");
    private static final Pattern SECONDS = Pattern.compile("Done \\d+ runs in (\\d+) second");

    @Test
    void everyTargetKeepsItsContract() throws Exception {
        int seconds = Integer.parseInt(System.getProperty("pixelgrad.fuzz.seconds", "12"));
        String only = System.getProperty("pixelgrad.fuzz.targets", "all");
        List<String> targets = targets().stream()
                .filter(t -> only.equals("all") || List.of(only.split(",")).contains(t)).toList();
        assertFalse(targets.isEmpty(), "no fuzz target matches -Dpixelgrad.fuzz.targets=" + only);
        Path out = Path.of("target", "fuzz").toAbsolutePath();
        Files.createDirectories(out);
        StringBuilder table = new StringBuilder("| target | executions | fuzzing s | wall s | coverage (edges) | corpus |\n"
                + "|---|---|---|---|---|---|\n");
        List<String> failed = new ArrayList<>();
        for (String target : targets) {
            Path log = out.resolve(target + ".log");
            long start = System.nanoTime();
            int exit = run(target, seconds, out, log);
            long wall = (System.nanoTime() - start) / 1_000_000_000;
            String text = Files.readString(log);
            Matcher done = DONE.matcher(text);
            Matcher secs = SECONDS.matcher(text);
            boolean finished = done.find() && secs.find();
            table.append("| ").append(target).append(" | ")
                    .append(finished ? done.group(1) + " | " + secs.group(1) + " | " + wall + " | " + done.group(2)
                            + " | " + done.group(3) : "- | - | " + wall + " | - | -")
                    .append(" |\n");
            if (exit != 0 || !finished) {
                failed.add(target + " (exit " + exit + ", log " + log + ")");
            }
        }
        Files.writeString(out.resolve("summary.md"), table);
        System.out.print(table);
        if (!failed.isEmpty()) {
            fail("fuzz targets failed: " + String.join(", ", failed));
        }
    }

    /** The fuzz target classes beside this one. */
    private static List<String> targets() throws IOException, URISyntaxException {
        Path dir = Path.of(FuzzTargetsTest.class.getResource("FuzzTargetsTest.class").toURI()).getParent();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith("FuzzTest.class") && !n.contains("$"))
                    .map(n -> n.substring(0, n.length() - ".class".length())).sorted().toList();
        }
    }

    private static int run(String target, int seconds, Path out, Path log) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The flags this JVM got from the build (the Vector API, native access, the heap), minus debugging.
        ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-agentlib:jdwp")).forEach(cmd::add);
        cmd.add("-XX:+EnableDynamicAgentLoading");
        cmd.add("-Djazzer.max_duration=" + seconds + "s");
        cmd.add("-Djazzer.instrument=dev.pixelgrad.**,io.jhdf.**");
        cmd.add("-Djazzer.internal.basedir=" + out);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(FuzzMain.class.getName());
        cmd.add(FuzzTargetsTest.class.getPackageName() + "." + target);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAZZER_FUZZ", "1");
        Process p = pb.start();
        if (!p.waitFor(seconds + 180L, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            Files.writeString(log, "\nkilled: no answer within " + (seconds + 180) + " s (a hang)\n",
                    StandardOpenOption.APPEND);
            return -1;
        }
        return p.exitValue();
    }
}
