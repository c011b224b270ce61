/* Varint length-delimited framing, as the controller's VarintFrameDecoder. */
#include "isacfe.h"

#include <stdlib.h>
#include <string.h>

size_t isacfe_varint_put(uint8_t *dst, uint32_t v) {
    size_t i = 0;
    while (v >= 0x80) {
        dst[i++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    dst[i++] = (uint8_t)v;
    return i;
}

void isacfe_stream_init(struct isacfe_stream *s, size_t max_message) {
    memset(s, 0, sizeof *s);
    s->max_message = max_message ? max_message : ISACFE_MAX_MESSAGE_BYTES;
}

void isacfe_stream_free(struct isacfe_stream *s) {
    free(s->buf);
    memset(s, 0, sizeof *s);
}

static void drop_consumed(struct isacfe_stream *s) {
    if (s->consumed) {
        memmove(s->buf, s->buf + s->consumed, s->len - s->consumed);
        s->len -= s->consumed;
        s->consumed = 0;
    }
}

int isacfe_stream_feed(struct isacfe_stream *s, const uint8_t *data, size_t len) {
    if (s->failed) return ISACFE_EFRAMING;
    drop_consumed(s);
    if (len == 0) return ISACFE_OK;
    if (s->len + len > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        while (cap < s->len + len) cap *= 2;
        uint8_t *b = realloc(s->buf, cap);
        if (!b) return ISACFE_ENOMEM;
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    return ISACFE_OK;
}

int isacfe_stream_next(struct isacfe_stream *s, const uint8_t **body, size_t *len) {
    if (s->failed) return ISACFE_EFRAMING;
    drop_consumed(s);
    uint64_t length = 0;
    size_t i = 0;
    for (;;) {
        if (i >= s->len) return 0; /* the prefix has not all arrived */
        uint8_t b = s->buf[i];
        length |= (uint64_t)(b & 0x7F) << (7 * i);
        i++;
        if (!(b & 0x80)) break;
        if (i >= 5) { /* a sixth prefix byte would follow */
            s->failed = 1;
            return ISACFE_EFRAMING;
        }
    }
    if (length > s->max_message) { /* refused at the prefix, before buffering the body */
        s->failed = 1;
        return ISACFE_EFRAMING;
    }
    if (s->len - i < length) return 0;
    *body = s->buf + i;
    *len = (size_t)length;
    s->consumed = i + (size_t)length;
    return 1;
}
