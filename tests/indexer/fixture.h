/* fixture.h — shared set-up of the indexer suites: a temporary data
 * directory holding records/handwritten.jsonl (a copy of the hand-written
 * fixture, tests/fixtures/records/), building it with secstd_build and
 * opening the result. Header-only (static inline) so each check_*.c stays
 * one translation unit as CMake expects. */
#ifndef SECSTD_TESTS_INDEXER_FIXTURE_H
#define SECSTD_TESTS_INDEXER_FIXTURE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "build.h"
#include "index.h"
#include "testutil.h"

#define FX_FIXTURE SECSTD_SOURCE_DIR "/tests/fixtures/records/handwritten.jsonl"
#define FX_RECORDS 25 /* lines of the hand-written fixture */

/* DIR/records/handwritten.jsonl; DIR/index does not exist yet. */
static inline char *fx_data_dir(void)
{
    char *dir = tu_mkdtemp();
    char *records = tu_strdupf("%s/records", dir);
    ck_assert_int_eq(mkdir(records, 0755), 0);
    size_t len = 0;
    char *body = tu_read_file(FX_FIXTURE, &len);
    ck_assert_msg(body != NULL, "cannot read %s", FX_FIXTURE);
    char *dst = tu_strdupf("%s/handwritten.jsonl", records);
    ck_assert_int_eq(tu_write_file(dst, body, len), 0);
    free(dst);
    free(body);
    free(records);
    return dir;
}

static inline char *fx_path(const char *dir, const char *rel)
{
    return tu_strdupf("%s/%s", dir, rel);
}

/* Writes DIR/records/NAME with the given content. */
static inline void fx_write_records(const char *dir, const char *name, const char *content)
{
    char *p = tu_strdupf("%s/records/%s", dir, name);
    ck_assert_int_eq(tu_write_file(p, content, strlen(content)), 0);
    free(p);
}

/* Replaces the first occurrence of find with repl in DIR/records/NAME. */
static inline void fx_edit(const char *dir, const char *name, const char *find, const char *repl)
{
    char *p = tu_strdupf("%s/records/%s", dir, name);
    size_t len = 0;
    char *body = tu_read_file(p, &len);
    ck_assert_ptr_nonnull(body);
    char *at = strstr(body, find);
    ck_assert_msg(at != NULL, "\"%s\" not in %s", find, p);
    char *out = tu_strdupf("%.*s%s%s", (int)(at - body), body, repl, at + strlen(find));
    ck_assert_int_eq(tu_write_file(p, out, strlen(out)), 0);
    free(out);
    free(body);
    free(p);
}

/* Removes the line containing needle from DIR/records/NAME. */
static inline void fx_drop_line(const char *dir, const char *name, const char *needle)
{
    char *p = tu_strdupf("%s/records/%s", dir, name);
    size_t len = 0;
    char *body = tu_read_file(p, &len);
    ck_assert_ptr_nonnull(body);
    char *at = strstr(body, needle);
    ck_assert_msg(at != NULL, "\"%s\" not in %s", needle, p);
    char *start = at;
    while (start > body && start[-1] != '\n')
        start--;
    char *end = strchr(at, '\n');
    end = end ? end + 1 : at + strlen(at);
    char *out = tu_strdupf("%.*s%s", (int)(start - body), body, end);
    ck_assert_int_eq(tu_write_file(p, out, strlen(out)), 0);
    free(out);
    free(body);
    free(p);
}

/* Runs the indexer on DIR/records into DIR/index. */
static inline secstd_status fx_build_opts(const char *dir, unsigned keep, int full, FILE *errors,
                                          secstd_build_summary *sum)
{
    char *records = fx_path(dir, "records"), *index = fx_path(dir, "index");
    secstd_build_opts opts;
    secstd_build_opts_init(&opts);
    opts.records_dir = records;
    opts.index_dir = index;
    if (keep)
        opts.keep = keep;
    opts.full = full;
    opts.errors = errors;
    char err[1024] = "";
    secstd_status st = secstd_build(&opts, sum, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "secstd_build: %s (%s)", err, secstd_status_to_string(st));
    free(records);
    free(index);
    return st;
}

static inline void fx_build(const char *dir, secstd_build_summary *sum)
{
    fx_build_opts(dir, 0, 0, NULL, sum);
}

static inline secstd_index *fx_open(const char *dir)
{
    char *index = fx_path(dir, "index");
    secstd_index *idx = NULL;
    char err[1024] = "";
    secstd_status st = secstd_index_open(index, &idx, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "secstd_index_open: %s", err);
    free(index);
    return idx;
}

/* DIR's records built once, the index opened. */
static inline secstd_index *fx_build_open(const char *dir)
{
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    return fx_open(dir);
}

/* A data directory with the fixture built once, opened. */
static inline secstd_index *fx_built_index(char **dir_out)
{
    char *dir = fx_data_dir();
    *dir_out = dir;
    return fx_build_open(dir);
}

#endif
