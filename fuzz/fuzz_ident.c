/* fuzz_ident.c — libFuzzer target for identifier normalisation
 * (schema/ident.h): secstd_ident_parse with every SDO hint, the term key
 * of what it returns, the ETSI transposition map, and secstd_ident_scan
 * over the same text as free query text.
 *
 * The first input byte picks the SDO hint (or none); the rest is the text.
 * Checked: output strings are terminated within their arrays, scan spans
 * are ordered, non-overlapping and inside the text. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"

static const char *const hints[] = {NULL,  "3GPP", "ATIS", "ETSI",   "IEEE", "IETF",
                                    "ISO/IEC", "ISO", "IEC", "ITU-T", "OASIS", "oneM2M",
                                    "W3C", "NIST", "CEN",  "nonsense"};

#define TERMINATED(a) (memchr((a), '\0', sizeof(a)) != NULL)

static void check_ident(const secstd_ident *id)
{
    if (!TERMINATED(id->sdo) || !TERMINATED(id->id) || !TERMINATED(id->type) ||
        !TERMINATED(id->edition) || !TERMINATED(id->part) || !TERMINATED(id->alias))
        abort();
}

typedef struct scan_state {
    size_t len;
    size_t last_end;
    size_t found;
} scan_state;

static int on_found(void *ctx, size_t start, size_t end, const secstd_ident *id)
{
    scan_state *s = ctx;
    if (start >= end || end > s->len || start < s->last_end)
        abort();
    s->last_end = end;
    s->found++;
    check_ident(id);
    char key[SECSTD_IDENT_MAX * 2];
    (void)secstd_ident_key(id->id, key, sizeof key);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    const char *hint = hints[data[0] % (sizeof hints / sizeof hints[0])];
    size_t len = size - 1;
    char *text = malloc(len + 1);
    if (!text)
        return 0;
    memcpy(text, data + 1, len);
    text[len] = '\0';

    secstd_ident id;
    if (secstd_ident_parse(text, hint, &id) == SECSTD_OK) {
        check_ident(&id);
        char key[SECSTD_IDENT_MAX * 2];
        size_t n = secstd_ident_key(id.id, key, sizeof key);
        if (n >= sizeof key || (n > 0 && strlen(key) != n))
            abort();
        secstd_ident again;
        if (secstd_ident_parse(id.id, id.sdo, &again) == SECSTD_OK)
            check_ident(&again);
        secstd_ident tr;
        if (secstd_ident_transposed_from(&id, &tr) == SECSTD_OK)
            check_ident(&tr);
    }
    char small[8];
    (void)secstd_ident_key(text, small, sizeof small);

    scan_state s = {strlen(text), 0, 0};
    size_t found = secstd_ident_scan(text, on_found, &s);
    if (found != s.found)
        abort();
    free(text);
    return 0;
}
