package dev.pixelgrad.fcn.train;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.data.Batch;
import dev.pixelgrad.fcn.data.DataLoader;
import dev.pixelgrad.fcn.data.Sample;
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
     *               quantity the training loss estimates on one batch with {@code --loss mean}; never
     *               class-weighted, so that it compares across runs whatever weights they trained with
     */
    public record Evaluation(Scores scores, double loss) {}

    /**
     * One pass of {@code model} over every batch of {@code loader}, each image whole. The model is put in
     * evaluation mode for the pass, and back in the mode it was in after.
     *
     * @param model  the model, its parameters on {@code device}
     * @param loader the data, unshuffled
     * @param device where to run
     * @return the scores and the mean loss
     */
    public static Evaluation evaluate(Fcn model, DataLoader loader, Device device) {
        return evaluate(model, loader, device, Inference.WHOLE);
    }

    /**
     * As {@link #evaluate(Fcn, DataLoader, Device)}, each image run as {@code inference} says; the loss is
     * then the cross-entropy of the averaged probabilities.
     *
     * @param model     the model, its parameters on {@code device}
     * @param loader    the data, unshuffled
     * @param device    where to run
     * @param inference how to run each image
     * @return the scores and the mean loss
     */
    public static Evaluation evaluate(Fcn model, DataLoader loader, Device device, Inference inference) {
        if (!inference.isWhole()) {
            return evaluateEachSample(model, loader, device, inference);
        }
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

    private static Evaluation evaluateEachSample(Fcn model, DataLoader loader, Device device, Inference inference) {
        ConfusionMatrix cm = new ConfusionMatrix(model.numClasses());
        double lossSum = 0;
        for (Batch b : loader.range(0, loader.batchesPerEpoch())) {
            for (Sample s : b.samples()) {
                float[][] p = inference.probabilities(model, s, device);
                int[] labels = s.labels();
                for (int i = 0; i < labels.length; i++) {
                    if (labels[i] == Sample.VOID) {
                        continue;
                    }
                    int best = 0;
                    for (int c = 1; c < p.length; c++) {
                        best = p[c][i] > p[best][i] ? c : best;
                    }
                    cm.add(labels[i], best, 1);
                    lossSum -= Math.log(Math.max(p[labels[i]][i], Float.MIN_NORMAL));
                }
            }
        }
        Scores scores = cm.scores(loader.dataset().classes().names());
        return new Evaluation(scores, scores.pixels() == 0 ? Double.NaN : lossSum / scores.pixels());
    }
}
