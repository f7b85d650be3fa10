/* check_fetch.c — the fetch layer (crawlers/fetch.h, charset.h) against a
 * loopback server with one fault-injection test per failure, plus
 * conditional GET, gzip, robots.txt, file:// and windows-1252 -> UTF-8.
 * Timeouts are short so the suite runs in seconds. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "charset.h"
#include "fetch.h"
#include "testutil.h"

/* loopback.c is compiled into this suite unless the build links it. */
#ifndef SECSTD_LOOPBACK_LINKED
#include "loopback.c"
#else
#include "loopback.h"
#endif

static lb_server *srv;

static void setup(void) { srv = lb_start(); }
static void teardown(void) { lb_stop(srv); }

static secstd_fetcher *fast_fetcher(void)
{
    secstd_fetch_options o;
    secstd_fetch_options_default(&o);
    o.connect_timeout_ms = 2000;
    o.timeout_ms = 5000;
    o.low_speed_limit = 1000;
    o.low_speed_time = 1;
    o.retries = 2;
    o.retry_base_ms = 10;
    o.retry_max_ms = 40;
    o.retry_after_max_s = 5;
    o.host_delay_ms = 0;
    o.robots = 0;
    o.max_body = 1024 * 1024;
    secstd_fetcher *f = secstd_fetcher_new(&o);
    ck_assert_ptr_nonnull(f);
    return f;
}

static secstd_status get(secstd_fetcher *f, const char *path, secstd_fetch_result *res)
{
    char *url = lb_url(srv, path);
    secstd_fetch_request req = {.url = url};
    secstd_status st = secstd_fetch(f, &req, res);
    free(url);
    return st;
}

START_TEST(test_ok_plain_and_gzip)
{
    const char *text = "RFC 8446 The Transport Layer Security (TLS) Protocol Version 1.3\n";
    lb_add(srv, &(lb_route){.path = "/plain", .body = text, .content_type = "text/plain"});
    size_t gzlen;
    unsigned char *gz = lb_gzip_stored(text, strlen(text), &gzlen);
    lb_add(srv, &(lb_route){.path = "/gz", .body = (char *)gz, .len = gzlen, .encoding = "gzip"});
    free(gz);
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/plain", &res), SECSTD_OK);
    ck_assert_str_eq(res.body, text);
    ck_assert_int_eq(res.http_code, 200);
    ck_assert(strncmp(res.digest, "fnv1a64:", 8) == 0);
    char d1[48];
    snprintf(d1, sizeof d1, "%s", res.digest);
    secstd_fetch_result_clear(&res);
    ck_assert_int_eq(get(f, "/gz", &res), SECSTD_OK);
    ck_assert_uint_eq(res.len, strlen(text));
    ck_assert_str_eq(res.body, text);
    ck_assert_str_eq(res.digest, d1);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_connection_refused)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    socklen_t alen = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &alen);
    close(fd);   /* nobody listens there now */
    char *url = tu_strdupf("http://127.0.0.1:%u/x", (unsigned)ntohs(a.sin_port));
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    secstd_fetch_request req = {.url = url};
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_ERR_NETWORK);
    ck_assert_ptr_nonnull(strstr(res.reason, "connection failed"));
    ck_assert_int_eq(res.attempts, 3);
    ck_assert_ptr_null(res.body);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
    free(url);
}
END_TEST

START_TEST(test_404)
{
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/missing", &res), SECSTD_ERR_HTTP);
    ck_assert_int_eq(res.http_code, 404);
    ck_assert_str_eq(res.reason, "HTTP 404");
    ck_assert_int_eq(res.attempts, 1);   /* a 404 is not retried */
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_500_then_success)
{
    lb_add(srv, &(lb_route){.path = "/flaky", .body = "finally", .fail_times = 2, .fail_status = 500});
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/flaky", &res), SECSTD_OK);
    ck_assert_str_eq(res.body, "finally");
    ck_assert_int_eq(res.attempts, 3);
    ck_assert_int_eq(lb_hits(srv, "/flaky"), 3);
    secstd_fetch_result_clear(&res);
    /* always 503: gives up after the bounded retries */
    lb_add(srv, &(lb_route){.path = "/down", .body = "x", .fail_times = 100, .fail_status = 503});
    ck_assert_int_eq(get(f, "/down", &res), SECSTD_ERR_HTTP);
    ck_assert_ptr_nonnull(strstr(res.reason, "HTTP 503"));
    ck_assert_ptr_nonnull(strstr(res.reason, "after 3 attempts"));
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_429_retry_after)
{
    lb_add(srv, &(lb_route){.path = "/busy", .body = "ok", .fail_times = 1, .fail_status = 429,
                            .fail_header = "Retry-After: 1"});
    lb_add(srv, &(lb_route){.path = "/later", .body = "ok", .fail_times = 1, .fail_status = 429,
                            .fail_header = "Retry-After: 3600"});
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/busy", &res), SECSTD_OK);
    ck_assert_int_eq(res.attempts, 2);
    secstd_fetch_result_clear(&res);
    /* a Retry-After beyond the cap fails at once instead of sleeping an hour */
    ck_assert_int_eq(get(f, "/later", &res), SECSTD_ERR_HTTP);
    ck_assert_ptr_nonnull(strstr(res.reason, "Retry-After 3600"));
    ck_assert_int_eq(res.attempts, 1);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_timeout)
{
    lb_add(srv, &(lb_route){.path = "/sleepy", .body = "late", .delay_ms = 3000});
    secstd_fetch_options o;
    secstd_fetch_options_default(&o);
    o.timeout_ms = 300;
    o.retries = 0;
    o.robots = 0;
    o.host_delay_ms = 0;
    secstd_fetcher *f = secstd_fetcher_new(&o);
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/sleepy", &res), SECSTD_ERR_NETWORK);
    ck_assert_ptr_nonnull(strstr(res.reason, "timed out"));
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_slow_drip)
{
    char *body = calloc(1, 100001);
    memset(body, 'a', 100000);
    lb_add(srv, &(lb_route){.path = "/drip", .body = body, .drip_ms = 50});
    free(body);
    secstd_fetch_options o;
    secstd_fetch_options_default(&o);
    o.low_speed_limit = 1000;
    o.low_speed_time = 1;
    o.timeout_ms = 20000;   /* the low-speed limit, not the total timeout, must fire */
    o.retries = 0;
    o.robots = 0;
    o.host_delay_ms = 0;
    secstd_fetcher *f = secstd_fetcher_new(&o);
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/drip", &res), SECSTD_ERR_NETWORK);
    ck_assert_ptr_nonnull(strstr(res.reason, "too slow"));
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_truncated_body)
{
    char body[2001];
    memset(body, 'b', 2000);
    body[2000] = '\0';
    lb_add(srv, &(lb_route){.path = "/cut", .body = body, .truncate_at = 500});
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/cut", &res), SECSTD_ERR_NETWORK);
    ck_assert_ptr_nonnull(strstr(res.reason, "truncated"));
    ck_assert_ptr_null(res.body);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_wrong_content_type)
{
    lb_add(srv, &(lb_route){.path = "/listing.json", .body = "<html>Please log in</html>",
                            .content_type = "text/html; charset=utf-8"});
    secstd_fetcher *f = fast_fetcher();
    char *url = lb_url(srv, "/listing.json");
    secstd_fetch_request req = {.url = url, .reject_types = "text/html|application/xhtml+xml"};
    secstd_fetch_result res;
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_ERR_HTTP);
    ck_assert_ptr_nonnull(strstr(res.reason, "unexpected content type text/html"));
    secstd_fetch_result_clear(&res);
    req.reject_types = NULL;   /* an HTML source accepts it */
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_OK);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
    free(url);
}
END_TEST

START_TEST(test_redirect_loop)
{
    lb_add(srv, &(lb_route){.path = "/loop", .status = 302, .location = "/loop", .body = ""});
    lb_add(srv, &(lb_route){.path = "/moved", .status = 301, .location = "/target", .body = ""});
    lb_add(srv, &(lb_route){.path = "/target", .body = "here"});
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/loop", &res), SECSTD_ERR_HTTP);
    ck_assert_ptr_nonnull(strstr(res.reason, "redirect loop"));
    ck_assert_int_le(lb_hits(srv, "/loop"), 7);
    secstd_fetch_result_clear(&res);
    ck_assert_int_eq(get(f, "/moved", &res), SECSTD_OK);
    ck_assert_str_eq(res.body, "here");
    ck_assert_ptr_nonnull(strstr(res.effective_url, "/target"));
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_oversize_body)
{
    size_t n = 2 * 1024 * 1024;
    char *body = malloc(n + 1);
    memset(body, 'c', n);
    body[n] = '\0';
    lb_add(srv, &(lb_route){.path = "/huge", .body = body, .len = n});
    free(body);
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/huge", &res), SECSTD_ERR_TOO_LARGE);
    ck_assert_ptr_nonnull(strstr(res.reason, "max_body"));
    ck_assert_int_eq(res.attempts, 1);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_gzip_bomb)
{
    size_t gzlen;
    unsigned char *gz = lb_gzip_zeros((size_t)64 * 1024 * 1024, &gzlen);   /* 64 MiB of zeros */
    ck_assert_uint_lt(gzlen, 1024 * 1024);   /* compressed it is under max_body */
    lb_add(srv, &(lb_route){.path = "/bomb", .body = (char *)gz, .len = gzlen, .encoding = "gzip"});
    free(gz);
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/bomb", &res), SECSTD_ERR_TOO_LARGE);
    ck_assert_ptr_nonnull(strstr(res.reason, "after decoding"));
    secstd_fetch_result_clear(&res);
    /* the same generator makes a small valid body: the encoding itself works */
    gz = lb_gzip_zeros(1000, &gzlen);
    lb_add(srv, &(lb_route){.path = "/small", .body = (char *)gz, .len = gzlen, .encoding = "gzip"});
    free(gz);
    ck_assert_int_eq(get(f, "/small", &res), SECSTD_OK);
    ck_assert_uint_eq(res.len, 1000);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_conditional_get)
{
    lb_add(srv, &(lb_route){.path = "/listing", .body = "v1", .etag = "\"v1\"",
                            .header = "Last-Modified: Wed, 21 Oct 2015 07:28:00 GMT"});
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/listing", &res), SECSTD_OK);
    ck_assert_str_eq(res.etag, "\"v1\"");
    ck_assert_str_eq(res.last_modified, "Wed, 21 Oct 2015 07:28:00 GMT");
    secstd_fetch_result_clear(&res);
    char *url = lb_url(srv, "/listing");
    secstd_fetch_request req = {.url = url, .etag = "\"v1\""};
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_ERR_UNCHANGED);
    ck_assert_int_eq(res.http_code, 304);
    ck_assert_ptr_null(res.body);
    secstd_fetch_result_clear(&res);
    req.etag = "\"v0\"";   /* a stale validator gets the body */
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_OK);
    ck_assert_str_eq(res.body, "v1");
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
    free(url);
}
END_TEST

START_TEST(test_robots)
{
    lb_add(srv, &(lb_route){.path = "/robots.txt", .content_type = "text/plain",
                            .body = "User-agent: otherbot\nDisallow: /\n\n"
                                    "User-agent: *\nDisallow: /private\nAllow: /private/ok\n"});
    lb_add(srv, &(lb_route){.path = "/private/data", .body = "secret"});
    lb_add(srv, &(lb_route){.path = "/private/ok", .body = "fine"});
    lb_add(srv, &(lb_route){.path = "/public", .body = "open"});
    secstd_fetch_options o;
    secstd_fetch_options_default(&o);
    o.host_delay_ms = 0;
    o.retries = 0;
    secstd_fetcher *f = secstd_fetcher_new(&o);
    secstd_fetch_result res;
    ck_assert_int_eq(get(f, "/private/data", &res), SECSTD_ERR_HTTP);
    ck_assert_ptr_nonnull(strstr(res.reason, "robots.txt"));
    secstd_fetch_result_clear(&res);
    ck_assert_int_eq(lb_hits(srv, "/private/data"), 0);
    ck_assert_int_eq(get(f, "/private/ok", &res), SECSTD_OK);
    secstd_fetch_result_clear(&res);
    ck_assert_int_eq(get(f, "/public", &res), SECSTD_OK);
    secstd_fetch_result_clear(&res);
    ck_assert_int_eq(lb_hits(srv, "/robots.txt"), 1);   /* once per host per run */
    secstd_fetcher_free(f);
    /* a group for our own agent wins over '*' */
    lb_add(srv, &(lb_route){.path = "/robots.txt", .body = "User-agent: *\nDisallow: /\n\nUser-agent: secstd\nDisallow: /nope\n"});
    f = secstd_fetcher_new(&o);
    ck_assert_int_eq(get(f, "/public", &res), SECSTD_OK);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
}
END_TEST

START_TEST(test_file_url)
{
    if (!tu_have_shared())
        return;
    char *path = tu_shared("ietf/rfc-index.txt");
    size_t len;
    char *want = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(want);
    char *url = tu_strdupf("file://%s", path);
    secstd_fetcher *f = fast_fetcher();
    secstd_fetch_options o;
    secstd_fetch_options_default(&o);
    o.max_body = 8 * 1024 * 1024;
    secstd_fetcher_free(f);
    f = secstd_fetcher_new(&o);
    secstd_fetch_request req = {.url = url};
    secstd_fetch_result res;
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_OK);
    ck_assert_uint_eq(res.len, len);
    ck_assert(memcmp(res.body, want, len) == 0);
    secstd_fetch_result_clear(&res);
    char *missing = tu_strdupf("file://%s.nope", path);
    req.url = missing;
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_ERR_NOT_FOUND);
    secstd_fetch_result_clear(&res);
    req.url = "gopher://example.org/";
    ck_assert_int_eq(secstd_fetch(f, &req, &res), SECSTD_ERR_INVALID);
    secstd_fetch_result_clear(&res);
    secstd_fetcher_free(f);
    free(missing);
    free(url);
    free(want);
    free(path);
}
END_TEST

START_TEST(test_windows1252_to_utf8)
{
    const char in[] = "caf\xe9 \x93quoted\x94 \x80 5\x96" "6";
    char *out;
    size_t len;
    ck_assert_int_eq(secstd_to_utf8(in, strlen(in), "windows-1252", &out, &len), SECSTD_OK);
    ck_assert_str_eq(out, "caf\xc3\xa9 \xe2\x80\x9cquoted\xe2\x80\x9d \xe2\x82\xac 5\xe2\x80\x93" "6");
    ck_assert(secstd_utf8_valid(out, len));
    free(out);
    /* ISO-8859-1 labels mean windows-1252; valid UTF-8 is kept as is */
    ck_assert_int_eq(secstd_to_utf8("\xc3\xa9", 2, "iso-8859-1", &out, &len), SECSTD_OK);
    ck_assert_str_eq(out, "\xc3\xa9");
    free(out);
    /* declared UTF-8 but broken: replacement characters, never invalid bytes */
    ck_assert_int_eq(secstd_to_utf8("a\xff" "b\xc3", 4, "utf-8", &out, &len), SECSTD_OK);
    ck_assert_str_eq(out, "a\xef\xbf\xbd" "b\xef\xbf\xbd");
    free(out);
    char cs[64];
    const char *meta = "<html><meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">";
    secstd_sniff_charset(meta, strlen(meta), NULL, cs, sizeof cs);
    ck_assert_str_eq(cs, "windows-1252");
    const char *decl = "<?xml version='1.0' encoding='ISO-8859-1'?><a/>";
    secstd_sniff_charset(decl, strlen(decl), NULL, cs, sizeof cs);
    ck_assert_str_eq(cs, "iso-8859-1");
    secstd_sniff_charset("x", 1, "text/html; charset=UTF-8", cs, sizeof cs);
    ck_assert_str_eq(cs, "utf-8");
    if (!tu_have_shared())
        return;
    /* a real ITU-T Word summary page, served as windows-1252 */
    char *path = tu_shared("itu/rec-pages/T-REC-A.13-201909-I_SUM-HTM-E.htm");
    size_t blen;
    char *body = tu_read_file(path, &blen);
    ck_assert_ptr_nonnull(body);
    secstd_sniff_charset(body, blen, NULL, cs, sizeof cs);
    ck_assert_str_eq(cs, "windows-1252");
    ck_assert_int_eq(secstd_to_utf8(body, blen, NULL, &out, &len), SECSTD_OK);
    ck_assert(secstd_utf8_valid(out, len));
    ck_assert_uint_ge(len, blen);
    free(out);
    free(body);
    free(path);
}
END_TEST

START_TEST(test_crawl_state_roundtrip)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/state.json", dir);
    secstd_crawl_state *s;
    char warn[256];
    ck_assert_int_eq(secstd_crawl_state_load(path, &s, warn, sizeof warn), SECSTD_OK);
    ck_assert_str_eq(warn, "");
    ck_assert_int_eq(secstd_crawl_state_set_url(s, "http://x/a", "\"e\"", NULL, "fnv1a64:1:1", "2026-01-01T00:00:00Z"), SECSTD_OK);
    char err[256];
    ck_assert_int_eq(secstd_crawl_state_save(s, err, sizeof err), SECSTD_OK);
    secstd_crawl_state_free(s);
    ck_assert_int_eq(secstd_crawl_state_load(path, &s, warn, sizeof warn), SECSTD_OK);
    ck_assert_str_eq(json_string_value(json_object_get(secstd_crawl_state_url(s, "http://x/a"), "etag")), "\"e\"");
    ck_assert_ptr_null(json_object_get(secstd_crawl_state_url(s, "http://x/a"), "last_modified"));
    secstd_crawl_state_free(s);
    /* a corrupt state is a warning and an empty state, never a failure */
    tu_write_file(path, "{not json", 9);
    ck_assert_int_eq(secstd_crawl_state_load(path, &s, warn, sizeof warn), SECSTD_OK);
    ck_assert_ptr_nonnull(strstr(warn, "empty crawl state"));
    ck_assert_ptr_null(secstd_crawl_state_url(s, "http://x/a"));
    secstd_crawl_state_free(s);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fetch");
    TCase *tc = tcase_create("loopback");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ok_plain_and_gzip);
    tcase_add_test(tc, test_connection_refused);
    tcase_add_test(tc, test_404);
    tcase_add_test(tc, test_500_then_success);
    tcase_add_test(tc, test_429_retry_after);
    tcase_add_test(tc, test_timeout);
    tcase_add_test(tc, test_slow_drip);
    tcase_add_test(tc, test_truncated_body);
    tcase_add_test(tc, test_wrong_content_type);
    tcase_add_test(tc, test_redirect_loop);
    tcase_add_test(tc, test_oversize_body);
    tcase_add_test(tc, test_gzip_bomb);
    tcase_add_test(tc, test_conditional_get);
    tcase_add_test(tc, test_robots);
    tcase_add_test(tc, test_file_url);
    suite_add_tcase(s, tc);
    TCase *tl = tcase_create("local");
    tcase_add_test(tl, test_windows1252_to_utf8);
    tcase_add_test(tl, test_crawl_state_roundtrip);
    suite_add_tcase(s, tl);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
