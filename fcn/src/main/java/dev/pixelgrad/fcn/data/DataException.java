package dev.pixelgrad.fcn.data;

import java.io.IOException;

/** A data file that is missing, corrupt or inconsistent; the message names the file (and list line). */
public final class DataException extends IOException {
    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
