package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Tensor;

/**
 * Element-wise ops on the GPU (elementwise.cu), one grid-stride kernel each, on float32 and on bfloat16 (each
 * value computed in float and rounded once); the CPU twin is ElementwiseCpu.
 */
final class ElementwiseCuda {
    private final Kernels k;

    ElementwiseCuda(CudaRuntime rt) {
        this.k = rt.kernels;
    }

    void add(Tensor a, Tensor b, Tensor out) {
        long n = out.numel();
        if (bf16(out)) {
            k.add_bf16(Grid.linear(n), addressOf(a), addressOf(b), addressOf(out), n);
        } else {
            k.add_f32(Grid.linear(n), addressOf(a), addressOf(b), addressOf(out), n);
        }
    }

    void addChannelBias(Tensor x, Tensor bias, Tensor out) {
        channelBias(x, bias, out, false);
    }

    /** y = max(y + bias, 0) in place, in one pass (bias null: the relu alone): a convolution's epilogue. */
    void addChannelBiasReluInPlace(Tensor y, Tensor bias) {
        if (bias == null) {
            relu(y, y);
        } else {
            channelBias(y, bias, y, true);
        }
    }

    private void channelBias(Tensor x, Tensor bias, Tensor out, boolean relu) {
        long n = x.numel();
        Grid grid = Grid.linear(n);
        long plane = x.shape().numelFrom(2);
        if (bf16(out) && relu) {
            k.add_channel_bias_relu_bf16(grid, addressOf(x), addressOf(bias), addressOf(out), x.dim(1), plane, n);
        } else if (bf16(out)) {
            k.add_channel_bias_bf16(grid, addressOf(x), addressOf(bias), addressOf(out), x.dim(1), plane, n);
        } else if (relu) {
            k.add_channel_bias_relu_f32(grid, addressOf(x), addressOf(bias), addressOf(out), x.dim(1), plane, n);
        } else {
            k.add_channel_bias_f32(grid, addressOf(x), addressOf(bias), addressOf(out), x.dim(1), plane, n);
        }
    }

    void scale(Tensor x, float s, Tensor out) {
        long n = out.numel();
        if (bf16(out)) {
            k.scale_bf16(Grid.linear(n), addressOf(x), s, addressOf(out), n);
        } else {
            k.scale_f32(Grid.linear(n), addressOf(x), s, addressOf(out), n);
        }
    }

    void relu(Tensor x, Tensor out) {
        long n = out.numel();
        if (bf16(out)) {
            k.relu_bf16(Grid.linear(n), addressOf(x), addressOf(out), n);
        } else {
            k.relu_f32(Grid.linear(n), addressOf(x), addressOf(out), n);
        }
    }

    void reluBackward(Tensor gy, Tensor y, Tensor gx) {
        long n = gx.numel();
        if (bf16(gx)) {
            k.relu_backward_bf16(Grid.linear(n), addressOf(gy), addressOf(y), addressOf(gx), n);
        } else {
            k.relu_backward_f32(Grid.linear(n), addressOf(gy), addressOf(y), addressOf(gx), n);
        }
    }

    void crop(Tensor x, int offH, int offW, Tensor out) {
        crop(out.dtype(), addressOf(x), x.dim(2), x.dim(3), offH, offW, addressOf(out), out.dim(2), out.dim(3),
                out.numel());
    }

    /** out [planes, outH, outW] = x [planes, inH, inW] from row offH, column offW (on raw addresses). */
    void crop(DType type, long x, int inH, int inW, int offH, int offW, long out, int outH, int outW, long outElements) {
        Grid grid = Grid.linear(outElements);
        if (type == DType.BFLOAT16) {
            k.crop_bf16(grid, x, out, inH, inW, offH, offW, outH, outW, outElements);
        } else {
            k.crop_f32(grid, x, out, inH, inW, offH, offW, outH, outW, outElements);
        }
    }

    void cropBackward(Tensor gy, int offH, int offW, Tensor gx) {
        long n = gx.numel();
        if (bf16(gx)) {
            k.crop_backward_bf16(Grid.linear(n), addressOf(gy), addressOf(gx), gx.dim(2), gx.dim(3), offH, offW,
                    gy.dim(2), gy.dim(3), n);
        } else {
            k.crop_backward_f32(Grid.linear(n), addressOf(gy), addressOf(gx), gx.dim(2), gx.dim(3), offH, offW,
                    gy.dim(2), gy.dim(3), n);
        }
    }

    void dropout(Tensor x, float p, long seed, Tensor out) {
        long n = out.numel();
        if (bf16(out)) {
            k.dropout_bf16(Grid.linear(n), addressOf(x), addressOf(out), p, 1f / (1f - p), seed, n);
        } else {
            k.dropout_f32(Grid.linear(n), addressOf(x), addressOf(out), p, 1f / (1f - p), seed, n);
        }
    }

    private static boolean bf16(Tensor t) {
        return t.dtype() == DType.BFLOAT16;
    }

    void cast(Tensor src, Tensor dst) {
        long n = dst.numel();
        if (bf16(dst)) {
            k.cast_f32_to_bf16(Grid.linear(n), addressOf(src), addressOf(dst), n);
        } else {
            k.cast_bf16_to_f32(Grid.linear(n), addressOf(src), addressOf(dst), n);
        }
    }

    void broadcastScalar(Tensor scalar, float scale, Tensor out) {
        long n = out.numel();
        k.broadcast_scalar_f32(Grid.linear(n), addressOf(scalar), scale, addressOf(out), n);
    }
}
