package dev.pixelgrad.fcn.train;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.data.Batch;
import dev.pixelgrad.fcn.data.DataLoader;
import dev.pixelgrad.fcn.metrics.ConfusionMatrix;
import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Tensor;

/** Scores a model on every batch of a loader (one pass, evaluation mode, no gradients). */
public final class Evaluator {
    private Evaluator() {}

    /**
     * What one pass over a split gives.
     *
     * @param scores the segmentation scores
     * @param loss   the cross-entropy per labelled pixel over the whole split (void pixels left out), the
     *               quantity the training loss estimates on one batch with {@code --loss mean}
     */
    public record Evaluation(Scores scores, double loss) {}

    public static Evaluation evaluate(Fcn model, DataLoader loader, Device device) {
        boolean wasTraining = model.isTraining();
        model.eval();
        ConfusionMatrix cm = new ConfusionMatrix(model.numClasses());
        double lossSum = 0;
        try (GradMode off = GradMode.off()) {
            for (Batch b : loader.range(0, loader.batchesPerEpoch())) {
                try (Scope s = Scope.open()) {
                    Tensor x = b.imageTensor().to(device);
                    Tensor labels = b.labelTensor().to(device);
                    Variable logits = model.forward(Variable.of(x));
                    // Summed, not averaged per batch: images with more labelled pixels weigh more, as in the
                    // split-wide mean below.
                    lossSum += F.softmaxCrossEntropy(logits, labels, 255, Reduction.SUM).item();
                    cm.add(F.argmax(logits), labels);
                }
            }
        } finally {
            model.train(wasTraining);
        }
        Scores scores = cm.scores(loader.dataset().classes().names());
        return new Evaluation(scores, scores.pixels() == 0 ? Double.NaN : lossSum / scores.pixels());
    }
}
