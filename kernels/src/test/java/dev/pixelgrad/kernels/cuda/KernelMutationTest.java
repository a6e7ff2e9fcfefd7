package dev.pixelgrad.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The emulated device has teeth: deliberately broken copies of our kernels (a missing barrier, a wrong
 * stride, an off-by-one bound) built the same way as the real ones and run through the same launch
 * code must fail the checks that the real kernels pass, under every schedule the race test uses.
 */
class KernelMutationTest {
    static final List<String> SCHEDULES = List.of("in-order", "reversed", "random:1", "random:2");
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path work;

    @BeforeAll
    static void needsACompiler() {
        boolean gxx;
        try {
            gxx = new ProcessBuilder("g++", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            gxx = false;
        }
        Assumptions.assumeTrue(gxx, "g++ is not installed: the emulated device cannot be built here");
    }

    /** The worst error of a check over every schedule, and the schedules under which it failed. */
    private record Outcome(double worst, List<String> failedUnder) {}

    private static Outcome run(EmulatedHarness h, ToDoubleFunction<EmulatedHarness> check) {
        double worst = 0;
        List<String> failed = new ArrayList<>();
        for (String schedule : SCHEDULES) {
            h.driver.schedule(schedule);
            double e = check.applyAsDouble(h);
            worst = Math.max(worst, Double.isNaN(e) ? Double.POSITIVE_INFINITY : e);
            if (!(e <= TOLERANCE)) {
                failed.add(schedule + " (error " + e + ")");
            }
        }
        return new Outcome(worst, failed);
    }

    private static EmulatedHarness mutant(String name, String file, String original, String replacement) throws Exception {
        return new EmulatedHarness(EmulatedHarness.build(file, original, replacement, Files.createDirectory(work.resolve(name))));
    }

    @Test
    void theRealKernelsPassEveryCheckUnderEverySchedule() throws Exception {
        EmulatedHarness real = new EmulatedHarness(EmulatedHarness.build(null, null, null, Files.createDirectory(work.resolve("real"))));
        for (var check : List.<ToDoubleFunction<EmulatedHarness>>of(EmulatedHarness::sgemm, EmulatedHarness::sgemmTf32,
                EmulatedHarness::gemmBf16,
                EmulatedHarness::sum, EmulatedHarness::channelSums, EmulatedHarness::conv, EmulatedHarness::relu)) {
            Outcome o = run(real, check);
            assertEquals(List.of(), o.failedUnder(), "a real kernel failed its check");
        }
    }

    @Test
    void aMissingBarrierInTheGemmTileLoopIsCaught() throws Exception {
        // Without the barrier after staging, a thread multiplies tiles its neighbours have not loaded yet.
        EmulatedHarness h = mutant("gemm-barrier", "gemm.cu",
                "        __syncthreads();\n#pragma unroll\n        for (int k = 0; k < BK; k++) {",
                "#pragma unroll\n        for (int k = 0; k < BK; k++) {");
        Outcome o = run(h, EmulatedHarness::sgemm);
        assertEquals(SCHEDULES.size(), o.failedUnder().size(), "caught under every schedule: " + o.failedUnder());
    }

    @Test
    void aFragmentInTheWrongRegistersIsCaught() throws Exception {
        // The A fragment as m16n8k16's half-precision layout has it (a1 = A[g][t + 4], a2 = A[g + 8][t]), not
        // TF32's: a mistake the tolerance of a TF32 product would not hide, since every product pairs wrong values.
        EmulatedHarness h = mutant("tf32-fragment", "gemm_tf32.cu",
                "a[i][1] = As[kk + t][r + 8];\n                a[i][2] = As[kk + t + 4][r];",
                "a[i][1] = As[kk + t + 4][r];\n                a[i][2] = As[kk + t][r + 8];");
        Outcome o = run(h, EmulatedHarness::sgemmTf32);
        assertEquals(SCHEDULES.size(), o.failedUnder().size(), "caught under every schedule: " + o.failedUnder());
    }

    @Test
    void aMissingBarrierInTheTf32TileLoopIsCaught() throws Exception {
        EmulatedHarness h = mutant("tf32-barrier", "gemm_tf32.cu",
                "        __syncthreads();\n#pragma unroll\n        for (int kk = 0;",
                "#pragma unroll\n        for (int kk = 0;");
        Outcome o = run(h, EmulatedHarness::sgemmTf32);
        assertTrue(!o.failedUnder().isEmpty(), "caught under some schedule: " + o.failedUnder());
    }

    @Test
    void aBf16FragmentInTheWrongRegistersIsCaught() throws Exception {
        // a1 and a2 exchanged: rows g + 8 where k + 8 belongs. Every product pairs wrong values.
        EmulatedHarness h = mutant("bf16-fragment", "gemm_bf16.cu",
                "a[i][1] = pair_at(&As[r + 8][kk + 2 * t]);\n                a[i][2] = pair_at(&As[r][kk + 2 * t + 8]);",
                "a[i][1] = pair_at(&As[r][kk + 2 * t + 8]);\n                a[i][2] = pair_at(&As[r + 8][kk + 2 * t]);");
        Outcome o = run(h, EmulatedHarness::gemmBf16);
        assertEquals(SCHEDULES.size(), o.failedUnder().size(), "caught under every schedule: " + o.failedUnder());
    }

    @Test
    void aBf16PairInTheWrongHalvesIsCaught() throws Exception {
        // B's two k read from one column apart instead of one k apart: the packing, not the register order.
        EmulatedHarness h = mutant("bf16-pair", "gemm_bf16.cu",
                "b[j][0] = pair_at(&Bs[c][kk + 2 * t]);",
                "b[j][0] = (uint32_t)Bs[c][kk + 2 * t] | (uint32_t)Bs[c ^ 1][kk + 2 * t + 1] << 16;");
        Outcome o = run(h, EmulatedHarness::gemmBf16);
        assertEquals(SCHEDULES.size(), o.failedUnder().size(), "caught under every schedule: " + o.failedUnder());
    }

    @Test
    void aMissingBarrierInTheBf16TileLoopIsCaught() throws Exception {
        EmulatedHarness h = mutant("bf16-barrier", "gemm_bf16.cu",
                "        __syncthreads();\n#pragma unroll\n        for (int kk = 0;",
                "#pragma unroll\n        for (int kk = 0;");
        Outcome o = run(h, EmulatedHarness::gemmBf16);
        assertTrue(!o.failedUnder().isEmpty(), "caught under some schedule: " + o.failedUnder());
    }

    @Test
    void aMissingBarrierInTheBlockSumIsCaught() throws Exception {
        // Thread 0 reads the other warps' partial sums before they have all been written. Whether that
        // shows depends on the order threads run in: at least one schedule must expose it.
        EmulatedHarness h = mutant("sum-barrier", "common.cuh",
                "    if (lane == 0) partial[warp] = v;\n    __syncthreads();",
                "    if (lane == 0) partial[warp] = v;");
        Outcome o = run(h, EmulatedHarness::sum);
        // In order, warp 0 reads the partials before the later warps write theirs; reversed, after. So
        // this also shows that the schedule setting takes effect.
        assertTrue(o.failedUnder().stream().anyMatch(f -> f.startsWith("in-order")), "in order: " + o.failedUnder());
        assertTrue(o.failedUnder().stream().noneMatch(f -> f.startsWith("reversed")), "reversed: " + o.failedUnder());
    }

    @Test
    void aSliceOfAChannelSumLeftOutIsCaught() throws Exception {
        // Each slice's block starts where the previous one ended; starting every block at the channel's first
        // value sums the first slice several times and never the rest.
        EmulatedHarness h = mutant("channel-slices", "reduce.cu", "long begin = blockIdx.y * per;", "long begin = 0 * per;");
        Outcome o = run(h, EmulatedHarness::channelSums);
        assertEquals(SCHEDULES.size(), o.failedUnder().size(), "caught under every schedule: " + o.failedUnder());
    }

    @Test
    void aBarrierThatCanNeverBePassedFailsTheLaunchAndTheNextLaunchRuns() throws Exception {
        // Odd threads wait at __syncthreads() while even ones wait for a shuffle: a deadlock on a GPU.
        EmulatedHarness h = mutant("divergent", "reduce.cu", "#include \"common.cuh\"\n", """
                #include "common.cuh"
                extern "C" __global__ void divergent_barrier(float* x) {
                    float v = x[threadIdx.x];
                    if (threadIdx.x % 2) __syncthreads();
                    else v = __shfl_down_sync(0xffffffffu, v, 1);
                    x[threadIdx.x] = v;
                }
                """);
        Kernel divergent = new Kernel(h.driver, "reduce", "divergent_barrier", "p");
        long x = h.zeros(64);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> divergent.ptr(0, x).launch(Grid.single(64)));
        assertTrue(e.getMessage().contains("divergent_barrier: block (0, 0, 0) can never pass a barrier"), e.getMessage());
        assertTrue(h.sum() <= TOLERANCE, "a launch after the failed one runs normally");
    }

    @Test
    void aWrongStrideInIm2colIsCaught() throws Exception {
        EmulatedHarness h = mutant("im2col-stride", "conv.cu", "int iy = oy * sh - ph + ky", "int iy = oy * sw - ph + ky");
        Outcome o = run(h, EmulatedHarness::conv);
        assertEquals(SCHEDULES.size(), o.failedUnder().size(), "wrong at any schedule: " + o.failedUnder());
    }

    @Test
    void anOffByOneBoundIsStoppedByTheSanitizer() throws Exception {
        Assumptions.assumeTrue(EmulatedHarness.sanitizerLoaded(),
                "AddressSanitizer is not loaded in this JVM (the kernels module's surefire setup preloads it)");
        Path library = EmulatedHarness.build("elementwise.cu", "FOR_EACH(i, n) {\n        float v = load_as_float(x, i);",
                "FOR_EACH(i, n + 1) {\n        float v = load_as_float(x, i);", Files.createDirectory(work.resolve("relu-bound")));
        // One element past the end of a 1000-float buffer: a plain run would likely read and write it
        // unnoticed. The sanitizer stops the process, so the check runs in a JVM of its own.
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), EmulatedHarness.class.getName(), library.toString(), "relu")
                .redirectErrorStream(true);
        Process p = pb.start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertNotEquals(0, p.waitFor(), "the out-of-bounds run must stop the process:\n" + log);
        assertTrue(log.contains("AddressSanitizer: heap-buffer-overflow"), "AddressSanitizer's report:\n" + log);
        assertTrue(log.contains("relu_f32"), "the report names the kernel:\n" + log);

        // The same run on the real kernels completes.
        Path real = EmulatedHarness.build(null, null, null, Files.createDirectory(work.resolve("relu-real")));
        Process ok = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), EmulatedHarness.class.getName(), real.toString(), "relu")
                .redirectErrorStream(true).start();
        String okLog = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, ok.waitFor(), okLog);
        assertTrue(okLog.contains("relu error 0.0"), okLog);
    }
}
