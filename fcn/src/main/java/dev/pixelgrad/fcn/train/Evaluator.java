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
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Tensor;

/** Scores a model on every batch of a loader (one pass, evaluation mode, no gradients). */
public final class Evaluator {
    private Evaluator() {}

    public static Scores evaluate(Fcn model, DataLoader loader, Device device) {
        boolean wasTraining = model.isTraining();
        model.eval();
        ConfusionMatrix cm = new ConfusionMatrix(model.numClasses());
        try (GradMode off = GradMode.off()) {
            for (Batch b : loader.range(0, loader.batchesPerEpoch())) {
                try (Scope s = Scope.open()) {
                    Tensor x = b.imageTensor().to(device);
                    Tensor pred = F.argmax(model.forward(Variable.of(x)));
                    cm.add(pred, b.labelTensor().to(device));
                }
            }
        } finally {
            model.train(wasTraining);
        }
        return cm.scores(loader.dataset().classes().names());
    }
}
