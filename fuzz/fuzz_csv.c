/* fuzz_csv.c — libFuzzer target for the RFC 4180 reader (crawlers/csv.h).
 *
 * The first input byte picks the separator (even: ',', odd: ';', as the
 * ETSI and 3GPP exports use), the rest is the CSV text. Every record is
 * read to the end or to the first error; every field is touched, and the
 * field past the last one must be NULL. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    char sep = (data[0] & 1) ? ';' : ',';
    size_t len = size - 1;
    char *text = malloc(len ? len : 1);
    if (!text)
        return 0;
    if (len)
        memcpy(text, data + 1, len);
    secstd_csv *r = secstd_csv_new(text, len, sep);
    if (!r) {
        free(text);
        return 0;
    }
    char err[256];
    size_t records = 0, sum = 0;
    for (;;) {
        size_t n = 0;
        err[0] = '\0';
        secstd_status st = secstd_csv_next(r, &n, err, sizeof err);
        if (st != SECSTD_OK || n == 0)
            break;
        if (n > SECSTD_CSV_MAX_FIELDS)
            abort();
        for (size_t i = 0; i < n; i++) {
            const char *f = secstd_csv_field(r, i);
            if (!f)
                abort();
            sum += strlen(f);
        }
        if (secstd_csv_field(r, n) != NULL)
            abort();
        if (secstd_csv_line(r) == 0)
            abort();
        if (++records > len + 1)
            abort(); /* more records than bytes: the reader is not advancing */
    }
    (void)sum;
    secstd_csv_free(r);
    free(text);
    return 0;
}
