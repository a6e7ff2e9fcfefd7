package org.example;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.nn.Adam;
import dev.pixelgrad.nn.Optimizer;
import dev.pixelgrad.nn.ParamGroup;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;

/** A small FCN-8s: a few training steps on one random image, then saved, loaded and printed. */
public final class FirstModel {
    public static void main(String[] args) throws Exception {
        Fcn model = Fcn.create(new FcnConfig("fcn8s", 3, 1f / 16, false, Preprocessing.CAFFE, 1));
        Optimizer opt = new Adam(ParamGroup.caffeRecipe(model), 1e-4f);
        Tensor image = Tensor.normal(Shape.of(1, 3, 64, 64), 0f, 50f, 7, Device.CPU);
        int[] classes = new int[64 * 64];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = (i % 64) * 3 / 64; // three vertical bands
        }
        Tensor labels = Tensor.ofInts(classes, 1, 64, 64);
        for (int step = 1; step <= 5; step++) {
            try (Scope s = Scope.open()) {
                Variable loss = F.softmaxCrossEntropy(model.forward(Variable.of(image)), labels, 255, Reduction.MEAN);
                loss.backward();
                opt.step();
                model.zeroGrad();
                System.out.printf("step %d: loss %.4f%n", step, loss.item());
            }
        }
        Path file = Files.createTempFile("first-model", ".safetensors");
        model.save(file);
        Fcn same = Fcn.load(file);
        System.out.println(same.config().toJson());
        System.out.println(same);
        Files.delete(file);
    }
}
