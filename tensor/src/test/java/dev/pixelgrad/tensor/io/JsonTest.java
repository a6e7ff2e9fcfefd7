package dev.pixelgrad.tensor.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void parsesEveryKindOfValue() {
        Object v = Json.parse(" {\"a\": [1, -2, 3.5, 1e3], \"b\": \"x\\n\\u00e9\\\"\", \"c\": true, \"d\": null, \"e\": {}} ");
        Map<?, ?> m = (Map<?, ?>) v;
        assertEquals(List.of(1L, -2L, 3.5, 1000.0), m.get("a"));
        assertEquals("x\n\u00e9\"", m.get("b"));
        assertEquals(Boolean.TRUE, m.get("c"));
        assertEquals(null, m.get("d"));
        assertEquals(Map.of(), m.get("e"));
    }

    @Test
    void writesWhatItReads() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("s", "q\"\\\t");
        m.put("n", List.of(1, 2L, 0.5));
        m.put("shape", new int[] {2, 3});
        String text = Json.write(m);
        assertEquals("{\"s\":\"q\\\"\\\\\\t\",\"n\":[1,2,0.5],\"shape\":[2,3]}", text);
        assertEquals(Map.of("s", "q\"\\\t", "n", List.of(1L, 2L, 0.5), "shape", List.of(2L, 3L)), Json.parse(text));
    }

    @Test
    void rejectsMalformedInput() {
        for (String bad : new String[] {"", "{", "{\"a\" 1}", "[1,]", "01", "1.", "tru", "\"abc", "{} x",
                "99999999999999999999", "{\"a\":1,\"a\":2}", "\"\\u+041\"", "\"\\u-041\""}) {
            assertThrows(IllegalArgumentException.class, () -> Json.parse(bad), bad);
        }
    }
}
