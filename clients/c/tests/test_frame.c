/* Weight-frame parser: FRAME.md's worked examples, each parser check, and (with a vector file)
 * exact agreement with the Java parser on the cross-language grid. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isacfe.h"
#include "testutil.h"

static int reason(const uint8_t *b, size_t len) {
    struct isacfe_frame f;
    isacfe_frame_init(&f);
    int r = isacfe_frame_parse(b, len, NULL, &f);
    isacfe_frame_free(&f);
    return r;
}

static void worked_examples(const char *md) {
    size_t len;
    uint8_t *h = worked_example(md, "example-hybrid", &len);
    CHECK(h != NULL);
    if (!h) return;
    struct isacfe_frame f;
    isacfe_frame_init(&f);
    CHECK_EQ(isacfe_frame_parse(h, len, NULL, &f), ISACFE_FRAME_OK);
    CHECK_EQ(f.hybrid, 1);
    CHECK_EQ(f.codec, ISACFE_CODEC_BFP);
    CHECK_EQ(f.phase_bits, 6);
    CHECK_EQ(f.baseband_bits, 9);
    CHECK_EQ(f.n, 2);
    CHECK_EQ(f.m, 1);
    CHECK_EQ(f.k, 1);
    CHECK_EQ(f.sequence, 7);
    CHECK_EQ(f.radio_id_hash, 0x06aa1af1u);
    CHECK(isacfe_frame_is_for(&f, "fe-0") && !isacfe_frame_is_for(&f, "fe-1"));
    CHECK_EQ(f.phase_codes[0], 0);
    CHECK_EQ(f.phase_codes[1], 16);
    CHECK_EQ(f.scale_bits, 0x37800101u);
    CHECK_EQ(f.exponents[0], 8);
    CHECK_EQ(f.iq[0], 128);
    CHECK_EQ(f.iq[1], -64);
    CHECK_EQ(f.crc32c, 0x76fa2bb6u);
    double re, im, fre[2], fim[2];
    isacfe_frame_baseband(&f, &re, &im);
    CHECK(re == (double)f.scale * 256 * 128 && im == (double)f.scale * 256 * -64);
    CHECK(fabs(re - 0.5000153) < 1e-7 && fabs(im + 0.2500077) < 1e-7);
    CHECK_EQ(isacfe_frame_analog(&f, fre, fim), ISACFE_OK);
    CHECK(fre[0] == 1 && fim[0] == 0 && fabs(fre[1]) < 1e-15 && fim[1] == 1);

    /* each check of the parser table, in its order */
    uint8_t b[64];
    CHECK_EQ(reason(h, 39), ISACFE_FRAME_TRUNCATED);
    CHECK_EQ(reason(h, len - 1), ISACFE_FRAME_TRUNCATED);
    memcpy(b, h, len);
    b[len] = 0;
    CHECK_EQ(reason(b, len + 1), ISACFE_FRAME_TRAILING_BYTES);
    memcpy(b, h, len); b[34] = 0x50;
    CHECK_EQ(reason(b, len), ISACFE_FRAME_OVERSIZED);
    memcpy(b, h, len); b[0] ^= 1;
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_MAGIC);
    memcpy(b, h, len); b[4] = 3;
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_VERSION);
    memcpy(b, h, len); b[4] = 2; resign(b, len); /* version 2 needs S >= 2 where version 1 has 0 */
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_DIMENSIONS);
    memcpy(b, h, len); b[40] ^= 0x10;
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_CRC);
    memcpy(b, h, len); b[5] = 2; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_MODE);
    memcpy(b, h, len); b[6] = 3; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_CODEC);
    memcpy(b, h, len); b[7] = 9; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_BITS);
    memcpy(b, h, len); b[10] = 1; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_BITS);
    memcpy(b, h, len); b[30] = 1; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_RESERVED);
    memcpy(b, h, len); b[26] = 0; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_DIMENSIONS);
    memcpy(b, h, len); b[8] = 13; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_LENGTH_MISMATCH);
    memcpy(b, h, len); b[37] |= 0x80; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_PADDING);
    memcpy(b, h, len); b[42] |= 0x10; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_RESERVED);
    memcpy(b, h, len); b[41] |= 0x80; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_VALUE);
    free(h);

    uint8_t *d = worked_example(md, "example-digital", &len);
    CHECK(d != NULL);
    if (!d) return;
    CHECK_EQ(isacfe_frame_parse(d, len, NULL, &f), ISACFE_FRAME_OK);
    CHECK_EQ(f.hybrid, 0);
    CHECK_EQ(f.codec, ISACFE_CODEC_FIXED);
    CHECK_EQ(f.baseband_bits, 16);
    CHECK_EQ(f.sequence, 8);
    CHECK_EQ(f.iq[0], 32767);
    CHECK_EQ(f.iq[1], 0);
    CHECK_EQ(f.iq[2], 16383);
    CHECK_EQ(f.iq[3], -32767);
    CHECK_EQ(f.crc32c, 0x4ee10189u);
    CHECK_EQ(isacfe_frame_analog(&f, fre, fim), ISACFE_EARG);
    memcpy(b, d, len); b[40] = 0x00; b[41] = 0x80; resign(b, len); /* -32768: outside +-32767 */
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_VALUE);
    free(d);

    /* version 2: two baseband sets behind one F */
    uint8_t *w = worked_example(md, "example-wideband", &len);
    CHECK(w != NULL);
    if (!w) {
        isacfe_frame_free(&f);
        return;
    }
    CHECK_EQ(isacfe_frame_parse(w, len, NULL, &f), ISACFE_FRAME_OK);
    CHECK_EQ(f.version, 2);
    CHECK_EQ(f.subbands, 2);
    CHECK_EQ(f.payload_length, 18);
    CHECK_EQ(f.phase_codes[1], 16);
    CHECK_EQ(f.scales_bits[0], 0x37800101u);
    CHECK_EQ(f.scales_bits[1], 0x37800101u);
    CHECK_EQ(f.exponents[1], 8);
    CHECK_EQ(f.iq[0], 128);
    CHECK_EQ(f.iq[1], -64);
    CHECK_EQ(f.iq[2], 64);
    CHECK_EQ(f.iq[3], 128);
    CHECK_EQ(f.crc32c, 0xa18cd120u);
    CHECK_EQ(isacfe_frame_subband_baseband(&f, 1, &re, &im), ISACFE_OK);
    CHECK(fabs(re - 0.2500077) < 1e-7 && fabs(im - 0.5000153) < 1e-7);
    CHECK_EQ(isacfe_frame_subband_baseband(&f, 2, &re, &im), ISACFE_EARG);
    memcpy(b, w, len); b[30] = 1; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_DIMENSIONS);
    memcpy(b, w, len); b[30] = 0; resign(b, len);
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_DIMENSIONS);
    memcpy(b, w, len); b[30] = 3; resign(b, len); /* claims a third section */
    CHECK_EQ(reason(b, len), ISACFE_FRAME_LENGTH_MISMATCH);
    memcpy(b, w, len); b[30] = 0x01; b[31] = 0x04; resign(b, len); /* S = 1025 */
    CHECK_EQ(reason(b, len), ISACFE_FRAME_OVERSIZED);
    struct isacfe_frame_limits one = ISACFE_FRAME_LIMITS_DEFAULT;
    one.max_subbands = 1;
    CHECK_EQ(isacfe_frame_parse(w, len, &one, &f), ISACFE_FRAME_OVERSIZED);
    memcpy(b, w, len); b[4] = 1; resign(b, len); /* read as version 1: S in the reserved field */
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_RESERVED);
    memcpy(b, w, len); b[49] |= 0x80; resign(b, len); /* subband 1's scale negative */
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_VALUE);
    memcpy(b, w, len); b[50] |= 0x10; resign(b, len); /* subband 1's exponent byte */
    CHECK_EQ(reason(b, len), ISACFE_FRAME_BAD_RESERVED);
    CHECK_EQ(reason(w, len - 1), ISACFE_FRAME_TRUNCATED);
    free(w);
    isacfe_frame_free(&f);
}

static int hexval(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

static double hexdouble(const char *t) {
    unsigned long long bits = strtoull(t, NULL, 16);
    double d;
    memcpy(&d, &bits, sizeof d);
    return d;
}

/* The Java-written grid (org.isac.fpga.vectors.FrameVectors). */
static void vectors(const char *path) {
    FILE *fp = fopen(path, "r");
    CHECK(fp != NULL);
    if (!fp) return;
    char *line = NULL, id[64] = "";
    size_t cap = 0, blen = 0, bcap = 0;
    uint8_t *bytes = NULL;
    struct isacfe_frame f;
    isacfe_frame_init(&f);
    double *re = NULL, *im = NULL;
    size_t recap = 0;
    int status = 0, accepted = 0, rejected = 0, mismatches = 0, wideband = 0;
    uint32_t want_subbands = 1;
    while (getline(&line, &cap, fp) > 0) {
        line[strcspn(line, "\n")] = 0;
        char *save, *tag = strtok_r(line, " ", &save);
        if (!tag) continue;
        if (!strcmp(tag, "frame")) {
            snprintf(id, sizeof id, "%s", strtok_r(NULL, " ", &save));
            char *hex = strtok_r(NULL, " ", &save);
            blen = hex ? strlen(hex) / 2 : 0;
            if (blen + 1 > bcap) {
                bcap = 2 * blen + 1;
                bytes = realloc(bytes, bcap);
            }
            for (size_t i = 0; i < blen; i++) bytes[i] = (uint8_t)(hexval(hex[2 * i]) << 4 | hexval(hex[2 * i + 1]));
            status = isacfe_frame_parse(bytes, blen, NULL, &f);
            want_subbands = 1;
        } else if (!strcmp(tag, "subbands")) {
            if (status != ISACFE_FRAME_OK) continue;
            want_subbands = (uint32_t)strtoul(strtok_r(NULL, " ", &save), NULL, 10);
            int bad = want_subbands != f.subbands;
            uint32_t b = 1;
            for (char *t; (t = strtok_r(NULL, " ", &save)); b++) bad |= b >= f.subbands || strtoul(t, NULL, 16) != f.scales_bits[b];
            bad |= b != f.subbands;
            if (bad) {
                fprintf(stderr, "%s: subbands differ from the Java parser\n", id);
                mismatches++;
            }
            wideband++;
        } else if (!strcmp(tag, "reject")) {
            const char *want = strtok_r(NULL, " ", &save);
            if (strcmp(want, isacfe_frame_status_name(status)) != 0) {
                fprintf(stderr, "%s: Java rejects %s, C says %s\n", id, want, isacfe_frame_status_name(status));
                mismatches++;
            }
            rejected++;
        } else if (!strcmp(tag, "accept")) {
            if (status != ISACFE_FRAME_OK) {
                fprintf(stderr, "%s: Java accepts, C says %s\n", id, isacfe_frame_status_name(status));
                mismatches++;
                continue;
            }
            unsigned long long v[13];
            for (int i = 0; i < 13; i++) v[i] = strtoull(strtok_r(NULL, " ", &save), NULL, i == 12 ? 16 : 10);
            unsigned long long got[13] = {(unsigned)f.hybrid, (unsigned)f.codec, (unsigned)f.phase_bits,
                                          (unsigned)f.baseband_bits, (unsigned)f.gain_bits,
                                          (unsigned)f.gain_step_centi_db, f.radio_id_hash, f.sequence, f.n, f.m,
                                          f.k, f.crc32c, f.scale_bits};
            if (memcmp(v, got, sizeof v) != 0) {
                fprintf(stderr, "%s: header fields differ\n", id);
                mismatches++;
            }
            size_t need = 2 * ((size_t)isacfe_frame_rows(&f) * f.k * f.subbands + (size_t)f.n * f.m);
            if (need > recap) {
                recap = need;
                re = realloc(re, recap * sizeof *re);
                im = realloc(im, recap * sizeof *im);
            }
            accepted++;
        } else if (status == ISACFE_FRAME_OK && strcmp(tag, "end") != 0) {
            size_t count = 0;
            int bad = 0;
            size_t sets = f.subbands; /* exp, iq and w list every subband's values */
            if (!strcmp(tag, "exp") || !strcmp(tag, "iq") || !strcmp(tag, "w")) {
                bad |= f.subbands != want_subbands; /* a version 2 frame the Java side did not list as one */
            }
            if (!strcmp(tag, "phase") || !strcmp(tag, "gain")) {
                const uint16_t *codes = tag[0] == 'p' ? f.phase_codes : f.gain_codes;
                for (char *t; (t = strtok_r(NULL, " ", &save)); count++) bad |= strtol(t, NULL, 10) != codes[count];
                bad |= count != (size_t)f.n * f.m;
            } else if (!strcmp(tag, "exp")) {
                for (char *t; (t = strtok_r(NULL, " ", &save)); count++) bad |= strtol(t, NULL, 10) != f.exponents[count];
                bad |= count != f.k * sets;
            } else if (!strcmp(tag, "iq")) {
                for (char *t; (t = strtok_r(NULL, " ", &save)); count++) bad |= strtol(t, NULL, 10) != f.iq[count];
                bad |= count != 2 * (size_t)isacfe_frame_rows(&f) * f.k * sets;
            } else if (!strcmp(tag, "w") || !strcmp(tag, "f")) {
                size_t entries;
                if (tag[0] == 'w') {
                    size_t one = (size_t)isacfe_frame_rows(&f) * f.k;
                    for (uint32_t b = 0; b < f.subbands; b++) isacfe_frame_subband_baseband(&f, b, re + b * one, im + b * one);
                    entries = one * sets;
                } else {
                    isacfe_frame_analog(&f, re, im);
                    entries = (size_t)f.n * f.m;
                }
                for (char *t; (t = strtok_r(NULL, " ", &save)); count++) {
                    double want = hexdouble(t), have = count % 2 ? im[count / 2] : re[count / 2];
                    bad |= memcmp(&want, &have, sizeof want) != 0; /* bit for bit */
                }
                bad |= count != 2 * entries;
            }
            if (bad) {
                fprintf(stderr, "%s: %s differs from the Java parser\n", id, tag);
                mismatches++;
            }
        }
    }
    free(line);
    free(bytes);
    free(re);
    free(im);
    isacfe_frame_free(&f);
    fclose(fp);
    CHECK_EQ(mismatches, 0);
    CHECK(accepted > 1000 && rejected > 1000);
    CHECK(wideband > 100);
    printf("cross-language frames (C): %d accepted (%d version 2) and %d rejected, %d differences from the Java parser\n",
           accepted, wideband, rejected, mismatches);
}

int main(int argc, char **argv) {
    CHECK_EQ(isacfe_crc32c(0, "123456789", 9), 0xE3069283u);
    CHECK_EQ(isacfe_crc32c(isacfe_crc32c(0, "1234", 4), "56789", 5), 0xE3069283u);
    CHECK_EQ(isacfe_fnv1a32("fe-0"), 0x06aa1af1u);
    if (argc > 1) worked_examples(argv[1]);
    const char *vec = argc > 2 ? argv[2] : getenv("ISACFE_FRAME_VECTORS");
    if (vec && *vec) vectors(vec);
    return test_summary("frame");
}
