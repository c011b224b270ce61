/* Against the real controller (`./isac serve`): ISACFE_CONTROLLER=host:port. The documented
 * rejects for bad client input (report before hello, NaN, wrong dimensions), a second session
 * with the same radio id, a good report whose frame is valid and acknowledged, and a wideband
 * session whose answer carries every subband's weights (floats and a version 2 frame). */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "isacfe.h"
#include "testbed.pb-c.h"
#include "testutil.h"

static char host[128];
static int port;

static struct isacfe_answer answer_to(isacfe_session *s, const struct isacfe_report *r) {
    uint64_t seq;
    struct isacfe_answer a;
    memset(&a, 0, sizeof a);
    CHECK_EQ(isacfe_session_send_report(s, r, &seq), 0);
    int rc = isacfe_session_poll(s, 5000, &a);
    CHECK_EQ(rc, 1);
    CHECK_EQ(a.sequence, seq);
    return a;
}

static void before_hello(const struct isacfe_report *r) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &sa.sin_addr);
    CHECK_EQ(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    uint8_t *buf;
    size_t len;
    CHECK_EQ(isacfe_encode_report("c-nohello", r, 5, isacfe_now_ns(), &buf, &len), 0);
    CHECK_EQ(write(fd, buf, len), (long)len);
    free(buf);
    struct isacfe_stream in;
    isacfe_stream_init(&in, 0);
    uint8_t rb[4096];
    const uint8_t *body = NULL;
    size_t bl = 0;
    ssize_t n;
    int got = 0;
    while (!got && (n = read(fd, rb, sizeof rb)) > 0) {
        isacfe_stream_feed(&in, rb, (size_t)n);
        got = isacfe_stream_next(&in, &body, &bl) == 1;
    }
    CHECK(got);
    if (got) {
        Isac__Testbed__V1__ControllerMessage *m = isac__testbed__v1__controller_message__unpack(NULL, bl, body);
        CHECK(m && m->body_case == ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_REJECT);
        if (m && m->reject) {
            CHECK_EQ(m->reject->reason, ISAC__TESTBED__V1__REJECT__REASON__NO_HELLO);
            CHECK_EQ(m->reject->sequence, 5);
        }
        if (m) isac__testbed__v1__controller_message__free_unpacked(m, NULL);
    }
    isacfe_stream_free(&in);
    close(fd);
}

/* A digital rzf wideband request, S = 4, N = 8, K = 2: four sets of weights, the frame's S = 4,
 * each W_s within the frame's quantization of its floats, each at the full budget; a narrowband
 * hybrid solver is refused a wideband report. */
static void wideband(void) {
    enum { S = 4, N = 8, K = 2, NK = N * K };
    float re[S * NK], im[S * NK];
    for (int i = 0; i < S * NK; i++) { /* a different channel per subband */
        re[i] = (float)cos(0.7 * i + 0.3 * (i / NK) * (i / NK));
        im[i] = (float)sin(1.3 * i - 0.5 * (i / NK));
    }
    double noise = 0.01, offsets[S];
    for (int b = 0; b < S; b++) offsets[b] = (b - 1.5) * 100e6;
    struct isacfe_report r;
    memset(&r, 0, sizeof r);
    r.h_re = re;
    r.h_im = im;
    r.n = N;
    r.k = K;
    r.noise_power_w = &noise;
    r.noise_count = 1;
    r.power_budget_w = 1;
    r.solver = "rzf";
    r.subbands = S;
    r.frequency_offset_hz = offsets;
    r.carrier_hz = 28e9;

    struct isacfe_hello h;
    memset(&h, 0, sizeof h);
    h.radio_id = "c-wide";
    h.tx_horizontal = N;
    h.tx_vertical = 1;
    h.max_power_w = 1;
    h.shared_clock = 1;
    h.subbands = S;
    isacfe_session *s;
    CHECK_EQ(isacfe_session_connect(&s, host, (uint16_t)port, &h, NULL, 10000), 0);
    if (!s) return;
    struct isacfe_answer a = answer_to(s, &r);
    CHECK_EQ(a.kind, ISACFE_ANSWER_UPDATE);
    if (a.kind != ISACFE_ANSWER_UPDATE) fprintf(stderr, "wideband: %s %s\n", a.reject_name, a.detail);
    CHECK_EQ(a.subbands, S);
    CHECK_EQ(a.baseband_rows, N);
    CHECK_EQ(a.baseband_cols, K);
    CHECK(a.frame != NULL && a.frame_error[0] == 0);
    if (a.frame_error[0]) fprintf(stderr, "wideband: %s\n", a.frame_error);
    if (a.kind == ISACFE_ANSWER_UPDATE && a.frame && a.subbands == S) {
        const struct isacfe_frame *f = a.frame;
        CHECK_EQ(f->version, 2);
        CHECK_EQ(f->subbands, S);
        CHECK(f->n == N && f->k == K && !f->hybrid);
        const float *w0re = NULL, *w0im = NULL;
        for (uint32_t b = 0; b < S; b++) {
            const float *wr, *wi;
            double qre[NK], qim[NK];
            CHECK_EQ(isacfe_answer_baseband(&a, b, &wr, &wi), 0);
            CHECK_EQ(isacfe_frame_subband_baseband(f, b, qre, qim), 0);
            if (b == 0) {
                w0re = wr;
                w0im = wi;
            }
            double power = 0, amax = 0, err = 0;
            for (int e = 0; e < NK; e++) {
                power += (double)wr[e] * wr[e] + (double)wi[e] * wi[e];
                amax = fmax(amax, fmax(fabs(wr[e]), fabs(wi[e])));
                err = fmax(err, fmax(fabs(qre[e] - wr[e]), fabs(qim[e] - wi[e])));
            }
            /* each subband's floats: rzf of its own channel at the full budget */
            CHECK(fabs(power - 1.0) < 1e-4);
            /* the frame's W_s: within its quantization step (the codec's word and the scale) */
            float scale;
            memcpy(&scale, &f->scales_bits[b], sizeof scale);
            double bound = 2 * (amax / (ldexp(1, f->baseband_bits - 1) - 0.5) + scale);
            CHECK(err <= bound);
            if (getenv("ISACFE_VERBOSE") || fabs(power - 1.0) >= 1e-4 || err > bound) {
                fprintf(stderr, "wideband subband %u: power %.6f, |W_frame - W| %.3g (bound %.3g)\n", b, power, err, bound);
            }
        }
        const float *w1re, *w1im;
        CHECK_EQ(isacfe_answer_baseband(&a, 1, &w1re, &w1im), 0);
        CHECK(w0re && memcmp(w0re, w1re, NK * sizeof *w1re) != 0); /* the subbands are solved apart */
        CHECK(w0im && memcmp(w0im, w1im, NK * sizeof *w1im) != 0);
        const float *pr, *pi;
        CHECK_EQ(isacfe_answer_baseband(&a, S, &pr, &pi), ISACFE_EARG);
        CHECK_EQ(isacfe_session_applied(s, &a, 0), 0);
    }
    /* a narrowband hybrid solver cannot answer a wideband report */
    r.solver = "hybrid-pga";
    a = answer_to(s, &r);
    CHECK(a.kind == ISACFE_ANSWER_REJECT && !strcmp(a.reject_name, "BAD_PARAMETER"));
    CHECK(strstr(a.detail, "hybrid-upga-wb") != NULL); /* names the wideband hybrid solver */
    CHECK_EQ(isacfe_session_counters(s)->unknown_answers, 0);
    isacfe_session_close(s, "done");
}

int main(void) {
    const char *addr = getenv("ISACFE_CONTROLLER");
    if (!addr || !strchr(addr, ':')) {
        printf("controller: skipped (set ISACFE_CONTROLLER=host:port)\n");
        return 0;
    }
    snprintf(host, sizeof host, "%.*s", (int)(strchr(addr, ':') - addr), addr);
    port = atoi(strchr(addr, ':') + 1);

    enum { N = 8, K = 2 };
    float re[N * K + K], im[N * K + K];
    for (int i = 0; i < N * K + K; i++) {
        re[i] = (float)cos(0.7 * i);
        im[i] = (float)sin(1.3 * i);
    }
    double noise = 0.01;
    struct isacfe_report r;
    memset(&r, 0, sizeof r);
    r.h_re = re;
    r.h_im = im;
    r.n = N;
    r.k = K;
    r.noise_power_w = &noise;
    r.noise_count = 1;
    r.power_budget_w = 1;
    r.solver = "rzf";
    before_hello(&r);

    struct isacfe_hello h;
    memset(&h, 0, sizeof h);
    h.radio_id = "c-check";
    h.tx_horizontal = N;
    h.tx_vertical = 1;
    h.max_power_w = 1;
    h.shared_clock = 1;
    isacfe_session *s;
    CHECK_EQ(isacfe_session_connect(&s, host, (uint16_t)port, &h, NULL, 10000), 0);
    if (!s) return test_summary("controller");

    struct isacfe_answer a = answer_to(s, &r);
    CHECK_EQ(a.kind, ISACFE_ANSWER_UPDATE);
    CHECK(a.has_frame && a.frame != NULL);
    if (a.frame) {
        CHECK_EQ(a.frame->n, N);
        CHECK_EQ(a.frame->k, K);
        CHECK_EQ(a.crc32c, a.frame->crc32c); /* the ack echoes the frame's trailer */
        CHECK(a.crc32c != 0x48674bc7u);      /* not the CRC-32C residue of the whole frame */
        CHECK_EQ(isacfe_session_applied(s, &a, 0), 0);
    }

    re[3] = NAN;
    a = answer_to(s, &r);
    CHECK(a.kind == ISACFE_ANSWER_REJECT && !strcmp(a.reject_name, "NON_FINITE"));
    re[3] = 0.5f;
    r.n = N + 1; /* the hello said N = 8 */
    a = answer_to(s, &r);
    CHECK(a.kind == ISACFE_ANSWER_REJECT && !strcmp(a.reject_name, "BAD_DIMENSIONS"));
    r.n = N;
    r.solver = "no-such-solver";
    a = answer_to(s, &r);
    CHECK(a.kind == ISACFE_ANSWER_REJECT && !strcmp(a.reject_name, "UNKNOWN_SOLVER"));
    r.solver = "rzf";

    isacfe_session *dup = NULL;
    CHECK_EQ(isacfe_session_connect(&dup, host, (uint16_t)port, &h, NULL, 10000), ISACFE_EREFUSED);
    CHECK(dup && strstr(isacfe_session_refusal(dup), "DUPLICATE_RADIO") != NULL);
    isacfe_session_close(dup, NULL);

    a = answer_to(s, &r); /* the session goes on */
    CHECK_EQ(a.kind, ISACFE_ANSWER_UPDATE);
    CHECK_EQ(isacfe_session_counters(s)->unknown_answers, 0);
    isacfe_session_close(s, "done");
    wideband();
    return test_summary("controller");
}
