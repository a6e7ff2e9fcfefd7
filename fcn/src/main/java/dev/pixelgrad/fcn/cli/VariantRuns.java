package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.train.TrainOptions;
import dev.pixelgrad.fcn.train.Trainer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Several FCN variants trained one after another with one recipe, each in a run folder of its own
 * ({@code PARENT/<model>}): a folder with a checkpoint is resumed, or reused as it is once it has reached
 * its last step, so that a command killed part way goes on where it stopped when run again, and one run
 * again after it finished trains nothing. What {@code pixelgrad compare} and {@code pixelgrad figures}
 * train.
 */
final class VariantRuns {
    private VariantRuns() {}

    /** How one run is trained: {@link Trainer#train} with the caller's data and listener. */
    @FunctionalInterface
    interface Training {
        Trainer.Result train(TrainOptions options, boolean resume) throws IOException;
    }

    /**
     * One variant's run.
     *
     * @param dir    its folder
     * @param result what training returned: the model, in evaluation mode unless the run stopped early
     * @param logs   its logs, or null when the run stopped early
     */
    record Run(Path dir, Trainer.Result result, RunLogs logs) {
        Fcn model() {
            return result.model();
        }

        boolean stopped() {
            return result.stopped();
        }
    }

    /**
     * Trains each of {@code models} in turn with the options {@code recipe} gives for it and its folder.
     * Returns the runs by model, in order; the last one is a stopped run when training was asked to stop,
     * and the models after it are not trained.
     */
    static Map<String, Run> train(List<String> models, Path parent, BiFunction<String, Path, TrainOptions> recipe,
                                  Training training, PrintStream log) throws IOException {
        Map<String, Run> runs = new LinkedHashMap<>();
        for (int i = 0; i < models.size(); i++) {
            String model = models.get(i);
            Path dir = parent.resolve(model);
            TrainOptions opt = recipe.apply(model, dir);
            boolean resume = Files.exists(dir.resolve(Trainer.CHECKPOINT));
            log.printf(Locale.ROOT, "%s (%d of %d): %s%n", model, i + 1, models.size(),
                    resume ? "going on with the run in " + dir : "training in " + dir);
            Trainer.Result r = training.train(opt, resume);
            if (r.stopped()) {
                runs.put(model, new Run(dir, r, null));
                break;
            }
            if (r.alreadyComplete()) {
                log.printf(Locale.ROOT, "%s: the run is complete (step %d of %d); reused%n", model, r.steps(),
                        opt.iterations());
            }
            r.model().eval();
            runs.put(model, new Run(dir, r, RunLogs.of(dir)));
        }
        return runs;
    }
}
