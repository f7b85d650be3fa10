/* check_crawl.c — the crawl driver (crawlers/crawl.h) end to end through a
 * loopback server: a first crawl writes records with provenance, a second
 * one with nothing changed upstream rewrites nothing, and every failure
 * (HTTP error, a listing with 10% of its records, a malformed listing)
 * leaves the previous records file byte-for-byte intact. Uses the real
 * RFC index and the registered ietf-txt parser. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"
#include "crawl.h"
#include "parser.h"
#include "testutil.h"

#ifndef SECSTD_LOOPBACK_LINKED
#include "loopback.c"
#else
#include "loopback.h"
#endif

static lb_server *srv;
static char *data;

static void setup(void)
{
    srv = lb_start();
    data = tu_mkdtemp();
    char *dir = tu_shared("");
    lb_serve_dir(srv, "/mirror/", dir);
    free(dir);
}

static void teardown(void)
{
    lb_stop(srv);
    tu_rmtree(data);
    free(data);
}

/* Crawls `source` with a config made of extra lines; returns the report. */
static secstd_crawl_report *crawl(const char *source, const char *extra)
{
    char *base = lb_url(srv, "/mirror");
    char *text = tu_strdupf("data_dir = %s\n[crawl]\nbase_url = %s\nretries = 1\nretry_delay = 10\n"
                            "host_delay = 0\ntimeout = 20000\nmax_body = 16M\n%s",
                            data, base, extra ? extra : "");
    secstd_config *cfg = secstd_config_new();
    char err[512];
    ck_assert_msg(secstd_config_parse(cfg, text, strlen(text), "test.conf", err, sizeof err) == SECSTD_OK, "%s", err);
    secstd_crawl_options o;
    ck_assert_msg(secstd_crawl_options_init(&o, cfg, err, sizeof err) == SECSTD_OK, "%s", err);
    secstd_crawl_report *rep = NULL;
    const char *names[] = {source};
    ck_assert_msg(secstd_crawl_run(&o, names, 1, NULL, NULL, &rep, err, sizeof err) == SECSTD_OK, "%s", err);
    secstd_config_free(cfg);
    free(text);
    free(base);
    return rep;
}

static char *records_path(const char *source) { return tu_strdupf("%s/records/%s.jsonl", data, source); }

static int have_ietf_txt(void) { return tu_have_shared() && secstd_parser_lookup("ietf-txt") != NULL; }

START_TEST(test_first_crawl_then_unchanged)
{
    if (!have_ietf_txt())
        return;
    secstd_crawl_report *rep = crawl("ietf-txt", NULL);
    const secstd_source_report *r = &rep->sources[0];
    ck_assert_msg(r->outcome == SECSTD_CRAWL_FETCHED, "%s", r->reason);
    ck_assert_uint_ge(r->records, 5000);
    ck_assert_int_eq(secstd_crawl_report_exit_status(rep), 0);
    secstd_crawl_report_free(rep);

    char *path = records_path("ietf-txt");
    size_t len;
    char *before = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(before);
    ck_assert_ptr_nonnull(strstr(before, "\"parser_version\""));
    ck_assert_ptr_nonnull(strstr(before, "\"name\":\"ietf-txt\"") ? (void *)1 : strstr(before, "\"name\": \"ietf-txt\""));
    struct stat st1, st2;
    ck_assert_int_eq(stat(path, &st1), 0);

    /* nothing changed upstream: 304, no parse, no rewrite */
    int hits = lb_hits(srv, "/mirror/ietf/rfc-index.txt");
    rep = crawl("ietf-txt", NULL);
    r = &rep->sources[0];
    ck_assert_msg(r->outcome == SECSTD_CRAWL_UNCHANGED, "%s", r->reason);
    ck_assert_uint_eq(r->documents, 0);
    ck_assert_int_eq(lb_hits(srv, "/mirror/ietf/rfc-index.txt"), hits + 1);
    ck_assert_int_eq(secstd_crawl_report_exit_status(rep), 0);
    secstd_crawl_report_free(rep);
    ck_assert_int_eq(stat(path, &st2), 0);
    ck_assert_uint_eq(st1.st_ino, st2.st_ino);
    ck_assert(st1.st_mtim.tv_sec == st2.st_mtim.tv_sec && st1.st_mtim.tv_nsec == st2.st_mtim.tv_nsec);

    /* The records file emptied since (by hand, a full disk): "unchanged
     * upstream" must not keep it; the listing is fetched and parsed again. */
    ck_assert_int_eq(tu_write_file(path, "", 0), 0);
    rep = crawl("ietf-txt", NULL);
    r = &rep->sources[0];
    ck_assert_msg(r->outcome == SECSTD_CRAWL_FETCHED, "%s", r->reason);
    ck_assert_uint_ge(r->records, 5000);
    secstd_crawl_report_free(rep);
    char *again = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(again);
    ck_assert_uint_ge(len, 1000);
    free(again);

    free(before);
    free(path);
}
END_TEST

/* Runs a first good crawl, then one against `route`; checks the second
 * failed with a reason containing `why` and kept the file byte-for-byte. */
static void expect_failure_keeps_file(const lb_route *route, const char *why, const char *more)
{
    secstd_crawl_report *rep = crawl("ietf-txt", NULL);
    ck_assert_msg(rep->sources[0].outcome == SECSTD_CRAWL_FETCHED, "%s", rep->sources[0].reason);
    secstd_crawl_report_free(rep);
    char *path = records_path("ietf-txt");
    size_t len1, len2;
    char *before = tu_read_file(path, &len1);
    struct stat st1, st2;
    stat(path, &st1);

    lb_add(srv, route);
    char *url = lb_url(srv, route->path);
    char *extra = tu_strdupf("[source ietf-txt]\nurl = %s\n%s", url, more ? more : "");
    rep = crawl("ietf-txt", extra);
    const secstd_source_report *r = &rep->sources[0];
    ck_assert_int_eq(r->outcome, SECSTD_CRAWL_FAILED);
    ck_assert_msg(strstr(r->reason, why) != NULL, "reason: %s", r->reason);
    ck_assert_int_eq(secstd_crawl_report_exit_status(rep), 2);
    json_t *j = secstd_crawl_report_json(rep);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(j, "sources"), 0), "outcome")), "failed");
    json_decref(j);
    secstd_crawl_report_free(rep);

    char *after = tu_read_file(path, &len2);
    ck_assert_uint_eq(len1, len2);
    ck_assert(memcmp(before, after, len1) == 0);
    stat(path, &st2);
    ck_assert_uint_eq(st1.st_ino, st2.st_ino);
    free(after);
    free(before);
    free(extra);
    free(url);
    free(path);
}

START_TEST(test_http_failure_keeps_records)
{
    if (!have_ietf_txt())
        return;
    expect_failure_keeps_file(&(lb_route){.path = "/down.txt", .body = "x", .fail_times = 100, .fail_status = 503},
                              "HTTP 503", NULL);
}
END_TEST

/* Progress while a source retries: each attempt is announced with why. */
static void note_progress(void *ctx, const secstd_source_report *r)
{
    if (r->outcome == SECSTD_CRAWL_RUNNING && r->reason[0]) {
        char **seen = ctx;
        char *more = tu_strdupf("%s%s|", *seen ? *seen : "", r->reason);
        free(*seen);
        *seen = more;
    }
}

/* Crawls ietf-txt from path on the loopback server with the [crawl]
 * settings given, transfer notes every note_ms (0: the default); returns
 * the progress notes seen ('|'-separated, malloc'ed) and the report. */
static char *crawl_noting(const char *path, const char *crawl_settings, long note_ms,
                          secstd_crawl_report **rep)
{
    char *url = lb_url(srv, path);
    char *text = tu_strdupf("data_dir = %s\n[crawl]\n%shost_delay = 0\n[source ietf-txt]\nurl = %s\n",
                            data, crawl_settings, url);
    secstd_config *cfg = secstd_config_new();
    char err[512];
    ck_assert_msg(secstd_config_parse(cfg, text, strlen(text), "t.conf", err, sizeof err) == SECSTD_OK, "%s", err);
    secstd_crawl_options o;
    ck_assert_msg(secstd_crawl_options_init(&o, cfg, err, sizeof err) == SECSTD_OK, "%s", err);
    if (note_ms)
        o.fetch.transfer_note_ms = note_ms;
    char *seen = NULL;
    const char *names[] = {"ietf-txt"};
    ck_assert(secstd_crawl_run(&o, names, 1, note_progress, &seen, rep, err, sizeof err) == SECSTD_OK);
    secstd_config_free(cfg);
    free(text);
    free(url);
    return seen;
}

START_TEST(test_retries_shown_as_progress)
{
    if (!have_ietf_txt())
        return;
    lb_add(srv, &(lb_route){.path = "/flaky.txt", .body = "x", .fail_times = 100, .fail_status = 503});
    secstd_crawl_report *rep = NULL;
    char *seen = crawl_noting("/flaky.txt", "retries = 2\nretry_delay = 10\n", 0, &rep);
    ck_assert_ptr_nonnull(seen);
    ck_assert_msg(strstr(seen, "attempt 2 of 3") && strstr(seen, "attempt 3 of 3") && strstr(seen, "HTTP 503"),
                  "%s", seen);
    /* the outcome's reason is the failure, not the last retry note */
    ck_assert_msg(strstr(rep->sources[0].reason, "after 3 attempts") != NULL, "%s", rep->sources[0].reason);
    secstd_crawl_report_free(rep);
    free(seen);
}
END_TEST

/* A long attempt is not silent: notes while it waits, then the outcome. */
START_TEST(test_long_attempt_shown_as_progress)
{
    if (!have_ietf_txt())
        return;
    lb_add(srv, &(lb_route){.path = "/stalled.txt", .body = "x", .delay_ms = 2500});
    secstd_crawl_report *rep = NULL;
    char *seen = crawl_noting("/stalled.txt", "retries = 0\n", 200, &rep);
    ck_assert_ptr_nonnull(seen);
    /* libcurl reports an idle transfer about once a second */
    ck_assert_msg(strstr(seen, "waiting for an answer, ") != NULL, "%s", seen);
    /* the outcome's reason is the outcome's, not the last note */
    ck_assert_msg(strstr(rep->sources[0].reason, "waiting") == NULL, "%s", rep->sources[0].reason);
    secstd_crawl_report_free(rep);
    free(seen);
}
END_TEST

START_TEST(test_count_drop_rejected)
{
    if (!have_ietf_txt())
        return;
    char *path = tu_shared("ietf/rfc-index.txt");
    size_t len;
    char *full = tu_read_file(path, &len);
    /* keep the header and about 10% of the entries, cut at an entry boundary */
    size_t cut = len / 10;
    while (cut < len && !(full[cut - 1] == '\n' && full[cut] == '\n'))
        cut++;
    lb_route r = {.path = "/rfc-index-10pct.txt", .body = full, .len = cut, .content_type = "text/plain"};
    /* min_records alone already refuses it; lower it to see the relative check */
    expect_failure_keeps_file(&r, "implausible drop", "min_records = 1\n");
    /* A listing cut at 70 % of its bytes: a quarter of the records gone,
     * refused with the default max_drop too. */
    cut = len * 7 / 10;
    while (cut < len && !(full[cut - 1] == '\n' && full[cut] == '\n'))
        cut++;
    lb_route r70 = {.path = "/rfc-index-70pct.txt", .body = full, .len = cut, .content_type = "text/plain"};
    tu_rmtree(data);
    free(data);
    data = tu_mkdtemp();
    expect_failure_keeps_file(&r70, "implausible drop", NULL);
    free(full);
    free(path);
}
END_TEST

START_TEST(test_malformed_listing)
{
    if (!have_ietf_txt())
        return;
    expect_failure_keeps_file(&(lb_route){.path = "/garbage.txt", .content_type = "text/plain",
                                          .body = "\x01\x02 this is not an RFC index {]\n"},
                              "", NULL);
    /* An empty answer is said to be one, with where it came from. */
    tu_rmtree(data);
    free(data);
    data = tu_mkdtemp();
    expect_failure_keeps_file(&(lb_route){.path = "/empty.txt", .content_type = "text/plain",
                                          .body = "", .len = 0},
                              "empty (0 bytes) at http", NULL);
}
END_TEST

START_TEST(test_error_page_instead_of_listing)
{
    if (!have_ietf_txt())
        return;
    expect_failure_keeps_file(&(lb_route){.path = "/login", .content_type = "text/html",
                                          .body = "<html><body>Sign in</body></html>"},
                              "unexpected content type", NULL);
}
END_TEST

START_TEST(test_unknown_and_unparsed_sources)
{
    secstd_crawl_options o;
    char err[256];
    ck_assert_int_eq(secstd_crawl_options_init(&o, NULL, err, sizeof err), SECSTD_OK);
    o.data_dir = data;
    secstd_crawl_report *rep = NULL;
    const char *bad[] = {"no-such-source"};
    ck_assert_int_eq(secstd_crawl_run(&o, bad, 1, NULL, NULL, &rep, err, sizeof err), SECSTD_ERR_NOT_FOUND);
    ck_assert_ptr_null(rep);
    ck_assert_ptr_nonnull(strstr(err, "no-such-source"));
    /* a source whose parser is not registered yet is skipped, not a crash */
    for (size_t i = 0; i < secstd_source_count(); i++) {
        const secstd_source *s = secstd_source_at(i);
        if (secstd_parser_lookup(s->parser))
            continue;
        const char *names[] = {s->name};
        ck_assert_int_eq(secstd_crawl_run(&o, names, 1, NULL, NULL, &rep, err, sizeof err), SECSTD_OK);
        ck_assert_int_eq(rep->sources[0].outcome, SECSTD_CRAWL_SKIPPED);
        ck_assert_ptr_nonnull(strstr(rep->sources[0].reason, "no parser"));
        ck_assert_int_eq(secstd_crawl_report_exit_status(rep), 2);
        secstd_crawl_report_free(rep);
        break;
    }
}
END_TEST

START_TEST(test_registry_and_config_errors)
{
    /* every source names a known SDO-looking body, a parser and a mirror path */
    for (size_t i = 0; i < secstd_source_count(); i++) {
        const secstd_source *s = secstd_source_at(i);
        ck_assert_ptr_eq(secstd_source_lookup(s->name), s);
        ck_assert(*s->parser && *s->mirror_paths && *s->help);
    }
    ck_assert_uint_ge(secstd_source_count(), 23);
    const char *text = "[crawl]\ntimeout = 10\n[source ietf-txt]\nenabeld = no\n";
    secstd_config *cfg = secstd_config_new();
    char err[256];
    ck_assert_int_eq(secstd_config_parse(cfg, text, strlen(text), "t.conf", err, sizeof err), SECSTD_OK);
    secstd_crawl_options o;
    ck_assert_int_eq(secstd_crawl_options_init(&o, cfg, err, sizeof err), SECSTD_ERR_INVALID);
    ck_assert_str_eq(err, "t.conf:4: unknown key 'enabeld' in [source ietf-txt]");
    secstd_config_free(cfg);
    text = "[source nope]\nenabled = no\n";
    cfg = secstd_config_new();
    secstd_config_parse(cfg, text, strlen(text), "t.conf", err, sizeof err);
    ck_assert_int_eq(secstd_crawl_options_init(&o, cfg, err, sizeof err), SECSTD_ERR_INVALID);
    ck_assert_ptr_nonnull(strstr(err, "no source called 'nope'"));
    secstd_config_free(cfg);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("crawl");
    TCase *tc = tcase_create("driver");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_first_crawl_then_unchanged);
    tcase_add_test(tc, test_http_failure_keeps_records);
    tcase_add_test(tc, test_retries_shown_as_progress);
    tcase_add_test(tc, test_long_attempt_shown_as_progress);
    tcase_add_test(tc, test_count_drop_rejected);
    tcase_add_test(tc, test_malformed_listing);
    tcase_add_test(tc, test_error_page_instead_of_listing);
    tcase_add_test(tc, test_unknown_and_unparsed_sources);
    tcase_add_test(tc, test_registry_and_config_errors);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
