package dev.pixelgrad.tensor.io;

import java.io.IOException;

/** A safetensors file that cannot be read as written; the message names the file and the problem. */
public final class SafetensorsException extends IOException {
    public SafetensorsException(String message) {
        super(message);
    }
}
