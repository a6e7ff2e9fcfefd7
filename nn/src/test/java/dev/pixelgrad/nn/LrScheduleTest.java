package dev.pixelgrad.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Every schedule against the learning rates PyTorch 1.13's schedulers give an SGD with base rate 1,
 * read before each of ten steps ({@code StepLR(3, 0.5)}, {@code PolynomialLR(10, 0.9)}, and
 * {@code SequentialLR} of {@code LinearLR(0.01, 1, 4)} and {@code PolynomialLR(6, 0.9)} at milestone 4).
 */
class LrScheduleTest {
    private static void assertFactors(LrSchedule s, double... torch) {
        for (int t = 0; t < torch.length; t++) {
            // The schedule's parameters are floats (0.9f is 0.8999999762), PyTorch's doubles.
            assertEquals(torch[t], s.factor(t, torch.length), 1e-8, "step index " + t);
        }
    }

    @Test
    void constantIsOneEverywhere() {
        assertFactors(LrSchedule.CONSTANT, 1, 1, 1, 1, 1);
    }

    @Test
    void stepHalvesEveryThreeSteps() {
        assertFactors(new LrSchedule(LrSchedule.Kind.STEP, 3, 0.5f, 1f, 0, 1f),
                1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.125);
    }

    @Test
    void polyDecaysToTheLastStep() {
        assertFactors(new LrSchedule(LrSchedule.Kind.POLY, 1, 1f, 0.9f, 0, 1f),
                1.0, 0.9095325760829622, 0.8180521460508584, 0.7254178469372199, 0.6314458674893553,
                0.5358867312681466, 0.4383832905540869, 0.3383834619016498, 0.23492378861760374, 0.12589254117941667);
    }

    @Test
    void warmupThenPolyOverTheStepsLeft() {
        assertFactors(new LrSchedule(LrSchedule.Kind.POLY, 1, 1f, 0.9f, 4, 0.01f),
                0.01, 0.2575, 0.505, 0.7525, 1.0, 0.8486661467891868, 0.6942531626616071, 0.5358867312681466,
                0.3720410580113015, 0.1993718664752192);
    }

    @Test
    void badValuesAreRefusedByName() {
        assertEquals("learning-rate schedule must be constant, step or poly, got 'cosine'",
                assertThrows(IllegalArgumentException.class, () -> LrSchedule.kind("cosine")).getMessage());
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.STEP, 0, 0.1f, 1f, 0, 1f));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.STEP, 5, 1.5f, 1f, 0, 1f));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.POLY, 1, 1f, 0f, 0, 1f));
        assertThrows(IllegalArgumentException.class, () -> new LrSchedule(LrSchedule.Kind.POLY, 1, 1f, 1f, 5, 0f));
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.CONSTANT.factor(10, 10));
    }
}
