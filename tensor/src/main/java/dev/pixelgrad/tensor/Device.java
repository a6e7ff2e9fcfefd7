package dev.pixelgrad.tensor;

import java.util.Locale;

/** Where a tensor's memory lives: the host ({@code cpu}) or one GPU ({@code cuda:0}, ...). */
public record Device(DeviceType type, int index) {
    public static final Device CPU = new Device(DeviceType.CPU, 0);

    public Device {
        if (index < 0) {
            throw new IllegalArgumentException("device index must be >= 0, got " + index);
        }
        if (type == DeviceType.CPU && index != 0) {
            throw new IllegalArgumentException("there is one cpu device, got index " + index);
        }
    }

    public static Device cuda(int index) {
        return new Device(DeviceType.CUDA, index);
    }

    /** Parses {@code cpu}, {@code cuda} (device 0) or {@code cuda:N}. */
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

    public boolean isCpu() {
        return type == DeviceType.CPU;
    }

    @Override
    public String toString() {
        return type == DeviceType.CPU ? "cpu" : "cuda:" + index;
    }
}
