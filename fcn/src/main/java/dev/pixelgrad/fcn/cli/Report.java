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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * The demo's report.html: loss and mean-IoU curves and a per-class IoU bar chart (drawn by XChart),
 * the metrics table, and a grid of validation samples (input | ground truth | prediction | overlay) in
 * the VOC palette. Images are written next to the page and linked.
 */
final class Report {
    private Report() {}

    record Prediction(Sample sample, int[] predicted) {}

    static Path write(Path runDir, Fcn model, Scores scores, List<Prediction> samples, String title, String summary)
            throws IOException {
        Path dir = runDir.resolve("report");
        Files.createDirectories(dir);
        List<String[]> train = TrainingLog.read(runDir.resolve(Trainer.TRAIN_LOG));
        List<String[]> val = TrainingLog.read(runDir.resolve(Trainer.VAL_LOG));

        XYChart loss = new XYChartBuilder().width(640).height(320).title("Training loss")
                .xAxisTitle("step").yAxisTitle("loss").build();
        loss.getStyler().setLegendVisible(false);
        loss.getStyler().setMarkerSize(0);
        loss.addSeries("loss", column(train, 0), smooth(column(train, 1), 0.9));
        BitmapEncoder.saveBitmap(loss, dir.resolve("loss").toString(), BitmapEncoder.BitmapFormat.PNG);

        XYChart miou = new XYChartBuilder().width(640).height(320).title("Validation mean IoU")
                .xAxisTitle("step").yAxisTitle("mean IoU").build();
        miou.getStyler().setLegendVisible(false);
        miou.getStyler().setYAxisMin(0.0);
        miou.getStyler().setYAxisMax(1.0);
        miou.addSeries("mean IoU", column(val, 0), column(val, 3));
        BitmapEncoder.saveBitmap(miou, dir.resolve("miou").toString(), BitmapEncoder.BitmapFormat.PNG);

        CategoryChart bars = new CategoryChartBuilder().width(640).height(320).title("IoU per class (validation)")
                .xAxisTitle("class").yAxisTitle("IoU").build();
        bars.getStyler().setLegendVisible(false);
        bars.getStyler().setYAxisMin(0.0);
        bars.getStyler().setYAxisMax(1.0);
        List<Double> iou = new ArrayList<>();
        for (double v : scores.classIoU()) {
            iou.add(Double.isNaN(v) ? 0.0 : v);
        }
        bars.addSeries("IoU", scores.classNames(), iou);
        BitmapEncoder.saveBitmap(bars, dir.resolve("class_iou").toString(), BitmapEncoder.BitmapFormat.PNG);

        ImageFiles.writePng(grid(samples), dir.resolve("samples.png"));

        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1400px;margin:2em auto;padding:0 1em}"
                        + "table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right;border-bottom:1px solid #ddd}"
                        + "th:first-child,td:first-child{text-align:left}img{max-width:100%}pre{background:#f6f6f6;padding:1em}"
                        + ".swatch{display:inline-block;width:12px;height:12px;margin-right:6px;vertical-align:middle}</style>"
                        + "</head><body>\n");
        html.append("<h1>").append(escape(title)).append("</h1>\n<p>").append(escape(summary)).append("</p>\n");
        html.append(String.format(Locale.ROOT, "<h2>Validation: mean IoU %.1f%%</h2>%n", 100 * scores.meanIoU()));
        html.append(String.format(Locale.ROOT, "<p>pixel accuracy %.2f%%, mean accuracy %.2f%%, mean IoU %.2f%%, "
                + "frequency-weighted IoU %.2f%% over %d labelled pixels.</p>%n", 100 * scores.pixelAccuracy(),
                100 * scores.meanAccuracy(), 100 * scores.meanIoU(), 100 * scores.frequencyWeightedIoU(), scores.pixels()));
        html.append("<table><tr><th>class</th><th>IoU</th><th>accuracy</th></tr>\n");
        for (int c = 0; c < scores.classIoU().length; c++) {
            html.append(String.format(Locale.ROOT, "<tr><td><span class=\"swatch\" style=\"background:#%06x\"></span>%s"
                    + "</td><td>%s</td><td>%s</td></tr>%n", Palette.rgb(c), escape(scores.classNames().get(c)),
                    pct(scores.classIoU()[c]), pct(scores.classAccuracy()[c])));
        }
        html.append("</table>\n");
        html.append("<h2>Curves</h2>\n<img src=\"report/loss.png\" alt=\"training loss\"> "
                + "<img src=\"report/miou.png\" alt=\"validation mean IoU\">\n"
                + "<img src=\"report/class_iou.png\" alt=\"IoU per class\">\n");
        html.append("<h2>Validation samples</h2>\n<p>input | ground truth | prediction | overlay "
                + "(void pixels in cream)</p>\n<img src=\"report/samples.png\" alt=\"samples\">\n");
        html.append("<h2>Model</h2>\n<pre>").append(escape(model.config().toJson())).append("\n")
                .append(model.trainableCount()).append(" trainable parameters</pre>\n");
        html.append("</body></html>\n");
        Path page = runDir.resolve("report.html");
        Files.writeString(page, html.toString());
        return page;
    }

    private static List<Double> column(List<String[]> rows, int c) {
        List<Double> out = new ArrayList<>();
        for (String[] r : rows) {
            out.add(Double.parseDouble(r[c]));
        }
        return out;
    }

    /** Exponential moving average: the raw per-step loss is too noisy to read. */
    private static List<Double> smooth(List<Double> v, double keep) {
        List<Double> out = new ArrayList<>();
        double s = Double.NaN;
        for (double x : v) {
            s = Double.isNaN(s) ? x : keep * s + (1 - keep) * x;
            out.add(s);
        }
        return out;
    }

    /** Rows of input | ground truth | prediction | overlay, each scaled up 3x (nearest) for visibility. */
    private static BufferedImage grid(List<Prediction> samples) {
        int scale = 3;
        int cellW = 0;
        int cellH = 0;
        for (Prediction p : samples) {
            cellW = Math.max(cellW, p.sample().width() * scale);
            cellH = Math.max(cellH, p.sample().height() * scale);
        }
        int pad = 6;
        int header = 22;
        BufferedImage img = new BufferedImage(4 * (cellW + pad) + pad, header + samples.size() * (cellH + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setColor(Color.DARK_GRAY);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        String[] titles = {"input", "ground truth", "prediction", "overlay"};
        for (int c = 0; c < 4; c++) {
            g.drawString(titles[c], pad + c * (cellW + pad), 16);
        }
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int r = 0; r < samples.size(); r++) {
            Sample s = samples.get(r).sample();
            int[] pred = samples.get(r).predicted();
            BufferedImage[] cells = {
                ImageFiles.toImage(s.rgb(), s.height(), s.width()),
                ImageFiles.labelImage(s.labels(), s.height(), s.width()),
                ImageFiles.labelImage(pred, s.height(), s.width()),
                ImageFiles.overlay(s.rgb(), pred, s.height(), s.width(), 0.5f),
            };
            for (int c = 0; c < 4; c++) {
                g.drawImage(cells[c], pad + c * (cellW + pad), header + r * (cellH + pad), s.width() * scale,
                        s.height() * scale, null);
            }
        }
        g.dispose();
        return img;
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
