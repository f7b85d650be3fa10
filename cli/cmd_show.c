/* cmd_show.c — `secstd show ID` (one standard with its relations resolved
 * both ways: what it states and what other records state about it) and
 * `secstd similar ID` (the most similar standards of other bodies first,
 * stated relations first and labelled). Both take any identifier form the
 * normaliser knows ("X.509", "ISO/IEC 9594-8", "ts 33.501"). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "index.h"

/* Shared option parsing of show/similar; returns -1 to exit with *rc. */
static int parse(int argc, char **argv, const char *cmd, const char *help, const char **data,
                 const char **index, int *json, unsigned long *limit, const char **ident, int *rc)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},  {"index", required_argument, NULL, 'i'},
        {"json", no_argument, NULL, 'j'},        {"limit", required_argument, NULL, 'l'},
        {"help", no_argument, NULL, 'h'},        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:i:jl:h", longopts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': *data = optarg; break;
        case 'i': *index = optarg; break;
        case 'j': *json = 1; break;
        case 'l':
            *limit = strtoul(optarg, &end, 10);
            if (*end || *limit < 1 || *limit > 100) {
                fprintf(stderr, "secstd %s: --limit must be 1..100\n", cmd);
                *rc = 2;
                return -1;
            }
            break;
        case 'h': fputs(help, stdout); *rc = 0; return -1;
        default: *rc = 2; return -1;
        }
    }
    if (optind + 1 != argc) {
        fprintf(stderr, "secstd %s: exactly one identifier expected\n%s", cmd, help);
        *rc = 2;
        return -1;
    }
    *ident = argv[optind];
    return 0;
}

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

static const char *s(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

/* Items of a string array joined by ", " on one line, after a label. */
static void print_list(const char *label, const json_t *arr)
{
    if (json_array_size(arr) == 0)
        return;
    printf("%s", label);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) printf("%s%s", i ? ", " : "", json_string_value(v) ? json_string_value(v) : "");
    printf("\n");
}

/* text word-wrapped at width columns, each line indented. */
static void print_wrapped(const char *text, int indent, int width)
{
    const char *p = text;
    while (*p) {
        while (*p == ' ' || *p == '\n')
            p++;
        if (!*p)
            break;
        int col = 0;
        printf("%*s", indent, "");
        for (;;) {
            size_t w = strcspn(p, " \n");
            if (col > 0 && col + 1 + (int)w > width - indent)
                break;
            printf("%s%.*s", col ? " " : "", (int)w, p);
            col += (col ? 1 : 0) + (int)w;
            p += w;
            if (*p == '\n' || !*p)
                break;
            while (*p == ' ')
                p++;
            if (!*p || *p == '\n')
                break;
        }
        printf("\n");
        if (*p == '\n') {
            while (*p == '\n')
                p++;
            if (*p)
                printf("\n");
        }
    }
}

/* Editions newest first; undated last. */
static int edition_cmp(const void *a, const void *b)
{
    const char *da = json_string_value(json_object_get(*(json_t *const *)a, "date"));
    const char *db = json_string_value(json_object_get(*(json_t *const *)b, "date"));
    if (!da || !db)
        return (da == NULL) - (db == NULL);
    return strcmp(db, da);
}

#define SHOW_EDITIONS 10

static void print_record(const json_t *rec)
{
    printf("%s  [%s | %s | %s]\n%s\n%s\n", s(rec, "id"), s(rec, "sdo"), s(rec, "status"), s(rec, "date"),
           s(rec, "title"), s(rec, "url"));
    if (*s(rec, "type") || *s(rec, "group") || *s(rec, "edition"))
        printf("%s%s%s%s%s%s\n", *s(rec, "type") ? "type: " : "", s(rec, "type"),
               *s(rec, "group") ? (*s(rec, "type") ? "   group: " : "group: ") : "", s(rec, "group"),
               *s(rec, "edition") ? "   edition: " : "", s(rec, "edition"));
    print_list("areas: ", json_object_get(rec, "areas"));
    print_list("also known as: ", json_object_get(rec, "aliases"));
    if (*s(rec, "abstract")) {
        printf("\n");
        print_wrapped(s(rec, "abstract"), 2, 78);
    }
    const json_t *rels = json_object_get(rec, "relations_resolved");
    if (json_array_size(rels)) {
        printf("\nRelations:\n");
        size_t i;
        json_t *r;
        json_array_foreach(rels, i, r)
            printf("  %-16s %-24s %s%s\n", s(r, "label"), s(r, "id"), s(r, "title"),
                   json_is_true(json_object_get(r, "same_record")) ? "(this record's own number at another body)"
                   : json_is_true(json_object_get(r, "found"))     ? ""
                                                                   : "(not in the index)");
    }
    const json_t *eds = json_object_get(rec, "editions");
    size_t n = json_array_size(eds);
    if (n) {
        json_t **v = malloc(n * sizeof *v);
        if (!v)
            return;
        for (size_t i = 0; i < n; i++)
            v[i] = json_array_get(eds, i);
        qsort(v, n, sizeof *v, edition_cmp);
        printf("\nEditions (%zu, newest first):\n", n);
        for (size_t i = 0; i < n && i < SHOW_EDITIONS; i++)
            printf("  %-10s  %-40s %s\n", s(v[i], "date"), s(v[i], "id"), s(v[i], "status"));
        if (n > SHOW_EDITIONS)
            printf("  ... %zu more (--json lists them all)\n", n - SHOW_EDITIONS);
        free(v);
    }
}

static int dump(json_t *j)
{
    char *out = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS);
    if (!out)
        return 2;
    printf("%s\n", out);
    free(out);
    return 0;
}

int cmd_show(int argc, char **argv)
{
    const char *help = "usage: secstd show [--json] [--data DIR] [--index DIR] ID\n\n"
                       "One standard by any form of its identifier: its fields, scope, relations\n"
                       "resolved both ways (identical texts, transpositions, adoptions,\n"
                       "supersessions) and editions, newest first (--json: everything stored).\n"
                       "Exit status: 0 found, 1 not found, 2 error.\n";
    const char *data = NULL, *index = NULL, *ident = NULL;
    int json = 0, rc = 0;
    unsigned long limit = 10;
    if (parse(argc, argv, "show", help, &data, &index, &json, &limit, &ident, &rc) < 0)
        return rc;
    secstd_index *idx = open_index(data, index, "show");
    if (!idx)
        return 2;
    json_t *rec = NULL;
    secstd_status st = secstd_index_get(idx, ident, &rec);
    secstd_index_free(idx);
    if (st == SECSTD_ERR_NOT_FOUND) {
        fprintf(stderr, "secstd show: no standard \"%s\"\n", ident);
        return 1;
    }
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd show: %s\n", secstd_status_to_string(st));
        return 2;
    }
    if (json) {
        rc = dump(rec);
    } else {
        print_record(rec);
    }
    json_decref(rec);
    return rc;
}

int cmd_similar(int argc, char **argv)
{
    const char *help = "usage: secstd similar [--json] [--limit N] [--data DIR] [--index DIR] ID\n\n"
                       "The standards most similar to ID: stated relations first (labelled), then\n"
                       "other bodies' standards, then the same body's, each with a score and the\n"
                       "shared terms that explain it. Exit status: 0, 1 not found, 2 error.\n";
    const char *data = NULL, *index = NULL, *ident = NULL;
    int json = 0, rc = 0;
    unsigned long limit = 10;
    if (parse(argc, argv, "similar", help, &data, &index, &json, &limit, &ident, &rc) < 0)
        return rc;
    secstd_index *idx = open_index(data, index, "similar");
    if (!idx)
        return 2;
    json_t *out = NULL;
    secstd_status st = secstd_index_similar(idx, ident, (unsigned)limit, &out);
    secstd_index_free(idx);
    if (st == SECSTD_ERR_NOT_FOUND) {
        fprintf(stderr, "secstd similar: no standard \"%s\"\n", ident);
        return 1;
    }
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd similar: %s\n", secstd_status_to_string(st));
        return 2;
    }
    if (json) {
        rc = dump(out);
    } else {
        printf("Similar to %s: %s\n", s(out, "id"), s(out, "title"));
        size_t i, j;
        json_t *r, *t;
        json_array_foreach(json_object_get(out, "results"), i, r) {
            if (strcmp(s(r, "why"), "stated") == 0)
                printf("  %-24s %-8s %-15s %s\n", s(r, "id"), s(r, "sdo"), s(r, "relation"), s(r, "title"));
            else {
                printf("  %-24s %-8s %5.1f  %s\n      shared:", s(r, "id"), s(r, "sdo"),
                       json_real_value(json_object_get(r, "score")), s(r, "title"));
                json_array_foreach(json_object_get(r, "shared_terms"), j, t) printf(" %s", json_string_value(t));
                printf("\n");
            }
        }
    }
    json_decref(out);
    return rc;
}
