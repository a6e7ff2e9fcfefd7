package dev.pixelgrad.fcn.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

    @Test
    void countsPixelsByTruthAndPredictionSkippingVoid() {
        ConfusionMatrix cm = new ConfusionMatrix(3);
        Tensor labels = Tensor.ofInts(new int[] {0, 0, 1, 1, 2, 255}, 1, 2, 3);
        Tensor pred = Tensor.ofInts(new int[] {0, 1, 1, 1, 0, 2}, 1, 2, 3);
        cm.add(pred, labels);
        cm.add(pred, labels);
        assertEquals(2, cm.count(0, 0));
        assertEquals(2, cm.count(0, 1));
        assertEquals(4, cm.count(1, 1));
        assertEquals(2, cm.count(2, 0));
        assertEquals(0, cm.count(2, 2), "the void pixel is not counted");
    }

    @Test
    void scoresFollowTheReferenceFormulas() {
        // truth \ prediction:   0   1   2
        //          0          [50, 10,  0]
        //          1          [ 5, 30,  5]
        //          2          [ 0,  0,  0]   class 2 never occurs but is predicted 5 times
        ConfusionMatrix cm = new ConfusionMatrix(3);
        cm.add(0, 0, 50);
        cm.add(0, 1, 10);
        cm.add(1, 0, 5);
        cm.add(1, 1, 30);
        cm.add(1, 2, 5);
        Scores s = cm.scores(List.of("bg", "a", "b"));
        assertEquals(80.0 / 100, s.pixelAccuracy(), 1e-12);
        assertEquals((50.0 / 60 + 30.0 / 40) / 2, s.meanAccuracy(), 1e-12, "nanmean skips the absent class");
        double iou0 = 50.0 / (60 + 55 - 50);
        double iou1 = 30.0 / (40 + 40 - 30);
        assertEquals(0.0, s.classIoU()[2], 1e-12, "predicted but never true: IoU 0, counted");
        assertEquals((iou0 + iou1 + 0.0) / 3, s.meanIoU(), 1e-12);
        assertEquals(0.6 * iou0 + 0.4 * iou1, s.frequencyWeightedIoU(), 1e-12);
        assertTrue(Double.isNaN(s.classAccuracy()[2]));
        assertTrue(s.table().contains("mean IoU"));

        ConfusionMatrix absent = new ConfusionMatrix(3);
        absent.add(0, 0, 10);
        absent.add(1, 1, 10);
        assertEquals(1.0, absent.scores(List.of("a", "b", "c")).meanIoU(), 1e-12,
                "a class neither present nor predicted is NaN and left out of the mean");
    }

    @Test
    void labelsOutsideTheClassesAreNamed() {
        ConfusionMatrix cm = new ConfusionMatrix(2);
        Tensor labels = Tensor.ofInts(new int[] {0, 7}, 1, 2);
        Tensor pred = Tensor.ofInts(new int[] {0, 1}, 1, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cm.add(pred, labels));
        assertTrue(e.getMessage().contains("label 7") && e.getMessage().contains("[0, 1]"), e.getMessage());
        assertEquals(0, cm.count(0, 0), "nothing counted");
    }
}
