/* Blocking session with the controller: hello, reports, answers, WeightApplied (docs/PROTOCOL.md). */
#include "isacfe.h"
#include "testbed.pb-c.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/select.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifdef ISACFE_WITH_TLS
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#endif

#define PENDING_SLOTS 8192u
#define SOFTWARE "libisacfe 0.1"

typedef Isac__Testbed__V1__FrontEndMessage FrontEndMessage;
typedef Isac__Testbed__V1__ControllerMessage ControllerMessage;

struct pending_slot {
    uint64_t sequence; /* 0 = free */
    int64_t sent_ns;
};

struct isacfe_session {
    int fd;
#ifdef ISACFE_WITH_TLS
    SSL_CTX *ctx;
    SSL *ssl;
#endif
    char radio_id[128];
    uint32_t n;
    struct isacfe_stream in;
    uint64_t next_sequence;
    struct pending_slot pending[PENDING_SLOTS];
    size_t pending_count;
    struct isacfe_counters counters;
    struct isacfe_frame frame;
    ControllerMessage *last; /* the message the last answer points into */
    char refusal[256];
    char default_solver[64];
    int acked, dead;
};

const char *isacfe_strerror(int code) {
    switch (code) {
        case ISACFE_OK: return "ok";
        case ISACFE_EARG: return "bad argument";
        case ISACFE_ENOMEM: return "out of memory";
        case ISACFE_EIO: return "I/O error";
        case ISACFE_ECLOSED: return "connection closed";
        case ISACFE_ETIMEOUT: return "timed out";
        case ISACFE_EPROTO: return "protocol error";
        case ISACFE_EFRAMING: return "framing error";
        case ISACFE_EREFUSED: return "hello refused";
        case ISACFE_ESTATE: return "not allowed in this state";
        case ISACFE_ETLS: return "TLS error";
        case ISACFE_ETOOBIG: return "message above the size limit";
        default: return "unknown error";
    }
}

int64_t isacfe_now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* ---- transport ----------------------------------------------------------------------------- */
static int send_all(isacfe_session *s, const uint8_t *p, size_t len) {
    while (len > 0) {
        ssize_t w;
#ifdef ISACFE_WITH_TLS
        if (s->ssl) {
            int r = SSL_write(s->ssl, p, (int)len);
            if (r <= 0) return ISACFE_ETLS;
            w = r;
        } else
#endif
        {
            w = send(s->fd, p, len, MSG_NOSIGNAL);
            if (w < 0 && errno == EINTR) continue;
            if (w < 0) return ISACFE_EIO;
        }
        p += w;
        len -= (size_t)w;
    }
    return ISACFE_OK;
}

static int send_message(isacfe_session *s, const FrontEndMessage *m) {
    size_t len = isac__testbed__v1__front_end_message__get_packed_size(m);
    uint8_t stackbuf[4096];
    uint8_t *buf = len + 5 <= sizeof stackbuf ? stackbuf : malloc(len + 5);
    if (!buf) return ISACFE_ENOMEM;
    size_t pre = isacfe_varint_put(buf, (uint32_t)len);
    isac__testbed__v1__front_end_message__pack(m, buf + pre);
    int rc = send_all(s, buf, pre + len);
    if (buf != stackbuf) free(buf);
    if (rc != ISACFE_OK) s->dead = 1;
    return rc;
}

/* Reads what is available within timeout_ns into the stream: 1 read, 0 timeout, < 0 error.
 * pselect, so that a front end can wait to the microsecond for its next report slot. */
static int fill(isacfe_session *s, int64_t timeout_ns) {
    uint8_t buf[65536];
    ssize_t r;
#ifdef ISACFE_WITH_TLS
    if (!(s->ssl && SSL_pending(s->ssl) > 0))
#endif
    {
        int pr;
        do {
            fd_set rd;
            FD_ZERO(&rd);
            FD_SET(s->fd, &rd);
            int64_t t = timeout_ns > 0 ? timeout_ns : 0;
            struct timespec ts = {(time_t)(t / 1000000000), (long)(t % 1000000000)};
            pr = pselect(s->fd + 1, &rd, NULL, NULL, &ts, NULL);
        } while (pr < 0 && errno == EINTR);
        if (pr < 0) return ISACFE_EIO;
        if (pr == 0) return 0;
    }
#ifdef ISACFE_WITH_TLS
    if (s->ssl) {
        r = SSL_read(s->ssl, buf, sizeof buf);
        if (r <= 0) {
            int e = SSL_get_error(s->ssl, (int)r);
            if (e == SSL_ERROR_WANT_READ) return 0;
            s->dead = 1;
            return e == SSL_ERROR_ZERO_RETURN ? ISACFE_ECLOSED : ISACFE_ETLS;
        }
    } else
#endif
    {
        do {
            r = recv(s->fd, buf, sizeof buf, 0);
        } while (r < 0 && errno == EINTR);
        if (r < 0) {
            s->dead = 1;
            return ISACFE_EIO;
        }
        if (r == 0) {
            s->dead = 1;
            snprintf(s->refusal, sizeof s->refusal, "controller closed the connection");
            return ISACFE_ECLOSED;
        }
    }
    int rc = isacfe_stream_feed(&s->in, buf, (size_t)r);
    return rc < 0 ? rc : 1;
}

/* ---- pending reports ----------------------------------------------------------------------- */
static int pending_add(isacfe_session *s, uint64_t seq, int64_t now) {
    struct pending_slot *p = &s->pending[seq % PENDING_SLOTS];
    if (p->sequence != 0) return ISACFE_ESTATE; /* PENDING_SLOTS reports outstanding */
    p->sequence = seq;
    p->sent_ns = now;
    s->pending_count++;
    return ISACFE_OK;
}

/* Takes seq off the pending list: its send time, or -1 when it was not pending. */
static int64_t pending_take(isacfe_session *s, uint64_t seq) {
    struct pending_slot *p = &s->pending[seq % PENDING_SLOTS];
    if (seq == 0 || p->sequence != seq) return -1;
    p->sequence = 0;
    s->pending_count--;
    return p->sent_ns;
}

size_t isacfe_session_pending(const isacfe_session *s, uint64_t *seqs, size_t max) {
    size_t n = 0;
    for (size_t i = 0; i < PENDING_SLOTS; i++) {
        if (s->pending[i].sequence) {
            if (n < max) seqs[n] = s->pending[i].sequence;
            n++;
        }
    }
    return n;
}

const struct isacfe_counters *isacfe_session_counters(const isacfe_session *s) { return &s->counters; }
const char *isacfe_session_refusal(const isacfe_session *s) { return s->refusal; }
const char *isacfe_session_default_solver(const isacfe_session *s) { return s->default_solver; }

/* ---- messages -------------------------------------------------------------------------------- */
static const char *reason_name(int reason) {
    const ProtobufCEnumValue *v =
        protobuf_c_enum_descriptor_get_value(&isac__testbed__v1__reject__reason__descriptor, reason);
    return v ? v->name : "UNKNOWN";
}

static void copy_str(char *dst, size_t cap, const char *src) {
    snprintf(dst, cap, "%s", src ? src : "");
}

/* Handles one message: 1 = *out is an answer, 2 = the hello ack, 0 = nothing for the caller, < 0 = error. */
static int on_message(isacfe_session *s, const uint8_t *body, size_t len, struct isacfe_answer *out) {
    if (s->last) {
        isac__testbed__v1__controller_message__free_unpacked(s->last, NULL);
        s->last = NULL;
    }
    ControllerMessage *m = isac__testbed__v1__controller_message__unpack(NULL, len, body);
    if (!m) return ISACFE_EPROTO;
    int64_t now = isacfe_now_ns();
    int rc = 0;
    memset(out, 0, sizeof *out);
    switch (m->body_case) {
        case ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_HELLO_ACK:
            s->acked = 1;
            copy_str(s->default_solver, sizeof s->default_solver, m->hello_ack->default_solver);
            rc = 2; /* not an answer, but the connect waiting for it can stop */
            break;
        case ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_GOODBYE:
            snprintf(s->refusal, sizeof s->refusal, "controller said goodbye: %s", m->goodbye->reason);
            s->dead = 1;
            rc = ISACFE_ECLOSED;
            break;
        case ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_REJECT: {
            const Isac__Testbed__V1__Reject *r = m->reject;
            if (!s->acked && r->sequence == 0) {
                snprintf(s->refusal, sizeof s->refusal, "%s %s", reason_name(r->reason), r->detail);
                rc = ISACFE_EREFUSED;
                break;
            }
            out->kind = ISACFE_ANSWER_REJECT;
            out->sequence = r->sequence;
            out->reject_reason = r->reason;
            copy_str(out->reject_name, sizeof out->reject_name, reason_name(r->reason));
            copy_str(out->detail, sizeof out->detail, r->detail);
            if (r->sequence == 0) {
                s->counters.other_rejects++;
                rc = 1;
                break;
            }
            int64_t sent = pending_take(s, r->sequence);
            if (sent < 0) {
                s->counters.unknown_answers++;
                break;
            }
            s->counters.rejects++;
            out->rtt_ns = now - sent;
            rc = 1;
            break;
        }
        case ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_UPDATE: {
            const Isac__Testbed__V1__WeightUpdate *u = m->update;
            int64_t sent = pending_take(s, u->sequence);
            if (sent < 0) {
                s->counters.unknown_answers++;
                break;
            }
            s->counters.updates++;
            out->kind = ISACFE_ANSWER_UPDATE;
            out->sequence = u->sequence;
            out->rtt_ns = now - sent;
            copy_str(out->solver, sizeof out->solver, u->solver);
            out->update = u;
            out->subbands = 1 + (uint32_t)u->n_subband_baseband;
            if (u->baseband) {
                out->baseband_rows = u->baseband->rows;
                out->baseband_cols = u->baseband->cols;
            }
            if (u->fpga_frame.len > 0) {
                out->has_frame = 1;
                out->frame_status = isacfe_frame_parse(u->fpga_frame.data, u->fpga_frame.len, NULL, &s->frame);
                if (out->frame_status != ISACFE_FRAME_OK) {
                    snprintf(out->frame_error, sizeof out->frame_error, "frame rejected: %s",
                             isacfe_frame_status_name(out->frame_status));
                } else if (!isacfe_frame_is_for(&s->frame, s->radio_id)) {
                    snprintf(out->frame_error, sizeof out->frame_error, "frame is for another radio id");
                } else if (s->frame.sequence != u->sequence) {
                    snprintf(out->frame_error, sizeof out->frame_error, "frame sequence differs from the update's");
                } else if (s->frame.n != s->n) {
                    snprintf(out->frame_error, sizeof out->frame_error, "frame has N=%u, the array %u", s->frame.n, s->n);
                } else if (s->frame.subbands != out->subbands) {
                    snprintf(out->frame_error, sizeof out->frame_error, "frame has %u baseband sets, the update %u",
                             s->frame.subbands, out->subbands);
                } else {
                    out->frame = &s->frame;
                    /* the ack names the frame by its CRC-32C trailer, which the parser has just
                     * checked: the CRC of the bytes before the trailer */
                    out->crc32c = s->frame.crc32c;
                }
            }
            rc = 1;
            break;
        }
        default:
            break;
    }
    s->last = m;
    return rc;
}

int isacfe_answer_baseband(const struct isacfe_answer *a, uint32_t s, const float **re, const float **im) {
    if (!a || a->kind != ISACFE_ANSWER_UPDATE || !a->update || s >= a->subbands || !re || !im) return ISACFE_EARG;
    const Isac__Testbed__V1__WeightUpdate *u = a->update;
    const Isac__Testbed__V1__ComplexMatrix *w = s == 0 ? u->baseband : u->subband_baseband[s - 1];
    if (!w || w->rows != a->baseband_rows || w->cols != a->baseband_cols) return ISACFE_EPROTO;
    size_t size = (size_t)w->rows * w->cols;
    if (w->n_re != size || w->n_im != size) return ISACFE_EPROTO;
    *re = w->re;
    *im = w->im;
    return ISACFE_OK;
}

/* Decodes buffered messages until one is an answer: 1, 0 none buffered, < 0 error. */
static int drain(isacfe_session *s, struct isacfe_answer *out) {
    const uint8_t *body;
    size_t len;
    int r;
    while ((r = isacfe_stream_next(&s->in, &body, &len)) == 1) {
        int h = on_message(s, body, len, out);
        if (h != 0) return h;
    }
    if (r < 0) s->dead = 1;
    return r;
}

int isacfe_session_poll(isacfe_session *s, int timeout_ms, struct isacfe_answer *out) {
    return isacfe_session_poll_ns(s, (int64_t)timeout_ms * 1000000, out);
}

int isacfe_session_poll_ns(isacfe_session *s, int64_t timeout_ns, struct isacfe_answer *out) {
    int64_t end = isacfe_now_ns() + timeout_ns;
    for (;;) {
        int r = drain(s, out);
        if (r == 2) return 0; /* the hello ack */
        if (r != 0) return r;
        if (s->dead) return ISACFE_ECLOSED;
        int64_t left = end - isacfe_now_ns();
        r = fill(s, left);
        if (r < 0) return r;
        if (r == 0) {
            if (left <= 0) return 0;
            if (isacfe_now_ns() >= end) {
                r = drain(s, out);
                return r == 2 ? 0 : r;
            }
        }
    }
}

/* ---- requests ------------------------------------------------------------------------------- */
int isacfe_encode_report(const char *radio_id, const struct isacfe_report *r, uint64_t sequence, int64_t capture_ns,
                         uint8_t **out, size_t *len) {
    if (!r || !r->h_re || !r->h_im || !out || !len) return ISACFE_EARG;
    if (r->noise_count > 0 && !r->noise_power_w) return ISACFE_EARG;
    if (r->target_count > 0 && !r->target_az_rad) return ISACFE_EARG;
    if (r->subbands > ISACFE_MAX_SUBBANDS) return ISACFE_EARG;
    uint32_t sb_count = r->subbands >= 2 ? r->subbands : 0; /* S = 1 is sent as narrowband */
    /* entries of one subband and of all: counted in 64 bits (size_t is 32 bits on some front ends) */
    uint64_t size = (uint64_t)r->n * r->k; /* < 2^64; then each factor below the limit: no wrap */
    if (size > ISACFE_MAX_MESSAGE_BYTES / 8 || size * (sb_count ? sb_count : 1) > ISACFE_MAX_MESSAGE_BYTES / 8) {
        return ISACFE_ETOOBIG; /* re and im: 8 bytes an entry at least */
    }
    Isac__Testbed__V1__ComplexMatrix ch = ISAC__TESTBED__V1__COMPLEX_MATRIX__INIT;
    ch.rows = r->n;
    ch.cols = r->k;
    ch.n_re = ch.n_im = (size_t)size;
    ch.re = (float *)r->h_re;
    ch.im = (float *)r->h_im;
    Isac__Testbed__V1__CsiReport rep = ISAC__TESTBED__V1__CSI_REPORT__INIT;
    rep.radio_id = (char *)radio_id;
    rep.sequence = sequence;
    rep.capture_ns = capture_ns;
    rep.deadline_ns = r->deadline_budget_ns > 0 ? capture_ns + r->deadline_budget_ns : 0;
    rep.power_budget_w = r->power_budget_w;
    rep.solver = (char *)(r->solver ? r->solver : "");
    /* wideband: S Subband messages, each its channel (a slice of h_re / h_im) and noise; the
     * top-level channel and noise stay empty */
    void *block = NULL;
    if (sb_count) {
        block = malloc(sb_count * (sizeof(Isac__Testbed__V1__Subband) + sizeof(Isac__Testbed__V1__Subband *) +
                                   sizeof(Isac__Testbed__V1__ComplexMatrix)));
        if (!block) return ISACFE_ENOMEM;
        Isac__Testbed__V1__Subband *sbs = block;
        Isac__Testbed__V1__ComplexMatrix *chs = (Isac__Testbed__V1__ComplexMatrix *)(sbs + sb_count);
        Isac__Testbed__V1__Subband **sbp = (Isac__Testbed__V1__Subband **)(chs + sb_count);
        for (uint32_t b = 0; b < sb_count; b++) {
            chs[b] = ch;
            chs[b].re = (float *)r->h_re + (size_t)b * size;
            chs[b].im = (float *)r->h_im + (size_t)b * size;
            Isac__Testbed__V1__Subband sb = ISAC__TESTBED__V1__SUBBAND__INIT;
            sb.channel = &chs[b];
            sb.n_noise_power_w = r->noise_count;
            sb.noise_power_w = (double *)r->noise_power_w;
            if (sb.noise_power_w && r->noise_per_subband) sb.noise_power_w += (size_t)b * r->noise_count;
            sb.frequency_offset_hz = r->frequency_offset_hz ? r->frequency_offset_hz[b] : 0;
            sbs[b] = sb;
            sbp[b] = &sbs[b];
        }
        rep.n_subbands = sb_count;
        rep.subbands = sbp;
        rep.carrier_hz = r->carrier_hz;
    } else {
        rep.channel = &ch;
        rep.n_noise_power_w = r->noise_count;
        rep.noise_power_w = (double *)r->noise_power_w;
    }
    Isac__Testbed__V1__Target tg[16];
    Isac__Testbed__V1__Target *tp[16];
    uint32_t nt = r->target_count > 16 ? 16 : r->target_count;
    for (uint32_t i = 0; i < nt; i++) {
        Isac__Testbed__V1__Target t = ISAC__TESTBED__V1__TARGET__INIT;
        t.azimuth_rad = r->target_az_rad[i];
        t.gain_re = 1;
        tg[i] = t;
        tp[i] = &tg[i];
    }
    rep.n_targets = nt;
    rep.targets = nt ? tp : NULL;
    FrontEndMessage m = ISAC__TESTBED__V1__FRONT_END_MESSAGE__INIT;
    m.body_case = ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_CSI;
    m.csi = &rep;
    int rc = ISACFE_OK;
    size_t body = isac__testbed__v1__front_end_message__get_packed_size(&m);
    uint8_t *buf = NULL;
    if (body > ISACFE_MAX_MESSAGE_BYTES) {
        rc = ISACFE_ETOOBIG; /* the controller would close the session (FRAME_TOO_LONG) */
    } else if (!(buf = malloc(body + 5))) {
        rc = ISACFE_ENOMEM;
    } else {
        size_t pre = isacfe_varint_put(buf, (uint32_t)body);
        isac__testbed__v1__front_end_message__pack(&m, buf + pre);
        *out = buf;
        *len = pre + body;
    }
    free(block);
    return rc;
}

int isacfe_session_send_report(isacfe_session *s, const struct isacfe_report *r, uint64_t *sequence) {
    if (!s || !r) return ISACFE_EARG;
    if (s->dead) return ISACFE_ECLOSED;
    uint64_t seq = r->sequence ? r->sequence : s->next_sequence + 1;
    int64_t capture = r->capture_ns ? r->capture_ns : isacfe_now_ns();
    uint8_t *buf;
    size_t len;
    int rc = isacfe_encode_report(s->radio_id, r, seq, capture, &buf, &len);
    if (rc != ISACFE_OK) return rc;
    if (seq > s->next_sequence) s->next_sequence = seq;
    rc = pending_add(s, seq, isacfe_now_ns());
    if (rc == ISACFE_OK) {
        rc = send_all(s, buf, len);
        if (rc != ISACFE_OK) s->dead = 1;
        s->counters.reports++;
    }
    free(buf);
    if (sequence) *sequence = seq;
    return rc;
}

int isacfe_session_applied(isacfe_session *s, const struct isacfe_answer *u, int64_t apply_ns) {
    if (!s || !u || u->kind != ISACFE_ANSWER_UPDATE) return ISACFE_EARG;
    Isac__Testbed__V1__WeightApplied a = ISAC__TESTBED__V1__WEIGHT_APPLIED__INIT;
    a.radio_id = s->radio_id;
    a.sequence = u->sequence;
    a.apply_ns = apply_ns ? apply_ns : isacfe_now_ns();
    a.frame_crc32c = u->crc32c;
    FrontEndMessage m = ISAC__TESTBED__V1__FRONT_END_MESSAGE__INIT;
    m.body_case = ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_APPLIED;
    m.applied = &a;
    int rc = send_message(s, &m);
    if (rc == ISACFE_OK) s->counters.applied++;
    return rc;
}

/* ---- connect / close ------------------------------------------------------------------------- */
static int tcp_connect(const char *host, uint16_t port, int timeout_ms) {
    char ps[8];
    snprintf(ps, sizeof ps, "%u", (unsigned)port);
    struct addrinfo hints, *res, *ai;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, ps, &hints, &res) != 0) return -1;
    int fd = -1;
    for (ai = res; ai; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
        if (fd < 0) continue;
        struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) break;
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

#ifdef ISACFE_WITH_TLS
static int tls_start(isacfe_session *s, const struct isacfe_tls *tls, const char *host) {
    s->ctx = SSL_CTX_new(TLS_client_method());
    if (!s->ctx) return ISACFE_ETLS;
    SSL_CTX_set_min_proto_version(s->ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(s->ctx, SSL_VERIFY_PEER, NULL);
    if (SSL_CTX_load_verify_locations(s->ctx, tls->ca_file, NULL) != 1 ||
        SSL_CTX_use_certificate_chain_file(s->ctx, tls->cert_file) != 1 ||
        SSL_CTX_use_PrivateKey_file(s->ctx, tls->key_file, SSL_FILETYPE_PEM) != 1) {
        snprintf(s->refusal, sizeof s->refusal, "TLS files: %s", ERR_reason_error_string(ERR_get_error()));
        return ISACFE_ETLS;
    }
    s->ssl = SSL_new(s->ctx);
    if (!s->ssl) return ISACFE_ETLS;
    const char *name = tls->server_name ? tls->server_name : host;
    SSL_set_tlsext_host_name(s->ssl, name);
    X509_VERIFY_PARAM *vp = SSL_get0_param(s->ssl);
    X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    if (X509_VERIFY_PARAM_set1_host(vp, name, 0) != 1 && X509_VERIFY_PARAM_set1_ip_asc(vp, name) != 1) {
        return ISACFE_ETLS;
    }
    SSL_set_fd(s->ssl, s->fd);
    if (SSL_connect(s->ssl) != 1) {
        snprintf(s->refusal, sizeof s->refusal, "TLS handshake: %s", ERR_reason_error_string(ERR_get_error()));
        return ISACFE_ETLS;
    }
    return ISACFE_OK;
}
#endif

static void teardown(isacfe_session *s) {
#ifdef ISACFE_WITH_TLS
    if (s->ssl) {
        SSL_shutdown(s->ssl);
        SSL_free(s->ssl);
    }
    if (s->ctx) SSL_CTX_free(s->ctx);
#endif
    if (s->fd >= 0) close(s->fd);
    if (s->last) isac__testbed__v1__controller_message__free_unpacked(s->last, NULL);
    isacfe_stream_free(&s->in);
    isacfe_frame_free(&s->frame);
}

int isacfe_session_connect(isacfe_session **out, const char *host, uint16_t port, const struct isacfe_hello *h,
                           const struct isacfe_tls *tls, int timeout_ms) {
    if (!out || !host || !h || !h->radio_id || strlen(h->radio_id) >= 128) return ISACFE_EARG;
    *out = NULL;
    isacfe_session *s = calloc(1, sizeof *s);
    if (!s) return ISACFE_ENOMEM;
    s->fd = -1;
    isacfe_stream_init(&s->in, 0);
    isacfe_frame_init(&s->frame);
    copy_str(s->radio_id, sizeof s->radio_id, h->radio_id);
    s->n = h->tx_horizontal * (h->tx_vertical ? h->tx_vertical : 1);
    int rc = ISACFE_OK;
    s->fd = tcp_connect(host, port, timeout_ms);
    if (s->fd < 0) {
        rc = ISACFE_EIO;
        goto fail;
    }
#ifdef ISACFE_WITH_TLS
    if (tls && (rc = tls_start(s, tls, host)) != ISACFE_OK) goto fail;
#else
    if (tls) {
        rc = ISACFE_ETLS; /* built without OpenSSL */
        goto fail;
    }
#endif
    Isac__Testbed__V1__ArrayGeometry tx = ISAC__TESTBED__V1__ARRAY_GEOMETRY__INIT, rx = ISAC__TESTBED__V1__ARRAY_GEOMETRY__INIT;
    tx.horizontal = h->tx_horizontal;
    tx.vertical = h->tx_vertical ? h->tx_vertical : 1;
    tx.spacing_wavelengths = h->spacing_wavelengths;
    Isac__Testbed__V1__FrontEndHello hello = ISAC__TESTBED__V1__FRONT_END_HELLO__INIT;
    hello.radio_id = s->radio_id;
    hello.tx_array = &tx;
    if (h->rx_horizontal) {
        rx.horizontal = h->rx_horizontal;
        rx.vertical = h->rx_vertical ? h->rx_vertical : 1;
        rx.spacing_wavelengths = h->spacing_wavelengths;
        hello.rx_array = &rx;
    }
    hello.rf_chains = h->rf_chains;
    hello.phase_bits = h->phase_bits;
    hello.baseband_bits = h->baseband_bits;
    hello.max_power_w = h->max_power_w;
    hello.per_antenna_power = h->per_antenna_power != 0;
    Isac__Testbed__V1__Mode mode = h->rf_chains ? ISAC__TESTBED__V1__MODE__MODE_HYBRID : ISAC__TESTBED__V1__MODE__MODE_DIGITAL;
    hello.n_modes = 1;
    hello.modes = &mode;
    hello.max_users = h->max_users;
    hello.protocol_version = 1;
    hello.software = (char *)(h->software ? h->software : SOFTWARE);
    hello.shared_clock = h->shared_clock != 0;
    hello.subbands = h->subbands;
    FrontEndMessage m = ISAC__TESTBED__V1__FRONT_END_MESSAGE__INIT;
    m.body_case = ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_HELLO;
    m.hello = &hello;
    if ((rc = send_message(s, &m)) != ISACFE_OK) goto fail;
    int64_t end = isacfe_now_ns() + (int64_t)timeout_ms * 1000000;
    struct isacfe_answer scratch;
    while (!s->acked) {
        int64_t left = end - isacfe_now_ns();
        if (left <= 0) {
            rc = ISACFE_ETIMEOUT;
            goto fail;
        }
        int r = isacfe_session_poll(s, (int)(left / 1000000) + 1, &scratch);
        if (r < 0) {
            rc = r;
            goto fail;
        }
    }
    *out = s;
    return ISACFE_OK;
fail:
    if (rc == ISACFE_EREFUSED || rc == ISACFE_ETLS || rc == ISACFE_ECLOSED) {
        *out = s; /* the caller may read isacfe_session_refusal, then close */
        s->dead = 1;
        return rc;
    }
    teardown(s);
    free(s);
    return rc;
}

int isacfe_session_connect_backoff(isacfe_session **out, const char *host, uint16_t port,
                                   const struct isacfe_hello *hello, const struct isacfe_tls *tls, int timeout_ms,
                                   int first_ms, int max_ms, int attempts) {
    int delay = first_ms > 0 ? first_ms : 100;
    for (int tried = 1;; tried++) {
        int rc = isacfe_session_connect(out, host, port, hello, tls, timeout_ms);
        if (rc == ISACFE_OK || rc == ISACFE_EREFUSED || rc == ISACFE_EARG) return rc;
        if (*out) {
            isacfe_session_close(*out, NULL);
            *out = NULL;
        }
        if (attempts > 0 && tried >= attempts) return rc;
        struct timespec ts = {delay / 1000, (long)(delay % 1000) * 1000000L};
        nanosleep(&ts, NULL);
        delay = delay * 2 > max_ms ? max_ms : delay * 2;
    }
}

void isacfe_session_close(isacfe_session *s, const char *reason) {
    if (!s) return;
    if (reason && !s->dead) {
        Isac__Testbed__V1__Goodbye g = ISAC__TESTBED__V1__GOODBYE__INIT;
        g.reason = (char *)reason;
        FrontEndMessage m = ISAC__TESTBED__V1__FRONT_END_MESSAGE__INIT;
        m.body_case = ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_GOODBYE;
        m.goodbye = &g;
        send_message(s, &m);
    }
    teardown(s);
    free(s);
}
