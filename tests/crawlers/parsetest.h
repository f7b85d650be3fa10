/* parsetest.h — helpers for the parser suites of the ITU/OASIS/IEEE/ETSI/
 * 3GPP/CEN parsers: run a parser (by its name in parsers.def) on a real
 * file of the shared data or on an inline fixture, check that every
 * record passes secstd_record_validate(), and read fields. Header-only
 * (static functions) so each suite stays one file. */
#ifndef SECSTD_PARSETEST_H
#define SECSTD_PARSETEST_H

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "parser.h"
#include "record.h"
#include "testutil.h"

/* Runs parser `name` on body into c; returns its status, err filled. */
static inline secstd_status pt_run(const char *name, const char *body, size_t len,
                                   const char *url, secstd_collector *c, char *err,
                                   size_t errlen)
{
    const secstd_parser *p = secstd_parser_lookup(name);
    ck_assert_msg(p != NULL, "parser %s is not in parsers.def", name);
    secstd_parse_input in = {body, len, url, name};
    err[0] = '\0';
    return p->parse(&in, c, err, errlen);
}

/* Runs parser `name` on the shared file rel (must succeed). */
static inline void pt_run_shared(const char *name, const char *rel, const char *url,
                                 secstd_collector *c)
{
    char *path = tu_shared(rel);
    size_t len = 0;
    char *body = tu_read_file(path, &len);
    ck_assert_msg(body != NULL, "cannot read %s", path);
    char err[512];
    secstd_status st = pt_run(name, body, len, url ? url : path, c, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "%s on %s: %s: %s", name, rel, secstd_status_to_string(st),
                  err);
    free(body);
    free(path);
}

/* Runs parser `name` on a NUL-terminated fixture; returns its status. */
static inline secstd_status pt_run_text(const char *name, const char *text, secstd_collector *c,
                                        char *err, size_t errlen)
{
    return pt_run(name, text, strlen(text), "http://127.0.0.1/fixture", c, err, errlen);
}

/* Every record of c passes the schema; returns the count. */
static inline size_t pt_validate_all(const secstd_collector *c)
{
    json_t *recs = secstd_collector_records(c);
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r) {
        char err[300];
        secstd_status st = secstd_record_validate(r, err, sizeof err);
        if (st != SECSTD_OK) {
            char *dump = json_dumps(r, JSON_COMPACT);
            ck_abort_msg("record %zu invalid: %s: %.600s", i, err, dump ? dump : "?");
        }
    }
    size_t n = json_array_size(recs);
    json_decref(recs);
    return n;
}

/* rec[key] as a string ("" when absent). */
static inline const char *pt_str(const json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? s : "";
}

/* 1 if the string array rec[key] (or rec.relations[kind] with key
 * "relations.kind") contains value. */
static inline int pt_has(const json_t *rec, const char *key, const char *value)
{
    const json_t *arr;
    if (strncmp(key, "relations.", 10) == 0)
        arr = json_object_get(json_object_get(rec, "relations"), key + 10);
    else
        arr = json_object_get(rec, key);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) && strcmp(json_string_value(v), value) == 0)
        return 1;
    return 0;
}

/* The editions entry with this id, or NULL. */
static inline json_t *pt_edition(const json_t *rec, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "editions"), i, e) if (strcmp(pt_str(e, "id"), id) == 0)
        return e;
    return NULL;
}

/* The record with this id (must exist). */
static inline json_t *pt_get(const secstd_collector *c, const char *id)
{
    json_t *r = secstd_collector_get(c, id);
    ck_assert_msg(r != NULL, "no record %s", id);
    return r;
}

#endif
