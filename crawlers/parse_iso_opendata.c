/* parse_iso_opendata.c — ISO Open Data "deliverables metadata" (JSON
 * Lines, one deliverable per line; also a single JSON object, as the
 * per-record files are) into one record per standard.
 *
 * Fields: reference ("ISO/IEC 27001:2022", "ISO/IEC 19566-7:2022/Amd
 * 1:2025") -> canonical id without year (secstd_ident_parse) and edition
 * year; currentStage (harmonized stage code, e.g. 6060) -> status through
 * the stage table below; replaces/replacedBy (numeric deliverable ids) ->
 * relations, resolved to references within the same listing (the full
 * export holds every deliverable, so they resolve; in a partial listing an
 * unresolvable number is left out rather than invented); ownerCommittee ->
 * group ("ISO/IEC JTC 1/SC 27" -> "JTC 1/SC 27"); icsCode -> hints
 * "ics:35.030"; scope.en (HTML) -> abstract; publicationDate -> date;
 * edition -> edition.
 * The export has no titles: the record title is the reference until a
 * richer source (Relaton ISO) merges in. Supplements (Amd, Cor) attach to
 * their base standard as editions when the base is in the listing, and
 * stand for it otherwise. Committee titles and ICS labels are not joined
 * here (the classifier uses the codes; see the report of issue 3). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_util.h"
#include "parser.h"

/* Harmonized stage codes (ISO/IEC Directives) -> record status, by range:
 * the first row whose [from, to] holds the stage wins. */
static const struct {
    int from, to;
    const char *status;
} stage_map[] = {
    {9599, 9599, "withdrawn"},      /* 95.99 withdrawn */
    {9500, 9598, "published"},      /* 95.20/95.60: withdrawal ballot */
    {9000, 9099, "published"},      /* 90.xx: review, confirmed, to be revised */
    {6060, 6099, "published"},      /* 60.60 published */
    {98, 98, "withdrawn"},          /* xx.98 project deleted (checked on the last two digits) */
    {0, 6059, "in-development"},    /* 00.00 .. 60.00 */
};

static const char *stage_status(long stage)
{
    for (size_t i = 0; i < sizeof stage_map / sizeof stage_map[0]; i++) {
        long s = stage_map[i].from == 98 ? stage % 100 : stage;
        if (s >= stage_map[i].from && s <= stage_map[i].to)
            return stage_map[i].status;
    }
    return NULL;
}

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : NULL;
}

/* "ISO/IEC JTC 1/SC 27" -> "JTC 1/SC 27"; other committees as written. */
static const char *group_of(const char *committee)
{
    if (committee && strncmp(committee, "ISO/IEC JTC", 11) == 0)
        return committee + 8;
    return committee;
}

/* Canonical id of a reference, e.g. for relations. */
static int ref_ident(const char *reference, secstd_ident *id)
{
    return reference && secstd_ident_or_fallback(reference, "ISO", "", "IS", id) == SECSTD_OK;
}

static secstd_status add_relations(json_t *rec, const char *self, const json_t *ids,
                                   const json_t *by_num, const char *kind)
{
    size_t i;
    json_t *n;
    json_array_foreach(ids, i, n) {
        char key[32];
        snprintf(key, sizeof key, "%lld", (long long)json_integer_value(n));
        secstd_ident id;
        if (!ref_ident(str(by_num, key), &id) || strcmp(id.id, self) == 0)
            continue; /* another edition of this standard, or not in the listing */
        if (secstd_rec_relate(rec, kind, id.id) != SECSTD_OK)
            return SECSTD_ERR_NOMEM;
    }
    return SECSTD_OK;
}

static secstd_status deliverable(const json_t *d, size_t line, const json_t *by_num,
                                 secstd_collector *out, json_t *supplements, char *err,
                                 size_t errlen)
{
    const char *reference = str(d, "reference");
    secstd_ident id;
    if (!reference || !ref_ident(reference, &id)) {
        secstd_errf(err, errlen, "line %zu: deliverable without a usable reference", line);
        return SECSTD_ERR_PARSE;
    }
    json_t *rec = secstd_rec_new(&id);
    if (!rec)
        return SECSTD_ERR_NOMEM;
    const char *type = str(d, "deliverableType");
    secstd_status st = SECSTD_OK;
    if (type && strlen(type) <= 40)
        st = secstd_rec_set(rec, "type", type);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "title", reference);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "edition_id", reference);
    json_t *stage = json_object_get(d, "currentStage");
    const char *status = json_is_integer(stage) ? stage_status((long)json_integer_value(stage)) : NULL;
    if (status && strcmp(status, "withdrawn") == 0 && json_array_size(json_object_get(d, "replacedBy")) > 0)
        status = "superseded";
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", status);
    const char *date = str(d, "publicationDate");
    if (st == SECSTD_OK && date && strlen(date) == 10)
        st = secstd_rec_set(rec, "date", date);
    json_t *edition = json_object_get(d, "edition");
    if (st == SECSTD_OK && json_is_integer(edition)) {
        char ed[128];
        snprintf(ed, sizeof ed, "%s%s%lld", id.part[0] ? id.part : "", id.part[0] ? ", edition " : "",
                 (long long)json_integer_value(edition));
        ed[63] = '\0'; /* schema maximum; part texts are short */
        st = secstd_rec_set(rec, "edition", ed);
    }
    const char *group = group_of(str(d, "ownerCommittee"));
    if (st == SECSTD_OK && group && strlen(group) <= 80)
        st = secstd_rec_set(rec, "group", group);
    char *abs = secstd_html_to_text(str(json_object_get(d, "scope"), "en"));
    if (st == SECSTD_OK && abs && *abs && strlen(abs) <= 20000)
        st = secstd_rec_set(rec, "abstract", abs);
    free(abs);
    size_t i;
    json_t *ics;
    json_array_foreach(json_object_get(d, "icsCode"), i, ics) {
        const char *code = json_string_value(ics);
        char hint[64];
        if (st == SECSTD_OK && code && strlen(code) < 40) {
            snprintf(hint, sizeof hint, "ics:%s", code);
            st = secstd_rec_add(rec, "hints", hint);
        }
    }
    json_t *num = json_object_get(d, "id");
    if (st == SECSTD_OK && json_is_integer(num)) {
        char url[80];
        snprintf(url, sizeof url, "https://www.iso.org/standard/%lld.html", (long long)json_integer_value(num));
        st = secstd_rec_set(rec, "url", url);
    }
    if (st == SECSTD_OK)
        st = add_relations(rec, id.id, json_object_get(d, "replaces"), by_num, "supersedes");
    if (st == SECSTD_OK)
        st = add_relations(rec, id.id, json_object_get(d, "replacedBy"), by_num, "superseded_by");
    if (st != SECSTD_OK) {
        json_decref(rec);
        secstd_errf(err, errlen, "line %zu: %s: cannot build record", line, reference);
        return st;
    }
    if (id.part[0] || str(d, "supplementType"))
        return json_array_append_new(supplements, rec) == 0 ? SECSTD_OK : SECSTD_ERR_NOMEM;
    return secstd_collector_add(out, rec);
}

/* One JSON value per line; or the whole body is one object. */
static secstd_status load_lines(const secstd_parse_input *in, json_t *items, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *whole = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
    if (json_is_object(whole)) {
        json_array_append_new(items, json_pack("{s:i, s:O}", "line", 1, "d", whole));
        json_decref(whole);
        return SECSTD_OK;
    }
    json_decref(whole);
    size_t pos = 0, line = 0;
    while (pos < in->len) {
        const char *nl = memchr(in->body + pos, '\n', in->len - pos);
        size_t end = nl ? (size_t)(nl - in->body) : in->len;
        line++;
        size_t s = pos;
        while (s < end && (in->body[s] == ' ' || in->body[s] == '\t' || in->body[s] == '\r'))
            s++;
        if (s < end) {
            json_t *d = json_loadb(in->body + s, end - s, JSON_REJECT_DUPLICATES, &jerr);
            if (!json_is_object(d)) {
                secstd_errf(err, errlen, "line %zu, column %d: %s", line, jerr.column,
                            d ? "not a JSON object" : jerr.text);
                json_decref(d);
                return SECSTD_ERR_PARSE;
            }
            json_array_append_new(items, json_pack("{s:I, s:o}", "line", (json_int_t)line, "d", d));
        }
        pos = end + 1;
    }
    return SECSTD_OK;
}

secstd_status secstd_parse_iso_opendata(const secstd_parse_input *in, secstd_collector *out,
                                        char *err, size_t errlen)
{
    if (in->len > SECSTD_JSON_MAX_BYTES) {
        secstd_errf(err, errlen, "body of %zu bytes exceeds the limit", in->len);
        return SECSTD_ERR_TOO_LARGE;
    }
    json_t *items = json_array(), *by_num = json_object(), *supplements = json_array();
    secstd_status st = load_lines(in, items, err, errlen);
    size_t i;
    json_t *it;
    /* Pass 1: deliverable number -> reference, for replaces/replacedBy. */
    json_array_foreach(items, i, it) {
        const json_t *d = json_object_get(it, "d");
        json_t *num = json_object_get(d, "id");
        const char *ref = str(d, "reference");
        if (json_is_integer(num) && ref) {
            char key[32];
            snprintf(key, sizeof key, "%lld", (long long)json_integer_value(num));
            json_object_set_new(by_num, key, json_string(ref));
        }
    }
    json_array_foreach(items, i, it) {
        if (st != SECSTD_OK)
            break;
        if (!str(json_object_get(it, "d"), "reference")) {
            secstd_errf(err, errlen, "line %lld: not an ISO deliverable (no \"reference\")",
                        (long long)json_integer_value(json_object_get(it, "line")));
            st = SECSTD_ERR_PARSE;
            break;
        }
        st = deliverable(json_object_get(it, "d"), (size_t)json_integer_value(json_object_get(it, "line")),
                         by_num, out, supplements, err, errlen);
    }
    /* Pass 2: supplements attach to their base when it is present. */
    json_t *rec;
    json_array_foreach(supplements, i, rec) {
        if (st != SECSTD_OK)
            break;
        const char *id = json_string_value(json_object_get(rec, "id"));
        if (secstd_collector_get(out, id)) {
            json_t *ed = json_object();
            static const char *const keys[] = {"date", "edition", "status", "url"};
            json_object_set(ed, "id", json_object_get(rec, "edition_id"));
            for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
                if (json_object_get(rec, keys[k]))
                    json_object_set(ed, keys[k], json_object_get(rec, keys[k]));
            st = secstd_collector_add_edition(out, id, ed);
        } else {
            st = secstd_collector_add(out, json_incref(rec));
        }
    }
    if (st == SECSTD_OK && json_array_size(items) == 0) {
        secstd_errf(err, errlen, "line 1: no deliverables");
        st = SECSTD_ERR_PARSE;
    }
    json_decref(items);
    json_decref(by_num);
    json_decref(supplements);
    return st;
}
