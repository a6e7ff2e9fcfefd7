package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.autograd.GradMode;
import dev.pixelgrad.autograd.Variable;
import dev.pixelgrad.fcn.Explain;
import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.FcnConfig;
import dev.pixelgrad.fcn.data.Batch;
import dev.pixelgrad.fcn.data.BuiltinDataset;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.data.Palette;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.data.SegmentationDataset;
import dev.pixelgrad.fcn.data.VocDataset;
import dev.pixelgrad.fcn.train.Inference;
import dev.pixelgrad.fcn.train.Predictor;
import dev.pixelgrad.fcn.train.Trainer;
import dev.pixelgrad.nn.ConvTranspose2d;
import dev.pixelgrad.nn.Init;
import dev.pixelgrad.tensor.Device;
import dev.pixelgrad.tensor.Scope;
import dev.pixelgrad.tensor.Tensor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code pixelgrad figures}: the figures of docs/fcn-end-to-end.md, drawn by the code they illustrate.
 * <ul>
 *   <li>bilinear-kernels.png, upsampling.png: {@link Init#bilinear} and the library's own transposed
 *       convolution, run on a small score map;</li>
 *   <li>receptive-field.png, crop-alignment.png: the geometry {@link Explain} reads from FCN-8s at 500x500;</li>
 *   <li>score-fr.png, skips.png, training-curves.png: FCN-32s, FCN-16s and FCN-8s, each trained from
 *       scratch for {@link #ITERATIONS} steps on the demo's built-in set, at the demo's width and recipe.</li>
 * </ul>
 * The training runs are kept under {@code --runs} (runs/figures) and resumed or reused, so drawing again
 * costs seconds once they exist.
 *
 * <p>Each PNG carries the SHA-256 of this file's source in a tEXt chunk ({@value #STAMP_KEY}); the jar
 * ships the source as a resource to hash. {@code FiguresFreshnessTest} compares the committed figures'
 * stamps with the source in the tree, so a change here that is not followed by
 * {@code ./pixelgrad figures} fails the build. The stamp covers this file, where every input (models,
 * steps, images, sizes) is set; it does not cover the trainer and the layers the runs go through.
 */
final class Figures {
    static final String STAMP_KEY = "pixelgrad-figures-source-sha256";
    /** This file, as the fcn jar carries it (see the fcn pom's resources). */
    static final String SOURCE = "dev/pixelgrad/fcn/cli/Figures.java";
    static final List<String> FILES = List.of("bilinear-kernels.png", "upsampling.png", "receptive-field.png",
            "crop-alignment.png", "score-fr.png", "skips.png", "training-curves.png");

    static final List<String> MODELS = List.of("fcn32s", "fcn16s", "fcn8s");
    static final long ITERATIONS = 400;
    /** Validation images shown in score-fr.png and skips.png: the first this many of the built-in set's. */
    static final int SHOWN = 4;
    /** Upsampling factors drawn: FCN-8s's upscore2 and upscore8, and FCN-32s's upscore. */
    static final int[] FACTORS = {2, 8, 32};
    /** The input size of the geometry figures: the size the reference nets are described at. */
    static final int GEOMETRY_SIZE = 500;

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    private static final Font LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    private Figures() {}

    static void run(Args a, PrintStream out, PrintStream err) throws IOException {
        Path output = a.path("output") != null ? a.path("output") : Path.of("docs", "figures");
        Path runs = a.path("runs") != null ? a.path("runs") : Path.of("runs", "figures");
        a.finish();
        Map<String, String> stamp = Map.of(STAMP_KEY, sourceSha256(), "Software", "Pixelgrad: pixelgrad figures");

        save(bilinearKernels(), output.resolve("bilinear-kernels.png"), stamp, out);
        save(upsampling(), output.resolve("upsampling.png"), stamp, out);
        Explain geometry = Explain.of(FcnConfig.reference("fcn8s", 21), GEOMETRY_SIZE,
                GEOMETRY_SIZE);
        save(receptiveField(geometry), output.resolve("receptive-field.png"), stamp, out);
        save(cropAlignment(geometry), output.resolve("crop-alignment.png"), stamp, out);

        Path data = runs.resolve("data");
        BuiltinDataset.ensure(data, Demo.TRAIN_IMAGES, Demo.VAL_IMAGES, Demo.IMAGE_SIZE, 1, true);
        SegmentationDataset train = new VocDataset(data, "train");
        SegmentationDataset val = new VocDataset(data, "val");
        // Each variant trained with the demo's recipe (Demo.recipe) for ITERATIONS steps.
        Map<String, VariantRuns.Run> trained = VariantRuns.train(MODELS, runs,
                (model, dir) -> Demo.recipe(model, train.classes().size(), ITERATIONS, dir),
                (opt, resume) -> Trainer.train(opt, train, val, resume,
                        Main.listener(new ProgressBar(err), Device.CPU, () -> false, null)), err);
        Map<String, Fcn> models = new LinkedHashMap<>();
        Map<String, RunLogs> logs = new LinkedHashMap<>();
        Map<String, Double> meanIoU = new LinkedHashMap<>();
        trained.forEach((model, run) -> {
            models.put(model, run.model());
            logs.put(model, run.logs());
            meanIoU.put(model, run.logs().lastVal(RunLogs.MEAN_IOU));
        });
        List<Sample> shown = new ArrayList<>();
        for (int i = 0; i < SHOWN; i++) {
            shown.add(val.load(i));
        }
        Palette palette = val.classes().palette();
        save(scoreFr(models.get("fcn32s"), shown, val.classes().names(), palette), output.resolve("score-fr.png"), stamp,
                out);
        String skipsTitle = String.format(Locale.ROOT, "The detail each skip adds: same data, same %d steps, from scratch "
                + "(with each model's validation mean IoU)", ITERATIONS);
        save(skips(models, meanIoU, shown, palette, skipsTitle), output.resolve("skips.png"), stamp, out);
        save(trainingCurves(logs), output.resolve("training-curves.png"), stamp, out);
    }

    /** The SHA-256 of this file's source, read from the jar (or the class folder) it runs from. */
    static String sourceSha256() {
        try (InputStream in = Figures.class.getClassLoader().getResourceAsStream(SOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the class path lacks " + SOURCE + ", which the fcn build copies there");
            }
            return sha256(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e); // every JDK has SHA-256
        }
    }

    private static void save(BufferedImage image, Path file, Map<String, String> stamp, PrintStream out)
            throws IOException {
        ImageFiles.writePng(image, file, stamp);
        out.printf(Locale.ROOT, "wrote %s (%dx%d)%n", file, image.getWidth(), image.getHeight());
    }

    // ---- bilinear-kernels.png ------------------------------------------------------------------------

    /** The kernels of {@link #FACTORS}: each as an image, and its middle row as a profile. */
    static BufferedImage bilinearKernels() {
        int cell = 220;
        int pad = 24;
        int profileH = 120;
        BufferedImage img = canvas(FACTORS.length * (cell + pad) + pad, 40 + cell + 30 + profileH + 60);
        Graphics2D g = graphics(img);
        for (int f = 0; f < FACTORS.length; f++) {
            int factor = FACTORS[f];
            int k = 2 * factor;
            float[] kernel = Init.bilinear(1, k).toFloatArray();
            int x0 = pad + f * (cell + pad);
            g.setFont(TITLE);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "%dx: kernel %d, stride %d", factor, k, factor), x0, 24);
            BufferedImage heat = heatmap(kernel, k, k, 0f, 1f);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(heat, x0, 40, cell, cell, null);
            g.setColor(Color.GRAY);
            g.drawRect(x0, 40, cell, cell);
            // The middle row: the 1-D kernel, a tent peaking between the two middle taps.
            int top = 40 + cell + 30;
            int row = k / 2;
            g.setColor(Color.LIGHT_GRAY);
            g.drawLine(x0, top + profileH, x0 + cell, top + profileH);
            g.setColor(new Color(0x1f5fa8));
            g.setStroke(new BasicStroke(2f));
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < k; i++) {
                int x = x0 + (int) Math.round((i + 0.5) * cell / k);
                int y = top + profileH - (int) Math.round(kernel[row * k + i] * profileH);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, x, y);
                }
                if (k <= 16) {
                    g.fillOval(x - 3, y - 3, 7, 7);
                }
                prevX = x;
                prevY = y;
            }
            g.setStroke(new BasicStroke(1f));
            g.setFont(SMALL);
            g.setColor(Color.DARK_GRAY);
            String taps = String.format(Locale.ROOT, "middle row: peak %.3f, ends %.3f", kernel[row * k + row],
                    kernel[row * k]);
            g.drawString(taps, x0, top + profileH + 18);
        }
        g.setFont(LABEL);
        g.setColor(Color.DARK_GRAY);
        g.drawString("Init.bilinear: weight (1 - |y - c| / f)(1 - |x - c| / f) at tap (y, x), c = f - 1/2; "
                + "brightest = 1",
                pad, img.getHeight() - 10);
        g.dispose();
        return img;
    }

    // ---- upsampling.png ------------------------------------------------------------------------------

    /** A 5x5 score map: one class's evidence, strong in a cross, weak in a corner. */
    static final float[] COARSE_SCORES = {
        0.0f, 0.0f, 0.0f, 0.0f, 0.3f,
        0.0f, 0.0f, 1.0f, 0.0f, 0.0f,
        0.0f, 1.0f, 1.0f, 1.0f, 0.0f,
        0.0f, 0.0f, 1.0f, 0.0f, 0.0f,
        0.0f, 0.0f, 0.0f, 0.0f, 0.0f,
    };

    /**
     * {@link #COARSE_SCORES} through a frozen bilinear {@link ConvTranspose2d} of each factor, the layer the
     * FCN heads use: output side (5 - 1) * f + 2f, before any crop. Dots mark where each input pixel's
     * centre lands: output coordinate i * f + f - 1/2, the peak of its tent.
     */
    static BufferedImage upsampling() {
        int side = 5;
        int cell = 230;
        int pad = 24;
        int panels = FACTORS.length + 1;
        BufferedImage img = canvas(panels * (cell + pad) + pad, 40 + cell + 60);
        Graphics2D g = graphics(img);
        List<float[]> maps = new ArrayList<>();
        List<Integer> sides = new ArrayList<>();
        maps.add(COARSE_SCORES);
        sides.add(side);
        for (int factor : FACTORS) {
            int k = 2 * factor;
            ConvTranspose2d up = new ConvTranspose2d(1, 1, k, factor, 0, false, 0);
            up.weight().data().copyFrom(Init.bilinear(1, k));
            try (Scope s = Scope.open(); GradMode off = GradMode.off()) {
                Variable y = up.forward(Variable.of(Tensor.of(COARSE_SCORES.clone(), 1, 1, side, side)));
                maps.add(y.data().toFloatArray());
                sides.add(y.shape().dim(2));
            }
        }
        for (int p = 0; p < panels; p++) {
            int n = sides.get(p);
            int x0 = pad + p * (cell + pad);
            g.setFont(TITLE);
            g.setColor(Color.DARK_GRAY);
            g.drawString(p == 0 ? "score map, 5x5" : String.format(Locale.ROOT, "%dx: %dx%d", FACTORS[p - 1], n, n), x0, 24);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(heatmap(maps.get(p), n, n, 0f, 1f), x0, 40, cell, cell, null);
            g.setColor(Color.GRAY);
            g.drawRect(x0, 40, cell, cell);
            if (p > 0) {
                int f = FACTORS[p - 1];
                g.setColor(new Color(0xd62728));
                for (int i = 0; i < side; i++) {
                    for (int j = 0; j < side; j++) {
                        double cx = x0 + (j * f + f) * (double) cell / n;
                        double cy = 40 + (i * f + f) * (double) cell / n;
                        g.fillOval((int) Math.round(cx) - 2, (int) Math.round(cy) - 2, 5, 5);
                    }
                }
            }
        }
        g.setFont(LABEL);
        g.setColor(Color.DARK_GRAY);
        g.drawString("ConvTranspose2d with Init.bilinear weights, no bias; red: where the 25 input pixels land. "
                + "The border of width f/2 is what the crops remove.", pad, 40 + cell + 30);
        g.dispose();
        return img;
    }

    // ---- receptive-field.png -------------------------------------------------------------------------

    /**
     * The input (500x500) inside conv1_1's padding of 100, the centres of the score_fr pixels (stride 32),
     * and for the pixel of each scoring layer nearest the image's centre, its receptive field: score_fr,
     * score_pool4, score_pool3, all centred on nearly the same point, at three scales.
     */
    static BufferedImage receptiveField(Explain e) {
        String[] names = {"score_fr", "score_pool4", "score_pool3"};
        Color[] colours = {new Color(0xd62728), new Color(0x2ca02c), new Color(0x1f77b4)};
        double lo = -200;
        double hi = GEOMETRY_SIZE + 200;
        int canvasSide = 680;
        double scale = canvasSide / (hi - lo);
        int left = 30;
        int top = 50;
        BufferedImage img = canvas(canvasSide + left + 440, canvasSide + top + 40);
        Graphics2D g = graphics(img);
        g.setFont(TITLE);
        g.setColor(Color.DARK_GRAY);
        g.drawString(String.format(Locale.ROOT, "Receptive fields in FCN-8s on a %dx%d input", GEOMETRY_SIZE,
                GEOMETRY_SIZE), left, 24);
        // conv1_1's padding: the zero border every layer above sees.
        // A 3x3 convolution padded by p starts at 1 - p.
        int pad = (int) Math.round(1 - e.layer("conv1_1").h().start());
        fillSquare(g, new Color(0xeeeeee), left, top, scale, lo, -pad, GEOMETRY_SIZE + pad);
        fillSquare(g, new Color(0xfff8e7), left, top, scale, lo, 0, GEOMETRY_SIZE);
        g.setColor(Color.GRAY);
        drawSquare(g, left, top, scale, lo, 0, GEOMETRY_SIZE);
        Explain.Layer fr = e.layer("score_fr");
        g.setColor(new Color(0x999999));
        for (int i = 0; i < fr.output().dim(2); i++) {
            for (int j = 0; j < fr.output().dim(3); j++) {
                double cy = fr.h().start() + i * fr.h().stride();
                double cx = fr.w().start() + j * fr.w().stride();
                dot(g, left + (cx - lo) * scale, top + (cy - lo) * scale, 3);
            }
        }
        // score_fr's first pixel: most of its field is padding.
        double cornerH = fr.h().start();
        double cornerW = fr.w().start();
        double cornerHalf = fr.h().field() / 2;
        g.setColor(new Color(0xd62728));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
        int ca = (int) Math.round((cornerW - cornerHalf - lo) * scale);
        int cb = (int) Math.round((cornerH - cornerHalf - lo) * scale);
        int side = (int) Math.round(fr.h().field() * scale);
        g.drawRect(left + ca, top + cb, side, side);
        g.setStroke(new BasicStroke(1f));
        dot(g, left + (cornerW - lo) * scale, top + (cornerH - lo) * scale, 4);
        int legendY = top + 20;
        int legendX = left + canvasSide + 20;
        for (int n = 0; n < names.length; n++) {
            Explain.Layer l = e.layer(names[n]);
            double centre = nearestCentre(l.h(), l.output().dim(2), GEOMETRY_SIZE / 2.0);
            double half = l.h().field() / 2;
            g.setColor(colours[n]);
            g.setStroke(new BasicStroke(2.5f));
            drawSquare(g, left, top, scale, lo, centre - half, centre + half);
            g.setStroke(new BasicStroke(1f));
            dot(g, left + (centre - lo) * scale, top + (centre - lo) * scale, 5);
            g.setFont(LABEL);
            g.drawString(l.name(), legendX, legendY);
            g.setFont(SMALL);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format(Locale.ROOT, "stride %s, field %s x %s", Explain.number(l.h().stride()),
                    Explain.number(l.h().field()), Explain.number(l.h().field())), legendX, legendY + 16);
            g.drawString(String.format(Locale.ROOT, "pixel centred at (%s, %s)", Explain.number(centre),
                    Explain.number(centre)), legendX, legendY + 31);
            legendY += 60;
        }
        g.setFont(SMALL);
        g.setColor(Color.DARK_GRAY);
        String[] notes = {
            "grey dots: the " + fr.output().dim(2) + "x" + fr.output().dim(3) + " score_fr pixels' centres",
            "light frame: the image; grey: conv1_1's padding of " + pad,
            String.format(Locale.ROOT, "dashed: the field of score_fr's first pixel, centred at (%s, %s):",
                    Explain.number(cornerH), Explain.number(cornerW)),
            "most of it lies outside the image, in the padding of",
            "conv1_1 and of the convolutions after it",
        };
        for (String note : notes) {
            g.drawString(note, legendX, legendY);
            legendY += 16;
        }
        g.dispose();
        return img;
    }

    /** The centre, in input pixels, of the pixel of a map whose centre is nearest {@code point}. */
    private static double nearestCentre(Explain.Axis axis, int size, double point) {
        long i = Math.round((point - axis.start()) / axis.stride());
        i = Math.max(0, Math.min(size - 1, i));
        return axis.start() + i * axis.stride();
    }

    // ---- crop-alignment.png --------------------------------------------------------------------------

    /**
     * Along one axis, in input coordinates: the extent of every map of the FCN-8s head (from score_fr on),
     * pixel centres as ticks where they are far enough apart to see, and each crop's window. The crops
     * take from each map the pixels that sit on the other branch's (or the input's) pixels.
     */
    static BufferedImage cropAlignment(Explain e) {
        List<Explain.Layer> rows = new ArrayList<>();
        boolean head = false;
        for (Explain.Layer l : e.layers()) {
            head |= l.name().equals("score_fr");
            boolean shown = head && !l.op().equals("add");
            if (l.name().equals("input") || shown) {
                rows.add(l);
            }
        }
        double lo = -120;
        double hi = GEOMETRY_SIZE + 120;
        int left = 130;
        int width = 760;
        int rowH = 34;
        int top = 60;
        double scale = width / (hi - lo);
        BufferedImage img = canvas(left + width + 260, top + rows.size() * rowH + 60);
        Graphics2D g = graphics(img);
        g.setFont(TITLE);
        g.setColor(Color.DARK_GRAY);
        g.drawString("Where each map of the FCN-8s head lies on a " + GEOMETRY_SIZE + "-pixel input axis", 10, 24);
        // The image's extent, through every row.
        int x0 = (int) Math.round(left + (0 - 0.5 - lo) * scale);
        int x1 = (int) Math.round(left + (GEOMETRY_SIZE - 0.5 - lo) * scale);
        g.setColor(new Color(0xfff3d6));
        g.fillRect(x0, top - 10, x1 - x0, rows.size() * rowH + 10);
        g.setColor(new Color(0xc8a04a));
        g.drawLine(x0, top - 10, x0, top + rows.size() * rowH);
        g.drawLine(x1, top - 10, x1, top + rows.size() * rowH);
        g.setFont(SMALL);
        g.drawString("0", x0 - 3, top + rows.size() * rowH + 14);
        g.drawString(String.valueOf(GEOMETRY_SIZE), x1 - 10, top + rows.size() * rowH + 14);
        for (int r = 0; r < rows.size(); r++) {
            Explain.Layer l = rows.get(r);
            Explain.Axis a = l.w();
            int n = l.output().dim(3);
            int y = top + r * rowH;
            double first = a.start() - a.stride() / 2;
            double last = a.start() + (n - 1) * a.stride() + a.stride() / 2;
            boolean crop = l.op().equals("crop");
            Color colour = crop ? new Color(0xd62728) : l.op().equals("conv_transpose2d") ? new Color(0x1f77b4)
                    : new Color(0x555555);
            g.setColor(colour);
            g.fillRect((int) Math.round(left + (first - lo) * scale), y + 8, (int) Math.max(1, Math.round((last - first)
                    * scale)), 12);
            if (a.stride() * scale >= 4) {
                g.setColor(Color.WHITE);
                for (int i = 0; i < n; i++) {
                    int cx = (int) Math.round(left + (a.start() + i * a.stride() - lo) * scale);
                    g.drawLine(cx, y + 10, cx, y + 17);
                }
            }
            g.setColor(Color.DARK_GRAY);
            g.setFont(LABEL);
            g.drawString(l.name(), 10, y + 19);
            g.setFont(SMALL);
            String what = String.format(Locale.ROOT, "%d px, stride %s, first centre %s", n, Explain.number(a.stride()),
                    Explain.number(a.start()));
            if (crop) {
                what += ", " + l.settings();
            }
            g.drawString(what, left + width + 10, y + 19);
        }
        g.setFont(SMALL);
        g.setColor(Color.DARK_GRAY);
        g.drawString("grey: scoring convolutions; blue: bilinear upsampling (transposed convolution); red: crops. "
                + "White ticks: pixel centres. Shaded: the image.", 10, img.getHeight() - 12);
        g.dispose();
        return img;
    }

    // ---- score-fr.png --------------------------------------------------------------------------------

    /**
     * For each shown image: the input, its ground truth, and FCN-32s's class probabilities at stride 32
     * (the softmax of score_fr), each score_fr pixel drawn as the square of input it is centred on.
     */
    static BufferedImage scoreFr(Fcn model, List<Sample> samples, List<String> classNames, Palette palette) {
        int classes = model.numClasses();
        int cell = 150;
        int pad = 8;
        int header = 44;
        int columns = classes + 2;
        BufferedImage img = canvas(pad + columns * (cell + pad), header + samples.size() * (cell + pad) + 36);
        Graphics2D g = graphics(img);
        g.setFont(LABEL);
        g.setColor(Color.DARK_GRAY);
        g.drawString("input", pad, header - 8);
        g.drawString("ground truth", pad + cell + pad, header - 8);
        for (int c = 0; c < classes; c++) {
            int x = pad + (c + 2) * (cell + pad);
            g.setColor(new Color(palette.rgb(c)));
            g.fillRect(x, header - 19, 12, 12);
            g.setColor(Color.DARK_GRAY);
            g.drawString("p(" + classNames.get(c) + ")", x + 16, header - 8);
        }
        g.setFont(TITLE);
        g.drawString("FCN-32s: class probabilities at stride 32 (softmax of score_fr), before upsampling", pad, 18);
        for (int r = 0; r < samples.size(); r++) {
            Sample s = samples.get(r);
            int y = header + r * (cell + pad);
            Fit fit = Fit.of(s, cell);
            double scale = fit.scale();
            int w = fit.width();
            int h = fit.height();
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            g.drawImage(ImageFiles.toImage(s.rgb(), s.height(), s.width()), pad, y, w, h, null);
            g.drawImage(ImageFiles.labelImage(s.labels(), s.height(), s.width(), palette), pad + cell + pad, y, w, h,
                    null);
            float[] logits;
            int mapH;
            int mapW;
            try (Scope scope = Scope.open(); GradMode off = GradMode.off()) {
                Variable x = Variable.of(Batch.of(List.of(s), model.config().preprocessing()).imageTensor());
                Variable score = model.child("score_fr").forward(model.encode(x).fc7());
                logits = score.data().toFloatArray();
                mapH = score.shape().dim(2);
                mapW = score.shape().dim(3);
            }
            Explain.Layer fr = Explain.of(model.config(), s.height(), s.width()).layer("score_fr");
            float[] p = Inference.softmax(logits, classes, mapH * mapW);
            for (int c = 0; c < classes; c++) {
                int x0 = pad + (c + 2) * (cell + pad);
                g.setColor(Color.BLACK);
                g.fillRect(x0, y, w, h);
                for (int i = 0; i < mapH; i++) {
                    for (int j = 0; j < mapW; j++) {
                        // The input square this pixel is centred on, clipped to the image.
                        double cy = fr.h().start() + i * fr.h().stride();
                        double cx = fr.w().start() + j * fr.w().stride();
                        double ya = Math.max(0, cy - fr.h().stride() / 2);
                        double yb = Math.min(s.height(), cy + fr.h().stride() / 2);
                        double xa = Math.max(0, cx - fr.w().stride() / 2);
                        double xb = Math.min(s.width(), cx + fr.w().stride() / 2);
                        if (ya >= yb || xa >= xb) {
                            continue;
                        }
                        g.setColor(ramp(p[(c * mapH + i) * mapW + j]));
                        int px = (int) Math.round(x0 + xa * scale);
                        int py = (int) Math.round(y + ya * scale);
                        g.fillRect(px, py, (int) Math.round(x0 + xb * scale) - px, (int) Math.round(y + yb * scale) - py);
                    }
                }
            }
        }
        int barY = img.getHeight() - 26;
        for (int i = 0; i < 200; i++) {
            g.setColor(ramp(i / 199f));
            g.fillRect(pad + 40 + i, barY, 1, 12);
        }
        g.setFont(SMALL);
        g.setColor(Color.DARK_GRAY);
        g.drawString("0", pad + 28, barY + 11);
        g.drawString("1", pad + 246, barY + 11);
        g.drawString("Each square: one score_fr pixel, over the 32x32 input pixels it is centred on (clipped to the "
                + "image).", pad + 262, barY + 11);
        g.dispose();
        return img;
    }

    // ---- skips.png -----------------------------------------------------------------------------------

    /**
     * For each shown image: input, ground truth, and the prediction of each model (on the CPU), same images,
     * under {@code title}; each model's column headed by its name and {@code meanIoU}.
     */
    static BufferedImage skips(Map<String, Fcn> models, Map<String, Double> meanIoU, List<Sample> samples,
                               Palette palette, String title) {
        int cell = 180;
        int pad = 8;
        int header = 50;
        int columns = models.size() + 2;
        BufferedImage img = canvas(pad + columns * (cell + pad), header + samples.size() * (cell + pad));
        Graphics2D g = graphics(img);
        g.setFont(LABEL);
        g.setColor(Color.DARK_GRAY);
        g.drawString("input", pad, header - 8);
        g.drawString("ground truth", pad + cell + pad, header - 8);
        int col = 2;
        for (Map.Entry<String, Double> m : meanIoU.entrySet()) {
            g.drawString(String.format(Locale.ROOT, "%s: %.1f%%", m.getKey(), 100 * m.getValue()),
                    pad + col * (cell + pad), header - 8);
            col++;
        }
        g.setFont(TITLE);
        g.drawString(title, pad, 18);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int r = 0; r < samples.size(); r++) {
            Sample s = samples.get(r);
            int y = header + r * (cell + pad);
            Fit fit = Fit.of(s, cell);
            int w = fit.width();
            int h = fit.height();
            List<BufferedImage> cells = new ArrayList<>();
            cells.add(ImageFiles.toImage(s.rgb(), s.height(), s.width()));
            cells.add(ImageFiles.labelImage(s.labels(), s.height(), s.width(), palette));
            for (Fcn model : models.values()) {
                cells.add(ImageFiles.labelImage(Predictor.predict(model, s, Device.CPU), s.height(), s.width(), palette));
            }
            for (int c = 0; c < cells.size(); c++) {
                g.drawImage(cells.get(c), pad + c * (cell + pad), y, w, h, null);
            }
        }
        g.dispose();
        return img;
    }

    // ---- training-curves.png -------------------------------------------------------------------------

    /** Training loss (smoothed) and validation mean IoU of the runs, one chart above the other. */
    static BufferedImage trainingCurves(Map<String, RunLogs> logs) {
        XYChart loss = Report.chart("Training loss (cross-entropy per labelled pixel, smoothed)", "loss");
        loss.getStyler().setXAxisTickMarkSpacingHint(150); // a label per 15 steps is unreadable
        XYChart iou = Report.chart("Validation mean IoU", "mean IoU");
        iou.getStyler().setYAxisMin(0.0);
        iou.getStyler().setYAxisMax(1.0);
        iou.getStyler().setYAxisDecimalPattern("0%");
        logs.forEach((model, log) -> {
            loss.addSeries(model, log.train().get("step"), Report.smooth(log.train().get("loss"), 0.95))
                    .setMarker(SeriesMarkers.NONE);
            iou.addSeries(model, log.val().get("step"), log.val().get("mean_iou")).setMarker(SeriesMarkers.CIRCLE);
        });
        BufferedImage top = BitmapEncoder.getBufferedImage(loss);
        BufferedImage bottom = BitmapEncoder.getBufferedImage(iou);
        BufferedImage img = canvas(Math.max(top.getWidth(), bottom.getWidth()), top.getHeight() + bottom.getHeight());
        Graphics2D g = img.createGraphics();
        g.drawImage(top, 0, 0, null);
        g.drawImage(bottom, 0, top.getHeight(), null);
        g.dispose();
        return img;
    }

    // ---- drawing -------------------------------------------------------------------------------------

    /** A sample scaled to fit a square cell of {@code side} pixels: the scale and the scaled size. */
    private record Fit(double scale, int width, int height) {
        static Fit of(Sample s, int side) {
            double scale = (double) side / Math.max(s.height(), s.width());
            return new Fit(scale, (int) Math.round(s.width() * scale), (int) Math.round(s.height() * scale));
        }
    }

    private static BufferedImage canvas(int width, int height) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return img;
    }

    private static Graphics2D graphics(BufferedImage img) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        return g;
    }

    /** A [height][width] map of values as an image, {@code lo} black-blue to {@code hi} white-yellow. */
    static BufferedImage heatmap(float[] values, int height, int width, float lo, float hi) {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                img.setRGB(x, y, ramp((values[y * width + x] - lo) / (hi - lo)).getRGB());
            }
        }
        return img;
    }

    /** Anchors of the colour ramp, 0 to 1: dark blue, purple, orange, pale yellow (brightness rises). */
    private static final int[] RAMP = {0x0b0b3b, 0x5a1a8a, 0xc2386b, 0xf78f3b, 0xfcf6c0};

    /** The ramp's colour at {@code t} in [0, 1] (clamped), interpolated linearly between anchors. */
    static Color ramp(float t) {
        float u = Math.max(0f, Math.min(1f, t)) * (RAMP.length - 1);
        int i = Math.min(RAMP.length - 2, (int) u);
        float f = u - i;
        int a = RAMP[i];
        int b = RAMP[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, float f) {
        return Math.round((a & 0xff) * (1 - f) + (b & 0xff) * f);
    }

    private static void fillSquare(Graphics2D g, Color colour, int left, int top, double scale, double lo, double from,
                                   double to) {
        g.setColor(colour);
        int a = (int) Math.round((from - lo) * scale);
        int b = (int) Math.round((to - lo) * scale);
        g.fillRect(left + a, top + a, b - a, b - a);
    }

    private static void drawSquare(Graphics2D g, int left, int top, double scale, double lo, double from, double to) {
        int a = (int) Math.round((from - lo) * scale);
        int b = (int) Math.round((to - lo) * scale);
        g.drawRect(left + a, top + a, b - a, b - a);
    }

    private static void dot(Graphics2D g, double x, double y, int radius) {
        g.fillOval((int) Math.round(x) - radius, (int) Math.round(y) - radius, 2 * radius + 1, 2 * radius + 1);
    }
}
