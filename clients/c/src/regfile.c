/* Register writer: the layout of org.isac.fpga.regfile.RegisterFileWriter (fpga-bridge/FRAME.md). */
#include "isacfe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *const KEYS[] = {"window.size", "window.offset", "bank0.phase.offset", "bank1.phase.offset",
                                   "phase.area.size", "bank0.baseband.offset", "bank1.baseband.offset",
                                   "baseband.area.size", "bank.select.offset", "load.strobe.offset"};
#define NKEYS (sizeof KEYS / sizeof KEYS[0])

static void trim(char **b, char **e) {
    while (*b < *e && (**b == ' ' || **b == '\t' || **b == '\r')) (*b)++;
    while (*e > *b && ((*e)[-1] == ' ' || (*e)[-1] == '\t' || (*e)[-1] == '\r')) (*e)--;
}

int isacfe_regmap_parse(const char *text, struct isacfe_regmap *out, char *err, size_t errlen) {
    unsigned long long v[NKEYS];
    int seen[NKEYS] = {0};
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        const char *end = nl ? nl : p + strlen(p);
        char line[256];
        size_t l = (size_t)(end - p);
        if (l >= sizeof line) l = sizeof line - 1;
        memcpy(line, p, l);
        line[l] = 0;
        p = nl ? nl + 1 : end;
        char *hash = strchr(line, '#');
        if (hash) *hash = 0;
        char *b = line, *e = line + strlen(line);
        trim(&b, &e);
        if (b == e || *b == '!') continue;
        char *eq = memchr(b, '=', (size_t)(e - b));
        if (!eq) eq = memchr(b, ':', (size_t)(e - b));
        if (!eq) {
            snprintf(err, errlen, "line without '=': %.*s", (int)(e - b), b);
            return ISACFE_EARG;
        }
        char *kb = b, *ke = eq, *vb = eq + 1, *ve = e;
        trim(&kb, &ke);
        trim(&vb, &ve);
        *ke = 0;
        *ve = 0;
        size_t idx = NKEYS;
        for (size_t i = 0; i < NKEYS; i++) {
            if (strcmp(kb, KEYS[i]) == 0) idx = i;
        }
        if (idx == NKEYS) {
            snprintf(err, errlen, "unknown key '%s'", kb);
            return ISACFE_EARG;
        }
        char *stop;
        errno = 0;
        unsigned long long x = (vb[0] == '0' && (vb[1] == 'x' || vb[1] == 'X')) ? strtoull(vb + 2, &stop, 16)
                                                                                : strtoull(vb, &stop, 10);
        if (errno || *stop || stop == vb || vb[0] == '-' || (idx != 1 && x > 0x7FFFFFFFull)) {
            snprintf(err, errlen, "'%s' is not a number in range: '%s'", kb, vb);
            return ISACFE_EARG;
        }
        v[idx] = x;
        seen[idx] = 1;
    }
    for (size_t i = 0; i < NKEYS; i++) {
        if (!seen[i] && i != 1) {
            snprintf(err, errlen, "missing key '%s'", KEYS[i]);
            return ISACFE_EARG;
        }
    }
    struct isacfe_regmap m;
    m.window_size = (uint32_t)v[0];
    m.window_offset = seen[1] ? v[1] : 0;
    m.phase_offset[0] = (uint32_t)v[2];
    m.phase_offset[1] = (uint32_t)v[3];
    m.phase_area_size = (uint32_t)v[4];
    m.baseband_offset[0] = (uint32_t)v[5];
    m.baseband_offset[1] = (uint32_t)v[6];
    m.baseband_area_size = (uint32_t)v[7];
    m.bank_select_offset = (uint32_t)v[8];
    m.load_strobe_offset = (uint32_t)v[9];
    if (m.window_size == 0 || m.window_size % 4) {
        snprintf(err, errlen, "window.size must be a positive multiple of 4");
        return ISACFE_EARG;
    }
    uint64_t spans[6][2] = {{m.phase_offset[0], m.phase_area_size},       {m.phase_offset[1], m.phase_area_size},
                            {m.baseband_offset[0], m.baseband_area_size}, {m.baseband_offset[1], m.baseband_area_size},
                            {m.bank_select_offset, 4},                   {m.load_strobe_offset, 4}};
    static const char *const names[] = {"bank0.phase", "bank1.phase", "bank0.baseband", "bank1.baseband",
                                        "bank.select", "load.strobe"};
    for (int i = 0; i < 6; i++) {
        if (spans[i][0] % 4 || spans[i][1] % 4 || spans[i][0] + spans[i][1] > m.window_size) {
            snprintf(err, errlen, "%s must be 4-byte aligned and inside the window", names[i]);
            return ISACFE_EARG;
        }
        for (int j = 0; j < i; j++) {
            if (spans[i][1] && spans[j][1] && spans[i][0] < spans[j][0] + spans[j][1] &&
                spans[j][0] < spans[i][0] + spans[i][1]) {
                snprintf(err, errlen, "%s overlaps %s", names[j], names[i]);
                return ISACFE_EARG;
            }
        }
    }
    *out = m;
    return ISACFE_OK;
}

int isacfe_regmap_load(const char *path, struct isacfe_regmap *out, char *err, size_t errlen) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return ISACFE_EIO;
    }
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    return isacfe_regmap_parse(text, out, err, errlen);
}

int isacfe_regs_open(struct isacfe_regs *r, const struct isacfe_regmap *map, const char *path) {
    memset(r, 0, sizeof *r);
    r->fd = -1;
    long page = sysconf(_SC_PAGESIZE);
    uint64_t base = map->window_offset - map->window_offset % (uint64_t)page; /* mmap wants a page offset */
    size_t skew = (size_t)(map->window_offset - base);
    int fd = open(path, O_RDWR | O_SYNC);
    if (fd < 0) return ISACFE_EIO;
    void *p = mmap(NULL, map->window_size + skew, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)base);
    if (p == MAP_FAILED) {
        close(fd);
        return ISACFE_EIO;
    }
    r->map = *map;
    r->fd = fd;
    r->mapping = p;
    r->mapping_len = map->window_size + skew;
    r->window = (volatile uint32_t *)((uint8_t *)p + skew);
    return ISACFE_OK;
}

/* Registers are little-endian 32-bit words; on a big-endian host swap. */
static uint32_t le32(uint32_t v) {
    const union { uint16_t u; uint8_t b[2]; } probe = {1};
    if (probe.b[0]) return v;
    return (v >> 24) | ((v >> 8) & 0xFF00u) | ((v << 8) & 0xFF0000u) | (v << 24);
}

static void put(struct isacfe_regs *r, uint32_t offset, uint32_t v) { r->window[offset / 4] = le32(v); }

int isacfe_regs_active_bank(const struct isacfe_regs *r) {
    return (int)(le32(r->window[r->map.bank_select_offset / 4]) & 1);
}

int isacfe_regs_write(struct isacfe_regs *r, const struct isacfe_frame *f) {
    uint64_t phase_need = f->hybrid ? 4ull * f->n * f->m : 0;
    uint64_t rows = isacfe_frame_rows(f);
    uint64_t block = 4ull * (1 + f->k + rows * f->k); /* one subband's scale, exponents and words */
    uint64_t bb_need = block * f->subbands;
    if (phase_need > r->map.phase_area_size || bb_need > r->map.baseband_area_size) return ISACFE_EARG;
    int bank = isacfe_regs_active_bank(r) ^ 1;
    if (f->hybrid) {
        uint32_t base = r->map.phase_offset[bank];
        size_t shifters = (size_t)f->n * f->m;
        for (size_t i = 0; i < shifters; i++) {
            uint32_t w = f->phase_codes[i] | (f->gain_bits > 0 ? (uint32_t)f->gain_codes[i] << 8 : 0);
            put(r, base + 4 * (uint32_t)i, w);
        }
    }
    size_t entries = rows * f->k;
    for (uint32_t b = 0; b < f->subbands; b++) { /* a version 2 frame: S blocks back to back */
        uint32_t bb = r->map.baseband_offset[bank] + b * (uint32_t)block;
        const int32_t *iq = f->iq + 2 * (size_t)b * entries, *exps = f->exponents + (size_t)b * f->k;
        put(r, bb, f->scales_bits[b]);
        for (uint32_t c = 0; c < f->k; c++) put(r, bb + 4 + 4 * c, (uint32_t)exps[c]);
        uint32_t pos = bb + 4 + 4 * f->k;
        for (size_t e = 0; e < entries; e++) {
            uint32_t i = (uint32_t)iq[2 * e] & 0xFFFFu, q = (uint32_t)iq[2 * e + 1] & 0xFFFFu;
            put(r, pos, q << 16 | i);
            pos += 4;
        }
    }
    __sync_synchronize(); /* the bank is complete before it is selected */
    put(r, r->map.bank_select_offset, (uint32_t)bank);
    __sync_synchronize();
    put(r, r->map.load_strobe_offset, 1);
    __sync_synchronize();
    return bank;
}

void isacfe_regs_close(struct isacfe_regs *r) {
    if (r->mapping) munmap(r->mapping, r->mapping_len);
    if (r->fd >= 0) close(r->fd);
    memset(r, 0, sizeof *r);
    r->fd = -1;
}
