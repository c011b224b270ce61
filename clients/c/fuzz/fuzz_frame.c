/* libFuzzer harness: the weight-frame parser on arbitrary bytes (versions 1 and 2). Anything it
 * accepts must give finite weights in every subband and re-verify (CRC of the body equals the trailer); nothing may read outside the input. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "isacfe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* a private copy of exactly size bytes, so ASan sees any read past the end */
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf) return 0;
    memcpy(buf, data, size);
    static const struct isacfe_frame_limits small = {64, 16, 16, 1 << 16, 8};
    struct isacfe_frame f;
    isacfe_frame_init(&f);
    if (isacfe_frame_parse(buf, size, &small, &f) == ISACFE_FRAME_OK) {
        if (isacfe_crc32c(0, buf, f.frame_length - 4) != f.crc32c || f.frame_length != size) abort();
        size_t entries = (size_t)isacfe_frame_rows(&f) * f.k, shifters = (size_t)f.n * f.m;
        double *re = malloc((entries + shifters + 1) * sizeof *re), *im = malloc((entries + shifters + 1) * sizeof *im);
        if (re && im) {
            if (f.subbands < 1 || f.subbands > 8 || (f.subbands > 1) != (f.version == 2)) abort();
            for (uint32_t b = 0; b < f.subbands; b++) { /* every baseband set of a version 2 frame */
                if (isacfe_frame_subband_baseband(&f, b, re, im) != ISACFE_OK) abort();
                for (size_t i = 0; i < entries; i++) {
                    if (!isfinite(re[i]) || !isfinite(im[i])) abort();
                }
            }
            if (f.hybrid) isacfe_frame_analog(&f, re, im);
        }
        free(re);
        free(im);
    }
    isacfe_frame_free(&f);
    free(buf);
    return 0;
}
