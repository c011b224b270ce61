package org.isac.proto.record;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The on-disk form of a recording: a directory of append-only segment files
 * {@code seg-000001.isacrec}, {@code seg-000002.isacrec}, … rotated by size.
 *
 * <p>A segment starts with a {@value #HEADER_BYTES}-byte header (little-endian):
 * <pre>
 *   0  8  magic "ISACREC\n"
 *   8  2  format version ({@value #FORMAT_VERSION})
 *  10  2  schema version: the wire protocol_version of the envelopes ({@value #SCHEMA_VERSION})
 *  12  4  segment number (1, 2, …)
 *  16  8  wall clock at creation, ns since the Unix epoch
 *  24  8  the recorder's monotonic clock at the same instant, ns (maps record times to wall time)
 *  32  4  CRC32C of bytes 0–31
 * </pre>
 * then records, each
 * <pre>
 *   0  4  payload length L (≤ {@value #MAX_PAYLOAD})
 *   4  1  kind ({@link Kind})
 *   5  8  connection number (per recorder, from 1)
 *  13  8  time, ns on the recorder's monotonic clock (the controller's receive or send time)
 *  21  L  payload: one wire envelope (FrontEndMessage in, ControllerMessage out) without its
 *         varint length prefix; for OPEN the peer's address (UTF-8); for DROPPED the count of
 *         records dropped since the last DROPPED record (8 bytes); empty for CLOSE
 * 21+L 4  CRC32C of bytes 0 … 20+L
 * </pre>
 * A record is written whole or, when the process dies mid-write, as a torn tail of the last
 * segment: the reader detects it (short or failing its CRC) and never returns it.
 */
public final class RecordFormat {
    private RecordFormat() {
    }

    public static final byte[] MAGIC = "ISACREC\n".getBytes(StandardCharsets.US_ASCII);
    public static final int FORMAT_VERSION = 1;
    public static final int SCHEMA_VERSION = 1;
    public static final int HEADER_BYTES = 36;
    /** Bytes of a record around its payload: the 21-byte head and the 4-byte CRC. */
    public static final int RECORD_OVERHEAD = 25;
    public static final int RECORD_HEAD = 21;
    /** Largest payload a record may hold (the controller's frames are far smaller). */
    public static final int MAX_PAYLOAD = 64 << 20;
    public static final String SUFFIX = ".isacrec";

    /** What a record holds. */
    public enum Kind {
        /** A front end's envelope, as received (FrontEndMessage). */
        IN(1),
        /** The controller's envelope, as written (ControllerMessage). */
        OUT(2),
        /** A connection was accepted; payload: the peer's address. */
        OPEN(3),
        /** A connection closed. */
        CLOSE(4),
        /** The writer fell behind and dropped records; payload: how many (8 bytes). */
        DROPPED(5);

        public final int code;

        Kind(int code) {
            this.code = code;
        }

        /** The kind with wire code {@code code}, or null. */
        public static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            return null;
        }
    }

    /** File name of segment {@code n}. */
    public static String segmentName(int n) {
        return String.format("seg-%06d%s", n, SUFFIX);
    }

    /** The header of segment {@code number}. */
    static ByteBuffer header(int number, long wallNs, long monoNs) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) FORMAT_VERSION).putShort((short) SCHEMA_VERSION).putInt(number)
                .putLong(wallNs).putLong(monoNs);
        b.putInt(crc(b.array(), 0, HEADER_BYTES - 4));
        return b.flip();
    }

    static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }
}
