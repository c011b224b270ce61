package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.isac.fpga.frame.DecodedFrame;
import org.isac.fpga.frame.WeightFrameParser;
import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.ControllerMessage;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.proto.v1.Reject;
import org.isac.proto.v1.WeightUpdate;
import org.isac.solver.SubbandLoop;
import org.junit.jupiter.api.Test;

/**
 * Wideband reports through a live controller on loopback: a digital solver answers with one
 * baseband set per subband and a version 2 frame whose sets are the update's; a narrowband
 * hybrid solver is refused naming the wideband one; a faulty subband is refused at validation;
 * and after each refusal the same session is answered as before.
 */
class WidebandPipelineTest {

    private static ControllerMessage helloAnswer(TestClient client) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.read();
            } catch (java.net.SocketTimeoutException e) {
                if (attempt == 6) {
                    throw e;
                }
            }
        }
    }

    @Test
    void widebandReportsAreAnsweredOrRefusedPerSubband() throws Exception {
        ControllerConfig cfg = ControllerConfig.builder().port(0).ioThreads(1).solveShards(1).build();
        try (Controller c = new Controller(cfg).start(); TestClient client = new TestClient(c.port())) {
            FrontEndHello hello = FrontEndHello.newBuilder().setRadioId("wb-live").setRfChains(2).setPhaseBits(6)
                    .setBasebandBits(9).setMaxPowerW(1).setProtocolVersion(1)
                    .setTxArray(ArrayGeometry.newBuilder().setHorizontal(8).setVertical(1)).build();
            client.send(TestData.wrap(hello));
            assertTrue(helloAnswer(client).hasHelloAck());

            // digital solver: S sets, a version 2 frame carrying the same weights
            CsiReport r = TestData.widebandReport("wb-live", 1, 6, 8, 2).setPowerBudgetW(1).setSolver("rzf").build();
            client.send(TestData.wrap(r));
            ControllerMessage m = client.read();
            assertTrue(m.hasUpdate(), m.toString());
            WeightUpdate u = m.getUpdate();
            assertEquals(5, u.getSubbandBasebandCount());
            DecodedFrame f = new WeightFrameParser().parse(u.getFpgaFrame().asReadOnlyByteBuffer());
            assertEquals(2, f.version());
            assertEquals(6, f.subbands());
            for (int s = 0; s < 6; s++) {
                var w = s == 0 ? u.getBaseband() : u.getSubbandBaseband(s - 1);
                for (int e = 0; e < 16; e++) { // 9-bit BFP: within its bound of the float weights
                    assertEquals(w.getRe(e), f.basebandRe(s, e), 0.01, "subband " + s);
                }
            }

            // a narrowband hybrid solver cannot share one F: refused, naming the wideband solver
            client.send(TestData.wrap(r.toBuilder().setSequence(2).setSolver("hybrid-pga")
                    .putParams("outer", 2).putParams("inner", 1).build()));
            Reject j = TestData.reject(client.read());
            assertEquals(Reject.Reason.BAD_PARAMETER, j.getReason());
            assertTrue(j.getDetail().contains(SubbandLoop.WIDEBAND_HYBRID), j.getDetail());
            assertEquals(2, j.getSequence());

            // a NaN in subband 4 is refused before the ring
            CsiReport.Builder bad = TestData.widebandReport("wb-live", 3, 6, 8, 2).setPowerBudgetW(1);
            bad.setSubbands(4, bad.getSubbands(4).toBuilder().setChannel(bad.getSubbands(4).getChannel().toBuilder()
                    .setIm(3, Float.NaN)));
            client.send(TestData.wrap(bad.build()));
            j = TestData.reject(client.read());
            assertEquals(Reject.Reason.NON_FINITE, j.getReason());
            assertTrue(j.getDetail().contains("subband 4"), j.getDetail());

            // the session goes on: a narrowband report is answered as ever, with a version 1 frame
            client.send(TestData.wrap(TestData.report("wb-live", 4, 8, 2).setPowerBudgetW(1).setSolver("rzf").build()));
            u = client.read().getUpdate();
            assertEquals(4, u.getSequence());
            assertEquals(0, u.getSubbandBasebandCount());
            assertEquals(1, u.getFpgaFrame().byteAt(4));
        }
    }
}
