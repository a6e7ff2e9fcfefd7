package dev.pixelgrad.kernels.cuda;

/**
 * cuBLAS and cuDNN, where they loaded, or why not; and the per-op choice between them and our kernels
 * ({@link Implementations}). The emulated device has neither: they need a real GPU.
 */
final class VendorLibraries {
    private final Cublas cublas;
    private final String cublasMissing;
    private final Cudnn cudnn;
    private final String cudnnMissing;

    private VendorLibraries(Cublas cublas, String cublasMissing, Cudnn cudnn, String cudnnMissing) {
        this.cublas = cublas;
        this.cublasMissing = cublasMissing;
        this.cudnn = cudnn;
        this.cudnnMissing = cudnnMissing;
    }

    static VendorLibraries load(CudaDriver driver) {
        if (driver.emulated()) {
            String why = "the emulated device runs only Pixelgrad's own kernels (NVIDIA's libraries need a GPU)";
            return new VendorLibraries(null, why, null, why);
        }
        Cublas cublas = null;
        String cublasMissing = null;
        try {
            cublas = Cublas.load();
        } catch (RuntimeException | LinkageError e) {
            cublasMissing = e.getMessage();
        }
        Cudnn cudnn = null;
        String cudnnMissing = null;
        try {
            cudnn = Cudnn.load();
        } catch (RuntimeException | LinkageError e) {
            cudnnMissing = e.getMessage();
        }
        return new VendorLibraries(cublas, cublasMissing, cudnn, cudnnMissing);
    }

    /** cuBLAS if {@code op} should run on it now, else null (run our kernel). */
    Cublas cublas(String op) {
        return Implementations.usesVendor(op, "cuBLAS", cublas != null, cublasMissing) ? cublas : null;
    }

    /** cuDNN if {@code op} should run on it now, else null (run our kernel). */
    Cudnn cudnn(String op) {
        return Implementations.usesVendor(op, "cuDNN", cudnn != null, cudnnMissing) ? cudnn : null;
    }

    /** Null when both loaded; otherwise one line saying which did not and why. */
    String missing() {
        if (cublas != null && cudnn != null) {
            return null;
        }
        return (cublas == null ? "no cuBLAS (" + cublasMissing + ")" : "")
                + (cublas == null && cudnn == null ? "; " : "") + (cudnn == null ? "no cuDNN (" + cudnnMissing + ")" : "");
    }

    String describe() {
        return "cuBLAS " + (cublas != null ? cublas.version : "unavailable") + ", cuDNN "
                + (cudnn != null ? cudnn.version : "unavailable");
    }
}
