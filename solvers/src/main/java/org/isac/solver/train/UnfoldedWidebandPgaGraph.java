package org.isac.solver.train;

import org.isac.solver.linalg.CMatrix;
import org.isac.solver.train.ad.Tape;
import org.isac.solver.train.ad.Tape.Node;

/**
 * The unfolded wideband PGA ({@link org.isac.solver.hybrid.WidebandPga}: seed 000 Algorithm 1
 * with one shared analog F and a baseband W_s per subband) written on a {@link Tape}, so that
 * the wideband training loss can be differentiated with respect to the per-layer steps
 * {μ(i, j), λ(i)} by reverse mode, exactly as {@link UnfoldedPgaGraph} does for one subband.
 *
 * <p>Objective and loss. J = (1/S)·Σ_s R_s(F, W_s) − ω·τ_avg with R_s the sum rate of seed 000
 * eq. (4) on subband s and τ_avg = ‖C − Ψ‖²_F the beampattern error (eq. (5)) of the
 * band-averaged covariance C = (1/S)·Σ_s F W_s W_sᴴ Fᴴ
 * ({@link org.isac.solver.hybrid.WidebandJcasObjective.Sensing#BAND_AVERAGED}); the loss of one
 * sample is the wideband version of eq. (25), ℒ = ω·τ_avg(F_I, W_I) − (1/S)·Σ_s R_s(F_I, W_{s,I}).
 *
 * <p>Layers. Outer layer i: J inner steps F̂ ← F̂ + μ(i, j)·∇_F J (eq. (23b)), the unit-modulus
 * projection (10), then for every s: W_s ← W_s + λ(i)·(∇_W R_s(F, W_s) − ωη·2·(PQP − Φ)·W_s)
 * (eq. (24) per subband, the factor S of {@code WidebandPga} already cancelled) and the power
 * projection W_s ← √P_t·W_s/‖F W_s‖_F (eq. (12)). The gradients are the closed forms of
 * {@link org.isac.solver.hybrid.WidebandJcasObjective} through M × M matrices:
 * Q = (1/S)Σ_s W_sW_sᴴ, P = FᴴF, Φ = FᴴΨF;
 * ∇_F J = (1/S)Σ_s H_s E_s W_sᴴ − 2ω·(F·QPQ − (ΨF)·Q) (eqs. (13), (17) band-averaged), with
 * E_s as in {@link UnfoldedPgaGraph}. The final τ_avg is formed from C = F·Q·Fᴴ directly.
 */
public final class UnfoldedWidebandPgaGraph {
    private UnfoldedWidebandPgaGraph() {
    }

    /**
     * One wideband training sample: S channels H_s (N × K), noise σ²_{s,k}, the per-subband
     * power P_t, Ψ (at P_t), and the start (F₀, W_{s,0}).
     */
    public record Sample(CMatrix[] channels, double[][] noise, double powerW, CMatrix psi, CMatrix f0, CMatrix[] w0)
            implements UnfoldedPgaGraph.Unrollable {
        public Sample {
            if (channels.length < 1 || noise.length != channels.length || w0.length != channels.length) {
                throw new IllegalArgumentException("need S >= 1 channels with one noise vector and one W_0 each");
            }
        }

        public int subbands() {
            return channels.length;
        }

        @Override
        public Node buildLoss(Tape tape, UnfoldedPgaGraph.Shape shape, Node[][] mu, Node[] lambda) {
            return build(tape, shape, this, mu, lambda).loss();
        }
    }

    /** The nodes of a built graph: the loss, the final F and W_s, the mean rate and τ_avg. */
    public record Result(Node loss, Node f, Node[] w, Node rate, Node tau) {
    }

    /**
     * Builds the unrolled forward pass on {@code tape} ({@code shape.rescaleInner()} must be
     * false: the wideband PGA has no inner rescaling).
     */
    public static Result build(Tape tape, UnfoldedPgaGraph.Shape shape, Sample s, Node[][] mu, Node[] lambda) {
        if (shape.rescaleInner()) {
            throw new IllegalArgumentException("the wideband PGA has no inner rescaling");
        }
        int bands = s.subbands();
        Node[] h = new Node[bands], hAdj = new Node[bands];
        Node[] w = new Node[bands];
        for (int b = 0; b < bands; b++) {
            h[b] = tape.constant(s.channels()[b]);
            hAdj[b] = tape.adj(h[b]);
            w[b] = tape.constant(s.w0()[b]);
        }
        Node psi = tape.constant(s.psi());
        Node f = tape.constant(s.f0());
        double sqrtP = Math.sqrt(s.powerW());
        double omega = shape.omega();
        for (int i = 0; i < shape.outer(); i++) {
            Node q = meanGram(tape, w);
            Node fi = f;
            for (int j = 0; j < shape.inner(); j++) {
                fi = tape.plus(fi, tape.scale(gradF(tape, h, hAdj, psi, fi, w, q, s.noise(), omega), mu[i][j]));
            }
            f = tape.unitModulus(fi);
            Node fAdj = tape.adj(f);
            Node p = tape.mul(fAdj, f);
            Node phi = tape.mul(fAdj, tape.mul(psi, f));
            Node bMat = tape.minus(tape.mul(p, tape.mul(q, p)), phi);
            Node[] next = new Node[bands];
            for (int b = 0; b < bands; b++) {
                Node gr = tape.mul(fAdj, tape.mul(h[b], UnfoldedPgaGraph.e(tape, hAdj[b], f, w[b], s.noise()[b])));
                Node g = tape.minus(gr, tape.scale(tape.mul(bMat, w[b]), 2 * omega * shape.eta()));
                Node wt = tape.plus(w[b], tape.scale(g, lambda[i]));
                Node norm = tape.sqrt(tape.frobeniusNorm2(tape.mul(f, wt)));
                next[b] = tape.scale(wt, tape.scale(tape.reciprocal(norm), sqrtP));
            }
            w = next;
        }
        Node rate = null;
        for (int b = 0; b < bands; b++) {
            Node r = UnfoldedPgaGraph.rate(tape, hAdj[b], f, w[b], s.noise()[b]);
            rate = rate == null ? r : tape.plus(rate, r);
        }
        rate = tape.scale(rate, 1.0 / bands);
        Node c = tape.mul(f, tape.mul(meanGram(tape, w), tape.adj(f)));
        Node tau = tape.frobeniusNorm2(tape.minus(c, psi));
        Node loss = tape.minus(tape.scale(tau, omega), rate);
        return new Result(loss, f, w, rate, tau);
    }

    /** Q = (1/S)·Σ_s W_s W_sᴴ (M × M). */
    static Node meanGram(Tape t, Node[] w) {
        Node q = null;
        for (Node ws : w) {
            Node g = t.mul(ws, t.adj(ws));
            q = q == null ? g : t.plus(q, g);
        }
        return t.scale(q, 1.0 / w.length);
    }

    /** ∇_F J = (1/S)Σ_s H_s E_s W_sᴴ − 2ω·(F·QPQ − (ΨF)·Q) at (F, W_s) with Q of the W_s. */
    static Node gradF(Tape t, Node[] h, Node[] hAdj, Node psi, Node f, Node[] w, Node q, double[][] noise, double omega) {
        Node gr = null;
        for (int b = 0; b < w.length; b++) {
            Node g = t.mul(h[b], t.mul(UnfoldedPgaGraph.e(t, hAdj[b], f, w[b], noise[b]), t.adj(w[b])));
            gr = gr == null ? g : t.plus(gr, g);
        }
        gr = t.scale(gr, 1.0 / w.length);
        Node p = t.mul(t.adj(f), f);
        Node qpq = t.mul(q, t.mul(p, q));
        Node gt = t.minus(t.mul(f, qpq), t.mul(t.mul(psi, f), q));
        return t.minus(gr, t.scale(gt, 2 * omega));
    }
}
