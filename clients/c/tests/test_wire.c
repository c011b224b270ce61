#include <stdio.h>
#include <string.h>

#include "isacfe.h"
#include "testutil.h"

int main(void) {
    uint8_t b[8];
    CHECK_EQ(isacfe_varint_put(b, 0), 1);
    CHECK_EQ(isacfe_varint_put(b, 300), 2);
    CHECK(b[0] == 0xac && b[1] == 0x02);
    CHECK_EQ(isacfe_varint_put(b, 0xFFFFFFFFu), 5);

    /* three messages, fed one byte at a time: prefixes arrive in pieces */
    uint8_t stream[512];
    size_t len = 0;
    size_t sizes[3] = {5, 0, 300};
    for (int m = 0; m < 3; m++) {
        len += isacfe_varint_put(stream + len, (uint32_t)sizes[m]);
        memset(stream + len, 'a' + m, sizes[m]);
        len += sizes[m];
    }
    struct isacfe_stream s;
    isacfe_stream_init(&s, 0);
    int got = 0;
    for (size_t i = 0; i < len; i++) {
        CHECK_EQ(isacfe_stream_feed(&s, stream + i, 1), 0);
        const uint8_t *body;
        size_t bl;
        int r;
        while ((r = isacfe_stream_next(&s, &body, &bl)) == 1) {
            CHECK_EQ(bl, sizes[got]);
            CHECK(bl == 0 || body[0] == 'a' + got);
            got++;
        }
        CHECK_EQ(r, 0);
    }
    CHECK_EQ(got, 3);
    /* coalesced */
    isacfe_stream_feed(&s, stream, len);
    const uint8_t *body;
    size_t bl;
    got = 0;
    while (isacfe_stream_next(&s, &body, &bl) == 1) got++;
    CHECK_EQ(got, 3);
    isacfe_stream_free(&s);

    /* above the limit: refused at the prefix, and the stream stays dead */
    isacfe_stream_init(&s, 100);
    len = isacfe_varint_put(b, 101);
    isacfe_stream_feed(&s, b, len);
    CHECK_EQ(isacfe_stream_next(&s, &body, &bl), ISACFE_EFRAMING);
    CHECK_EQ(isacfe_stream_feed(&s, b, 1), ISACFE_EFRAMING);
    isacfe_stream_free(&s);

    /* a prefix of more than five bytes */
    isacfe_stream_init(&s, 0);
    uint8_t six[6] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    isacfe_stream_feed(&s, six, 6);
    CHECK_EQ(isacfe_stream_next(&s, &body, &bl), ISACFE_EFRAMING);
    isacfe_stream_free(&s);
    return test_summary("wire");
}
