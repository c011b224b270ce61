/**
 * Weights in the form hardware consumes: phase-shifter codes, fixed-point or block-floating-point
 * baseband words, a CRC-protected binary weight frame, a power guard that no frame gets past
 * over budget or non-finite, and the front-end side that parses a frame and loads it into
 * double-buffered registers. The byte layout is in {@code fpga-bridge/FRAME.md}.
 *
 * <h2>Wiring: controller side (Encode stage)</h2>
 * One {@link org.isac.fpga.RadioEncoders} per encoding thread keeps a
 * {@link org.isac.fpga.WeightFrameEncoder} per radio, configured from the radio's hello by
 * {@link org.isac.fpga.EncoderConfig#forHello(org.isac.proto.v1.FrontEndHello, org.isac.fpga.baseband.CodecId)}
 * ({@code phase_bits} 1..8, 0 = continuous becomes 8; {@code baseband_bits} 1..16 with the
 * chosen codec, 0 = float becomes 16-bit fixed point; {@code per_antenna_power}):
 * <pre>{@code
 * RadioEncoders encoders = new RadioEncoders(EncoderConfig::forHello, guardCounters);
 * // per solved report, after the controller's own shape / finiteness / budget checks:
 * FrameBuffer frame = encoders.encode(session.hello(), report.sequence, precoder, problem.powerBudgetW);
 * update.setFpgaFrame(ByteString.copyFrom(frame.array(), 0, frame.length()));
 * EncodeResult r = encoders.lastResult();  // outcome(), replacement(), crc32c(), sentPowerW(), scaleFactor()
 * }</pre>
 * Calls used:
 * <ul>
 * <li>{@code FrameBuffer RadioEncoders.encode(FrontEndHello hello, long sequence, Precoder precoder, double budgetW)}
 * - the frame, in a buffer reused by the next call; {@code RadioEncoders.counters()} holds the
 * {@link org.isac.fpga.guard.GuardCounters} to export as metrics (one count per
 * {@link org.isac.fpga.guard.GuardOutcome} and per {@link org.isac.fpga.guard.Replacement}).</li>
 * <li>{@code int WeightFrameEncoder.encode(String radioId, long sequence, Precoder p, double budgetW, FrameBuffer out)}
 * and {@code encode(String, long, CMatrix analog, CMatrix baseband, double, FrameBuffer)} - the
 * same for callers that hold an encoder themselves (analog null or empty = digital); the
 * split-array form {@code encode(String, long, double[] fRe, double[] fIm, int n, int m, double[] wRe, double[] wIm, int k, double, FrameBuffer)}
 * underlies both.</li>
 * <li>{@code GuardOutcome PowerGuard.check(CMatrix analog, CMatrix baseband, double budgetW, boolean perAntenna, double tol)}
 * - the guard's verdict on unquantized weights without encoding (the encoder applies the same
 * checks, then re-checks the quantized weights and lowers the baseband scale if quantization
 * pushed them over the budget).</li>
 * <li>{@code ByteBuffer FrameBuffer.byteBuffer()} - a reusable view of the frame bytes.</li>
 * </ul>
 * A request that fails the guard is replaced by the radio's last good frame (still within the
 * current budget) or by the safe default (all-zero weights, the radio transmits nothing); the
 * frame then carries the current sequence number.
 *
 * <h2>Wiring: radio side (simulated radio, front-end FPGA host)</h2>
 * <pre>{@code
 * WeightFrameParser parser = new WeightFrameParser();      // or new WeightFrameParser(ParserLimits)
 * DecodedFrame frame = new DecodedFrame();                  // reused
 * parser.parse(update.getFpgaFrame().asReadOnlyByteBuffer(), frame); // FrameRejectedException with a RejectReason
 * if (!frame.isFor(radioId)) { ... }
 * frame.toPrecoder(applied, calibration);                   // quantized F (N x M, empty for digital) and W
 * applied.effective(x);                                      // X = F W as the array radiates it
 * // WeightApplied.frame_crc32c = frame.crc32c()
 * // hardware: registerFileWriter.write(frame) loads the inactive bank, flips it and strobes load
 * }</pre>
 * Calls used: {@code DecodedFrame WeightFrameParser.parse(ByteBuffer)} (new holder) or
 * {@code parse(ByteBuffer, DecodedFrame)} / {@code parse(byte[], int, int, DecodedFrame)}
 * (reused holder, allocation-free); {@code Precoder DecodedFrame.toPrecoder(Precoder, Calibration)},
 * {@code CMatrix DecodedFrame.analog(CMatrix, Calibration)}, {@code CMatrix DecodedFrame.baseband(CMatrix)};
 * the raw codes and words for registers via {@code phaseCode(i)}, {@code iWord(e)}, {@code exponent(k)}.
 *
 * <h2>Threading and allocation</h2>
 * Encoders, parsers, decoded frames and register writers are single-threaded and allocate
 * nothing per frame once their buffers have grown (tested at N = 64, M = 4, K = 4); guard
 * counters may be read from any thread.
 *
 * <h2>Quantization study</h2>
 * The tools module's {@code QuantizationStudy} ({@code isac quantization}) measures sum-rate loss
 * and beampattern error against phase and baseband bits through this same encode / parse path.
 */
package org.isac.fpga;
