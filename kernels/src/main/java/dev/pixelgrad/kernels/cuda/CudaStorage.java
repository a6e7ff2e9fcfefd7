package dev.pixelgrad.kernels.cuda;

import dev.pixelgrad.tensor.DType;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Storage;

/** Device memory of one tensor (and its views): a block of the caching allocator. */
final class CudaStorage extends Storage {
    private final CachingAllocator.Block block;
    private final CachingAllocator allocator;

    CudaStorage(Device device, DType dtype, long length, CachingAllocator allocator) {
        super(device, dtype, length);
        this.allocator = allocator;
        this.block = allocator.allocate(Math.max(1, length) * dtype.byteSize());
    }

    DevicePointer pointer() {
        return block.pointer();
    }

    long address() {
        return block.pointer().address();
    }

    @Override
    protected void free() {
        allocator.release(block);
    }
}
