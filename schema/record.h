/* record.h — one normalised record (a standard, latest edition) as a
 * jansson object following schema/record.schema.json, and the records
 * files: JSON Lines, one record per line, written atomically.
 *
 * The records files are the plain-form "database" between the crawlers and
 * the indexer: diffable, greppable, jq-able. */
#ifndef SECSTD_RECORD_H
#define SECSTD_RECORD_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"

/* Longest line accepted from a records file (a record is a few KiB). */
#define SECSTD_RECORD_MAX_LINE (1024 * 1024)

/* Relation kinds of the record's "relations" object, in display order,
 * each with the kind that states the same link from the other end. */
typedef struct secstd_relation_kind {
    const char *name;      /* "supersedes" */
    const char *inverse;   /* "superseded_by" */
    const char *label;     /* "Supersedes" */
} secstd_relation_kind;

size_t secstd_relation_kind_count(void);
const secstd_relation_kind *secstd_relation_kind_at(size_t i);
const secstd_relation_kind *secstd_relation_kind_lookup(const char *name);

/* Checks rec against the record schema: required fields (id, sdo, title),
 * types, known field names only, status vocabulary, date form
 * (YYYY, YYYY-MM or YYYY-MM-DD), known SDO, relation kinds, string lengths.
 * Returns SECSTD_OK or SECSTD_ERR_SCHEMA with a one-line reason in err. */
secstd_status secstd_record_validate(const json_t *rec, char *err, size_t errlen);

/* A reader of a records file. */
typedef struct secstd_records_reader secstd_records_reader;

/* Opens path. Returns SECSTD_OK, SECSTD_ERR_IO (reason via errno text in
 * err), SECSTD_ERR_NOMEM. *out is NULL on failure. */
secstd_status secstd_records_reader_open(const char *path, secstd_records_reader **out,
                                         char *err, size_t errlen);

/* Reads the next record. On SECSTD_OK *rec is a new reference (caller
 * json_decref()s it); at end of file returns SECSTD_OK with *rec NULL.
 * A bad line (not JSON, not an object, fails validation, too long) returns
 * SECSTD_ERR_SCHEMA or SECSTD_ERR_TOO_LARGE with *rec NULL and
 * secstd_records_reader_error() saying "FILE:LINE: reason"; reading may
 * continue with the next line. Blank lines are skipped. */
secstd_status secstd_records_reader_next(secstd_records_reader *r, json_t **rec);

/* Parses one line of a records file (n bytes, its newline included or
 * not) as the reader does: SECSTD_OK with *rec a new reference, or *rec
 * NULL for a blank line; SECSTD_ERR_SCHEMA (not JSON, not an object, fails
 * validation) or SECSTD_ERR_TOO_LARGE (over SECSTD_RECORD_MAX_LINE) with a
 * one-line reason. */
secstd_status secstd_record_parse_line(const char *line, size_t n, json_t **rec, char *reason,
                                       size_t reasonlen);

/* "FILE:LINE: reason" of the last bad line (borrowed, valid until next). */
const char *secstd_records_reader_error(const secstd_records_reader *r);
/* Line number of the record last returned (1-based). */
size_t secstd_records_reader_line(const secstd_records_reader *r);
void secstd_records_reader_free(secstd_records_reader *r);

/* A writer that publishes a records file atomically: it writes
 * "<path>.tmp.<pid>", and commit() fsyncs and renames it over path. Until
 * commit, the previous file stays untouched; free() without commit removes
 * the temporary file. */
typedef struct secstd_records_writer secstd_records_writer;

secstd_status secstd_records_writer_open(const char *path, secstd_records_writer **out,
                                         char *err, size_t errlen);
/* Appends rec (borrowed) as one line, keys sorted. */
secstd_status secstd_records_writer_add(secstd_records_writer *w, const json_t *rec);
size_t secstd_records_writer_count(const secstd_records_writer *w);
secstd_status secstd_records_writer_commit(secstd_records_writer *w, char *err, size_t errlen);
void secstd_records_writer_free(secstd_records_writer *w);

#endif
