package dev.pixelgrad.kernels.cpu;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The data cache sizes of one core, in bytes, as Linux reports them under
 * {@code /sys/devices/system/cpu/cpu0/cache}; where that cannot be read (another OS, a container that
 * hides it), sizes common on current CPUs. {@link VectorSgemm} sizes its blocks from them.
 *
 * @param l1dBytes the level-1 data cache of one core
 * @param l2Bytes  the level-2 cache (per core on most CPUs)
 * @param l3Bytes  the last-level cache, shared by the cores of a socket (0 where there is none)
 */
record CpuCaches(long l1dBytes, long l2Bytes, long l3Bytes) {
    /** What {@link #detect()} falls back to: 32 KiB, 1 MiB, 8 MiB. */
    static final CpuCaches TYPICAL = new CpuCaches(32 << 10, 1 << 20, 8 << 20);

    private static final Path SYSFS = Path.of("/sys/devices/system/cpu/cpu0/cache");

    /**
     * This machine's caches, read once per call.
     *
     * @return the sizes found, each missing level taken from {@link #TYPICAL}
     */
    static CpuCaches detect() {
        return read(SYSFS);
    }

    /** The caches described under {@code dir} (one {@code indexN} folder per cache, as sysfs has them). */
    static CpuCaches read(Path dir) {
        long l1d = 0;
        long l2 = 0;
        long l3 = 0;
        for (int i = 0; i < 8; i++) {
            Path index = dir.resolve("index" + i);
            if (!Files.isDirectory(index)) {
                break;
            }
            try {
                String type = Files.readString(index.resolve("type")).strip();
                int level = Integer.parseInt(Files.readString(index.resolve("level")).strip());
                long bytes = parseSize(Files.readString(index.resolve("size")).strip());
                if (type.equals("Instruction")) {
                    continue;
                }
                switch (level) {
                    case 1 -> l1d = bytes;
                    case 2 -> l2 = bytes;
                    case 3 -> l3 = bytes;
                    default -> { }
                }
            } catch (IOException | RuntimeException unreadable) {
                // A level we cannot read keeps its typical size.
            }
        }
        return new CpuCaches(l1d > 0 ? l1d : TYPICAL.l1dBytes, l2 > 0 ? l2 : TYPICAL.l2Bytes,
                l3 > 0 ? l3 : TYPICAL.l3Bytes);
    }

    /** "48K", "2048K", "30M" or a plain byte count, as sysfs writes cache sizes. */
    static long parseSize(String text) {
        String t = text.toUpperCase(Locale.ROOT);
        long unit = t.endsWith("K") ? 1L << 10 : t.endsWith("M") ? 1L << 20 : t.endsWith("G") ? 1L << 30 : 1;
        String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        return Long.parseLong(digits) * unit;
    }

    @Override
    public String toString() {
        return "L1d " + (l1dBytes >> 10) + " KiB, L2 " + (l2Bytes >> 10) + " KiB, L3 " + (l3Bytes >> 20) + " MiB";
    }
}
