package dev.pixelgrad.fcn.cli;

import dev.pixelgrad.fcn.Fcn;
import dev.pixelgrad.fcn.data.ImageFiles;
import dev.pixelgrad.fcn.data.Palette;
import dev.pixelgrad.fcn.data.Sample;
import dev.pixelgrad.fcn.metrics.Scores;
import dev.pixelgrad.fcn.train.Trainer;
import dev.pixelgrad.fcn.train.TrainingLog;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A run's report.html: the loss curves (training, smoothed, and validation), the validation scores over
 * the run (drawn by XChart), the latest scores with IoU per class as bars in the classes' own colours,
 * and a grid of validation samples (input | ground truth | prediction | overlay) in those colours.
 * Images are written into {@code report/} next to the page. {@code train} rewrites it at every
 * validation, so it can be watched during a run; the demo writes it at the end.
 */
final class Report {
    /** Width of one cell of the sample grid in pixels: small images are scaled up, large ones down. */
    private static final int CELL_WIDTH = 224;
    /** The head of a report page up to its body, with {@code %s} for the title. */
    static final String PAGE_HEAD = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>\n"
            + "<style>body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em}"
            + "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #ddd}"
            + "th:first-child,td:first-child{text-align:left}img{max-width:100%%}pre{background:#f6f6f6;padding:1em}"
            + ".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle;"
            + "border:1px solid #999}.bar{height:12px;min-width:1px}td.bars{width:320px;text-align:left}"
            + "</style></head><body>\n";

    private Report() {}

    record Prediction(Sample sample, int[] predicted) {}

    static Path write(Path runDir, Fcn model, Scores scores, List<Prediction> samples, Palette palette, String title,
                      String summary) throws IOException {
        Path dir = runDir.resolve("report");
        Files.createDirectories(dir);
        Path trainLog = runDir.resolve(Trainer.TRAIN_LOG);
        Path valLog = runDir.resolve(Trainer.VAL_LOG);
        // Each log read once per report: train.csv has a row per step.
        Map<String, double[]> train = TrainingLog.columns(trainLog, "step", "loss");
        Map<String, double[]> val = TrainingLog.columns(valLog, "step", "loss", "mean_iou", "pixel_accuracy",
                "mean_accuracy");
        double[] valSteps = val.get("step");
        double[] valLoss = val.get("loss");

        XYChart loss = chart("Loss (cross-entropy per labelled pixel)", "loss");
        loss.addSeries("training (smoothed)", train.get("step"), smooth(train.get("loss"), 0.9))
                .setMarker(SeriesMarkers.NONE);
        if (valSteps.length > 0) {
            loss.addSeries("validation", valSteps, valLoss).setMarker(SeriesMarkers.CIRCLE);
        }
        save(loss, dir.resolve("loss.png"));

        XYChart scoresChart = chart("Validation scores", "score");
        scoresChart.getStyler().setYAxisMin(0.0);
        scoresChart.getStyler().setYAxisMax(1.0);
        scoresChart.getStyler().setYAxisDecimalPattern("0%");
        for (String[] column : new String[][] {{"mean_iou", "mean IoU"}, {"pixel_accuracy", "pixel accuracy"},
                {"mean_accuracy", "mean accuracy"}}) {
            scoresChart.addSeries(column[1], valSteps, val.get(column[0]))
                    .setMarker(SeriesMarkers.CIRCLE);
        }
        save(scoresChart, dir.resolve("scores.png"));

        writeAtomically(grid(samples, palette), dir.resolve("samples.png"));

        StringBuilder html = new StringBuilder();
        html.append(String.format(Locale.ROOT, PAGE_HEAD, escape(title)));
        html.append("<h1>").append(escape(title)).append("</h1>\n<p>").append(escape(summary)).append("</p>\n");
        String lossText = valLoss.length == 0 ? "" : String.format(Locale.ROOT, ", loss %.4f", valLoss[valLoss.length - 1]);
        String at = valSteps.length == 0 ? "" : String.format(Locale.ROOT, " at step %d", (long) valSteps[valSteps.length - 1]);
        html.append(String.format(Locale.ROOT, "<h2>Validation%s: mean IoU %.1f%%%s</h2>%n", at, 100 * scores.meanIoU(),
                lossText));
        html.append(String.format(Locale.ROOT, "<p>pixel accuracy %.2f%%, mean accuracy %.2f%%, mean IoU %.2f%%, "
                + "frequency-weighted IoU %.2f%% over %d labelled pixels.</p>%n", 100 * scores.pixelAccuracy(),
                100 * scores.meanAccuracy(), 100 * scores.meanIoU(), 100 * scores.frequencyWeightedIoU(), scores.pixels()));
        html.append("<table><tr><th>class</th><th>IoU</th><th>accuracy</th><th></th></tr>\n");
        for (int c = 0; c < scores.classIoU().length; c++) {
            double iou = scores.classIoU()[c];
            html.append(String.format(Locale.ROOT, "<tr><td><span class=\"swatch\" style=\"background:#%06x\"></span>%s"
                    + "</td><td>%s</td><td>%s</td><td class=\"bars\"><div class=\"bar\" style=\"width:%.1f%%;"
                    + "background:#%06x\"></div></td></tr>%n", palette.rgb(c), escape(scores.classNames().get(c)),
                    pct(iou), pct(scores.classAccuracy()[c]), Double.isNaN(iou) ? 0 : 100 * iou, palette.rgb(c)));
        }
        html.append("</table>\n<p>Classes absent from the validation set and never predicted have no IoU (-).</p>\n");
        html.append("<h2>Over the run</h2>\n<img src=\"report/loss.png\" alt=\"training and validation loss\"> "
                + "<img src=\"report/scores.png\" alt=\"validation scores\">\n");
        html.append("<h2>Validation samples</h2>\n<p>input | ground truth | prediction | overlay "
                + "(void pixels in the void colour)</p>\n<img src=\"report/samples.png\" alt=\"samples\">\n");
        html.append("<h2>Model</h2>\n<pre>").append(escape(model.config().toJson())).append("\n")
                .append(String.format(Locale.ROOT, "%,d", model.trainableCount())).append(" trainable parameters</pre>\n");
        html.append("</body></html>\n");
        return writeAtomically(html.toString(), runDir.resolve("report.html"));
    }

    /** Writes text through a temporary file and a rename: a browser reloading during a run never sees half a page. */
    static Path writeAtomically(String text, Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    /** A line chart 800x380 with the step on x, readable fonts and the legend below. */
    static XYChart chart(String title, String yTitle) {
        XYChart c = new XYChartBuilder().width(800).height(380).title(title).xAxisTitle("step").yAxisTitle(yTitle).build();
        XYStyler s = c.getStyler();
        s.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        s.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        s.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setXAxisTickMarkSpacingHint(90); // pixels between step labels: a label per step is unreadable
        s.setChartBackgroundColor(Color.WHITE);
        s.setMarkerSize(6);
        s.setXAxisDecimalPattern("#,##0");
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        return c;
    }

    private static void save(XYChart chart, Path png) throws IOException {
        writeAtomically(BitmapEncoder.getBufferedImage(chart), png);
    }

    static void writeAtomically(BufferedImage image, Path png) throws IOException {
        Path tmp = png.resolveSibling(png.getFileName() + ".tmp.png");
        ImageFiles.writePng(image, tmp);
        Files.move(tmp, png, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Exponential moving average: the raw per-step loss is too noisy to read. */
    static double[] smooth(double[] v, double keep) {
        double[] out = new double[v.length];
        double s = Double.NaN;
        for (int i = 0; i < v.length; i++) {
            s = Double.isNaN(s) ? v[i] : keep * s + (1 - keep) * v[i];
            out[i] = s;
        }
        return out;
    }

    /** Rows of input | ground truth | prediction | overlay, each scaled (nearest) to {@link #CELL_WIDTH}. */
    static BufferedImage grid(List<Prediction> samples, Palette palette) {
        int widest = 1;
        for (Prediction p : samples) {
            widest = Math.max(widest, p.sample().width());
        }
        double scale = (double) CELL_WIDTH / widest;
        int cellH = 1;
        for (Prediction p : samples) {
            cellH = Math.max(cellH, (int) Math.round(p.sample().height() * scale));
        }
        int pad = 6;
        int header = 22;
        BufferedImage img = new BufferedImage(4 * (CELL_WIDTH + pad) + pad, header + samples.size() * (cellH + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        String[] titles = {"input", "ground truth", "prediction", "overlay"};
        for (int c = 0; c < 4; c++) {
            g.drawString(titles[c], pad + c * (CELL_WIDTH + pad), 16);
        }
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int r = 0; r < samples.size(); r++) {
            Sample s = samples.get(r).sample();
            int[] pred = samples.get(r).predicted();
            BufferedImage[] cells = {
                ImageFiles.toImage(s.rgb(), s.height(), s.width()),
                ImageFiles.labelImage(s.labels(), s.height(), s.width(), palette),
                ImageFiles.labelImage(pred, s.height(), s.width(), palette),
                ImageFiles.overlay(s.rgb(), pred, s.height(), s.width(), 0.5f, palette),
            };
            for (int c = 0; c < 4; c++) {
                g.drawImage(cells[c], pad + c * (CELL_WIDTH + pad), header + r * (cellH + pad),
                        (int) Math.round(s.width() * scale), (int) Math.round(s.height() * scale), null);
            }
        }
        g.dispose();
        return img;
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
