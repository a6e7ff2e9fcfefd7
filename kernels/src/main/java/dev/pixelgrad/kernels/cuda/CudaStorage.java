package dev.pixelgrad.kernels.cuda;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Storage;
import dev.pixelgrad.tensor.Tensor;

/** Device memory of one tensor (and its views): a block of the caching allocator. */
final class CudaStorage extends Storage {
    private final CachingAllocator.Block block;
    private final CachingAllocator allocator;

    CudaStorage(Device device, DType dtype, long length, CachingAllocator allocator) {
        super(device, dtype, length);
        this.allocator = allocator;
        this.block = allocator.allocate(Math.max(1, length) * dtype.byteSize());
    }

    long address() {
        return block.address();
    }

    /** The device address of a CUDA tensor's data; 0 for null (an absent optional argument). */
    static long addressOf(Tensor t) {
        return t == null ? 0L : ((CudaStorage) t.storage()).address();
    }

    @Override
    protected void free() {
        allocator.release(block);
    }
}
