package dev.pixelgrad.autograd;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Precision;

/**
 * The mixed-precision rule of {@link Precision#BF16}, in one place: which operands {@link F} casts, and to
 * what. Under BF16, a convolution's or matrix product's float32 operands on a backend that computes bfloat16
 * (CUDA's) become bfloat16 through {@link F#cast} (so their gradients come back float32, and a float32
 * weight keeps a float32 gradient); under FP32 and TF32, and on the CPU, nothing is cast. (The loss's cast back to float32 is
 * not this rule's: {@link F#softmaxCrossEntropy} casts bfloat16 logits under any setting.)
 */
final class Autocast {
    private Autocast() {}

    /**
     * Whether the products whose first operand is {@code x} run in bfloat16 now: under BF16, on a backend that
     * computes bfloat16 (CUDA's; and the meta device's, so that a traced graph shows the casts).
     */
    static boolean applies(Variable x) {
        return Precision.current() == Precision.BF16 && x.data().backend().computesBfloat16();
    }

    /** {@code v} as bfloat16: cast when it is float32, as it is otherwise (and null stays null). */
    static Variable bf16(Variable v) {
        return v == null || v.data().dtype() != DType.FLOAT32 ? v : F.cast(v, DType.BFLOAT16);
    }
}
