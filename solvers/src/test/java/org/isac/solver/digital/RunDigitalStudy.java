package org.isac.solver.digital;

import java.util.Locale;

/**
 * Prints the full {@link DigitalStudy} as text tables (not a test: run with
 * {@code java -cp solvers/target/classes:solvers/target/test-classes org.isac.solver.digital.RunDigitalStudy [quick]}).
 */
public final class RunDigitalStudy {
    private RunDigitalStudy() {
    }

    public static void main(String[] args) {
        long t0 = System.nanoTime();
        DigitalStudy.Config c = args.length > 0 && args[0].equals("quick") ? DigitalStudy.Config.quick() : DigitalStudy.Config.full();
        DigitalStudy.Report r = DigitalStudy.run(c, System::nanoTime,
                what -> System.out.printf(Locale.ROOT, "[%.0f s] %s done%n", (System.nanoTime() - t0) / 1e9, what));
        System.out.println("\nseed 004 Table I (nats, tr F^-1), " + c.tableChannels() + " channels");
        for (DigitalStudy.TableOneRow row : r.tableOne()) {
            System.out.printf(Locale.ROOT, "%-5s N_t=%3d N_r=%3d %-26s (%.2f, %.3f) paper (%.2f, %.2f) err (%+.1f%%, %+.1f%%) %5.0f it %7.2f ms%n",
                    row.array(), row.txAntennas(), row.rxAntennas(), row.algorithm(), row.sumRateNats(), row.crlb(), row.paperSumRateNats(),
                    row.paperCrlb(), 100 * row.rateRelativeError(), 100 * row.crlbRelativeError(), row.meanIterations(), row.meanSolveMs());
        }
        System.out.println("\nseed 004 Fig. 3 trade-off (delta_s = 1)");
        for (DigitalStudy.TradeOffPoint pt : r.tradeOff()) {
            System.out.printf(Locale.ROOT, "delta_c=%8.0e  rate %.3f nats  CRLB %.4f%n", pt.deltaC(), pt.sumRateNats(), pt.crlb());
        }
        System.out.println("\nseed 004 run time vs N_t (ms per solve)");
        for (DigitalStudy.RuntimePoint pt : r.runtime()) {
            System.out.printf(Locale.ROOT, "%-5s N_t=%3d  Alg1 %8.2f ms (%4.0f it)  Alg1 Ns=0 %8.2f ms  LD %8.2f ms (%4.0f it)%n", pt.array(),
                    pt.txAntennas(), pt.algorithmOneMs(), pt.algorithmOneIterations(), pt.algorithmOneNs0Ms(), pt.lowDimensionalMs(),
                    pt.lowDimensionalIterations());
        }
        System.out.println("\nseed 002 mean objective vs layers");
        for (DigitalStudy.LayerCurve lc : r.layers()) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-22s", lc.solver()));
            for (int l : new int[] {0, 1, 2, 5, 10, 20, 50, 100, 150}) {
                sb.append(String.format(Locale.ROOT, " L%d=%.3f", l, lc.meanObjectiveNats()[l]));
            }
            System.out.println(sb);
        }
        System.out.println("\nseed 002 min-SINR / min-SCNR vs K (delta = 1) and run time");
        for (DigitalStudy.FairnessPoint pt : r.fairness()) {
            System.out.printf(Locale.ROOT, "%-13s K=%2d  min SINR %6.2f dB  min SCNR %6.2f dB  h %.3f  %6.2f ms (%3.0f it)  paper %s s%n", pt.solver(),
                    pt.users(), pt.minSinrDb(), pt.minScnrDb(), pt.objectiveNats(), pt.meanSolveMs(), pt.meanIterations(),
                    Double.isNaN(pt.paperSeconds()) ? "-" : Double.toString(pt.paperSeconds()));
        }
        System.out.printf(Locale.ROOT, "%nstudy took %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }
}
