package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.LabelCheck;
import dev.pixelgrad.tensor.Tensor;

/**
 * Reductions, label checks and the confusion matrix on the GPU (reduce.cu); the CPU twin is
 * ReductionCpu. Sums add doubles in a fixed order, so a result does not depend on scheduling.
 */
final class ReduceCuda {
    /** Blocks of a reduction's first pass: its partial sums fit one block of the second. */
    private static final int REDUCE_BLOCKS = 1024;
    /** Threads of the second pass's one block: one per partial sum at most. */
    private static final int FINISH_THREADS = 1024;
    /** Blocks the per-channel sums aim for when channels are few (a few per multiprocessor of a large GPU). */
    private static final int SUM_BLOCKS = 1024;
    /** The shortest slice of a channel that one block of the per-channel sums takes. */
    private static final long SLICE_ELEMENTS = 16384;

    private final CudaRuntime rt;
    private final Kernels k;
    private final VendorLibraries vendor;
    private final ElementwiseCuda elementwise;

    ReduceCuda(CudaRuntime rt, VendorLibraries vendor, ElementwiseCuda elementwise) {
        this.rt = rt;
        this.k = rt.kernels;
        this.vendor = vendor;
        this.elementwise = elementwise;
    }

    /** A reduction's first pass: writes one double per block of {@code grid} at {@code partial}. */
    @FunctionalInterface
    interface FirstPass {
        void launch(Grid grid, long partial);
    }

    /**
     * Two passes: {@code first} writes one double per block, then one block adds them in order, scales
     * the total and stores it as a float at {@code out}.
     */
    void reduceInto(long items, FirstPass first, double scale, long out) {
        int blocks = Math.min(Grid.blocksFor(items), REDUCE_BLOCKS);
        CachingAllocator.Block partial = rt.allocator.allocate((long) blocks * Double.BYTES);
        try {
            first.launch(new Grid(blocks, 1, Grid.BLOCK), partial.address());
            k.sum_finish_f32(Grid.single(FINISH_THREADS), partial.address(), blocks, scale, out);
        } finally {
            rt.allocator.release(partial);
        }
    }

    /**
     * Two passes, the second on the host: {@code first} writes one double per block, which are read back
     * and added in order, for a sum the host needs.
     */
    double sumToHost(long items, FirstPass first) {
        int blocks = Math.min(Grid.blocksFor(items), REDUCE_BLOCKS);
        CachingAllocator.Block partial = rt.allocator.allocate((long) blocks * Double.BYTES);
        try {
            first.launch(new Grid(blocks, 1, Grid.BLOCK), partial.address());
            long[] bits = new long[blocks];
            rt.download(partial.address(), bits);
            double s = 0;
            for (long b : bits) {
                s += Double.longBitsToDouble(b);
            }
            return s;
        } finally {
            rt.allocator.release(partial);
        }
    }

    void sum(Tensor x, Tensor out) {
        long n = x.numel();
        reduceInto(n, (grid, partial) -> k.sum_partial_f32(grid, addressOf(x), partial, n), 1.0, addressOf(out));
    }

    /**
     * cuDNN's bias gradient where chosen ("bias_grad"), else ours: float32 or bfloat16, out in the input's type
     * (bfloat16: the sum rounded once).
     */
    void sumPerChannel(Tensor x, Tensor out) {
        sumPerChannel(x, null, out);
    }

    /**
     * The backward pass of a convolution fused with its relu, up to the convolution's own gradients: gy
     * masked in place by y &gt; 0, and its per-channel sums (the bias gradient) in {@code out}. Ours in one
     * pass; where cuDNN's bias gradient is chosen, the relu's gradient first and then cuDNN's sum.
     */
    void reluBackwardSumPerChannel(Tensor gy, Tensor y, Tensor out) {
        sumPerChannel(gy, y, out);
    }

    /** Per-channel sums of x, first masked in place by {@code reluOutput} &gt; 0 where that is not null. */
    private void sumPerChannel(Tensor x, Tensor reluOutput, Tensor out) {
        int n = x.dim(0);
        int c = x.dim(1);
        long plane = x.shape().numelFrom(2);
        if (c == 0) {
            return;
        }
        if (n == 0 || plane == 0) {
            rt.fill(out, 0f);
            return;
        }
        Cudnn cudnn = plane <= Integer.MAX_VALUE ? vendor.cudnn("bias_grad") : null;
        if (cudnn != null) {
            if (reluOutput != null) {
                elementwise.reluBackward(x, reluOutput, x);
            }
            cudnn.biasGrad(x.dtype(), n, c, (int) plane, 1, addressOf(x), addressOf(out));
            return;
        }
        // Enough (channel, slice) blocks to fill the GPU where there are few channels, each slice at least
        // SLICE_ELEMENTS long.
        long perChannel = (long) n * plane;
        int slices = (int) Math.max(1, Math.min((SUM_BLOCKS + c - 1) / c, perChannel / SLICE_ELEMENTS));
        CachingAllocator.Block partial = rt.allocator.allocate((long) c * slices * Double.BYTES);
        try {
            Grid grid = new Grid(c, slices, Grid.BLOCK);
            boolean bf16 = x.dtype() == DType.BFLOAT16;
            if (reluOutput == null && bf16) {
                k.sum_per_channel_partial_bf16(grid, addressOf(x), partial.address(), n, c, plane);
            } else if (reluOutput == null) {
                k.sum_per_channel_partial_f32(grid, addressOf(x), partial.address(), n, c, plane);
            } else if (bf16) {
                k.relu_mask_sum_per_channel_partial_bf16(grid, addressOf(x), addressOf(reluOutput), partial.address(), n,
                        c, plane);
            } else {
                k.relu_mask_sum_per_channel_partial_f32(grid, addressOf(x), addressOf(reluOutput), partial.address(), n,
                        c, plane);
            }
            if (bf16) {
                k.sum_per_channel_finish_bf16(Grid.linear(c), partial.address(), slices, addressOf(out), c);
            } else {
                k.sum_per_channel_finish_f32(Grid.linear(c), partial.address(), slices, addressOf(out), c);
            }
        } finally {
            rt.allocator.release(partial);
        }
    }

    void argmaxChannels(Tensor x, Tensor out) {
        long plane = x.shape().numelFrom(2);
        long pixels = x.dim(0) * plane;
        Grid grid = Grid.linear(pixels);
        if (x.dtype() == DType.BFLOAT16) {
            k.argmax_channels_bf16(grid, addressOf(x), addressOf(out), x.dim(0), x.dim(1), plane);
        } else {
            k.argmax_channels_f32(grid, addressOf(x), addressOf(out), x.dim(0), x.dim(1), plane);
        }
    }

    /**
     * Checks every label before anything is written; returns how many count (are not ignored). A bad one
     * raises the same error as the CPU backend, naming the value and its position.
     */
    long checkLabels(String op, Tensor labels, int classes, int ignoreIndex) {
        long[] used = new long[1];
        long[] bad = firstOutOfRange(labels, classes, ignoreIndex, used);
        if (bad != null) {
            throw LabelCheck.badLabel(op, (int) bad[1], bad[0], labels.shape(), classes, ignoreIndex);
        }
        return used[0];
    }

    /**
     * The first value outside [0, classes) that is not {@code ignoreIndex}, as {index, value}, or null;
     * {@code used[0]} receives how many values are in range.
     */
    private long[] firstOutOfRange(Tensor values, int classes, int ignoreIndex, long[] used) {
        long n = values.numel();
        CachingAllocator.Block flags = rt.allocator.allocate(2 * Long.BYTES);
        try {
            long firstBad = flags.address();
            long usedCount = flags.address() + Long.BYTES;
            rt.upload(new long[] {n, 0}, firstBad);
            k.check_labels_i32(Grid.linear(n), addressOf(values), classes, ignoreIndex, n, firstBad, usedCount);
            long[] result = new long[2];
            rt.download(firstBad, result);
            used[0] = result[1];
            if (result[0] >= n) {
                return null;
            }
            int[] value = new int[1];
            rt.download(addressOf(values) + result[0] * Integer.BYTES, value, 1);
            return new long[] {result[0], value[0]};
        } finally {
            rt.allocator.release(flags);
        }
    }

    void confusionMatrix(Tensor predictions, Tensor labels, int ignoreIndex, Tensor counts) {
        int c = counts.dim(0);
        long[] badPrediction = firstOutOfRange(predictions, c, LabelCheck.NOTHING_IGNORED, new long[1]);
        if (badPrediction != null) {
            throw LabelCheck.badPrediction("confusion_matrix", (int) badPrediction[1], badPrediction[0],
                    predictions.shape(), c);
        }
        checkLabels("confusion_matrix", labels, c, ignoreIndex);
        long n = labels.numel();
        k.confusion_matrix_i32(Grid.linear(n), addressOf(predictions), addressOf(labels), addressOf(counts), c,
                ignoreIndex, n);
    }
}
