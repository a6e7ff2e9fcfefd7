package dev.pixelgrad.kernels.cuda;

import jcuda.driver.CUdeviceptr;

/**
 * A device pointer whose raw address Java can read: kernel parameters are passed as 64-bit values
 * from preallocated slots, and cuBLAS and cuDNN are called through java.lang.foreign with raw
 * addresses. (JCuda keeps the address in a protected field; a subclass may read it.)
 */
final class DevicePointer extends CUdeviceptr {
    long address() {
        return getNativePointer();
    }
}
