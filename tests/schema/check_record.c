/* check_record.c — secstd_record_validate() against record.schema.json
 * (one valid record, then one test per kind of failure), the records
 * reader (bad lines reported as "FILE:LINE: reason" and skipped, blank and
 * overlong lines) and the atomic writer (commit replaces; free without
 * commit leaves the old file untouched and no temporary file behind). */
#include <check.h>
#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "testutil.h"

static json_t *valid_record(void)
{
    json_error_t e;
    json_t *r = json_loads(
        "{\"id\":\"ITU-T X.509\",\"sdo\":\"ITU-T\",\"type\":\"Recommendation\","
        "\"title\":\"Public-key and attribute certificate frameworks\",\"status\":\"published\","
        "\"date\":\"2019-10-14\",\"edition\":\"10/2019\",\"group\":\"SG17\","
        "\"url\":\"https://www.itu.int/rec/T-REC-X.509\",\"aliases\":[\"ISO/IEC 9594-8\"],"
        "\"keywords\":[\"pki\"],\"areas\":[\"pki\"],\"hints\":[\"itu-question:11/17\"],"
        "\"relations\":{\"identical_to\":[\"ISO/IEC 9594-8\"]},"
        "\"editions\":[{\"id\":\"ITU-T X.509\",\"edition\":\"1997\",\"part\":\"Cor 6 (04/2004)\"}],"
        "\"source\":{\"name\":\"itu\",\"fetched_at\":\"2026-08-01T00:00:00Z\",\"first_generation\":3}}",
        0, &e);
    ck_assert_msg(r != NULL, "fixture: %s", e.text);
    return r;
}

START_TEST(test_valid)
{
    json_t *r = valid_record();
    char err[256] = "";
    ck_assert_int_eq(secstd_record_validate(r, err, sizeof err), SECSTD_OK);
    /* the minimum: id, sdo, title */
    json_t *min = json_pack("{s:s, s:s, s:s}", "id", "RFC 8446", "sdo", "IETF", "title", "TLS 1.3");
    ck_assert_int_eq(secstd_record_validate(min, err, sizeof err), SECSTD_OK);
    /* every date form */
    static const char *const dates[] = {"2024", "2024-09", "2024-09-30"};
    for (size_t i = 0; i < 3; i++) {
        json_object_set_new(min, "date", json_string(dates[i]));
        ck_assert_int_eq(secstd_record_validate(min, err, sizeof err), SECSTD_OK);
    }
    json_decref(min);
    json_decref(r);
}
END_TEST

/* One change to a valid record, the failure it must cause. */
static const struct bad_case {
    const char *what;
    const char *key;
    const char *json; /* new value; NULL deletes the key */
    const char *reason; /* substring of the message */
} bad_cases[] = {
    {"unknown field", "colour", "\"blue\"", "unknown field \"colour\""},
    {"wrong type string", "title", "42", "\"title\" must be a string"},
    {"wrong type array", "keywords", "\"pki\"", "\"keywords\" must be an array"},
    {"wrong item type", "aliases", "[1]", "\"aliases\" item 0 is not a string"},
    {"wrong type object", "relations", "[]", "\"relations\" must be an object"},
    {"unknown status", "status", "\"draft\"", "unknown status \"draft\""},
    {"bad date month", "date", "\"2024-13-01\"", "date \"2024-13-01\""},
    {"bad date form", "date", "\"14/10/2019\"", "is not YYYY"},
    {"bad date day", "date", "\"2024-01-32\"", "date"},
    {"unknown sdo", "sdo", "\"ANSI\"", "unknown sdo \"ANSI\""},
    {"alias is not canonical sdo", "sdo", "\"itu\"", "unknown sdo \"itu\""},
    {"unknown area", "areas", "[\"astrology\"]", "unknown area \"astrology\""},
    {"overlong title", "title", NULL, "\"title\" is longer than 2000"},
    {"overlong alias", "aliases", NULL, "\"aliases\" item 0 is longer than 128"},
    {"missing id", "id", NULL, "missing required field \"id\""},
    {"empty title", "title", "\"\"", "missing required field \"title\""},
    {"unknown relation", "relations", "{\"cousin_of\":[\"RFC 1\"]}", "unknown relation kind \"cousin_of\""},
    {"unknown source field", "source", "{\"colour\":\"x\"}", "unknown field \"source.colour\""},
    {"source integer", "source", "{\"first_generation\":\"3\"}", "must be an integer"},
    {"edition without id", "editions", "[{\"edition\":\"1997\"}]", "needs a string \"id\""},
    {"unknown edition field", "editions", "[{\"id\":\"x\",\"colour\":\"y\"}]", "unknown field \"editions[0].colour\""},
};

START_TEST(test_invalid)
{
    const struct bad_case *c = &bad_cases[_i];
    json_t *r = valid_record();
    if (strcmp(c->what, "overlong title") == 0) {
        char *big = malloc(2002);
        memset(big, 'a', 2001);
        big[2001] = '\0';
        json_object_set_new(r, "title", json_string(big));
        free(big);
    } else if (strcmp(c->what, "overlong alias") == 0) {
        char big[130];
        memset(big, 'a', 129);
        big[129] = '\0';
        json_object_set_new(r, "aliases", json_pack("[s]", big));
    } else if (!c->json) {
        json_object_del(r, c->key);
    } else {
        json_error_t e;
        json_t *v = json_loads(c->json, JSON_DECODE_ANY, &e);
        ck_assert_msg(v != NULL, "%s: fixture %s", c->what, e.text);
        json_object_set_new(r, c->key, v);
    }
    char err[256] = "";
    ck_assert_msg(secstd_record_validate(r, err, sizeof err) == SECSTD_ERR_SCHEMA, "%s: accepted", c->what);
    ck_assert_msg(strstr(err, c->reason) != NULL, "%s: message \"%s\", want \"%s\"", c->what, err, c->reason);
    /* no message buffer is fine too */
    ck_assert_int_eq(secstd_record_validate(r, NULL, 0), SECSTD_ERR_SCHEMA);
    json_decref(r);
}
END_TEST

START_TEST(test_not_an_object)
{
    char err[128];
    json_t *a = json_array();
    ck_assert_int_eq(secstd_record_validate(a, err, sizeof err), SECSTD_ERR_SCHEMA);
    ck_assert_str_eq(err, "record is not a JSON object");
    ck_assert_int_eq(secstd_record_validate(NULL, err, sizeof err), SECSTD_ERR_SCHEMA);
    json_decref(a);
}
END_TEST

START_TEST(test_relation_kinds)
{
    for (size_t i = 0; i < secstd_relation_kind_count(); i++) {
        const secstd_relation_kind *k = secstd_relation_kind_at(i);
        const secstd_relation_kind *inv = secstd_relation_kind_lookup(k->inverse);
        ck_assert_msg(inv != NULL, "%s: inverse %s unknown", k->name, k->inverse);
        ck_assert_str_eq(inv->inverse, k->name);
    }
    ck_assert_ptr_null(secstd_relation_kind_at(secstd_relation_kind_count()));
    ck_assert_ptr_null(secstd_relation_kind_lookup("nope"));
    ck_assert_ptr_null(secstd_relation_kind_lookup(NULL));
}
END_TEST

/* ---- reader ---------------------------------------------------------------- */

#define REC(id) "{\"id\":\"" id "\",\"sdo\":\"IETF\",\"title\":\"t\"}\n"

START_TEST(test_reader)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/ietf.jsonl", dir);
    /* line 1 ok, 2 bad JSON, 3 blank, 4 spaces only, 5 ok, 6 overlong,
     * 7 not an object, 8 fails validation, 9 ok without final newline */
    size_t big = SECSTD_RECORD_MAX_LINE + 10;
    size_t cap = big + 1024;
    char *content = malloc(cap);
    size_t n = 0;
    n += (size_t)snprintf(content + n, cap - n, "%s", REC("RFC 1"));
    n += (size_t)snprintf(content + n, cap - n, "{\"id\": \"RFC 2\", oops}\n\n   \t\n");
    n += (size_t)snprintf(content + n, cap - n, "%s", REC("RFC 3"));
    memset(content + n, 'x', big);
    n += big;
    content[n++] = '\n';
    n += (size_t)snprintf(content + n, cap - n, "[1,2]\n{\"id\":\"RFC 5\",\"sdo\":\"IETF\",\"title\":\"t\",\"status\":\"x\"}\n");
    n += (size_t)snprintf(content + n, cap - n, "{\"id\":\"RFC 6\",\"sdo\":\"IETF\",\"title\":\"t\"}");
    ck_assert_int_eq(tu_write_file(path, content, n), 0);
    free(content);

    secstd_records_reader *r = NULL;
    char err[256];
    ck_assert_int_eq(secstd_records_reader_open(path, &r, err, sizeof err), SECSTD_OK);
    json_t *rec = NULL;
    char *want;

    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "RFC 1");
    ck_assert_uint_eq(secstd_records_reader_line(r), 1);
    json_decref(rec);

    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_ERR_SCHEMA);
    ck_assert_ptr_null(rec);
    want = tu_strdupf("%s:2: not valid JSON", path);
    ck_assert_msg(strncmp(secstd_records_reader_error(r), want, strlen(want)) == 0, "%s",
                  secstd_records_reader_error(r));
    free(want);

    /* blank lines skipped, reading continues after the bad line */
    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "RFC 3");
    ck_assert_uint_eq(secstd_records_reader_line(r), 5);
    json_decref(rec);

    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_ERR_TOO_LARGE);
    ck_assert_ptr_null(rec);
    want = tu_strdupf("%s:6: line longer than 1 MiB", path);
    ck_assert_str_eq(secstd_records_reader_error(r), want);
    free(want);

    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_ERR_SCHEMA);
    want = tu_strdupf("%s:7: record is not a JSON object", path);
    ck_assert_str_eq(secstd_records_reader_error(r), want);
    free(want);

    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_ERR_SCHEMA);
    want = tu_strdupf("%s:8: unknown status \"x\"", path);
    ck_assert_str_eq(secstd_records_reader_error(r), want);
    free(want);

    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "RFC 6");
    json_decref(rec);

    /* end of file: OK with no record, and it stays there */
    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_OK);
    ck_assert_ptr_null(rec);
    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_OK);
    ck_assert_ptr_null(rec);
    secstd_records_reader_free(r);
    secstd_records_reader_free(NULL);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_reader_line_of_exact_maximum)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/max.jsonl", dir);
    /* a valid record padded with spaces to exactly the limit is accepted */
    size_t max = SECSTD_RECORD_MAX_LINE;
    char *content = malloc(max + 2);
    const char *rec_text = "{\"id\":\"RFC 1\",\"sdo\":\"IETF\",\"title\":\"t\"";
    size_t k = strlen(rec_text);
    memcpy(content, rec_text, k);
    memset(content + k, ' ', max - k - 1);
    content[max - 1] = '}';
    content[max] = '\n';
    ck_assert_int_eq(tu_write_file(path, content, max + 1), 0);
    free(content);
    secstd_records_reader *r = NULL;
    ck_assert_int_eq(secstd_records_reader_open(path, &r, NULL, 0), SECSTD_OK);
    json_t *rec = NULL;
    ck_assert_int_eq(secstd_records_reader_next(r, &rec), SECSTD_OK);
    ck_assert_ptr_nonnull(rec);
    json_decref(rec);
    secstd_records_reader_free(r);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

/* One line parsed as the reader parses it (the indexer parses runs of a
 * file it read whole): the limit applies to the line without its newline. */
START_TEST(test_parse_line)
{
    char reason[300] = "";
    json_t *rec = (json_t *)1;
    ck_assert_int_eq(secstd_record_parse_line(" \t\r\n", 4, &rec, reason, sizeof reason), SECSTD_OK);
    ck_assert_ptr_null(rec);
    const char *ok = "{\"id\":\"RFC 1\",\"sdo\":\"IETF\",\"title\":\"t\"}";
    ck_assert_int_eq(secstd_record_parse_line(ok, strlen(ok), &rec, reason, sizeof reason), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(rec, "id")), "RFC 1");
    json_decref(rec);
    const char *bad = "{\"id\":\"RFC 1\",\"sdo\":\"IETF\",\"title\":\"t\",\"colour\":1}\n";
    ck_assert_int_eq(secstd_record_parse_line(bad, strlen(bad), &rec, reason, sizeof reason),
                     SECSTD_ERR_SCHEMA);
    ck_assert_ptr_null(rec);
    ck_assert_ptr_nonnull(strstr(reason, "colour"));
    ck_assert_int_eq(secstd_record_parse_line("{\"id\":", 6, &rec, reason, sizeof reason),
                     SECSTD_ERR_SCHEMA);
    ck_assert_ptr_nonnull(strstr(reason, "not valid JSON"));

    size_t max = SECSTD_RECORD_MAX_LINE;
    char *line = malloc(max + 2);
    size_t k = strlen(ok) - 1;
    memcpy(line, ok, k);
    memset(line + k, ' ', max - k - 1);
    line[max - 1] = '}';
    line[max] = '\n';
    ck_assert_int_eq(secstd_record_parse_line(line, max + 1, &rec, reason, sizeof reason), SECSTD_OK);
    json_decref(rec);
    ck_assert_int_eq(secstd_record_parse_line(line, max, &rec, reason, sizeof reason), SECSTD_OK);
    json_decref(rec);
    line[max - 1] = ' ';
    line[max] = '}';
    ck_assert_int_eq(secstd_record_parse_line(line, max + 1, &rec, reason, sizeof reason),
                     SECSTD_ERR_TOO_LARGE);
    ck_assert_ptr_null(rec);
    ck_assert_str_eq(reason, "line longer than 1 MiB");
    free(line);
}
END_TEST

START_TEST(test_reader_missing_file)
{
    secstd_records_reader *r = (secstd_records_reader *)1;
    char err[256] = "";
    ck_assert_int_eq(secstd_records_reader_open("/nonexistent/x.jsonl", &r, err, sizeof err), SECSTD_ERR_IO);
    ck_assert_ptr_null(r);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/x.jsonl: "));
}
END_TEST

/* ---- writer ------------------------------------------------------------------ */

static size_t dir_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
    closedir(d);
    return n;
}

START_TEST(test_writer_commit_replaces)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/itu.jsonl", dir);
    ck_assert_int_eq(tu_write_file(path, "old\n", 4), 0);
    secstd_records_writer *w = NULL;
    char err[256];
    ck_assert_int_eq(secstd_records_writer_open(path, &w, err, sizeof err), SECSTD_OK);
    json_t *rec = valid_record();
    ck_assert_int_eq(secstd_records_writer_add(w, rec), SECSTD_OK);
    ck_assert_int_eq(secstd_records_writer_add(w, rec), SECSTD_OK);
    ck_assert_uint_eq(secstd_records_writer_count(w), 2);
    /* nothing visible before commit */
    size_t len = 0;
    char *before = tu_read_file(path, &len);
    ck_assert_str_eq(before, "old\n");
    free(before);
    ck_assert_int_eq(secstd_records_writer_commit(w, err, sizeof err), SECSTD_OK);
    /* a second commit is refused, not a crash */
    ck_assert_int_eq(secstd_records_writer_commit(w, err, sizeof err), SECSTD_ERR_IO);
    ck_assert_int_eq(secstd_records_writer_add(w, rec), SECSTD_ERR_IO);
    secstd_records_writer_free(w);
    ck_assert_uint_eq(dir_entries(dir), 1);

    /* what was written reads back, keys sorted, one record per line */
    secstd_records_reader *r = NULL;
    ck_assert_int_eq(secstd_records_reader_open(path, &r, err, sizeof err), SECSTD_OK);
    json_t *back = NULL;
    for (int i = 0; i < 2; i++) {
        ck_assert_int_eq(secstd_records_reader_next(r, &back), SECSTD_OK);
        ck_assert_ptr_nonnull(back);
        ck_assert(json_equal(back, rec));
        json_decref(back);
    }
    ck_assert_int_eq(secstd_records_reader_next(r, &back), SECSTD_OK);
    ck_assert_ptr_null(back);
    secstd_records_reader_free(r);
    char *text = tu_read_file(path, &len);
    ck_assert_msg(strncmp(text, "{\"abstract\"", 11) == 0 || strncmp(text, "{\"aliases\"", 10) == 0,
                  "keys not sorted: %.40s", text);
    free(text);
    json_decref(rec);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_writer_free_without_commit)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/etsi.jsonl", dir);
    const char old[] = "{\"id\":\"ETSI EN 303 645\",\"sdo\":\"ETSI\",\"title\":\"IoT\"}\n\x01\xff tail";
    ck_assert_int_eq(tu_write_file(path, old, sizeof old - 1), 0);
    secstd_records_writer *w = NULL;
    ck_assert_int_eq(secstd_records_writer_open(path, &w, NULL, 0), SECSTD_OK);
    json_t *rec = valid_record();
    ck_assert_int_eq(secstd_records_writer_add(w, rec), SECSTD_OK);
    json_decref(rec);
    ck_assert_uint_eq(dir_entries(dir), 2); /* the temporary file exists meanwhile */
    secstd_records_writer_free(w);
    secstd_records_writer_free(NULL);
    size_t len = 0;
    char *now = tu_read_file(path, &len);
    ck_assert_uint_eq(len, sizeof old - 1);
    ck_assert(memcmp(now, old, len) == 0);
    free(now);
    ck_assert_uint_eq(dir_entries(dir), 1);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_writer_bad_directory)
{
    secstd_records_writer *w = (secstd_records_writer *)1;
    char err[256] = "";
    ck_assert_int_eq(secstd_records_writer_open("/nonexistent/dir/x.jsonl", &w, err, sizeof err), SECSTD_ERR_IO);
    ck_assert_ptr_null(w);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/x.jsonl.tmp."));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("record");
    TCase *tv = tcase_create("validate");
    tcase_add_test(tv, test_valid);
    tcase_add_loop_test(tv, test_invalid, 0, (int)(sizeof bad_cases / sizeof bad_cases[0]));
    tcase_add_test(tv, test_not_an_object);
    tcase_add_test(tv, test_relation_kinds);
    suite_add_tcase(s, tv);
    TCase *tf = tcase_create("files");
    tcase_set_timeout(tf, 30);
    tcase_add_test(tf, test_reader);
    tcase_add_test(tf, test_reader_line_of_exact_maximum);
    tcase_add_test(tf, test_reader_missing_file);
    tcase_add_test(tf, test_parse_line);
    tcase_add_test(tf, test_writer_commit_replaces);
    tcase_add_test(tf, test_writer_free_without_commit);
    tcase_add_test(tf, test_writer_bad_directory);
    suite_add_tcase(s, tf);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
