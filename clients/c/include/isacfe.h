/*
 * libisacfe: a C99 front-end kit for the ISAC testbed controller.
 *
 *   - isacfe_crc32c, isacfe_frame_parse: the weight frame of fpga-bridge/FRAME.md, to the bit
 *   - isacfe_stream_*: varint length-delimited framing of the protobuf envelopes
 *   - isacfe_regs_*: the double-buffered register writer (UIO device or file, mmap)
 *   - isacfe_session_*: a blocking session (hello, reports, answers, WeightApplied)
 *
 * The protocol is docs/PROTOCOL.md; the wire schema proto/src/main/proto/testbed.proto.
 * Functions return 0 (or a count) on success and a negative ISACFE_E* code on failure.
 */
#ifndef ISACFE_H
#define ISACFE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- errors ---------------------------------------------------------------------------- */
#define ISACFE_OK 0
#define ISACFE_EARG (-1)      /* bad argument */
#define ISACFE_ENOMEM (-2)
#define ISACFE_EIO (-3)       /* socket or file error (errno kept) */
#define ISACFE_ECLOSED (-4)   /* the controller closed the connection or said goodbye */
#define ISACFE_ETIMEOUT (-5)
#define ISACFE_EPROTO (-6)    /* bytes that do not parse as the schema, or an unexpected message */
#define ISACFE_EFRAMING (-7)  /* length prefix too long or above the limit: the stream is dead */
#define ISACFE_EREFUSED (-8)  /* the controller refused the hello (reason in the session) */
#define ISACFE_ESTATE (-9)    /* call not allowed in the session's state */
#define ISACFE_ETLS (-10)
#define ISACFE_ETOOBIG (-11)  /* the message would exceed ISACFE_MAX_MESSAGE_BYTES (nothing sent) */

const char *isacfe_strerror(int code);

/* ---- CRC-32C and FNV-1a ------------------------------------------------------------------ */
/* CRC-32C (Castagnoli) as java.util.zip.CRC32C; pass 0 to start, the previous value to continue. */
uint32_t isacfe_crc32c(uint32_t crc, const void *data, size_t len);
/* FNV-1a-32 of a radio id's bytes (the frame header's radioIdHash). */
uint32_t isacfe_fnv1a32(const char *s);

/* ---- weight frame (fpga-bridge/FRAME.md) ------------------------------------------------- */
/* Reject reasons, named and ordered as org.isac.fpga.frame.RejectReason; 0 = accepted. */
enum isacfe_frame_status {
    ISACFE_FRAME_OK = 0,
    ISACFE_FRAME_TRUNCATED,
    ISACFE_FRAME_TRAILING_BYTES,
    ISACFE_FRAME_OVERSIZED,
    ISACFE_FRAME_BAD_MAGIC,
    ISACFE_FRAME_BAD_VERSION,
    ISACFE_FRAME_BAD_CRC,
    ISACFE_FRAME_BAD_MODE,
    ISACFE_FRAME_BAD_CODEC,
    ISACFE_FRAME_BAD_BITS,
    ISACFE_FRAME_BAD_RESERVED,
    ISACFE_FRAME_BAD_DIMENSIONS,
    ISACFE_FRAME_LENGTH_MISMATCH,
    ISACFE_FRAME_BAD_PADDING,
    ISACFE_FRAME_BAD_VALUE,
    ISACFE_FRAME_NO_MEMORY
};
const char *isacfe_frame_status_name(int status);

#define ISACFE_CODEC_FIXED 1
#define ISACFE_CODEC_BFP 2

struct isacfe_frame_limits {
    uint32_t max_n, max_m, max_k, max_frame_bytes;
    uint32_t max_subbands; /* S of a version 2 frame; 0 = ISACFE_FRAME_MAX_SUBBANDS */
};
/* Most baseband sets a version 2 (wideband) frame carries. */
#define ISACFE_FRAME_MAX_SUBBANDS 1024u
/* N <= 1024, M <= 256, K <= 256, 4 MiB, S <= 1024: the Java ParserLimits.DEFAULT. */
extern const struct isacfe_frame_limits ISACFE_FRAME_LIMITS_DEFAULT;

/* A parsed frame, version 1 or 2 (S baseband sets behind one F). Arrays grow only
 * (isacfe_frame_free releases them); fields are valid until the next parse into the same holder.
 * Subband b's words follow subband b-1's: exponents[b*K + k], iq[2*(b*rows*K + e)]. */
struct isacfe_frame {
    int version, hybrid, codec, phase_bits, baseband_bits, gain_bits, gain_step_centi_db;
    uint32_t radio_id_hash;
    uint64_t sequence;
    uint32_t n, m, k;
    uint32_t payload_length, frame_length, crc32c;
    uint32_t scale_bits;   /* float32 bits of subband 0's frame scale s */
    float scale;
    uint16_t *phase_codes; /* N*M (hybrid) */
    uint16_t *gain_codes;  /* N*M (hybrid, gain_bits > 0) */
    int32_t *exponents;    /* S*K */
    int32_t *iq;           /* 2 * S * rows * K: I, Q per entry e = r*K + k, subband after subband */
    size_t cap_shifters, cap_entries, cap_cols;
    uint32_t subbands;     /* S: 1 for version 1, >= 2 for version 2 */
    uint32_t *scales_bits; /* S: each subband's frame scale (float32 bits) */
    size_t cap_subbands;
};

void isacfe_frame_init(struct isacfe_frame *f);
void isacfe_frame_free(struct isacfe_frame *f);
/* Parses exactly len bytes; returns ISACFE_FRAME_OK or the first failing check's reason
 * (the order of FRAME.md's parser table). Reads nothing outside [data, data+len). limits may be NULL. */
int isacfe_frame_parse(const uint8_t *data, size_t len, const struct isacfe_frame_limits *limits,
                       struct isacfe_frame *out);
/* Rows of W: M (hybrid) or N (digital). */
uint32_t isacfe_frame_rows(const struct isacfe_frame *f);
int isacfe_frame_is_for(const struct isacfe_frame *f, const char *radio_id);
/* Quantized W (rows x K, row-major): s * 2^e[k] * (I + jQ), exact in double (subband 0's). */
void isacfe_frame_baseband(const struct isacfe_frame *f, double *re, double *im);
/* Subband b's quantized W_b (rows x K); returns ISACFE_EARG when b >= S. */
int isacfe_frame_subband_baseband(const struct isacfe_frame *f, uint32_t b, double *re, double *im);
/* Quantized F (N x M, row-major) as ideal hardware realizes it; returns ISACFE_EARG for digital. */
int isacfe_frame_analog(const struct isacfe_frame *f, double *re, double *im);

/* ---- varint framing ----------------------------------------------------------------------- */
#define ISACFE_MAX_MESSAGE_BYTES (4u << 20)
/* Writes the varint of v (at most 5 bytes) and returns its length. */
size_t isacfe_varint_put(uint8_t *dst, uint32_t v);

struct isacfe_stream {
    uint8_t *buf;
    size_t len, cap, max_message;
    size_t consumed; /* bytes of the message handed out last, dropped at the next call */
    int failed;
};
void isacfe_stream_init(struct isacfe_stream *s, size_t max_message);
void isacfe_stream_free(struct isacfe_stream *s);
/* Appends bytes (ISACFE_ENOMEM, or ISACFE_EFRAMING once the stream has failed). */
int isacfe_stream_feed(struct isacfe_stream *s, const uint8_t *data, size_t len);
/* Next complete message: 1 and (*body, *len) pointing into the stream's buffer (valid until the
 * next feed or next call), 0 when none is complete, ISACFE_EFRAMING when the stream is dead. */
int isacfe_stream_next(struct isacfe_stream *s, const uint8_t **body, size_t *len);

/* ---- register writer ---------------------------------------------------------------------- */
struct isacfe_regmap {
    uint64_t window_offset;
    uint32_t window_size;
    uint32_t phase_offset[2], phase_area_size;
    uint32_t baseband_offset[2], baseband_area_size;
    uint32_t bank_select_offset, load_strobe_offset;
};
/* Parses a register-map properties text (fpga-bridge/FRAME.md); err gets the reason on failure. */
int isacfe_regmap_parse(const char *text, struct isacfe_regmap *out, char *err, size_t errlen);
int isacfe_regmap_load(const char *path, struct isacfe_regmap *out, char *err, size_t errlen);

struct isacfe_regs {
    struct isacfe_regmap map;
    int fd;
    volatile uint32_t *window;
    void *mapping;
    size_t mapping_len;
};
/* Maps window_size bytes of path (a UIO device or a file) at window_offset. */
int isacfe_regs_open(struct isacfe_regs *r, const struct isacfe_regmap *map, const char *path);
/* Writes a frame into the inactive bank, selects it, strobes load; returns the bank now active
 * (0/1), or ISACFE_EARG when the frame does not fit (nothing written). */
int isacfe_regs_write(struct isacfe_regs *r, const struct isacfe_frame *f);
int isacfe_regs_active_bank(const struct isacfe_regs *r);
void isacfe_regs_close(struct isacfe_regs *r);

/* ---- session -------------------------------------------------------------------------------- */
struct isacfe_hello {
    const char *radio_id;
    uint32_t tx_horizontal, tx_vertical;   /* ULA: (N, 1) */
    uint32_t rx_horizontal, rx_vertical;   /* 0, 0 = same as tx */
    double spacing_wavelengths;            /* 0 = 0.5 */
    uint32_t rf_chains;                    /* M; 0 = digital */
    uint32_t phase_bits, baseband_bits;    /* 0 = continuous / float */
    double max_power_w;
    int per_antenna_power;
    uint32_t max_users;                    /* 0 = N */
    int shared_clock;                      /* 1 only when the controller runs on this host */
    const char *software;                  /* NULL = "libisacfe <version>" */
    uint32_t subbands;                     /* S of the wideband reports it will send (0 or 1 = narrowband):
                                            * the controller warms its solver for that S before the ack */
};

struct isacfe_tls {
    const char *ca_file, *cert_file, *key_file;
    const char *server_name;               /* checked against the controller's certificate; NULL = host */
};

struct isacfe_report {
    const float *h_re, *h_im;              /* N x K row-major, column k = h_k */
    uint32_t n, k;
    const double *noise_power_w;           /* one value or one per user */
    uint32_t noise_count;
    double power_budget_w;
    int64_t deadline_budget_ns;            /* deadline = capture + budget; 0 = deadline_ns 0 (none) */
    int64_t capture_ns;                    /* 0 = now */
    const double *target_az_rad;           /* targets (elevation 0, gain 1); may be NULL */
    uint32_t target_count;
    const char *solver;                    /* NULL or "" = the controller's policy */
    uint64_t sequence;                     /* 0 = the session's next; else sent as given */
    /* Wideband (docs/PROTOCOL.md, "Wideband"): S = subbands. 0 or 1: the narrowband report above
     * (S = 1 is encoded byte for byte as S = 0: offsets and carrier are not sent, the controller
     * answers one subband as narrowband anyway). S >= 2, at most ISACFE_MAX_SUBBANDS: h_re / h_im
     * hold S channels of N x K, subband after subband (subband s at h_re + s*N*K); the noise is
     * noise_count values (1 or K) for every subband, or, with noise_per_subband, noise_count
     * values per subband (S * noise_count in all, subband s's at noise_power_w + s*noise_count). */
    uint32_t subbands;
    int noise_per_subband;
    const double *frequency_offset_hz;     /* S values f_s - f_c (Hz); NULL = all at the carrier */
    double carrier_hz;                     /* f_c (Hz); 0 = unknown */
};
/* Most subbands a report may carry (the weight frame's limit; the controller's own is lower,
 * 64 by default, and it answers TOO_LARGE above it). */
#define ISACFE_MAX_SUBBANDS ISACFE_FRAME_MAX_SUBBANDS

enum isacfe_answer_kind { ISACFE_ANSWER_UPDATE = 1, ISACFE_ANSWER_REJECT = 2 };

struct isacfe_answer {
    int kind;
    uint64_t sequence;                     /* 0 for a reject of something other than a report */
    int reject_reason;                     /* Reject.Reason number */
    char reject_name[32];
    char detail[256];
    char solver[64];
    int has_frame;                         /* an fpga_frame came with the update */
    int frame_status;                      /* ISACFE_FRAME_OK, a reject reason, or ISACFE_FRAME_BAD_* below */
    char frame_error[128];                 /* why the frame cannot be applied ("" when it can) */
    const struct isacfe_frame *frame;      /* the parsed frame (valid until the next poll) */
    uint32_t crc32c;                       /* for WeightApplied: the frame's CRC-32C trailer (0 without) */
    uint32_t baseband_rows, baseband_cols; /* the update's float W (subband 0's) */
    uint32_t subbands;                     /* S of the update: 1 + its subband_baseband sets (1: narrowband);
                                            * a frame of another S is not handed out (frame_error) */
    int64_t rtt_ns;                        /* report sent -> answer read */
    const void *update;                    /* the WeightUpdate (private; valid until the next poll) */
};

/* Subband s's float W_s of an update (baseband_rows x baseband_cols, row-major, as the frame's
 * W): *re and *im point into the session, valid until the next poll. The solver's unquantized
 * output: apply the frame's isacfe_frame_subband_baseband when the update has a frame.
 * ISACFE_EARG when a is not an update or s >= a->subbands, ISACFE_EPROTO when that matrix is
 * missing or not shaped as subband 0's. */
int isacfe_answer_baseband(const struct isacfe_answer *a, uint32_t s, const float **re, const float **im);

struct isacfe_counters {
    uint64_t reports, updates, rejects, applied, unknown_answers, other_rejects;
};

typedef struct isacfe_session isacfe_session;

/* Connects (TCP_NODELAY; mutual TLS when tls != NULL), says hello and waits for the HelloAck.
 * On ISACFE_EREFUSED (the hello was refused), ISACFE_ETLS or ISACFE_ECLOSED *out is still set:
 * isacfe_session_refusal names why; then isacfe_session_close it. On other errors *out is NULL. */
int isacfe_session_connect(isacfe_session **out, const char *host, uint16_t port, const struct isacfe_hello *hello,
                           const struct isacfe_tls *tls, int timeout_ms);
/* Retries connect with a doubling delay (first_ms .. max_ms), up to attempts (0 = forever);
 * a refused hello is not retried. */
int isacfe_session_connect_backoff(isacfe_session **out, const char *host, uint16_t port,
                                   const struct isacfe_hello *hello, const struct isacfe_tls *tls, int timeout_ms,
                                   int first_ms, int max_ms, int attempts);
/* Sends a report; *sequence gets its sequence. */
int isacfe_session_send_report(isacfe_session *s, const struct isacfe_report *r, uint64_t *sequence);
/* Waits up to timeout_ms for one answer: 1 = *out filled, 0 = none yet, < 0 = error
 * (ISACFE_ECLOSED: the connection ended; isacfe_session_pending lists the unanswered reports). */
int isacfe_session_poll(isacfe_session *s, int timeout_ms, struct isacfe_answer *out);
/* The same with a timeout in nanoseconds (a front end waiting for its next report slot). */
int isacfe_session_poll_ns(isacfe_session *s, int64_t timeout_ns, struct isacfe_answer *out);
/* Sends WeightApplied for an update (its sequence and the CRC-32C of its frame's bytes); apply_ns 0 = now. */
int isacfe_session_applied(isacfe_session *s, const struct isacfe_answer *update, int64_t apply_ns);
/* Reports sent and not answered; writes up to max sequences, returns how many there are. */
size_t isacfe_session_pending(const isacfe_session *s, uint64_t *seqs, size_t max);
const struct isacfe_counters *isacfe_session_counters(const isacfe_session *s);
/* Why the hello was refused or the controller said goodbye ("" otherwise). */
const char *isacfe_session_refusal(const isacfe_session *s);
/* The HelloAck's default solver. */
const char *isacfe_session_default_solver(const isacfe_session *s);
/* Sends a goodbye (when reason != NULL), closes and frees. */
void isacfe_session_close(isacfe_session *s, const char *reason);

/* CLOCK_MONOTONIC in ns: the clock the controller's JVM reads on Linux. */
int64_t isacfe_now_ns(void);

/* Builds the bytes of one upstream message for a report (tests, fuzzing): *out is malloc'd.
 * ISACFE_EARG: a NULL channel, or a NULL noise or target array its count needs, S above
 * ISACFE_MAX_SUBBANDS; ISACFE_ETOOBIG: the message would exceed ISACFE_MAX_MESSAGE_BYTES.
 * Values (NaN, shapes against the hello, noise counts) are the controller's to judge. */
int isacfe_encode_report(const char *radio_id, const struct isacfe_report *r, uint64_t sequence, int64_t capture_ns,
                         uint8_t **out, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
