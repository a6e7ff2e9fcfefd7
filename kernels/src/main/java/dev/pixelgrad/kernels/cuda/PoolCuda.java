package dev.pixelgrad.kernels.cuda;

import static dev.pixelgrad.kernels.cuda.CudaStorage.addressOf;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Tensor;

/**
 * Max pooling on the GPU: our kernels (pool.cu, one thread per output forward, a deterministic gather
 * backward; the CPU twin is PoolCpu) or cuDNN where chosen ("max_pool2d"). cuDNN pools in floor mode
 * only, so for ceil mode its input is padded with -infinity until the last window fits. float32 or
 * bfloat16, the input's type throughout (cuDNN gets descriptors of that type).
 */
final class PoolCuda {
    private final CudaRuntime rt;
    private final Kernels k;
    private final VendorLibraries vendor;
    private final ElementwiseCuda elementwise;

    PoolCuda(CudaRuntime rt, VendorLibraries vendor, ElementwiseCuda elementwise) {
        this.rt = rt;
        this.k = rt.kernels;
        this.vendor = vendor;
        this.elementwise = elementwise;
    }

    /** Rows and columns of -infinity that make floor mode produce ceil mode's output size. */
    private static int[] ceilPadding(int h, int w, int oh, int ow, PoolParams p) {
        return new int[] {Math.max(0, (oh - 1) * p.strideH() + p.kernelH() - 2 * p.padH() - h),
            Math.max(0, (ow - 1) * p.strideW() + p.kernelW() - 2 * p.padW() - w)};
    }

    /** x [planes, h, w] copied into a new block [planes, paddedH, paddedW], -infinity at the bottom and right. */
    private CachingAllocator.Block padNegInf(Tensor x, int paddedH, int paddedW) {
        long planes = (long) x.dim(0) * x.dim(1);
        long elements = planes * paddedH * paddedW;
        CachingAllocator.Block b = rt.allocator.allocate(elements * x.dtype().byteSize());
        Grid grid = Grid.linear(elements);
        if (x.dtype() == DType.BFLOAT16) {
            k.pad_neg_inf_bf16(grid, addressOf(x), b.address(), planes, x.dim(2), x.dim(3), paddedH, paddedW);
        } else {
            k.pad_neg_inf_f32(grid, addressOf(x), b.address(), planes, x.dim(2), x.dim(3), paddedH, paddedW);
        }
        return b;
    }

    void forward(Tensor x, PoolParams p, Tensor out, Tensor indices) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = out.dim(2);
        int ow = out.dim(3);
        Cudnn cudnn = vendor.cudnn("max_pool2d");
        if (cudnn == null) {
            Grid grid = Grid.linear(out.numel());
            if (x.dtype() == DType.BFLOAT16) {
                k.maxpool_forward_bf16(grid, addressOf(x), addressOf(out), addressOf(indices), (long) n * c, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            } else {
                k.maxpool_forward_f32(grid, addressOf(x), addressOf(out), addressOf(indices), (long) n * c, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            }
            return;
        }
        // cuDNN finds the winners again in backward; mark the indices unset (-1) rather than leave garbage.
        rt.driver.fill32(addressOf(indices), -1, indices.numel());
        int[] extra = ceilPadding(h, w, oh, ow, p);
        CachingAllocator.Block padded = extra[0] + extra[1] > 0 ? padNegInf(x, h + extra[0], w + extra[1]) : null;
        try {
            cudnn.maxPoolForward(x.dtype(), n, c, h + extra[0], w + extra[1], oh, ow, p.kernelH(), p.kernelW(), p.padH(), p.padW(),
                    p.strideH(), p.strideW(), padded == null ? addressOf(x) : padded.address(), addressOf(out));
        } finally {
            if (padded != null) {
                rt.allocator.release(padded);
            }
        }
    }

    void backward(Tensor gy, Tensor x, Tensor y, Tensor indices, PoolParams p, Tensor gx) {
        int n = x.dim(0);
        int c = x.dim(1);
        int h = x.dim(2);
        int w = x.dim(3);
        int oh = gy.dim(2);
        int ow = gy.dim(3);
        Cudnn cudnn = vendor.cudnn("max_pool2d");
        DType type = gx.dtype();
        if (cudnn == null) {
            Grid grid = Grid.linear(gx.numel());
            if (type == DType.BFLOAT16) {
                k.maxpool_backward_bf16(grid, addressOf(gy), addressOf(indices), addressOf(gx), (long) n * c, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            } else {
                k.maxpool_backward_f32(grid, addressOf(gy), addressOf(indices), addressOf(gx), (long) n * c, h, w, oh, ow,
                        p.kernelH(), p.kernelW(), p.strideH(), p.strideW(), p.padH(), p.padW());
            }
            return;
        }
        int[] extra = ceilPadding(h, w, oh, ow, p);
        if (extra[0] + extra[1] == 0) {
            cudnn.maxPoolBackward(type, n, c, h, w, oh, ow, p.kernelH(), p.kernelW(), p.padH(), p.padW(), p.strideH(),
                    p.strideW(), addressOf(y), addressOf(gy), addressOf(x), addressOf(gx));
            return;
        }
        int hp = h + extra[0];
        int wp = w + extra[1];
        CachingAllocator.Block padded = padNegInf(x, hp, wp);
        CachingAllocator.Block gPadded = rt.allocator.allocate((long) n * c * hp * wp * type.byteSize());
        try {
            cudnn.maxPoolBackward(type, n, c, hp, wp, oh, ow, p.kernelH(), p.kernelW(), p.padH(), p.padW(), p.strideH(),
                    p.strideW(), addressOf(y), addressOf(gy), padded.address(), gPadded.address());
            elementwise.crop(type, gPadded.address(), hp, wp, 0, 0, addressOf(gx), h, w, gx.numel());
        } finally {
            rt.allocator.release(padded);
            rt.allocator.release(gPadded);
        }
    }
}
