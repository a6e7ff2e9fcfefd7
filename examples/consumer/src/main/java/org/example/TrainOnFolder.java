package org.example;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.Preprocessing;
import dev.pixelgrad.fcn.data.Augmentation;
import dev.pixelgrad.fcn.data.Batch;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.DataLoader;
import dev.pixelgrad.fcn.data.FolderDataset;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.fcn.train.Evaluator;
import dev.pixelgrad.nn.Adam;
import dev.pixelgrad.nn.Optimizer;
import dev.pixelgrad.nn.ParamGroup;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import java.nio.file.Path;

/**
 * Trains FCN-8s on a folder of images and masks, the layout of {@code data/} here:
 * {@code DIR/classes.txt} (one class name a line), {@code DIR/train/images/a.jpg} with its mask
 * {@code DIR/train/masks/a.png} (each pixel's value its class, 255 void), and the same under
 * {@code DIR/val}. Then scores it on the validation images and saves it.
 *
 * <pre>mvn -B -q compile exec:exec@train-on-folder</pre> runs it on {@code data/} (README.md shows the loop).
 */
public final class TrainOnFolder {
    public static void main(String[] args) throws Exception {
        Path data = Path.of(args.length > 0 ? args[0] : "data");
        Path saved = Path.of(args.length > 1 ? args[1] : "target/fcn8s.safetensors");
        int steps = args.length > 2 ? Integer.parseInt(args[2]) : 40;
        ClassList classes = ClassList.read(data.resolve("classes.txt"));
        var train = new FolderDataset(data.resolve("train/images"), data.resolve("train/masks"), classes);
        var val = new FolderDataset(data.resolve("val/images"), data.resolve("val/masks"), classes);

        // FCN-8s at 1/16 of VGG16's width (4 to 32 channels), for a CPU; 1f is the reference net.
        Fcn model = Fcn.create(new FcnConfig("fcn8s", classes.size(), 1f / 16, false, Preprocessing.CAFFE, 1));
        Optimizer opt = new Adam(ParamGroup.caffeRecipe(model), 1e-3f);
        var augment = new Augmentation(true, 0.8f, 1.2f, 64);   // flips, scaling, 64x64 crops
        try (var loader = new DataLoader(train, 4, true, augment, Preprocessing.CAFFE, 7, 2)) {
            int step = 0;
            for (Batch batch : loader.range(0, steps)) {
                step++;
                try (Scope scope = Scope.open()) {               // every tensor made in here is freed at the end
                    Variable logits = model.forward(Variable.of(batch.imageTensor()));
                    Variable loss = F.softmaxCrossEntropy(logits, batch.labelTensor(), Sample.VOID, Reduction.MEAN);
                    loss.backward();                             // parameter gradients survive the scope
                    opt.step();
                    model.zeroGrad();
                    System.out.printf("step %d: loss %.4f%n", step, loss.item());
                }
            }
        }
        try (var loader = new DataLoader(val, 1, false, null, Preprocessing.CAFFE, 0, 1)) {
            Scores scores = Evaluator.evaluate(model, loader, Device.CPU).scores();
            System.out.print(scores.table());                    // pixel accuracy, mean IoU, IoU per class
        }
        model.save(saved);                                       // the weights and the configuration, in one file
        System.out.println("saved " + saved);
    }
}
