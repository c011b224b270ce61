package org.isac.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Quote, backslash and control characters are escaped; the rest passes through. */
class JsonStringsTest {
    @Test
    void escapesWhatJsonRequiresAndNothingElse() {
        assertEquals("\"a\\\"b\\\\c\\nd\\re\\tf\\u0001g</é\"",
                JsonStrings.append(new StringBuilder(), "a\"b\\c\nd\re\tf\u0001g</é").toString());
        assertEquals("x\"\"", JsonStrings.append(new StringBuilder("x"), "").toString());
    }
}
