package org.isac.solver.hybrid;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.isac.solver.ChildJvm;
import org.isac.solver.Precoder;
import org.isac.solver.Problem;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code hybrid-upga} serves the same weights, bit for bit, for the same report: before and
 * after the JIT has compiled the kernels, from two solver instances, and from other JVMs
 * started at each vector width (the CPU's preferred one, 256 and 512 bits) and with C1 only
 * (where the Vector API is not intrinsified). Its trained steps amplify any rounding
 * difference about 10⁵-fold, so this holds only because every kernel fixes its order of
 * operations, lane reductions included.
 */
@Tag("vector-width")
class HybridUpgaDeterminismTest {
    private static final long[] SEEDS = {901, 912, 930};

    /** F and W of one solve, as raw bits. */
    private static long[] weights(Precoder out) {
        CMatrix f = out.analog, w = out.baseband;
        long[] bits = new long[2 * (f.rows() * f.cols() + w.rows() * w.cols())];
        int i = 0;
        for (CMatrix m : new CMatrix[] {f, w}) {
            for (int e = 0, size = m.rows() * m.cols(); e < size; e++) {
                bits[i++] = Double.doubleToRawLongBits(m.re[e]);
                bits[i++] = Double.doubleToRawLongBits(m.im[e]);
            }
        }
        return bits;
    }

    private static long[] solve(HybridUpgaSolver solver, long seed, int singlePrecision) {
        Problem p = HybridUpgaSolverTest.problem(64, seed);
        p.params.put("single_precision", singlePrecision);
        Precoder out = new Precoder();
        solver.solve(p, out);
        return weights(out);
    }

    /** SHA-256 over the weights of the shipped N = 64 model's solves of {@link #SEEDS}, float and double engines. */
    static String digest() throws NoSuchAlgorithmException {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        HybridUpgaSolver solver = new HybridUpgaSolver();
        Precoder out = new Precoder();
        for (long seed : SEEDS) {
            for (int single = 1; single >= 0; single--) {
                Problem p = HybridUpgaSolverTest.problem(64, seed);
                p.params.put("single_precision", single);
                solver.solve(p, out);
                out.digestInto(md);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    @Test
    void sameWeightsBeforeAndAfterCompilationAndAcrossInstances() {
        HybridUpgaSolver solver = new HybridUpgaSolver();
        long[] cold = solve(solver, 912, 1);
        long[] coldDouble = solve(solver, 912, 0);
        HybridUpgaSolver other = new HybridUpgaSolver();
        // long enough for C2 to compile the kernels and intrinsify the Vector API (an emulated
        // width is never intrinsified: a few solves then suffice to compile the Java around it)
        int warmUp = FastKernels.vectorWidthEmulated() ? 200 : 3000;
        for (int i = 0; i < warmUp; i++) {
            solve(other, 1000 + i % 7, 1);
        }
        assertArrayEquals(cold, solve(solver, 912, 1), "float engine, same solver, after warm-up");
        assertArrayEquals(cold, solve(other, 912, 1), "float engine, another solver");
        assertArrayEquals(coldDouble, solve(other, 912, 0), "double engine");
    }

    /**
     * Child JVMs at each width and with C1 only print their digest; all equal this JVM's.
     * (Within a kernel family: {@code -Disac.kernels=scalar} runs the double engine's start
     * without fused multiply-adds, which is another, equally deterministic, result.)
     */
    @Test
    void sameWeightsInOtherProcessesAtEveryVectorWidth() throws Exception {
        assumeTrue(System.getProperty("isac.vector.bits") == null, "the run at the preferred width starts a JVM at every width");
        assertTrue(FastKernels.usingVectorApi(), FastKernels.status());
        String here = digest();
        List<List<String>> variants = List.of(List.of(), List.of("-Disac.vector.bits=256"), List.of("-Disac.vector.bits=512"),
                List.of("-XX:TieredStopAtLevel=1"));
        for (List<String> extra : variants) {
            List<String> args = new ArrayList<>(List.of("--add-modules", "jdk.incubator.vector"));
            args.addAll(extra);
            String text = ChildJvm.run(Digest.class, args, 120);
            String line = text.lines().filter(l -> l.startsWith("digest ")).findFirst().orElse("none in: " + text);
            assertEquals("digest " + here, line, "child " + extra + " (" + text.lines().filter(l -> l.startsWith("kernels "))
                    .findFirst().orElse("") + ")");
        }
    }

    /** Entry point of the child JVMs. */
    public static final class Digest {
        private Digest() {
        }

        public static void main(String[] args) throws Exception {
            System.out.println("kernels " + FastKernels.status());
            System.out.println("digest " + digest());
        }
    }
}
