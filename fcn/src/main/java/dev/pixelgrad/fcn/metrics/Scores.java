package dev.pixelgrad.fcn.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Segmentation scores of one evaluated set (see {@link ConfusionMatrix#scores}); NaN where undefined.
 *
 * @param pixelAccuracy        labelled pixels classified right, over all labelled pixels
 * @param meanAccuracy         the mean over classes of each class's pixel accuracy
 * @param meanIoU              the mean over classes of the intersection over union: the main FCN score
 * @param frequencyWeightedIoU the class IoUs weighted by each class's share of the labelled pixels
 * @param classIoU             the IoU of each class, by index
 * @param classAccuracy        the pixel accuracy of each class, by index
 * @param classNames           the class names, by index
 * @param pixels               the number of labelled (not void) pixels counted
 */
public record Scores(double pixelAccuracy, double meanAccuracy, double meanIoU, double frequencyWeightedIoU,
                     double[] classIoU, double[] classAccuracy, List<String> classNames, long pixels) {

    /**
     * A plain-text table: the four summary scores, then IoU and accuracy per class.
     *
     * @return the table, lines ending in a newline; scores in percent, "-" where undefined
     */
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
