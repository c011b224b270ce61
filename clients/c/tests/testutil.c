#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "isacfe.h"

int test_failures;

uint8_t *worked_example(const char *frame_md, const char *name, size_t *len) {
    FILE *f = fopen(frame_md, "r");
    if (!f) return NULL;
    static char text[1 << 16];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    char tag[64];
    snprintf(tag, sizeof tag, "```hex %s\n", name);
    char *p = strstr(text, tag);
    if (!p) return NULL;
    p += strlen(tag);
    char *end = strstr(p, "```");
    uint8_t *out = malloc(1024);
    size_t k = 0;
    while (p < end && k < 1024) {
        unsigned v;
        int used;
        if (sscanf(p, " %2x%n", &v, &used) != 1) break;
        out[k++] = (uint8_t)v;
        p += used;
    }
    *len = k;
    return out;
}

void resign(uint8_t *frame, size_t len) {
    uint32_t c = isacfe_crc32c(0, frame, len - 4);
    for (int i = 0; i < 4; i++) frame[len - 4 + i] = (uint8_t)(c >> (8 * i));
}

int test_summary(const char *name) {
    if (test_failures) {
        fprintf(stderr, "%s: %d check(s) failed\n", name, test_failures);
        return 1;
    }
    printf("%s: ok\n", name);
    return 0;
}
