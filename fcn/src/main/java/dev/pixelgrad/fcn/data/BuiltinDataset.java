package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Writes a synthetic segmentation set in the Pascal VOC layout, so that it goes through the same
 * loader as real data and {@code train} works with no download: coloured, textured shapes (discs,
 * boxes, triangles, rings, crosses) of different sizes and rotations, overlapping, on noisy textured
 * backgrounds, with a void band along every object's outline as VOC marks its boundaries. Image sizes
 * vary around the nominal size. Every image is a pure function of (seed, split, index).
 */
public final class BuiltinDataset {
    public static final ClassList CLASSES = new ClassList(
            List.of("background", "disc", "box", "triangle", "ring", "cross"), null);
    /** Each class's hue in degrees; instances vary around it. */
    private static final double[] HUES = {0, 0, 130, 225, 55, 295};

    private BuiltinDataset() {}

    /**
     * The set under {@code root}, generated there on first use. The folder remembers how it was made
     * (pixelgrad-builtin.txt): with {@code strict}, asking for other sizes or counts there is an error;
     * without, the existing set is used as it is. Returns true when it generated the set now.
     */
    public static boolean ensure(Path root, int train, int val, int size, long seed, boolean strict) throws IOException {
        Path marker = root.resolve("pixelgrad-builtin.txt");
        String wanted = "size " + size + ", train " + train + ", val " + val + ", seed " + seed;
        if (!Files.exists(marker)) {
            generate(root, train, val, size, seed);
            Files.writeString(marker, wanted + "\n");
            return true;
        }
        String made = Files.readString(marker).strip();
        if (strict && !made.equals(wanted)) {
            throw new DataException("the built-in set in " + root + " was generated with " + made + ", not " + wanted
                    + "; use another folder or delete it");
        }
        return false;
    }

    /** Writes {@code train} and {@code val} images of about {@code size} pixels a side under {@code root}. */
    public static void generate(Path root, int train, int val, int size, long seed) throws IOException {
        if (size < 16) {
            throw new IllegalArgumentException("built-in images need at least 16 pixels a side, got " + size);
        }
        Path lists = root.resolve("ImageSets").resolve("Segmentation");
        Files.createDirectories(lists);
        Files.createDirectories(root.resolve("JPEGImages"));
        Files.createDirectories(root.resolve("SegmentationClass"));
        CLASSES.write(root.resolve("classes.txt"));
        writeSplit(root, lists.resolve("train.txt"), "train", train, size, seed);
        writeSplit(root, lists.resolve("val.txt"), "val", val, size, seed);
    }

    private static void writeSplit(Path root, Path list, String split, int count, int size, long seed) throws IOException {
        List<String> ids = new ArrayList<>();
        IntStream.range(0, count).parallel().forEach(i -> {
            String id = split + "_" + String.format("%05d", i);
            Sample s = render(id, new SplittableRandom(seed * 1_000_003L + (split.equals("train") ? 0 : 1L << 40) + i), size);
            try {
                ImageFiles.writeJpeg(ImageFiles.toImage(s.rgb(), s.height(), s.width()),
                        root.resolve("JPEGImages").resolve(id + ".jpg"), 0.92f);
                ImageFiles.writePaletteMask(root.resolve("SegmentationClass").resolve(id + ".png"), s.labels(),
                        s.height(), s.width(), Palette.VOC);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        for (int i = 0; i < count; i++) {
            ids.add(split + "_" + String.format("%05d", i));
        }
        Files.write(list, ids);
    }

    /** One image and its labels. */
    static Sample render(String id, SplittableRandom r, int size) {
        int h = (int) Math.round(size * (0.8 + 0.4 * r.nextDouble()));
        int w = (int) Math.round(size * (0.8 + 0.4 * r.nextDouble()));
        int plane = h * w;
        float[] rgb = new float[3 * plane];
        int[] labels = new int[plane];
        background(r, h, w, rgb);
        int objects = 1 + r.nextInt(4);
        for (int o = 0; o < objects; o++) {
            drawObject(r, h, w, Math.min(h, w), rgb, labels);
        }
        markOutlines(labels, h, w);
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = Math.max(0f, Math.min(255f, rgb[i] + (float) (r.nextGaussian() * 6)));
        }
        return new Sample(id, h, w, rgb, labels);
    }

    /** A low-saturation base colour, a smooth wave pattern and a gradient. */
    private static void background(SplittableRandom r, int h, int w, float[] rgb) {
        int plane = h * w;
        double[] base = hsv(r.nextDouble() * 360, 0.25 * r.nextDouble(), 0.35 + 0.4 * r.nextDouble());
        double[][] waves = new double[3][4];
        for (double[] wave : waves) {
            wave[0] = 2 * Math.PI * (0.5 + 3 * r.nextDouble()) / w; // x frequency
            wave[1] = 2 * Math.PI * (0.5 + 3 * r.nextDouble()) / h; // y frequency
            wave[2] = 2 * Math.PI * r.nextDouble();                 // phase
            wave[3] = 8 + 18 * r.nextDouble();                      // amplitude
        }
        double gx = (r.nextDouble() - 0.5) * 40 / w;
        double gy = (r.nextDouble() - 0.5) * 40 / h;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = gx * x + gy * y;
                for (double[] wave : waves) {
                    t += wave[3] * Math.sin(wave[0] * x + wave[1] * y + wave[2]);
                }
                for (int c = 0; c < 3; c++) {
                    rgb[c * plane + y * w + x] = (float) (255 * base[c] + t);
                }
            }
        }
    }

    private static void drawObject(SplittableRandom r, int h, int w, int size, float[] rgb, int[] labels) {
        int cls = 1 + r.nextInt(CLASSES.size() - 1);
        double radius = size * (0.12 + 0.2 * r.nextDouble());
        double cx = w * (0.15 + 0.7 * r.nextDouble());
        double cy = h * (0.15 + 0.7 * r.nextDouble());
        double angle = 2 * Math.PI * r.nextDouble();
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        double[] color = hsv(HUES[cls] + 40 * (r.nextDouble() - 0.5), 0.55 + 0.35 * r.nextDouble(),
                0.55 + 0.4 * r.nextDouble());
        int texture = r.nextInt(3); // flat, stripes, speckles
        double stripeFreq = 2 * Math.PI / (3 + 4 * r.nextDouble());
        double stripeAngle = Math.PI * r.nextDouble();
        long speckleSeed = r.nextLong();
        int plane = h * w;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double dx = x + 0.5 - cx;
                double dy = y + 0.5 - cy;
                double u = cos * dx + sin * dy;
                double v = -sin * dx + cos * dy;
                if (!inside(cls, u, v, radius)) {
                    continue;
                }
                int i = y * w + x;
                labels[i] = cls;
                double shade = switch (texture) {
                    case 1 -> 0.85 + 0.15 * Math.sin(stripeFreq * (x * Math.cos(stripeAngle) + y * Math.sin(stripeAngle)));
                    case 2 -> 0.8 + 0.2 * new SplittableRandom(speckleSeed + i).nextDouble();
                    default -> 1.0;
                };
                for (int c = 0; c < 3; c++) {
                    rgb[c * plane + i] = (float) (255 * color[c] * shade);
                }
            }
        }
    }

    /** Whether (u, v), in the object's rotated frame, lies inside a shape of class {@code cls}. */
    private static boolean inside(int cls, double u, double v, double r) {
        double d = Math.hypot(u, v);
        return switch (cls) {
            case 1 -> d <= r;                                                    // disc
            case 2 -> Math.abs(u) <= 0.85 * r && Math.abs(v) <= 0.85 * r;        // box
            case 3 -> {                                                          // triangle
                boolean in = true;
                for (int k = 0; k < 3; k++) {
                    double a = Math.PI / 2 + k * 2 * Math.PI / 3;
                    in &= u * Math.cos(a) + v * Math.sin(a) <= 0.5 * r;
                }
                yield in;
            }
            case 4 -> d <= r && d >= 0.55 * r;                                   // ring
            case 5 -> (Math.abs(u) <= r && Math.abs(v) <= 0.3 * r) || (Math.abs(v) <= r && Math.abs(u) <= 0.3 * r);
            default -> false;
        };
    }

    /** Object pixels next to a pixel of another label become void: a one-pixel outline, as in VOC. */
    private static void markOutlines(int[] labels, int h, int w) {
        int[] src = labels.clone();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int l = src[y * w + x];
                if (l == 0) {
                    continue;
                }
                boolean edge = (x > 0 && src[y * w + x - 1] != l) || (x < w - 1 && src[y * w + x + 1] != l)
                        || (y > 0 && src[(y - 1) * w + x] != l) || (y < h - 1 && src[(y + 1) * w + x] != l);
                if (edge) {
                    labels[y * w + x] = Sample.VOID;
                }
            }
        }
    }

    /** HSV (hue in degrees, s and v in [0, 1]) to RGB in [0, 1]. */
    private static double[] hsv(double hue, double s, double v) {
        double hh = ((hue % 360) + 360) % 360 / 60;
        int sector = (int) hh;
        double f = hh - sector;
        double p = v * (1 - s);
        double q = v * (1 - s * f);
        double t = v * (1 - s * (1 - f));
        return switch (sector) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
    }
}
