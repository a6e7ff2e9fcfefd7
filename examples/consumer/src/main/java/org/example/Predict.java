package org.example;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.train.Predictor;
import dev.pixelgrad.tensor.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs a saved FCN over a folder of images and writes, for each, a palette PNG mask (each pixel's value
 * its class) and an overlay in the classes' colours; prints how much of each image each class took.
 *
 * <pre>mvn -B -q compile exec:exec@predict</pre> runs it on the model TrainOnFolder saved and on
 * {@code data/val/images}.
 */
public final class Predict {
    public static void main(String[] args) throws Exception {
        Path saved = Path.of(args.length > 0 ? args[0] : "target/fcn8s.safetensors");
        Path images = Path.of(args.length > 1 ? args[1] : "data/val/images");
        Path output = Path.of(args.length > 2 ? args[2] : "target/predictions");
        ClassList classes = ClassList.read(Path.of(args.length > 3 ? args[3] : "data/classes.txt"));

        Fcn model = Fcn.load(saved);                 // the configuration comes from the file; evaluation mode
        List<Path> files;
        try (Stream<Path> s = Files.list(images)) {
            files = s.filter(p -> p.toString().endsWith(".jpg") || p.toString().endsWith(".png")).sorted().toList();
        }
        List<Path> masks = Predictor.predictFiles(model, files, output, Device.CPU, classes.palette());
        for (Path mask : masks) {
            int[] labels = ImageFiles.readIndexMask(mask).values();
            int[] pixels = new int[classes.size()];
            for (int label : labels) {
                pixels[label]++;
            }
            StringBuilder line = new StringBuilder(mask.getFileName().toString()).append(':');
            for (int c = 0; c < pixels.length; c++) {
                if (pixels[c] > 0) {
                    line.append(String.format(" %s %.1f%%", classes.names().get(c), 100.0 * pixels[c] / labels.length));
                }
            }
            System.out.println(line);
        }
    }
}
