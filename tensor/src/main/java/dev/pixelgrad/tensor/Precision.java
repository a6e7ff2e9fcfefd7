package dev.pixelgrad.tensor;

import java.util.Locale;

/**
 * The arithmetic of the matrix products inside convolutions and matmuls on a GPU, one setting for the
 * whole library ({@link #set}; the system property {@code pixelgrad.precision} gives its starting value).
 * Under FP32 and TF32 tensors stay float32 (TF32 changes only how the products are computed); under BF16
 * the differentiable convolutions and matrix products take bfloat16 operands (mixed precision).
 *
 * <p>The CPU backend always computes in FP32, which is at least as precise as any setting asks.
 */
public enum Precision {
    /**
     * IEEE single precision throughout: every product and sum in float32 (FMA), the same results as the
     * CPU to float rounding. PyTorch's behaviour with {@code torch.backends.cudnn.allow_tf32 = False}.
     */
    FP32,
    /**
     * TensorFloat-32 on tensor cores (compute capability 8.0 and newer): the inputs of each product are
     * rounded to 10 mantissa bits (relative error up to 2^-11, about 4.9e-4), products and sums stay
     * float32. PyTorch's default for convolutions ({@code torch.backends.cudnn.allow_tf32 = True}).
     */
    TF32,
    /**
     * bfloat16 mixed precision on a GPU (BF16 tensor cores, compute capability 8.0 and newer), as PyTorch's
     * {@code torch.autocast("cuda", dtype=torch.bfloat16)}: the autograd module's convolutions, transposed
     * convolutions and matrix products cast their float32 operands on a CUDA device to bfloat16 (8 mantissa
     * bits, relative error up to 2^-9) and return bfloat16 (float32 sums, rounded once); the ops after them
     * run on bfloat16 as given; the loss computes in float32. Weights, their gradients (a cast's gradient is
     * cast back) and the optimizer's state stay float32. Products of float32 tensors called directly
     * through {@link Ops} compute in FP32.
     */
    BF16;

    private static volatile Precision current = fromProperty();

    /**
     * The precision of a name: {@code fp32}, {@code tf32} or {@code bf16}.
     *
     * @param s the name, in any case, surrounding blanks allowed
     * @return the precision
     * @throws IllegalArgumentException for any other name
     */
    public static Precision parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown precision '" + s + "' (fp32, tf32 or bf16)");
        }
    }

    /**
     * The precision the GPU's matrix products use now.
     *
     * @return the current setting
     */
    public static Precision current() {
        return current;
    }

    /**
     * Sets the precision of the GPU's matrix products from now on, for every thread.
     *
     * @param precision the new setting
     * @throws NullPointerException if {@code precision} is null
     */
    public static void set(Precision precision) {
        if (precision == null) {
            throw new NullPointerException("precision is null (fp32, tf32 or bf16)");
        }
        current = precision;
    }

    /** Back to the value of the system property {@code pixelgrad.precision} (FP32 where it says nothing). */
    public static void reset() {
        current = fromProperty();
    }

    private static Precision fromProperty() {
        return parse(System.getProperty("pixelgrad.precision", "fp32"));
    }

    /** The name as options take it: {@code fp32}, {@code tf32} or {@code bf16}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
