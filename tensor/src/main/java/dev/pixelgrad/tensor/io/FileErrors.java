package dev.pixelgrad.tensor.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * File errors as one line that says which file and what went wrong. The JDK's file exceptions often
 * carry only a path ({@code NoSuchFileException: /a/b}) or only the system's reason ("No space left on
 * device", "Is a directory"); these helpers put the two together.
 */
public final class FileErrors {
    private FileErrors() {}

    /**
     * One line for a user: the file, when the exception knows it, and the reason.
     *
     * @param e the error
     * @return the line, such as {@code /data/voc/x.png: no such file or folder}
     */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String file = f.getFile();
            String reason = switch (f) {
                case NoSuchFileException n -> "no such file or folder";
                case FileAlreadyExistsException x -> "already exists (a file where a folder was wanted?)";
                case AccessDeniedException a -> "permission denied";
                case NotDirectoryException n -> "is not a folder";
                case DirectoryNotEmptyException d -> "is a folder that is not empty";
                default -> f.getReason() != null ? f.getReason() : "cannot be used";
            };
            return file + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + reason;
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /**
     * {@code e} from writing {@code file}, said as such ("writing F: No space left on device").
     *
     * @param file the file being written
     * @param e    what went wrong
     * @return a new exception whose message names the file and the reason, with {@code e} as its cause
     */
    public static IOException writing(Path file, IOException e) {
        return new IOException("writing " + file + ": " + describe(e), e);
    }
}
