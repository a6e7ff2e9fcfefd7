package dev.pixelgrad.fcn.data;

import java.io.IOException;

/** A data file that is missing, corrupt or inconsistent; the message names the file (and list line). */
public final class DataException extends IOException {
    /**
     * An error with the given message.
     *
     * @param message what is wrong, naming the file
     */
    public DataException(String message) {
        super(message);
    }

    /**
     * An error with the given message and cause.
     *
     * @param message what is wrong, naming the file
     * @param cause   the error underneath, such as the image decoder's
     */
    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}
