package dev.pixelgrad.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeviceBenchmarkTest {
    @Test
    void aLayerWithoutABatchGetsABatchOfOne() {
        assertEquals("1x16x66x66-32k3p1", DeviceBenchmark.withBatch("16x66x66-32k3p1"));
        assertEquals("1x21x18x18-k16s8", DeviceBenchmark.withBatch("21x18x18-k16s8"));
    }

    @Test
    void aLayerWithABatchKeepsIt() {
        assertEquals("8x16x66x66-32k3p1", DeviceBenchmark.withBatch("8x16x66x66-32k3p1"));
        assertEquals("8x21x18x18-k16s8", DeviceBenchmark.withBatch("8x21x18x18-k16s8"));
    }

    @Test
    void aLayerOfAnotherFormComesBackAsGivenForTheErrorToNameIt() {
        assertEquals("1x8x21x18x18-k16s8", DeviceBenchmark.withBatch("1x8x21x18x18-k16s8"));
        assertEquals("21x18-k16s8", DeviceBenchmark.withBatch("21x18-k16s8"));
    }

    @Test
    void numbersAreTheGroupsOfTheForm() {
        assertArrayEquals(new int[] {8, 21, 18, 18, 16, 8},
                DeviceBenchmark.numbers("8x21x18x18-k16s8", "(\\d+)x(\\d+)x(\\d+)x(\\d+)-k(\\d+)s(\\d+)", "[Nx]CxHxW-kKsS"));
    }

    @Test
    void aParameterOfAnotherFormIsRefusedNamingTheForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DeviceBenchmark.numbers("1x8x21x18x18-k16s8", "(\\d+)x(\\d+)x(\\d+)x(\\d+)-k(\\d+)s(\\d+)",
                        "[Nx]CxHxW-kKsS"));
        assertTrue(e.getMessage().contains("'1x8x21x18x18-k16s8'") && e.getMessage().contains("[Nx]CxHxW-kKsS"),
                e.getMessage());
    }
}
