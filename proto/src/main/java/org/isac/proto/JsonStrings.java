package org.isac.proto;

import java.util.Locale;

/**
 * JSON string literals (RFC 8259 §7), for the hand-written JSON of the controller's live view and
 * the simulated radio's report: quote, backslash and the control characters escaped, everything
 * else as is.
 */
public final class JsonStrings {
    private JsonStrings() {
    }

    /** Appends {@code s} as a JSON string literal (with its quotes) to {@code sb}; returns {@code sb}. */
    public static StringBuilder append(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }
}
