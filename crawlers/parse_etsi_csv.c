/* parse_etsi_csv.c — the ETSI standards-search CSV export
 * (https://www.etsi.org/standards, "export"): RFC 4180, comma-separated,
 * one row per deliverable version, multi-line quoted Scope values.
 *
 * Columns are found by header name, not position (the sample's header was
 * rewritten by R with dots: "ETSI.deliverable", "Details.link"; ETSI's own
 * export writes spaces: "ETSI deliverable"), so both spellings map through
 * the column table below. "ETSI TS 102 508 V1.1.1 (2006-03)" gives the id
 * "ETSI TS 102 508" (secstd_ident_parse), edition "V1.1.1", date 2006-03;
 * versions of one deliverable collapse into one record (collector).
 * Titles ending "(3GPP TS 36.521-1 version 12.4.0 Release 12)" or
 * "(oneM2M TS-0003 ...)" are transpositions: relations.transposes.
 * The Scope becomes the abstract unless it is only a meeting reference
 * ("RP-66", "CP-51"), which ETSI writes there for 3GPP transpositions. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "parse_util.h"
#include "ident.h"
#include "parser.h"

#define ETSI_CSV_MAX_BODY (64u * 1024u * 1024u)

enum { C_DELIVERABLE, C_TITLE, C_STATUS, C_DETAILS, C_PDF, C_SCOPE, C_BODY, C_KEYWORDS, C_WKI, C_N };

/* Header names (case-insensitive; '.', '_' and ' ' are equivalent). */
static const secstd_csv_column header_names[] = {
    {"etsi deliverable", C_DELIVERABLE}, {"deliverable", C_DELIVERABLE},
    {"title", C_TITLE},                  {"status", C_STATUS},
    {"details link", C_DETAILS},         {"pdf link", C_PDF},
    {"scope", C_SCOPE},                  {"technical body", C_BODY},
    {"tb", C_BODY},                      {"keywords", C_KEYWORDS},
    {"id", C_WKI},                       {"wki id", C_WKI},
};

/* 1 if s is only a meeting reference such as "RP-66" or "CP-51". */
static int meeting_ref(const char *s)
{
    size_t i = 0;
    while (isupper((unsigned char)s[i]))
        i++;
    if (i == 0 || i > 4 || s[i] != '-')
        return 0;
    i++;
    size_t d = strspn(s + i, "0123456789");
    return d > 0 && s[i + d] == '\0';
}

/* "(3GPP TS 36.521-1 version 12.4.0 Release 12)" -> "3GPP TS 36.521-1". */
static void add_transposition(json_t *rec, const char *title)
{
    static const char *const prefixes[] = {"(3GPP ", "(oneM2M "};
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++) {
        const char *p = strstr(title, prefixes[i]);
        if (!p)
            continue;
        char buf[128];
        secstd_str_copy(buf, sizeof buf, p + 1);
        char *cut = strstr(buf, " version");
        if (!cut)
            cut = strchr(buf, ')');
        if (cut)
            *cut = '\0';
        secstd_ident id;
        if (secstd_ident_parse(buf, NULL, &id) == SECSTD_OK)
            secstd_rec_relate(rec, "transposes", id.id);
    }
}

static secstd_status row_record(const char *const *f, size_t line, void *ctx, char *err,
                                size_t errlen)
{
    secstd_collector *out = ctx;
    char *deliverable = secstd_text_collapse(f[C_DELIVERABLE]);
    char *title = secstd_text_collapse(f[C_TITLE]);
    secstd_status st = SECSTD_ERR_PARSE;
    json_t *rec = NULL;
    if (!deliverable || !title)
        return SECSTD_ERR_NOMEM;
    secstd_ident id;
    if (secstd_ident_parse(deliverable, "ETSI", &id) != SECSTD_OK || strcmp(id.sdo, "ETSI") != 0) {
        snprintf(err, errlen, "line %zu: \"%.80s\" is not an ETSI deliverable", line, deliverable);
        goto done;
    }
    if (!*title) {
        snprintf(err, errlen, "line %zu: %s has no title", line, id.id);
        goto done;
    }
    rec = json_object();
    if (!rec) {
        st = SECSTD_ERR_NOMEM;
        goto done;
    }
    json_object_set_new(rec, "id", json_string(id.id));
    json_object_set_new(rec, "sdo", json_string("ETSI"));
    secstd_rec_set(rec, "type", id.type);
    json_object_set_new(rec, "title", json_string(title));
    json_object_set_new(rec, "edition_id", json_string(deliverable));
    /* Version: "V1.1.1" or "ed.1"; date: the parenthesised (YYYY-MM). */
    char version[64];
    secstd_str_copy(version, sizeof version, id.edition);
    version[strcspn(version, " (")] = '\0';
    secstd_rec_set(rec, "edition", version);
    const char *paren = strrchr(deliverable, '(');
    char date[16];
    if (paren && secstd_text_date(paren, date, sizeof date) == 0)
        json_object_set_new(rec, "date", json_string(date));
    const char *status = secstd_map_status(f[C_STATUS]);
    if (status)
        json_object_set_new(rec, "status", json_string(status));
    char *scope = secstd_text_collapse(f[C_SCOPE]);
    if (scope && *scope && !meeting_ref(scope))
        json_object_set_new(rec, "abstract", json_string(scope));
    free(scope);
    char *body = secstd_text_collapse(f[C_BODY]);
    if (body && *body && strlen(body) <= 80)
        json_object_set_new(rec, "group", json_string(body));
    if (body && *body && strlen(body) <= 90) {
        char hint[100];
        snprintf(hint, sizeof hint, "etsi-tb:%s", body);
        secstd_rec_add(rec, "hints", hint);
    }
    free(body);
    /* Keywords: comma-separated inside the field. */
    char kw[4096];
    secstd_str_copy(kw, sizeof kw, f[C_KEYWORDS] ? f[C_KEYWORDS] : "");
    for (char *k = kw; k && *k;) {
        char *comma = strchr(k, ',');
        if (comma)
            *comma = '\0';
        char *t = secstd_text_collapse(k);
        if (t && *t && strlen(t) <= 200)
            secstd_rec_add(rec, "keywords", t);
        free(t);
        k = comma ? comma + 1 : NULL;
    }
    const char *url = f[C_DETAILS] && *f[C_DETAILS] ? f[C_DETAILS] : f[C_PDF];
    if (url && *url && strlen(url) < 2000)
        json_object_set_new(rec, "url", json_string(url));
    add_transposition(rec, title);
    st = secstd_collector_add(out, rec);
    rec = NULL;
done:
    json_decref(rec);
    free(deliverable);
    free(title);
    return st;
}

static const secstd_csv_listing listing = {
    .what = "ETSI CSV export",
    .sep = ',',
    .max_len = ETSI_CSV_MAX_BODY,
    .columns = header_names,
    .ncolumns = sizeof header_names / sizeof header_names[0],
    .nslots = C_N,
    .dots_are_spaces = 1,
    .required = {C_DELIVERABLE, C_TITLE},
    .missing = "line 1: header lacks the ETSI deliverable and title columns",
};

secstd_status secstd_parse_etsi_csv(const secstd_parse_input *in, secstd_collector *out,
                                    char *err, size_t errlen)
{
    return secstd_csv_read_listing(&listing, in->body, in->len, row_record, out, err, errlen);
}
