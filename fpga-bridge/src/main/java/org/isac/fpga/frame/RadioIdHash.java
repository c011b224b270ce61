package org.isac.fpga.frame;

/**
 * 32-bit FNV-1a hash of a radio id's UTF-8 bytes, as carried in the frame header.
 *
 * <p>{@code h = 0x811C9DC5; for each byte b: h = (h ^ b) * 0x01000193 (mod 2^32)}. The UTF-8
 * bytes are those of {@code id.getBytes(UTF_8)} (an unpaired surrogate encodes as {@code '?'}),
 * computed on the fly without allocating.
 */
public final class RadioIdHash {
    private static final int OFFSET_BASIS = 0x811C9DC5;
    private static final int PRIME = 0x01000193;

    private RadioIdHash() {
    }

    /** FNV-1a-32 of the UTF-8 encoding of {@code id}. */
    public static int fnv1a(CharSequence id) {
        int h = OFFSET_BASIS;
        int n = id.length();
        for (int i = 0; i < n; i++) {
            char c = id.charAt(i);
            if (c < 0x80) {
                h = (h ^ c) * PRIME;
            } else if (c < 0x800) {
                h = (h ^ (0xC0 | c >> 6)) * PRIME;
                h = (h ^ (0x80 | c & 0x3F)) * PRIME;
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(id.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, id.charAt(++i));
                    h = (h ^ (0xF0 | cp >> 18)) * PRIME;
                    h = (h ^ (0x80 | cp >> 12 & 0x3F)) * PRIME;
                    h = (h ^ (0x80 | cp >> 6 & 0x3F)) * PRIME;
                    h = (h ^ (0x80 | cp & 0x3F)) * PRIME;
                } else {
                    h = (h ^ '?') * PRIME;
                }
            } else {
                h = (h ^ (0xE0 | c >> 12)) * PRIME;
                h = (h ^ (0x80 | c >> 6 & 0x3F)) * PRIME;
                h = (h ^ (0x80 | c & 0x3F)) * PRIME;
            }
        }
        return h;
    }
}
