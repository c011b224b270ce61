/* The session against an in-process stand-in controller (a thread) that scripts the protocol's cases. */
#include <arpa/inet.h>
#include <math.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "isacfe.h"
#include "testbed.pb-c.h"
#include "testutil.h"

static uint8_t *frame7; /* FRAME.md's hybrid example: radio fe-0, sequence 7 */
static size_t frame7_len;
static uint8_t *frame9; /* FRAME.md's wideband example: radio fe-0, sequence 9, S = 2 */
static size_t frame9_len;

struct standin {
    int listen_fd, port;
    const char *mode; /* "normal", "goodbye", "refuse", "wide-mismatch" (S = 1 update, S = 2 frame) */
    uint32_t hello_subbands, report_subbands;
    uint64_t applied_seq[16];
    uint32_t applied_crc[16];
    int applied;
    int reports;
    pthread_t thread;
};

static void send_msg(int fd, Isac__Testbed__V1__ControllerMessage *m) {
    size_t len = isac__testbed__v1__controller_message__get_packed_size(m);
    uint8_t *buf = malloc(len + 5);
    size_t pre = isacfe_varint_put(buf, (uint32_t)len);
    isac__testbed__v1__controller_message__pack(m, buf + pre);
    if (write(fd, buf, pre + len) < 0) perror("standin write");
    free(buf);
}

static void answer(struct standin *st, int fd, const Isac__Testbed__V1__CsiReport *r) {
    Isac__Testbed__V1__ControllerMessage m = ISAC__TESTBED__V1__CONTROLLER_MESSAGE__INIT;
    if (r->channel && r->channel->n_re > 0 && isnan(r->channel->re[0])) {
        Isac__Testbed__V1__Reject rj = ISAC__TESTBED__V1__REJECT__INIT;
        rj.sequence = r->sequence;
        rj.reason = ISAC__TESTBED__V1__REJECT__REASON__NON_FINITE;
        rj.detail = "NaN";
        m.body_case = ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_REJECT;
        m.reject = &rj;
        send_msg(fd, &m);
        return;
    }
    Isac__Testbed__V1__WeightUpdate u = ISAC__TESTBED__V1__WEIGHT_UPDATE__INIT;
    Isac__Testbed__V1__ComplexMatrix w = ISAC__TESTBED__V1__COMPLEX_MATRIX__INIT;
    Isac__Testbed__V1__ComplexMatrix w1 = ISAC__TESTBED__V1__COMPLEX_MATRIX__INIT, *w1p = &w1;
    float re = 0.5f, im = -0.25f, re1 = 0.25f, im1 = 0.5f;
    w.rows = w.cols = 1;
    w.n_re = w.n_im = 1;
    w.re = &re;
    w.im = &im;
    w1 = w;
    w1.re = &re1;
    w1.im = &im1;
    u.sequence = r->sequence;
    u.solver = "rzf";
    u.baseband = &w;
    if (r->sequence == 7) {
        u.fpga_frame.data = frame7;
        u.fpga_frame.len = frame7_len;
    }
    if (r->sequence == 9) { /* a wideband answer: W_1 beside W_0, a version 2 frame */
        u.fpga_frame.data = frame9;
        u.fpga_frame.len = frame9_len;
        u.n_subband_baseband = strcmp(st->mode, "wide-mismatch") ? 1 : 0;
        u.subband_baseband = &w1p;
    }
    m.body_case = ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_UPDATE;
    m.update = &u;
    send_msg(fd, &m);
    if (r->sequence == 2) send_msg(fd, &m); /* a duplicate answer */
}

static void *run(void *arg) {
    struct standin *st = arg;
    int fd = accept(st->listen_fd, NULL, NULL);
    close(st->listen_fd);
    struct isacfe_stream in;
    isacfe_stream_init(&in, 0);
    uint8_t buf[65536];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        isacfe_stream_feed(&in, buf, (size_t)n);
        const uint8_t *body;
        size_t len;
        while (isacfe_stream_next(&in, &body, &len) == 1) {
            Isac__Testbed__V1__FrontEndMessage *m = isac__testbed__v1__front_end_message__unpack(NULL, len, body);
            if (!m) continue;
            Isac__Testbed__V1__ControllerMessage out = ISAC__TESTBED__V1__CONTROLLER_MESSAGE__INIT;
            if (m->body_case == ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_HELLO) {
                st->hello_subbands = m->hello->subbands;
                if (!strcmp(st->mode, "refuse")) {
                    Isac__Testbed__V1__Reject rj = ISAC__TESTBED__V1__REJECT__INIT;
                    rj.reason = ISAC__TESTBED__V1__REJECT__REASON__DUPLICATE_RADIO;
                    rj.detail = "radio 'fe-0' is already connected";
                    out.body_case = ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_REJECT;
                    out.reject = &rj;
                    send_msg(fd, &out);
                } else {
                    Isac__Testbed__V1__HelloAck ack = ISAC__TESTBED__V1__HELLO_ACK__INIT;
                    ack.radio_id = m->hello->radio_id;
                    ack.protocol_version = 1;
                    ack.default_solver = "rzf";
                    out.body_case = ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_HELLO_ACK;
                    out.hello_ack = &ack;
                    send_msg(fd, &out);
                }
            } else if (m->body_case == ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_CSI) {
                st->reports++;
                st->report_subbands = (uint32_t)m->csi->n_subbands;
                if (!strcmp(st->mode, "goodbye")) {
                    if (st->reports == 2) {
                        Isac__Testbed__V1__Goodbye g = ISAC__TESTBED__V1__GOODBYE__INIT;
                        g.reason = "shutting down";
                        out.body_case = ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_GOODBYE;
                        out.goodbye = &g;
                        send_msg(fd, &out);
                    }
                } else {
                    answer(st, fd, m->csi);
                }
            } else if (m->body_case == ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_APPLIED && st->applied < 16) {
                st->applied_seq[st->applied] = m->applied->sequence;
                st->applied_crc[st->applied] = m->applied->frame_crc32c;
                st->applied++;
            }
            isac__testbed__v1__front_end_message__free_unpacked(m, NULL);
        }
    }
    isacfe_stream_free(&in);
    close(fd);
    return NULL;
}

static void start(struct standin *st, const char *mode) {
    memset(st, 0, sizeof *st);
    st->mode = mode;
    st->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(st->listen_fd, (struct sockaddr *)&a, sizeof a);
    socklen_t al = sizeof a;
    getsockname(st->listen_fd, (struct sockaddr *)&a, &al);
    st->port = ntohs(a.sin_port);
    listen(st->listen_fd, 1);
    pthread_create(&st->thread, NULL, run, st);
}

static struct isacfe_hello hello(void) {
    struct isacfe_hello h;
    memset(&h, 0, sizeof h);
    h.radio_id = "fe-0";
    h.tx_horizontal = 2;
    h.tx_vertical = 1;
    h.rf_chains = 1;
    h.phase_bits = 6;
    h.baseband_bits = 9;
    h.max_power_w = 10;
    return h;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    frame7 = worked_example(argv[1], "example-hybrid", &frame7_len);
    CHECK(frame7 != NULL);
    frame9 = worked_example(argv[1], "example-wideband", &frame9_len);
    CHECK(frame9 != NULL);
    float hre[2] = {1, 0.5f}, him[2] = {1, -0.2f}, nan_re[2] = {NAN, 0};
    double noise = 1e-3;
    struct isacfe_report rep;
    memset(&rep, 0, sizeof rep);
    rep.h_re = hre;
    rep.h_im = him;
    rep.n = 2;
    rep.k = 1;
    rep.noise_power_w = &noise;
    rep.noise_count = 1;
    rep.power_budget_w = 10;
    rep.deadline_budget_ns = 2000000;

    /* reports, answers (one per report; a duplicate is counted, not handed out), applied with the CRC */
    struct standin st;
    start(&st, "normal");
    struct isacfe_hello h = hello();
    isacfe_session *s;
    CHECK_EQ(isacfe_session_connect(&s, "127.0.0.1", (uint16_t)st.port, &h, NULL, 5000), 0);
    CHECK(!strcmp(isacfe_session_default_solver(s), "rzf"));
    for (int i = 1; i <= 7; i++) {
        uint64_t seq;
        CHECK_EQ(isacfe_session_send_report(s, &rep, &seq), 0);
        CHECK_EQ(seq, i);
    }
    int seen[9] = {0};
    struct isacfe_answer a;
    for (int got = 0; got < 7;) {
        int r = isacfe_session_poll(s, 2000, &a);
        CHECK(r == 1);
        if (r != 1) break;
        CHECK_EQ(a.kind, ISACFE_ANSWER_UPDATE);
        seen[a.sequence]++;
        got++;
        if (a.sequence == 7) {
            CHECK(a.has_frame && a.frame != NULL);
            CHECK_EQ(a.frame_error[0], 0);
            CHECK_EQ(a.crc32c, 0x76fa2bb6u); /* FRAME.md's hybrid example: its trailer */
            CHECK_EQ(a.frame->phase_codes[1], 16);
            CHECK_EQ(isacfe_session_applied(s, &a, 0), 0);
        } else if (a.sequence == 1) {
            CHECK(!a.has_frame && a.crc32c == 0);
            CHECK_EQ(isacfe_session_applied(s, &a, 0), 0);
        }
    }
    for (int i = 1; i <= 7; i++) CHECK_EQ(seen[i], 1);
    rep.h_re = nan_re;
    uint64_t seq;
    CHECK_EQ(isacfe_session_send_report(s, &rep, &seq), 0);
    CHECK_EQ(isacfe_session_poll(s, 2000, &a), 1);
    CHECK_EQ(a.kind, ISACFE_ANSWER_REJECT);
    CHECK_EQ(a.sequence, 8);
    CHECK(!strcmp(a.reject_name, "NON_FINITE"));
    rep.h_re = hre;
    CHECK_EQ(isacfe_session_poll(s, 100, &a), 0);
    CHECK_EQ(isacfe_session_counters(s)->unknown_answers, 1);
    CHECK_EQ(isacfe_session_counters(s)->updates, 7);
    CHECK_EQ(isacfe_session_counters(s)->rejects, 1);
    CHECK_EQ(isacfe_session_pending(s, NULL, 0), 0);
    isacfe_session_close(s, "done");
    pthread_join(st.thread, NULL);
    CHECK_EQ(st.applied, 2);
    CHECK(st.applied_seq[0] == 7 || st.applied_seq[1] == 7);
    for (int i = 0; i < st.applied; i++) CHECK_EQ(st.applied_crc[i], st.applied_seq[i] == 7 ? 0x76fa2bb6u : 0);

    /* wideband: S in the hello, a report of S = 2, an update with W_0 and W_1 and a version 2 frame */
    float wre[4] = {1, 0.5f, 0.25f, 1}, wim[4] = {1, -0.2f, 0.5f, 0};
    struct isacfe_report wide = rep;
    wide.h_re = wre;
    wide.h_im = wim;
    wide.subbands = 2;
    wide.sequence = 9;
    const char *modes[2] = {"normal", "wide-mismatch"};
    for (int mi = 0; mi < 2; mi++) {
        start(&st, modes[mi]);
        h.subbands = 2;
        CHECK_EQ(isacfe_session_connect(&s, "127.0.0.1", (uint16_t)st.port, &h, NULL, 5000), 0);
        h.subbands = 0;
        CHECK_EQ(isacfe_session_send_report(s, &wide, &seq), 0);
        CHECK_EQ(seq, 9);
        CHECK_EQ(isacfe_session_poll(s, 2000, &a), 1);
        CHECK_EQ(a.kind, ISACFE_ANSWER_UPDATE);
        const float *wr, *wi;
        if (mi == 0) {
            CHECK_EQ(a.subbands, 2);
            CHECK(a.frame != NULL && a.frame_error[0] == 0);
            CHECK_EQ(a.crc32c, 0xa18cd120u); /* FRAME.md's wideband example: its trailer */
            if (a.frame) {
                CHECK_EQ(a.frame->version, 2);
                CHECK_EQ(a.frame->subbands, 2);
            }
            CHECK_EQ(isacfe_answer_baseband(&a, 0, &wr, &wi), 0);
            CHECK(wr[0] == 0.5f && wi[0] == -0.25f);
            CHECK_EQ(isacfe_answer_baseband(&a, 1, &wr, &wi), 0);
            CHECK(wr[0] == 0.25f && wi[0] == 0.5f);
            CHECK_EQ(isacfe_answer_baseband(&a, 2, &wr, &wi), ISACFE_EARG);
            CHECK_EQ(isacfe_session_applied(s, &a, 0), 0);
        } else {
            /* the update says S = 1 and the frame S = 2: the frame is not handed out */
            CHECK_EQ(a.subbands, 1);
            CHECK(a.has_frame && a.frame == NULL && a.crc32c == 0);
            CHECK(strstr(a.frame_error, "frame has 2 baseband sets, the update 1") != NULL);
            CHECK_EQ(isacfe_answer_baseband(&a, 0, &wr, &wi), 0);
            CHECK_EQ(isacfe_answer_baseband(&a, 1, &wr, &wi), ISACFE_EARG);
        }
        isacfe_session_close(s, "done");
        pthread_join(st.thread, NULL);
        CHECK_EQ(st.hello_subbands, 2);
        CHECK_EQ(st.report_subbands, 2);
        CHECK_EQ(st.applied, mi == 0 ? 1 : 0);
        if (mi == 0) CHECK_EQ(st.applied_crc[0], 0xa18cd120u);
    }
    struct isacfe_answer rejected;
    memset(&rejected, 0, sizeof rejected);
    rejected.kind = ISACFE_ANSWER_REJECT;
    const float *pr, *pi;
    CHECK_EQ(isacfe_answer_baseband(&rejected, 0, &pr, &pi), ISACFE_EARG);

    /* a goodbye: the poll says closed and the unanswered reports are listed */
    start(&st, "goodbye");
    CHECK_EQ(isacfe_session_connect(&s, "127.0.0.1", (uint16_t)st.port, &h, NULL, 5000), 0);
    isacfe_session_send_report(s, &rep, &seq);
    isacfe_session_send_report(s, &rep, &seq);
    CHECK_EQ(isacfe_session_poll(s, 2000, &a), ISACFE_ECLOSED);
    uint64_t pend[4];
    CHECK_EQ(isacfe_session_pending(s, pend, 4), 2);
    CHECK(strstr(isacfe_session_refusal(s), "shutting down") != NULL);
    isacfe_session_close(s, NULL);
    pthread_join(st.thread, NULL);

    /* a refused hello */
    start(&st, "refuse");
    CHECK_EQ(isacfe_session_connect(&s, "127.0.0.1", (uint16_t)st.port, &h, NULL, 5000), ISACFE_EREFUSED);
    CHECK(s != NULL && strstr(isacfe_session_refusal(s), "DUPLICATE_RADIO") != NULL);
    isacfe_session_close(s, NULL);
    pthread_join(st.thread, NULL);

    /* nothing listening: back-off gives up after its attempts */
    CHECK(isacfe_session_connect_backoff(&s, "127.0.0.1", 1, &h, NULL, 200, 10, 20, 3) == ISACFE_EIO);
    free(frame7);
    free(frame9);
    return test_summary("session");
}
