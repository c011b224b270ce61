package org.isac.solver.nn;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.isac.solver.model.ModelFile;

/**
 * A trained seed 003 precoder network with what it needs to be served and audited: its
 * {@link DnnConfig}, the loss normalisers β and γ (eqs. (18)–(19), see the trainer, DnnTrainer
 * in the training package), the compression it carries (Q bits, pruning ratio J; Q = 32 means the uncompressed float32
 * network) and free-form provenance (data set size, epochs run, validation metrics, …).
 *
 * <p>File layout ({@link ModelFile}, kind {@value #KIND}): {@code config.*},
 * {@code provenance.*}, {@code beta}, {@code gamma}, {@code q_bits}, {@code prune},
 * {@code widths}, and per layer l the biases {@code layer.l.b} as base64 of little-endian
 * float32 and the weights either as {@code layer.l.w} in the same encoding (rows per input
 * unit, as {@link Mlp} stores them) or, for Q < 32, as {@code layer.l.w_step} (the step f of
 * eq. (27)) and {@code layer.l.w_codes}, base64 of little-endian int16 codes with
 * weight = code·step (eq. (26)). Both encodings round-trip exactly. Biases are not quantised
 * (they are under 1 % of the parameters and absorb the constant outputs of removed neurons,
 * see {@link Compression}). Models with the {@code rzf-wf} anchor also store {@code anchor_mix} and
 * {@code anchor_mix_null}, the trained angles φ₁, φ₂ of
 * W_a = cos φ₁·W_c + sin φ₁·(cos φ₂·S + sin φ₂·S_⊥) ({@link PrecoderAnchor}) as decimals
 * that round-trip exactly; files without the keys read as 0.
 */
public final class DnnModel {
    /** Model-file kind. */
    public static final String KIND = "dnn-isac";
    /** Bits of an uncompressed weight (float32). */
    public static final int FULL_BITS = 32;

    private final DnnConfig config;
    private final Mlp net;
    private final double beta;
    private final double gamma;
    private final int qBits;
    private final double prune;
    private final double[] weightStep;
    private final double anchorMix;
    private final double anchorMixNull;
    private final Map<String, String> provenance;

    /**
     * @param weightStep per layer quantisation step of the weights (null when qBits = 32)
     */
    public DnnModel(DnnConfig config, Mlp net, double beta, double gamma, int qBits, double prune,
            double[] weightStep, Map<String, String> provenance) {
        this(config, net, beta, gamma, qBits, prune, weightStep, 0, 0, provenance);
    }

    /**
     * @param weightStep per layer quantisation step of the weights (null when qBits = 32)
     * @param anchorMix trained anchor mixing angle φ₁ in [0, π/2] (0 unless the anchor is {@code rzf-wf})
     * @param anchorMixNull trained angle φ₂ in [0, π/2] between S and S_⊥ ({@link PrecoderAnchor})
     */
    public DnnModel(DnnConfig config, Mlp net, double beta, double gamma, int qBits, double prune,
            double[] weightStep, double anchorMix, double anchorMixNull, Map<String, String> provenance) {
        if (!(anchorMix >= 0 && anchorMix <= Math.PI / 2) || !(anchorMixNull >= 0 && anchorMixNull <= Math.PI / 2)) {
            throw new IllegalArgumentException("anchor mixing angle must lie in [0, π/2], got " + anchorMix);
        }
        if (net.inputs() != config.inputs() || net.outputs() != config.outputs()) {
            throw new IllegalArgumentException("network is " + net.inputs() + " → " + net.outputs() + ", config needs "
                    + config.inputs() + " → " + config.outputs());
        }
        if (qBits < 2 || qBits > FULL_BITS || (qBits < FULL_BITS && qBits > 15)) {
            throw new IllegalArgumentException("Q must be 2…15 bits, or 32 for the full network, got " + qBits);
        }
        if (!(prune >= 0 && prune < 1)) {
            throw new IllegalArgumentException("pruning ratio J must lie in [0, 1), got " + prune);
        }
        if ((qBits < FULL_BITS) != (weightStep != null)) {
            throw new IllegalArgumentException("quantisation steps are required exactly when Q < 32");
        }
        this.config = config;
        this.net = net;
        this.beta = beta;
        this.gamma = gamma;
        this.qBits = qBits;
        this.prune = prune;
        this.weightStep = weightStep == null ? null : weightStep.clone();
        this.anchorMix = anchorMix;
        this.anchorMixNull = anchorMixNull;
        this.provenance = Collections.unmodifiableMap(new LinkedHashMap<>(provenance));
    }

    public DnnConfig config() {
        return config;
    }

    /** The network (live: do not modify a model that is being served). */
    public Mlp net() {
        return net;
    }

    /** β of eq. (18): 1 / reference sum rate (bits/s/Hz). */
    public double beta() {
        return beta;
    }

    /** γ of eq. (19): reference sum ψ̃ (rad²). */
    public double gamma() {
        return gamma;
    }

    /** φ₁ of W_a = cos φ₁·W_c + sin φ₁·(cos φ₂·S + sin φ₂·S_⊥) (only used by the {@code rzf-wf} anchor). */
    public double anchorMix() {
        return anchorMix;
    }

    /** φ₂ of {@link #anchorMix}. */
    public double anchorMixNull() {
        return anchorMixNull;
    }

    public int qBits() {
        return qBits;
    }

    public double prune() {
        return prune;
    }

    public boolean isCompressed() {
        return qBits < FULL_BITS || prune > 0;
    }

    public Map<String, String> provenance() {
        return provenance;
    }

    double weightStep(int layer) {
        return weightStep[layer];
    }

    /** A copy with extra provenance entries (later keys replace earlier ones). */
    public DnnModel withProvenance(Map<String, String> extra) {
        Map<String, String> p = new LinkedHashMap<>(provenance);
        p.putAll(extra);
        return new DnnModel(config, net, beta, gamma, qBits, prune, weightStep, anchorMix, anchorMixNull, p);
    }

    // ---------------------------------------------------------------- files

    public ModelFile toModelFile() {
        ModelFile f = new ModelFile(KIND);
        for (Map.Entry<String, String> e : config.toMap().entrySet()) {
            f.put("config." + e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : provenance.entrySet()) {
            f.put("provenance." + e.getKey(), e.getValue().replace('\n', ' '));
        }
        f.put("beta", beta);
        f.put("gamma", gamma);
        f.put("q_bits", qBits);
        f.put("prune", prune);
        if (anchorMix != 0 || anchorMixNull != 0) {
            f.put("anchor_mix", anchorMix);
            f.put("anchor_mix_null", anchorMixNull);
        }
        int[] widths = net.widths();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            sb.append(i > 0 ? ", " : "").append(widths[i]);
        }
        f.put("widths", sb.toString());
        for (int l = 0; l < net.layers(); l++) {
            int in = widths[l], out = widths[l + 1];
            ByteBuffer b = ByteBuffer.allocate(4 * out).order(ByteOrder.LITTLE_ENDIAN);
            for (int j = 0; j < out; j++) {
                b.putFloat(exactFloat(net.b[l][j], l));
            }
            if (qBits == FULL_BITS) {
                ByteBuffer w = ByteBuffer.allocate(4 * in * out).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < in; i++) {
                    for (int j = 0; j < out; j++) {
                        w.putFloat(exactFloat(net.w[l][i][j], l));
                    }
                }
                f.put("layer." + l + ".w", Base64.getEncoder().encodeToString(w.array()));
            } else {
                ByteBuffer w = ByteBuffer.allocate(2 * in * out).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < in; i++) {
                    for (int j = 0; j < out; j++) {
                        w.putShort(code(net.w[l][i][j], weightStep[l], l));
                    }
                }
                f.put("layer." + l + ".w_step", weightStep[l]);
                f.put("layer." + l + ".w_codes", Base64.getEncoder().encodeToString(w.array()));
            }
            f.put("layer." + l + ".b", Base64.getEncoder().encodeToString(b.array()));
        }
        return f;
    }

    private static float exactFloat(double v, int layer) {
        float f = (float) v;
        if (f != v) {
            throw new IllegalStateException("layer " + layer + " holds a value that is not a float32 (" + v
                    + "); call Mlp.roundToFloat before saving");
        }
        return f;
    }

    private static short code(double v, double step, int layer) {
        if (v == 0) {
            return 0;
        }
        double c = Math.rint(v / step);
        if (c * step != v || Math.abs(c) > Short.MAX_VALUE) {
            throw new IllegalStateException("layer " + layer + " value " + v + " is not a multiple of its step " + step);
        }
        return (short) c;
    }

    public void write(Path p) throws IOException {
        toModelFile().write(p);
    }

    public void write(Writer w) throws IOException {
        toModelFile().write(w);
    }

    /** The model file as text. */
    public String toText() {
        StringWriter w = new StringWriter();
        try {
            write(w);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return w.toString();
    }

    public static DnnModel read(Path p) throws IOException {
        return fromModelFile(ModelFile.read(p, KIND), p.toString());
    }

    public static DnnModel read(Reader r, String source) throws IOException {
        return fromModelFile(ModelFile.read(r, source, KIND), source);
    }

    public static DnnModel fromText(String text, String source) {
        try {
            return read(new StringReader(text), source);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a model from the class path, or returns null when {@code resource} does not exist. */
    public static DnnModel fromResource(String resource) throws IOException {
        try (InputStream in = DnnModel.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                return null;
            }
            return read(new InputStreamReader(in, StandardCharsets.UTF_8), "classpath:" + resource);
        }
    }

    public static DnnModel fromModelFile(ModelFile f, String source) {
        Map<String, String> cfg = new LinkedHashMap<>();
        Map<String, String> prov = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : f.entries().entrySet()) {
            if (e.getKey().startsWith("config.")) {
                cfg.put(e.getKey().substring(7), e.getValue());
            } else if (e.getKey().startsWith("provenance.")) {
                prov.put(e.getKey().substring(11), e.getValue());
            }
        }
        DnnConfig config = DnnConfig.fromMap(cfg, source);
        double[] wd = f.numbers("widths", -1);
        int[] widths = new int[wd.length];
        for (int i = 0; i < wd.length; i++) {
            widths[i] = (int) wd[i];
        }
        Mlp net = new Mlp(widths);
        int q = f.integer("q_bits");
        double[] ws = q == FULL_BITS ? null : new double[net.layers()];
        for (int l = 0; l < net.layers(); l++) {
            int in = widths[l], out = widths[l + 1];
            String p = "layer." + l + ".";
            if (q == FULL_BITS) {
                ByteBuffer w = decode(f, p + "w", 4L * in * out, source);
                for (int i = 0; i < in; i++) {
                    for (int j = 0; j < out; j++) {
                        net.w[l][i][j] = w.getFloat();
                    }
                }
            } else {
                ws[l] = f.number(p + "w_step");
                ByteBuffer w = decode(f, p + "w_codes", 2L * in * out, source);
                for (int i = 0; i < in; i++) {
                    for (int j = 0; j < out; j++) {
                        net.w[l][i][j] = w.getShort() * ws[l];
                    }
                }
            }
            ByteBuffer b = decode(f, p + "b", 4L * out, source);
            for (int j = 0; j < out; j++) {
                net.b[l][j] = b.getFloat();
            }
        }
        double mix = f.has("anchor_mix") ? f.number("anchor_mix") : 0;
        double mixNull = f.has("anchor_mix_null") ? f.number("anchor_mix_null") : 0;
        return new DnnModel(config, net, f.number("beta"), f.number("gamma"), q, f.number("prune"), ws, mix, mixNull, prov);
    }

    private static ByteBuffer decode(ModelFile f, String key, long bytes, String source) {
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(f.string(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": '" + key + "' is not base64: " + e.getMessage(), e);
        }
        if (raw.length != bytes) {
            throw new IllegalArgumentException(source + ": '" + key + "' has " + raw.length + " bytes, expected " + bytes);
        }
        return ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    }
}
