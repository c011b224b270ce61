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
 *  32  1  role of the recording side ({@link Role}): 1 = controller, 2 = front end
 *  33  3  reserved (0)
 *  36  4  CRC32C of bytes 0–35
 * </pre>
 * then records, each
 * <pre>
 *   0  4  payload length L (≤ {@value #MAX_PAYLOAD})
 *   4  1  kind ({@link Kind})
 *   5  8  connection number (per recorder, from 1)
 *  13  8  time, ns on the recorder's monotonic clock (the controller's receive or send time)
 *  21  L  payload: one wire envelope without its varint length prefix (IN is what the recording
 *         side received: a FrontEndMessage for a controller, a ControllerMessage for a front end); for OPEN the peer's address (UTF-8); for DROPPED the count of
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
    public static final int HEADER_BYTES = 40;
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

    /** Which side of the wire wrote the recording (what IN and OUT hold). */
    public enum Role {
        /** A controller: IN = FrontEndMessage, OUT = ControllerMessage. */
        CONTROLLER(1),
        /** A front end (the simulated radio): IN = ControllerMessage, OUT = FrontEndMessage. */
        FRONT_END(2);

        public final int code;

        Role(int code) {
            this.code = code;
        }

        /** The role with code {@code code}, or null. */
        public static Role of(int code) {
            for (Role r : values()) {
                if (r.code == code) {
                    return r;
                }
            }
            return null;
        }
    }

    /** File name of segment {@code n}. */
    public static String segmentName(int n) {
        return String.format("seg-%06d%s", n, SUFFIX);
    }

    /** The header of segment {@code number} written by {@code role}. */
    static ByteBuffer header(int number, long wallNs, long monoNs, Role role) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putShort((short) FORMAT_VERSION).putShort((short) SCHEMA_VERSION).putInt(number)
                .putLong(wallNs).putLong(monoNs).put((byte) role.code).put((byte) 0).putShort((short) 0);
        b.putInt(crc(b.array(), 0, HEADER_BYTES - 4));
        return b.flip();
    }

    static int crc(byte[] a, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(a, off, len);
        return (int) c.getValue();
    }
}
