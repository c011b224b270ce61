#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "isacfe.h"
#include "testutil.h"

static const char *MAP =
    "window.offset         = 4096     # byte offset of the window in the device / file (optional)\n"
    "window.size           = 0x1000\n"
    "bank0.phase.offset    = 0x000\n"
    "bank1.phase.offset    = 0x100\n"
    "phase.area.size       = 0x100\n"
    "bank0.baseband.offset = 0x200\n"
    "bank1.baseband.offset = 0x400\n"
    "baseband.area.size    = 0x200\n"
    "bank.select.offset    = 0x600    # 0/1: bank the datapath uses\n"
    "load.strobe.offset    = 0x604    # written 1 after the bank switch\n";

static uint32_t word(const char *path, long off) {
    FILE *f = fopen(path, "rb");
    uint8_t b[4] = {0};
    fseek(f, off, SEEK_SET);
    if (fread(b, 1, 4, f) != 4) test_failures++;
    fclose(f);
    return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    char err[256];
    struct isacfe_regmap map;
    CHECK_EQ(isacfe_regmap_parse(MAP, &map, err, sizeof err), 0);
    CHECK_EQ(map.window_offset, 4096);
    CHECK_EQ(map.baseband_offset[1], 0x400);
    char bad[1024];
    snprintf(bad, sizeof bad, "%sbank.selct.offset = 4\n", MAP);
    CHECK_EQ(isacfe_regmap_parse(bad, &map, err, sizeof err), ISACFE_EARG);
    CHECK(strstr(err, "bank.selct.offset") != NULL);
    isacfe_regmap_parse(MAP, &map, err, sizeof err);

    char dev[] = "/tmp/isacfe-regs-XXXXXX";
    int fd = mkstemp(dev);
    static uint8_t zero[8192];
    CHECK_EQ(write(fd, zero, sizeof zero), (long)sizeof zero);
    close(fd);

    size_t hl, dl;
    uint8_t *h = worked_example(argv[1], "example-hybrid", &hl);
    uint8_t *d = worked_example(argv[1], "example-digital", &dl);
    struct isacfe_frame hf, df;
    isacfe_frame_init(&hf);
    isacfe_frame_init(&df);
    CHECK_EQ(isacfe_frame_parse(h, hl, NULL, &hf), 0);
    CHECK_EQ(isacfe_frame_parse(d, dl, NULL, &df), 0);

    struct isacfe_regs r;
    CHECK_EQ(isacfe_regs_open(&r, &map, dev), 0);
    CHECK_EQ(isacfe_regs_active_bank(&r), 0);
    CHECK_EQ(isacfe_regs_write(&r, &hf), 1);
    const long base = 4096;
    CHECK_EQ(word(dev, base + 0x600), 1);
    CHECK_EQ(word(dev, base + 0x604), 1);
    CHECK_EQ(word(dev, base + 0x100), 0);
    CHECK_EQ(word(dev, base + 0x104), 16);
    CHECK_EQ(word(dev, base + 0x400), 0x37800101u);
    CHECK_EQ(word(dev, base + 0x404), 8);
    CHECK_EQ(word(dev, base + 0x408), ((uint32_t)(-64 & 0xFFFF) << 16) | 128);
    CHECK_EQ(word(dev, base + 0x200), 0); /* bank 0 untouched */
    CHECK_EQ(isacfe_regs_write(&r, &df), 0);
    CHECK_EQ(word(dev, base + 0x600), 0);
    CHECK_EQ(word(dev, base + 0x200), 0x37800101u);
    CHECK_EQ(word(dev, base + 0x204), 0);
    CHECK_EQ(word(dev, base + 0x208), 32767);
    CHECK_EQ(word(dev, base + 0x20c), ((uint32_t)(-32767 & 0xFFFF) << 16) | 16383);
    CHECK_EQ(word(dev, base + 0x400), 0x37800101u); /* the previous frame stays */
    for (long o = 0; o < 4096; o += 4) {
        if (word(dev, o) != 0) {
            CHECK(!"nothing is written before the window");
            break;
        }
    }
    /* version 2: one block per subband, back to back (12 bytes each here) */
    size_t wl;
    uint8_t *w = worked_example(argv[1], "example-wideband", &wl);
    struct isacfe_frame wf;
    isacfe_frame_init(&wf);
    CHECK(w != NULL);
    if (w) {
        CHECK_EQ(isacfe_frame_parse(w, wl, NULL, &wf), 0);
        CHECK_EQ(isacfe_regs_write(&r, &wf), 1);
        CHECK_EQ(word(dev, base + 0x400), 0x37800101u);
        CHECK_EQ(word(dev, base + 0x408), ((uint32_t)(-64 & 0xFFFF) << 16) | 128);
        CHECK_EQ(word(dev, base + 0x40c), 0x37800101u);
        CHECK_EQ(word(dev, base + 0x410), 8);
        CHECK_EQ(word(dev, base + 0x414), (128u << 16) | 64);
        CHECK_EQ(isacfe_regs_write(&r, &df), 0); /* bank 0 active again for the checks below */
    }
    isacfe_regs_close(&r);
    if (w) { /* room for one block, not two: refused before writing */
        struct isacfe_regmap small = map;
        small.baseband_area_size = 0x14;
        CHECK_EQ(isacfe_regs_open(&r, &small, dev), 0);
        CHECK_EQ(isacfe_regs_write(&r, &wf), ISACFE_EARG);
        isacfe_regs_close(&r);
    }
    isacfe_frame_free(&wf);
    free(w);

    /* a frame that does not fit is refused before anything is written */
    map.baseband_area_size = 8;
    CHECK_EQ(isacfe_regs_open(&r, &map, dev), 0);
    CHECK_EQ(isacfe_regs_write(&r, &hf), ISACFE_EARG);
    CHECK_EQ(isacfe_regs_active_bank(&r), 0);
    isacfe_regs_close(&r);

    isacfe_frame_free(&hf);
    isacfe_frame_free(&df);
    free(h);
    free(d);
    unlink(dev);
    return test_summary("regfile");
}
