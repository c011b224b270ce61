/* isacfe_encode_report: the bytes decoded with protobuf-c field by field, narrowband and
 * wideband; S = 1 is the narrowband encoding byte for byte; bad inputs are refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isacfe.h"
#include "testbed.pb-c.h"
#include "testutil.h"

typedef Isac__Testbed__V1__FrontEndMessage Msg;

/* Encodes r and decodes the message behind the length prefix (NULL when the encoding failed). */
static Msg *roundtrip(const struct isacfe_report *r, uint8_t **bytes, size_t *len) {
    CHECK_EQ(isacfe_encode_report("fe-0", r, 42, 1000, bytes, len), ISACFE_OK);
    const uint8_t *body;
    size_t bl;
    struct isacfe_stream st;
    isacfe_stream_init(&st, 0);
    isacfe_stream_feed(&st, *bytes, *len);
    Msg *m = NULL;
    if (isacfe_stream_next(&st, &body, &bl) == 1) {
        CHECK_EQ(body + bl, st.buf + *len); /* exactly one message, nothing after it */
        m = isac__testbed__v1__front_end_message__unpack(NULL, bl, body);
    }
    isacfe_stream_free(&st);
    CHECK(m != NULL && m->body_case == ISAC__TESTBED__V1__FRONT_END_MESSAGE__BODY_CSI);
    return m;
}

static int same_floats(const float *a, const float *b, size_t n) { return n == 0 || memcmp(a, b, n * sizeof *a) == 0; }

int main(void) {
    enum { S = 3, N = 4, K = 2, NK = N * K };
    float re[S * NK], im[S * NK];
    for (int i = 0; i < S * NK; i++) {
        re[i] = 0.125f * (float)i - 1;
        im[i] = 2.0f - 0.0625f * (float)i;
    }
    double noise1 = 0.01, noise_sk[S * K] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6};
    double offsets[S] = {-100e6, 0, 100e6}, az[2] = {0.3, -0.6};
    struct isacfe_report r;
    memset(&r, 0, sizeof r);
    r.h_re = re;
    r.h_im = im;
    r.n = N;
    r.k = K;
    r.noise_power_w = &noise1;
    r.noise_count = 1;
    r.power_budget_w = 1;
    r.deadline_budget_ns = 2000000;
    r.target_az_rad = az;
    r.target_count = 2;
    r.solver = "rzf";

    /* narrowband: the channel and noise at the top level, no subbands */
    uint8_t *nb, *b;
    size_t nb_len, b_len;
    Msg *m = roundtrip(&r, &nb, &nb_len);
    if (m) {
        const Isac__Testbed__V1__CsiReport *c = m->csi;
        CHECK(!strcmp(c->radio_id, "fe-0") && !strcmp(c->solver, "rzf"));
        CHECK_EQ(c->sequence, 42);
        CHECK_EQ(c->capture_ns, 1000);
        CHECK_EQ(c->deadline_ns, 1000 + 2000000);
        CHECK(c->channel && c->channel->rows == N && c->channel->cols == K);
        CHECK(c->channel && c->channel->n_re == NK && same_floats(c->channel->re, re, NK));
        CHECK(c->channel && c->channel->n_im == NK && same_floats(c->channel->im, im, NK));
        CHECK(c->n_noise_power_w == 1 && c->noise_power_w[0] == noise1);
        CHECK_EQ(c->n_subbands, 0);
        CHECK(c->carrier_hz == 0);
        CHECK(c->n_targets == 2 && c->targets[1]->azimuth_rad == az[1]);
        isac__testbed__v1__front_end_message__free_unpacked(m, NULL);
    }

    /* S = 1 (with offsets, carrier, per-subband noise): byte for byte the narrowband report */
    r.subbands = 1;
    r.frequency_offset_hz = offsets + 2;
    r.carrier_hz = 28e9;
    r.noise_per_subband = 1;
    CHECK_EQ(isacfe_encode_report("fe-0", &r, 42, 1000, &b, &b_len), ISACFE_OK);
    CHECK(b_len == nb_len && memcmp(b, nb, nb_len) == 0);
    free(b);
    r.subbands = 0; /* S = 0 with the wideband fields set: the same again */
    CHECK_EQ(isacfe_encode_report("fe-0", &r, 42, 1000, &b, &b_len), ISACFE_OK);
    CHECK(b_len == nb_len && memcmp(b, nb, nb_len) == 0);
    free(b);
    free(nb);

    /* S = 3, one noise value for every subband: each subband its slice of h_re / h_im */
    r.subbands = S;
    r.noise_per_subband = 0;
    r.frequency_offset_hz = offsets;
    m = roundtrip(&r, &b, &b_len);
    if (m) {
        const Isac__Testbed__V1__CsiReport *c = m->csi;
        CHECK(c->channel == NULL && c->n_noise_power_w == 0); /* empty at the top level */
        CHECK(c->carrier_hz == 28e9);
        CHECK_EQ(c->sequence, 42);
        CHECK(c->n_targets == 2 && !strcmp(c->solver, "rzf") && c->power_budget_w == 1);
        CHECK_EQ(c->n_subbands, S);
        for (size_t s = 0; s < c->n_subbands && s < S; s++) {
            const Isac__Testbed__V1__Subband *sb = c->subbands[s];
            CHECK(sb->channel && sb->channel->rows == N && sb->channel->cols == K);
            CHECK(sb->channel && sb->channel->n_re == NK && same_floats(sb->channel->re, re + s * NK, NK));
            CHECK(sb->channel && sb->channel->n_im == NK && same_floats(sb->channel->im, im + s * NK, NK));
            CHECK(sb->n_noise_power_w == 1 && sb->noise_power_w[0] == noise1);
            CHECK(sb->frequency_offset_hz == offsets[s]);
        }
        isac__testbed__v1__front_end_message__free_unpacked(m, NULL);
    }
    free(b);

    /* noise per subband and user (S x K), no offsets (all at the carrier), no carrier */
    r.noise_power_w = noise_sk;
    r.noise_count = K;
    r.noise_per_subband = 1;
    r.frequency_offset_hz = NULL;
    r.carrier_hz = 0;
    m = roundtrip(&r, &b, &b_len);
    if (m) {
        const Isac__Testbed__V1__CsiReport *c = m->csi;
        CHECK_EQ(c->n_subbands, S);
        CHECK(c->carrier_hz == 0);
        for (size_t s = 0; s < c->n_subbands && s < S; s++) {
            const Isac__Testbed__V1__Subband *sb = c->subbands[s];
            CHECK_EQ(sb->n_noise_power_w, K);
            for (int k = 0; k < K && (size_t)k < sb->n_noise_power_w; k++) CHECK(sb->noise_power_w[k] == noise_sk[s * K + k]);
            CHECK(sb->frequency_offset_hz == 0);
        }
        isac__testbed__v1__front_end_message__free_unpacked(m, NULL);
    }
    free(b);
    /* the same K values for every subband */
    r.noise_per_subband = 0;
    m = roundtrip(&r, &b, &b_len);
    if (m) {
        for (size_t s = 0; s < m->csi->n_subbands; s++) {
            const Isac__Testbed__V1__Subband *sb = m->csi->subbands[s];
            CHECK(sb->n_noise_power_w == K && sb->noise_power_w[0] == 0.1 && sb->noise_power_w[1] == 0.2);
        }
        isac__testbed__v1__front_end_message__free_unpacked(m, NULL);
    }
    free(b);

    /* bad inputs: refused, nothing written to *out */
    b = NULL;
    struct isacfe_report bad = r;
    bad.h_im = NULL;
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_EARG);
    bad = r;
    bad.noise_power_w = NULL; /* noise_count K says there are values */
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_EARG);
    bad.subbands = 0;        /* narrowband as well */
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_EARG);
    bad = r;
    bad.target_az_rad = NULL;
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_EARG);
    bad = r;
    bad.subbands = ISACFE_MAX_SUBBANDS + 1;
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_EARG);
    bad = r;
    bad.n = 1024; /* S x N x K = 1 Mi entries: 8 MiB of floats, above the 4 MiB message limit */
    bad.k = 256;
    bad.subbands = 4;
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_ETOOBIG);
    bad.n = bad.k = 0xffffffffu; /* S x N x K past 64 bits: refused, not wrapped */
    bad.subbands = ISACFE_MAX_SUBBANDS;
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_ETOOBIG);
    bad.subbands = 0;
    CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_ETOOBIG);
    CHECK(b == NULL);
    CHECK(strcmp(isacfe_strerror(ISACFE_ETOOBIG), "unknown error") != 0);
    /* at the limit's edge: S = 2 of N x K = 256 Ki entries are 4 MiB of floats plus the message around them */
    size_t big = (size_t)512 * 1024;
    float *bre = calloc(big, sizeof *bre), *bim = calloc(big, sizeof *bim);
    if (bre && bim) {
        bad = r;
        bad.h_re = bre;
        bad.h_im = bim;
        bad.subbands = 2;
        bad.n = 1024;
        bad.k = 256;
        CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_ETOOBIG);
        bad.subbands = 1; /* one subband (2 MiB) fits */
        CHECK_EQ(isacfe_encode_report("fe-0", &bad, 1, 0, &b, &b_len), ISACFE_OK);
        CHECK(b != NULL && b_len > big * 4 && b_len < ISACFE_MAX_MESSAGE_BYTES + 5);
        free(b);
    }
    free(bre);
    free(bim);
    return test_summary("report");
}
