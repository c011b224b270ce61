package org.isac.controller;

import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.Reject;

/**
 * Why a message was refused: a {@link Reject.Reason} and a human-readable detail.
 *
 * @param reason the wire reason code
 * @param detail what was wrong, with the offending values
 */
public record Rejection(Reject.Reason reason, String detail) {

    /** The downstream message carrying this rejection. */
    public ControllerMessage toMessage(String radioId, long sequence) {
        return message(reason, detail, radioId, sequence);
    }

    /** A downstream {@code Reject} message; {@code radioId} may be null. */
    public static ControllerMessage message(Reject.Reason reason, String detail, String radioId, long sequence) {
        Reject.Builder b = Reject.newBuilder().setReason(reason).setSequence(sequence);
        if (detail != null) {
            b.setDetail(detail);
        }
        if (radioId != null) {
            b.setRadioId(radioId);
        }
        return ControllerMessage.newBuilder().setReject(b).build();
    }
}
