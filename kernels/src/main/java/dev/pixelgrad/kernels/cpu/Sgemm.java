package dev.pixelgrad.kernels.cpu;

import java.lang.System.Logger.Level;
import java.util.Locale;

/**
 * Single-precision matrix multiply, BLAS style, on row-major arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}, where op(A) is m x k, op(B) is k x n and C is m x n.
 * With {@code transA}, A is stored k x m (likewise B). {@code lda}, {@code ldb}, {@code ldc} are the
 * distances between consecutive stored rows. With {@code beta == 0}, C is overwritten (never read).
 *
 * <p>Three implementations: {@link VectorSgemm} (packed and register-blocked on the JDK's Vector API),
 * {@link EjmlSgemm} (EJML, the portable fallback, about ten times slower) and {@link ReferenceSgemm} (the
 * reference: plain loops, for reading and for the tests to measure the others against). {@link #get()}
 * picks one: the system property {@code pixelgrad.cpu.gemm} = {@code auto} (default), {@code vector},
 * {@code ejml} or {@code reference}; auto takes the Vector API when the JVM runs with
 * {@code --add-modules=jdk.incubator.vector}, and otherwise EJML, saying so once on the log. Choosing
 * the reference also runs the CPU backend's convolutions on plain loops ({@link ReferenceConv}).
 */
public interface Sgemm {

    /**
     * The implementation's name, as the system property {@code pixelgrad.cpu.gemm} gives it.
     *
     * @return "vector" or "ejml"
     */
    String name();

    /**
     * The name and how it runs here, for logs and the device list ({@code VectorSgemm} adds its tile and
     * cache blocks).
     *
     * @return a one-line description
     */
    default String describe() {
        return name();
    }

    /**
     * C = alpha * op(A) * op(B) + beta * C, on row-major arrays (see the class comment).
     *
     * @param transA whether A is stored transposed (k x m)
     * @param transB whether B is stored transposed (n x k)
     * @param m      the rows of op(A) and of C
     * @param n      the columns of op(B) and of C
     * @param k      the columns of op(A), the rows of op(B)
     * @param alpha  the factor of the product
     * @param a      the array holding A
     * @param aOff   the index of A's first element in {@code a}
     * @param lda    the distance in {@code a} between the starts of two stored rows of A
     * @param b      the array holding B
     * @param bOff   the index of B's first element in {@code b}
     * @param ldb    the distance in {@code b} between the starts of two stored rows of B
     * @param beta   the factor of C's old value; 0 overwrites C without reading it
     * @param c      the array holding C, written
     * @param cOff   the index of C's first element in {@code c}
     * @param ldc    the distance in {@code c} between the starts of two rows of C
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /**
     * The implementation chosen for this JVM (see the class comment).
     *
     * @return the implementation
     */
    static Sgemm get() {
        return Choice.CHOSEN;
    }

    /**
     * Whether the Vector API module is present in this JVM.
     *
     * @return whether {@code jdk.incubator.vector} is in the boot layer
     */
    static boolean vectorApiAvailable() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    /**
     * The implementation with this name ("vector", "ejml" or "reference").
     *
     * @param name "vector", "ejml" or "reference", in any case
     * @return a new instance
     * @throws IllegalStateException for "vector" when the JVM lacks the Vector API module
     * @throws IllegalArgumentException for any other name
     */
    static Sgemm named(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ejml" -> new EjmlSgemm();
            case "reference" -> new ReferenceSgemm();
            case "vector" -> {
                if (!vectorApiAvailable()) {
                    throw new IllegalStateException("pixelgrad.cpu.gemm=vector needs the JVM flag "
                            + "--add-modules=jdk.incubator.vector");
                }
                yield new VectorSgemm();
            }
            default -> throw new IllegalArgumentException("unknown gemm '" + name
                    + "' (auto, vector, ejml or reference)");
        };
    }

    /** Holds the choice, made once, when first needed. */
    final class Choice {
        static final Sgemm CHOSEN = choose();

        private Choice() {}

        private static Sgemm choose() {
            String want = System.getProperty("pixelgrad.cpu.gemm", "auto");
            if (!want.equalsIgnoreCase("auto")) {
                return named(want);
            }
            if (vectorApiAvailable()) {
                return new VectorSgemm();
            }
            System.getLogger("dev.pixelgrad.kernels").log(Level.INFO, "CPU matrix multiply: EJML (portable); "
                    + "run the JVM with --add-modules=jdk.incubator.vector for the much faster Vector API kernel");
            return new EjmlSgemm();
        }
    }
}
