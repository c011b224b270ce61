package org.isac.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.ejml.data.ZMatrixRMaj;
import org.ejml.dense.row.CommonOps_ZDRM;
import org.isac.solver.linalg.CMatrix;
import org.isac.solver.linalg.FastKernels;
import org.isac.solver.linalg.Kernels;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One complex product C = op(A)·B four ways: EJML ({@code CommonOps_ZDRM}, interleaved
 * re/im), the plain {@link Kernels}, and {@link FastKernels}' scalar and Vector API
 * implementations (split re/im). Each benchmark method runs in its own fork, so the
 * interface calls stay monomorphic.
 *
 * <p>{@code shape} is mxkxn: A is m × k (for {@code op=conjA} it is stored k × m and used
 * as Aᴴ), B is k × n, C is m × n; 8·m·k·n flops. The defaults are the hybrid PGA's Ψ·X
 * (64×64)·(64×4) and F·V (64×4)·(4×4); {@code -p shape=4x64x4 -p op=conjA} is the Gram
 * HᴴH / HᴴF shape. Run: {@code ./isac jmh KernelBenchmark -prof gc}; GFLOP/s =
 * 8·m·k·n / (ns per op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class KernelBenchmark {
    @Param({"64x64x4", "64x4x4"})
    public String shape;

    /** {@code mul}: C = A·B; {@code conjA}: C = Aᴴ·B. */
    @Param({"mul"})
    public String op;

    private boolean conjA;
    private CMatrix a, b, c;
    private ZMatrixRMaj za, zb, zc;
    private FastKernels scalar, vector;

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        int m = Integer.parseInt(s[0].trim()), k = Integer.parseInt(s[1].trim()), n = Integer.parseInt(s[2].trim());
        conjA = switch (op) {
            case "mul" -> false;
            case "conjA" -> true;
            default -> throw new IllegalArgumentException("op is mul or conjA, got " + op);
        };
        SplittableRandom rng = new SplittableRandom(3);
        a = conjA ? gaussian(rng, k, m) : gaussian(rng, m, k);
        b = gaussian(rng, k, n);
        c = new CMatrix(m, n);
        za = toEjml(a);
        zb = toEjml(b);
        zc = new ZMatrixRMaj(m, n);
        scalar = FastKernels.scalar();
        vector = FastKernels.usingVectorApi() ? FastKernels.vector() : null;
    }

    @TearDown
    public void check() {
        // whichever output the benchmark wrote must be the oracle's product (no dead code)
        CMatrix ref = new CMatrix();
        if (conjA) {
            Kernels.mulConjTransA(a, b, ref);
        } else {
            Kernels.mul(a, b, ref);
        }
        double tol = 1e-9 * Math.sqrt(ref.frobeniusNorm2()), worst = 0;
        for (int r = 0; r < ref.rows(); r++) {
            for (int col = 0; col < ref.cols(); col++) {
                double er = ref.re(r, col), ei = ref.im(r, col);
                double d = c.frobeniusNorm2() != 0 ? Math.hypot(c.re(r, col) - er, c.im(r, col) - ei)
                        : Math.hypot(zc.getReal(r, col) - er, zc.getImag(r, col) - ei);
                worst = Math.max(worst, d);
            }
        }
        if (!(worst <= tol)) {
            throw new IllegalStateException("result differs from the oracle by " + worst);
        }
    }

    @Benchmark
    public ZMatrixRMaj ejml() {
        if (conjA) {
            CommonOps_ZDRM.multTransA(za, zb, zc);
        } else {
            CommonOps_ZDRM.mult(za, zb, zc);
        }
        return zc;
    }

    @Benchmark
    public CMatrix kernels() {
        if (conjA) {
            Kernels.mulConjTransA(a, b, c);
        } else {
            Kernels.mul(a, b, c);
        }
        return c;
    }

    @Benchmark
    public CMatrix fastScalar() {
        return run(scalar);
    }

    @Benchmark
    public CMatrix fastVector() {
        if (vector == null) {
            throw new IllegalStateException("no Vector API in this JVM: " + FastKernels.status());
        }
        return run(vector);
    }

    private CMatrix run(FastKernels fk) {
        if (conjA) {
            fk.mulConjTransA(a, b, c);
        } else {
            fk.mul(a, b, c);
        }
        return c;
    }

    private static CMatrix gaussian(SplittableRandom rng, int r, int c) {
        CMatrix x = new CMatrix(r, c);
        for (int i = 0; i < r * c; i++) {
            x.re[i] = rng.nextGaussian();
            x.im[i] = rng.nextGaussian();
        }
        return x;
    }

    private static ZMatrixRMaj toEjml(CMatrix x) {
        ZMatrixRMaj z = new ZMatrixRMaj(x.rows(), x.cols());
        for (int r = 0; r < x.rows(); r++) {
            for (int col = 0; col < x.cols(); col++) {
                z.set(r, col, x.re(r, col), x.im(r, col));
            }
        }
        return z;
    }
}
