package dev.pixelgrad.tensor;

import java.util.Locale;

/**
 * Where a tensor's memory lives: the host ({@code cpu}), one GPU ({@code cuda:0}, ...), or nowhere
 * ({@code meta}).
 *
 * @param type  the kind of device
 * @param index which device of that kind: the CUDA device number for {@link DeviceType#CUDA}, 0 for the
 *              others
 */
public record Device(DeviceType type, int index) {
    /** The host: tensors in Java arrays, run by the CPU backend. */
    public static final Device CPU = new Device(DeviceType.CPU, 0);

    /**
     * Tensors with a shape and a dtype but no memory and no values, as PyTorch's meta tensors: every op
     * checks its arguments and allocates its output as usual, and computes nothing. Running a network's
     * own forward pass on it gives every layer's output shape at no cost (the {@code explain} command).
     * Reading values from a meta tensor is an error. Not a device to train on, so {@link #parse} does
     * not accept it.
     */
    public static final Device META = new Device(DeviceType.META, 0);

    /**
     * Checks the index.
     *
     * @throws IllegalArgumentException if {@code index} is negative, or not 0 for a CPU or meta device
     */
    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
        if (type != DeviceType.CUDA && index != 0) {
            throw new IllegalArgumentException("there is one " + type.name().toLowerCase(Locale.ROOT)
                    + " device, got index " + index);
        }
    }

    /**
     * The CUDA device with the given number. Whether it exists is only known when a tensor is made on it.
     *
     * @param index the device number, as CUDA counts them (0 is the first GPU)
     * @return the device
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public static Device cuda(int index) {
        return new Device(DeviceType.CUDA, index);
    }

    /**
     * Parses {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}.
     *
     * @param text the name, case-insensitive, surrounding blanks allowed
     * @return the device
     * @throws IllegalArgumentException for any other text, {@code meta} included
     */
    public static Device parse(String text) {
        String s = text.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return CPU;
        }
        if (s.equals("cuda")) {
            return cuda(0);
        }
        if (s.startsWith("cuda:")) {
            try {
                return cuda(Integer.parseInt(s.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + text + "' (expected cpu, cuda or cuda:N)");
    }

    /**
     * Whether this is the host ({@link #CPU}), whose tensors have Java arrays behind them.
     *
     * @return whether the type is {@link DeviceType#CPU}
     */
    public boolean isCpu() {
        return type == DeviceType.CPU;
    }

    /**
     * Whether this is {@link #META}: shapes without values.
     *
     * @return whether the type is {@link DeviceType#META}
     */
    public boolean isMeta() {
        return type == DeviceType.META;
    }

    @Override
    public String toString() {
        return switch (type) {
            case CPU -> "cpu";
            case CUDA -> "cuda:" + index;
            case META -> "meta";
        };
    }
}
