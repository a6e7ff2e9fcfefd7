package dev.pixelgrad.kernels.cuda;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Device memory with reuse: a released block goes to a free list of its size instead of back to the
 * driver, and the next request of that size takes it. A training loop asks for the same sizes every
 * step, so after the first step no allocation or free reaches the driver (a GPU's free also
 * synchronises the device, which would stall every step). When the device runs out, the cache is
 * emptied and the allocation tried once more.
 *
 * <p>On a GPU, sizes round up (to 512 bytes under 1 MiB, to 2 MiB above) so that near sizes share
 * blocks; on the emulated device they stay exact, so that every overrun leaves its block.
 */
final class CachingAllocator {
    /** A device block: its address and (rounded) size in bytes. */
    record Block(long address, long bytes) {}

    private final CudaDriver driver;
    private final boolean rounding;
    private final Map<Long, Deque<Long>> free = new HashMap<>();
    private long liveBytes;
    private long cachedBytes;
    private long peakBytes;
    private long driverAllocations;

    CachingAllocator(CudaDriver driver, boolean rounding) {
        this.driver = driver;
        this.rounding = rounding;
    }

    /** The size a request of {@code bytes} is served with, when rounding. */
    static long round(long bytes) {
        long b = Math.max(bytes, 1);
        if (b < (1 << 20)) {
            return (b + 511) & ~511L;
        }
        long big = 2L << 20;
        return (b + big - 1) / big * big;
    }

    synchronized Block allocate(long bytes) {
        long size = rounding ? round(bytes) : Math.max(bytes, 1);
        Deque<Long> list = free.get(size);
        Long cached = list == null ? null : list.poll();
        long address;
        if (cached != null) {
            address = cached;
            cachedBytes -= size;
        } else {
            try {
                address = driver.allocate(size);
            } catch (CudaDriver.DeviceOutOfMemoryException e) {
                emptyCache();
                address = driver.allocate(size);
            }
            driverAllocations++;
        }
        liveBytes += size;
        peakBytes = Math.max(peakBytes, liveBytes);
        return new Block(address, size);
    }

    synchronized void release(Block b) {
        liveBytes -= b.bytes();
        cachedBytes += b.bytes();
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b.address());
    }

    /** Gives every cached block back to the driver. */
    synchronized void emptyCache() {
        for (Deque<Long> list : free.values()) {
            for (long address : list) {
                driver.free(address);
            }
        }
        free.clear();
        cachedBytes = 0;
    }

    synchronized void resetPeak() {
        peakBytes = liveBytes;
    }

    /** Memory statistics: what a test or a training loop reads to see that memory stays flat. */
    record Stats(long liveBytes, long cachedBytes, long peakBytes, long driverAllocations) {}

    synchronized Stats stats() {
        return new Stats(liveBytes, cachedBytes, peakBytes, driverAllocations);
    }
}
