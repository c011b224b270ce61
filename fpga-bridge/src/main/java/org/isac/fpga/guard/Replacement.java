package org.isac.fpga.guard;

/** Which frame went out in place of a rejected one. */
public enum Replacement {
    /** Nothing replaced: the requested weights went out. */
    NONE,
    /** The radio's last accepted frame (re-stamped with the new sequence), still within the current budget. */
    LAST_GOOD,
    /**
     * The safe default: same mode and sizes as requested, all phase codes 0, attenuators at 0,
     * baseband all zero with scale 0, i.e. the radio transmits nothing.
     */
    SAFE_DEFAULT
}
