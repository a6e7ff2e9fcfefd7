package dev.pixelgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CounterRngTest {

    @Test
    void isAPureFunctionOfSeedAndIndex() {
        assertEquals(CounterRng.bits(42, 1000), CounterRng.bits(42, 1000));
        assertNotEquals(CounterRng.bits(42, 1000), CounterRng.bits(43, 1000));
        assertNotEquals(CounterRng.bits(42, 1000), CounterRng.bits(42, 1001));
        // A known value, shared with tools/golden/make_golden.py's counter_uniform (which reproduces it).
        assertEquals(0.7306665182113647f, CounterRng.uniform(1234, 0));
        assertEquals(0.8078917860984802f, CounterRng.uniform(-7, 5));
    }

    @Test
    void uniformHasTheRightMomentsAndRange() {
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        float min = 1;
        float max = 0;
        for (int i = 0; i < n; i++) {
            float u = CounterRng.uniform(7, i);
            sum += u;
            sq += u * u;
            min = Math.min(min, u);
            max = Math.max(max, u);
        }
        double mean = sum / n;
        double var = sq / n - mean * mean;
        assertEquals(0.5, mean, 0.005);
        assertEquals(1.0 / 12, var, 0.002);
        assertTrue(min >= 0 && max < 1);
    }

    @Test
    void normalHasTheRightMoments() {
        int n = 200_000;
        double sum = 0;
        double sq = 0;
        for (int i = 0; i < n; i++) {
            double z = CounterRng.normal(9, i);
            sum += z;
            sq += z * z;
        }
        assertEquals(0, sum / n, 0.01);
        assertEquals(1, sq / n, 0.02);
    }

    @Test
    void seededTensorsAreReproducible() {
        Tensor a = Tensor.normal(Shape.of(3, 4), 0f, 1f, 5, Device.CPU);
        Tensor b = Tensor.normal(Shape.of(3, 4), 0f, 1f, 5, Device.CPU);
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.toFloatArray(), b.toFloatArray());
    }
}
