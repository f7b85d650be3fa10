/* parser.h — the contract between the fetch layer and the listing parsers.
 *
 * A parser turns one fetched listing body (bytes as served, already
 * decoded from gzip by libcurl, not necessarily UTF-8) into normalised
 * records (schema/record.schema.json) added to a collector. Parsers never
 * touch the network or the filesystem; the crawl driver (crawl.c) fetches,
 * validates the plausibility of the result and writes records/<source>.jsonl.
 *
 * The parser table is parsers.def; each parser lives in its own file
 * crawlers/parse_<format>.c and is tested on the real listings in
 * ../shared/data/sdo by tests/crawlers/check_parse_<format>.c. */
#ifndef SECSTD_PARSER_H
#define SECSTD_PARSER_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

/* Collects records by canonical id. Adding a record whose id is already
 * present merges it: the newer edition (by date, then edition text) keeps
 * the top-level fields, the older one is appended to "editions"; aliases,
 * keywords and relations are unioned. So versions, amendments, corrigenda
 * and drafts of one standard end up as one record.
 * A parser may set the transient string "edition_id" on a record (the full
 * identifier of that edition as the body writes it, e.g. "ITU-T X.509
 * (10/2019)"); the collector uses it as the "editions" entry id and strips
 * it, so it never reaches a records file. */
typedef struct secstd_collector secstd_collector;

secstd_collector *secstd_collector_new(void);
void secstd_collector_free(secstd_collector *c);
/* Takes ownership of rec (a JSON object with at least "id"). Returns
 * SECSTD_OK, SECSTD_ERR_INVALID (no id; rec is released), SECSTD_ERR_NOMEM. */
secstd_status secstd_collector_add(secstd_collector *c, json_t *rec);
/* Attaches an edition/amendment/corrigendum entry to the record `id`,
 * creating nothing if the base is absent (returns SECSTD_ERR_NOT_FOUND).
 * Takes ownership of edition (an object with at least "id"). */
secstd_status secstd_collector_add_edition(secstd_collector *c, const char *id, json_t *edition);
/* The record with this canonical id (borrowed), or NULL. */
json_t *secstd_collector_get(const secstd_collector *c, const char *id);
size_t secstd_collector_count(const secstd_collector *c);
/* The records, in first-seen order, as a new array reference. */
json_t *secstd_collector_records(const secstd_collector *c);

/* What a parser is told about the listing it parses. */
typedef struct secstd_parse_input {
    const char *body;        /* listing bytes; NOT NUL-terminated in general */
    size_t len;
    const char *url;         /* where it was fetched from (for record urls, messages) */
    const char *source;      /* source name from sources.def, e.g. "ietf-xml" */
} secstd_parse_input;

/* Parses one listing. Adds records to out. Returns SECSTD_OK, or
 * SECSTD_ERR_PARSE with a one-line reason in err (what and where: element,
 * line or byte offset) when the listing is malformed or not of this
 * format; SECSTD_ERR_TOO_LARGE when a safety limit (size, depth, entity
 * expansion) is hit; SECSTD_ERR_NOMEM. A parser that returns an error may
 * have added some records: the driver discards them all. */
typedef secstd_status (*secstd_parse_fn)(const secstd_parse_input *in, secstd_collector *out,
                                         char *err, size_t errlen);

typedef struct secstd_parser {
    const char *name;        /* "ietf-xml", "relaton-yaml", ... */
    const char *format;      /* "XML", "text", "YAML", "JSON", "HTML", "CSV" */
    const char *version;     /* parser version, written to source.parser_version */
    secstd_parse_fn parse;
    const char *help;
} secstd_parser;

size_t secstd_parser_count(void);
const secstd_parser *secstd_parser_at(size_t i);
const secstd_parser *secstd_parser_lookup(const char *name);

#endif
