/* check_index.c — readers of the published index (indexer/index.c):
 * opening (missing, unpublished, schema version mismatch, empty), noticing
 * a new generation, lookups by any identifier form with relations resolved
 * both ways, more-like-this across bodies, area counts and the coverage
 * matrix — all on the hand-written records. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"
#include "index.h"
#include "query.h"
#include "schema.h"
#include "testutil.h"
#include "xap.h"

/* The relations_resolved entry of this kind and id, or NULL. */
static json_t *relation(const json_t *rec, const char *kind, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "relations_resolved"), i, e) {
        if (strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0 &&
            strcmp(json_string_value(json_object_get(e, "id")), id) == 0)
            return e;
    }
    return NULL;
}

static int count_relations(const json_t *rec, const char *kind, const char *id)
{
    int n = 0;
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "relations_resolved"), i, e) {
        n += strcmp(json_string_value(json_object_get(e, "kind")), kind) == 0 &&
             strcmp(json_string_value(json_object_get(e, "id")), id) == 0;
    }
    return n;
}

START_TEST(test_open_missing_dir)
{
    secstd_index *idx = (secstd_index *)1;
    char err[512] = "";
    ck_assert_int_eq(secstd_index_open("/nonexistent/secstd/index", &idx, err, sizeof err),
                     SECSTD_ERR_NO_INDEX);
    ck_assert_ptr_null(idx);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/secstd/index"));
    ck_assert_uint_eq(secstd_index_current_generation("/nonexistent/secstd/index"), 0);
    secstd_index_free(NULL);

    /* A directory without `current` is not published either. */
    char *dir = tu_mkdtemp();
    err[0] = '\0';
    ck_assert_int_eq(secstd_index_open(dir, &idx, err, sizeof err), SECSTD_ERR_NO_INDEX);
    ck_assert_str_ne(err, "");
    /* `current` pointing at something that is not a generation name. */
    char *cur = fx_path(dir, "current");
    ck_assert_int_eq(symlink("elsewhere", cur), 0);
    ck_assert_int_eq(secstd_index_open(dir, &idx, err, sizeof err), SECSTD_ERR_NO_INDEX);
    /* ... or at a generation that is not there. */
    ck_assert_int_eq(unlink(cur), 0);
    ck_assert_int_eq(symlink("gen-000004", cur), 0);
    ck_assert_uint_eq(secstd_index_current_generation(dir), 4);
    err[0] = '\0';
    ck_assert_int_eq(secstd_index_open(dir, &idx, err, sizeof err), SECSTD_ERR_XAPIAN_OPENING);
    ck_assert_ptr_null(idx);
    ck_assert_ptr_nonnull(strstr(err, "gen-000004"));
    free(cur);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_schema_version_mismatch)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    secstd_index_free(idx);
    char *gen = fx_path(dir, "index/gen-000001");
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(gen, &w), SECSTD_OK);
    ck_assert_int_eq(xap_writer_set_metadata(w, SECSTD_META_SCHEMA, "0-older"), SECSTD_OK);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);

    char *index = fx_path(dir, "index");
    char err[1024] = "";
    idx = (secstd_index *)1;
    ck_assert_int_eq(secstd_index_open(index, &idx, err, sizeof err), SECSTD_ERR_SCHEMA_VERSION);
    ck_assert_ptr_null(idx);
    ck_assert_msg(strstr(err, "0-older") && strstr(err, SECSTD_SCHEMA_VERSION), "%s", err);

    /* Versions 1 (before the head slot), 2 (before the field stems) and 3
     * (before the relations in the head) still read; a newer one, or one
     * that is not a number, does not. */
    static const struct {
        const char *version;
        secstd_status want;
    } versions[] = {{"1", SECSTD_OK}, {"2", SECSTD_OK}, {"3", SECSTD_OK},
                    {"4", SECSTD_OK}, {"5", SECSTD_ERR_SCHEMA_VERSION}, {"0", SECSTD_ERR_SCHEMA_VERSION},
                    {"2x", SECSTD_ERR_SCHEMA_VERSION}, {"-1", SECSTD_ERR_SCHEMA_VERSION}};
    for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
        ck_assert_int_eq(xap_writer_open(gen, &w), SECSTD_OK);
        ck_assert_int_eq(xap_writer_set_metadata(w, SECSTD_META_SCHEMA, versions[i].version), SECSTD_OK);
        ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
        xap_writer_free(w);
        ck_assert_msg(secstd_index_open(index, &idx, err, sizeof err) == versions[i].want,
                      "version \"%s\": %s", versions[i].version, err);
        if (versions[i].want == SECSTD_OK)
            secstd_index_free(idx);
    }

    /* A metadata key that is missing altogether is a mismatch too. */
    ck_assert_int_eq(xap_writer_open(gen, &w), SECSTD_OK);
    ck_assert_int_eq(xap_writer_set_metadata(w, SECSTD_META_SCHEMA, ""), SECSTD_OK);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    ck_assert_int_eq(secstd_index_open(index, &idx, err, sizeof err), SECSTD_ERR_SCHEMA_VERSION);

    /* A full rebuild cures it. */
    secstd_build_summary sum;
    fx_build_opts(dir, 0, 1, NULL, &sum);
    json_decref(sum.changes);
    ck_assert_int_eq(secstd_index_open(index, &idx, err, sizeof err), SECSTD_OK);
    secstd_index_free(idx);
    free(index);
    free(gen);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_empty_index)
{
    char *dir = tu_mkdtemp();
    char *records = fx_path(dir, "records");
    ck_assert_int_eq(mkdir(records, 0755), 0);
    fx_write_records(dir, "empty.jsonl", "");
    secstd_build_summary sum;
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.read, 0);
    ck_assert_int_eq(sum.published, 1);
    json_decref(sum.changes);
    secstd_index *idx = fx_open(dir);
    ck_assert_uint_eq(secstd_index_doccount(idx), 0);

    static const char *const queries[] = {"", "X.509", "security", "title:tls", "AND"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        secstd_search_request req;
        secstd_search_request_init(&req);
        req.q = queries[i];
        json_t *res = NULL;
        const char *param = NULL;
        char err[512] = "";
        ck_assert_msg(secstd_search(idx, &req, &res, &param, err, sizeof err) == SECSTD_OK,
                      "\"%s\": %s", queries[i], err);
        ck_assert_int_eq(json_integer_value(json_object_get(res, "total")), 0);
        ck_assert_uint_eq(json_array_size(json_object_get(res, "results")), 0);
        json_decref(res);
    }
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "X.509", &rec), SECSTD_ERR_NOT_FOUND);
    json_t *areas = NULL;
    ck_assert_int_eq(secstd_index_areas(idx, &areas), SECSTD_OK);
    ck_assert_uint_eq(json_array_size(areas), secstd_area_count());
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(areas, 0), "count")), 0);
    json_decref(areas);
    json_t *cov = NULL;
    ck_assert_int_eq(secstd_index_coverage(idx, &cov), SECSTD_OK);
    json_decref(cov);
    secstd_index_free(idx);
    free(records);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_refresh_new_generation)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    ck_assert_uint_eq(secstd_index_generation(idx), 1);
    int changed = -1;
    ck_assert_int_eq(secstd_index_refresh(idx, &changed), SECSTD_OK);
    ck_assert_int_eq(changed, 0);

    fx_drop_line(dir, "handwritten.jsonl", "\"id\":\"RFC 9110\"");
    secstd_build_summary sum;
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.generation, 2);
    json_decref(sum.changes);

    /* Until refreshed, the reader keeps serving generation 1. */
    ck_assert_uint_eq(secstd_index_generation(idx), 1);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "RFC 9110", &rec), SECSTD_OK);
    json_decref(rec);
    ck_assert_int_eq(secstd_index_refresh(idx, &changed), SECSTD_OK);
    ck_assert_int_eq(changed, 1);
    ck_assert_uint_eq(secstd_index_generation(idx), 2);
    ck_assert_uint_eq(secstd_index_doccount(idx), FX_RECORDS - 1);
    ck_assert_int_eq(secstd_index_get(idx, "RFC 9110", &rec), SECSTD_ERR_NOT_FOUND);
    ck_assert_int_eq(secstd_index_refresh(idx, &changed), SECSTD_OK);
    ck_assert_int_eq(changed, 0);
    ck_assert_int_eq(secstd_index_reopen(idx), SECSTD_OK);
    ck_assert_uint_eq(secstd_index_generation(idx), 2);
    ck_assert_ptr_nonnull(strstr(secstd_index_dir(idx), dir));
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_get_by_identifier_forms)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    static const struct {
        const char *ask, *want;
    } cases[] = {
        {"X.509", "ITU-T X.509"},
        {"ITU-T X.509", "ITU-T X.509"},
        {"ITU-T X.509 (10/2019)", "ITU-T X.509"},
        {"ISO/IEC 9594-8", "ITU-T X.509"},      /* alias: the common text */
        {"ISO/IEC 27011", "ITU-T X.1051"},
        {"RFC8446", "RFC 8446"},
        {"rfc 8446", "RFC 8446"},
        {"3GPP TS 33.501", "3GPP TS 33.501"},
        {"ETSI TS 133 501", "ETSI TS 133 501"},
        {"ISO/IEC 27001:2022", "ISO/IEC 27001"},
        {"NIST SP 800-207", "NIST SP 800-207"},
        {"FIPS 140-3", "NIST FIPS 140-3"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_t *rec = NULL;
        secstd_status st = secstd_index_get(idx, cases[i].ask, &rec);
        ck_assert_msg(st == SECSTD_OK, "\"%s\": %s", cases[i].ask, secstd_status_to_string(st));
        ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), cases[i].want);
        ck_assert(json_is_array(json_object_get(rec, "relations_resolved")));
        json_decref(rec);
    }
    json_t *rec = (json_t *)1;
    ck_assert_int_eq(secstd_index_get(idx, "RFC 1", &rec), SECSTD_ERR_NOT_FOUND);
    ck_assert_ptr_null(rec);
    ck_assert_int_eq(secstd_index_get(idx, "", &rec), SECSTD_ERR_INVALID);
    ck_assert_int_eq(secstd_index_get(idx, "no such thing at all", &rec), SECSTD_ERR_NOT_FOUND);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_relations_both_ways)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    json_t *rec = NULL, *e;

    /* RFC 5246 states superseded_by RFC 8446, and RFC 8446 states that it
     * supersedes RFC 5246: one entry, not two. */
    ck_assert_int_eq(secstd_index_get(idx, "RFC 5246", &rec), SECSTD_OK);
    e = relation(rec, "superseded_by", "RFC 8446");
    ck_assert_ptr_nonnull(e);
    ck_assert(json_is_true(json_object_get(e, "found")));
    ck_assert_str_eq(json_string_value(json_object_get(e, "sdo")), "IETF");
    ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(e, "title")), "TLS"));
    ck_assert_int_eq(count_relations(rec, "superseded_by", "RFC 8446"), 1);
    json_decref(rec);

    ck_assert_int_eq(secstd_index_get(idx, "RFC 8446", &rec), SECSTD_OK);
    e = relation(rec, "supersedes", "RFC 5246");
    ck_assert_ptr_nonnull(e);
    ck_assert(json_is_true(json_object_get(e, "found")));
    ck_assert(json_is_true(json_object_get(e, "stated_here")));
    /* A target that is not in the index is listed, marked not found. */
    e = relation(rec, "supersedes", "RFC 5077");
    ck_assert_ptr_nonnull(e);
    ck_assert(json_is_false(json_object_get(e, "found")));
    ck_assert_ptr_nonnull(relation(rec, "updates", "RFC 6066"));
    json_decref(rec);

    /* The transposition is stated by ETSI only; 3GPP sees the inverse. */
    ck_assert_int_eq(secstd_index_get(idx, "ETSI TS 133 501", &rec), SECSTD_OK);
    e = relation(rec, "transposes", "3GPP TS 33.501");
    ck_assert_ptr_nonnull(e);
    ck_assert(json_is_true(json_object_get(e, "found")));
    json_decref(rec);
    ck_assert_int_eq(secstd_index_get(idx, "3GPP TS 33.501", &rec), SECSTD_OK);
    e = relation(rec, "transposed_by", "ETSI TS 133 501");
    ck_assert_ptr_nonnull(e);
    ck_assert(json_is_true(json_object_get(e, "found")));
    ck_assert(json_is_false(json_object_get(e, "stated_here")));
    ck_assert_str_eq(json_string_value(json_object_get(e, "sdo")), "ETSI");
    ck_assert_ptr_nonnull(json_object_get(e, "label"));
    json_decref(rec);

    /* A common text stated on the ITU-T side only is found from ISO/IEC. */
    ck_assert_int_eq(secstd_index_get(idx, "ISO/IEC 29115", &rec), SECSTD_OK);
    e = relation(rec, "identical_to", "ITU-T X.1254");
    ck_assert_ptr_nonnull(e);
    ck_assert(json_is_true(json_object_get(e, "found")));
    json_decref(rec);

    /* ETSI EN 303 645 supersedes ETSI TS 103 645: the inverse shows. */
    ck_assert_int_eq(secstd_index_get(idx, "ETSI TS 103 645", &rec), SECSTD_OK);
    ck_assert_ptr_nonnull(relation(rec, "superseded_by", "ETSI EN 303 645"));
    json_decref(rec);

    /* Nothing relates to NIST SP 800-207. */
    ck_assert_int_eq(secstd_index_get(idx, "SP 800-207", &rec), SECSTD_OK);
    ck_assert_uint_eq(json_array_size(json_object_get(rec, "relations_resolved")), 0);
    json_decref(rec);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A record never relates to itself, even when a relation names one of its
 * own editions (ISO/IEC 27001 supersedes ISO/IEC 27001:2013). */
START_TEST(test_no_self_relation)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "ISO/IEC 27001", &rec), SECSTD_OK);
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "relations_resolved"), i, e) {
        ck_assert_msg(!(json_is_true(json_object_get(e, "found")) &&
                        strcmp(json_string_value(json_object_get(e, "id")), "ISO/IEC 27001") == 0),
                      "ISO/IEC 27001 relates to itself (%s)",
                      json_string_value(json_object_get(e, "kind")));
    }
    json_decref(rec);
    json_t *sim = NULL;
    ck_assert_int_eq(secstd_index_similar(idx, "ISO/IEC 27001", 10, &sim), SECSTD_OK);
    json_array_foreach(json_object_get(sim, "results"), i, e)
        ck_assert_str_ne(json_string_value(json_object_get(e, "id")), "ISO/IEC 27001");
    json_decref(sim);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* A specification known only through its transposition (oneM2M's own
 * numbers: the listings hold ETSI TS 118 xxx) is found under its own
 * number; the transposition's link to it is to the same text. */
START_TEST(test_get_through_transposition)
{
    char *dir = fx_data_dir();
    fx_write_records(dir, "onem2m.jsonl",
                     "{\"id\":\"ETSI TS 118 103\",\"sdo\":\"ETSI\",\"type\":\"TS\","
                     "\"title\":\"oneM2M; Security Solutions (oneM2M TS-0003 version 4.7.1 Release "
                     "4)\",\"relations\":{\"transposes\":[\"oneM2M TS-0003\"]}}\n");
    secstd_index *idx = fx_build_open(dir);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_index_get(idx, "oneM2M TS-0003", &rec), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "ETSI TS 118 103");
    json_t *e = relation(rec, "transposes", "oneM2M TS-0003");
    ck_assert_ptr_nonnull(e);
    ck_assert(json_is_true(json_object_get(e, "same_record")));
    json_decref(rec);
    /* Only transpositions: a superseded number is not the new text. */
    ck_assert_int_eq(secstd_index_get(idx, "RFC 5077", &rec), SECSTD_ERR_NOT_FOUND);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* Another body's copy of this body's own text (an ETSI transposition of
 * another 3GPP spec) is not other work on the subject: it comes after the
 * standards of other bodies, marked "republication". */
START_TEST(test_similar_defers_republications)
{
    char *dir = fx_data_dir();
    fx_write_records(dir, "extra.jsonl",
                     "{\"id\":\"ETSI TS 133 401\",\"sdo\":\"ETSI\",\"type\":\"TS\","
                     "\"title\":\"LTE; 3GPP System Architecture Evolution (SAE); Security architecture "
                     "and procedures (3GPP TS 33.401)\",\"abstract\":\"Security architecture and "
                     "procedures of the evolved packet system: authentication and key agreement, "
                     "subscriber privacy and core network security.\","
                     "\"relations\":{\"transposes\":[\"3GPP TS 33.401\"]}}\n");
    secstd_index *idx = fx_build_open(dir);
    json_t *sim = NULL;
    /* A limit past the fixture's size: the copy is listed, last. */
    ck_assert_int_eq(secstd_index_similar(idx, "3GPP TS 33.501", 50, &sim), SECSTD_OK);
    json_t *results = json_object_get(sim, "results");
    long copy_at = -1, last_other_at = -1;
    size_t i;
    json_t *e;
    json_array_foreach(results, i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));
        const char *why = json_string_value(json_object_get(e, "why"));
        if (strcmp(id, "ETSI TS 133 401") == 0) {
            copy_at = (long)i;
            ck_assert_str_eq(why, "republication");
        } else if (strcmp(why, "similar") == 0 &&
                   strcmp(json_string_value(json_object_get(e, "sdo")), "3GPP") != 0) {
            last_other_at = (long)i;
        }
    }
    ck_assert_msg(copy_at >= 0, "the ETSI copy of TS 33.401 is not listed at all");
    ck_assert_msg(copy_at > last_other_at, "the copy (%ld) comes before other bodies' work (%ld)",
                  copy_at, last_other_at);
    json_decref(sim);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_similar_other_sdos_first)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    json_t *sim = NULL;
    ck_assert_int_eq(secstd_index_similar(idx, "ITU-T X.1254", 10, &sim), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(sim, "id")), "ITU-T X.1254");
    ck_assert_uint_gt(json_array_size(json_object_get(sim, "terms")), 0);
    json_t *results = json_object_get(sim, "results");
    ck_assert_uint_ge(json_array_size(results), 2);
    ck_assert_uint_le(json_array_size(results), 10);
    /* The stated common text first, labelled. */
    json_t *first = json_array_get(results, 0);
    ck_assert_str_eq(json_string_value(json_object_get(first, "id")), "ISO/IEC 29115");
    ck_assert_str_eq(json_string_value(json_object_get(first, "why")), "stated");
    ck_assert_str_eq(json_string_value(json_object_get(first, "relation")), "identical_to");
    /* Then similar ones: other SDOs before ITU-T's own; never itself, no
     * duplicates. */
    int seen_same = 0, nsimilar = 0;
    size_t i;
    json_t *r;
    json_t *ids = json_object();
    json_array_foreach(results, i, r) {
        const char *id = json_string_value(json_object_get(r, "id"));
        ck_assert_str_ne(id, "ITU-T X.1254");
        ck_assert_msg(!json_object_get(ids, id), "%s twice", id);
        json_object_set_new(ids, id, json_true());
        if (strcmp(json_string_value(json_object_get(r, "why")), "similar") != 0)
            continue;
        nsimilar++;
        int same = strcmp(json_string_value(json_object_get(r, "sdo")), "ITU-T") == 0;
        ck_assert_msg(!(seen_same && !same), "%s (other SDO) after an ITU-T result", id);
        seen_same |= same;
        ck_assert(json_is_array(json_object_get(r, "shared_terms")));
        ck_assert(json_real_value(json_object_get(r, "score")) <= 100.0);
    }
    ck_assert_int_gt(nsimilar, 0);
    json_decref(ids);
    json_decref(sim);

    ck_assert_int_eq(secstd_index_similar(idx, "RFC 1", 10, &sim), SECSTD_ERR_NOT_FOUND);
    ck_assert_ptr_null(sim);
    /* limit is honoured. */
    ck_assert_int_eq(secstd_index_similar(idx, "RFC 8446", 2, &sim), SECSTD_OK);
    ck_assert_uint_le(json_array_size(json_object_get(sim, "results")), 2);
    json_decref(sim);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

static json_t *area_entry(json_t *list, const char *id)
{
    size_t i;
    json_t *a;
    json_array_foreach(list, i, a) {
        if (strcmp(json_string_value(json_object_get(a, "id")), id) == 0)
            return a;
    }
    return NULL;
}

START_TEST(test_areas_counts)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    json_t *areas = NULL;
    ck_assert_int_eq(secstd_index_areas(idx, &areas), SECSTD_OK);
    ck_assert_uint_eq(json_array_size(areas), secstd_area_count());
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a) {
        ck_assert_str_eq(json_string_value(json_object_get(a, "id")), secstd_area_at(i)->id);
        ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "label")));
        ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "scope")));
        /* Each standard has one SDO: the per-SDO counts add up. */
        json_int_t sum = 0;
        const char *k;
        json_t *v;
        json_object_foreach(json_object_get(a, "by_sdo"), k, v) sum += json_integer_value(v);
        ck_assert_int_eq(sum, json_integer_value(json_object_get(a, "count")));
    }
    json_t *iot = area_entry(areas, "iot");
    ck_assert_int_eq(json_integer_value(json_object_get(iot, "count")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(iot, "by_sdo"), "ETSI")), 2);
    json_t *pqc = area_entry(areas, "pqc");
    ck_assert_int_ge(json_integer_value(json_object_get(json_object_get(pqc, "by_sdo"), "NIST")), 1);
    json_t *net = area_entry(areas, "network");
    ck_assert_int_ge(json_integer_value(json_object_get(json_object_get(net, "by_sdo"), "IETF")), 2);
    json_decref(areas);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_coverage_shape)
{
    char *dir;
    secstd_index *idx = fx_built_index(&dir);
    json_t *cov = NULL;
    ck_assert_int_eq(secstd_index_coverage(idx, &cov), SECSTD_OK);
    json_t *sdos = json_object_get(cov, "sdos"), *areas = json_object_get(cov, "areas");
    /* Every registered SDO is a column, so gaps show. */
    ck_assert_uint_eq(json_array_size(sdos), secstd_sdo_count());
    ck_assert_uint_eq(json_array_size(areas), secstd_area_count());
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a) {
        ck_assert_ptr_nonnull(json_string_value(json_object_get(a, "id")));
        ck_assert(json_is_object(json_object_get(a, "cells")));
        ck_assert(json_is_object(json_object_get(a, "years")));
        const char *sdo;
        json_t *cell;
        json_int_t total = 0;
        json_object_foreach(json_object_get(a, "cells"), sdo, cell) {
            json_int_t t = json_integer_value(json_object_get(cell, "total"));
            json_int_t p = json_integer_value(json_object_get(cell, "published"));
            json_int_t d = json_integer_value(json_object_get(cell, "in_development"));
            ck_assert_int_gt(t, 0);
            ck_assert_int_le(p + d, t);
            total += t;
        }
        ck_assert_int_eq(total, json_integer_value(json_object_get(a, "total")));
    }
    /* iot: EN 303 645 (published, 2024) and TS 103 645 (superseded, 2019). */
    json_t *iot = area_entry(areas, "iot");
    json_t *etsi = json_object_get(json_object_get(iot, "cells"), "ETSI");
    ck_assert_int_eq(json_integer_value(json_object_get(etsi, "total")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(etsi, "published")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(etsi, "in_development")), 0);
    json_t *years = json_object_get(iot, "years");
    ck_assert_int_eq(json_integer_value(json_object_get(years, "2024")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(years, "2019")), 1);
    json_decref(cov);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The other-bodies pass asks Xapian for a few hits first and more only
 * when those are used up: with a limit of 1 it first asks for 2, here
 * both copies of other 3GPP texts (deferred), so it has to ask again;
 * and the answer is what a longer list starts with. */
START_TEST(test_similar_asks_deeper_when_needed)
{
    char *dir = fx_data_dir();
    static const char *const copies[] = {"401", "402", "220"};
    char body[4096] = "";
    size_t used = 0;
    for (size_t i = 0; i < sizeof copies / sizeof *copies; i++)
        used += (size_t)snprintf(
            body + used, sizeof body - used,
            "{\"id\":\"ETSI TS 133 %s\",\"sdo\":\"ETSI\",\"type\":\"TS\",\"title\":\"Security "
            "architecture and procedures for 5G System\",\"abstract\":\"Specifies the security "
            "architecture of the 5G System and the 5G Core, including authentication and key "
            "agreement (5G-AKA, EAP-AKA'), subscriber privacy (SUCI) and security of the "
            "service-based architecture.\",\"relations\":{\"transposes\":[\"3GPP TS 33.%s\"]}}\n",
            copies[i], copies[i]);
    fx_write_records(dir, "extra.jsonl", body);
    secstd_index *idx = fx_build_open(dir);
    json_t *one = NULL, *all = NULL;
    ck_assert_int_eq(secstd_index_similar_flags(idx, "3GPP TS 33.501", 1, SECSTD_SIMILAR_NO_STATED, &one),
                     SECSTD_OK);
    ck_assert_int_eq(secstd_index_similar_flags(idx, "3GPP TS 33.501", 50, SECSTD_SIMILAR_NO_STATED, &all),
                     SECSTD_OK);
    /* The copies are the closest texts (they score above every other
     * standard), listed after other work. */
    json_t *list = json_object_get(all, "results");
    json_t *head = json_array_get(list, 0);
    ck_assert_ptr_nonnull(head);
    ck_assert_str_eq(json_string_value(json_object_get(head, "why")), "similar");
    double best_other = json_real_value(json_object_get(head, "score"));
    size_t i;
    json_t *e;
    int copies_seen = 0;
    json_array_foreach(list, i, e) {
        if (strcmp(json_string_value(json_object_get(e, "why")), "republication") == 0) {
            copies_seen++;
            ck_assert_double_gt(json_real_value(json_object_get(e, "score")), best_other);
        }
    }
    ck_assert_int_eq(copies_seen, 3);
    json_t *first = json_array_get(json_object_get(one, "results"), 0);
    ck_assert_ptr_nonnull(first);
    ck_assert_uint_eq(json_array_size(json_object_get(one, "results")), 1);
    ck_assert_str_eq(json_string_value(json_object_get(first, "why")), "similar");
    ck_assert_str_eq(json_string_value(json_object_get(first, "id")),
                     json_string_value(json_object_get(head, "id")));
    json_decref(one);
    json_decref(all);
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *index_suite(void)
{
    Suite *s = suite_create("index");
    TCase *t = tcase_create("index");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_open_missing_dir);
    tcase_add_test(t, test_schema_version_mismatch);
    tcase_add_test(t, test_empty_index);
    tcase_add_test(t, test_refresh_new_generation);
    tcase_add_test(t, test_get_by_identifier_forms);
    tcase_add_test(t, test_relations_both_ways);
    tcase_add_test(t, test_no_self_relation);
    tcase_add_test(t, test_get_through_transposition);
    tcase_add_test(t, test_similar_other_sdos_first);
    tcase_add_test(t, test_similar_defers_republications);
    tcase_add_test(t, test_similar_asks_deeper_when_needed);
    tcase_add_test(t, test_areas_counts);
    tcase_add_test(t, test_coverage_shape);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(index_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
