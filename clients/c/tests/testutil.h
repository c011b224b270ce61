#ifndef TESTUTIL_H
#define TESTUTIL_H
#include <stddef.h>
#include <stdint.h>

extern int test_failures;
#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            test_failures++;                                                         \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)
#define CHECK_EQ(a, b)                                                                                       \
    do {                                                                                                     \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                                \
        if (va_ != vb_) {                                                                                    \
            test_failures++;                                                                                 \
            fprintf(stderr, "%s:%d: %s = %lld, expected %s = %lld\n", __FILE__, __LINE__, #a, va_, #b, vb_); \
        }                                                                                                    \
    } while (0)

/* The bytes of FRAME.md's ```hex <name> block (malloc'd), or NULL. */
uint8_t *worked_example(const char *frame_md, const char *name, size_t *len);
/* Re-signs a frame's CRC-32C trailer after an edit. */
void resign(uint8_t *frame, size_t len);
int test_summary(const char *name);
#endif
