/* fuzz_query.c — libFuzzer target for the query front end
 * (indexer/query.h) over a small real index: identifier detection,
 * fielded syntax, synonyms, filters, dates, paging, facets, snippets, and
 * the identifier lookups searchd serves (/api/standards/{id} and
 * /similar).
 *
 * At start-up the hand-written fixture records
 * (tests/fixtures/records/handwritten.jsonl, path from $SECSTD_SRC or
 * FUZZ_SOURCE_DIR) are indexed with secstd_build into a temporary
 * directory, removed at exit.
 *
 * Input: the first line is the free text q; each further line is
 * "name=value" for sdo, area, status, type, group (repeatable), from, to,
 * sort (date|relevance), page, per_page, synonyms (0|1), scope (all),
 * facets, snippets (0|1). Numbers are read with strtoul and may be huge:
 * secstd_search_validate() must refuse what is out of range. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "index.h"
#include "query.h"

#ifndef FUZZ_SOURCE_DIR
#define FUZZ_SOURCE_DIR "."
#endif

static secstd_index *idx;
static char tmpdir[4096];

static void cleanup(void)
{
    secstd_index_free(idx);
    idx = NULL;
    if (tmpdir[0]) {
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
        if (system(cmd) != 0)
            fprintf(stderr, "fuzz_query: could not remove %s\n", tmpdir);
    }
}

static int copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    if (!in)
        return -1;
    FILE *out = fopen(to, "wb");
    if (!out) {
        fclose(in);
        return -1;
    }
    char buf[8192];
    size_t n;
    int rc = 0;
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        if (fwrite(buf, 1, n, out) != n)
            rc = -1;
    fclose(in);
    if (fclose(out) != 0)
        rc = -1;
    return rc;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *src = getenv("SECSTD_SRC");
    if (!src || !*src)
        src = FUZZ_SOURCE_DIR;
    const char *tmp = getenv("TMPDIR");
    snprintf(tmpdir, sizeof tmpdir, "%s/secstd-fuzz-query.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        abort();
    }
    atexit(cleanup);
    char records[4200], index[4200], from[4200], to[4300];
    snprintf(records, sizeof records, "%s/records", tmpdir);
    snprintf(index, sizeof index, "%s/index", tmpdir);
    snprintf(from, sizeof from, "%s/tests/fixtures/records/handwritten.jsonl", src);
    snprintf(to, sizeof to, "%s/handwritten.jsonl", records);
    if (mkdir(records, 0700) != 0 || copy_file(from, to) != 0) {
        fprintf(stderr, "fuzz_query: cannot stage %s (set SECSTD_SRC)\n", from);
        abort();
    }
    secstd_build_opts opts;
    secstd_build_opts_init(&opts);
    opts.records_dir = records;
    opts.index_dir = index;
    secstd_build_summary sum;
    memset(&sum, 0, sizeof sum);
    char err[1024];
    if (secstd_build(&opts, &sum, err, sizeof err) != SECSTD_OK) {
        fprintf(stderr, "fuzz_query: build: %s\n", err);
        abort();
    }
    json_decref(sum.changes);
    if (secstd_index_open(index, &idx, err, sizeof err) != SECSTD_OK) {
        fprintf(stderr, "fuzz_query: open: %s\n", err);
        abort();
    }
    return 0;
}

static void add_filter(secstd_filter *f, const char *v)
{
    if (f->count < SECSTD_QUERY_MAX_FILTERS)
        f->values[f->count++] = v;
}

static unsigned read_uint(const char *v)
{
    unsigned long n = strtoul(v, NULL, 10);
    return n > 0xffffffffUL ? 0xffffffffu : (unsigned)n;
}

static void set_param(secstd_search_request *req, const char *name, const char *v)
{
    if (strcmp(name, "sdo") == 0)
        add_filter(&req->sdo, v);
    else if (strcmp(name, "area") == 0)
        add_filter(&req->area, v);
    else if (strcmp(name, "status") == 0)
        add_filter(&req->status, v);
    else if (strcmp(name, "type") == 0)
        add_filter(&req->type, v);
    else if (strcmp(name, "group") == 0)
        add_filter(&req->group, v);
    else if (strcmp(name, "from") == 0)
        req->from = v;
    else if (strcmp(name, "to") == 0)
        req->to = v;
    else if (strcmp(name, "sort") == 0)
        req->sort_by_date = strcmp(v, "date") == 0;
    else if (strcmp(name, "page") == 0)
        req->page = read_uint(v);
    else if (strcmp(name, "per_page") == 0)
        req->per_page = read_uint(v);
    else if (strcmp(name, "synonyms") == 0)
        req->synonyms = strcmp(v, "0") != 0;
    else if (strcmp(name, "scope") == 0)
        req->all_records = strcmp(v, "all") == 0;
    else if (strcmp(name, "facets") == 0)
        req->facets = strcmp(v, "0") != 0;
    else if (strcmp(name, "snippets") == 0)
        req->snippets = strcmp(v, "0") != 0;
    else if (strcmp(name, "max_rows") == 0)
        req->max_rows = read_uint(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';

    secstd_search_request req;
    secstd_search_request_init(&req);
    char *line = text;
    char *nl = strchr(line, '\n');
    if (nl)
        *nl = '\0';
    req.q = line;
    while (nl) {
        line = nl + 1;
        nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        char *eq = strchr(line, '=');
        if (!eq)
            continue;
        *eq = '\0';
        set_param(&req, line, eq + 1);
    }

    const char *param = NULL;
    char err[1024];
    err[0] = '\0';
    secstd_status st = secstd_search_validate(&req, &param, err, sizeof err);
    if (memchr(err, '\0', sizeof err) == NULL)
        abort();
    if (st == SECSTD_OK) {
        json_t *out = NULL;
        st = secstd_search(idx, &req, &out, &param, err, sizeof err);
        if (st == SECSTD_OK) {
            if (!out)
                abort();
            char *dump = json_dumps(out, JSON_COMPACT);
            if (!dump)
                abort(); /* not serialisable: invalid UTF-8 in a result */
            free(dump);
            json_decref(out);
        } else if (out) {
            abort();
        }
    }
    if (req.q && *req.q) {
        json_t *rec = NULL;
        if (secstd_index_get(idx, req.q, &rec) == SECSTD_OK)
            json_decref(rec);
        json_t *sim = NULL;
        if (secstd_index_similar(idx, req.q, 5, &sim) == SECSTD_OK)
            json_decref(sim);
        char *esc = secstd_html_escape(req.q);
        int markers = strchr(req.q, '\x01') || strchr(req.q, '\x02');
        if (esc && !markers && (strchr(esc, '<') || strchr(esc, '"')))
            abort(); /* unescaped markup */
        free(esc);
    }
    free(text);
    return 0;
}
