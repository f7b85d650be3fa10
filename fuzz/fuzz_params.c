/* fuzz_params.c — libFuzzer target for searchd's request parameter
 * handling (searchd/params.h), standalone: no daemon, no index.
 *
 * The first input byte chooses the route (bit 0: /search.csv instead of
 * /api/search; bit 1: a fixed-parameter route such as /similar); the rest
 * is a query string, decoded the way libmicrohttpd decodes one ('&'
 * separates arguments, the first '=' splits name and value, '+' is a
 * space, %XX a byte, so values may hold NUL). Each decoded key and value
 * is its own exact-size, NUL-terminated allocation, as MHD's connection
 * memory gives them. A parameter set that sd_parse_search() accepts goes
 * on to secstd_search_validate(), the next step of a search request.
 *
 * Checked: error codes are 400, error messages and parameter names are
 * valid UTF-8 (they are put into a JSON body), and accepted requests
 * respect the limits. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "params.h"
#include "query.h"

#define MAX_ARGS 256

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..len) into a new NUL-terminated buffer; *out_len its bytes. */
static char *decode(const uint8_t *s, size_t len, size_t *out_len)
{
    char *d = malloc(len + 1);
    if (!d)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '+') {
            d[j++] = ' ';
        } else if (s[i] == '%' && i + 2 < len && hexval(s[i + 1]) >= 0 &&
                   hexval(s[i + 2]) >= 0) {
            d[j++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        } else {
            d[j++] = (char)s[i];
        }
    }
    d[j] = '\0';
    /* Shrink to the exact size so ASan sees reads past the value. */
    char *exact = malloc(j + 1);
    if (exact)
        memcpy(exact, d, j + 1);
    free(d);
    *out_len = j;
    return exact;
}

static void check_error(const sd_error *e)
{
    if (e->code != 400)
        abort();
    size_t n = strnlen(e->message, sizeof e->message);
    if (n == sizeof e->message || !sd_utf8_valid(e->message, n))
        abort();
    if (e->param && !sd_utf8_valid(e->param, strlen(e->param)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 16384)
        return 0;
    unsigned route = data[0];
    const uint8_t *qs = data + 1;
    size_t len = size - 1;

    sd_arg args[MAX_ARGS];
    char *owned[MAX_ARGS * 2];
    size_t n = 0, nowned = 0;
    size_t start = 0;
    while (start <= len && n < MAX_ARGS) {
        const uint8_t *amp = memchr(qs + start, '&', len - start);
        size_t end = amp ? (size_t)(amp - qs) : len;
        if (end > start) {
            const uint8_t *eq = memchr(qs + start, '=', end - start);
            size_t kend = eq ? (size_t)(eq - qs) : end;
            sd_arg *a = &args[n];
            char *k = decode(qs + start, kend - start, &a->key_len);
            char *v = eq ? decode(qs + kend + 1, end - kend - 1, &a->value_len)
                         : decode(qs, 0, &a->value_len);
            if (k)
                owned[nowned++] = k;
            if (v)
                owned[nowned++] = v;
            if (k && v) {
                a->key = k;
                a->value = v;
                n++;
            }
        }
        if (!amp)
            break;
        start = end + 1;
    }

    sd_limits lim = {SECSTD_QUERY_MAX_PER_PAGE, SECSTD_QUERY_MAX_DEPTH, SECSTD_QUERY_MAX_LEN,
                     100000, 50, SECSTD_QUERY_EXACT_FACETS};
    sd_error e;
    memset(&e, 0, sizeof e);
    if (route & 2) {
        static const char *const similar[] = {"limit", NULL};
        if (sd_check_args(args, n, similar, &e) < 0) {
            check_error(&e);
        } else {
            const sd_arg *l = sd_find_arg(args, n, "limit");
            unsigned v = 0;
            if (l && sd_parse_uint(l->value, l->value_len, 1, lim.max_similar, &v) == 0 &&
                (v < 1 || v > lim.max_similar))
                abort();
        }
        static const char *const none[] = {NULL};
        memset(&e, 0, sizeof e);
        if (sd_check_args(args, n, none, &e) < 0)
            check_error(&e);
        else if (n != 0)
            abort();
    } else {
        int csv = route & 1;
        secstd_search_request req;
        secstd_search_request_init(&req);
        if (sd_parse_search(args, n, &lim, csv, &req, &e) < 0) {
            check_error(&e);
        } else {
            if (!csv && (req.per_page > lim.max_per_page || req.page < 1))
                abort();
            if (req.q && strlen(req.q) > lim.max_query_len)
                abort();
            const char *param = NULL;
            char err[1024];
            err[0] = '\0';
            (void)secstd_search_validate(&req, &param, err, sizeof err);
            if (memchr(err, '\0', sizeof err) == NULL)
                abort();
        }
    }
    for (size_t i = 0; i < nowned; i++)
        free(owned[i]);
    return 0;
}
