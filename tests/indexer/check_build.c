/* check_build.c — the indexer (indexer/build.c) on the hand-written
 * records: summary counts, incremental runs (nothing changed publishes
 * nothing; a changed record is the only one re-indexed and is reported with
 * the fields that changed; status changes and removals are reported),
 * pruning of old generations, bad lines reported as FILE:LINE: reason while
 * the rest is indexed, overlong identifiers, a crashed run's half-built
 * generation, and records of one standard from two files merged. */
#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "docmap.h"
#include "fixture.h"
#include "query.h"
#include "index.h"
#include "schema.h"
#include "testutil.h"
#include "xap.h"

static int gen_dirs(const char *dir, unsigned *gens, int max)
{
    char *index = fx_path(dir, "index");
    DIR *d = opendir(index);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        unsigned g;
        if (sscanf(de->d_name, "gen-%u", &g) == 1 && n < max)
            gens[n++] = g;
    }
    closedir(d);
    free(index);
    return n;
}

static int has_gen(const char *dir, unsigned g)
{
    unsigned gens[64];
    int n = gen_dirs(dir, gens, 64);
    for (int i = 0; i < n; i++)
        if (gens[i] == g)
            return 1;
    return 0;
}

static unsigned current_gen(const char *dir)
{
    char *index = fx_path(dir, "index");
    unsigned g = secstd_index_current_generation(index);
    free(index);
    return g;
}

/* The entry with this id in changes[key], or NULL. */
static json_t *change_entry(json_t *changes, const char *key, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(changes, key), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
            return e;
    }
    return NULL;
}

START_TEST(test_first_build_counts)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.read, FX_RECORDS);
    ck_assert_uint_eq(sum.rejected, 0);
    ck_assert_uint_eq(sum.merged, 0);
    ck_assert_uint_eq(sum.indexed, FX_RECORDS);
    ck_assert_uint_eq(sum.unchanged, 0);
    ck_assert_uint_eq(sum.removed, 0);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.generation, 1);
    ck_assert(sum.seconds >= 0.0);
    ck_assert_ptr_nonnull(sum.changes);
    ck_assert_int_eq(json_integer_value(json_object_get(sum.changes, "generation")), 1);
    json_decref(sum.changes);

    ck_assert_uint_eq(current_gen(dir), 1);
    char link[256];
    char *cur = fx_path(dir, "index/current");
    ssize_t n = readlink(cur, link, sizeof link - 1);
    ck_assert_int_gt(n, 0);
    link[n] = '\0';
    ck_assert_str_eq(link, "gen-000001");
    free(cur);
    /* The change report is stored beside the generations. */
    char *report = fx_path(dir, "index/changes/000001.json");
    json_t *r = json_load_file(report, 0, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "generation")), 1);
    json_decref(r);
    free(report);

    secstd_index *idx = fx_open(dir);
    ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS);
    ck_assert_uint_eq(secstd_index_generation(idx), 1);
    ck_assert(secstd_index_built_at(idx) > 0);
    char *v = NULL;
    ck_assert_int_eq(xap_db_get_metadata(secstd_index_db(idx), SECSTD_META_SCHEMA, &v), SECSTD_OK);
    ck_assert_str_eq(v, SECSTD_SCHEMA_VERSION);
    free(v);
    ck_assert_int_eq(xap_db_get_metadata(secstd_index_db(idx), SECSTD_META_RECORDS, &v), SECSTD_OK);
    ck_assert_int_eq(strtol(v, NULL, 10), FX_RECORDS);
    free(v);
    /* The facet fields' tables are stored for searchd to load at once. */
    char key[64];
    snprintf(key, sizeof key, "secstd.facets.%d", secstd_field_get(SECSTD_FIELD_AREA)->slot);
    ck_assert_int_eq(xap_db_get_metadata(secstd_index_db(idx), key, &v), SECSTD_OK);
    ck_assert_int_eq(strncmp(v, "SFT1", 4), 0);
    free(v);
    /* And the date slot's, for date filters. */
    snprintf(key, sizeof key, "secstd.facets.%d", secstd_field_get(SECSTD_FIELD_DATE)->slot);
    ck_assert_int_eq(xap_db_get_metadata(secstd_index_db(idx), key, &v), SECSTD_OK);
    ck_assert_int_eq(strncmp(v, "SFT1", 4), 0);
    free(v);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_nothing_changed_publishes_nothing)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    char *cur = fx_path(dir, "index/current");
    struct stat before, after;
    ck_assert_int_eq(lstat(cur, &before), 0);

    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 0);
    ck_assert_uint_eq(sum.generation, 1);
    ck_assert_uint_eq(sum.indexed, 0);
    ck_assert_uint_eq(sum.unchanged, FX_RECORDS);
    ck_assert_uint_eq(sum.removed, 0);
    ck_assert_uint_eq(json_array_size(json_object_get(sum.changes, "changed")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(sum.changes, "added")), 0);
    json_decref(sum.changes);

    /* The symlink is the very same file (rename would make a new inode). */
    ck_assert_int_eq(lstat(cur, &after), 0);
    ck_assert_uint_eq(before.st_ino, after.st_ino);
    ck_assert_uint_eq(current_gen(dir), 1);
    ck_assert(!has_gen(dir, 2));
    free(cur);

    /* --full rebuilds and publishes even so. */
    fx_build_opts(dir, 0, 1, NULL, &sum);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.generation, 2);
    ck_assert_uint_eq(sum.indexed, FX_RECORDS);
    json_decref(sum.changes);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_changed_title_only_that_record)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    fx_edit(dir, "handwritten.jsonl", "privacy protection - Information security controls\"",
            "privacy protection - Information security controls (third edition)\"");
    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.generation, 2);
    ck_assert_uint_eq(sum.indexed, 1);
    ck_assert_uint_eq(sum.unchanged, FX_RECORDS - 1);
    ck_assert_uint_eq(sum.removed, 0);
    json_t *changed = json_object_get(sum.changes, "changed");
    ck_assert_uint_eq(json_array_size(changed), 1);
    json_t *e = change_entry(sum.changes, "changed", "ISO/IEC 27002");
    ck_assert_ptr_nonnull(e);
    json_t *fields = json_object_get(e, "fields");
    ck_assert_uint_eq(json_array_size(fields), 1);
    ck_assert_str_eq(json_string_value(json_array_get(fields, 0)), "title");
    ck_assert_uint_eq(json_array_size(json_object_get(sum.changes, "status_changed")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(sum.changes, "added")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(sum.changes, "removed")), 0);
    json_decref(sum.changes);

    /* The stored report says the same. */
    char *report = fx_path(dir, "index/changes/000002.json");
    json_t *r = json_load_file(report, 0, NULL);
    ck_assert_ptr_nonnull(r);
    ck_assert_ptr_nonnull(change_entry(r, "changed", "ISO/IEC 27002"));
    ck_assert_int_eq(json_integer_value(json_object_get(r, "previous_generation")), 1);
    json_decref(r);
    free(report);

    /* Readers of the new generation see the new title and every record. */
    secstd_index *idx = fx_open(dir);
    ck_assert_uint_eq(secstd_index_generation(idx), 2);
    ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "ISO/IEC 27002", &rec), SECSTD_OK);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rec, "title")), "(third edition)"));
    /* first seen in generation 1, changed in 2. */
    json_t *src = json_object_get(rec, "source");
    ck_assert_int_eq(json_integer_value(json_object_get(src, "first_generation")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(src, "changed_generation")), 2);
    json_decref(rec);
    secstd_index_free(idx);

    /* A full rebuild with nothing changed reports nothing and keeps when
     * each record last changed. */
    fx_build_opts(dir, 0, 1, NULL, &sum);
    ck_assert_uint_eq(sum.generation, 3);
    ck_assert_uint_eq(json_array_size(json_object_get(sum.changes, "changed")), 0);
    json_decref(sum.changes);
    idx = fx_open(dir);
    ck_assert_int_eq(secstd_index_get(idx, "ISO/IEC 27002", &rec), SECSTD_OK);
    src = json_object_get(rec, "source");
    ck_assert_int_eq(json_integer_value(json_object_get(src, "first_generation")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(src, "changed_generation")), 2);
    json_decref(rec);
    ck_assert_int_eq(secstd_index_get(idx, "RFC 8446", &rec), SECSTD_OK);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(rec, "source"), "changed_generation")), 1);
    json_decref(rec);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The "status" facet count of value over every record (all scopes). */
static long status_facet(const char *dir, const char *value)
{
    secstd_index *idx = fx_open(dir);
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "";
    req.all_records = 1;
    json_t *out = NULL;
    const char *param = NULL;
    char err[256];
    ck_assert_int_eq(secstd_search(idx, &req, &out, &param, err, sizeof err), SECSTD_OK);
    long n = (long)json_integer_value(
        json_object_get(json_object_get(json_object_get(out, "facets"), "status"), value));
    json_decref(out);
    secstd_index_free(idx);
    return n;
}

START_TEST(test_status_change_reported)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    long withdrawn = status_facet(dir, "withdrawn"), superseded = status_facet(dir, "superseded");
    ck_assert_int_gt(superseded, 0);
    fx_edit(dir, "handwritten.jsonl", "preceded EN 303 645.\",\"status\":\"superseded\"",
            "preceded EN 303 645.\",\"status\":\"withdrawn\"");
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.indexed, 1);
    json_t *sc = change_entry(sum.changes, "status_changed", "ETSI TS 103 645");
    ck_assert_ptr_nonnull(sc);
    ck_assert_str_eq(json_string_value(json_object_get(sc, "from")), "superseded");
    ck_assert_str_eq(json_string_value(json_object_get(sc, "to")), "withdrawn");
    json_t *e = change_entry(sum.changes, "changed", "ETSI TS 103 645");
    ck_assert_ptr_nonnull(e);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(e, "fields"), 0)), "status");
    /* Counted per SDO. */
    json_t *etsi = json_object_get(json_object_get(json_object_get(sum.changes, "counts"), "by_sdo"), "ETSI");
    ck_assert_int_eq(json_integer_value(json_object_get(etsi, "status_changed")), 1);
    json_decref(sum.changes);
    /* The new generation's stored facet tables know it (the record was
     * re-indexed in place: same docid, so a stale table would still fit). */
    ck_assert_int_eq(status_facet(dir, "withdrawn"), withdrawn + 1);
    ck_assert_int_eq(status_facet(dir, "superseded"), superseded - 1);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_removed_record_deleted_and_reported)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    fx_drop_line(dir, "handwritten.jsonl", "\"id\":\"RFC 5280\"");
    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.read, FX_RECORDS - 1);
    ck_assert_uint_eq(sum.removed, 1);
    ck_assert_uint_eq(sum.indexed, 0);
    ck_assert_uint_eq(json_array_size(json_object_get(sum.changes, "removed")), 1);
    ck_assert_ptr_nonnull(change_entry(sum.changes, "removed", "RFC 5280"));
    json_decref(sum.changes);
    secstd_index *idx = fx_open(dir);
    ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS - 1);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "RFC 5280", &rec), SECSTD_ERR_NOT_FOUND);
    ck_assert_ptr_null(rec);
    secstd_index_free(idx);

    /* Added back: reported as added. */
    fx_write_records(dir, "extra.jsonl",
                     "{\"id\":\"RFC 5280\",\"sdo\":\"IETF\",\"title\":\"Internet X.509 Public Key "
                     "Infrastructure Certificate and CRL Profile\"}\n");
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.indexed, 1);
    ck_assert_ptr_nonnull(change_entry(sum.changes, "added", "RFC 5280"));
    json_decref(sum.changes);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_keep_prunes_old_generations)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    static const char *const editions[] = {"(a)", "(b)", "(c)", "(d)"};
    const char *prev = "Information security controls\"";
    char *cur = NULL;
    fx_build_opts(dir, 2, 0, NULL, &sum);
    json_decref(sum.changes);
    for (int i = 0; i < 4; i++) {
        cur = tu_strdupf("Information security controls %s\"", editions[i]);
        fx_edit(dir, "handwritten.jsonl", prev, cur);
        fx_build_opts(dir, 2, 0, NULL, &sum);
        ck_assert_int_eq(sum.published, 1);
        ck_assert_uint_eq(sum.generation, (unsigned)i + 2);
        json_decref(sum.changes);
        if (i > 0)
            free((char *)prev);
        prev = cur;
    }
    free(cur);
    unsigned gens[64];
    int n = gen_dirs(dir, gens, 64);
    ck_assert_int_eq(n, 2);
    ck_assert(has_gen(dir, 5));
    ck_assert(has_gen(dir, 4));
    ck_assert_uint_eq(current_gen(dir), 5);
    /* The change reports are history and stay. */
    char *r1 = fx_path(dir, "index/changes/000001.json");
    ck_assert_int_eq(access(r1, R_OK), 0);
    free(r1);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_bad_lines_reported_and_skipped)
{
    char *dir = fx_data_dir();
    /* Line 7 is longer than SECSTD_RECORD_MAX_LINE. */
    size_t big = (1u << 20) + 100;
    char *huge = malloc(big + 200);
    ck_assert_ptr_nonnull(huge);
    int k = snprintf(huge, 200, "{\"id\":\"RFC 9999\",\"sdo\":\"IETF\",\"title\":\"x\",\"abstract\":\"");
    memset(huge + k, 'a', big);
    memcpy(huge + k + big, "\"}\n", 4);
    char *content = tu_strdupf(
        "{\"id\":\"RFC 4301\",\"sdo\":\"IETF\",\"title\":\"Security Architecture for the "
        "Internet Protocol\",\"group\":\"ipsec\"}\n"
        "{\"id\":\"RFC 4302\",\"sdo\":\"IETF\",\"title\":\"IP Authentication Header\"\n"
        "{\"id\":\"RFC 4303\",\"sdo\":\"IETF\",\"title\":\"IP ESP\",\"colour\":\"blue\"}\n"
        "{\"id\":\"RFC 4304\",\"sdo\":\"IETF\",\"title\":\"ESN addendum\",\"areas\":[\"underwater\"]}\n"
        "\n"
        "{\"id\":\"XYZ 1\",\"sdo\":\"Acme Standards\",\"title\":\"Security of anvils\"}\n"
        "%s"
        "{\"id\":\"RFC 7296\",\"sdo\":\"IETF\",\"title\":\"Internet Key Exchange Protocol "
        "Version 2 (IKEv2)\",\"group\":\"ipsecme\"}\n",
        huge);
    free(huge);
    fx_write_records(dir, "bad.jsonl", content);
    free(content);

    char *errbuf = NULL;
    size_t errlen = 0;
    FILE *errs = open_memstream(&errbuf, &errlen);
    ck_assert_ptr_nonnull(errs);
    secstd_build_summary sum;
    ck_assert_int_eq(fx_build_opts(dir, 0, 0, errs, &sum), SECSTD_OK);
    fclose(errs);
    ck_assert_uint_eq(sum.rejected, 5);
    ck_assert_uint_eq(sum.read, FX_RECORDS + 2);
    ck_assert_uint_eq(sum.indexed, FX_RECORDS + 2);
    ck_assert_int_eq(sum.published, 1);
    json_decref(sum.changes);

    /* One "FILE:LINE: reason" line per bad line, in order. */
    char *p = fx_path(dir, "records/bad.jsonl");
    static const struct {
        int line;
        const char *reason;
    } want[] = {{2, "not valid JSON"}, {3, "unknown field \"colour\""},
                {4, "unknown area \"underwater\""}, {6, "unknown sdo \"Acme Standards\""},
                {7, "longer than"}};
    int nlines = 0;
    for (char *q = errbuf; *q; q++)
        nlines += *q == '\n';
    ck_assert_int_eq(nlines, 5);
    char *at = errbuf;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char *prefix = tu_strdupf("%s:%d: ", p, want[i].line);
        char *hit = strstr(at, prefix);
        ck_assert_msg(hit != NULL, "no \"%s\" in:\n%s", prefix, errbuf);
        char *eol = strchr(hit, '\n');
        ck_assert_ptr_nonnull(eol);
        *eol = '\0';
        ck_assert_msg(strstr(hit, want[i].reason) != NULL, "\"%s\" lacks \"%s\"", hit, want[i].reason);
        at = eol + 1;
        free(prefix);
    }
    free(p);
    free(errbuf);

    secstd_index *idx = fx_open(dir);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "RFC 4301", &rec), SECSTD_OK);
    json_decref(rec);
    ck_assert_int_eq(secstd_index_get(idx, "RFC 7296", &rec), SECSTD_OK);
    json_decref(rec);
    ck_assert_int_eq(secstd_index_get(idx, "RFC 4303", &rec), SECSTD_ERR_NOT_FOUND);
    ck_assert_int_eq(secstd_index_get(idx, "RFC 9999", &rec), SECSTD_ERR_NOT_FOUND);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A rejected line may be a standard the index holds: it stays as it was
 * (not removed) in incremental and full builds, and is removed once the
 * line is gone for good. */
START_TEST(test_rejected_line_keeps_previous_version)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    fx_edit(dir, "handwritten.jsonl", "{\"id\":\"RFC 5280\",", "{\"id\":\"RFC 5280\",,");
    for (int full = 0; full <= 1; full++) {
        char *errbuf = NULL;
        size_t errlen = 0;
        FILE *errs = open_memstream(&errbuf, &errlen);
        ck_assert_ptr_nonnull(errs);
        ck_assert_int_eq(fx_build_opts(dir, 0, full, errs, &sum), SECSTD_OK);
        fclose(errs);
        ck_assert_uint_eq(sum.rejected, 1);
        ck_assert_uint_eq(sum.kept, 1);
        ck_assert_uint_eq(sum.removed, 0);
        ck_assert_ptr_null(change_entry(sum.changes, "removed", "RFC 5280"));
        ck_assert_msg(strstr(errbuf, "handwritten.jsonl:11: not valid JSON") != NULL, "%s", errbuf);
        ck_assert_msg(strstr(errbuf, "1 standard of generation") != NULL, "%s", errbuf);
        json_decref(sum.changes);
        free(errbuf);
        secstd_index *idx = fx_open(dir);
        ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS);
        json_t *rec = NULL;
        ck_assert_int_eq(secstd_index_get(idx, "RFC 5280", &rec), SECSTD_OK);
        ck_assert_str_eq(json_string_value(json_object_get(rec, "group")), "pkix");
        ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rec, "title")), "X.509"));
        json_decref(rec);
        secstd_index_free(idx);
    }
    /* The line gone: the standard goes too. */
    fx_drop_line(dir, "handwritten.jsonl", "\"id\":\"RFC 5280\"");
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.rejected, 0);
    ck_assert_uint_eq(sum.kept, 0);
    ck_assert_uint_eq(sum.removed, 1);
    ck_assert_ptr_nonnull(change_entry(sum.changes, "removed", "RFC 5280"));
    json_decref(sum.changes);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_unreadable_records_dir)
{
    char *dir = tu_mkdtemp();
    char *records = fx_path(dir, "no-such-records"), *index = fx_path(dir, "index");
    secstd_build_opts opts;
    secstd_build_opts_init(&opts);
    ck_assert_uint_eq(opts.keep, 3);
    opts.records_dir = records;
    opts.index_dir = index;
    secstd_build_summary sum;
    char err[512] = "";
    ck_assert_int_eq(secstd_build(&opts, &sum, err, sizeof err), SECSTD_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err, "no-such-records"));
    ck_assert_int_eq(sum.published, 0);
    ck_assert_uint_eq(secstd_index_current_generation(index), 0);
    json_decref(sum.changes);
    opts.records_dir = NULL;
    ck_assert_int_eq(secstd_build(&opts, &sum, err, sizeof err), SECSTD_ERR_INVALID);
    free(records);
    free(index);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_overlong_identifiers)
{
    char *dir = fx_data_dir();
    /* An id and aliases at the schema's 128-byte limits (aliases in
     * multi-byte characters), and a relation to such an alias: the longest
     * terms a valid record can produce must index and round-trip. */
    char id[129], alias[129], alias2[129];
    memcpy(id, "OASIS ", 6);
    memset(id + 6, 'q', sizeof id - 7);
    id[128] = '\0';
    size_t n = 0;
    while (n + 2 <= 128) {
        memcpy(alias + n, "\xc3\xa9", 2);
        n += 2;
    }
    alias[n] = '\0';
    memset(alias2, 'Z', 128);
    alias2[128] = '\0';
    char *line = tu_strdupf("{\"id\":\"%s\",\"sdo\":\"OASIS\",\"title\":\"Security of very long "
                            "names\",\"aliases\":[\"%s\",\"%s\"],\"relations\":{\"identical_to\":"
                            "[\"%s\"]}}\n",
                            id, alias, alias2, alias2);
    char over[200];
    memset(over, 'W', sizeof over - 1);
    over[sizeof over - 1] = '\0';
    char *all = tu_strdupf("%s{\"id\":\"OASIS other\",\"sdo\":\"OASIS\",\"title\":\"Security "
                           "too long\",\"aliases\":[\"%s\"]}\n",
                           line, over);
    fx_write_records(dir, "long.jsonl", all);
    free(all);
    free(line);
    char *errbuf = NULL;
    size_t errlen = 0;
    FILE *errs = open_memstream(&errbuf, &errlen);
    secstd_build_summary sum;
    fx_build_opts(dir, 0, 0, errs, &sum);
    fclose(errs);
    /* Past the schema's limit: that line is rejected with the reason. */
    ck_assert_msg(sum.rejected == 1, "%s", errbuf);
    ck_assert_ptr_nonnull(strstr(errbuf, "long.jsonl:2: "));
    ck_assert_ptr_nonnull(strstr(errbuf, "aliases"));
    ck_assert_uint_eq(sum.indexed, FX_RECORDS + 1);
    json_decref(sum.changes);
    free(errbuf);
    secstd_index *idx = fx_open(dir);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, id, &rec), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), id);
    json_decref(rec);
    ck_assert_int_eq(secstd_index_get(idx, alias2, &rec), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), id);
    json_decref(rec);
    ck_assert_int_eq(secstd_index_get(idx, alias, &rec), SECSTD_OK);
    json_decref(rec);
    secstd_index_free(idx);
    /* And the next run sees it as unchanged (its id term round-trips). */
    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 0);
    ck_assert_uint_eq(sum.unchanged, FX_RECORDS + 1);
    json_decref(sum.changes);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The term builder of docmap.c fits whatever it is given. */
START_TEST(test_docmap_terms)
{
    char term[XAP_MAX_TERM + 1], other[XAP_MAX_TERM + 1];
    ck_assert_str_eq(secstd_term(SECSTD_FIELD_SDO, "ETSI", term, sizeof term),
                     "XOetsi");
    char longv[900];
    memset(longv, 'v', sizeof longv - 1);
    longv[sizeof longv - 1] = '\0';
    secstd_term(SECSTD_FIELD_GROUP, longv, term, sizeof term);
    ck_assert_uint_le(strlen(term), XAP_MAX_TERM);
    ck_assert_int_eq(strncmp(term, "XGvvv", 5), 0);
    longv[700] = 'w';
    secstd_term(SECSTD_FIELD_GROUP, longv, other, sizeof other);
    ck_assert_str_ne(term, other);
    char key[512];
    secstd_ident_value("  Some   Unknown\tForm ", NULL, key, sizeof key);
    ck_assert_str_eq(key, "some unknown form");
    char a[512], b[512];
    secstd_ident_value("RFC8446", NULL, a, sizeof a);
    secstd_ident_value("rfc 8446", NULL, b, sizeof b);
    ck_assert_str_eq(a, b);
    char date[9];
    secstd_date_key("2019-10", date);
    ck_assert_str_eq(date, "20191000");
    secstd_date_key("2019-10-05", date);
    ck_assert_str_eq(date, "20191005");
    secstd_date_key(NULL, date);
    ck_assert_str_eq(date, "00000000");
}
END_TEST

/* rec as an SR1 index stored it (the relations in the JSON part, no
 * section for them): it decodes whole, and for the relations only whole
 * data will do. hit: its hit fields. */
static void check_sr1(const json_t *rec, const json_t *hit)
{
    /* Encoded without relations, the section is empty: the SR1 head is
     * that head less its length word. */
    json_t *norel = json_copy((json_t *)rec);
    json_object_del(norel, "relations");
    size_t len = 0, head = 0;
    char *data = secstd_record_encode(norel, &len, &head);
    ck_assert_ptr_nonnull(data);
    ck_assert_int_eq(memcmp(data + head - 4, "\0\0\0\0", 4), 0);
    json_t *rest = json_loadb(data + head, len - head, JSON_ALLOW_NUL, NULL);
    ck_assert_ptr_nonnull(rest);
    if (json_object_get(rec, "relations"))
        json_object_set(rest, "relations", json_object_get(rec, "relations"));
    char *text = json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS);
    size_t sr1_head = head - 4, sr1_len = sr1_head + strlen(text);
    char *sr1 = malloc(sr1_len);
    memcpy(sr1, "\x1eSR1", 4);
    memcpy(sr1 + 4, data + 4, sr1_head - 4);
    memcpy(sr1 + sr1_head, text, strlen(text));
    ck_assert(!secstd_record_head_holds(sr1, sr1_head, SECSTD_DECODE_RELATIONS));
    ck_assert(secstd_record_head_holds(sr1, sr1_head, SECSTD_DECODE_HIT));
    json_t *whole = secstd_record_decode(sr1, sr1_len, 0);
    json_t *rel = secstd_record_decode(sr1, sr1_len, SECSTD_DECODE_RELATIONS);
    json_t *h = secstd_record_decode(sr1, sr1_head, SECSTD_DECODE_HIT);
    ck_assert(json_equal(whole, rec));
    ck_assert(json_equal(rel, rec));
    ck_assert(json_equal(h, hit));
    json_decref(whole);
    json_decref(rel);
    json_decref(h);
    free(sr1);
    free(text);
    json_decref(rest);
    free(data);
    json_decref(norel);
}

/* secstd_record_hit (a search hit read from the head in place): the keys
 * asked for in that order, each the hit field's value or null, the
 * abstract and aliases as the record has them; nothing from JSON data,
 * from damaged data or from a string that is not UTF-8. */
static void check_hit_in_place(char *data, size_t len, size_t head, const json_t *rec,
                               const json_t *hit, const char *json_text)
{
    static const char *const keys[] = {"title", "id", "nope", "areas", "group", "url"};
    enum { N = sizeof keys / sizeof *keys };
    for (int whole = 0; whole <= 1; whole++) {
        secstd_slice abstract;
        json_t *aliases = NULL;
        json_t *h = secstd_record_hit(data, whole ? len : head, keys, N, &abstract, &aliases);
        ck_assert_ptr_nonnull(h);
        ck_assert_uint_eq(json_object_size(h), N);
        size_t i = 0;
        const char *k;
        json_t *v;
        json_object_foreach(h, k, v) {
            ck_assert_str_eq(k, keys[i]);
            json_t *want = json_object_get(hit, k);
            ck_assert_msg(want ? json_equal(v, want) : json_is_null(v), "field %s", k);
            i++;
        }
        const json_t *abs = json_object_get(hit, "abstract");
        ck_assert_uint_eq(abstract.len, json_string_length(abs));
        ck_assert_int_eq(memcmp(abstract.s, abs ? json_string_value(abs) : "", abstract.len), 0);
        const json_t *al = json_object_get(hit, "aliases");
        ck_assert(al ? json_equal(aliases, al) : aliases == NULL);
        json_decref(aliases);
        json_decref(h);
    }
    /* Without aliases asked for; JSON data; cut short; a tag flipped. */
    secstd_slice abstract;
    json_t *h = secstd_record_hit(data, head, keys, N, &abstract, NULL);
    ck_assert_ptr_nonnull(h);
    json_decref(h);
    ck_assert_ptr_null(secstd_record_hit(json_text, strlen(json_text), keys, N, &abstract, NULL));
    /* Cut short: nothing until the hit fields are all there (where the
     * relations section's length word starts), then the same hit. */
    json_t *full = secstd_record_hit(data, head, keys, N, &abstract, NULL);
    size_t fields_end = 0;
    for (size_t cut = 0; cut < head; cut++) {
        json_t *t = secstd_record_hit(data, cut, keys, N, &abstract, NULL);
        if (!t) {
            ck_assert_uint_eq(fields_end, 0);
            continue;
        }
        if (!fields_end)
            fields_end = cut;
        ck_assert(json_equal(t, full));
        json_decref(t);
    }
    json_decref(full);
    ck_assert_uint_gt(fields_end, 4);
    const unsigned char *w = (const unsigned char *)data + fields_end;
    ck_assert_uint_eq((size_t)w[0] | (size_t)w[1] << 8 | (size_t)w[2] << 16 | (size_t)w[3] << 24,
                      head - fields_end - 4);
    char saved = data[4];
    data[4] = 7;
    ck_assert_ptr_null(secstd_record_hit(data, len, keys, N, &abstract, NULL));
    data[4] = saved;
    /* The id's first byte made 0xff (the id is field 0: tag, u32 length,
     * bytes): not UTF-8. */
    if (data[4] == 1 && json_string_length(json_object_get(rec, "id")) > 0) {
        saved = data[9];
        data[9] = (char)0xff;
        ck_assert_ptr_null(secstd_record_hit(data, len, keys, N, &abstract, NULL));
        data[9] = saved;
    }
}

/* The stored layout (docmap.h): every record comes back whole and equal,
 * the hit fields alone come back without the rest, the sorted form is the
 * old stored JSON byte for byte, JSON data from older indexes still
 * decodes, and damaged data never decodes to a record. */
static void check_layout(json_t *rec)
{
    size_t len = 0, head = 0;
    char *data = secstd_record_encode(rec, &len, &head);
    ck_assert_ptr_nonnull(data);
    ck_assert_uint_gt(len, 4);
    /* The head (kept in a value slot of its own) is the marker, the hit
     * fields and the relations: alone it decodes to the hit fields, as the
     * whole data does. */
    ck_assert_uint_ge(head, 4);
    ck_assert_uint_lt(head, len);
    json_t *from_head = secstd_record_decode(data, head, SECSTD_DECODE_HIT);
    json_t *from_all = secstd_record_decode(data, len, SECSTD_DECODE_HIT);
    ck_assert_ptr_nonnull(from_head);
    ck_assert(json_equal(from_head, from_all));
    json_decref(from_head);
    json_decref(from_all);
    json_t *back = secstd_record_decode(data, len, 0);
    ck_assert_msg(back && json_equal(back, rec), "record %s changed",
                  json_string_value(json_object_get(rec, "id")));
    json_t *sorted = secstd_record_decode(data, len, SECSTD_DECODE_SORTED);
    char *a = json_dumps(sorted, JSON_COMPACT), *b = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    ck_assert_str_eq(a, b);
    /* As older indexes stored it: plain JSON. */
    json_t *legacy = secstd_record_decode(b, strlen(b), SECSTD_DECODE_HIT);
    ck_assert(json_equal(legacy, rec));
    json_t *hit = secstd_record_decode(data, len, SECSTD_DECODE_HIT);
    ck_assert_ptr_nonnull(hit);
    static const char *const keys[] = {"id", "sdo", "type", "title", "status", "date",
                                       "url", "group", "abstract", "areas", "aliases"};
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
        json_t *v = json_object_get(rec, keys[k]);
        int plain = k < 9 ? json_is_string(v) : json_is_array(v);
        if (plain && k >= 9) {
            size_t i;
            json_t *item;
            json_array_foreach(v, i, item) plain &= json_is_string(item);
        }
        if (plain)
            ck_assert_msg(json_equal(json_object_get(hit, keys[k]), v), "hit field %s", keys[k]);
        else
            ck_assert_ptr_null(json_object_get(hit, keys[k]));
    }
    ck_assert_ptr_null(json_object_get(hit, "source"));
    ck_assert_ptr_null(json_object_get(hit, "relations"));
    /* The head holds the relations too: alone it decodes to the hit fields
     * and the relations object (a relations value of another type stays
     * in the JSON part, and out of this decode). */
    json_t *rel = json_object_get(rec, "relations");
    ck_assert(secstd_record_head_holds(data, head, SECSTD_DECODE_RELATIONS));
    ck_assert(!secstd_record_head_holds(data, head, 0));
    json_t *with_rel = secstd_record_decode(data, head, SECSTD_DECODE_RELATIONS);
    ck_assert_ptr_nonnull(with_rel);
    ck_assert(json_is_object(rel) ? json_equal(json_object_get(with_rel, "relations"), rel)
                                  : json_object_get(with_rel, "relations") == NULL);
    json_object_del(with_rel, "relations");
    ck_assert(json_equal(with_rel, hit));
    json_decref(with_rel);
    check_sr1(rec, hit);
    check_hit_in_place(data, len, head, rec, hit, b);
    /* Cut anywhere, or a byte flipped in the binary part: no record, or
     * (where the cut lands inside the JSON part) no crash. */
    for (size_t cut = 0; cut < len; cut++) {
        json_t *t = secstd_record_decode(data, cut, 0);
        ck_assert_ptr_null(t);
        json_decref(secstd_record_decode(data, cut, SECSTD_DECODE_HIT));
    }
    data[4] = 7;   /* the first field's tag */
    ck_assert_ptr_null(secstd_record_decode(data, len, 0));
    free(a);
    free(b);
    free(data);
    json_decref(back);
    json_decref(sorted);
    json_decref(legacy);
    json_decref(hit);
}

/* The index keeps each document's head (marker, hit fields, relations) in value
 * slot XAP_HEAD_SLOT and the rest as its data; whole reads join them. */
START_TEST(test_head_in_value_slot)
{
    for (int f = 0; f < SECSTD_FIELD_COUNT; f++)
        ck_assert_int_ne(secstd_field_get((secstd_field_id)f)->slot, XAP_HEAD_SLOT);
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    char *path = fx_path(dir, "index/current");
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    unsigned docid = 0;
    char term[XAP_MAX_TERM + 1];
    char key[512];
    secstd_ident_value("RFC 5280", NULL, key, sizeof key);
    ck_assert_int_eq(xap_db_first_posting(db, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), &docid),
                     SECSTD_OK);
    ck_assert_uint_gt(docid, 0);
    char *value = NULL, *head = NULL, *whole = NULL;
    size_t hlen = 0, wlen = 0;
    ck_assert_int_eq(xap_db_get_value(db, docid, XAP_HEAD_SLOT, &value), SECSTD_OK);
    ck_assert_int_eq(xap_db_get_head(db, docid, &head, &hlen), SECSTD_OK);
    ck_assert_int_eq(xap_db_get_data(db, docid, &whole, &wlen), SECSTD_OK);
    ck_assert_int_eq(memcmp(value, "\x1eSR2", 4), 0); /* the slot holds the head */
    ck_assert_int_eq(memcmp(head, "\x1eSR2", 4), 0);
    ck_assert_uint_lt(hlen, wlen);
    ck_assert_int_eq(memcmp(head, whole, hlen), 0);
    json_t *hit = secstd_record_decode(head, hlen, SECSTD_DECODE_HIT);
    json_t *rec = secstd_record_decode(whole, wlen, 0);
    ck_assert_str_eq(json_string_value(json_object_get(hit, "group")), "pkix");
    ck_assert_ptr_null(json_object_get(hit, "source"));
    ck_assert_ptr_nonnull(json_object_get(rec, "source"));
    ck_assert_str_eq(json_string_value(json_object_get(rec, "title")),
                     json_string_value(json_object_get(hit, "title")));
    json_decref(hit);
    json_decref(rec);
    free(value);
    free(head);
    free(whole);
    xap_db_free(db);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Every head of a database reads the same through handle a as through
 * handle b (one of them reading Xapian's value slot). */
static void heads_agree(xap_db *a, xap_db *b)
{
    unsigned count = 0;
    ck_assert_int_eq(xap_db_doccount(a, &count), SECSTD_OK);
    ck_assert_uint_gt(count, 0);
    unsigned seen = 0;
    for (unsigned d = 1; seen < count && d < 10 * count + 10; d++) {
        char *ha = NULL, *hb = NULL;
        size_t la = 0, lb = 0;
        secstd_status sa = xap_db_get_head(a, d, &ha, &la), sb = xap_db_get_head(b, d, &hb, &lb);
        ck_assert_int_eq(sa, sb);
        if (sa == SECSTD_OK) {
            seen++;
            ck_assert_uint_gt(la, 0);
            ck_assert_uint_eq(la, lb);
            ck_assert_int_eq(memcmp(ha, hb, la), 0);
        }
        free(ha);
        free(hb);
    }
    ck_assert_uint_eq(seen, count);
}

/* Opens path after writing `bytes` (len) as its heads file; returns how
 * many docids the handle's heads cover. */
static unsigned heads_with(const char *path, const char *file, const char *bytes, size_t len, xap_db *ref)
{
    ck_assert_int_eq(tu_write_file(file, bytes, len), 0);
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    unsigned n = xap_db_heads(db);
    heads_agree(db, ref);   /* the same heads, whichever way they are read */
    xap_db_free(db);
    return n;
}

/* A generation's heads file (xap.h, XAP_HEADS_FILE): every head read
 * through it is the one Xapian holds; a file that does not describe the
 * database beside it (another revision, a changed or cut byte) is not used
 * and the heads are read from Xapian; a damaged offset costs only that
 * document's read; an incremental build writes its own. */
START_TEST(test_heads_file)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    char *path = fx_path(dir, "index/current");
    char *file = fx_path(dir, "index/current/" XAP_HEADS_FILE);
    char *aside = tu_strdupf("%s.aside", file);
    xap_db *withfile = NULL, *plain = NULL;
    ck_assert_int_eq(xap_db_open(path, &withfile), SECSTD_OK);
    unsigned count = 0;
    ck_assert_int_eq(xap_db_doccount(withfile, &count), SECSTD_OK);
    ck_assert_uint_eq(xap_db_heads(withfile), count + 1);   /* docids 1..count, fresh */
    size_t len = 0;
    char *bytes = tu_read_file(file, &len);
    ck_assert_ptr_nonnull(bytes);
    ck_assert_int_eq(rename(file, aside), 0);
    ck_assert_int_eq(xap_db_open(path, &plain), SECSTD_OK);
    ck_assert_uint_eq(xap_db_heads(plain), 0);
    heads_agree(withfile, plain);

    /* Header (80 bytes: magic, byte order, revision, UUID, docids), then
     * the offsets, then the heads. */
    ck_assert_uint_gt(len, 80 + 8 * (count + 2));
    ck_assert_int_eq(memcmp(bytes, "SECSTDH1", 8), 0);
    char *bad = malloc(len);
    ck_assert_ptr_nonnull(bad);
    ck_assert_uint_eq(heads_with(path, file, bytes, len, plain), count + 1);
    memcpy(bad, bytes, len);
    bad[0] ^= 1;   /* magic */
    ck_assert_uint_eq(heads_with(path, file, bad, len, plain), 0);
    memcpy(bad, bytes, len);
    bad[16] ^= 1;  /* revision */
    ck_assert_uint_eq(heads_with(path, file, bad, len, plain), 0);
    memcpy(bad, bytes, len);
    bad[30] ^= 1;  /* UUID */
    ck_assert_uint_eq(heads_with(path, file, bad, len, plain), 0);
    ck_assert_uint_eq(heads_with(path, file, bytes, len - 1, plain), 0);   /* cut */
    ck_assert_uint_eq(heads_with(path, file, bytes, 40, plain), 0);
    ck_assert_uint_eq(heads_with(path, file, "", 0, plain), 0);
    memcpy(bad, bytes, len);
    uint64_t huge = UINT64_MAX / 2;
    memcpy(bad + 80 + 8 * 2, &huge, sizeof huge);   /* docid 2's offset */
    ck_assert_uint_eq(heads_with(path, file, bad, len, plain), count + 1);
    free(bad);

    /* A commit after the file was written: another revision. */
    ck_assert_int_eq(tu_write_file(file, bytes, len), 0);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    ck_assert_int_eq(xap_writer_set_metadata(w, "secstd.test", "1"), SECSTD_OK);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    xap_db_free(plain);
    ck_assert_int_eq(xap_db_open(path, &plain), SECSTD_OK);
    ck_assert_uint_eq(xap_db_heads(plain), 0);
    heads_agree(withfile, plain);
    /* ...and reopening a handle checks again. */
    ck_assert_int_eq(xap_db_reopen(withfile), SECSTD_OK);
    ck_assert_uint_eq(xap_db_heads(withfile), 0);
    /* A file that cannot be written is an error that names it, and
     * leaves the one there; written again, it describes the database. */
    char *tmpf = tu_strdupf("%s.tmp", file);
    ck_assert_int_eq(mkdir(tmpf, 0755), 0);
    ck_assert_int_eq(xap_heads_write(path), SECSTD_ERR_IO);
    ck_assert_msg(strstr(xap_last_error(), XAP_HEADS_FILE ".tmp") != NULL, "%s", xap_last_error());
    ck_assert_int_eq(rmdir(tmpf), 0);
    free(tmpf);
    size_t stale_len = 0;
    char *stale = tu_read_file(file, &stale_len);
    ck_assert_uint_eq(stale_len, len);
    ck_assert_int_eq(memcmp(stale, bytes, len), 0);
    free(stale);
    ck_assert_int_eq(xap_heads_write(path), SECSTD_OK);
    ck_assert_int_eq(xap_db_reopen(withfile), SECSTD_OK);
    ck_assert_uint_eq(xap_db_heads(withfile), count + 1);
    heads_agree(withfile, plain);
    xap_db_free(withfile);
    xap_db_free(plain);
    free(bytes);

    /* An incremental build: the new generation has a file of its own, and
     * the changed record's head is its new one. */
    fx_edit(dir, "handwritten.jsonl", "privacy protection - Information security controls\"",
            "privacy protection - Information security controls (third edition)\"");
    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.indexed, 1);
    json_decref(sum.changes);
    ck_assert_int_eq(xap_db_open(path, &withfile), SECSTD_OK);
    ck_assert_uint_gt(xap_db_heads(withfile), 0);
    ck_assert_int_eq(rename(file, aside), 0);
    ck_assert_int_eq(xap_db_open(path, &plain), SECSTD_OK);
    ck_assert_uint_eq(xap_db_heads(plain), 0);
    heads_agree(withfile, plain);
    char key[512], term[XAP_MAX_TERM + 1];
    unsigned docid = 0;
    secstd_ident_value("ISO/IEC 27002", NULL, key, sizeof key);
    ck_assert_int_eq(xap_db_first_posting(withfile, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), &docid),
                     SECSTD_OK);
    char *head = NULL;
    size_t hlen = 0;
    ck_assert_int_eq(xap_db_get_head(withfile, docid, &head, &hlen), SECSTD_OK);
    json_t *hit = secstd_record_decode(head, hlen, SECSTD_DECODE_HIT);
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(hit, "title")), "(third edition)"));
    json_decref(hit);
    free(head);
    xap_db_free(withfile);
    xap_db_free(plain);
    free(aside);
    free(file);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_record_layout_roundtrip)
{
    size_t flen = 0;
    char *body = tu_read_file(FX_FIXTURE, &flen);
    ck_assert_ptr_nonnull(body);
    int n = 0;
    for (char *line = body, *nl; line && *line; line = nl ? nl + 1 : NULL) {
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (!*line)
            continue;
        json_t *rec = json_loads(line, 0, NULL);
        ck_assert_ptr_nonnull(rec);
        json_object_set_new(rec, "areas", json_pack("[s,s]", "crypto", "pki"));
        check_layout(rec);
        json_decref(rec);
        n++;
    }
    ck_assert_int_eq(n, FX_RECORDS);
    free(body);
    /* Hit fields of other types stay in the JSON part; NUL bytes, empty
     * and missing values, non-ASCII text. */
    static const char *const odd[] = {
        "{\"id\":\"X.509\",\"date\":2019,\"areas\":[\"pki\",3],\"aliases\":[],\"title\":\"\"}",
        "{\"id\":\"a\\u0000b\",\"abstract\":\"nul \\u0000 inside, caf\\u00e9 \\u2713\",\"url\":null}",
        "{\"sdo\":\"ETSI\",\"source\":{\"name\":\"etsi\",\"first_generation\":3},"
        "\"relations\":{\"obsoletes\":[\"RFC 1\"]},\"group\":{\"not\":\"a string\"}}",
        "{\"id\":\"r\",\"relations\":[\"not\",\"an object\"]}",
        "{}",
    };
    for (size_t i = 0; i < sizeof odd / sizeof *odd; i++) {
        json_error_t e;
        json_t *rec = json_loads(odd[i], JSON_ALLOW_NUL, &e);
        ck_assert_msg(rec != NULL, "%s: %s", odd[i], e.text);
        check_layout(rec);
        json_decref(rec);
    }
    /* A relations section that holds no object (the encoder never writes
     * one): no record, nothing leaked (ASan); the hit fields, which do not
     * read it, still decode. */
    static const char bad[] = "\x1eSR2"
                              "\0\0\0\0\0\0\0\0\0\0\0" /* eleven absent hit fields */
                              "\x02\0\0\0[]{}";
    ck_assert_ptr_null(secstd_record_decode(bad, sizeof bad - 1, 0));
    ck_assert_ptr_null(secstd_record_decode(bad, sizeof bad - 1, SECSTD_DECODE_RELATIONS));
    json_t *hit = secstd_record_decode(bad, sizeof bad - 1, SECSTD_DECODE_HIT);
    ck_assert_ptr_nonnull(hit);
    ck_assert_uint_eq(json_object_size(hit), 0);
    json_decref(hit);
}
END_TEST

START_TEST(test_crashed_run_leftovers)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    /* A run that crashed mid-build left gen-000002 half-written (no usable
     * database), and an even older crash left gen-000009. */
    char *g2 = fx_path(dir, "index/gen-000002"), *g9 = fx_path(dir, "index/gen-000009");
    ck_assert_int_eq(mkdir(g2, 0755), 0);
    ck_assert_int_eq(mkdir(g9, 0755), 0);
    char *junk = tu_strdupf("%s/postlist.glass", g2);
    ck_assert_int_eq(tu_write_file(junk, "half", 4), 0);
    free(junk);

    /* Readers follow `current`, not the newest directory. */
    secstd_index *idx = fx_open(dir);
    ck_assert_uint_eq(secstd_index_generation(idx), 1);
    ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS);
    int changed = -1;
    ck_assert_int_eq(secstd_index_refresh(idx, &changed), SECSTD_OK);
    ck_assert_int_eq(changed, 0);

    /* The next run, even with nothing to index, removes the leftovers. */
    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 0);
    json_decref(sum.changes);
    ck_assert(!has_gen(dir, 9));
    ck_assert(!has_gen(dir, 2));
    ck_assert(has_gen(dir, 1));

    /* A run with changes builds a clean generation 2 and publishes it. */
    ck_assert_int_eq(mkdir(g9, 0755), 0);
    fx_drop_line(dir, "handwritten.jsonl", "\"id\":\"RFC 9110\"");
    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.generation, 2);
    json_decref(sum.changes);
    ck_assert(!has_gen(dir, 9));
    ck_assert_int_eq(secstd_index_refresh(idx, &changed), SECSTD_OK);
    ck_assert_int_eq(changed, 1);
    ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS - 1);
    secstd_index_free(idx);
    free(g2);
    free(g9);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* After a rollback the newer generations stay kept (rollback can return to
 * them) through runs that publish nothing, and the next publication takes
 * the number after the highest, not current + 1. */
START_TEST(test_rollback_keeps_newer_generations)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    for (int i = 0; i < 3; i++) {
        fx_build_opts(dir, 0, i > 0, NULL, &sum);
        json_decref(sum.changes);
    }
    ck_assert_uint_eq(current_gen(dir), 3);
    /* secstd rollback --to 1: current -> gen-000001 */
    char *cur = fx_path(dir, "index/current"), *tmp = fx_path(dir, "index/current.tmp");
    ck_assert_int_eq(symlink("gen-000001", tmp), 0);
    ck_assert_int_eq(rename(tmp, cur), 0);
    ck_assert_uint_eq(current_gen(dir), 1);

    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 0);
    json_decref(sum.changes);
    ck_assert(has_gen(dir, 1) && has_gen(dir, 2) && has_gen(dir, 3));

    fx_build_opts(dir, 0, 1, NULL, &sum);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.generation, 4);
    json_decref(sum.changes);
    ck_assert_uint_eq(current_gen(dir), 4);
    /* keep 3: the newest three remain. */
    ck_assert(!has_gen(dir, 1) && has_gen(dir, 2) && has_gen(dir, 3) && has_gen(dir, 4));
    char *r3 = fx_path(dir, "index/changes/000003.json");
    json_t *rep = json_load_file(r3, 0, NULL);
    ck_assert_ptr_nonnull(rep);
    ck_assert_int_eq(json_integer_value(json_object_get(rep, "generation")), 3);
    json_decref(rep);
    free(r3);
    free(cur);
    free(tmp);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* More than half of the index gone at once (an emptied records file) is
 * refused with the reason; current stays; --allow-removals publishes it. */
START_TEST(test_mass_removal_refused)
{
    char *dir = fx_data_dir();
    char *lines = NULL;
    size_t len = 0;
    for (int i = 1; i <= 150; i++) {
        char *l = tu_strdupf("{\"id\":\"RFC %d\",\"sdo\":\"IETF\",\"title\":\"Security protocol "
                             "number %d\"}\n", 20000 + i, i);
        lines = realloc(lines, len + strlen(l) + 1);
        memcpy(lines + len, l, strlen(l) + 1);
        len += strlen(l);
        free(l);
    }
    fx_write_records(dir, "bulk.jsonl", lines);
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    ck_assert_uint_eq(current_gen(dir), 1);

    fx_write_records(dir, "bulk.jsonl", "");
    char *records = fx_path(dir, "records"), *index = fx_path(dir, "index");
    secstd_build_opts opts;
    secstd_build_opts_init(&opts);
    opts.records_dir = records;
    opts.index_dir = index;
    char err[1024] = "";
    ck_assert_int_eq(secstd_build(&opts, &sum, err, sizeof err), SECSTD_ERR_INVALID);
    json_decref(sum.changes);
    ck_assert_msg(strstr(err, "would remove 150 of the") && strstr(err, "--allow-removals"), "%s", err);
    ck_assert_int_eq(sum.published, 0);
    ck_assert_uint_eq(current_gen(dir), 1);

    opts.allow_removals = 1;
    ck_assert_int_eq(secstd_build(&opts, &sum, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.removed, 150);
    json_decref(sum.changes);
    ck_assert_uint_eq(current_gen(dir), 2);
    free(records);
    free(index);
    free(lines);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_same_standard_two_files_merged)
{
    char *dir = fx_data_dir();
    fx_write_records(dir, "a-itu.jsonl",
                     "{\"id\":\"ITU-T X.1500\",\"sdo\":\"ITU-T\",\"title\":\"Overview of "
                     "cybersecurity information exchange\",\"keywords\":[\"CYBEX\"],"
                     "\"abstract\":\"Short.\"}\n");
    fx_write_records(dir, "b-relaton.jsonl",
                     "{\"id\":\"ITU-T X.1500\",\"sdo\":\"ITU-T\",\"title\":\"Overview of "
                     "cybersecurity information exchange\",\"keywords\":[\"threat information\"],"
                     "\"abstract\":\"Describes techniques for exchanging cybersecurity "
                     "information between organizations.\",\"status\":\"published\","
                     "\"date\":\"2011-04\",\"aliases\":[\"ITU-T X.cybex\"]}\n");
    secstd_build_summary sum;
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.read, FX_RECORDS + 2);
    ck_assert_uint_eq(sum.merged, 1);
    ck_assert_uint_eq(sum.indexed, FX_RECORDS + 1);
    json_decref(sum.changes);
    secstd_index *idx = fx_open(dir);
    ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS + 1);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "X.1500", &rec), SECSTD_OK);
    json_t *kw = json_object_get(rec, "keywords");
    ck_assert_uint_eq(json_array_size(kw), 2);
    /* Missing scalars are filled, the longer abstract wins. */
    ck_assert_str_eq(json_string_value(json_object_get(rec, "status")), "published");
    ck_assert_str_eq(json_string_value(json_object_get(rec, "date")), "2011-04");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(rec, "abstract")), "exchanging"));
    json_decref(rec);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A records file of several read runs (indexer/build.c reads files in
 * parallel runs of lines): bad lines are named by their line numbers in
 * order, a later line of the same standard is merged into the earlier one,
 * and builds split into two or eight shards (by weight), or into shards
 * split again while they run, hold the same documents under the same
 * docids as a build in one writer. */
static char *runs_file(void)
{
    size_t cap = 1 << 21, len = 0;
    char *body = malloc(cap);
    ck_assert_ptr_nonnull(body);
    for (int i = 1; i <= 5000; i++) {
        char line[1024];
        if (i == 1 || i == 1234 || i == 2600 || i == 5000)
            snprintf(line, sizeof line, "{\"id\":\"RFC %d\",\"sdo\":\"IETF\",\"title\":\n", 10000 + i);
        else if (i == 777)
            snprintf(line, sizeof line, "   \n");
        else if (i == 4000)
            snprintf(line, sizeof line,
                     "{\"id\":\"RFC 10010\",\"sdo\":\"IETF\",\"title\":\"Record ten\","
                     "\"keywords\":[\"merged later\"]}\n");
        else
            snprintf(line, sizeof line,
                     "{\"id\":\"RFC %d\",\"sdo\":\"IETF\",\"title\":\"Record %d on key exchange\","
                     "\"abstract\":\"%.*s\"}\n",
                     10000 + i, i, (i % 7) * 60,
                     "Authentication of peers with certificates and pre-shared keys, replay "
                     "protection, rekeying of security associations, and negotiation of "
                     "cryptographic suites for encrypted tunnels between gateways and hosts "
                     "over untrusted networks, with traffic selectors and NAT traversal and "
                     "more words about key exchange protocols and their security "
                     "considerations for implementers and operators of such systems today");
        size_t n = strlen(line);
        ck_assert(len + n < cap);
        memcpy(body + len, line, n + 1);
        len += n;
    }
    return body;
}

START_TEST(test_large_file_read_in_runs_and_shards)
{
    char *body = runs_file();
    ck_assert_uint_gt(strlen(body), 4 * 256 * 1024); /* several runs */
    /* Two threads and two shards; two threads and eight shards (claimed
     * in turn); two threads and two shards, the one still running split
     * whenever the other thread is idle, down to a record; one writer. */
    enum { NB = 4, SPLIT = 2 };
    char *dirs[NB];
    unsigned shards = 0;
    for (int k = 0, attempt = 0; k < NB; k++) {
        ck_assert_int_eq(setenv("SECSTD_INDEX_THREADS", k < NB - 1 ? "2" : "1", 1), 0);
        if (k == 1)
            ck_assert_int_eq(setenv("SECSTD_SHARD_DOCS", "700", 1), 0);
        else
            unsetenv("SECSTD_SHARD_DOCS");
        /* Shards not split but in the SPLIT build, so the others' counts
         * are known. */
        ck_assert_int_eq(setenv("SECSTD_SPLIT_MIN", k == SPLIT ? "1" : "1000000", 1), 0);
        dirs[k] = fx_data_dir();
        fx_write_records(dirs[k], "big.jsonl", body);
        char *errbuf = NULL;
        size_t errlen = 0;
        FILE *errs = open_memstream(&errbuf, &errlen);
        ck_assert_ptr_nonnull(errs);
        secstd_build_summary sum;
        fx_build_opts(dirs[k], 0, 0, errs, &sum);
        fclose(errs);
        ck_assert_uint_eq(sum.rejected, 4);
        ck_assert_uint_eq(sum.read, FX_RECORDS + 5000 - 5);
        ck_assert_uint_eq(sum.merged, 1);
        ck_assert_uint_eq(sum.indexed, FX_RECORDS + 5000 - 6);
        if (k != SPLIT)   /* the shards and the spelling shard; one writer: none */
            ck_assert_uint_eq(sum.shards, k == 0 ? 3 : k == 1 ? 9 : 0);
        json_decref(sum.changes);
        char *p = fx_path(dirs[k], "records/big.jsonl");
        char *want = tu_strdupf("%s:1: not valid JSON", p);
        ck_assert_msg(strncmp(errbuf, want, strlen(want)) == 0, "%s", errbuf);
        free(want);
        const char *at = errbuf;
        static const int lines[] = {1, 1234, 2600, 5000};
        for (size_t i = 0; i < 4; i++) {
            char *prefix = tu_strdupf("%s:%d: not valid JSON", p, lines[i]);
            const char *hit = strstr(at, prefix);
            ck_assert_msg(hit != NULL, "no \"%s\" (in order) in:\n%s", prefix, errbuf);
            at = hit + strlen(prefix);
            free(prefix);
        }
        free(p);
        free(errbuf);
        /* A split needs the other thread idle while a shard has records
         * left: not when both end within a record of each other. */
        if (k == SPLIT && sum.shards <= 3 && ++attempt < 5) {
            tu_rmtree(dirs[k]);
            free(dirs[k]);
            k--;
        } else if (k == SPLIT) {
            shards = sum.shards;
        }
    }
    ck_assert_msg(shards > 3, "no shard was split while running in 5 builds (%u databases merged)",
                  shards);
    unsetenv("SECSTD_INDEX_THREADS");
    unsetenv("SECSTD_SHARD_DOCS");
    unsetenv("SECSTD_SPLIT_MIN");
    free(body);

    /* The merged standard has the later line's keyword. */
    secstd_index *idx = fx_open(dirs[0]);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "RFC 10010", &rec), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_array_get(json_object_get(rec, "keywords"), 0)),
                     "merged later");
    json_decref(rec);
    secstd_index_free(idx);

    /* Same documents under the same docids, sharded or not. */
    xap_db *db[NB];
    unsigned count[NB];
    for (int k = 0; k < NB; k++) {
        char *index = fx_path(dirs[k], "index");
        char *gen = tu_strdupf("%s/gen-%06u", index, secstd_index_current_generation(index));
        ck_assert_int_eq(xap_db_open(gen, &db[k]), SECSTD_OK);
        ck_assert_int_eq(xap_db_doccount(db[k], &count[k]), SECSTD_OK);
        free(gen);
        free(index);
    }
    ck_assert_uint_eq(count[0], FX_RECORDS + 5000 - 6);
    for (int k = 1; k < NB; k++)
        ck_assert_uint_eq(count[k], count[0]);
    for (unsigned d = 1; d <= count[0]; d++) {
        char *data[NB];
        size_t len[NB];
        for (int k = 0; k < NB; k++)
            ck_assert_int_eq(xap_db_get_data(db[k], d, &data[k], &len[k]), SECSTD_OK);
        for (int k = 0; k < NB - 1; k++)
            ck_assert_msg(len[k] == len[NB - 1] && memcmp(data[k], data[NB - 1], len[k]) == 0,
                          "docid %u differs between build %d (sharded) and the single writer's",
                          d, k);
        for (int k = 0; k < NB; k++)
            free(data[k]);
    }

    /* The spelling table: a fresh build counts each title word and adds it
     * once (a spelling shard of no documents when sharded); an update adds
     * words as it writes each document. Both give the same frequencies. */
    char *upd = fx_data_dir();
    secstd_build_summary sum;
    fx_build(upd, &sum);   /* the fixtures alone, fresh */
    json_decref(sum.changes);
    body = runs_file();
    fx_write_records(upd, "big.jsonl", body);
    free(body);
    fx_build_opts(upd, 0, 0, NULL, &sum);   /* an update: 4,994 records more */
    ck_assert_uint_eq(sum.indexed, 5000 - 6);
    json_decref(sum.changes);
    char *index = fx_path(upd, "index");
    char *gen = tu_strdupf("%s/gen-%06u", index, secstd_index_current_generation(index));
    xap_db *updated = NULL;
    ck_assert_int_eq(xap_db_open(gen, &updated), SECSTD_OK);
    static const char *const words[] = {"record", "exchange", "security", "transport", "nosuchword"};
    for (size_t w = 0; w < sizeof words / sizeof *words; w++) {
        unsigned want = 0, got = 0;
        ck_assert_int_eq(xap_db_spelling_freq(updated, words[w], &want), SECSTD_OK);
        for (int k = 0; k < NB; k++) {
            ck_assert_int_eq(xap_db_spelling_freq(db[k], words[w], &got), SECSTD_OK);
            ck_assert_msg(got == want, "\"%s\": %u in build %d, %u in the update", words[w], got, k,
                          want);
        }
        if (w == 1)   /* "Record N on key exchange" */
            ck_assert_uint_ge(want, 4994);
    }
    char *fix = NULL;
    ck_assert_int_eq(xap_db_spelling(db[0], "exchnage", &fix), SECSTD_OK);
    ck_assert_ptr_nonnull(fix);
    ck_assert_str_eq(fix, "exchange");
    free(fix);
    xap_db_free(updated);
    free(gen);
    free(index);
    tu_rmtree(upd);
    free(upd);

    for (int k = 0; k < NB; k++) {
        xap_db_free(db[k]);
        tu_rmtree(dirs[k]);
        free(dirs[k]);
    }
}
END_TEST

/* docid of the standard ident in db (0: none). */
static unsigned docid_of(xap_db *db, const char *ident)
{
    char key[512], term[XAP_MAX_TERM + 1];
    secstd_ident_value(ident, NULL, key, sizeof key);
    unsigned d = 0;
    ck_assert_int_eq(xap_db_first_posting(db, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), &d),
                     SECSTD_OK);
    return d;
}

/* Docids into v[1..], their count in v[0]; v holds SCOPE_MAX + 1. */
enum { SCOPE_MAX = FX_RECORDS + 16 };
static int collect_docid(void *ctx, unsigned docid)
{
    unsigned *v = ctx;
    ck_assert_uint_lt(v[0], SCOPE_MAX);
    v[++v[0]] = docid;
    return 0;
}

/* The current generation of DIR's index, opened. */
static xap_db *open_current(const char *dir)
{
    char *index = fx_path(dir, "index");
    char *gen = tu_strdupf("%s/gen-%06u", index, secstd_index_current_generation(index));
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(gen, &db), SECSTD_OK);
    free(gen);
    free(index);
    return db;
}

/* 1 when the security standards (the scope term's documents) are docids
 * 1..n with n < the last docid; *n_out = n. */
static int scope_first_in(xap_db *db, unsigned *n_out)
{
    char term[XAP_MAX_TERM + 1];
    unsigned v[SCOPE_MAX + 1] = {0};
    ck_assert_int_eq(xap_db_postings(db, secstd_term(SECSTD_FIELD_SCOPE, "security", term, sizeof term),
                                     collect_docid, v),
                     SECSTD_OK);
    unsigned count = 0;
    ck_assert_int_eq(xap_db_doccount(db, &count), SECSTD_OK);
    ck_assert_uint_gt(v[0], 0);
    ck_assert_uint_lt(v[0], count);
    *n_out = v[0];
    for (unsigned i = 1; i <= v[0]; i++)
        if (v[i] != i)
            return 0;
    return 1;
}

/* A fresh build numbers the security standards first (searches walk less
 * of Xapian's document-length list), each group in the order read; an
 * update appends; the next full build puts the order back. */
START_TEST(test_security_standards_numbered_first)
{
    char *dir = fx_data_dir();
    /* Read first (files in name order), not security standards. */
    fx_write_records(dir, "aaa.jsonl",
                     "{\"id\":\"RFC 90001\",\"sdo\":\"IETF\",\"type\":\"RFC\",\"title\":"
                     "\"Hypertext Coffee Pot Control Protocol for tea\"}\n"
                     "{\"id\":\"RFC 90002\",\"sdo\":\"IETF\",\"type\":\"RFC\",\"title\":"
                     "\"Guidelines for writing poetry about routing\"}\n");
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    xap_db *db = open_current(dir);
    unsigned n = 0;
    ck_assert_msg(scope_first_in(db, &n), "security standards are not docids 1..n");
    unsigned a = docid_of(db, "RFC 90001"), b = docid_of(db, "RFC 90002");
    ck_assert_uint_gt(a, n);
    ck_assert_uint_eq(b, a + 1);   /* in the order read */
    /* The hand-written fixture's first security standard comes first. */
    ck_assert_uint_eq(docid_of(db, "ITU-T X.509"), 1);
    xap_db_free(db);

    /* An update appends the new standard after every other. */
    fx_write_records(dir, "zzz.jsonl",
                     "{\"id\":\"RFC 90003\",\"sdo\":\"IETF\",\"type\":\"RFC\",\"title\":"
                     "\"Transport Layer Security key exchange and authentication\"}\n");
    fx_build(dir, &sum);
    json_decref(sum.changes);
    db = open_current(dir);
    unsigned last = 0, m = 0;
    ck_assert_int_eq(xap_db_doccount(db, &last), SECSTD_OK);
    ck_assert_uint_eq(docid_of(db, "RFC 90003"), last);
    ck_assert(!scope_first_in(db, &m));
    ck_assert_uint_eq(m, n + 1);
    xap_db_free(db);

    /* A full build numbers them first again. */
    fx_build_opts(dir, 0, 1, NULL, &sum);
    json_decref(sum.changes);
    db = open_current(dir);
    ck_assert(scope_first_in(db, &m));
    ck_assert_uint_eq(m, n + 1);
    ck_assert_uint_eq(docid_of(db, "RFC 90003"), m);
    xap_db_free(db);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *build_suite(void)
{
    Suite *s = suite_create("build");
    TCase *t = tcase_create("build");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_first_build_counts);
    tcase_add_test(t, test_nothing_changed_publishes_nothing);
    tcase_add_test(t, test_changed_title_only_that_record);
    tcase_add_test(t, test_status_change_reported);
    tcase_add_test(t, test_removed_record_deleted_and_reported);
    tcase_add_test(t, test_keep_prunes_old_generations);
    tcase_add_test(t, test_bad_lines_reported_and_skipped);
    tcase_add_test(t, test_rejected_line_keeps_previous_version);
    tcase_add_test(t, test_unreadable_records_dir);
    tcase_add_test(t, test_overlong_identifiers);
    tcase_add_test(t, test_docmap_terms);
    tcase_add_test(t, test_record_layout_roundtrip);
    tcase_add_test(t, test_head_in_value_slot);
    tcase_add_test(t, test_crashed_run_leftovers);
    tcase_add_test(t, test_rollback_keeps_newer_generations);
    tcase_add_test(t, test_mass_removal_refused);
    tcase_add_test(t, test_same_standard_two_files_merged);
    tcase_add_test(t, test_large_file_read_in_runs_and_shards);
    tcase_add_test(t, test_security_standards_numbered_first);
    tcase_add_test(t, test_heads_file);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(build_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
