/* check_changes.c — the change feed (indexer/changes.c): reports newest
 * first, since by generation and by date, SDO and area filters, bounds,
 * rollback, malformed report files, bad `since` values. Built on the
 * hand-written fixture records (two generations with known changes). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build.h"
#include "changes.h"
#include "fixture.h"
#include "index.h"
#include "testutil.h"

#define NEW_RECORD                                                                          \
    "{\"id\":\"RFC 9999\",\"sdo\":\"IETF\",\"type\":\"RFC\",\"title\":\"Transport Layer "  \
    "Security certificate feeds for testing\",\"status\":\"published\",\"date\":\"2026-01\"," \
    "\"url\":\"https://www.rfc-editor.org/rfc/rfc9999\"}\n"

/* Generation 1 = the fixture; generation 2 = a new title for RFC 8446, NIST
 * SP 800-207 withdrawn, ETSI EN 303 645 removed, RFC 9999 added. */
static char *two_generations(void)
{
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    ck_assert_uint_eq(sum.generation, 1);
    json_decref(sum.changes);
    fx_edit(dir, "handwritten.jsonl", "\"title\":\"The Transport Layer Security (TLS) Protocol Version 1.3\"",
            "\"title\":\"The Transport Layer Security (TLS) Protocol, version 1.3\"");
    char *p = tu_strdupf("%s/records/handwritten.jsonl", dir);
    size_t len;
    char *body = tu_read_file(p, &len);
    ck_assert_ptr_nonnull(body);
    /* The status of the NIST SP 800-207 line only. */
    char *line = strstr(body, "\"id\":\"NIST SP 800-207\"");
    ck_assert_ptr_nonnull(line);
    char *st = strstr(line, "\"status\":\"published\"");
    ck_assert_ptr_nonnull(st);
    char *out = tu_strdupf("%.*s\"status\":\"withdrawn\"%s", (int)(st - body), body,
                           st + strlen("\"status\":\"published\""));
    ck_assert_int_eq(tu_write_file(p, out, strlen(out)), 0);
    free(out);
    free(body);
    free(p);
    fx_drop_line(dir, "handwritten.jsonl", "\"id\":\"ETSI EN 303 645\"");
    fx_write_records(dir, "extra.jsonl", NEW_RECORD);
    fx_build(dir, &sum);
    ck_assert_int_eq(sum.published, 1);
    ck_assert_uint_eq(sum.generation, 2);
    json_decref(sum.changes);
    return dir;
}

static json_t *changes(const char *dir, const secstd_changes_filter *f)
{
    char *index = fx_path(dir, "index");
    json_t *out = NULL;
    char err[512] = "";
    secstd_status st = secstd_changes_since(index, f, &out, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "secstd_changes_since: %s", err);
    ck_assert_ptr_nonnull(out);
    free(index);
    return out;
}

static json_t *gen_at(json_t *res, size_t i)
{
    return json_array_get(json_object_get(res, "generations"), i);
}

static const char *id_at(json_t *g, const char *kind, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(g, kind), i), "id"));
}

static int has_string(json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

START_TEST(test_no_index_no_reports)
{
    char *dir = tu_mkdtemp();
    json_t *res = changes(dir, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(res, "current_generation")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 0);
    ck_assert(json_is_false(json_object_get(res, "truncated")));
    ck_assert(json_is_null(json_object_get(res, "since")));
    json_decref(res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_newest_first_with_every_kind)
{
    char *dir = two_generations();
    json_t *res = changes(dir, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(res, "current_generation")), 2);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 2);
    json_t *g2 = gen_at(res, 0), *g1 = gen_at(res, 1);
    ck_assert_int_eq(json_integer_value(json_object_get(g2, "generation")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(g2, "previous_generation")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(g1, "generation")), 1);
    const char *built = json_string_value(json_object_get(g2, "built_at"));
    ck_assert_ptr_nonnull(built);
    ck_assert_uint_eq(strlen(built), 20);
    ck_assert_int_eq(built[10], 'T');

    ck_assert_uint_eq(json_array_size(json_object_get(g2, "added")), 1);
    ck_assert_str_eq(id_at(g2, "added", 0), "RFC 9999");
    ck_assert_uint_eq(json_array_size(json_object_get(g2, "removed")), 1);
    ck_assert_str_eq(id_at(g2, "removed", 0), "ETSI EN 303 645");
    ck_assert_uint_eq(json_array_size(json_object_get(g2, "status_changed")), 1);
    json_t *sc = json_array_get(json_object_get(g2, "status_changed"), 0);
    ck_assert_str_eq(json_string_value(json_object_get(sc, "id")), "NIST SP 800-207");
    ck_assert_str_eq(json_string_value(json_object_get(sc, "from")), "published");
    ck_assert_str_eq(json_string_value(json_object_get(sc, "to")), "withdrawn");

    /* Changed: the retitled RFC (fields: title) and the withdrawn SP (status). */
    json_t *changed = json_object_get(g2, "changed");
    ck_assert_uint_eq(json_array_size(changed), 2);
    int saw_rfc = 0, saw_sp = 0;
    size_t i;
    json_t *e;
    json_array_foreach(changed, i, e) {
        const char *id = json_string_value(json_object_get(e, "id"));
        json_t *fields = json_object_get(e, "fields");
        if (strcmp(id, "RFC 8446") == 0) {
            saw_rfc = 1;
            ck_assert(has_string(fields, "title"));
            ck_assert(!has_string(fields, "status"));
            ck_assert_str_eq(json_string_value(json_object_get(e, "title")),
                             "The Transport Layer Security (TLS) Protocol, version 1.3");
        } else if (strcmp(id, "NIST SP 800-207") == 0) {
            saw_sp = 1;
            ck_assert(has_string(fields, "status"));
            ck_assert(!has_string(fields, "title"));
        }
    }
    ck_assert(saw_rfc && saw_sp);
    json_t *totals = json_object_get(g2, "totals");
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "added")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "changed")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "status_changed")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(totals, "removed")), 1);
    ck_assert(json_is_object(json_object_get(json_object_get(g2, "counts"), "by_sdo")));
    json_decref(res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_since_generation)
{
    char *dir = two_generations();
    static const char *const forms[] = {"1", "gen-1", "000001"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        secstd_changes_filter f;
        secstd_changes_filter_init(&f);
        f.since = forms[i];
        json_t *res = changes(dir, &f);
        ck_assert_msg(json_array_size(json_object_get(res, "generations")) == 1, "since=%s", forms[i]);
        ck_assert_int_eq(json_integer_value(json_object_get(gen_at(res, 0), "generation")), 2);
        ck_assert_str_eq(json_string_value(json_object_get(res, "since")), forms[i]);
        json_decref(res);
    }
    secstd_changes_filter f;
    secstd_changes_filter_init(&f);
    f.since = "2";
    json_t *res = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 0);
    json_decref(res);
    f.since = "0";
    res = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 2);
    json_decref(res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_since_date)
{
    char *dir = two_generations();
    secstd_changes_filter f;
    secstd_changes_filter_init(&f);
    f.since = "1970-01-02";
    json_t *res = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 2);
    json_decref(res);
    f.since = "2999-12-31T23:59:59Z";
    res = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 0);
    json_decref(res);
    /* Leap day is a valid date. */
    f.since = "2024-02-29";
    res = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 2);
    json_decref(res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_bad_since)
{
    static const char *const bad[] = {
        "yesterday", "2024-13-01", "2024-02-30", "2023-02-29", "+024-01-01", "2024-1-01",
        "2024-01-01T25:00:00Z", "2024-01-01T10:00:00", "2024-01-01 ", "gen-", "gen-x",
        "-1", "1e3", "12345678901234567890", "1969-12-31",
    };
    char *dir = tu_mkdtemp();
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char err[256] = "";
        ck_assert_msg(secstd_changes_check_since(bad[i], err, sizeof err) == SECSTD_ERR_INVALID,
                      "accepted since=\"%s\"", bad[i]);
        ck_assert_msg(strncmp(err, "since:", 6) == 0, "message for %s: %s", bad[i], err);
        secstd_changes_filter f;
        secstd_changes_filter_init(&f);
        f.since = bad[i];
        json_t *out = (json_t *)1;
        ck_assert_int_eq(secstd_changes_since(dir, &f, &out, err, sizeof err), SECSTD_ERR_INVALID);
        ck_assert_ptr_null(out);
    }
    char err[256];
    ck_assert_int_eq(secstd_changes_check_since(NULL, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(secstd_changes_check_since("", err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(secstd_changes_check_since("2026-05-01", err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(secstd_changes_check_since("2026-05-01T08:30:00Z", err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(secstd_changes_check_since("42", err, sizeof err), SECSTD_OK);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_sdo_filter)
{
    char *dir = two_generations();
    static const char *const sdos[] = {"IETF"};
    secstd_changes_filter f;
    secstd_changes_filter_init(&f);
    f.sdos = sdos;
    f.n_sdos = 1;
    json_t *res = changes(dir, &f);
    json_t *g2 = gen_at(res, 0);
    ck_assert_uint_eq(json_array_size(json_object_get(g2, "added")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(g2, "changed")), 1);
    ck_assert_str_eq(id_at(g2, "changed", 0), "RFC 8446");
    ck_assert_uint_eq(json_array_size(json_object_get(g2, "status_changed")), 0);
    ck_assert_uint_eq(json_array_size(json_object_get(g2, "removed")), 0);
    /* The generation is listed even when nothing of it passes. */
    static const char *const none[] = {"OASIS"};
    f.sdos = none;
    json_t *res2 = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(res2, "generations")), 2);
    ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(gen_at(res2, 0), "totals"), "changed")), 0);
    json_decref(res2);
    /* Several SDOs: any of them. */
    static const char *const two[] = {"IETF", "ETSI"};
    f.sdos = two;
    f.n_sdos = 2;
    json_t *res3 = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(gen_at(res3, 0), "removed")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(gen_at(res3, 0), "changed")), 1);
    json_decref(res3);
    json_decref(res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_area_filter)
{
    char *dir = two_generations();
    json_t *all = changes(dir, NULL);
    /* The area of the withdrawn NIST SP 800-207 (zero trust, presumably). */
    json_t *sc = json_array_get(json_object_get(gen_at(all, 0), "status_changed"), 0);
    json_t *areas = json_object_get(sc, "areas");
    ck_assert_msg(json_array_size(areas) > 0, "NIST SP 800-207 has no area");
    const char *area = json_string_value(json_array_get(areas, 0));
    const char *list[] = {area};
    secstd_changes_filter f;
    secstd_changes_filter_init(&f);
    f.areas = list;
    f.n_areas = 1;
    json_t *res = changes(dir, &f);
    json_t *g;
    size_t gi;
    size_t kept = 0;
    json_array_foreach(json_object_get(res, "generations"), gi, g) {
        static const char *const kinds[] = {"added", "changed", "status_changed", "removed"};
        for (size_t k = 0; k < 4; k++) {
            size_t i;
            json_t *e;
            json_array_foreach(json_object_get(g, kinds[k]), i, e) {
                ck_assert_msg(has_string(json_object_get(e, "areas"), area), "%s not in area %s",
                              json_string_value(json_object_get(e, "id")), area);
                kept++;
            }
        }
    }
    ck_assert_uint_ge(kept, 2);   /* SP 800-207 in changed and in status_changed */
    json_decref(res);
    static const char *const nosuch[] = {"no-such-area"};
    f.areas = nosuch;
    res = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(gen_at(res, 0), "changed")), 0);
    json_decref(res);
    json_decref(all);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_bounds)
{
    char *dir = two_generations();
    secstd_changes_filter f;
    secstd_changes_filter_init(&f);
    f.max_reports = 1;
    json_t *res = changes(dir, &f);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 1);
    ck_assert(json_is_true(json_object_get(res, "truncated")));
    json_decref(res);
    secstd_changes_filter_init(&f);
    f.max_entries = 2;
    res = changes(dir, &f);
    json_t *g2 = gen_at(res, 0);
    size_t total = 0;
    static const char *const kinds[] = {"added", "changed", "status_changed", "removed"};
    for (size_t k = 0; k < 4; k++)
        total += json_array_size(json_object_get(g2, kinds[k]));
    ck_assert_uint_eq(total, 2);
    ck_assert(json_is_true(json_object_get(res, "truncated")));
    json_decref(res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_rollback_hides_newer_reports)
{
    char *dir = two_generations();
    char *link = tu_strdupf("%s/index/current", dir), *tmp = tu_strdupf("%s/index/current.t", dir);
    ck_assert_int_eq(symlink("gen-000001", tmp), 0);
    ck_assert_int_eq(rename(tmp, link), 0);
    json_t *res = changes(dir, NULL);
    ck_assert_int_eq(json_integer_value(json_object_get(res, "current_generation")), 1);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(gen_at(res, 0), "generation")), 1);
    json_decref(res);
    free(link);
    free(tmp);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_malformed_and_stray_files_skipped)
{
    char *dir = two_generations();
    char *p = tu_strdupf("%s/index/changes/000001.json", dir);
    ck_assert_int_eq(tu_write_file(p, "{not json", 9), 0);
    free(p);
    p = tu_strdupf("%s/index/changes/000002.json.tmp", dir);
    ck_assert_int_eq(tu_write_file(p, "{}", 2), 0);
    free(p);
    p = tu_strdupf("%s/index/changes/notes.json", dir);
    ck_assert_int_eq(tu_write_file(p, "[]", 2), 0);
    free(p);
    p = tu_strdupf("%s/index/changes/000000.json", dir);
    ck_assert_int_eq(tu_write_file(p, "[1,2]", 5), 0);   /* not an object */
    free(p);
    json_t *res = changes(dir, NULL);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "generations")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(gen_at(res, 0), "generation")), 2);
    json_decref(res);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *changes_suite(void)
{
    Suite *s = suite_create("changes");
    TCase *t = tcase_create("changes");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_no_index_no_reports);
    tcase_add_test(t, test_newest_first_with_every_kind);
    tcase_add_test(t, test_since_generation);
    tcase_add_test(t, test_since_date);
    tcase_add_test(t, test_bad_since);
    tcase_add_test(t, test_sdo_filter);
    tcase_add_test(t, test_area_filter);
    tcase_add_test(t, test_bounds);
    tcase_add_test(t, test_rollback_hides_newer_reports);
    tcase_add_test(t, test_malformed_and_stray_files_skipped);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(changes_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
