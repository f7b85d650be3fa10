/* params.h — turning a request's query-string arguments into a search
 * request, strictly.
 *
 * searchd accepts only the parameters a route documents: an unknown name,
 * a repeated single-valued parameter, a value that is not valid UTF-8 (or
 * holds control characters), a number that is not a plain decimal integer
 * within its range — each is a 400 that names the parameter. Values are
 * borrowed from the caller (libmicrohttpd's connection memory): the filled
 * request is valid only while the arguments are. Known-value checks
 * (areas, SDOs, statuses, dates) belong to secstd_search_validate(), the
 * one place the CLI and searchd share. */
#ifndef SEARCHD_PARAMS_H
#define SEARCHD_PARAMS_H

#include <stddef.h>

#include "query.h"

/* One decoded query-string argument. value_len counts bytes (a decoded
 * "%00" makes strlen(value) shorter than value_len). */
typedef struct sd_arg {
    const char *key;
    size_t key_len;
    const char *value;   /* "" for a key without '=' */
    size_t value_len;
} sd_arg;

/* An HTTP error to answer: status, the parameter at fault (or NULL) and a
 * message for people. param and message are valid UTF-8. */
typedef struct sd_error {
    unsigned code;
    const char *param;
    char message[768];
} sd_error;

/* Limits that apply on top of query.h's compile-time ones. */
typedef struct sd_limits {
    unsigned max_per_page;   /* <= SECSTD_QUERY_MAX_PER_PAGE */
    unsigned max_depth;      /* page * per_page, <= SECSTD_QUERY_MAX_DEPTH */
    unsigned max_query_len;  /* bytes of q, <= SECSTD_QUERY_MAX_LEN */
    unsigned csv_max_rows;   /* rows of one CSV export */
    unsigned max_similar;    /* largest `limit` of /similar */
    unsigned exact_facets;   /* the searches' exact_facets (query.h) */
} sd_limits;

/* The longest filter value accepted (an SDO, area, group or type). */
#define SD_MAX_FILTER_VALUE 200

/* 1 if s[0..len) is well-formed UTF-8 (no overlong forms, no surrogates,
 * nothing above U+10FFFF) without NUL or C0 control characters other
 * than tab, CR and LF; else 0. */
int sd_utf8_valid(const char *s, size_t len);

/* Parses a plain decimal integer (no sign, no spaces, at most 9 digits)
 * into *out. Returns 0, -1 when s is not such a number, -2 when it is
 * outside [min, max]. */
int sd_parse_uint(const char *s, size_t len, unsigned min, unsigned max, unsigned *out);

/* Fills e with code, param and a printf-style message. */
void sd_error_set(sd_error *e, unsigned code, const char *param, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Parses the arguments of /api/search (csv = 0) or /search.csv (csv = 1)
 * into req (which the caller has initialised with
 * secstd_search_request_init). For CSV, page and per_page are accepted and
 * ignored and max_rows is set to the CSV limit. Returns 0, or -1 with e
 * filled (400). */
int sd_parse_search(const sd_arg *args, size_t n, const sd_limits *lim, int csv,
                    secstd_search_request *req, sd_error *e);

/* For routes with a fixed set of parameters: each argument must be one of
 * allowed (NULL-terminated; may be empty) and valid UTF-8, at most once.
 * Returns 0 or -1 with e filled (400). */
int sd_check_args(const sd_arg *args, size_t n, const char *const *allowed, sd_error *e);

/* The value of name among args (first occurrence), or NULL. */
const sd_arg *sd_find_arg(const sd_arg *args, size_t n, const char *name);

#endif
