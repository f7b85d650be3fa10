/* cmd_overlap.c — `secstd overlap` (cross-body overlap clusters of one
 * technology area) and `secstd coverage` (the area x SDO gap map), as
 * text for a terminal, JSON as the API gives it, or CSV to paste into a
 * liaison statement. The CSV follows RFC 4180 (CRLF, every field that
 * needs it quoted, quotes doubled) and defuses spreadsheet formulas: a
 * cell starting with = + - @ TAB or CR gets a leading apostrophe, so a
 * title from a listing cannot run as a formula in the coordinator's
 * spreadsheet. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "index.h"
#include "overlap.h"
#include "schema.h"

enum format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV };

static int parse_format(const char *s, enum format *out)
{
    static const struct {
        const char *name;
        enum format f;
    } formats[] = {{"text", FORMAT_TEXT}, {"json", FORMAT_JSON}, {"csv", FORMAT_CSV}};
    for (size_t i = 0; i < sizeof formats / sizeof *formats; i++)
        if (strcmp(s, formats[i].name) == 0) {
            *out = formats[i].f;
            return 0;
        }
    return -1;
}

/* One CSV field (RFC 4180), formula-injection defused. */
static void csv_field(FILE *out, const char *s, int last)
{
    if (!s)
        s = "";
    int formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
                  s[0] == '\r';
    int quote = formula || strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (const char *p = s; *p; p++) {
        if (*p == '"')
            fputc('"', out);
        fputc(*p, out);
    }
    if (quote)
        fputc('"', out);
    fputs(last ? "\r\n" : ",", out);
}

static void csv_int(FILE *out, long long v, int last)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    csv_field(out, buf, last);
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int print_json(json_t *j)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!s)
        return 2;
    printf("%s\n", s);
    free(s);
    return 0;
}

/* Opens the index of --data/--index, or reports why not (exit 2). */
static secstd_index *open_index(const char *data, const char *index, const char *cmd)
{
    char ibuf[4096], err[512] = "";
    const char *dir = index ? index : cli_data_path(cli_data_dir(data), "index", ibuf, sizeof ibuf);
    secstd_index *idx = NULL;
    secstd_status st = secstd_index_open(dir, &idx, err, sizeof err);
    if (st != SECSTD_OK)
        fprintf(stderr, "secstd %s: %s\n", cmd, *err ? err : secstd_status_to_string(st));
    return idx;
}

static void overlap_text(const json_t *o)
{
    const json_t *clusters = json_object_get(o, "clusters");
    printf("%s (%s): %lld standards, %lld clusters across bodies%s\n\n", str(o, "label"), str(o, "area"),
           (long long)json_integer_value(json_object_get(o, "standards")),
           (long long)json_integer_value(json_object_get(o, "clusters_total")),
           json_array_size(clusters) < (size_t)json_integer_value(json_object_get(o, "clusters_total"))
               ? " (first ones shown; --limit N for more)"
               : "");
    size_t i, j, k;
    json_t *c, *m, *s;
    json_array_foreach(clusters, i, c) {
        printf("%2zu. %s  [", i + 1, str(c, "label"));
        json_array_foreach(json_object_get(c, "sdos"), k, s) printf("%s%s", k ? ", " : "", json_string_value(s));
        printf("]%s\n", json_is_true(json_object_get(c, "stated")) ? "  (stated links)" : "");
        json_array_foreach(json_object_get(c, "members"), j, m) {
            const char *rel = str(m, "relation");
            char how[64];
            if (strcmp(rel, "similar") == 0)
                snprintf(how, sizeof how, "similar %.2f", json_real_value(json_object_get(m, "score")));
            else
                snprintf(how, sizeof how, "%s", rel);
            printf("    %-24s %-8s %-14s %-10.10s %-16s %s\n", str(m, "id"), str(m, "sdo"), str(m, "status"),
                   str(m, "date"), how, str(m, "title"));
        }
        printf("\n");
    }
}

static void overlap_csv(const json_t *o)
{
    static const char *const head[] = {"cluster", "topic", "bodies", "id", "sdo", "title",
                                       "status", "date", "relation", "score", "in_area"};
    for (size_t h = 0; h < sizeof head / sizeof *head; h++)
        csv_field(stdout, head[h], h + 1 == sizeof head / sizeof *head);
    size_t i, j, k;
    json_t *c, *m, *s;
    json_array_foreach(json_object_get(o, "clusters"), i, c) {
        char bodies[512] = "";
        size_t len = 0;
        json_array_foreach(json_object_get(c, "sdos"), k, s) {
            int n = snprintf(bodies + len, sizeof bodies - len, "%s%s", k ? "; " : "", json_string_value(s));
            if (n < 0 || (size_t)n >= sizeof bodies - len)
                break;
            len += (size_t)n;
        }
        json_array_foreach(json_object_get(c, "members"), j, m) {
            char score[32];
            snprintf(score, sizeof score, "%.2f", json_real_value(json_object_get(m, "score")));
            csv_int(stdout, (long long)(i + 1), 0);
            csv_field(stdout, str(c, "label"), 0);
            csv_field(stdout, bodies, 0);
            csv_field(stdout, str(m, "id"), 0);
            csv_field(stdout, str(m, "sdo"), 0);
            csv_field(stdout, str(m, "title"), 0);
            csv_field(stdout, str(m, "status"), 0);
            csv_field(stdout, str(m, "date"), 0);
            csv_field(stdout, str(m, "relation"), 0);
            csv_field(stdout, score, 0);
            csv_field(stdout, json_is_true(json_object_get(m, "in_area")) ? "yes" : "no", 1);
        }
    }
}

int cmd_overlap(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"area", required_argument, NULL, 'a'},  {"format", required_argument, NULL, 'f'},
        {"limit", required_argument, NULL, 'l'}, {"data", required_argument, NULL, 'd'},
        {"index", required_argument, NULL, 'i'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *index = NULL, *area = NULL;
    enum format format = FORMAT_TEXT;
    unsigned long limit = 50;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "a:f:l:d:i:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'a': area = optarg; break;
        case 'd': data = optarg; break;
        case 'i': index = optarg; break;
        case 'f':
            if (parse_format(optarg, &format) != 0) {
                fprintf(stderr, "secstd overlap: --format must be text, json or csv\n");
                return 2;
            }
            break;
        case 'l':
            limit = strtoul(optarg, &end, 10);
            if (*end || limit < 1 || limit > 1000) {
                fprintf(stderr, "secstd overlap: --limit must be 1..1000\n");
                return 2;
            }
            break;
        case 'h':
            printf("usage: secstd overlap --area AREA [--format text|json|csv] [--limit N]\n"
                   "                      [--data DIR] [--index DIR]\n\n"
                   "Groups of standards from two or more bodies that cover the same subject\n"
                   "in one technology area (`secstd areas` lists them): stated links\n"
                   "(identical texts, transpositions, adoptions) first, then similarity.\n"
                   "Each member with its status, date and how it joined. docs/OVERLAP.md\n"
                   "explains the method. --limit: clusters shown (default 50).\n\n"
                   "Exit status: 0 clusters found, 1 none, 2 error.\n");
            return 0;
        default: return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "secstd overlap: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    if (!area || !secstd_area_lookup(area)) {
        fprintf(stderr, "secstd overlap: %s (see `secstd areas`)\n",
                area ? "unknown --area" : "--area AREA is required");
        return 2;
    }
    secstd_index *idx = open_index(data, index, "overlap");
    if (!idx)
        return 2;
    json_t *o = NULL;
    secstd_status st = secstd_index_overlap(idx, area, (unsigned)limit, &o);
    if (st == SECSTD_ERR_XAPIAN_MODIFIED && secstd_index_reopen(idx) == SECSTD_OK)
        st = secstd_index_overlap(idx, area, (unsigned)limit, &o);
    secstd_index_free(idx);
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd overlap: %s\n", secstd_status_to_string(st));
        return 2;
    }
    int rc = json_array_size(json_object_get(o, "clusters")) ? 0 : 1;
    if (format == FORMAT_JSON)
        rc = print_json(o) ? 2 : rc;
    else if (format == FORMAT_CSV)
        overlap_csv(o);
    else
        overlap_text(o);
    json_decref(o);
    return rc;
}

static long long cell(const json_t *area, const char *sdo, const char *what)
{
    return json_integer_value(json_object_get(json_object_get(json_object_get(area, "cells"), sdo), what));
}

static void coverage_text(const json_t *cov)
{
    const json_t *sdos = json_object_get(cov, "sdos");
    size_t i, j;
    json_t *a, *s;
    printf("Published+in development per area and body (\"-\": nobody; gaps).\n\n%-20s", "AREA");
    json_array_foreach(sdos, j, s) printf(" %7.7s", json_string_value(s));
    printf(" %7s\n", "TOTAL");
    json_array_foreach(json_object_get(cov, "areas"), i, a) {
        printf("%-20s", str(a, "id"));
        json_array_foreach(sdos, j, s) {
            const char *sdo = json_string_value(s);
            long long pub = cell(a, sdo, "published"), dev = cell(a, sdo, "in_development");
            char txt[32];
            if (!pub && !dev)
                snprintf(txt, sizeof txt, "-");
            else if (!dev)
                snprintf(txt, sizeof txt, "%lld", pub);
            else
                snprintf(txt, sizeof txt, "%lld+%lld", pub, dev);
            printf(" %7s", txt);
        }
        printf(" %7lld\n", (long long)json_integer_value(json_object_get(a, "total")));
    }
}

static void coverage_csv(const json_t *cov)
{
    const json_t *sdos = json_object_get(cov, "sdos");
    size_t i, j;
    json_t *a, *s;
    csv_field(stdout, "area", 0);
    csv_field(stdout, "label", 0);
    json_array_foreach(sdos, j, s) {
        char h[96];
        snprintf(h, sizeof h, "%s published", json_string_value(s));
        csv_field(stdout, h, 0);
        snprintf(h, sizeof h, "%s in development", json_string_value(s));
        csv_field(stdout, h, 0);
    }
    csv_field(stdout, "total", 1);
    json_array_foreach(json_object_get(cov, "areas"), i, a) {
        csv_field(stdout, str(a, "id"), 0);
        csv_field(stdout, str(a, "label"), 0);
        json_array_foreach(sdos, j, s) {
            csv_int(stdout, cell(a, json_string_value(s), "published"), 0);
            csv_int(stdout, cell(a, json_string_value(s), "in_development"), 0);
        }
        csv_int(stdout, (long long)json_integer_value(json_object_get(a, "total")), 1);
    }
}

int cmd_coverage(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"format", required_argument, NULL, 'f'}, {"data", required_argument, NULL, 'd'},
        {"index", required_argument, NULL, 'i'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *index = NULL;
    enum format format = FORMAT_TEXT;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "f:d:i:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'i': index = optarg; break;
        case 'f':
            if (parse_format(optarg, &format) != 0) {
                fprintf(stderr, "secstd coverage: --format must be text, json or csv\n");
                return 2;
            }
            break;
        case 'h':
            printf("usage: secstd coverage [--format text|json|csv] [--data DIR] [--index DIR]\n\n"
                   "The gap map: standards per technology area and body, published and in\n"
                   "development separately; empty cells are shown (\"-\" in text, 0 in CSV).\n"
                   "JSON adds the per-year trend of each area.\n");
            return 0;
        default: return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "secstd coverage: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    secstd_index *idx = open_index(data, index, "coverage");
    if (!idx)
        return 2;
    json_t *cov = NULL;
    secstd_status st = secstd_index_coverage(idx, &cov);
    if (st == SECSTD_ERR_XAPIAN_MODIFIED && secstd_index_reopen(idx) == SECSTD_OK)
        st = secstd_index_coverage(idx, &cov);
    secstd_index_free(idx);
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd coverage: %s\n", secstd_status_to_string(st));
        return 2;
    }
    int rc = 0;
    if (format == FORMAT_JSON)
        rc = print_json(cov);
    else if (format == FORMAT_CSV)
        coverage_csv(cov);
    else
        coverage_text(cov);
    json_decref(cov);
    return rc;
}
