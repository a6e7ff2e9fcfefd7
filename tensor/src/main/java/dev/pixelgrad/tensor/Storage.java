package dev.pixelgrad.tensor;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A block of memory on one device, shared by a tensor and its views. Reference counted: each tensor
 * that uses it holds one reference, and the memory goes back to its device when the last one closes.
 */
public abstract class Storage {
    private final Device device;
    private final DType dtype;
    private final long length;
    private final AtomicInteger refs = new AtomicInteger(1);

    /**
     * Makes a storage holding one reference: its creator's, which the tensor built on it takes over.
     *
     * @param device where the memory is
     * @param dtype  the element type
     * @param length the number of elements (not bytes)
     */
    protected Storage(Device device, DType dtype, long length) {
        this.device = device;
        this.dtype = dtype;
        this.length = length;
    }

    /**
     * The device the memory is on.
     *
     * @return the device
     */
    public final Device device() {
        return device;
    }

    /**
     * The type of every element.
     *
     * @return the element type
     */
    public final DType dtype() {
        return dtype;
    }

    /**
     * Number of elements.
     *
     * @return the number of elements (not bytes); at least the element count of every tensor over it
     */
    public final long length() {
        return length;
    }

    final Storage retain() {
        int n = refs.getAndIncrement();
        if (n <= 0) {
            throw new IllegalStateException("storage already released");
        }
        return this;
    }

    final void release() {
        int n = refs.decrementAndGet();
        if (n == 0) {
            free();
        } else if (n < 0) {
            throw new IllegalStateException("storage released twice");
        }
    }

    /**
     * Whether the last reference was released and the memory given back, after which no tensor may use it.
     *
     * @return whether the memory was given back
     */
    public final boolean isFreed() {
        return refs.get() <= 0;
    }

    /** Gives the memory back to its device. Called once, when the last reference is released. */
    protected abstract void free();
}
