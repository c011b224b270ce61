/**
 * Analog front end: b-bit phase-shifter codes, attenuator codes in dB steps, per-element
 * calibration tables (file format in {@link org.isac.fpga.phase.Calibration}).
 */
package org.isac.fpga.phase;
