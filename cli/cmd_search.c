/* cmd_search.c — `secstd search`: the shared query module on the command
 * line, human-readable by default, --json for scripts. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "index.h"
#include "query.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: secstd search [OPTIONS] QUERY...\n\n"
            "Searches the published index. Identifiers (X.509, RFC 8446, TS 33.501,\n"
            "ISO/IEC 27001, SP 800-207) find that standard first; field:value syntax works\n"
            "(title:, abstract:, keyword:, author:, sdo:, area:, status:, type:, group:,\n"
            "year:, id:; see `secstd fields`); \"phrases\" (not inside abstract:), AND/OR/NOT,\n"
            "+must, -mustnot and prefix* too.\n\n"
            "  --area ID       technology area (repeatable; `secstd areas` lists them)\n"
            "  --sdo NAME      standards body (repeatable): ITU-T, ISO/IEC, IETF, 3GPP ...\n"
            "  --status S      published, in-development, superseded, withdrawn, historic\n"
            "  --type T        document type (repeatable): RFC, TS, Recommendation ...\n"
            "  --group G       responsible group (repeatable): SG17, JTC 1/SC 27 ...\n"
            "  --from DATE     YYYY, YYYY-MM or YYYY-MM-DD\n"
            "  --to DATE       YYYY, YYYY-MM or YYYY-MM-DD\n"
            "  --sort date     newest first (default: relevance, current standards\n"
            "                  before superseded or withdrawn ones that match as well)\n"
            "  --limit N       results per page (default 10, at most 100)\n"
            "  --page N        page (default 1)\n"
            "  --all           every crawled record, not only security standards\n"
            "  --no-synonyms   do not expand acronyms and synonyms\n"
            "  --json          the API's JSON instead of text\n"
            "  --data DIR      data directory (default $SECSTD_DATA or ./var)\n"
            "  --index DIR     index directory (default DATA/index)\n\n"
            "Exit status: 0 results found, 1 no results, 2 error.\n");
}

static int add_filter(secstd_filter *f, const char *v, const char *name)
{
    if (f->count >= SECSTD_QUERY_MAX_FILTERS) {
        fprintf(stderr, "secstd search: too many --%s values\n", name);
        return -1;
    }
    f->values[f->count++] = v;
    return 0;
}

static int parse_uint(const char *s, unsigned *out, const char *name)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (*end || v < 1 || v > 1000000) {
        fprintf(stderr, "secstd search: --%s needs a positive number\n", name);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* "    label: a, b, c" for the strings of a non-empty array. */
static void print_list(const char *label, const json_t *arr)
{
    if (!json_array_size(arr))
        return;
    printf("    %s:", label);
    size_t j, n = 0;
    const json_t *v;
    json_array_foreach(arr, j, v) {
        if (json_is_string(v))
            printf("%s %s", n++ ? "," : "", json_string_value(v));
    }
    putchar('\n');
}

/* Prints an HTML-escaped snippet with <mark> as terminal text. */
static void print_snippet(const char *s, int tty)
{
    static const struct {
        const char *from, *to_tty, *to_plain;
    } map[] = {
        {"<mark>", "\033[1m", ""}, {"</mark>", "\033[0m", ""}, {"&lt;", "<", "<"},
        {"&gt;", ">", ">"},        {"&amp;", "&", "&"},         {"&quot;", "\"", "\""},
        {"&#39;", "'", "'"},
    };
    fputs("    ", stdout);
    while (*s) {
        size_t k;
        for (k = 0; k < sizeof map / sizeof *map; k++) {
            size_t n = strlen(map[k].from);
            if (strncmp(s, map[k].from, n) == 0) {
                fputs(tty ? map[k].to_tty : map[k].to_plain, stdout);
                s += n;
                break;
            }
        }
        if (k == sizeof map / sizeof *map)
            putchar(*s++);
    }
    putchar('\n');
}

static const char *sval(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

static void print_text(const json_t *res, const secstd_search_request *req, int tty)
{
    json_int_t total = json_integer_value(json_object_get(res, "total"));
    json_t *results = json_object_get(res, "results");
    unsigned first = (req->page - 1) * req->per_page + 1;
    if (total == 0) {
        printf("No standards match.\n");
    } else {
        printf("%s%lld standard%s match; showing %u-%u.\n",
               json_is_false(json_object_get(res, "total_exact")) ? "About " : "", (long long)total,
               total == 1 ? "" : "s", first, first + (unsigned)json_array_size(results) - 1);
    }
    const json_t *q = json_object_get(res, "query");
    if (json_is_true(json_object_get(q, "fallback")))
        printf("(query syntax error: searched for the plain words instead)\n");
    if (json_is_true(json_object_get(q, "relaxed")))
        printf("(%lld standard%s all the words; standards with some of them follow)\n",
               (long long)json_integer_value(json_object_get(q, "all_words_total")),
               json_integer_value(json_object_get(q, "all_words_total")) == 1 ? " has" : "s have");
    const json_t *ignored = json_object_get(q, "ignored");
    if (json_array_size(ignored)) {
        printf("(common words ignored:");
        size_t k;
        const json_t *w;
        json_array_foreach(ignored, k, w) printf("%s %s", k ? "," : "", json_string_value(w));
        printf("; inside a \"quoted phrase\" they count)\n");
    }
    const char *dym = json_string_value(json_object_get(res, "did_you_mean"));
    if (dym)
        printf("Did you mean: %s\n", dym);
    size_t i;
    json_t *r;
    json_array_foreach(results, i, r) {
        printf("\n%2u. %s%s%s  [%s", first + (unsigned)i, tty ? "\033[1m" : "", sval(r, "id"),
               tty ? "\033[0m" : "", sval(r, "sdo"));
        if (*sval(r, "status"))
            printf(" | %s", sval(r, "status"));
        if (*sval(r, "date"))
            printf(" | %s", sval(r, "date"));
        printf("]\n    %s\n", sval(r, "title"));
        print_list("areas", json_object_get(r, "areas"));
        print_list("superseded by", json_object_get(r, "superseded_by"));
        const char *snip = sval(r, "snippet");
        if (*snip && strcmp(snip, sval(r, "title")) != 0)
            print_snippet(snip, tty);
        if (*sval(r, "url"))
            printf("    %s\n", sval(r, "url"));
    }
}

int cmd_search(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"area", required_argument, NULL, 'a'},   {"sdo", required_argument, NULL, 's'},
        {"status", required_argument, NULL, 'S'}, {"type", required_argument, NULL, 't'},
        {"group", required_argument, NULL, 'g'},  {"from", required_argument, NULL, 'F'},
        {"to", required_argument, NULL, 'T'},     {"sort", required_argument, NULL, 'o'},
        {"limit", required_argument, NULL, 'n'},  {"page", required_argument, NULL, 'p'},
        {"all", no_argument, NULL, 'A'},          {"no-synonyms", no_argument, NULL, 'N'},
        {"json", no_argument, NULL, 'j'},         {"data", required_argument, NULL, 'd'},
        {"index", required_argument, NULL, 'i'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    secstd_search_request req;
    secstd_search_request_init(&req);
    const char *data = NULL, *index = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:s:S:t:g:F:T:o:n:p:ANjd:i:h", longopts, NULL)) != -1) {
        int rc = 0;
        switch (c) {
        case 'a': rc = add_filter(&req.area, optarg, "area"); break;
        case 's': rc = add_filter(&req.sdo, optarg, "sdo"); break;
        case 'S': rc = add_filter(&req.status, optarg, "status"); break;
        case 't': rc = add_filter(&req.type, optarg, "type"); break;
        case 'g': rc = add_filter(&req.group, optarg, "group"); break;
        case 'F': req.from = optarg; break;
        case 'T': req.to = optarg; break;
        case 'o':
            if (strcmp(optarg, "date") == 0)
                req.sort_by_date = 1;
            else if (strcmp(optarg, "relevance") != 0) {
                fprintf(stderr, "secstd search: --sort is relevance or date\n");
                return 2;
            }
            break;
        case 'n': rc = parse_uint(optarg, &req.per_page, "limit"); break;
        case 'p': rc = parse_uint(optarg, &req.page, "page"); break;
        case 'A': req.all_records = 1; break;
        case 'N': req.synonyms = 0; break;
        case 'j': json = 1; break;
        case 'd': data = optarg; break;
        case 'i': index = optarg; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return 2;
        }
        if (rc)
            return 2;
    }
    /* The query is the remaining words. */
    char q[SECSTD_QUERY_MAX_LEN + 2] = "";
    size_t n = 0;
    for (int i = optind; i < argc; i++) {
        int w = snprintf(q + n, sizeof q - n, "%s%s", n ? " " : "", argv[i]);
        if (w < 0 || (size_t)w >= sizeof q - n) {
            fprintf(stderr, "secstd search: query is longer than %d bytes\n", SECSTD_QUERY_MAX_LEN);
            return 2;
        }
        n += (size_t)w;
    }
    req.q = q;
    /* Counting (facets) also makes the total exact, up to 10,000 matches:
     * the text output prints the total, so it counts too. */
    req.facets = 1;

    char ibuf[4096];
    const char *index_dir = index ? index : cli_data_path(cli_data_dir(data), "index", ibuf, sizeof ibuf);
    secstd_index *idx;
    char err[1024] = "";
    secstd_status st = secstd_index_open(index_dir, &idx, err, sizeof err);
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd search: %s\n", err);
        return 2;
    }
    json_t *res = NULL;
    const char *param = NULL;
    st = secstd_search(idx, &req, &res, &param, err, sizeof err);
    secstd_index_free(idx);
    if (st != SECSTD_OK) {
        if (param)
            fprintf(stderr, "secstd search: %s: %s\n", param, err);
        else
            fprintf(stderr, "secstd search: %s (%s)\n", err, secstd_status_to_string(st));
        return 2;
    }
    if (json) {
        char *s = json_dumps(res, JSON_INDENT(2));
        if (s)
            printf("%s\n", s);
        free(s);
    } else {
        print_text(res, &req, cli_is_tty(1));
    }
    int found = json_integer_value(json_object_get(res, "total")) > 0;
    json_decref(res);
    return found ? 0 : 1;
}
