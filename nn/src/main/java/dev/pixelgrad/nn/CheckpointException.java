package dev.pixelgrad.nn;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be used as written; the message names the file and what is wrong in it. */
public final class CheckpointException extends IOException {
    /**
     * An error about one checkpoint file.
     *
     * @param file    the checkpoint
     * @param problem what is wrong in it
     */
    public CheckpointException(Path file, String problem) {
        super("checkpoint " + file + ": " + problem);
    }
}
