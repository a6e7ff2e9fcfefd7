package dev.pixelgrad.fcn.metrics;

import java.util.List;
import java.util.Locale;

/** Segmentation scores of one evaluated set (see {@link ConfusionMatrix#scores}); NaN where undefined. */
public record Scores(double pixelAccuracy, double meanAccuracy, double meanIoU, double frequencyWeightedIoU,
                     double[] classIoU, double[] classAccuracy, List<String> classNames, long pixels) {

    /** A plain-text table: the four summary scores, then IoU and accuracy per class. */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "pixel accuracy   %6.2f%%%n", 100 * pixelAccuracy));
        sb.append(String.format(Locale.ROOT, "mean accuracy    %6.2f%%%n", 100 * meanAccuracy));
        sb.append(String.format(Locale.ROOT, "mean IoU         %6.2f%%%n", 100 * meanIoU));
        sb.append(String.format(Locale.ROOT, "fw IoU           %6.2f%%%n", 100 * frequencyWeightedIoU));
        sb.append(String.format(Locale.ROOT, "(%d labelled pixels)%n%n", pixels));
        int width = Math.max(5, classNames.stream().mapToInt(String::length).max().orElse(5));
        sb.append(String.format(Locale.ROOT, "%-" + width + "s  %7s  %8s%n", "class", "IoU", "accuracy"));
        for (int c = 0; c < classIoU.length; c++) {
            sb.append(String.format(Locale.ROOT, "%-" + width + "s  %7s  %8s%n", classNames.get(c), pct(classIoU[c]),
                    pct(classAccuracy[c])));
        }
        return sb.toString();
    }

    private static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }
}
