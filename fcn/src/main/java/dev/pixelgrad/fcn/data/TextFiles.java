package dev.pixelgrad.fcn.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The user's text files (class lists, image lists): UTF-8, and an error naming the file and line when not. */
final class TextFiles {
    private TextFiles() {}

    /** The lines of {@code file} (ended by \n, \r\n or \r, as {@link Files#readAllLines}). */
    static List<String> readLines(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars than bytes
        CoderResult r = utf8.decode(in, out, true);
        if (r.isError()) {
            // The decoder stops at the first bad byte: say where, as an editor would.
            int at = in.position();
            int line = 1;
            for (int i = 0; i < at; i++) {
                line += bytes[i] == '\n' ? 1 : 0;
            }
            throw new DataException(String.format("%s line %d: not UTF-8 text (byte 0x%02x); save the file as UTF-8",
                    file, line, bytes[at] & 0xFF));
        }
        utf8.flush(out);
        return out.flip().toString().lines().toList();
    }
}
