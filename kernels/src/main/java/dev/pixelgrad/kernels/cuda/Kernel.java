package dev.pixelgrad.kernels.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * One kernel of our modules with its launch parameters in native memory, laid out as cuLaunchKernel
 * reads them: an 8-byte slot per parameter and an array of pointers to the slots, built once. A launch
 * writes the values into the slots and launches: no allocation per launch. {@link Kernels} (generated
 * from the .cu sources) is the only caller: one typed method per kernel writes each parameter with the
 * setter of its C type.
 *
 * <p>The signature has one letter per parameter: {@code p} device pointer, {@code l} 64-bit integer,
 * {@code i} 32-bit integer, {@code f} float, {@code d} double. Not thread-safe: the backend launches
 * under its lock.
 *
 * <p>The kernel's module is loaded at its first launch, not before, so a module that needs a newer GPU
 * (the TF32 kernels need compute capability 8.0) costs nothing on a GPU that never runs it.
 */
final class Kernel {
    private static final long SLOT_BYTES = 8;

    final String name;
    final String signature;
    private final CudaDriver driver;
    private final String module;
    private final long pointersAddress;
    private CudaDriver.Function function;
    private final MemorySegment slots;
    private long launches;

    Kernel(CudaDriver driver, String module, String name, String signature) {
        this.driver = driver;
        this.module = module;
        this.name = name;
        this.signature = signature;
        int n = Math.max(1, signature.length());
        Arena arena = Arena.global();
        slots = arena.allocate(SLOT_BYTES * n, 8);
        MemorySegment pointers = arena.allocate(ADDRESS, n);
        for (int i = 0; i < signature.length(); i++) {
            pointers.setAtIndex(ADDRESS, i, slots.asSlice(i * SLOT_BYTES, SLOT_BYTES));
        }
        pointersAddress = pointers.address();
    }

    private long at(int i, char letter) {
        if (signature.charAt(i) != letter) {
            throw new IllegalStateException(name + ": parameter " + i + " is '" + signature.charAt(i) + "', not '"
                    + letter + "'");
        }
        return i * SLOT_BYTES;
    }

    Kernel ptr(int i, long address) {
        slots.set(JAVA_LONG, at(i, 'p'), address);
        return this;
    }

    Kernel i64(int i, long v) {
        slots.set(JAVA_LONG, at(i, 'l'), v);
        return this;
    }

    Kernel i32(int i, int v) {
        slots.set(JAVA_INT, at(i, 'i'), v);
        return this;
    }

    Kernel f32(int i, float v) {
        slots.set(JAVA_FLOAT, at(i, 'f'), v);
        return this;
    }

    Kernel f64(int i, double v) {
        slots.set(JAVA_DOUBLE, at(i, 'd'), v);
        return this;
    }

    void launch(Grid grid) {
        if (function == null) {
            function = driver.function(module, name, signature, pointersAddress);
        }
        driver.launch(function, grid.x(), grid.y(), grid.block());
        launches++;
    }

    /** How many times this kernel has been launched (what the tests read to know every kernel ran). */
    long launches() {
        return launches;
    }
}
