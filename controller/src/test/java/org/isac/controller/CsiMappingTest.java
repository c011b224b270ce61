package org.isac.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.isac.proto.v1.ArrayGeometry;
import org.isac.proto.v1.CsiReport;
import org.isac.proto.v1.FrontEndHello;
import org.isac.solver.Problem;
import org.isac.solver.array.ArrayShape;
import org.junit.jupiter.api.Test;

class CsiMappingTest {

    /** The hello's element spacing reaches the problem (0 = half a wavelength); a report's own array overrides it. */
    @Test
    void theArraySpacingReachesTheSolver() {
        FrontEndHello h = TestData.hello("sp", 8).toBuilder()
                .setTxArray(ArrayGeometry.newBuilder().setHorizontal(8).setVertical(1).setSpacingWavelengths(0.4))
                .setRxArray(ArrayGeometry.newBuilder().setHorizontal(4).setVertical(1)).build();
        assertNull(ReportValidator.validateHello(h));
        CsiReport r = TestData.report("sp", 1, 8, 2).build();
        assertNull(ReportValidator.validate(r, h));
        Problem p = CsiMapping.toProblem(r, h);
        assertEquals(new ArrayShape(8, 1, 0.4), p.tx);
        assertEquals(ArrayShape.HALF_WAVELENGTH, p.rx.spacing(), "unset spacing is half a wavelength");
        CsiReport own = r.toBuilder().setTxArray(ArrayGeometry.newBuilder().setHorizontal(4).setVertical(2)
                .setSpacingWavelengths(0.6)).build();
        assertEquals(new ArrayShape(4, 2, 0.6), CsiMapping.toProblem(own, h).tx);
    }
}
