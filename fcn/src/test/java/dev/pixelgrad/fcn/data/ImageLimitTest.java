package dev.pixelgrad.fcn.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Decompression bombs: an image's size is read from its header and refused before anything is decoded. */
class ImageLimitTest {
    @TempDir
    Path dir;

    @AfterEach
    void restore() {
        System.clearProperty(ImageFiles.MAX_PIXELS_PROPERTY);
    }

    /** A PNG whose header declares width x height, followed by a few bytes of (bogus) image data. */
    private Path pngHeader(String name, int width, int height) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, ImageBytes.pngDeclaring(width, height));
        return file;
    }

    @Test
    void aHugeDeclaredImageIsRefusedFromItsHeaderNamingTheFileAndTheLimit() throws IOException {
        Path bomb = pngHeader("bomb.png", 12000, 12000);
        assertTrue(Files.size(bomb) < 100, "a few bytes declare 144 megapixels");
        DataException e = assertThrows(DataException.class, () -> ImageFiles.readRgb(bomb));
        assertEquals("image " + bomb + " is 12000x12000 = 144000000 pixels, over the limit of 50000000 (raise it with "
                + "-Dpixelgrad.maxImagePixels=N)", e.getMessage());
    }

    @Test
    void theLimitIsASettingAndImagesUnderItStillRead() throws IOException {
        Path small = dir.resolve("small.png");
        ImageFiles.writePng(new BufferedImage(5, 4, BufferedImage.TYPE_INT_RGB), small);
        assertEquals(20, ImageFiles.readRgb(small).planes().length / 3, "under the default limit");
        System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "19");
        DataException e = assertThrows(DataException.class, () -> ImageFiles.readRgb(small));
        assertTrue(e.getMessage().contains("5x4 = 20 pixels, over the limit of 19"), e.getMessage());
        System.setProperty(ImageFiles.MAX_PIXELS_PROPERTY, "20");
        assertEquals(4, ImageFiles.readRgb(small).height());
    }

    @Test
    void aFileWithoutAnImageSaysSo() throws IOException {
        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        DataException e = assertThrows(DataException.class, () -> ImageFiles.readRgb(text));
        assertTrue(e.getMessage().endsWith("is not an image format this JVM can read"), e.getMessage());
    }
}
