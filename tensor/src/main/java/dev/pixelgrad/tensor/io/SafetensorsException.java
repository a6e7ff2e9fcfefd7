package dev.pixelgrad.tensor.io;

import java.io.IOException;

/** A safetensors file that cannot be read as written; the message names the file and the problem. */
public final class SafetensorsException extends IOException {
    /**
     * An error with the given message.
     *
     * @param message what is wrong, and in which file
     */
    public SafetensorsException(String message) {
        super(message);
    }
}
