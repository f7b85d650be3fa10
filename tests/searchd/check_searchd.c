/* check_searchd.c — searchd end to end: a real index built with
 * secstd_build() from tests/searchd/fixtures/records.jsonl (25 real
 * standards described in our own words, plus one hostile record), the
 * daemon started in-process on 127.0.0.1 port 0, every route driven with
 * libcurl, bad input sent on raw sockets, and a generation swap while a
 * client queries in a loop. The pure parts (UTF-8, numbers, parameters,
 * CSV, log lines, asset names) are tested directly first. */
#include <arpa/inet.h>
#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "accesslog.h"
#include "build.h"
#include "csv.h"
#include "internal.h"
#include "overlap.h"
#include "params.h"
#include "server.h"
#include "testutil.h"

#define FIXTURE SECSTD_SOURCE_DIR "/tests/searchd/fixtures/records.jsonl"
#define WEB_DIR SECSTD_SOURCE_DIR "/searchd/web"
#define FIXTURE_RECORDS 25

/* ---- helpers ------------------------------------------------------------ */

/* Builds (or rebuilds) the index of records_dir into index_dir. */
static unsigned build_index(const char *records_dir, const char *index_dir)
{
    secstd_build_opts o;
    secstd_build_opts_init(&o);
    o.records_dir = records_dir;
    o.index_dir = index_dir;
    o.force_publish = 1;
    secstd_build_summary s;
    memset(&s, 0, sizeof(s));
    char err[512] = "";
    secstd_status st = secstd_build(&o, &s, err, sizeof(err));
    ck_assert_msg(st == SECSTD_OK, "secstd_build: %s", err);
    json_decref(s.changes);
    return s.generation;
}

typedef struct env {
    char *dir;
    char *records;
    char *index;
    char *log;
    searchd_server *srv;
    char base[128];
    unsigned port;
} env;

static env E;   /* the server of the current test case */

static unsigned env_max_index_age = 2 * 24 * 3600;

static void env_start(int with_index)
{
    memset(&E, 0, sizeof(E));
    E.dir = tu_mkdtemp();
    E.records = tu_strdupf("%s/records", E.dir);
    E.index = tu_strdupf("%s/index", E.dir);
    E.log = tu_strdupf("%s/access.log", E.dir);
    ck_assert_int_eq(mkdir(E.records, 0755), 0);
    size_t len = 0;
    char *text = tu_read_file(FIXTURE, &len);
    ck_assert_ptr_nonnull(text);
    char *dst = tu_strdupf("%s/fixture.jsonl", E.records);
    ck_assert_int_eq(tu_write_file(dst, text, len), 0);
    free(dst);
    free(text);
    if (with_index)
        ck_assert_uint_ge(build_index(E.records, E.index), 1);
    searchd_config cfg;
    searchd_config_init(&cfg);
    cfg.port = 0;
    cfg.index_dir = E.index;
    cfg.web_dir = WEB_DIR;
    cfg.access_log = E.log;
    cfg.threads = 4;
    cfg.timeout = 3;
    cfg.drain_seconds = 1;
    cfg.max_index_age = env_max_index_age;
    char err[512] = "";
    ck_assert_msg(searchd_start(&cfg, &E.srv, err, sizeof(err)) == 0, "searchd_start: %s", err);
    E.port = searchd_port(E.srv);
    ck_assert_uint_gt(E.port, 0);
    snprintf(E.base, sizeof(E.base), "http://127.0.0.1:%u", E.port);
}

static void env_stop(void)
{
    searchd_stop(E.srv);
    tu_rmtree(E.dir);
    free(E.dir);
    free(E.records);
    free(E.index);
    free(E.log);
    memset(&E, 0, sizeof(E));
}

static void setup_api(void) { env_start(1); }
static void setup_noindex(void) { env_start(0); }

typedef struct resp {
    long status;
    char *body;
    size_t len;
    char *headers;
    size_t hlen;
    json_t *json;
} resp;

static size_t grow(char **buf, size_t *len, const char *data, size_t n)
{
    char *p = realloc(*buf, *len + n + 1);
    if (!p)
        return 0;
    memcpy(p + *len, data, n);
    *len += n;
    p[*len] = '\0';
    *buf = p;
    return n;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *cls)
{
    resp *r = cls;
    return grow(&r->body, &r->len, data, size * nmemb);
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *cls)
{
    resp *r = cls;
    return grow(&r->headers, &r->hlen, data, size * nmemb);
}

/* Requests E.base + target (sent as is) with method and optional body. */
static resp http(const char *method, const char *target, const char *body)
{
    resp r;
    memset(&r, 0, sizeof(r));
    r.body = calloc(1, 1);
    r.headers = calloc(1, 1);
    char *url = tu_strdupf("%s%s", E.base, target);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    if (body)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    CURLcode rc = curl_easy_perform(c);
    ck_assert_msg(rc == CURLE_OK, "%s %s: %s", method, target, curl_easy_strerror(rc));
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
    curl_easy_cleanup(c);
    free(url);
    r.json = json_loadb(r.body, r.len, 0, NULL);
    return r;
}

static resp get(const char *target) { return http("GET", target, NULL); }

static void resp_free(resp *r)
{
    free(r->body);
    free(r->headers);
    json_decref(r->json);
}

/* The value of header name (case-insensitive) in r, or "" (static copy). */
static const char *header(const resp *r, const char *name)
{
    static char value[512];
    value[0] = '\0';
    size_t n = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        if (!end)
            break;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;
            while (*v == ' ')
                v++;
            snprintf(value, sizeof(value), "%.*s", (int)(end - v), v);
            return value;
        }
        line = end + 2;
    }
    return value;
}

/* GET that must answer `status` with a JSON body; returns it. */
static resp get_json(const char *target, long status)
{
    resp r = get(target);
    ck_assert_msg(r.status == status, "GET %s: status %ld, want %ld: %.300s", target, r.status,
                  status, r.body);
    ck_assert_msg(r.json != NULL, "GET %s: body is not JSON: %.200s", target, r.body);
    ck_assert_str_eq(header(&r, "Content-Type"), "application/json; charset=utf-8");
    return r;
}

/* The error object of a JSON error answer must carry code (and param). */
static void expect_error(const char *target, long status, const char *param)
{
    resp r = get_json(target, status);
    json_t *e = json_object_get(r.json, "error");
    ck_assert_msg(json_is_object(e), "GET %s: no error object", target);
    ck_assert_int_eq(json_integer_value(json_object_get(e, "code")), status);
    ck_assert(json_is_string(json_object_get(e, "message")));
    if (param)
        ck_assert_msg(json_is_string(json_object_get(e, "parameter")) &&
                          strcmp(json_string_value(json_object_get(e, "parameter")), param) == 0,
                      "GET %s: parameter should be %s: %s", target, param, r.body);
    resp_free(&r);
}

/* /metrics once it shows every one of the needles (NULL-terminated). A
 * request is counted in its completion callback, which may run just after
 * the client has its answer, so this polls, bounded (2 s). */
static resp metrics_with(const char *const *needles)
{
    resp r = get("/metrics");
    for (int tries = 0; tries < 100 && r.status == 200; tries++) {
        int all = 1;
        for (const char *const *n = needles; *n; n++)
            all &= strstr(r.body, *n) != NULL;
        if (all)
            break;
        resp_free(&r);
        usleep(20 * 1000);
        r = get("/metrics");
    }
    return r;
}

static const char *result_id(const json_t *j, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(j, "results"), i), "id"));
}

static size_t result_count(const json_t *j) { return json_array_size(json_object_get(j, "results")); }

static int results_contain(const json_t *j, const char *id)
{
    for (size_t i = 0; i < result_count(j); i++)
        if (strcmp(result_id(j, i), id) == 0)
            return 1;
    return 0;
}

/* A raw TCP connection to the server. */
static int raw_connect(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    ck_assert_int_ge(fd, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)E.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* Reads until the peer closes, max bytes are read or timeout_ms passes. */
static char *raw_read(int fd, int timeout_ms, size_t *len)
{
    char *buf = calloc(1, 1);
    *len = 0;
    for (;;) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, timeout_ms) <= 0)
            break;
        char tmp[8192];
        ssize_t n = recv(fd, tmp, sizeof(tmp), 0);
        if (n <= 0)
            break;
        grow(&buf, len, tmp, (size_t)n);
        if (*len > 1024 * 1024)
            break;
    }
    return buf;
}

/* Sends req on a fresh connection and returns everything answered. */
static char *raw_exchange(const char *req, size_t reqlen, int timeout_ms)
{
    int fd = raw_connect();
    ssize_t sent = send(fd, req, reqlen, MSG_NOSIGNAL);
    (void)sent;
    size_t len;
    char *out = raw_read(fd, timeout_ms, &len);
    close(fd);
    return out;
}

static size_t count_substr(const char *s, const char *needle)
{
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* ---- pure parts ----------------------------------------------------------- */

START_TEST(test_utf8)
{
    ck_assert(sd_utf8_valid("", 0));
    ck_assert(sd_utf8_valid("tls 1.3", 7));
    static const char mixed[] = "S\xc3\xa9\x63urit\xc3\xa9 \xe2\x80\x94 \xf0\x9f\x94\x92";
    ck_assert(sd_utf8_valid(mixed, sizeof(mixed) - 1));
    ck_assert(!sd_utf8_valid("\xff", 1));
    ck_assert(!sd_utf8_valid("\xc0\xaf", 2));            /* overlong '/' */
    ck_assert(!sd_utf8_valid("\xe0\x80\xaf", 3));        /* overlong */
    ck_assert(!sd_utf8_valid("\xed\xa0\x80", 3));        /* surrogate */
    ck_assert(!sd_utf8_valid("\xf4\x90\x80\x80", 4));    /* > U+10FFFF */
    ck_assert(!sd_utf8_valid("\xc3", 1));                /* truncated */
    ck_assert(!sd_utf8_valid("a\0b", 3));                /* NUL */
    ck_assert(!sd_utf8_valid("a\x1b[31m", 6));           /* escape sequence */
    ck_assert(sd_utf8_valid("a\tb\r\n", 5));
}
END_TEST

START_TEST(test_parse_uint)
{
    unsigned v = 0;
    ck_assert_int_eq(sd_parse_uint("10", 2, 1, 100, &v), 0);
    ck_assert_uint_eq(v, 10);
    ck_assert_int_eq(sd_parse_uint("1e9", 3, 1, 100, &v), -1);
    ck_assert_int_eq(sd_parse_uint("-1", 2, 1, 100, &v), -1);
    ck_assert_int_eq(sd_parse_uint("+1", 2, 1, 100, &v), -1);
    ck_assert_int_eq(sd_parse_uint(" 1", 2, 1, 100, &v), -1);
    ck_assert_int_eq(sd_parse_uint("", 0, 1, 100, &v), -1);
    ck_assert_int_eq(sd_parse_uint("0", 1, 1, 100, &v), -2);
    ck_assert_int_eq(sd_parse_uint("101", 3, 1, 100, &v), -2);
    ck_assert_int_eq(sd_parse_uint("99999999999999999999", 20, 1, 100, &v), -2);
    ck_assert_int_eq(sd_parse_uint("0x10", 4, 1, 100, &v), -1);
}
END_TEST

static sd_limits test_limits(void)
{
    return (sd_limits){100, 10000, 1024, 1000, 50, SECSTD_QUERY_EXACT_FACETS};
}

#define ARG(k, v) {k, sizeof(k) - 1, v, sizeof(v) - 1}

START_TEST(test_parse_search)
{
    sd_limits lim = test_limits();
    secstd_search_request req;
    sd_error e;
    sd_arg ok[] = {ARG("q", "tls"), ARG("sdo", "IETF"), ARG("sdo", "ITU-T"), ARG("sdo", ""),
                   ARG("page", "2"), ARG("per_page", "20"), ARG("sort", "date"),
                   ARG("scope", "all"), ARG("synonyms", "off")};
    secstd_search_request_init(&req);
    ck_assert_int_eq(sd_parse_search(ok, sizeof(ok) / sizeof(ok[0]), &lim, 0, &req, &e), 0);
    ck_assert_str_eq(req.q, "tls");
    ck_assert_uint_eq(req.sdo.count, 2);
    ck_assert_uint_eq(req.page, 2);
    ck_assert_uint_eq(req.per_page, 20);
    ck_assert_int_eq(req.sort_by_date, 1);
    ck_assert_int_eq(req.all_records, 1);
    ck_assert_int_eq(req.synonyms, 0);

    struct {
        sd_arg arg;
        const char *param;
    } bad[] = {
        {ARG("bogus", "1"), "bogus"},        {ARG("per_page", "1e9"), "per_page"},
        {ARG("per_page", "101"), "per_page"}, {ARG("page", "0"), "page"},
        {ARG("sort", "random"), "sort"},      {ARG("facets", "maybe"), "facets"},
        {ARG("q", "\xff\xfe"), "q"},          {ARG("scope", "everything"), "scope"},
        {ARG("page", "20000"), "page"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        secstd_search_request_init(&req);
        ck_assert_int_eq(sd_parse_search(&bad[i].arg, 1, &lim, 0, &req, &e), -1);
        ck_assert_uint_eq(e.code, 400);
        ck_assert_msg(e.param && strcmp(e.param, bad[i].param) == 0, "case %zu: %s", i,
                      e.message);
    }
    /* Embedded NUL (a decoded %00) is not text. */
    sd_arg nul = {"q", 1, "a\0b", 3};
    secstd_search_request_init(&req);
    ck_assert_int_eq(sd_parse_search(&nul, 1, &lim, 0, &req, &e), -1);
    /* Single-valued parameters may not repeat. */
    sd_arg twice[] = {ARG("q", "a"), ARG("q", "b")};
    secstd_search_request_init(&req);
    ck_assert_int_eq(sd_parse_search(twice, 2, &lim, 0, &req, &e), -1);
    ck_assert_str_eq(e.param, "q");
    /* Deep paging: page * per_page beyond the depth limit. */
    sd_arg deep[] = {ARG("page", "101"), ARG("per_page", "100")};
    secstd_search_request_init(&req);
    ck_assert_int_eq(sd_parse_search(deep, 2, &lim, 0, &req, &e), -1);
    ck_assert_str_eq(e.param, "page");
    /* CSV ignores paging and asks for every row. */
    secstd_search_request_init(&req);
    ck_assert_int_eq(sd_parse_search(deep, 2, &lim, 1, &req, &e), 0);
    ck_assert_uint_eq(req.max_rows, 1000);
    /* Too many filter values. */
    sd_arg many[SECSTD_QUERY_MAX_FILTERS + 1];
    for (size_t i = 0; i < SECSTD_QUERY_MAX_FILTERS + 1; i++)
        many[i] = (sd_arg)ARG("sdo", "IETF");
    secstd_search_request_init(&req);
    ck_assert_int_eq(sd_parse_search(many, SECSTD_QUERY_MAX_FILTERS + 1, &lim, 0, &req, &e), -1);
    /* Overlong q. */
    char longq[2000];
    memset(longq, 'a', sizeof(longq) - 1);
    longq[sizeof(longq) - 1] = '\0';
    sd_arg lq = {"q", 1, longq, sizeof(longq) - 1};
    secstd_search_request_init(&req);
    ck_assert_int_eq(sd_parse_search(&lq, 1, &lim, 0, &req, &e), -1);
    ck_assert_str_eq(e.param, "q");
}
END_TEST

START_TEST(test_csv_cells)
{
    sd_buf b;
    sd_buf_init(&b, 4096);
    sd_csv_cell(&b, "plain", 1);
    sd_csv_cell(&b, "a,b", 0);
    sd_csv_cell(&b, "say \"hi\"", 0);
    sd_csv_cell(&b, "line\r\nbreak", 0);
    sd_csv_cell(&b, NULL, 0);
    sd_csv_cell(&b, "=1+2", 0);
    sd_csv_cell(&b, "+cmd", 0);
    sd_csv_cell(&b, "-2", 0);
    sd_csv_cell(&b, "@SUM(A1)", 0);
    sd_csv_cell(&b, "\tx", 0);
    ck_assert_str_eq(b.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"line\r\nbreak\",,\"'=1+2\","
                             "\"'+cmd\",\"'-2\",\"'@SUM(A1)\",\"'\tx\"");
    sd_buf_free(&b);

    json_t *results = json_pack("[{s:s,s:s,s:s,s:[s,s],s:s},{s:s,s:s,s:[s,s]}]", "id", "RFC 8446",
                                "sdo", "IETF", "title", "TLS, \"1.3\"", "areas", "network", "crypto",
                                "url", "https://x", "id", "RFC 5246", "status", "superseded",
                                "superseded_by", "RFC 8446", "RFC 9846");
    sd_csv_stream *s = sd_csv_stream_new(results);
    json_decref(results);
    char out[4096];
    size_t len = 0;
    ssize_t n;
    char small[7];   /* tiny reads exercise the resumption */
    while ((n = sd_csv_stream_read(s, small, sizeof(small))) > 0) {
        memcpy(out + len, small, (size_t)n);
        len += (size_t)n;
    }
    out[len] = '\0';
    sd_csv_stream_free(s);
    ck_assert_str_eq(out, "id,sdo,type,title,status,date,areas,url,superseded_by\r\n"
                          "RFC 8446,IETF,,\"TLS, \"\"1.3\"\"\",,,network; crypto,https://x,\r\n"
                          "RFC 5246,,,,superseded,,,,RFC 8446; RFC 9846\r\n");
}
END_TEST

START_TEST(test_buf_limit)
{
    sd_buf b;
    sd_buf_init(&b, 8);
    ck_assert_int_eq(sd_buf_puts(&b, "12345678"), 0);
    ck_assert_int_eq(sd_buf_putc(&b, '9'), -1);
    ck_assert(b.overflow);
    ck_assert_uint_eq(b.len, 8);
    ck_assert_int_eq(sd_buf_printf(&b, "%d", 1), -1);
    sd_buf_free(&b);
}
END_TEST

START_TEST(test_access_format)
{
    sd_buf b;
    sd_buf_init(&b, 65536);
    sd_access_entry e = {"127.0.0.1", 0, "GET", "/api/search?q=\"x\"\n\x1b", "HTTP/1.1",
                         200, 42, NULL, "agent \"007\""};
    sd_access_format(&b, &e);
    ck_assert_msg(strstr(b.data, "127.0.0.1 - - [") == b.data, "%s", b.data);
    ck_assert_msg(strstr(b.data, "\"GET /api/search?q=\\\"x\\\"\\x0a\\x1b HTTP/1.1\" 200 42 \"-\" "
                                 "\"agent \\\"007\\\"\"\n"),
                  "%s", b.data);
    ck_assert_uint_eq(count_substr(b.data, "\n"), 1);
    sd_buf_free(&b);
}
END_TEST

START_TEST(test_web_names)
{
    ck_assert(sd_web_name_ok("app.js", 6));
    ck_assert(sd_web_name_ok("style.css", 9));
    ck_assert(!sd_web_name_ok("../x", 4));
    ck_assert(!sd_web_name_ok("..", 2));
    ck_assert(!sd_web_name_ok(".htaccess", 9));
    ck_assert(!sd_web_name_ok("a/b.js", 6));
    ck_assert(!sd_web_name_ok("", 0));
    ck_assert(!sd_web_name_ok("a b.js", 6));
    ck_assert_ptr_null(sd_web_content_type("server.c"));
    ck_assert_str_eq(sd_web_content_type("index.html"), "text/html; charset=utf-8");
}
END_TEST

/* One worker a core, at least 2, at most 16; and the defaults hold the
 * largest request they allow (connection_memory checked at start). */
START_TEST(test_default_threads)
{
    searchd_config cfg;
    searchd_config_init(&cfg);
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned want = cores < 2 ? 2 : cores > 16 ? 16 : (unsigned)cores;
    ck_assert_uint_eq(cfg.threads, want);
    ck_assert_uint_eq(searchd_default_threads(), want);
    ck_assert_uint_ge(cfg.connection_memory, 2 * cfg.max_url + cfg.max_header_bytes +
                                                 64 * (size_t)cfg.max_args +
                                                 64 * (size_t)cfg.max_headers + 16 * 1024);
}
END_TEST

START_TEST(test_bad_config)
{
    searchd_config cfg;
    searchd_config_init(&cfg);
    searchd_server *srv = NULL;
    char err[256];
    cfg.bind = "not-an-address";
    cfg.port = 0;
    ck_assert_int_eq(searchd_start(&cfg, &srv, err, sizeof(err)), -1);
    ck_assert_ptr_null(srv);
    searchd_config_init(&cfg);
    cfg.threads = 0;
    ck_assert_int_eq(searchd_start(&cfg, &srv, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "threads"), "%s", err);
    searchd_config_init(&cfg);
    cfg.port = 0;
    cfg.connection_memory = 20000;
    ck_assert_int_eq(searchd_start(&cfg, &srv, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "connection_memory"), "%s", err);
    searchd_config_init(&cfg);
    cfg.port = 0;
    cfg.assist = 2;
    ck_assert_int_eq(searchd_start(&cfg, &srv, err, sizeof(err)), -1);
    ck_assert_msg(strstr(err, "assist"), "%s", err);
    searchd_stop(NULL);
}
END_TEST

/* ---- the API -------------------------------------------------------------- */

START_TEST(test_search_basic)
{
    resp r = get_json("/api/search?q=tls", 200);
    ck_assert_int_ge(json_integer_value(json_object_get(r.json, "total")), 3);
    ck_assert(results_contain(r.json, "RFC 8446"));
    ck_assert(results_contain(r.json, "RFC 9001"));
    json_t *first = json_array_get(json_object_get(r.json, "results"), 0);
    static const char *const fields[] = {"id", "sdo", "title", "snippet", "status", "date",
                                         "url", "areas", "score"};
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
        ck_assert_msg(json_object_get(first, fields[i]), "result lacks %s", fields[i]);
    json_t *facets = json_object_get(r.json, "facets");
    ck_assert(json_is_object(json_object_get(facets, "sdo")));
    ck_assert(json_is_object(json_object_get(facets, "area")));
    ck_assert(json_is_object(json_object_get(facets, "status")));
    ck_assert(json_is_object(json_object_get(facets, "year")));
    ck_assert_int_ge(json_integer_value(json_object_get(json_object_get(facets, "sdo"), "IETF")), 3);
    /* Security and cache headers. */
    ck_assert_str_eq(header(&r, "X-Content-Type-Options"), "nosniff");
    ck_assert(strstr(header(&r, "Content-Security-Policy"), "default-src 'self'"));
    ck_assert(*header(&r, "Referrer-Policy"));
    ck_assert_str_eq(header(&r, "Cache-Control"), "no-cache");
    resp_free(&r);
}
END_TEST

START_TEST(test_search_snippet)
{
    resp r = get_json("/api/search?q=eavesdropping", 200);
    ck_assert_str_eq(result_id(r.json, 0), "RFC 8446");
    const char *snip =
        json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "snippet"));
    ck_assert_ptr_nonnull(snip);
    ck_assert_msg(strstr(snip, "<mark>eavesdropping</mark>"), "%s", snip);
    resp_free(&r);
    /* Markup from the data arrives escaped; only <mark> is markup. */
    r = get_json("/api/search?q=hostile", 200);
    ck_assert(results_contain(r.json, "W3C hostile-test-1"));
    const char *s =
        json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), 0), "snippet"));
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(!strstr(s, "<script") && !strstr(s, "<b>"), "%s", s);
    resp_free(&r);
}
END_TEST

START_TEST(test_identifier_first)
{
    static const struct {
        const char *q;
        const char *id;
    } cases[] = {
        {"X.509", "ITU-T%20X.509"},      {"RFC%208446", "RFC 8446"},
        {"rfc8446", "RFC 8446"},         {"TS%2033.501", "3GPP TS 33.501"},
        {"ISO%2FIEC%2027001", "ISO/IEC 27001"}, {"SP%20800-207", "NIST SP 800-207"},
        {"EN%20303%20645", "ETSI EN 303 645"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *t = tu_strdupf("/api/search?q=%s", cases[i].q);
        resp r = get_json(t, 200);
        const char *want = strcmp(cases[i].id, "ITU-T%20X.509") == 0 ? "ITU-T X.509" : cases[i].id;
        ck_assert_msg(result_count(r.json) > 0 && strcmp(result_id(r.json, 0), want) == 0,
                      "q=%s: first is %s, want %s", cases[i].q,
                      result_count(r.json) ? result_id(r.json, 0) : "(none)", want);
        resp_free(&r);
        free(t);
    }
}
END_TEST

START_TEST(test_search_filters)
{
    resp r = get_json("/api/search?sdo=IETF&per_page=100", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 4);
    for (size_t i = 0; i < result_count(r.json); i++)
        ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), i), "sdo")), "IETF");
    /* Facet counts of sdo ignore the sdo filter itself. */
    json_t *sdo_facet = json_object_get(json_object_get(r.json, "facets"), "sdo");
    ck_assert_msg(json_object_size(sdo_facet) > 1, "sdo facet should list other SDOs too");
    resp_free(&r);

    /* Multi-value: OR within a field. */
    r = get_json("/api/search?sdo=IETF&sdo=ITU-T&per_page=100", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 8);
    ck_assert(results_contain(r.json, "ITU-T X.1205"));
    ck_assert(results_contain(r.json, "RFC 5280"));
    resp_free(&r);

    /* AND across fields. */
    r = get_json("/api/search?sdo=ISO%2FIEC&status=in-development", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 1);
    ck_assert_str_eq(result_id(r.json, 0), "ISO/IEC 27090");
    resp_free(&r);

    r = get_json("/api/search?status=superseded", 200);
    ck_assert(results_contain(r.json, "RFC 5246"));
    resp_free(&r);

    r = get_json("/api/search?area=pki&per_page=100", 200);
    ck_assert(results_contain(r.json, "ITU-T X.509"));
    for (size_t i = 0; i < result_count(r.json); i++) {
        json_t *areas = json_object_get(json_array_get(json_object_get(r.json, "results"), i), "areas");
        int has = 0;
        for (size_t k = 0; k < json_array_size(areas); k++)
            has |= strcmp(json_string_value(json_array_get(areas, k)), "pki") == 0;
        ck_assert_msg(has, "result %s is not in area pki", result_id(r.json, i));
    }
    resp_free(&r);

    r = get_json("/api/search?type=RFC&per_page=100", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "total")), 4);
    resp_free(&r);

    r = get_json("/api/search?group=SG17&per_page=100", 200);
    ck_assert(results_contain(r.json, "ITU-T X.1252"));
    ck_assert(!results_contain(r.json, "RFC 8446"));
    resp_free(&r);

    r = get_json("/api/search?from=2021&to=2021&per_page=100", 200);
    ck_assert_int_ge(result_count(r.json), 3);
    for (size_t i = 0; i < result_count(r.json); i++) {
        const char *d = json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), i), "date"));
        ck_assert_msg(d && strncmp(d, "2021", 4) == 0, "%s dated %s", result_id(r.json, i), d);
    }
    resp_free(&r);

    r = get_json("/api/search?sort=date&per_page=100", 200);
    const char *prev = "9999";
    for (size_t i = 0; i < result_count(r.json); i++) {
        const char *d = json_string_value(json_object_get(json_array_get(json_object_get(r.json, "results"), i), "date"));
        ck_assert_msg(strcmp(d, prev) <= 0, "not newest first: %s after %s", d, prev);
        prev = d;
    }
    resp_free(&r);
}
END_TEST

START_TEST(test_search_paging)
{
    resp a = get_json("/api/search?per_page=5&page=1", 200);
    resp b = get_json("/api/search?per_page=5&page=2", 200);
    ck_assert_int_eq(result_count(a.json), 5);
    ck_assert_int_eq(result_count(b.json), 5);
    ck_assert_int_eq(json_integer_value(json_object_get(a.json, "total")),
                     json_integer_value(json_object_get(b.json, "total")));
    for (size_t i = 0; i < 5; i++)
        ck_assert(!results_contain(b.json, result_id(a.json, i)));
    resp_free(&a);
    resp_free(&b);
    /* A page past the end is empty, not an error. */
    resp c = get_json("/api/search?per_page=10&page=50", 200);
    ck_assert_int_eq(result_count(c.json), 0);
    resp_free(&c);
}
END_TEST

static int relation_present(const json_t *rec, const char *kind, const char *id)
{
    json_t *rel = json_object_get(rec, "relations_resolved");
    size_t i;
    json_t *v;
    json_array_foreach(rel, i, v) {
        if (strcmp(json_string_value(json_object_get(v, "kind")), kind) == 0 &&
            strcmp(json_string_value(json_object_get(v, "id")), id) == 0)
            return 1;
    }
    return 0;
}

START_TEST(test_standard)
{
    resp r = get_json("/api/standards/ITU-T%20X.509", 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "id")), "ITU-T X.509");
    ck_assert(relation_present(r.json, "identical_to", "ISO/IEC 9594-8"));
    resp_free(&r);
    /* Identifiers with '/' in them, and another spelling. */
    r = get_json("/api/standards/ISO%2FIEC%209594-8", 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "id")), "ISO/IEC 9594-8");
    resp_free(&r);
    r = get_json("/api/standards/ISO/IEC%2027001", 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "id")), "ISO/IEC 27001");
    resp_free(&r);
    r = get_json("/api/standards/rfc5246", 200);
    ck_assert(relation_present(r.json, "superseded_by", "RFC 8446"));
    resp_free(&r);
    /* Relations both ways: RFC 8446 states supersedes; 3GPP is transposed by ETSI. */
    r = get_json("/api/standards/RFC%208446", 200);
    ck_assert(relation_present(r.json, "supersedes", "RFC 5246"));
    resp_free(&r);
    r = get_json("/api/standards/3GPP%20TS%2033.501", 200);
    ck_assert(relation_present(r.json, "transposed_by", "ETSI TS 133 501"));
    resp_free(&r);
    r = get_json("/api/standards/ETSI%20TS%20133%20501", 200);
    ck_assert(relation_present(r.json, "transposes", "3GPP TS 33.501"));
    resp_free(&r);

    expect_error("/api/standards/RFC%2099999", 404, "id");
    expect_error("/api/standards/nothing-like-this", 404, "id");
    /* The suggested search is the id, encoded: not "q=a&sdo=x". */
    resp nf = get_json("/api/standards/a%26sdo%3Dx%20y", 404);
    const char *msg = json_string_value(json_object_get(json_object_get(nf.json, "error"), "message"));
    ck_assert_msg(msg && strstr(msg, "/api/search?q=a%26sdo%3Dx+y"), "%s", nf.body);
    resp_free(&nf);
    expect_error("/api/standards/RFC%208446?x=1", 400, "x");
    expect_error("/api/standards/%ff%fe", 400, NULL);
}
END_TEST

START_TEST(test_similar)
{
    resp r = get_json("/api/standards/ITU-T%20X.509/similar", 200);
    json_t *list = json_object_get(r.json, "results");
    if (!list)
        list = json_object_get(r.json, "similar");
    ck_assert(json_is_array(list));
    ck_assert_int_gt(json_array_size(list), 0);
    int twin = 0;
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v) {
        twin |= strcmp(json_string_value(json_object_get(v, "id")), "ISO/IEC 9594-8") == 0;
        ck_assert_str_ne(json_string_value(json_object_get(v, "id")), "ITU-T X.509");
    }
    ck_assert_msg(twin, "the ISO/IEC twin should be similar: %s", r.body);
    /* Other SDOs first. */
    ck_assert_str_ne(json_string_value(json_object_get(json_array_get(list, 0), "sdo")), "ITU-T");
    resp_free(&r);

    r = get_json("/api/standards/RFC%208446/similar?limit=2", 200);
    list = json_object_get(r.json, "results");
    if (!list)
        list = json_object_get(r.json, "similar");
    ck_assert_int_le(json_array_size(list), 2);
    resp_free(&r);
    expect_error("/api/standards/RFC%208446/similar?limit=0", 400, "limit");
    expect_error("/api/standards/RFC%208446/similar?limit=abc", 400, "limit");
    expect_error("/api/standards/RFC%208446/similar?limit=100000", 400, "limit");
    expect_error("/api/standards/RFC%2099999/similar", 404, "id");
}
END_TEST

START_TEST(test_areas_coverage)
{
    resp r = get_json("/api/areas", 200);
    json_t *areas = json_object_get(r.json, "areas");
    ck_assert(json_is_array(areas));
    ck_assert_int_gt(json_array_size(areas), 10);
    int found_pki = 0;
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a) {
        ck_assert(json_is_string(json_object_get(a, "id")));
        ck_assert(json_is_string(json_object_get(a, "label")));
        ck_assert(json_is_integer(json_object_get(a, "count")));
        if (strcmp(json_string_value(json_object_get(a, "id")), "pki") == 0) {
            found_pki = 1;
            ck_assert_int_ge(json_integer_value(json_object_get(a, "count")), 2);
            ck_assert(json_is_object(json_object_get(a, "by_sdo")));
        }
    }
    ck_assert(found_pki);
    resp_free(&r);
    r = get_json("/api/coverage", 200);
    ck_assert(json_is_array(json_object_get(r.json, "sdos")));
    ck_assert(json_is_array(json_object_get(r.json, "areas")));
    resp_free(&r);
    expect_error("/api/areas?x=1", 400, "x");
    expect_error("/api/coverage?sdo=IETF", 400, "sdo");

    /* Cross-SDO overlap of one area: X.509 and its ISO/IEC twin cluster. */
    r = get_json("/api/overlap?area=pki", 200);
    ck_assert(json_is_array(json_object_get(r.json, "clusters")));
    ck_assert_msg(strstr(r.body, "ISO/IEC 9594-8"), "%s", r.body);
    resp_free(&r);
    expect_error("/api/overlap", 400, "area");
    expect_error("/api/overlap?area=nowhere", 400, "area");
    expect_error("/api/overlap?area=pki&limit=0", 400, "limit");

    /* The change feed of the published generations. */
    r = get_json("/api/changes", 200);
    ck_assert(json_is_array(json_object_get(r.json, "generations")));
    resp_free(&r);
    r = get_json("/api/changes?since=0&sdo=IETF&area=pki", 200);
    resp_free(&r);
    expect_error("/api/changes?since=yesterday", 400, "since");
    expect_error("/api/changes?sdo=NOPE", 400, "sdo");
    expect_error("/api/changes?area=nowhere", 400, "area");
    expect_error("/api/changes?bogus=1", 400, "bogus");
}
END_TEST

START_TEST(test_csv)
{
    resp r = get("/search.csv?q=hostile");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(header(&r, "Content-Type"), "text/csv"));
    ck_assert(strstr(header(&r, "Content-Disposition"), "attachment"));
    ck_assert_msg(strncmp(r.body, "id,sdo,type,title,status,date,areas,url,superseded_by\r\n", 55) == 0,
                  "%s", r.body);
    /* The title begins with '=' and holds quotes: defused and quoted. */
    ck_assert_msg(strstr(r.body, "\"'=HYPERLINK(\"\"http://evil.example\"\")"), "%s", r.body);
    resp_free(&r);

    /* Every matching row, beyond the page size limit. */
    r = get("/search.csv?per_page=5&page=3");
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(count_substr(r.body, "\r\n"), FIXTURE_RECORDS + 1);
    resp_free(&r);

    r = get("/search.csv?sdo=IETF&sdo=ITU-T");
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(count_substr(r.body, "\r\n"), 8 + 1);
    ck_assert(strstr(r.body, "\r\nRFC 8446,IETF,RFC,The Transport Layer Security (TLS) Protocol"));
    resp_free(&r);

    expect_error("/search.csv?area=nowhere", 400, "area");

    /* HEAD: the headers, and nothing after them (a chunked stream's
     * terminator would be read as the start of the next response). */
    static const char head[] = "HEAD /search.csv?q=tls HTTP/1.1\r\nHost: x\r\n"
                               "Connection: close\r\n\r\n";
    char *raw = raw_exchange(head, sizeof head - 1, 2000);
    ck_assert_msg(strncmp(raw, "HTTP/1.1 200", 12) == 0, "%s", raw);
    ck_assert_msg(strstr(raw, "text/csv") != NULL, "%s", raw);
    const char *end = strstr(raw, "\r\n\r\n");
    ck_assert_ptr_nonnull(end);
    ck_assert_msg(end[4] == '\0', "HEAD sent a body: \"%s\"", end + 4);
    free(raw);
}
END_TEST

START_TEST(test_opensearch_health_metrics)
{
    resp r = get("/opensearch.xml");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(header(&r, "Content-Type"), "application/opensearchdescription+xml"));
    ck_assert(strstr(r.body, "<OpenSearchDescription"));
    char *tmpl = tu_strdupf("template=\"http://127.0.0.1:%u/api/search?q={searchTerms}", E.port);
    ck_assert_msg(strstr(r.body, tmpl), "%s", r.body);
    free(tmpl);
    resp_free(&r);

    r = get_json("/healthz", 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
    ck_assert_int_ge(json_integer_value(json_object_get(r.json, "generation")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "records")), FIXTURE_RECORDS);
    ck_assert(json_is_integer(json_object_get(r.json, "age_seconds")));
    ck_assert_str_eq(header(&r, "Cache-Control"), "no-store");
    resp_free(&r);

    resp s = get("/api/search?q=pki");
    resp_free(&s);
    s = get("/api/search?per_page=0");
    resp_free(&s);
    /* A request is counted in its completion callback, which may run just
     * after the client has its answer: poll /metrics (bounded) until the
     * 400 of the request above is in. */
    static const char *const search_needles[] = {
        "searchd_requests_total{route=\"search\",code=\"400\"}", NULL};
    r = metrics_with(search_needles);
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(header(&r, "Content-Type"), "text/plain"));
    ck_assert_msg(strstr(r.body, "searchd_requests_total{route=\"search\",code=\"200\"}"), "%s",
                  r.body);
    ck_assert(strstr(r.body, "searchd_requests_total{route=\"search\",code=\"400\"}"));
    ck_assert(strstr(r.body, "searchd_request_duration_seconds_bucket{route=\"search\",le=\"+Inf\"}"));
    ck_assert(strstr(r.body, "searchd_index_generation 1\n"));
    ck_assert(strstr(r.body, "# TYPE searchd_request_duration_seconds histogram"));
    resp_free(&r);
}
END_TEST

/* A search running alone shares its counting with the helper thread
 * (indexer/assist.h): searchd starts it and lets a lone request use it,
 * which /metrics counts. The helper opens its handle after the first
 * request, so this searches (bounded) until one is counted. */
START_TEST(test_search_assisted)
{
    resp first = get_json("/api/search?q=security&sdo=ETSI", 200);
    int assisted = 0;
    for (int tries = 0; tries < 200 && !assisted; tries++) {
        resp s = get_json("/api/search?q=security&sdo=ETSI", 200);
        /* Helped or not, the same answer. */
        ck_assert_msg(json_equal(s.json, first.json), "answers differ: %s / %s", s.body, first.body);
        resp_free(&s);
        resp m = get("/metrics");
        ck_assert_int_eq(m.status, 200);
        const char *line = strstr(m.body, "\nsearchd_search_assisted_total ");
        ck_assert_msg(line != NULL, "%s", m.body);
        assisted = strtoull(line + strlen("\nsearchd_search_assisted_total "), NULL, 10) > 0;
        resp_free(&m);
        if (!assisted)
            usleep(10 * 1000);
    }
    ck_assert_msg(assisted, "no search was assisted");
    resp_free(&first);
}
END_TEST

/* Connections made one after another go to the workers in turn: four
 * in a row (each closed before the next, so the same socket number comes
 * back every time) reach all four workers of a fresh server (started in
 * this test's process, where its workers can be counted). */
START_TEST(test_connections_spread)
{
    static const char req[] = "GET /api/search?q=security HTTP/1.1\r\nHost: t\r\n"
                              "Connection: close\r\n\r\n";
    for (int i = 0; i < 4; i++) {
        char *out = raw_exchange(req, sizeof req - 1, 5000);
        ck_assert_msg(strncmp(out, "HTTP/1.1 200", 12) == 0, "%.200s", out);
        free(out);
    }
    ck_assert_uint_eq(searchd_workers_used(E.srv), 4);
}
END_TEST

START_TEST(test_page_and_static)
{
    resp r = get("/");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(header(&r, "Content-Type"), "text/html; charset=utf-8");
    ck_assert(strstr(r.body, "<!doctype html>") || strstr(r.body, "<!DOCTYPE html>"));
    ck_assert(strstr(header(&r, "Content-Security-Policy"), "default-src 'self'"));
    resp_free(&r);
    r = get("/?q=tls&sdo=IETF");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    r = get("/static/app.js");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(header(&r, "Content-Type"), "text/javascript; charset=utf-8");
    resp_free(&r);
    r = get("/static/style.css");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    static const char *const bad[] = {
        "/static/", "/static/../server.c", "/static/..%2fserver.c", "/static/%2e%2e/main.c",
        "/static/.hidden.js", "/static/nope.js", "/static/index.html/x", "/static/web",
        "/static/..", "/static//etc/passwd", "/index.html",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        r = get(bad[i]);
        ck_assert_msg(r.status == 404, "%s: %ld", bad[i], r.status);
        resp_free(&r);
    }
    /* HEAD works wherever GET does. */
    r = http("HEAD", "/api/search?q=tls", NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_uint_eq(r.len, 0);
    resp_free(&r);
}
END_TEST

START_TEST(test_errors)
{
    expect_error("/nothing/here", 404, NULL);
    expect_error("/api", 404, NULL);
    expect_error("/api/search/", 404, NULL);
    expect_error("/api/search?bogus=1", 400, "bogus");
    expect_error("/api/search?q=%ff", 400, "q");
    expect_error("/api/search?q=a%00b", 400, "q");
    /* A NUL in the path does not cut it short ("/healthz" served). */
    expect_error("/healthz%00", 400, NULL);
    expect_error("/api/standards/a%00b", 400, NULL);
    expect_error("/api/search?sdo=NOPE", 400, "sdo");
    expect_error("/api/search?area=nowhere", 400, "area");
    expect_error("/api/search?status=lost", 400, "status");
    expect_error("/api/search?per_page=1e9", 400, "per_page");
    expect_error("/api/search?per_page=1000000000", 400, "per_page");
    expect_error("/api/search?page=0", 400, "page");
    expect_error("/api/search?page=abc", 400, "page");
    expect_error("/api/search?page=999999", 400, "page");
    expect_error("/api/search?page=500&per_page=100", 400, "page");
    expect_error("/api/search?sort=random", 400, "sort");
    expect_error("/api/search?q=a&q=b", 400, "q");
    expect_error("/api/search?from=yesterday", 400, "from");
    expect_error("/healthz?verbose=1", 400, "verbose");

    /* The unknown-area message lists the valid areas. */
    resp r = get("/api/search?area=nowhere");
    const char *msg = json_string_value(json_object_get(json_object_get(r.json, "error"), "message"));
    ck_assert_msg(strstr(msg, "pki") && strstr(msg, "zero-trust"), "%s", msg);
    resp_free(&r);

    /* 405 with Allow. */
    r = http("POST", "/api/search", "q=tls");
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(header(&r, "Allow"), "GET, HEAD");
    ck_assert(r.json);
    resp_free(&r);
    r = http("DELETE", "/api/standards/RFC%208446", NULL);
    ck_assert_int_eq(r.status, 405);
    resp_free(&r);
    r = http("PUT", "/nothing", "x");
    ck_assert_int_eq(r.status, 404);
    resp_free(&r);

    /* 414: long target; too many arguments. */
    char *longq = calloc(1, 6001);
    memset(longq, 'a', 6000);
    char *t = tu_strdupf("/api/search?q=%s", longq);
    expect_error(t, 414, NULL);
    free(t);
    free(longq);
    sd_buf b;
    sd_buf_init(&b, 1 << 20);
    sd_buf_puts(&b, "/api/search?q=x");
    for (int i = 0; i < 1000; i++)
        sd_buf_puts(&b, "&sdo=A");
    expect_error(b.data, 414, NULL);
    sd_buf_free(&b);

    /* Overlong q inside the URL limit: 400 naming q. */
    char q[1500];
    memset(q, 'b', sizeof(q) - 1);
    q[sizeof(q) - 1] = '\0';
    t = tu_strdupf("/api/search?q=%s", q);
    expect_error(t, 400, "q");
    free(t);

    /* 431: an oversized header block; too many header lines. */
    CURL *c = curl_easy_init();
    struct curl_slist *h = NULL;
    char *big = calloc(1, 20001);
    memset(big, 'h', 20000);
    char *line = tu_strdupf("X-Big: %s", big);
    h = curl_slist_append(h, line);
    t = tu_strdupf("%s/healthz", E.base);
    resp rr;
    memset(&rr, 0, sizeof(rr));
    curl_easy_setopt(c, CURLOPT_URL, t);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &rr);
    ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    ck_assert_int_eq(status, 431);
    curl_easy_cleanup(c);
    curl_slist_free_all(h);
    free(rr.body);
    free(line);
    free(big);
    free(t);

    /* 413: a body on a GET. */
    static const char req413[] = "GET /api/search?q=tls HTTP/1.1\r\nHost: x\r\nContent-Length: "
                                 "11\r\n\r\nhello world";
    char *out = raw_exchange(req413, sizeof(req413) - 1, 3000);
    ck_assert_msg(strncmp(out, "HTTP/1.1 413", 12) == 0, "%s", out);
    free(out);
}
END_TEST

/* Odd but harmless queries: answered (200, maybe via the plain-terms
 * fallback) or refused (400), never a 5xx, never a hang. */
START_TEST(test_hostile_queries)
{
    static const char *const targets[] = {
        "/api/search?q=%22tls",            "/api/search?q=(tls",
        "/api/search?q=tls)))",            "/api/search?q=title:(",
        "/api/search?q=%5B%5D%7B%7D",      "/api/search?q=AND%20OR%20NOT",
        "/api/search?q=*",                 "/api/search?q=%25zz%25%25%25",
        "/api/search?q=%zz",               "/api/search?q=%",
        "/api/search?q=sdo:ETSI%20area:iot", "/api/search?q=-",
        "/api/search?q=%22%22%22",         "/api/search?q=NEAR/3",
        "/api/search?q=%e2%80%ae%e2%80%8b", "/api/search?q=%f0%9f%94%92",
        "/api/search?q=%3Cscript%3E",      "/api/search?q=+++",
        "/api/search?q=x.509.x.509.x.509", "/api/search?q=RFC%20RFC%20RFC%2099999999999",
        "/api/search?&&&",                 "/api/search?=",
        "/api/search?q",                   "/api/search?from=2030&to=2001",
        "/api/search?from=2021-02-30",     "/api/search?q=tls&synonyms=0&facets=0&snippets=0",
    };
    for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++) {
        resp r = get(targets[i]);
        ck_assert_msg(r.status == 200 || r.status == 400, "%s: %ld %s", targets[i], r.status,
                      r.body);
        ck_assert_msg(r.json != NULL, "%s: not JSON", targets[i]);
        resp_free(&r);
    }
    /* A syntax error falls back to plain terms and says so. */
    resp r = get_json("/api/search?q=%22tls%20AND%20(", 200);
    json_t *fb = json_object_get(json_object_get(r.json, "query"), "fallback");
    ck_assert(json_is_boolean(fb));
    resp_free(&r);
}
END_TEST

START_TEST(test_raw_protocol)
{
    /* HTTP/1.0 without Host. */
    static const char r10[] = "GET /healthz HTTP/1.0\r\n\r\n";
    char *out = raw_exchange(r10, sizeof(r10) - 1, 3000);
    ck_assert_msg(strstr(out, " 200 ") && strstr(out, "\"status\":\"ok\""), "%s", out);
    free(out);

    /* Two pipelined requests in one packet: two answers, in order. */
    static const char pipe2[] = "GET /api/search?q=tls HTTP/1.1\r\nHost: x\r\n\r\n"
                                "GET /api/standards/RFC%208446 HTTP/1.1\r\nHost: x\r\n"
                                "Connection: close\r\n\r\n";
    out = raw_exchange(pipe2, sizeof(pipe2) - 1, 5000);
    ck_assert_uint_eq(count_substr(out, "HTTP/1.1 200"), 2);
    const char *first = strstr(out, "\"total\"");
    const char *second = strstr(out, "\"abstract\"");
    ck_assert(first && second && first < second);
    free(out);

    /* Binary junk, a bare newline storm, a bogus request line: the
     * connection is answered or closed, and the server goes on. */
    static const char junk1[] = "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 TLS hello?\r\n\r\n";
    static const char junk2[] = "GET\r\n\r\n";
    static const char junk3[] = "BREW /coffee HTCPCP/1.0\r\n\r\n";
    static const char junk4[] = "GET / HTTP/9.9\r\nHost: x\r\n\r\n";
    static const char junk5[] = "GET /api/search?q=%ff%00 HTTP/1.1\r\nHost: x\r\nX: \x01\x02\r\n\r\n";
    const struct {
        const char *data;
        size_t len;
    } junk[] = {{junk1, sizeof(junk1) - 1}, {junk2, sizeof(junk2) - 1}, {junk3, sizeof(junk3) - 1},
                {junk4, sizeof(junk4) - 1}, {junk5, sizeof(junk5) - 1}};
    for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
        out = raw_exchange(junk[i].data, junk[i].len, 4000);
        ck_assert_msg(!strstr(out, "HTTP/1.1 200") || i == 3, "junk %zu answered 200: %s", i, out);
        free(out);
    }
    char random_bytes[4096];
    unsigned seed = 12345;
    for (size_t i = 0; i < sizeof(random_bytes); i++) {
        seed = seed * 1103515245u + 12345u;
        random_bytes[i] = (char)(seed >> 16);
    }
    out = raw_exchange(random_bytes, sizeof(random_bytes), 4000);
    free(out);
    resp r = get_json("/healthz", 200);
    resp_free(&r);
}
END_TEST

typedef struct slow_client {
    unsigned port;
    atomic_int stop;
    atomic_int bytes_sent;   /* every sender adds to it */
} slow_client;

/* Sends a request line one byte every 100 ms (a slowloris client). */
static void *slow_sender(void *arg)
{
    slow_client *s = arg;
    int fd = raw_connect();
    static const char req[] = "GET /api/search?q=tls HTTP/1.1\r\nHost: x\r\nX-Slow: "
                              "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for (size_t i = 0; i < sizeof(req) - 1 && !atomic_load(&s->stop); i++) {
        if (send(fd, req + i, 1, MSG_NOSIGNAL) != 1)
            break;
        atomic_fetch_add(&s->bytes_sent, 1);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    close(fd);
    return NULL;
}

START_TEST(test_slowloris)
{
    enum { SLOW = 8 };
    slow_client s = {E.port, 0, 0};
    pthread_t t[SLOW];
    for (int i = 0; i < SLOW; i++)
        pthread_create(&t[i], NULL, slow_sender, &s);
    /* While they drip, other clients are answered promptly. */
    for (int i = 0; i < 20; i++) {
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        resp r = get_json("/api/search?q=security", 200);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) / 1e6;
        ck_assert_msg(ms < 1000, "request %d took %.0f ms during a slowloris", i, ms);
        resp_free(&r);
    }
    atomic_store(&s.stop, 1);
    for (int i = 0; i < SLOW; i++)
        pthread_join(t[i], NULL);
    ck_assert_int_gt(atomic_load(&s.bytes_sent), 0);
}
END_TEST

START_TEST(test_access_log_and_reload)
{
    resp r = get("/api/search?q=access%20log%20probe");
    resp_free(&r);
    /* Logged at completion; give the worker a moment. */
    char *log = NULL;
    for (int i = 0; i < 50; i++) {
        size_t len;
        free(log);
        log = tu_read_file(E.log, &len);
        if (log && strstr(log, "probe"))
            break;
        usleep(20000);
    }
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "\"GET /api/search?q=access%20log%20probe HTTP/1.1\" 200 "), "%s",
                  log);
    ck_assert(strstr(log, "127.0.0.1 - - ["));
    free(log);
    /* SIGHUP's work: rotate the log away, reload, and the next line goes
     * to a new file at the same path. */
    char *rotated = tu_strdupf("%s.1", E.log);
    ck_assert_int_eq(rename(E.log, rotated), 0);
    ck_assert_int_eq(searchd_reload(E.srv), 0);
    r = get_json("/api/search?q=after%20reload", 200);
    resp_free(&r);
    log = NULL;
    for (int i = 0; i < 50 && !log; i++) {
        size_t len;
        log = tu_read_file(E.log, &len);
        if (log && !strstr(log, "after%20reload")) {
            free(log);
            log = NULL;
        }
        if (!log)
            usleep(20000);
    }
    ck_assert_ptr_nonnull(log);
    free(log);
    free(rotated);
}
END_TEST

/* ---- no index yet, then one appears ---------------------------------------- */

START_TEST(test_no_index)
{
    expect_error("/healthz", 503, NULL);
    expect_error("/api/search?q=tls", 503, NULL);
    expect_error("/api/standards/RFC%208446", 503, NULL);
    expect_error("/api/areas", 503, NULL);
    /* Parameter errors still come first: they do not need an index. */
    expect_error("/api/search?bogus=1", 400, "bogus");
    resp r = get("/metrics");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    r = get("/");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    /* Publishing the first generation needs no restart. */
    build_index(E.records, E.index);
    r = get_json("/healthz", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "records")), FIXTURE_RECORDS);
    resp_free(&r);
    r = get_json("/api/search?q=tls", 200);
    ck_assert(results_contain(r.json, "RFC 8446"));
    resp_free(&r);
}
END_TEST

/* ---- a generation swap under load ------------------------------------------ */

typedef struct loop_client {
    atomic_int stop;
    atomic_int requests;
    atomic_int failures;
    atomic_int saw_new;
    char last_failure[512];
} loop_client;

static size_t discard_body(char *data, size_t size, size_t nmemb, void *cls)
{
    resp *r = cls;
    return grow(&r->body, &r->len, data, size * nmemb);
}

static void *query_loop(void *arg)
{
    loop_client *c = arg;
    static const char *const targets[] = {
        "/api/search?q=security", "/api/search?q=X.509", "/api/standards/RFC%208446",
        "/api/standards/ITU-T%20X.509/similar", "/api/areas", "/search.csv?sdo=IETF",
        "/api/search?q=swap%20marker&scope=all",
    };
    CURL *curl = curl_easy_init();
    size_t i = 0;
    while (!atomic_load(&c->stop)) {
        const char *target = targets[i++ % (sizeof(targets) / sizeof(targets[0]))];
        char url[256];
        snprintf(url, sizeof(url), "%s%s", E.base, target);
        resp r;
        memset(&r, 0, sizeof(r));
        curl_easy_setopt(curl, CURLOPT_URL, url);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, discard_body);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);
        CURLcode rc = curl_easy_perform(curl);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
        atomic_fetch_add(&c->requests, 1);
        if (rc != CURLE_OK || status != 200) {
            if (atomic_fetch_add(&c->failures, 1) == 0)
                snprintf(c->last_failure, sizeof(c->last_failure), "%s: curl %d status %ld %.200s",
                         target, rc, status, r.body ? r.body : "");
        } else if (r.body && strstr(r.body, "RFC 999")) {
            atomic_store(&c->saw_new, 1);
        }
        free(r.body);
    }
    curl_easy_cleanup(curl);
    return NULL;
}

START_TEST(test_generation_swap)
{
    enum { CLIENTS = 3 };
    loop_client c;
    memset(&c, 0, sizeof(c));
    pthread_t t[CLIENTS];
    for (int i = 0; i < CLIENTS; i++)
        pthread_create(&t[i], NULL, query_loop, &c);
    while (atomic_load(&c.requests) < 30)
        usleep(10000);
    /* Publish generations 2..4 while the clients query, each adding a
     * record; searchd must switch over without failing a request. */
    for (int g = 0; g < 3; g++) {
        char *path = tu_strdupf("%s/extra-%d.jsonl", E.records, g);
        char *line = tu_strdupf(
            "{\"id\":\"RFC 999%d\",\"sdo\":\"IETF\",\"type\":\"RFC\",\"title\":\"secstd swap "
            "marker %d: key management for testing\",\"status\":\"published\",\"date\":\"2026-01\"}\n",
            g, g);
        ck_assert_int_eq(tu_write_file(path, line, strlen(line)), 0);
        unsigned gen = build_index(E.records, E.index);
        ck_assert_uint_eq(gen, (unsigned)g + 2);
        int before = atomic_load(&c.requests);
        while (atomic_load(&c.requests) < before + 20)
            usleep(5000);
        free(path);
        free(line);
    }
    atomic_store(&c.stop, 1);
    for (int i = 0; i < CLIENTS; i++)
        pthread_join(t[i], NULL);
    ck_assert_msg(atomic_load(&c.failures) == 0, "%d of %d requests failed; first: %s",
                  atomic_load(&c.failures), atomic_load(&c.requests), c.last_failure);
    ck_assert_msg(atomic_load(&c.saw_new), "no client saw the new generation");
    resp r = get_json("/healthz", 200);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "generation")), 4);
    ck_assert_int_eq(json_integer_value(json_object_get(r.json, "records")), FIXTURE_RECORDS + 3);
    resp_free(&r);
    r = get_json("/api/standards/RFC%209992", 200);
    resp_free(&r);
}
END_TEST

/* ---- suite ------------------------------------------------------------------ */

/* The Atom feed: a second generation with a new and a changed record
 * (both with hostile titles) gives well-formed Atom whose entries carry
 * the changes, every value escaped, no javascript: link. */
START_TEST(test_changes_feed)
{
    char *extra = tu_strdupf("%s/extra.jsonl", E.records);
    const char *lines =
        "{\"id\":\"W3C hostile-test-2\",\"sdo\":\"W3C\",\"title\":\"<script>alert(2)</script> "
        "web security ]]> &amp; test\",\"status\":\"published\",\"date\":\"2025-01\","
        "\"url\":\"javascript:alert(2)\"}\n";
    ck_assert_int_eq(tu_write_file(extra, lines, strlen(lines)), 0);
    free(extra);
    ck_assert_uint_ge(build_index(E.records, E.index), 2);

    resp r = get("/feeds/changes.atom?area=web");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_nonnull(strstr(header(&r, "Content-Type"), "application/atom+xml"));
    xmlDocPtr doc = xmlReadMemory(r.body, (int)r.len, "feed.xml", NULL, XML_PARSE_NONET);
    ck_assert_msg(doc != NULL, "feed is not well-formed XML");
    xmlNodePtr root = xmlDocGetRootElement(doc);
    ck_assert_str_eq((const char *)root->name, "feed");
    int entries = 0, found = 0;
    for (xmlNodePtr e = root->children; e; e = e->next) {
        if (e->type != XML_ELEMENT_NODE || strcmp((const char *)e->name, "entry") != 0)
            continue;
        entries++;
        for (xmlNodePtr c = e->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE)
                continue;
            xmlChar *text = xmlNodeGetContent(c);
            if (strcmp((const char *)c->name, "title") == 0 &&
                strstr((const char *)text, "W3C hostile-test-2") &&
                strstr((const char *)text, "<script>alert(2)</script>"))
                found = 1; /* the title survives as text, exactly */
            if (strcmp((const char *)c->name, "link") == 0) {
                xmlChar *href = xmlGetProp(c, BAD_CAST "href");
                ck_assert_msg(href && strncmp((const char *)href, "http", 4) == 0, "link %s", href);
                xmlFree(href);
            }
            xmlFree(text);
        }
    }
    xmlFreeDoc(doc);
    ck_assert_int_ge(entries, 1);
    ck_assert_msg(found, "the new record is not in the feed");
    ck_assert_ptr_null(strstr(r.body, "<script>"));
    ck_assert_ptr_null(strstr(r.body, "javascript:"));
    resp_free(&r);

    /* The same filters and errors as /api/changes. */
    r = get("/feeds/changes.atom?area=nonsense");
    ck_assert_int_eq(r.status, 400);
    resp_free(&r);
    r = get("/feeds/changes.atom?sdo=ETSI");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "hostile-test-2"));
    resp_free(&r);
}
END_TEST

/* An index older than max_index_age is still served, but /healthz says
 * it is stale (a refresh stopped publishing). */
START_TEST(test_stale_index)
{
    /* Three seconds: building the index and starting searchd take well
     * under that even with the rest of the suite running beside them
     * (with one second, a busy machine made the first answer stale). */
    env_max_index_age = 3;
    env_start(1);
    env_max_index_age = 2 * 24 * 3600;
    resp r = get_json("/healthz", 200);
    ck_assert_str_eq(json_string_value(json_object_get(r.json, "status")), "ok");
    ck_assert(json_is_false(json_object_get(r.json, "stale")));
    resp_free(&r);
    /* Stale once older than that: within a few seconds more. */
    int stale = 0;
    for (int i = 0; i < 100 && !stale; i++) {
        r = get_json("/healthz", 200);
        stale = strcmp(json_string_value(json_object_get(r.json, "status")), "stale") == 0;
        if (stale)
            ck_assert(json_is_true(json_object_get(r.json, "stale")));
        resp_free(&r);
        if (!stale)
            usleep(100 * 1000);
    }
    ck_assert_msg(stale, "the index never turned stale");
    r = get_json("/api/search?q=pki", 200);
    ck_assert_int_gt(json_integer_value(json_object_get(r.json, "total")), 0);
    resp_free(&r);
    env_stop();
}
END_TEST


/* ---- liaison-statement exports ---------------------------------------------- */

/* The cell text of a CSV line's column col (0-based), unquoted, into out;
 * handles RFC 4180 quoting. Returns a pointer to the next line. */
static const char *csv_field(const char *line, int col, char *out, size_t outlen)
{
    int c = 0;
    size_t n = 0;
    const char *p = line;
    out[0] = '\0';
    while (*p && !(p[0] == '\r' && p[1] == '\n')) {
        int quoted = *p == '"';
        if (quoted)
            p++;
        n = 0;
        while (*p) {
            if (quoted && p[0] == '"' && p[1] == '"') {
                if (c == col && n + 1 < outlen)
                    out[n++] = '"';
                p += 2;
            } else if (quoted && *p == '"') {
                p++;
                quoted = 0;
            } else if (!quoted && (*p == ',' || (p[0] == '\r' && p[1] == '\n'))) {
                break;
            } else {
                if (c == col && n + 1 < outlen)
                    out[n++] = *p;
                p++;
            }
        }
        if (c == col)
            out[n] = '\0';
        if (*p == ',') {
            p++;
            c++;
            if (!*p || (p[0] == '\r' && p[1] == '\n')) {
                if (c == col)
                    out[0] = '\0';
            }
        }
    }
    return p[0] == '\r' ? p + 2 : p;
}

/* Lines of text (CRLF-terminated) that fail RFC 4180: a bare LF outside
 * quotes, or an unbalanced quote. Returns the number of records. */
static size_t csv_records(const char *text)
{
    size_t records = 0;
    int quoted = 0;
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (!quoted && *p == '\n') {
            ck_assert_msg(p > text && p[-1] == '\r', "bare LF outside quotes at %ld",
                          (long)(p - text));
            records++;
        }
    }
    ck_assert_msg(!quoted, "unbalanced quotes");
    return records;
}

START_TEST(test_coverage_csv)
{
    resp r = get("/coverage.csv");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(header(&r, "Content-Type"), "text/csv"));
    ck_assert(strstr(header(&r, "Content-Disposition"), "filename=\"secstd-coverage.csv\""));
    ck_assert_str_eq(header(&r, "Access-Control-Allow-Origin"), "*");
    ck_assert_msg(strncmp(r.body, "area,label,", 11) == 0, "%.200s", r.body);
    /* One line per area of the taxonomy, plus the header. */
    resp a = get_json("/api/coverage", 200);
    json_t *areas = json_object_get(a.json, "areas");
    json_t *sdos = json_object_get(a.json, "sdos");
    ck_assert_uint_eq(csv_records(r.body), json_array_size(areas) + 1);
    /* Header: two columns per SDO, then total. */
    char cell[256];
    csv_field(r.body, 2, cell, sizeof(cell));
    char want[128];
    snprintf(want, sizeof(want), "%s published", json_string_value(json_array_get(sdos, 0)));
    ck_assert_str_eq(cell, want);
    csv_field(r.body, 3 + 2 * (int)json_array_size(sdos) - 1, cell, sizeof(cell));
    ck_assert_str_eq(cell, "total");
    /* The pki line carries the JSON's numbers (gaps as 0). */
    const char *line = strstr(r.body, "\r\npki,");
    ck_assert_ptr_nonnull(line);
    line += 2;
    size_t i;
    json_t *ar, *pki = NULL;
    json_array_foreach(areas, i, ar) if (strcmp(json_string_value(json_object_get(ar, "id")), "pki") == 0) pki = ar;
    ck_assert_ptr_nonnull(pki);
    csv_field(line, 1, cell, sizeof(cell));
    ck_assert_str_eq(cell, json_string_value(json_object_get(pki, "label")));
    int gaps = 0;
    for (size_t k = 0; k < json_array_size(sdos); k++) {
        const char *sdo = json_string_value(json_array_get(sdos, k));
        json_t *c = json_object_get(json_object_get(pki, "cells"), sdo);
        csv_field(line, 2 + 2 * (int)k, cell, sizeof(cell));
        ck_assert_int_eq(strtol(cell, NULL, 10), c ? json_integer_value(json_object_get(c, "published")) : 0);
        gaps += !c || json_integer_value(json_object_get(c, "total")) == 0;
    }
    ck_assert_int_gt(gaps, 0);   /* the fixture does not cover pki in every body */
    csv_field(line, 2 + 2 * (int)json_array_size(sdos), cell, sizeof(cell));
    ck_assert_int_eq(strtol(cell, NULL, 10), json_integer_value(json_object_get(pki, "total")));
    resp_free(&a);
    resp_free(&r);

    r = get("/coverage.csv");
    ck_assert_int_eq(r.status, 200);
    resp_free(&r);
    expect_error("/coverage.csv?area=pki", 400, "area");
    expect_error("/coverage.csv?x=%FF", 400, NULL);
    r = http("POST", "/coverage.csv", "a=1");
    ck_assert_int_ge(r.status, 405);
    resp_free(&r);

    /* Counted under its own route label. */
    static const char *const cov_needles[] = {
        "searchd_requests_total{route=\"coverage_csv\",code=\"200\"}", NULL};
    r = metrics_with(cov_needles);
    ck_assert_msg(strstr(r.body, cov_needles[0]), "%s", r.body);
    resp_free(&r);
}
END_TEST

START_TEST(test_overlap_csv)
{
    /* Two twins with titles that a spreadsheet would run as formulas, with
     * quotes, commas and a line break: they form a stated cluster in pki. */
    char *extra = tu_strdupf("%s/twins.jsonl", E.records);
    const char *lines =
        "{\"id\":\"ITU-T X.9990\",\"sdo\":\"ITU-T\",\"type\":\"Recommendation\","
        "\"title\":\"=HYPERLINK(\\\"http://evil.example\\\",\\\"x\\\") public-key certificate, "
        "\\\"PKI\\\" framework\",\"abstract\":\"Public-key infrastructure: public-key "
        "certificates, certificate revocation lists and certification path validation.\","
        "\"keywords\":[\"PKI\",\"public-key certificate\"],\"status\":\"published\","
        "\"date\":\"2024-05\",\"url\":\"https://www.itu.int/rec/T-REC-X.9990\","
        "\"relations\":{\"identical_to\":[\"ISO/IEC 99990\"]}}\n"
        "{\"id\":\"ISO/IEC 99990\",\"sdo\":\"ISO/IEC\",\"type\":\"IS\","
        "\"title\":\"@SUM(A1:A9)\\nPublic-key certificate framework\",\"abstract\":\"Common text "
        "with ITU-T X.9990: public-key infrastructure, public-key certificates and "
        "certification paths.\",\"keywords\":[\"PKI\"],\"status\":\"in-development\","
        "\"date\":\"2025-01\",\"url\":\"https://www.iso.org/standard/99990.html\","
        "\"relations\":{\"identical_to\":[\"ITU-T X.9990\"]}}\n";
    ck_assert_int_eq(tu_write_file(extra, lines, strlen(lines)), 0);
    free(extra);
    ck_assert_uint_ge(build_index(E.records, E.index), 2);

    resp r = get("/overlap.csv?area=pki");
    ck_assert_int_eq(r.status, 200);
    ck_assert(strstr(header(&r, "Content-Type"), "text/csv"));
    ck_assert(strstr(header(&r, "Content-Disposition"), "filename=\"secstd-overlap-pki.csv\""));
    ck_assert_msg(strncmp(r.body,
                          "cluster,topic,bodies,id,sdo,title,status,date,relation,score,in_area\r\n",
                          69) == 0,
                  "%.200s", r.body);
    size_t records = csv_records(r.body);
    ck_assert_uint_ge(records, 1 + 4);

    /* The same clusters and members as the JSON. */
    resp j = get_json("/api/overlap?area=pki&limit=1000", 200);
    size_t members = 0, i;
    json_t *c;
    json_array_foreach(json_object_get(j.json, "clusters"), i, c) members +=
        json_array_size(json_object_get(c, "members"));
    ck_assert_uint_eq(records, members + 1);
    resp_free(&j);

    /* X.509 and its ISO/IEC twin, as identical texts with score 1.00. */
    const char *line = strstr(r.body, ",ISO/IEC 9594-8,ISO/IEC,");
    ck_assert_msg(line, "%s", r.body);
    ck_assert_ptr_nonnull(strstr(line, ",identical_to,1.00,"));

    /* Formula-looking titles are defused and quoted; quotes doubled; the
     * line break stays inside its quoted cell. */
    ck_assert_msg(strstr(r.body, ",\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\") "
                                 "public-key certificate, \"\"PKI\"\" framework\","),
                  "%s", r.body);
    ck_assert_msg(strstr(r.body, ",\"'@SUM(A1:A9)\nPublic-key certificate framework\","), "%s",
                  r.body);
    ck_assert_ptr_null(strstr(r.body, ",=HYPERLINK"));
    ck_assert_ptr_null(strstr(r.body, ",@SUM"));
    /* Both twins are in one cluster. */
    const char *a = strstr(r.body, "\r\n");
    char cx[32] = "", cy[32] = "", id[64];
    while (a && a[2]) {
        a += 2;
        csv_field(a, 3, id, sizeof(id));
        if (strcmp(id, "ITU-T X.9990") == 0)
            csv_field(a, 0, cx, sizeof(cx));
        if (strcmp(id, "ISO/IEC 99990") == 0)
            csv_field(a, 0, cy, sizeof(cy));
        /* Next record: skip a quoted line break. */
        int q = 0;
        const char *p = a;
        while (*p && (q || !(p[0] == '\r' && p[1] == '\n'))) {
            if (*p == '"')
                q = !q;
            p++;
        }
        a = *p ? p : NULL;
    }
    ck_assert_msg(*cx && strcmp(cx, cy) == 0, "twins in clusters '%s' and '%s'", cx, cy);
    resp_free(&r);

    /* limit cuts clusters; errors name the parameter. */
    r = get("/overlap.csv?area=pki&limit=1");
    ck_assert_int_eq(r.status, 200);
    ck_assert_ptr_null(strstr(r.body, "\r\n2,"));
    resp_free(&r);
    expect_error("/overlap.csv", 400, "area");
    expect_error("/overlap.csv?area=", 400, "area");
    expect_error("/overlap.csv?area=nowhere", 400, "area");
    expect_error("/overlap.csv?area=pki&limit=0", 400, "limit");
    expect_error("/overlap.csv?area=pki&limit=x", 400, "limit");
    expect_error("/overlap.csv?area=pki&q=tls", 400, "q");
    r = get("/overlap.csv?area=nowhere");
    ck_assert_msg(strstr(r.body, "unknown area 'nowhere'") && strstr(r.body, "pki"), "%s", r.body);
    resp_free(&r);
    r = get("/overlap.csv");
    ck_assert_msg(strstr(r.body, "required"), "%s", r.body);
    resp_free(&r);

    static const char *const ov_needles[] = {
        "searchd_requests_total{route=\"overlap_csv\",code=\"200\"}",
        "searchd_requests_total{route=\"overlap_csv\",code=\"400\"}", NULL};
    r = metrics_with(ov_needles);
    ck_assert(strstr(r.body, ov_needles[0]));
    ck_assert(strstr(r.body, ov_needles[1]));
    resp_free(&r);
}
END_TEST

/* The overlap cache answers a repeated question with the same clusters,
 * and a new generation is never answered from an older one's entry. */
START_TEST(test_overlap_cache)
{
    char err[512] = "";
    secstd_index *idx = NULL;
    ck_assert_int_eq(secstd_index_open(E.index, &idx, err, sizeof err), SECSTD_OK);
    json_t *first = NULL, *again = NULL, *direct = NULL;
    ck_assert_int_eq(sd_overlap_cached(idx, "pki", 50, &first), SECSTD_OK);
    ck_assert_int_eq(sd_overlap_cached(idx, "pki", 50, &again), SECSTD_OK);
    ck_assert(json_equal(first, again));

    /* Generation 2 without ISO/IEC 9594-8: the pki clusters change. */
    char *path = tu_strdupf("%s/fixture.jsonl", E.records);
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(text);
    char *line = strstr(text, "{\"id\": \"ISO/IEC 9594-8\"");
    if (!line)
        line = strstr(text, "{\"id\":\"ISO/IEC 9594-8\"");
    ck_assert_ptr_nonnull(line);
    char *end = strchr(line, '\n');
    ck_assert_ptr_nonnull(end);
    memmove(line, end + 1, strlen(end + 1) + 1);
    ck_assert_int_eq(tu_write_file(path, text, strlen(text)), 0);
    free(text);
    free(path);
    ck_assert_uint_ge(build_index(E.records, E.index), 2);
    int changed = 0;
    ck_assert_int_eq(secstd_index_refresh(idx, &changed), SECSTD_OK);
    ck_assert_int_eq(changed, 1);
    json_t *later = NULL;
    ck_assert_int_eq(sd_overlap_cached(idx, "pki", 50, &later), SECSTD_OK);
    ck_assert_int_eq(secstd_index_overlap(idx, "pki", 50, &direct), SECSTD_OK);
    ck_assert(json_equal(later, direct));
    ck_assert(!json_equal(later, first));
    json_decref(first);
    json_decref(again);
    json_decref(later);
    json_decref(direct);
    secstd_index_free(idx);
}
END_TEST

static Suite *searchd_suite(void)
{
    Suite *s = suite_create("searchd");
    TCase *pure = tcase_create("pure");
    tcase_add_test(pure, test_utf8);
    tcase_add_test(pure, test_parse_uint);
    tcase_add_test(pure, test_parse_search);
    tcase_add_test(pure, test_csv_cells);
    tcase_add_test(pure, test_buf_limit);
    tcase_add_test(pure, test_access_format);
    tcase_add_test(pure, test_web_names);
    tcase_add_test(pure, test_default_threads);
    tcase_add_test(pure, test_bad_config);
    suite_add_tcase(s, pure);

    TCase *spread = tcase_create("spread");
    tcase_add_checked_fixture(spread, setup_api, env_stop);
    tcase_set_timeout(spread, 60);
    tcase_add_test(spread, test_connections_spread);
    suite_add_tcase(s, spread);

    /* One server for the read-only API tests: started in the parent, so
     * each forked test talks to it as a client would. */
    TCase *api = tcase_create("api");
    tcase_add_unchecked_fixture(api, setup_api, env_stop);
    tcase_set_timeout(api, 120);
    tcase_add_test(api, test_search_basic);
    tcase_add_test(api, test_search_snippet);
    tcase_add_test(api, test_identifier_first);
    tcase_add_test(api, test_search_filters);
    tcase_add_test(api, test_search_paging);
    tcase_add_test(api, test_standard);
    tcase_add_test(api, test_similar);
    tcase_add_test(api, test_areas_coverage);
    tcase_add_test(api, test_csv);
    tcase_add_test(api, test_opensearch_health_metrics);
    tcase_add_test(api, test_search_assisted);
    tcase_add_test(api, test_page_and_static);
    tcase_add_test(api, test_errors);
    tcase_add_test(api, test_hostile_queries);
    tcase_add_test(api, test_raw_protocol);
    tcase_add_test(api, test_slowloris);
    tcase_add_test(api, test_changes_feed);
    tcase_add_test(api, test_overlap_cache);
    TCase *stale = tcase_create("stale");
    tcase_set_timeout(stale, 60);
    tcase_add_test(stale, test_stale_index);
    suite_add_tcase(s, stale);
    suite_add_tcase(s, api);

    /* Reload changes the server's state: it needs a server of its own in
     * the test's process. */
    TCase *reload = tcase_create("reload");
    tcase_add_checked_fixture(reload, setup_api, env_stop);
    tcase_set_timeout(reload, 120);
    tcase_add_test(reload, test_access_log_and_reload);
    suite_add_tcase(s, reload);

    /* The exports add records and rebuild: a server of their own. */
    TCase *exports = tcase_create("exports");
    tcase_add_checked_fixture(exports, setup_api, env_stop);
    tcase_set_timeout(exports, 120);
    tcase_add_test(exports, test_coverage_csv);
    tcase_add_test(exports, test_overlap_csv);
    suite_add_tcase(s, exports);

    TCase *noindex = tcase_create("noindex");
    tcase_add_checked_fixture(noindex, setup_noindex, env_stop);
    tcase_set_timeout(noindex, 120);
    tcase_add_test(noindex, test_no_index);
    suite_add_tcase(s, noindex);

    TCase *swap = tcase_create("swap");
    tcase_add_checked_fixture(swap, setup_api, env_stop);
    tcase_set_timeout(swap, 300);
    tcase_add_test(swap, test_generation_swap);
    suite_add_tcase(s, swap);
    return s;
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    SRunner *sr = srunner_create(searchd_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    curl_global_cleanup();
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
