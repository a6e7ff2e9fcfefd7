package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A list file of image ids, one a line (blank lines skipped), as VOC's {@code ImageSets/Segmentation/<split>.txt},
 * SBD's {@code train.txt} and an {@code --exclude} file have them. Every id is checked to be a plain file
 * name stem, and keeps its file and line for the messages about its sample.
 */
final class ImageIdList {
    private ImageIdList() {}

    /**
     * One listed id and where it was listed.
     *
     * @param id       the image id
     * @param listFile the list file
     * @param line     its line in the file, from 1
     */
    record Entry(String id, Path listFile, int line) {
        /** Where the id was listed, to append to a message about its sample. */
        String where() {
            return " (line " + line + " of " + listFile + ")";
        }
    }

    /**
     * The ids of {@code listFile}, in file order.
     *
     * @param listFile the list, which must exist
     * @param what     what to call the list when it is missing, e.g. "split 'train' of ROOT"
     * @throws DataException if the file is missing or lists no id, or a line is not a plain file name
     */
    static List<Entry> read(Path listFile, String what) throws IOException {
        if (!Files.isRegularFile(listFile)) {
            throw new DataException(what + ": " + listFile + " does not exist");
        }
        List<Entry> entries = new ArrayList<>();
        int lineNo = 0;
        for (String raw : TextFiles.readLines(listFile)) {
            lineNo++;
            String id = raw.strip();
            if (!id.isEmpty()) {
                String problem = idProblem(id);
                if (problem != null) {
                    throw new DataException(listFile + " line " + lineNo + ": " + problem);
                }
                entries.add(new Entry(id, listFile, lineNo));
            }
        }
        if (entries.isEmpty()) {
            throw new DataException(listFile + " lists no images");
        }
        return entries;
    }

    /**
     * Why {@code id} cannot name a sample, or null: an id is a file name stem inside an image or mask
     * folder, so it holds no path separator, is not "." or "..", and has no control character.
     */
    private static String idProblem(String id) {
        if (id.equals(".") || id.equals("..") || id.indexOf('/') >= 0 || id.indexOf('\\') >= 0) {
            return "image id '" + id + "' is not a plain file name (no folders, '.' or '..')";
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return "image id has a control character (code " + (int) id.charAt(i) + ") at position " + (i + 1);
            }
        }
        return null;
    }
}
