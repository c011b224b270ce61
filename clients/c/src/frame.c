/* Weight frame, version 1 (fpga-bridge/FRAME.md): CRC-32C, FNV-1a and the strict parser. */
#include "isacfe.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAGIC 0x46575349u
#define HEADER_BYTES 36u
#define TRAILER_BYTES 4u

const struct isacfe_frame_limits ISACFE_FRAME_LIMITS_DEFAULT = {1024, 256, 256, 4u << 20, ISACFE_FRAME_MAX_SUBBANDS};

static uint32_t crc_table[8][256];
static int crc_ready;

static void crc_init(void) {
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int j = 0; j < 8; j++) {
            c = (c & 1) ? (c >> 1) ^ 0x82F63B78u : c >> 1;
        }
        crc_table[0][i] = c;
    }
    for (uint32_t i = 0; i < 256; i++) {
        for (int t = 1; t < 8; t++) {
            crc_table[t][i] = (crc_table[t - 1][i] >> 8) ^ crc_table[0][crc_table[t - 1][i] & 0xFF];
        }
    }
    crc_ready = 1;
}

uint32_t isacfe_crc32c(uint32_t crc, const void *data, size_t len) {
    if (!crc_ready) {
        crc_init(); /* idempotent: a race writes the same values */
    }
    const uint8_t *p = data;
    uint32_t c = ~crc;
    while (len >= 8) { /* slicing-by-8 */
        uint32_t lo = c ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);
        uint32_t hi = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
        c = crc_table[7][lo & 0xFF] ^ crc_table[6][(lo >> 8) & 0xFF] ^ crc_table[5][(lo >> 16) & 0xFF] ^
            crc_table[4][lo >> 24] ^ crc_table[3][hi & 0xFF] ^ crc_table[2][(hi >> 8) & 0xFF] ^
            crc_table[1][(hi >> 16) & 0xFF] ^ crc_table[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--) {
        c = crc_table[0][(c ^ *p++) & 0xFF] ^ (c >> 8);
    }
    return ~c;
}

uint32_t isacfe_fnv1a32(const char *s) {
    uint32_t h = 0x811C9DC5u;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        h = (h ^ *p) * 0x01000193u;
    }
    return h;
}

static const char *const STATUS_NAMES[] = {
    "OK", "TRUNCATED", "TRAILING_BYTES", "OVERSIZED", "BAD_MAGIC", "BAD_VERSION", "BAD_CRC", "BAD_MODE",
    "BAD_CODEC", "BAD_BITS", "BAD_RESERVED", "BAD_DIMENSIONS", "LENGTH_MISMATCH", "BAD_PADDING", "BAD_VALUE",
    "NO_MEMORY"};

const char *isacfe_frame_status_name(int status) {
    if (status < 0 || status > ISACFE_FRAME_NO_MEMORY) {
        return "UNKNOWN";
    }
    return STATUS_NAMES[status];
}

static uint32_t u16(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8; }
static uint32_t u32(const uint8_t *p) { return u16(p) | u16(p + 2) << 16; }
static uint64_t u64(const uint8_t *p) { return (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32; }

static uint64_t packed_bytes(uint64_t count, unsigned bits) { return (count * bits + 7) / 8; }

static uint64_t payload_bytes(int hybrid, uint64_t n, uint64_t m, uint64_t k, unsigned pb, unsigned gb, int codec,
                              unsigned bb, uint64_t subbands) {
    uint64_t rows = hybrid ? m : n, p = 0;
    if (hybrid) {
        p += packed_bytes(n * m, pb);
        if (gb > 0) {
            p += packed_bytes(n * m, gb);
        }
    }
    if (codec == ISACFE_CODEC_FIXED) {
        p += subbands * (4 + 4 * rows * k);
    } else {
        p += subbands * (4 + k * (1 + packed_bytes(2 * rows, bb)));
    }
    return p;
}

/* count fields of bits bits, LSB first; returns the end offset, or 0 on non-zero padding. The
 * caller has checked that the section lies inside the frame. */
static size_t unpack(const uint8_t *buf, size_t pos, size_t count, unsigned bits, int is_signed, int32_t *dst32,
                     uint16_t *dst16, size_t stride) {
    uint64_t mask = (1ull << bits) - 1, acc = 0;
    unsigned acc_bits = 0;
    size_t end = pos + (size_t)packed_bytes(count, bits);
    for (size_t j = 0; j < count; j++) {
        while (acc_bits < bits) {
            acc |= (uint64_t)buf[pos++] << acc_bits;
            acc_bits += 8;
        }
        uint64_t v = acc & mask;
        int32_t x = (int32_t)v;
        if (is_signed && (v >> (bits - 1)) & 1) {
            x = (int32_t)v - (int32_t)(1u << bits);
        }
        if (dst32) {
            dst32[j * stride] = x;
        } else {
            dst16[j * stride] = (uint16_t)x;
        }
        acc >>= bits;
        acc_bits -= bits;
    }
    while (pos < end) {
        acc |= (uint64_t)buf[pos++] << acc_bits;
        acc_bits += 8;
    }
    return acc != 0 ? 0 : end;
}

void isacfe_frame_init(struct isacfe_frame *f) { memset(f, 0, sizeof *f); }

void isacfe_frame_free(struct isacfe_frame *f) {
    free(f->phase_codes);
    free(f->gain_codes);
    free(f->exponents);
    free(f->iq);
    free(f->scales_bits);
    memset(f, 0, sizeof *f);
}

static int ensure(struct isacfe_frame *f, size_t shifters, size_t entries, size_t cols, size_t subbands) {
    if (f->cap_subbands < subbands) {
        uint32_t *s = realloc(f->scales_bits, subbands * sizeof *s);
        if (!s) return -1;
        f->scales_bits = s;
        f->cap_subbands = subbands;
    }
    if (f->cap_shifters < shifters) {
        uint16_t *p = realloc(f->phase_codes, shifters * sizeof *p);
        if (!p) return -1;
        f->phase_codes = p;
        uint16_t *g = realloc(f->gain_codes, shifters * sizeof *g);
        if (!g) return -1;
        f->gain_codes = g;
        f->cap_shifters = shifters;
    }
    if (f->cap_entries < entries) {
        int32_t *q = realloc(f->iq, 2 * entries * sizeof *q);
        if (!q) return -1;
        f->iq = q;
        f->cap_entries = entries;
    }
    if (f->cap_cols < cols) {
        int32_t *e = realloc(f->exponents, cols * sizeof *e);
        if (!e) return -1;
        f->exponents = e;
        f->cap_cols = cols;
    }
    return 0;
}

int isacfe_frame_parse(const uint8_t *buf, size_t len, const struct isacfe_frame_limits *limits,
                       struct isacfe_frame *out) {
    const struct isacfe_frame_limits *lim = limits ? limits : &ISACFE_FRAME_LIMITS_DEFAULT;
    if (len < HEADER_BYTES + TRAILER_BYTES) return ISACFE_FRAME_TRUNCATED;
    if (u32(buf) != MAGIC) return ISACFE_FRAME_BAD_MAGIC;
    int version = buf[4];
    if (version != 1 && version != 2) return ISACFE_FRAME_BAD_VERSION;
    int wide = version == 2;
    uint64_t payload = u32(buf + 32);
    uint64_t total = HEADER_BYTES + payload + TRAILER_BYTES;
    if (total > lim->max_frame_bytes) return ISACFE_FRAME_OVERSIZED;
    if (len < total) return ISACFE_FRAME_TRUNCATED;
    if (len > total) return ISACFE_FRAME_TRAILING_BYTES;
    size_t body = (size_t)(HEADER_BYTES + payload);
    uint32_t stored = u32(buf + body);
    if (isacfe_crc32c(0, buf, body) != stored) return ISACFE_FRAME_BAD_CRC;
    int mode = buf[5];
    if (mode != 0 && mode != 1) return ISACFE_FRAME_BAD_MODE;
    int hybrid = mode == 1;
    int codec = buf[6];
    if (codec != ISACFE_CODEC_FIXED && codec != ISACFE_CODEC_BFP) return ISACFE_FRAME_BAD_CODEC;
    unsigned pb = buf[7], bb = buf[8], gb = buf[9], gstep = u16(buf + 10);
    if (hybrid ? (pb < 1 || pb > 8) : pb != 0) return ISACFE_FRAME_BAD_BITS;
    unsigned bb_min = codec == ISACFE_CODEC_FIXED ? 2 : 1;
    if (bb < bb_min || bb > 16) return ISACFE_FRAME_BAD_BITS;
    if (hybrid ? gb > 8 : gb != 0) return ISACFE_FRAME_BAD_BITS;
    if ((gb == 0) != (gstep == 0)) return ISACFE_FRAME_BAD_BITS;
    uint32_t reserved = u16(buf + 30);
    if (!wide && reserved != 0) return ISACFE_FRAME_BAD_RESERVED;
    uint32_t subbands = wide ? reserved : 1;
    uint32_t n = u16(buf + 24), m = u16(buf + 26), k = u16(buf + 28);
    if (n < 1 || k < 1 || (hybrid ? m < 1 : m != 0)) return ISACFE_FRAME_BAD_DIMENSIONS;
    if (wide && subbands < 2) return ISACFE_FRAME_BAD_DIMENSIONS;
    if (n > lim->max_n || m > lim->max_m || k > lim->max_k) return ISACFE_FRAME_OVERSIZED;
    uint32_t max_subbands = lim->max_subbands ? lim->max_subbands : ISACFE_FRAME_MAX_SUBBANDS;
    if (subbands > max_subbands) return ISACFE_FRAME_OVERSIZED;
    if (payload_bytes(hybrid, n, m, k, pb, gb, codec, bb, subbands) != payload) return ISACFE_FRAME_LENGTH_MISMATCH;

    size_t rows = hybrid ? m : n, shifters = hybrid ? (size_t)n * m : 0, entries = rows * k;
    if (ensure(out, shifters, entries * subbands, (size_t)k * subbands, subbands) != 0) return ISACFE_FRAME_NO_MEMORY;
    size_t pos = HEADER_BYTES;
    if (hybrid) {
        pos = unpack(buf, pos, shifters, pb, 0, NULL, out->phase_codes, 1);
        if (pos == 0) return ISACFE_FRAME_BAD_PADDING;
        if (gb > 0) {
            pos = unpack(buf, pos, shifters, gb, 0, NULL, out->gain_codes, 1);
            if (pos == 0) return ISACFE_FRAME_BAD_PADDING;
        }
    }
    for (uint32_t b = 0; b < subbands; b++) {
        uint32_t scale_bits = u32(buf + pos);
        float scale;
        memcpy(&scale, &scale_bits, sizeof scale);
        if ((scale_bits & 0x80000000u) || !isfinite(scale)) return ISACFE_FRAME_BAD_VALUE;
        out->scales_bits[b] = scale_bits;
        pos += 4;
        int32_t *iq = out->iq + 2 * (size_t)b * entries, *exps = out->exponents + (size_t)b * k;
        if (codec == ISACFE_CODEC_FIXED) {
            int32_t qmax = (1 << (bb - 1)) - 1;
            for (size_t i = 0; i < 2 * entries; i++) {
                int32_t v = (int16_t)u16(buf + pos);
                if (v > qmax || v < -qmax) return ISACFE_FRAME_BAD_VALUE;
                iq[i] = v;
                pos += 2;
            }
            for (size_t c = 0; c < k; c++) exps[c] = 0;
        } else {
            for (size_t c = 0; c < k; c++) {
                unsigned eb = buf[pos++];
                if (eb & 0xF0) return ISACFE_FRAME_BAD_RESERVED;
                exps[c] = (int32_t)eb;
                /* mantissas I_0, Q_0, I_1, ... of column c go to entries r*K + c */
                uint64_t mask = (1ull << bb) - 1, acc = 0;
                unsigned acc_bits = 0;
                for (size_t r = 0; r < rows; r++) {
                    for (int part = 0; part < 2; part++) {
                        while (acc_bits < bb) {
                            acc |= (uint64_t)buf[pos++] << acc_bits;
                            acc_bits += 8;
                        }
                        uint64_t v = acc & mask;
                        int32_t x = (int32_t)v;
                        if ((v >> (bb - 1)) & 1) x = (int32_t)v - (int32_t)(1u << bb);
                        iq[2 * (r * k + c) + part] = x;
                        acc >>= bb;
                        acc_bits -= bb;
                    }
                }
                if (acc != 0) return ISACFE_FRAME_BAD_PADDING;
            }
        }
    }
    uint32_t scale_bits = out->scales_bits[0];
    float scale;
    memcpy(&scale, &scale_bits, sizeof scale);
    out->version = version;
    out->hybrid = hybrid;
    out->codec = codec;
    out->phase_bits = (int)pb;
    out->baseband_bits = (int)bb;
    out->gain_bits = (int)gb;
    out->gain_step_centi_db = (int)gstep;
    out->radio_id_hash = u32(buf + 12);
    out->sequence = u64(buf + 16);
    out->n = n;
    out->m = m;
    out->k = k;
    out->payload_length = (uint32_t)payload;
    out->frame_length = (uint32_t)total;
    out->crc32c = stored;
    out->scale_bits = scale_bits;
    out->scale = scale;
    out->subbands = subbands;
    return ISACFE_FRAME_OK;
}

uint32_t isacfe_frame_rows(const struct isacfe_frame *f) { return f->hybrid ? f->m : f->n; }

int isacfe_frame_is_for(const struct isacfe_frame *f, const char *radio_id) {
    return isacfe_fnv1a32(radio_id) == f->radio_id_hash;
}

void isacfe_frame_baseband(const struct isacfe_frame *f, double *re, double *im) {
    isacfe_frame_subband_baseband(f, 0, re, im);
}

int isacfe_frame_subband_baseband(const struct isacfe_frame *f, uint32_t b, double *re, double *im) {
    if (b >= f->subbands) return ISACFE_EARG;
    size_t rows = isacfe_frame_rows(f), k = f->k;
    const int32_t *iq = f->iq + 2 * (size_t)b * rows * k, *exps = f->exponents + (size_t)b * k;
    float scale;
    memcpy(&scale, &f->scales_bits[b], sizeof scale);
    for (size_t c = 0; c < k; c++) {
        double s = ldexp((double)scale, exps[c]);
        for (size_t r = 0; r < rows; r++) {
            size_t e = r * k + c;
            re[e] = s * iq[2 * e];
            im[e] = s * iq[2 * e + 1];
        }
    }
    return ISACFE_OK;
}

int isacfe_frame_analog(const struct isacfe_frame *f, double *re, double *im) {
    if (!f->hybrid) return ISACFE_EARG;
    unsigned levels = 1u << f->phase_bits;
    double step = 2 * M_PI / levels;
    size_t shifters = (size_t)f->n * f->m;
    for (size_t i = 0; i < shifters; i++) {
        unsigned code = f->phase_codes[i] & (levels - 1);
        double a = 1;
        if (f->gain_bits > 0) {
            a = pow(10, -(double)f->gain_codes[i] * (f->gain_step_centi_db / 100.0) / 20.0);
        }
        re[i] = a * cos(code * step);
        im[i] = a * sin(code * step);
    }
    return ISACFE_OK;
}
