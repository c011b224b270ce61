/**
 * Front-end side register loading: a register map file ({@link org.isac.fpga.regfile.RegisterMap})
 * and a writer that fills the inactive bank of a mapped window, flips the bank and strobes load.
 */
package org.isac.fpga.regfile;
