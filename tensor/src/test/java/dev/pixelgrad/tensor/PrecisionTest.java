package dev.pixelgrad.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PrecisionTest {
    @AfterEach
    void back() {
        System.clearProperty("pixelgrad.precision");
        Precision.reset();
    }

    @Test
    void namesReadInAnyCaseAndPrintAsOptionsTakeThem() {
        assertEquals(Precision.TF32, Precision.parse(" TF32 "));
        assertEquals(Precision.FP32, Precision.parse("fp32"));
        assertEquals(Precision.BF16, Precision.parse("Bf16"));
        assertEquals("tf32", Precision.TF32.toString());
        assertEquals("bf16", Precision.BF16.toString());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp16"));
        assertEquals("unknown precision 'fp16' (fp32, tf32 or bf16)", e.getMessage());
    }

    @Test
    void theSettingStartsFromThePropertyAndResetGoesBackToIt() {
        assertEquals(Precision.FP32, Precision.current(), "FP32 where the property says nothing");
        Precision.set(Precision.TF32);
        assertEquals(Precision.TF32, Precision.current());
        Precision.reset();
        assertEquals(Precision.FP32, Precision.current());
        System.setProperty("pixelgrad.precision", "tf32");
        Precision.reset();
        assertEquals(Precision.TF32, Precision.current());
        assertThrows(NullPointerException.class, () -> Precision.set(null));
        assertEquals(Precision.TF32, Precision.current(), "a refused setting changes nothing");
    }
}
