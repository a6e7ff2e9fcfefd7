package dev.pixelgrad.kernels.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cache sizes as Linux lists them, and the GEMM blocks sized from them. */
class CpuCachesTest {

    private static void cache(Path dir, int index, String type, int level, String size) throws IOException {
        Path d = Files.createDirectories(dir.resolve("index" + index));
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("level"), level + "\n");
        Files.writeString(d.resolve("size"), size + "\n");
    }

    @Test
    void readsEachDataLevelAndSkipsTheInstructionCache(@TempDir Path dir) throws IOException {
        cache(dir, 0, "Data", 1, "48K");
        cache(dir, 1, "Instruction", 1, "32K");
        cache(dir, 2, "Unified", 2, "2048K");
        cache(dir, 3, "Unified", 3, "30M");
        assertEquals(new CpuCaches(48 << 10, 2 << 20, 30 << 20), CpuCaches.read(dir));
    }

    @Test
    void aMissingOrUnreadableLevelKeepsItsTypicalSize(@TempDir Path dir) throws IOException {
        assertEquals(CpuCaches.TYPICAL, CpuCaches.read(dir.resolve("absent")));
        cache(dir, 0, "Data", 1, "64K");
        cache(dir, 1, "Unified", 2, "lots");
        CpuCaches read = CpuCaches.read(dir);
        assertEquals(64 << 10, read.l1dBytes());
        assertEquals(CpuCaches.TYPICAL.l2Bytes(), read.l2Bytes());
        assertEquals(CpuCaches.TYPICAL.l3Bytes(), read.l3Bytes());
    }

    @Test
    void sizesInSysfsUnits() {
        assertEquals(512, CpuCaches.parseSize("512"));
        assertEquals(48 << 10, CpuCaches.parseSize("48K"));
        assertEquals(30L << 20, CpuCaches.parseSize("30M"));
        assertEquals(1L << 30, CpuCaches.parseSize("1G"));
    }

    /** B's strip fills at most half of L1, A's block half of L2, B's block half a thread's L3 share. */
    @Test
    void blocksFitTheirCaches() {
        CpuCaches[] machines = {
            CpuCaches.TYPICAL, new CpuCaches(48 << 10, 2 << 20, 480 << 20), new CpuCaches(32 << 10, 512 << 10, 16 << 20),
            new CpuCaches(128 << 10, 16 << 20, 0),
        };
        for (VectorSgemm.Tile tile : VectorSgemm.Tile.values()) {
            for (CpuCaches caches : machines) {
                for (int threads : new int[] {1, 2, 64}) {
                    VectorSgemm.Blocking b = VectorSgemm.Blocking.of(tile, caches, threads);
                    String what = tile + " " + caches + " " + threads + " threads: " + b;
                    long floatBytes = Float.BYTES;
                    assertTrue(b.kc() >= 64 && b.kc() <= 512 && b.kc() % 16 == 0, what);
                    assertTrue(b.kc() == 64 || b.kc() * tile.columns() * floatBytes <= caches.l1dBytes() / 2, what);
                    assertTrue(b.mc() % tile.rows == 0 && b.mc() >= tile.rows, what);
                    assertTrue(b.mc() == tile.rows || b.mc() * b.kc() * floatBytes <= caches.l2Bytes() / 2, what);
                    assertTrue(b.nc() % tile.columns() == 0 && b.nc() >= tile.columns() && b.nc() <= 4096, what);
                    assertTrue(b.nc() == tile.columns()
                            || b.nc() * b.kc() * floatBytes <= caches.l3Bytes() / threads / 2, what);
                }
            }
        }
    }
}
