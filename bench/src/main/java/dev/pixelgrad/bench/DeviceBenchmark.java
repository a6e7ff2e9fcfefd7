package dev.pixelgrad.bench;

import dev.pixelgrad.kernels.cuda.Impl;
import dev.pixelgrad.kernels.cuda.Implementations;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.DeviceType;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import dev.pixelgrad.tensor.backend.Backend;
import dev.pixelgrad.tensor.backend.Backends;
import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The device a per-op benchmark runs on. The benchmarks in {@code dev.pixelgrad.bench.cpu} extend this
 * class and run on the CPU; their CUDA twins in {@code dev.pixelgrad.bench.cuda} extend those, override
 * {@link #onCuda} (and {@link #implementation} for the ops that have our kernel and NVIDIA's), and so run
 * the same bodies on CUDA device 0. Each timed body ends with {@link #sync}, which waits for the GPU to
 * finish (nothing on the CPU), so a CUDA time is the op run to completion.
 *
 * <p>Tensors made with {@link #normal} are closed by {@link #closeAll} at the end of the trial.
 *
 * <p>The JMH settings below are every per-op benchmark's (JMH reads them from the superclass): an average
 * time in milliseconds, 3 warm-up and 5 measured iterations of 2 s, one fork with the Vector API. The CUDA
 * twins set their own iteration time and fork flags (native access for cuBLAS and cuDNN).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx8g"})
public abstract class DeviceBenchmark {
    private Device device = Device.CPU;
    private Backend gpu;
    private final List<Tensor> owned = new ArrayList<>();

    /** Whether this benchmark runs on CUDA device 0 rather than the CPU: false here. */
    protected boolean onCuda() {
        return false;
    }

    /**
     * On CUDA, the implementation of every switchable op ({@link Impl}: own, vendor or auto), or null to
     * leave the choice as the system properties give it. Unused on the CPU.
     */
    protected String implementation() {
        return null;
    }

    /** Picks the device; call first in every {@code @Setup}. Fails with the reason when CUDA cannot run here. */
    protected final void open() {
        if (!onCuda()) {
            device = Device.CPU;
            return;
        }
        String reason = Backends.unavailableReason(DeviceType.CUDA);
        if (reason != null) {
            Class<?> c = getClass();
            while (c.getSimpleName().contains("_jmhType")) { // JMH's generated subclasses
                c = c.getSuperclass();
            }
            throw new IllegalStateException(c.getSimpleName() + " needs a CUDA device: " + reason
                    + ". Run the CUDA benchmarks on a GPU host (tools/gpu/run.sh bench, docs/gpu.md); "
                    + "-jvmArgsAppend -Dpixelgrad.cuda.device=emulated runs them on the host-emulated device, "
                    + "which checks the benchmark, not the speed.");
        }
        if (implementation() != null) {
            Implementations.set("all", Impl.parse(implementation()));
        }
        device = Device.cuda(0);
        gpu = Backends.of(device);
    }

    /** The device the tensors live on. */
    protected final Device device() {
        return device;
    }

    /** Waits for the GPU to finish the work queued so far; nothing on the CPU. */
    protected final void sync() {
        if (gpu != null) {
            gpu.synchronize();
        }
    }

    /**
     * A tensor of shape {@code dims} with normal values (mean 0, deviation {@code std}) on the device,
     * closed by {@link #closeAll}.
     */
    protected final Tensor normal(float std, long seed, int... dims) {
        return keep(Tensor.normal(Shape.of(dims), 0f, std, seed, device));
    }

    /** Takes {@code t} onto the device (when it is not there) and closes it in {@link #closeAll}. */
    protected final Tensor keep(Tensor t) {
        Tensor on = t.device().equals(device) ? t : t.to(device);
        if (on != t) {
            t.close();
        }
        owned.add(on);
        return on;
    }

    /** Closes every tensor {@link #normal} and {@link #keep} made, and restores the implementation choice. */
    @TearDown(Level.Trial)
    public final void closeAll() {
        for (Tensor t : owned) {
            t.close();
        }
        owned.clear();
        if (onCuda()) {
            Implementations.reset();
        }
    }

    /**
     * Class labels in [0, classes) for {@code count} pixels, scattered by a multiplicative hash: fixed from
     * run to run and without runs of one class, so a loss over them does real work on every pixel.
     */
    public static int[] scatteredLabels(int count, int classes) {
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (int) Math.floorMod(i * 2654435761L >>> 7, (long) classes);
        }
        return labels;
    }

    /**
     * The sizes in a shape parameter such as {@code "64x698x698"}: the numbers between the x's, with a
     * leading 1 for the batch ({@code [1, 64, 698, 698]}).
     */
    public static int[] batchOfOne(String shape) {
        if (!shape.matches("\\d+(x\\d+)*")) {
            throw new IllegalArgumentException("shape '" + shape + "' is not sizes joined by x (e.g. 64x698x698)");
        }
        String[] parts = shape.split("x");
        int[] dims = new int[parts.length + 1];
        dims[0] = 1;
        for (int i = 0; i < parts.length; i++) {
            dims[i + 1] = Integer.parseInt(parts[i]);
        }
        return dims;
    }

    /**
     * A layer parameter with its batch in front: {@code "16x66x66-32k3p1"} (channels x height x width, then
     * the layer) becomes {@code "1x16x66x66-32k3p1"}; any other is returned as it is, whether it names a
     * batch ({@code "8x16x66x66-32k3p1"}: four sizes) or is malformed (so that the error names it as given).
     */
    public static String withBatch(String layer) {
        return layer.chars().filter(ch -> ch == 'x').count() == 2 ? "1x" + layer : layer;
    }

    /**
     * The numbers in a parameter {@code value} that must match {@code format}, a regular expression whose
     * groups are the numbers, as in {@code "(\\d+)x(\\d+)x(\\d+)-k(\\d+)s(\\d+)"}; fails naming
     * {@code example} when it does not.
     */
    public static int[] numbers(String value, String format, String example) {
        Matcher m = Pattern.compile(format).matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("parameter '" + value + "' does not have the form " + example);
        }
        int[] n = new int[m.groupCount()];
        for (int i = 0; i < n.length; i++) {
            n[i] = Integer.parseInt(m.group(i + 1));
        }
        return n;
    }
}
