package dev.pixelgrad.kernels.cuda;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import jcuda.CudaException;
import jcuda.driver.CUresult;

/**
 * Device memory with reuse: a released block goes to a free list of its (rounded) size instead of back
 * to the driver, and the next request of that size takes it. A training loop asks for the same sizes
 * every step, so after the first step no cuMemAlloc or cuMemFree happens (cuMemFree also synchronises
 * the device, which would stall every step). When the device runs out, the cache is emptied and the
 * allocation tried once more.
 */
final class CachingAllocator {
    /** A device block: its pointer and rounded size. */
    record Block(DevicePointer pointer, long bytes) {}

    private final Map<Long, Deque<DevicePointer>> free = new HashMap<>();
    private long liveBytes;
    private long cachedBytes;
    private long peakBytes;
    private long driverAllocations;

    /** Sizes round up to 512 bytes under 1 MiB and to 2 MiB above, so near sizes share blocks. */
    static long round(long bytes) {
        long b = Math.max(bytes, 1);
        if (b < (1 << 20)) {
            return (b + 511) & ~511L;
        }
        long big = 2L << 20;
        return (b + big - 1) / big * big;
    }

    synchronized Block allocate(long bytes) {
        long size = round(bytes);
        Deque<DevicePointer> list = free.get(size);
        DevicePointer p = list == null ? null : list.poll();
        if (p != null) {
            cachedBytes -= size;
        } else {
            p = new DevicePointer();
            try {
                cuMemAlloc(p, size);
            } catch (CudaException e) {
                if (!e.getMessage().contains(CUresult.stringFor(CUresult.CUDA_ERROR_OUT_OF_MEMORY))) {
                    throw e;
                }
                emptyCache();
                cuMemAlloc(p, size);
            }
            driverAllocations++;
        }
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return new Block(p, size);
    }

    synchronized void release(Block b) {
        liveBytes -= b.bytes();
        cachedBytes += b.bytes();
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b.pointer());
    }

    /** Gives every cached block back to the driver. */
    synchronized void emptyCache() {
        for (Deque<DevicePointer> list : free.values()) {
            for (DevicePointer p : list) {
                cuMemFree(p);
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    /** Memory statistics: what a test or a training loop reads to see that memory stays flat. */
    record Stats(long liveBytes, long cachedBytes, long peakBytes, long driverAllocations) {}

    synchronized Stats stats() {
        return new Stats(liveBytes, cachedBytes, peakBytes, driverAllocations);
    }
}
