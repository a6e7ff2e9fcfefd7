package dev.pixelgrad.fcn.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.pixelgrad.fcn.data.ClassList;
import dev.pixelgrad.fcn.data.DataException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The class-list reader ({@code classes.txt}: names, optionally with #rrggbb colours) on any bytes. */
class ClassListFuzzTest {
    static final ParserContract CONTRACT = new ParserContract(".txt", List.of(DataException.class), 4L << 20, 64);

    @MethodSource("seeds")
    @FuzzTest(maxDuration = "15s")
    void read(byte[] file) throws IOException {
        CONTRACT.check(file, ClassList::read);
    }

    static Stream<Arguments> seeds() {
        return Stream.of(
                Seeds.of("names", "background\nroad\n# a comment\n\ncar\n"),
                Seeds.of("names with colours and void", "sky #808080\nroad #804080\nvoid #000000\n"),
                Seeds.of("a void line without a colour", "a\nb\nvoid\n"),
                Seeds.of("a colour used twice", "a #ffffff\nb #FFFFFF\n"),
                Seeds.of("a duplicate name", "cat\ndog\ncat\n"),
                Seeds.of("only some classes coloured", "a #010203\nb\n"),
                Seeds.of("one class", "alone\n"),
                Seeds.of("Latin-1, not UTF-8", "caf\u00e9\nna\u00efve\n".getBytes(StandardCharsets.ISO_8859_1)),
                Seeds.of("a byte-order mark and CRLF", "\ufeffa\r\nb\r\n".getBytes(StandardCharsets.UTF_8)));
    }
}
