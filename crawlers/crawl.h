/* crawl.h — the crawl driver: turns the sources of sources.def into
 * DATA/records/<source>.jsonl, never losing data.
 *
 * Per source: fetch every document (fetch.h; conditional GET when the
 * records file exists and was made by the same parser version), parse them
 * into one collector with the parser named in sources.def, add provenance
 * ("source": name, url, fetched_at, etag, last_modified, parser_version),
 * validate each record (invalid ones are counted and named, not written),
 * check plausibility (at least min_records, and not more than max_drop
 * fewer than the previous file: a truncated upstream listing), then publish
 * the records file atomically. Any failure leaves the previous records
 * file byte-for-byte as it was and the report names the source and the
 * reason. An upstream with nothing new (every document 304, or the same
 * body digests as last time) is "unchanged": no parse, no rewrite.
 *
 * Used by `secstd crawl` and `secstd refresh`. Nothing here prints; a
 * progress callback lets the caller show what happens. */
#ifndef SECSTD_CRAWL_H
#define SECSTD_CRAWL_H

#include <jansson.h>
#include <stddef.h>

#include "config.h"
#include "fetch.h"
#include "status.h"

/* ---- the source registry (sources.def) -------------------------------- */
typedef struct secstd_source {
    const char *name;          /* "ietf-txt" */
    const char *sdo;           /* "IETF" */
    const char *parser;        /* parser name in parsers.def */
    const char *live_urls;     /* '|'-separated; "" when mirror-only */
    const char *mirror_paths;  /* '|'-separated, relative to a mirror */
    long min_records;
    const char *help;
} secstd_source;

size_t secstd_source_count(void);
const secstd_source *secstd_source_at(size_t i);
/* The source called name, or NULL. */
const secstd_source *secstd_source_lookup(const char *name);

/* ---- options ---------------------------------------------------------- */
typedef struct secstd_crawl_options {
    const char *data_dir;       /* records in DATA/records, state in DATA/state */
    const char *state_path;     /* NULL: DATA/state/crawl-state.json */
    const char *mirror;         /* directory: every source becomes file://DIR/<path> */
    const char *base_url;       /* URL: every source becomes URL/<path> */
    double max_drop;            /* fraction; 0.2 (default) = refuse losing a fifth */
    int force;                  /* fetch and parse even when unchanged */
    secstd_fetch_options fetch;
    const secstd_config *config;   /* [source NAME] overrides; may be NULL */
    char user_agent[512];       /* storage for fetch.user_agent */
} secstd_crawl_options;

/* Fills o from the documented defaults and then from cfg's top-level
 * data_dir and [crawl] keys (cfg may be NULL; o->config = cfg; strings are
 * borrowed from cfg). Checks every [crawl] and [source NAME] key and name,
 * so a typo is an error, not a silent default. Returns SECSTD_OK or
 * SECSTD_ERR_INVALID with "FILE:LINE: reason" in err. */
secstd_status secstd_crawl_options_init(secstd_crawl_options *o, const secstd_config *cfg,
                                        char *err, size_t errlen);

/* ---- the report ------------------------------------------------------- */
typedef enum secstd_crawl_outcome {
    SECSTD_CRAWL_RUNNING,      /* progress callback only: source started */
    SECSTD_CRAWL_FETCHED,      /* new records file written */
    SECSTD_CRAWL_UNCHANGED,    /* nothing new upstream; file untouched */
    SECSTD_CRAWL_FAILED,       /* previous file kept; reason says why */
    SECSTD_CRAWL_SKIPPED,      /* disabled, no parser yet, or no URL */
} secstd_crawl_outcome;

const char *secstd_crawl_outcome_name(secstd_crawl_outcome o);

typedef struct secstd_source_report {
    const secstd_source *source;
    secstd_crawl_outcome outcome;
    secstd_status status;      /* SECSTD_OK unless failed */
    char reason[1024];         /* failure/skip reason or a note ("3 invalid records") */
    size_t documents;          /* documents fetched (200) */
    size_t bytes;              /* body bytes fetched */
    size_t records;            /* records written (or in the kept file) */
    long previous_records;     /* records in the previous file, -1 if none */
    size_t invalid;            /* records refused by validation */
    json_t *invalid_ids;       /* array of "ID: reason" (at most 50) */
    double seconds;
} secstd_source_report;

typedef struct secstd_crawl_report {
    secstd_source_report *sources;
    size_t n;
    double seconds;
    char warning[512];         /* e.g. a corrupt crawl state was reset */
} secstd_crawl_report;

/* Called when a source starts (outcome RUNNING) and when it ends. */
typedef void (*secstd_crawl_progress_fn)(void *ctx, const secstd_source_report *r);

/* Crawls the named sources (all enabled sources when n == 0) and writes
 * *out (caller secstd_crawl_report_free()s). Returns SECSTD_OK when the
 * run took place, whatever the sources' outcomes; SECSTD_ERR_NOT_FOUND for
 * an unknown source name (err names it; nothing crawled);
 * SECSTD_ERR_IO when DATA cannot be created; SECSTD_ERR_NOMEM. */
secstd_status secstd_crawl_run(const secstd_crawl_options *o, const char *const *names, size_t n,
                               secstd_crawl_progress_fn progress, void *ctx,
                               secstd_crawl_report **out, char *err, size_t errlen);

/* 0 when no source failed, 1 when some failed but at least one fetched or
 * was unchanged, 2 when none did (nothing usable). */
int secstd_crawl_report_exit_status(const secstd_crawl_report *r);
/* {"seconds", "exit_status", "warning", "sources": [{"name", "sdo", "outcome",
 * "status", "reason", "documents", "bytes", "records", "previous_records",
 * "invalid", "invalid_ids", "seconds"}]} as a new reference. */
json_t *secstd_crawl_report_json(const secstd_crawl_report *r);
void secstd_crawl_report_free(secstd_crawl_report *r);

#endif
