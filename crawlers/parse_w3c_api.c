/* parse_w3c_api.c — W3C API responses (https://api.w3.org, HAL+JSON)
 * into records. One response body is parsed at a time; what it yields
 * depends on the resource it is:
 *
 *   specification  /specifications/{shortname}: has "shortname" -> one
 *                  record "W3C <shortname>": title, description (HTML ->
 *                  abstract), shortlink (url), series-version (edition),
 *                  status from _links.latest-version.title.
 *   version        /specifications/{s}/versions/{date}: has "status" and
 *                  "date" -> the record of its specification as of that
 *                  version (title, status, date, dated uri as edition);
 *                  the collector merges it with the specification and the
 *                  other versions, newest first.
 *   spec list      /specifications?page=: _links.specifications[] -> one
 *                  record per entry (shortname from href, title).
 *   version list   /specifications/{s}/versions: _links.version-history[]
 *                  -> the record of {s} (title of the newest entry) with
 *                  every dated version as an edition; no status (the list
 *                  does not say it).
 *   other          editors, deliverers, predecessors, successors: no
 *                  records (SECSTD_OK, nothing added): they describe a
 *                  version, and a crawl follows them only for the group.
 * Anything else (not an object, no _links) is not a W3C API body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "parser.h"

/* Status words of the W3C API -> record status. */
static const struct {
    const char *w3c;
    const char *status;
} status_map[] = {
    {"Recommendation", "published"},
    {"Group Note", "published"},
    {"Working Group Note", "published"},
    {"Interest Group Note", "published"},
    {"Statement", "published"},
    {"Proposed Recommendation", "in-development"},
    {"Proposed Edited Recommendation", "in-development"},
    {"Candidate Recommendation", "in-development"},
    {"Candidate Recommendation Snapshot", "in-development"},
    {"Candidate Recommendation Draft", "in-development"},
    {"Working Draft", "in-development"},
    {"First Public Working Draft", "in-development"},
    {"Last Call Working Draft", "in-development"},
    {"Draft Note", "in-development"},
    {"Superseded Recommendation", "superseded"},
    {"Obsolete Recommendation", "withdrawn"},
    {"Rescinded Recommendation", "withdrawn"},
    {"Retired", "withdrawn"},
    {"Discontinued Draft", "withdrawn"},
};

static const char *map_status(const char *w3c)
{
    for (size_t i = 0; w3c && i < sizeof status_map / sizeof status_map[0]; i++)
        if (strcasecmp(w3c, status_map[i].w3c) == 0)
            return status_map[i].status;
    return NULL;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : NULL;
}

static const char *link_href(const json_t *body, const char *rel)
{
    return str(json_object_get(json_object_get(body, "_links"), rel), "href");
}

/* Shortname and version date from an API URL:
 * ".../specifications/<short>[/versions/<date>...]". */
static int api_path(const char *href, char *shortname, size_t slen, char *date, size_t dlen)
{
    const char *p = href ? strstr(href, "/specifications/") : NULL;
    if (!p)
        return 0;
    p += strlen("/specifications/");
    size_t n = strcspn(p, "/?#");
    if (n == 0 || n >= slen)
        return 0;
    memcpy(shortname, p, n);
    shortname[n] = '\0';
    if (date) {
        date[0] = '\0';
        const char *v = strstr(p, "/versions/");
        if (v) {
            v += strlen("/versions/");
            size_t dn = strcspn(v, "/?#");
            if (dn == 8 && dn < dlen && strspn(v, "0123456789") >= 8)
                snprintf(date, dlen, "%.4s-%.2s-%.2s", v, v + 4, v + 6);
        }
    }
    return 1;
}

static json_t *spec_record(const char *shortname)
{
    char text[SECSTD_IDENT_MAX];
    snprintf(text, sizeof text, "W3C %s", shortname);
    secstd_ident id;
    if (secstd_ident_or_fallback(text, "W3C", "", "TR", &id) != SECSTD_OK)
        return NULL;
    return secstd_rec_new(&id);
}

static secstd_status finish(json_t *rec, secstd_status st, secstd_collector *out)
{
    if (st != SECSTD_OK || !json_object_get(rec, "title")) {
        json_decref(rec);
        return st != SECSTD_OK ? st : SECSTD_ERR_PARSE;
    }
    return secstd_collector_add(out, rec);
}

static secstd_status specification(const json_t *body, secstd_collector *out)
{
    json_t *rec = spec_record(str(body, "shortname"));
    if (!rec)
        return SECSTD_ERR_PARSE;
    secstd_status st = secstd_rec_set(rec, "title", str(body, "title"));
    char *abs = secstd_html_to_text(str(body, "description"));
    if (st == SECSTD_OK && abs && strlen(abs) <= 20000)
        st = secstd_rec_set(rec, "abstract", abs);
    free(abs);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "url", str(body, "shortlink"));
    const char *sv = str(body, "series-version");
    if (st == SECSTD_OK && sv && strlen(sv) <= 64)
        st = secstd_rec_set(rec, "edition", sv);
    const json_t *latest = json_object_get(json_object_get(body, "_links"), "latest-version");
    const char *status = map_status(str(latest, "title"));
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", status);
    /* The latest version's date, from its URL, dates the record. */
    char shortname[100], date[16] = "";
    if (st == SECSTD_OK && api_path(str(latest, "href"), shortname, sizeof shortname, date, sizeof date))
        st = secstd_rec_set(rec, "date", date);
    return finish(rec, st, out);
}

static secstd_status version(const json_t *body, secstd_collector *out)
{
    char shortname[100];
    if (!api_path(link_href(body, "specification"), shortname, sizeof shortname, NULL, 0) &&
        !api_path(link_href(body, "self"), shortname, sizeof shortname, NULL, 0))
        return SECSTD_ERR_PARSE;
    json_t *rec = spec_record(shortname);
    if (!rec)
        return SECSTD_ERR_PARSE;
    secstd_status st = secstd_rec_set(rec, "title", str(body, "title"));
    const char *status = str(body, "status");
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", map_status(status));
    if (st == SECSTD_OK && status && strlen(status) <= 64)
        st = secstd_rec_set(rec, "edition", status);
    const char *date = str(body, "date");
    if (st == SECSTD_OK && date && strlen(date) == 10)
        st = secstd_rec_set(rec, "date", date);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "url", str(body, "shortlink"));
    const char *uri = str(body, "uri");
    const char *tr = uri ? strstr(uri, "/TR/") : NULL;
    if (st == SECSTD_OK && tr) {
        char ed[SECSTD_IDENT_MAX + 80];
        snprintf(ed, sizeof ed, "W3C %s", tr + 4);
        size_t n = strlen(ed);
        while (n > 0 && ed[n - 1] == '/')
            ed[--n] = '\0';
        st = secstd_rec_set(rec, "edition_id", ed);
    }
    return finish(rec, st, out);
}

static secstd_status spec_list(const json_t *list, secstd_collector *out)
{
    size_t i;
    json_t *e;
    secstd_status st = SECSTD_OK;
    json_array_foreach(list, i, e) {
        char shortname[100];
        if (!api_path(str(e, "href"), shortname, sizeof shortname, NULL, 0))
            continue;
        json_t *rec = spec_record(shortname);
        if (!rec)
            continue;
        st = finish(rec, secstd_rec_set(rec, "title", str(e, "title")), out);
        if (st != SECSTD_OK)
            break;
    }
    return st;
}

static secstd_status version_list(const json_t *body, const json_t *list, secstd_collector *out)
{
    char shortname[100];
    if (!api_path(link_href(body, "up"), shortname, sizeof shortname, NULL, 0) ||
        json_array_size(list) == 0)
        return SECSTD_OK;
    json_t *rec = spec_record(shortname);
    if (!rec)
        return SECSTD_ERR_PARSE;
    /* Entries are newest first. */
    json_t *first = json_array_get(list, 0);
    secstd_status st = secstd_rec_set(rec, "title", str(first, "title"));
    char date[16], s2[100];
    if (st == SECSTD_OK && api_path(str(first, "href"), s2, sizeof s2, date, sizeof date))
        st = secstd_rec_set(rec, "date", date);
    json_t *eds = json_array();
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        if (i == 0 || !api_path(str(e, "href"), s2, sizeof s2, date, sizeof date) || !date[0])
            continue;
        char ed[SECSTD_IDENT_MAX + 16];
        snprintf(ed, sizeof ed, "W3C %s (%s)", shortname, date);
        json_array_append_new(eds, json_pack("{s:s, s:s}", "id", ed, "date", date));
    }
    if (json_array_size(eds) > 0)
        json_object_set(rec, "editions", eds);
    json_decref(eds);
    return finish(rec, st, out);
}

secstd_status secstd_parse_w3c_api(const secstd_parse_input *in, secstd_collector *out, char *err,
                                   size_t errlen)
{
    if (in->len > SECSTD_JSON_MAX_BYTES) {
        secstd_errf(err, errlen, "JSON body of %zu bytes exceeds the limit", in->len);
        return SECSTD_ERR_TOO_LARGE;
    }
    json_error_t jerr;
    json_t *body = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!body) {
        secstd_errf(err, errlen, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
        return SECSTD_ERR_PARSE;
    }
    const json_t *links = json_object_get(body, "_links");
    secstd_status st;
    const char *what;
    if (!json_is_object(body) || !json_is_object(links)) {
        st = SECSTD_ERR_PARSE;
        what = "not a W3C API (HAL+JSON) object: no _links";
    } else if (str(body, "shortname")) {
        st = specification(body, out);
        what = "specification without title";
    } else if (str(body, "status") && str(body, "date")) {
        st = version(body, out);
        what = "version without specification link or title";
    } else if (json_is_array(json_object_get(links, "specifications"))) {
        st = spec_list(json_object_get(links, "specifications"), out);
        what = "specification list";
    } else if (json_is_array(json_object_get(links, "version-history"))) {
        st = version_list(body, json_object_get(links, "version-history"), out);
        what = "version history";
    } else {
        st = SECSTD_OK; /* editors, deliverers, predecessors, successors */
        what = "";
    }
    if (st != SECSTD_OK)
        secstd_errf(err, errlen, "line 1: %s", what);
    json_decref(body);
    return st;
}
