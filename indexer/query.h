/* query.h — the query module shared by `secstd search` and searchd.
 *
 * It turns a search request (free text + filters) into a Xapian query:
 * identifiers in the text are detected first (schema/ident.h) and mapped
 * to exact identifier terms weighted to rank that standard first; the rest
 * goes through Xapian's QueryParser with the fielded syntax of
 * schema/fields.def (title:, sdo:, area:, status:, id:, group:, year: ...);
 * acronyms and synonyms (schema/synonyms.def) widen the query unless turned
 * off; filters are OR within a field and AND across fields; from/to bound
 * the date slot. A query-syntax error falls back to a plain-terms query and
 * the result says so. */
#ifndef SECSTD_QUERY_H
#define SECSTD_QUERY_H

#include <jansson.h>
#include <stddef.h>

#include "index.h"
#include "status.h"

/* Limits that hold whatever the client sends. */
#define SECSTD_QUERY_MAX_LEN 1024
/* Most prefix* words in one query (each expands to up to 50 words). */
#define SECSTD_QUERY_MAX_WILDCARDS 8
#define SECSTD_QUERY_MAX_PER_PAGE 100
#define SECSTD_QUERY_MAX_DEPTH 10000   /* page * per_page */
#define SECSTD_QUERY_MAX_FILTERS 32    /* values per filter field */
/* Facet counts and the total are exact up to this many matches and half
 * as many again; beyond, estimated from a sample (secstd_search_request's
 * exact_facets). */
#define SECSTD_QUERY_EXACT_FACETS 10000

typedef struct secstd_filter {
    const char *values[SECSTD_QUERY_MAX_FILTERS];
    size_t count;
} secstd_filter;

typedef struct secstd_search_request {
    const char *q;             /* free text, may be NULL or "" (all) */
    secstd_filter sdo;         /* canonical names or aliases */
    secstd_filter area;        /* area ids */
    secstd_filter status;
    secstd_filter type;
    secstd_filter group;
    const char *from;          /* "YYYY", "YYYY-MM" or "YYYY-MM-DD"; NULL = open */
    const char *to;
    int sort_by_date;          /* 0 relevance, 1 newest first */
    unsigned page;             /* 1-based */
    unsigned per_page;
    int synonyms;              /* 1 = expand acronyms/synonyms (default) */
    int all_records;           /* 1 = not only security-scoped records */
    int facets;                /* 1 = compute facet counts */
    int snippets;              /* 1 = compute highlighted snippets */
    unsigned max_rows;         /* CSV export: overrides paging when > 0 */
    unsigned exact_facets;     /* facets and total exact up to this many
                                  matches and half as many again, estimated
                                  beyond ("facets_exact": false); 0 =
                                  SECSTD_QUERY_EXACT_FACETS */
} secstd_search_request;

/* Sets defaults: page 1, per_page 10, synonyms on, facets and snippets on. */
void secstd_search_request_init(secstd_search_request *req);

/* Checks the request (lengths, UTF-8, known areas/SDOs/statuses, dates,
 * paging limits). On error returns SECSTD_ERR_INVALID or
 * SECSTD_ERR_TOO_LARGE with *param naming the offending parameter ("q",
 * "area", "per_page" ...) and err saying what was wrong (for an unknown
 * area, the valid ones). */
secstd_status secstd_search_validate(const secstd_search_request *req, const char **param,
                                     char *err, size_t errlen);

/* Runs the search. *out is a new object:
 *   {total, page, per_page, query:{text, identifiers:[..], fallback:bool,
 *    synonyms:[..], relaxed:bool, all_words_total:n (when relaxed)},
 *    did_you_mean: str|null,
 *    results:[{id, sdo, type, title, snippet, status, date, url, areas,
 *              score, exact:bool}],
 *    facets:{sdo:{v:n}, area:{..}, status:{..}, year:{..}}}
 * Facet counts of a field reflect every other active filter (not the
 * field's own). "snippet" is HTML-escaped text with <mark> around matches.
 * Validates first (same errors as secstd_search_validate). Retries once
 * after reopening on SECSTD_ERR_XAPIAN_MODIFIED. */
secstd_status secstd_search(secstd_index *idx, const secstd_search_request *req, json_t **out,
                            const char **param, char *err, size_t errlen);

/* The weight added to each published or in-development match of a search
 * ranked by relevance, so that current standards rank before superseded,
 * withdrawn and historic ones of about the same relevance (BM25 weights of
 * a two- or three-word search's first hits are about 8-20, within a few
 * tenths of each other; an identifier's standard weighs over 100). */
#define SECSTD_CURRENT_WEIGHT 1.0

/* Hits of result pages built on the helper thread (assist.h) since the
 * process started: the helper counts a lone search's facets, then builds
 * a share of its page. */
unsigned long long secstd_search_helper_hits(void);

/* HTML-escapes text into a new malloc'ed string; "\x01"/"\x02" markers (from
 * xap_results_snippet) become <mark>/</mark>. */
char *secstd_html_escape(const char *text);

#endif
