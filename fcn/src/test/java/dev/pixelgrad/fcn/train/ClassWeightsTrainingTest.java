package dev.pixelgrad.fcn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.VocDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training with class weights: what they change, what they leave alone, and that a resumed run keeps them. */
class ClassWeightsTrainingTest {
    private static final List<Float> WEIGHTS = List.of(0.25f, 3f, 1f, 1.5f, 1f, 2f);

    @TempDir
    static Path shared;

    static Path data;

    @BeforeAll
    static void makeData() throws IOException {
        data = shared.resolve("data");
        BuiltinDataset.generate(data, 12, 3, 24, 3);
    }

    private static Trainer.Result train(TrainOptions opt, boolean resume) throws IOException {
        return Trainer.train(opt, new VocDataset(data, "train"), new VocDataset(data, "val"), resume,
                new Trainer.Listener() { });
    }

    @Test
    void weightsOfOneTrainBitForBitAsNoWeights(@TempDir Path plain, @TempDir Path ones) throws IOException {
        train(TrainerTest.options(plain, 4, "adam", 1e-3f, 4), false);
        train(TrainerTest.options(ones, 4, "adam", 1e-3f, 4).withClassWeights(Collections.nCopies(6, 1f)), false);
        assertEquals(TrainerTest.losses(plain), TrainerTest.losses(ones));
    }

    @Test
    void weightsChangeTheLossAndAResumedRunMustKeepThem(@TempDir Path plain, @TempDir Path weighted)
            throws IOException {
        train(TrainerTest.options(plain, 4, "sgd", 1e-3f, 2), false);
        train(TrainerTest.options(weighted, 4, "sgd", 1e-3f, 2).withClassWeights(WEIGHTS), false);
        List<String> a = TrainerTest.losses(plain);
        List<String> b = TrainerTest.losses(weighted);
        // A new FCN's score layers are zero: every pixel's loss is ln 6 and any weighted mean of them too.
        assertEquals(a.get(0), b.get(0), "step 1");
        assertNotEquals(a.subList(1, 4), b.subList(1, 4), "steps 2 to 4 weigh the classes differently");
        assertEquals("0.25,3.0,1.0,1.5,1.0,2.0", Trainer.storedTrajectory(weighted).get("class_weights"));
        assertEquals("none", Trainer.storedTrajectory(plain).get("class_weights"));

        TrainOptions longer = TrainerTest.options(weighted, 6, "sgd", 1e-3f, 2);
        for (List<Float> other : List.of(List.<Float>of(), Collections.nCopies(6, 1f))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> train(longer.withClassWeights(other), true));
            assertTrue(e.getMessage().contains("class_weights 0.25,3.0,1.0,1.5,1.0,2.0 (now "
                    + TrainOptions.classWeightsText(other) + ")"), e.getMessage());
        }
        train(longer.withClassWeights(WEIGHTS), true);
        assertEquals(6, TrainerTest.losses(weighted).size());
    }

    @Test
    void theOptionsTakeOnePositiveFiniteWeightPerClass(@TempDir Path out) {
        TrainOptions opt = TrainerTest.options(out, 1, "adam", 1e-3f, 1);
        assertEquals(List.of(), opt.classWeights(), "none unless given");
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class,
                () -> opt.withClassWeights(List.of(1f, 2f)));
        assertTrue(few.getMessage().contains("2 given for the 6 classes"), few.getMessage());
        for (float bad : new float[] {0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}) {
            List<Float> w = List.of(1f, 1f, bad, 1f, 1f, 1f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> opt.withClassWeights(w));
            assertTrue(e.getMessage().contains("positive and finite"), bad + ": " + e.getMessage());
        }
    }
}
