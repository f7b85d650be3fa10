/* parse_3gpp_csv.c — the 3GPP specification status database export
 * (semicolon-separated CSV; header as documented by relaton-3gpp:
 * "Spec number;Title;Link;Version;Date;Is TS;Last Name;First Name;
 * Organisation;Responsible Primary;Responsible Secondary;Release;WPM Code
 * 2G;WPM Code 3G;Stage 1 Freeze;Stage 2 Freeze;Stage 3 Freeze;Close
 * Meeting;Project Start;Project End"). No real export is in the shared
 * data, so the test uses a hand-written fixture in this format.
 *
 * One row per specification version. Columns are found by header name
 * (table below), so reordered or extra columns are tolerated; "Spec
 * number" and "Title" are required. The type is TS when "Is TS" is 1/Y/
 * true, TR when 0/N/false, or taken from a "Type" column when present;
 * "TS 33.501" goes through secstd_ident_parse with the 3GPP hint. Version
 * -> edition ("19.4.0"), Release -> part of the edition id
 * ("3GPP TS 33.501:REL-19/19.4.0"), Date -> date, Responsible Primary ->
 * group ("SA3"); an optional "Status" column is mapped through the status
 * table of parse_util (the export has no status of its own: a listed
 * version is an approved, published version). Versions collapse into one
 * record per spec with the latest on top (collector). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csv.h"
#include "parse_util.h"
#include "ident.h"
#include "parser.h"

#define GPP_CSV_MAX_BODY (64u * 1024u * 1024u)

enum { C_SPEC, C_TITLE, C_LINK, C_VERSION, C_DATE, C_IS_TS, C_TYPE, C_GROUP, C_RELEASE, C_STATUS, C_N };

static const secstd_csv_column header_names[] = {
    {"spec number", C_SPEC},  {"spec", C_SPEC},       {"title", C_TITLE},
    {"link", C_LINK},         {"version", C_VERSION}, {"date", C_DATE},
    {"is ts", C_IS_TS},       {"type", C_TYPE},       {"responsible primary", C_GROUP},
    {"wg", C_GROUP},          {"release", C_RELEASE}, {"status", C_STATUS},
};

/* "Is TS" values. */
static const struct {
    const char *value;
    const char *type;
} is_ts_values[] = {
    {"1", "TS"}, {"y", "TS"}, {"yes", "TS"}, {"true", "TS"}, {"ts", "TS"},
    {"0", "TR"}, {"n", "TR"}, {"no", "TR"},  {"false", "TR"}, {"tr", "TR"},
};

static const char *spec_type(const char *is_ts, const char *type)
{
    if (type && (strcasecmp(type, "TS") == 0 || strcasecmp(type, "TR") == 0))
        return toupper((unsigned char)type[1]) == 'S' ? "TS" : "TR";
    for (size_t i = 0; is_ts && i < sizeof is_ts_values / sizeof is_ts_values[0]; i++)
        if (strcasecmp(is_ts, is_ts_values[i].value) == 0)
            return is_ts_values[i].type;
    return NULL;
}

static secstd_status row_record(const char *const *f, size_t line, void *ctx, char *err,
                                size_t errlen)
{
    secstd_collector *out = ctx;
    char *spec = secstd_text_collapse(f[C_SPEC]);
    char *title = secstd_text_collapse(f[C_TITLE]);
    char *version = secstd_text_collapse(f[C_VERSION]);
    char *release = secstd_text_collapse(f[C_RELEASE]);
    secstd_status st = SECSTD_ERR_PARSE;
    json_t *rec = NULL;
    if (!spec || !title || !version || !release) {
        st = SECSTD_ERR_NOMEM;
        goto done;
    }
    const char *type = spec_type(f[C_IS_TS], f[C_TYPE]);
    char text[160];
    if (strncasecmp(spec, "3GPP ", 5) == 0 || strncasecmp(spec, "TS ", 3) == 0 ||
        strncasecmp(spec, "TR ", 3) == 0)
        secstd_str_copy(text, sizeof text, spec);
    else
        snprintf(text, sizeof text, "%s %s", type ? type : "TS", spec);
    secstd_ident id;
    if (!*spec || secstd_ident_parse(text, "3GPP", &id) != SECSTD_OK || strcmp(id.sdo, "3GPP") != 0) {
        snprintf(err, errlen, "line %zu: \"%.60s\" is not a 3GPP specification number", line, spec);
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
    json_object_set_new(rec, "sdo", json_string("3GPP"));
    secstd_rec_set(rec, "type", type ? type : id.type);
    json_object_set_new(rec, "title", json_string(title));
    secstd_rec_set(rec, "edition", version);
    char eid[256];
    if (*release && *version) {
        /* "Rel-19" -> "REL-19" */
        char rel[32];
        size_t o = 0;
        for (const char *p = release; *p && o + 1 < sizeof rel; p++)
            rel[o++] = (char)toupper((unsigned char)*p);
        rel[o] = '\0';
        snprintf(eid, sizeof eid, "%s:%s/%s", id.id, rel, version);
    } else if (*version) {
        snprintf(eid, sizeof eid, "%s %s", id.id, version);
    } else {
        secstd_str_copy(eid, sizeof eid, id.id);
    }
    json_object_set_new(rec, "edition_id", json_string(eid));
    char date[16];
    if (f[C_DATE] && secstd_text_date(f[C_DATE], date, sizeof date) == 0)
        json_object_set_new(rec, "date", json_string(date));
    const char *status = f[C_STATUS] ? secstd_map_status(f[C_STATUS]) : "published";
    if (status)
        json_object_set_new(rec, "status", json_string(status));
    char *group = secstd_text_collapse(f[C_GROUP]);
    if (group && *group && strlen(group) <= 80) {
        json_object_set_new(rec, "group", json_string(group));
        char hint[100];
        snprintf(hint, sizeof hint, "3gpp-wg:%s", group);
        secstd_rec_add(rec, "hints", hint);
    }
    free(group);
    if (f[C_LINK] && *f[C_LINK] && strlen(f[C_LINK]) < 2000)
        json_object_set_new(rec, "url", json_string(f[C_LINK]));
    st = secstd_collector_add(out, rec);
    rec = NULL;
done:
    json_decref(rec);
    free(spec);
    free(title);
    free(version);
    free(release);
    return st;
}

static const secstd_csv_listing listing = {
    .what = "3GPP CSV export",
    .sep = ';',
    .max_len = GPP_CSV_MAX_BODY,
    .columns = header_names,
    .ncolumns = sizeof header_names / sizeof header_names[0],
    .nslots = C_N,
    .dots_are_spaces = 0,
    .required = {C_SPEC, C_TITLE},
    .missing = "line 1: header lacks the \"Spec number\" and \"Title\" columns",
};

secstd_status secstd_parse_3gpp_csv(const secstd_parse_input *in, secstd_collector *out,
                                    char *err, size_t errlen)
{
    return secstd_csv_read_listing(&listing, in->body, in->len, row_record, out, err, errlen);
}
