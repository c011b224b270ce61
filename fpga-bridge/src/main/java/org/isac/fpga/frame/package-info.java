/**
 * The weight frame: layout ({@link org.isac.fpga.frame.FrameFormat}, described in full in
 * {@code fpga-bridge/FRAME.md}), bit packing, radio-id hash, and the strict
 * {@link org.isac.fpga.frame.WeightFrameParser} that refuses a frame with a
 * {@link org.isac.fpga.frame.RejectReason}.
 */
package org.isac.fpga.frame;
