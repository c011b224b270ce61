/*
 * isacfe-replay: a C front end that replays a CSI capture (clients/python/examples/make_capture.py
 * --raw) to the controller at its rate, applies every weight update (the frame's quantized
 * weights; into a register window with --registers/--device) and acknowledges it with the
 * CRC-32C of the frame's bytes. Every report is accounted for: answered with weights, rejected, or lost with
 * the connection; "unaccounted" must be 0. Round trip = report sent -> its update read, over the
 * updates applied (as the Java simulated radio's capture -> applied latency).
 *
 *   isacfe-replay capture.raw [--host H] [--port P] [--radio ID] [--solver NAME] [--deadline-us US]
 *                 [--rf-chains M --phase-bits B --baseband-bits B] [--targets-deg A,B]
 *                 [--registers MAP --device FILE] [--tls DIR] [--json FILE] [--check]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isacfe.h"

struct capture {
    uint32_t t, n, k;
    double power_w, rate_hz;
    double *noise;
    float *re, *im; /* t * n * k */
};

static int load(const char *path, struct capture *c) {
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    char magic[4];
    uint32_t dims[3];
    double pr[2];
    int ok = fread(magic, 1, 4, f) == 4 && !memcmp(magic, "ISCP", 4) && fread(dims, 4, 3, f) == 3 &&
             fread(pr, 8, 2, f) == 2; /* little-endian host assumed, as the format */
    if (!ok || dims[0] == 0 || dims[1] == 0 || dims[2] == 0 || dims[1] > 4096 || dims[2] > 4096) {
        fclose(f);
        return -1;
    }
    c->t = dims[0];
    c->n = dims[1];
    c->k = dims[2];
    c->power_w = pr[0];
    c->rate_hz = pr[1];
    size_t size = (size_t)c->t * c->n * c->k;
    c->noise = malloc(c->k * sizeof *c->noise);
    float *iq = malloc(2 * size * sizeof *iq);
    c->re = malloc(size * sizeof *c->re);
    c->im = malloc(size * sizeof *c->im);
    ok = c->noise && iq && c->re && c->im && fread(c->noise, 8, c->k, f) == c->k && fread(iq, 8, size, f) == size;
    fclose(f);
    if (ok) {
        for (size_t i = 0; i < size; i++) {
            c->re[i] = iq[2 * i];
            c->im[i] = iq[2 * i + 1];
        }
    }
    free(iq);
    return ok ? 0 : -1;
}

static int cmp64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double pct_us(int64_t *v, size_t n, double q) {
    if (n == 0) return 0;
    size_t i = (size_t)(q / 100.0 * (double)(n - 1) + 0.5);
    return (double)v[i] / 1e3;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1", *radio = "c-0", *solver = "", *json = NULL, *regs_path = NULL, *device = NULL,
               *tls_dir = NULL, *targets_deg = "";
    int port = 7420, check = 0;
    double deadline_us = 2000;
    struct isacfe_hello h;
    memset(&h, 0, sizeof h);
    if (argc < 2) {
        fprintf(stderr, "usage: %s capture.raw [options] (see the source's header)\n", argv[0]);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--check")) { check = 1; continue; }
        if (!v) { fprintf(stderr, "%s needs a value\n", a); return 2; }
        i++;
        if (!strcmp(a, "--host")) host = v;
        else if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--radio")) radio = v;
        else if (!strcmp(a, "--solver")) solver = v;
        else if (!strcmp(a, "--deadline-us")) deadline_us = atof(v);
        else if (!strcmp(a, "--rf-chains")) h.rf_chains = (uint32_t)atoi(v);
        else if (!strcmp(a, "--phase-bits")) h.phase_bits = (uint32_t)atoi(v);
        else if (!strcmp(a, "--baseband-bits")) h.baseband_bits = (uint32_t)atoi(v);
        else if (!strcmp(a, "--targets-deg")) targets_deg = v;
        else if (!strcmp(a, "--registers")) regs_path = v;
        else if (!strcmp(a, "--device")) device = v;
        else if (!strcmp(a, "--tls")) tls_dir = v;
        else if (!strcmp(a, "--json")) json = v;
        else { fprintf(stderr, "unknown option %s\n", a); return 2; }
    }
    struct capture cap;
    if (load(argv[1], &cap) != 0) {
        fprintf(stderr, "cannot read capture %s\n", argv[1]);
        return 2;
    }
    double targets[16];
    uint32_t nt = 0;
    for (const char *p = targets_deg; *p && nt < 16;) {
        char *end;
        double d = strtod(p, &end);
        if (end == p) break;
        targets[nt++] = d * 3.14159265358979323846 / 180;
        p = *end == ',' ? end + 1 : end;
    }
    h.radio_id = radio;
    h.tx_horizontal = cap.n;
    h.tx_vertical = 1;
    h.max_power_w = cap.power_w;
    h.max_users = cap.k;
    h.shared_clock = !strcmp(host, "127.0.0.1") || !strcmp(host, "localhost");

    struct isacfe_regs regs;
    int have_regs = 0;
    if (regs_path) {
        struct isacfe_regmap map;
        char err[256];
        if (isacfe_regmap_load(regs_path, &map, err, sizeof err) != 0 || isacfe_regs_open(&regs, &map, device) != 0) {
            fprintf(stderr, "register map: %s\n", err);
            return 2;
        }
        have_regs = 1;
    }
    struct isacfe_tls tls;
    char ca[512], crt[512], key[512];
    if (tls_dir) {
        snprintf(ca, sizeof ca, "%s/ca.crt", tls_dir);
        snprintf(crt, sizeof crt, "%s/radio-%s.crt", tls_dir, radio);
        snprintf(key, sizeof key, "%s/radio-%s.key", tls_dir, radio);
        tls.ca_file = ca;
        tls.cert_file = crt;
        tls.key_file = key;
        tls.server_name = "localhost";
    }
    isacfe_session *s = NULL;
    int rc = isacfe_session_connect_backoff(&s, host, (uint16_t)port, &h, tls_dir ? &tls : NULL, 10000, 100, 2000, 20);
    if (rc != ISACFE_OK) {
        fprintf(stderr, "connect: %s %s\n", isacfe_strerror(rc), s ? isacfe_session_refusal(s) : "");
        return 1;
    }
    int64_t *rtt = malloc(cap.t * sizeof *rtt);
    size_t nrtt = 0, lost = 0;
    uint64_t bad_frames = 0, rejects_by[32] = {0};
    int64_t period = (int64_t)(1e9 / cap.rate_hz), t0 = isacfe_now_ns();
    struct isacfe_answer a;
    double *wre = NULL, *wim = NULL;
    size_t size = (size_t)cap.n * cap.k;
    struct isacfe_report rep;
    memset(&rep, 0, sizeof rep);
    rep.n = cap.n;
    rep.k = cap.k;
    rep.noise_power_w = cap.noise;
    rep.noise_count = cap.k;
    rep.power_budget_w = cap.power_w;
    rep.deadline_budget_ns = (int64_t)(deadline_us * 1e3);
    rep.solver = solver;
    rep.target_az_rad = targets;
    rep.target_count = nt;
    int closed = 0;
    for (uint32_t i = 0; i <= cap.t && !closed; i++) {
        int64_t due = i < cap.t ? t0 + (int64_t)i * period : isacfe_now_ns() + 5000000000LL;
        for (;;) { /* answers until this report is due (after the last one: until all answered, 5 s at most) */
            if (i == cap.t && isacfe_session_pending(s, NULL, 0) == 0) break;
            int64_t left = due - isacfe_now_ns();
            if (left <= 0) break;
            int r = isacfe_session_poll_ns(s, left, &a);
            if (r < 0) {
                closed = 1;
                break;
            }
            if (r == 0) continue;
            if (a.kind == ISACFE_ANSWER_REJECT) {
                rejects_by[a.reject_reason & 31]++;
                continue;
            }
            if (a.has_frame && !a.frame) {
                bad_frames++;
                fprintf(stderr, "report %llu: frame not applied: %s\n", (unsigned long long)a.sequence, a.frame_error);
                continue;
            }
            if (a.frame) {
                /* what the array applies: the frame's quantized weights */
                size_t need = (size_t)a.frame->n * (a.frame->m + a.frame->k) + (size_t)isacfe_frame_rows(a.frame) * a.frame->k;
                wre = realloc(wre, need * sizeof *wre);
                wim = realloc(wim, need * sizeof *wim);
                isacfe_frame_baseband(a.frame, wre, wim);
                if (have_regs && isacfe_regs_write(&regs, a.frame) < 0) fprintf(stderr, "frame does not fit the registers\n");
            }
            isacfe_session_applied(s, &a, 0);
            rtt[nrtt++] = a.rtt_ns;
        }
        if (i < cap.t && !closed) {
            rep.h_re = cap.re + (size_t)i * size;
            rep.h_im = cap.im + (size_t)i * size;
            if (isacfe_session_send_report(s, &rep, NULL) != 0) closed = 1;
        }
    }
    if (closed) {
        lost = isacfe_session_pending(s, NULL, 0);
        fprintf(stderr, "connection lost: %s\n", isacfe_session_refusal(s));
    }
    double secs = (double)(isacfe_now_ns() - t0) / 1e9;
    const struct isacfe_counters *c = isacfe_session_counters(s);
    long long unaccounted = (long long)c->reports - (long long)c->updates - (long long)c->rejects - (long long)lost;
    qsort(rtt, nrtt, sizeof *rtt, cmp64);
    char rej[512] = "";
    static const char *const names[] = {"", "FRAME_TOO_LONG", "MALFORMED", "NO_HELLO", "UNKNOWN_RADIO",
                                        "DUPLICATE_RADIO", "BAD_HELLO", "BAD_DIMENSIONS", "NON_FINITE",
                                        "ZERO_CHANNEL", "TOO_MANY_USERS", "UNKNOWN_SOLVER", "BAD_PARAMETER",
                                        "OUT_OF_ORDER", "SUPERSEDED", "STALE", "SOLVER_FAILED", "OVERLOADED",
                                        "POWER_GUARD", "UNKNOWN_PARAM", "TOO_LARGE"};
    for (int r = 0; r < 21; r++) {
        if (rejects_by[r]) {
            size_t l = strlen(rej);
            snprintf(rej + l, sizeof rej - l, "%s\"%s\": %llu", l ? ", " : "", names[r], (unsigned long long)rejects_by[r]);
        }
    }
    char out[2048];
    snprintf(out, sizeof out,
             "{\"client\": \"c\", \"radio\": \"%s\", \"n\": %u, \"k\": %u, \"rf_chains\": %u, \"rate_hz\": %.1f, "
             "\"reports\": %llu, \"answers\": %llu, \"updates\": %llu, \"rejects\": {%s}, \"applied\": %llu, "
             "\"lost\": %zu, \"unaccounted\": %lld, \"unknown_answers\": %llu, \"bad_frames\": %llu, "
             "\"seconds\": %.3f, \"rtt_p50_us\": %.1f, \"rtt_p99_us\": %.1f}",
             radio, cap.n, cap.k, h.rf_chains, cap.rate_hz, (unsigned long long)c->reports,
             (unsigned long long)(c->updates + c->rejects), (unsigned long long)c->updates, rej,
             (unsigned long long)c->applied, lost, unaccounted, (unsigned long long)c->unknown_answers,
             (unsigned long long)bad_frames, secs, pct_us(rtt, nrtt, 50), pct_us(rtt, nrtt, 99));
    puts(out);
    if (json) {
        FILE *f = fopen(json, "w");
        if (f) {
            fputs(out, f);
            fputc('\n', f);
            fclose(f);
        }
    }
    int fail = check && (unaccounted != 0 || lost != 0 || bad_frames != 0 || c->unknown_answers != 0 ||
                         c->applied != c->updates);
    isacfe_session_close(s, "replay done");
    if (have_regs) isacfe_regs_close(&regs);
    free(rtt);
    free(wre);
    free(wim);
    free(cap.noise);
    free(cap.re);
    free(cap.im);
    return fail;
}
