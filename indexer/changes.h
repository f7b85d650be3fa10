/* changes.h — the change feed: what the last refreshes added, changed,
 * withdrew and removed, read back from the per-generation change reports
 * the indexer writes (INDEX_DIR/changes/NNNNNN.json, see build.h).
 *
 * searchd serves it as GET /api/changes?since=&area=&sdo= and turns the same
 * JSON into the Atom feed /feeds/changes.atom (libxml2's xmlTextWriter lives
 * in searchd/, not here: this library links jansson only).
 *
 * Only reports of generations up to the one `current` points to are served:
 * after a rollback, the reports of the generations rolled back over are not
 * news any more (the next refresh overwrites them). */
#ifndef SECSTD_CHANGES_H
#define SECSTD_CHANGES_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

#define SECSTD_CHANGES_DEFAULT_REPORTS 30     /* generations returned by default */
#define SECSTD_CHANGES_MAX_REPORTS 1000       /* hard ceiling on max_reports */
#define SECSTD_CHANGES_DEFAULT_ENTRIES 1000   /* entries (all kinds) by default */
#define SECSTD_CHANGES_MAX_ENTRIES 100000     /* hard ceiling on max_entries */
#define SECSTD_CHANGES_MAX_FILE (64L * 1024 * 1024) /* a larger report is skipped */

typedef struct secstd_changes_filter {
    /* NULL or "": the newest reports. "YYYY-MM-DD" or
     * "YYYY-MM-DDTHH:MM:SSZ": reports built at or after that instant (UTC).
     * A whole number "N" (or "gen-N"): reports of generations after N. */
    const char *since;
    const char *const *areas;  /* keep entries in any of these area ids */
    size_t n_areas;            /* 0: no area filter */
    const char *const *sdos;   /* keep entries of any of these SDOs */
    size_t n_sdos;             /* 0: no SDO filter */
    size_t max_reports;        /* 0: SECSTD_CHANGES_DEFAULT_REPORTS */
    size_t max_entries;        /* 0: SECSTD_CHANGES_DEFAULT_ENTRIES */
} secstd_changes_filter;

void secstd_changes_filter_init(secstd_changes_filter *f);

/* Checks a `since` value without reading anything: SECSTD_OK or
 * SECSTD_ERR_INVALID with a message for a 400 answer in err. */
secstd_status secstd_changes_check_since(const char *since, char *err, size_t errlen);

/* Reads the change reports under index_dir (newest generation first) and
 * sets *out (new reference, NULL on failure) to
 *
 *   {"current_generation": N, "since": "..."|null, "truncated": bool,
 *    "generations": [
 *      {"generation": N, "previous_generation": M,
 *       "built_at": "YYYY-MM-DDTHH:MM:SSZ" (or null),
 *       "added":          [{id, sdo, title, status, date, url, areas}],
 *       "changed":        [{... , "fields": ["title", ...]}],
 *       "status_changed": [{... , "from": "published", "to": "withdrawn"}],
 *       "removed":        [{id, sdo, title, status, date, url, areas}],
 *       "totals": {"added": n, "changed": n, "status_changed": n, "removed": n},
 *       "counts": {"by_sdo": {...}, "by_area": {...}}   (unfiltered) } ]}
 *
 * Entries are filtered by filter->areas / filter->sdos (filter may be NULL);
 * a generation none of whose entries pass the filter is still listed, with
 * empty lists, so a client sees the refresh happened. "truncated" is true
 * when max_reports or max_entries cut the answer. Unreadable or malformed
 * report files are skipped (the feed is a convenience, never a failure).
 *
 * Returns SECSTD_OK (also when there is no report yet: "generations" is
 * empty), SECSTD_ERR_INVALID for a bad `since` (message in err),
 * SECSTD_ERR_NOMEM. */
secstd_status secstd_changes_since(const char *index_dir, const secstd_changes_filter *filter,
                                   json_t **out, char *err, size_t errlen);

#endif
