/* libFuzzer harness: the varint stream decoder and the downstream message decoding a session
 * does, on arbitrary bytes fed in arbitrary pieces (the first byte picks the piece size). */
#include <stdlib.h>
#include <string.h>

#include "isacfe.h"
#include "testbed.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0) return 0;
    size_t piece = (size_t)(data[0] % 17) + 1;
    data++;
    size--;
    struct isacfe_stream s;
    isacfe_stream_init(&s, 1 << 16);
    struct isacfe_frame f;
    isacfe_frame_init(&f);
    size_t total = 0;
    for (size_t off = 0; off < size; off += piece) {
        size_t n = size - off < piece ? size - off : piece;
        if (isacfe_stream_feed(&s, data + off, n) != 0) break;
        const uint8_t *body;
        size_t len;
        int r;
        while ((r = isacfe_stream_next(&s, &body, &len)) == 1) {
            total += len;
            if (total > size) abort(); /* a message can only be made of input bytes */
            Isac__Testbed__V1__ControllerMessage *m = isac__testbed__v1__controller_message__unpack(NULL, len, body);
            if (m) {
                if (m->body_case == ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_UPDATE && m->update->fpga_frame.len) {
                    isacfe_frame_parse(m->update->fpga_frame.data, m->update->fpga_frame.len, NULL, &f);
                }
                if (m->body_case == ISAC__TESTBED__V1__CONTROLLER_MESSAGE__BODY_UPDATE) {
                    /* every subband's float W as the session hands it out: each pointer it
                     * gives holds rows x cols floats (ASan reads them all) */
                    const Isac__Testbed__V1__WeightUpdate *u = m->update;
                    struct isacfe_answer a;
                    memset(&a, 0, sizeof a);
                    a.kind = ISACFE_ANSWER_UPDATE;
                    a.update = u;
                    a.subbands = 1 + (uint32_t)u->n_subband_baseband;
                    if (u->baseband) {
                        a.baseband_rows = u->baseband->rows;
                        a.baseband_cols = u->baseband->cols;
                    }
                    volatile float sink = 0;
                    for (uint32_t b = 0; b <= a.subbands; b++) {
                        const float *re, *im;
                        if (isacfe_answer_baseband(&a, b, &re, &im) != ISACFE_OK) continue;
                        if (b >= a.subbands) abort();
                        size_t entries = (size_t)a.baseband_rows * a.baseband_cols;
                        for (size_t e = 0; e < entries; e++) sink += re[e] + im[e];
                    }
                    (void)sink;
                }
                isac__testbed__v1__controller_message__free_unpacked(m, NULL);
            }
        }
        if (r < 0) break;
    }
    isacfe_frame_free(&f);
    isacfe_stream_free(&s);
    return 0;
}
