package dev.pixelgrad.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;

import jcuda.Pointer;
import jcuda.driver.CUfunction;

/**
 * One kernel of our PTX modules, with its parameter block built once: each parameter has a one-element
 * array slot, and the pointer-to-pointers that cuLaunchKernel reads is made from those slots at
 * construction. A launch writes the values into the slots and launches: no allocation per launch.
 *
 * <p>The signature string has one letter per parameter: {@code p} device pointer (a raw address),
 * {@code l} 64-bit integer, {@code i} 32-bit integer, {@code f} float, {@code d} double. It must match
 * the kernel's C signature (CudaKernels lists them next to the .cu files' names). Not thread-safe: the
 * backend launches under its lock.
 */
final class Kernel {
    static final int BLOCK = 256;
    private static final int MAX_GRID = 1 << 16;

    final String name;
    private final CUfunction function;
    private final String signature;
    private final long[][] longs;
    private final int[][] ints;
    private final float[][] floats;
    private final double[][] doubles;
    private final Pointer params;

    Kernel(String name, CUfunction function, String signature) {
        this.name = name;
        this.function = function;
        this.signature = signature;
        int n = signature.length();
        longs = new long[n][];
        ints = new int[n][];
        floats = new float[n][];
        doubles = new double[n][];
        Pointer[] slots = new Pointer[n];
        for (int i = 0; i < n; i++) {
            switch (signature.charAt(i)) {
                case 'p', 'l' -> slots[i] = Pointer.to(longs[i] = new long[1]);
                case 'i' -> slots[i] = Pointer.to(ints[i] = new int[1]);
                case 'f' -> slots[i] = Pointer.to(floats[i] = new float[1]);
                case 'd' -> slots[i] = Pointer.to(doubles[i] = new double[1]);
                default -> throw new IllegalArgumentException("bad signature letter in " + signature);
            }
        }
        params = Pointer.to(slots);
    }

    private void check(int i, String letters) {
        if (letters.indexOf(signature.charAt(i)) < 0) {
            throw new IllegalStateException(name + ": parameter " + i + " is '" + signature.charAt(i)
                    + "', not one of '" + letters + "'");
        }
    }

    Kernel ptr(int i, long address) {
        check(i, "p");
        longs[i][0] = address;
        return this;
    }

    Kernel i64(int i, long v) {
        check(i, "l");
        longs[i][0] = v;
        return this;
    }

    Kernel i32(int i, int v) {
        check(i, "i");
        ints[i][0] = v;
        return this;
    }

    Kernel f32(int i, float v) {
        check(i, "f");
        floats[i][0] = v;
        return this;
    }

    Kernel f64(int i, double v) {
        check(i, "d");
        doubles[i][0] = v;
        return this;
    }

    /** Enough 256-thread blocks for n items (grid-stride loops take any remainder). */
    static int gridFor(long n) {
        return (int) Math.max(1, Math.min((n + BLOCK - 1) / BLOCK, MAX_GRID));
    }

    void launch1d(long n) {
        launch(gridFor(n), 1, BLOCK);
    }

    void launch(int gridX, int gridY, int block) {
        cuLaunchKernel(function, gridX, gridY, 1, block, 1, 1, 0, null, params, null);
    }
}
