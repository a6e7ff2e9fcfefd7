package dev.pixelgrad.fcn.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** A full disk is reported with the file that was being written, not only the system's "No space left". */
class TrainingLogTest {
    @Test
    void aFullDiskNamesTheFileBeingWritten() {
        Path full = Path.of("/dev/full"); // every write fails with ENOSPC
        Assumptions.assumeTrue(Files.exists(full), "no /dev/full on this system");
        IOException e = assertThrows(IOException.class, () -> new TrainingLog(full, "step,loss", -1));
        assertEquals("writing /dev/full: No space left on device", e.getMessage());
    }
}
