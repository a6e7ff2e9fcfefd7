package org.example;

import dev.pixelgrad.autograd.F;
import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.tensor.ConvParams;
import dev.pixelgrad.tensor.CounterRng;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Ops;
import dev.pixelgrad.tensor.PoolParams;
import dev.pixelgrad.tensor.Reduction;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Shape;
import dev.pixelgrad.tensor.Tensor;
import java.util.List;

/**
 * The autograd engine on its own, end to end: a four-layer fully convolutional net learns to label
 * every pixel of synthetic images as background, square or disc. No layer library, no optimizer
 * class: parameters are variables, the forward pass is {@link F} calls, and the update is plain SGD
 * with momentum written out in a few lines.
 *
 * <p>The net is FCN in miniature: conv, conv, max-pool (ceil mode), conv, a transposed conv that
 * upsamples by 2, a crop back to the input size, and a 1x1 score layer.
 */
public final class TinySegmentation {
    private static final int SIZE = 21;      // odd on purpose: ceil pooling and the crop must line up
    private static final int CLASSES = 3;    // background, square, disc
    private static final int BATCH = 8;

    private final List<Variable> params;
    private final List<Tensor> velocity;
    private final Variable w1;
    private final Variable b1;
    private final Variable w2;
    private final Variable b2;
    private final Variable w3;
    private final Variable b3;
    private final Variable up;
    private final Variable score;
    private final Variable scoreBias;

    private TinySegmentation(long seed) {
        w1 = kaiming(Shape.of(8, 3, 3, 3), seed + 1);
        b1 = zeros(8);
        w2 = kaiming(Shape.of(16, 8, 3, 3), seed + 2);
        b2 = zeros(16);
        w3 = kaiming(Shape.of(16, 16, 3, 3), seed + 3);
        b3 = zeros(16);
        up = kaiming(Shape.of(16, 16, 4, 4), seed + 4);
        score = kaiming(Shape.of(CLASSES, 16 + 8, 1, 1), seed + 5);
        scoreBias = zeros(CLASSES);
        params = List.of(w1, b1, w2, b2, w3, b3, up, score, scoreBias);
        velocity = params.stream().map(p -> Tensor.zeros(p.shape()).detachFromScope()).toList();
    }

    private static Variable kaiming(Shape s, long seed) {
        float fanIn = s.dim(1) * s.dim(2) * s.dim(3);
        return Variable.parameter(Tensor.normal(s, 0f, (float) Math.sqrt(2.0 / fanIn), seed, Device.CPU));
    }

    private static Variable zeros(int n) {
        return Variable.parameter(Tensor.zeros(n));
    }

    /** Logits [N, 3, SIZE, SIZE]. The upsampled deep path is fused with the shallow features (a skip). */
    private Variable forward(Variable x) {
        Variable h1 = F.relu(F.conv2d(x, w1, b1, ConvParams.of(1, 1)));
        Variable h2 = F.relu(F.conv2d(h1, w2, b2, ConvParams.of(1, 1)));
        Variable p = F.maxPool2d(h2, PoolParams.of(2, 2, 0, true));           // 21 -> 11
        Variable h3 = F.relu(F.conv2d(p, w3, b3, ConvParams.of(1, 1)));
        Variable u = F.convTranspose2d(h3, up, null, ConvParams.of(2, 0));    // 11 -> 24
        Variable c = F.crop(u, 1, 1, SIZE, SIZE);                              // back to 21
        Variable fused = concatChannels(c, h1);
        return F.conv2d(fused, score, scoreBias, ConvParams.of(1, 0));
    }

    /**
     * Channel concatenation from the ops we have: each part is placed in a zero-padded copy with
     * a 1x1 "placement" conv whose weight is a fixed identity block. Frozen weights still pass gradients.
     */
    private static Variable concatChannels(Variable a, Variable b) {
        int ca = a.shape().dim(1);
        int cb = b.shape().dim(1);
        Variable placeA = Variable.of(identityBlock(ca + cb, ca, 0));
        Variable placeB = Variable.of(identityBlock(ca + cb, cb, ca));
        return F.add(F.conv2d(a, placeA, null, ConvParams.of(1, 0)), F.conv2d(b, placeB, null, ConvParams.of(1, 0)));
    }

    private static Tensor identityBlock(int out, int in, int offset) {
        float[] w = new float[out * in];
        for (int i = 0; i < in; i++) {
            w[(offset + i) * in + i] = 1f;
        }
        return Tensor.of(w, out, in, 1, 1);
    }

    /** SGD with momentum 0.9: v = 0.9 v + g; w -= lr v. */
    private void step(float lr) {
        try (GradMode off = GradMode.off(); Scope s = Scope.open()) {
            for (int i = 0; i < params.size(); i++) {
                Variable p = params.get(i);
                Tensor v = velocity.get(i);
                Tensor decayed = Ops.scale(v, 0.9f);
                v.copyFrom(Ops.add(decayed, p.grad()));
                Ops.addInPlace(p.data(), Ops.scale(v, -lr));
                p.zeroGrad();
            }
        }
    }

    /** A batch of images with random squares and discs on noise, and their per-pixel labels. */
    private static Tensor[] batch(long seed) {
        float[] img = new float[BATCH * 3 * SIZE * SIZE];
        int[] lab = new int[BATCH * SIZE * SIZE];
        int plane = SIZE * SIZE;
        for (int n = 0; n < BATCH; n++) {
            long s = CounterRng.derive(seed, n);
            for (int i = 0; i < 3 * plane; i++) {
                img[n * 3 * plane + i] = 0.3f * (CounterRng.uniform(s, i) - 0.5f);
            }
            for (int shape = 0; shape < 2; shape++) {
                int cls = 1 + (int) (CounterRng.uniform(s, 10_000 + shape) * 2);
                int r = 3 + (int) (CounterRng.uniform(s, 10_010 + shape) * 3);
                int cy = r + (int) (CounterRng.uniform(s, 10_020 + shape) * (SIZE - 2 * r));
                int cx = r + (int) (CounterRng.uniform(s, 10_030 + shape) * (SIZE - 2 * r));
                float bright = 0.6f + 0.4f * CounterRng.uniform(s, 10_040 + shape);
                for (int y = 0; y < SIZE; y++) {
                    for (int x = 0; x < SIZE; x++) {
                        int dy = y - cy;
                        int dx = x - cx;
                        boolean inside = cls == 1 ? Math.abs(dy) <= r && Math.abs(dx) <= r : dy * dy + dx * dx <= r * r;
                        if (inside) {
                            lab[n * plane + y * SIZE + x] = cls;
                            for (int ch = 0; ch < 3; ch++) {
                                img[(n * 3 + ch) * plane + y * SIZE + x] += bright;
                            }
                        }
                    }
                }
            }
        }
        return new Tensor[] {Tensor.of(img, BATCH, 3, SIZE, SIZE), Tensor.ofInts(lab, BATCH, SIZE, SIZE)};
    }

    private double accuracy(long seed, int batches) {
        long right = 0;
        long total = 0;
        try (GradMode off = GradMode.off()) {
            for (int b = 0; b < batches; b++) {
                try (Scope s = Scope.open()) {
                    Tensor[] data = batch(seed + b);
                    int[] pred = F.argmax(forward(Variable.of(data[0]))).toIntArray();
                    int[] truth = data[1].toIntArray();
                    for (int i = 0; i < pred.length; i++) {
                        right += pred[i] == truth[i] ? 1 : 0;
                    }
                    total += pred.length;
                }
            }
        }
        return (double) right / total;
    }

    /**
     * Trains the net on the CPU and prints the loss as it goes, and the pixel accuracy on held-out images
     * before and after.
     *
     * @param args the number of training steps (1500 when none is given)
     */
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 1500;
        TinySegmentation net = new TinySegmentation(7);
        System.out.printf("Training a tiny FCN on %dx%d synthetic images (%d classes), %d steps of SGD%n",
                SIZE, SIZE, CLASSES, steps);
        System.out.printf("pixel accuracy before training: %.3f%n", net.accuracy(1_000_000, 4));
        long t0 = System.nanoTime();
        double avg = Double.NaN;
        for (int step = 1; step <= steps; step++) {
            try (Scope s = Scope.open()) {
                Tensor[] data = batch(step);
                Variable loss = F.softmaxCrossEntropy(net.forward(Variable.of(data[0])), data[1], 255, Reduction.MEAN);
                loss.backward();
                float l = loss.item();
                avg = Double.isNaN(avg) ? l : 0.9 * avg + 0.1 * l;
            }
            net.step(0.05f);
            if (step % 50 == 0 || step == steps) {
                System.out.printf("step %4d  loss %.4f  (%.1f steps/s)%n", step, avg, step / ((System.nanoTime() - t0) * 1e-9));
            }
        }
        System.out.printf("pixel accuracy after training on held-out images: %.3f%n", net.accuracy(1_000_000, 4));
    }
}
