package dev.pixelgrad.fcn.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One line of training progress: step, bar, loss (smoothed), images per second and time left. On a
 * terminal it redraws in place; otherwise (logs, CI) it prints a line every ten seconds or so.
 */
final class ProgressBar {
    private final PrintStream out;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long lastPrint;
    private double smoothLoss = Double.NaN;
    private double smoothRate = Double.NaN;
    private long firstStep = -1;

    ProgressBar(PrintStream out) {
        this.out = out;
        this.terminal = System.console() != null && System.console().isTerminal();
    }

    void update(long step, long total, float loss, double imagesPerSecond) {
        if (firstStep < 0) {
            firstStep = step - 1;
        }
        smoothLoss = Double.isNaN(smoothLoss) ? loss : 0.9 * smoothLoss + 0.1 * loss;
        smoothRate = Double.isNaN(smoothRate) ? imagesPerSecond : 0.9 * smoothRate + 0.1 * imagesPerSecond;
        long now = System.nanoTime();
        boolean last = step == total;
        if (!last && now - lastPrint < (terminal ? 200_000_000L : 10_000_000_000L)) {
            return;
        }
        lastPrint = now;
        double elapsed = (now - start) * 1e-9;
        double perStep = elapsed / Math.max(1, step - firstStep);
        long eta = Math.round(perStep * (total - step));
        int width = 24;
        int filled = (int) (width * step / Math.max(1, total));
        String bar = "=".repeat(filled) + (filled < width ? ">" + " ".repeat(width - filled - 1) : "");
        String line = String.format(Locale.ROOT, "step %d/%d [%s] loss %.4f  %.1f img/s  ETA %s", step, total, bar,
                smoothLoss, smoothRate, clock(eta));
        if (terminal) {
            out.print("\r" + line + (last ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Prints a message on its own line (ending a redrawn bar first). */
    void message(String text) {
        if (terminal) {
            out.print("\r\033[K");
        }
        out.println(text);
        out.flush();
    }

    static String clock(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
    }
}
