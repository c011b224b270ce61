package org.isac.fpga.regfile;

import java.io.IOException;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import org.isac.fpga.frame.DecodedFrame;

/**
 * Front-end side: loads a parsed weight frame into a double-buffered register window (a UIO
 * device such as {@code /dev/uio0}, or any file standing in for it) mapped with
 * {@link FileChannel#map}.
 *
 * <p>{@link #write} fills the <em>inactive</em> bank (the one the bank-select register does not
 * name), then sets bank-select to it and writes 1 to the load strobe, with full fences between
 * the three steps, like the beam memories of phased-array ICs. All registers are 32-bit
 * little-endian words:
 * <ul>
 * <li>phase area, word {@code i = n*M + m}: bits 0..7 phase code, bits 8..15 attenuator code
 * (0 without attenuators), rest 0. Digital frames leave the phase area untouched.</li>
 * <li>baseband area: word 0 = frame scale (float32 bits); words {@code 1..K} = exponent of
 * column k (0 for fixed-point); then for each entry {@code e = r*K + k} in row-major order one
 * word {@code (Q & 0xFFFF) << 16 | (I & 0xFFFF)} with I, Q the signed mantissas / words.
 * Entry value = {@code scale * 2^exp[k] * (I + jQ)}. A version 2 frame's S subbands fill S
 * such blocks back to back, subband b's at {@code b * 4 * (1 + K + rows*K)} bytes into the
 * area.</li>
 * </ul>
 * A frame that does not fit its areas is refused with {@link IllegalArgumentException} before
 * anything is written. Not thread-safe; allocation-free per write.
 */
public final class RegisterFileWriter implements AutoCloseable {
    private final RegisterMap map;
    private final FileChannel channel; // null when wrapping a caller's buffer
    private final ByteBuffer window;

    /** Maps {@code map.windowSize()} bytes of {@code device} at {@code map.windowOffset()} read-write. */
    public RegisterFileWriter(RegisterMap map, Path device) throws IOException {
        this.map = map;
        this.channel = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE);
        try {
            MappedByteBuffer mb = channel.map(FileChannel.MapMode.READ_WRITE, map.windowOffset(), map.windowSize());
            this.window = mb.order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Writes into an already mapped (or plain) buffer of at least {@code windowSize} bytes. */
    public RegisterFileWriter(RegisterMap map, ByteBuffer window) {
        if (window.capacity() < map.windowSize()) {
            throw new IllegalArgumentException("window buffer smaller than window.size");
        }
        this.map = map;
        this.channel = null;
        this.window = window.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    public RegisterMap map() {
        return map;
    }

    /** Bank the datapath currently uses (bank-select register, low bit). */
    public int activeBank() {
        return window.getInt(map.bankSelectOffset()) & 1;
    }

    /** Bytes the phase area needs for a frame. */
    public static long phaseBytesNeeded(DecodedFrame f) {
        return f.hybrid() ? 4L * f.n() * f.m() : 0;
    }

    /** Bytes the baseband area needs for a frame: one block per subband (S blocks for a version 2 frame). */
    public static long basebandBytesNeeded(DecodedFrame f) {
        return f.subbands() * basebandBlockBytes(f);
    }

    /** Bytes of one subband's baseband block: scale, K exponents, one word per entry. */
    public static long basebandBlockBytes(DecodedFrame f) {
        return 4L * (1 + f.k() + (long) f.basebandRows() * f.k());
    }

    /**
     * Loads the frame into the inactive bank, selects it and strobes load.
     *
     * @return the bank now active
     */
    public int write(DecodedFrame f) {
        if (phaseBytesNeeded(f) > map.phaseAreaSize() || basebandBytesNeeded(f) > map.basebandAreaSize()) {
            throw new IllegalArgumentException("frame needs " + phaseBytesNeeded(f) + " phase and " + basebandBytesNeeded(f)
                    + " baseband bytes; areas hold " + map.phaseAreaSize() + " and " + map.basebandAreaSize());
        }
        int bank = activeBank() ^ 1;
        if (f.hybrid()) {
            int base = map.phaseOffset(bank);
            int shifters = f.n() * f.m();
            boolean gain = f.gainBits() > 0;
            for (int i = 0; i < shifters; i++) {
                int word = f.phaseCode(i) | (gain ? f.gainCode(i) << 8 : 0);
                window.putInt(base + 4 * i, word);
            }
        }
        int k = f.k();
        int entries = f.basebandRows() * k;
        int block = (int) basebandBlockBytes(f);
        for (int b = 0; b < f.subbands(); b++) {
            int bb = map.basebandOffset(bank) + b * block;
            window.putInt(bb, Float.floatToRawIntBits(f.scale(b)));
            for (int c = 0; c < k; c++) {
                window.putInt(bb + 4 + 4 * c, f.exponent(b, c));
            }
            int pos = bb + 4 + 4 * k;
            for (int e = 0; e < entries; e++) {
                window.putInt(pos, (f.qWord(b, e) & 0xFFFF) << 16 | (f.iWord(b, e) & 0xFFFF));
                pos += 4;
            }
        }
        VarHandle.fullFence();
        window.putInt(map.bankSelectOffset(), bank);
        VarHandle.fullFence();
        window.putInt(map.loadStrobeOffset(), 1);
        VarHandle.fullFence();
        return bank;
    }

    /** Forces a file-backed mapping to storage (no effect on a caller's buffer). */
    public void flush() {
        if (window instanceof MappedByteBuffer mb) {
            mb.force();
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
