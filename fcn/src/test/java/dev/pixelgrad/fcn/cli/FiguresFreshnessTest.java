package dev.pixelgrad.fcn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.pixelgrad.fcn.data.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The committed figures (docs/figures) are those the figure code in the tree draws: each carries the
 * SHA-256 of {@code Figures.java} it was drawn by. A change to the figure code without
 * {@code ./pixelgrad figures} fails here, as a kernel change without new PTX fails PtxFreshnessTest.
 */
class FiguresFreshnessTest {
    private static final Path SOURCE = Path.of("src", "main", "java").resolve(Figures.SOURCE);
    private static final Path FIGURES = Path.of("..", "docs", "figures");
    private static final Path DOC = Path.of("..", "docs", "fcn-end-to-end.md");

    @Test
    void everyFigureIsStampedWithTheSourceInTheTree() throws IOException {
        String expected = Figures.sha256(Files.readAllBytes(SOURCE));
        List<String> stale = new ArrayList<>();
        for (String name : Figures.FILES) {
            Path png = FIGURES.resolve(name);
            assertTrue(Files.exists(png), png + " is missing: run ./pixelgrad figures");
            String stamp = ImageFiles.pngText(png).get(Figures.STAMP_KEY);
            if (!expected.equals(stamp)) {
                stale.add(name);
            }
        }
        assertEquals(List.of(), stale, "figures drawn by another version of " + SOURCE
                + ": run ./pixelgrad figures (it reuses the training runs in runs/figures when they exist)");
    }

    @Test
    void theJarCarriesTheSourceItStamps() throws IOException {
        assertEquals(Figures.sha256(Files.readAllBytes(SOURCE)), Figures.sourceSha256(),
                "the class path's copy of Figures.java (fcn pom, resources) differs from the tree's");
    }

    /** The walk-through shows every figure, and only figures the command draws. */
    @Test
    void theDocShowsEachFigure() throws IOException {
        Matcher m = Pattern.compile("\\]\\(figures/([^)]+)\\)").matcher(Files.readString(DOC));
        TreeSet<String> shown = new TreeSet<>();
        while (m.find()) {
            shown.add(m.group(1));
        }
        assertEquals(new TreeSet<>(Figures.FILES), shown, DOC + " against Figures.FILES");
        try (var files = Files.list(FIGURES)) {
            assertEquals(new TreeSet<>(Figures.FILES), new TreeSet<>(files.map(p -> p.getFileName().toString()).toList()),
                    FIGURES + " holds exactly the figures the command draws");
        }
    }
}
