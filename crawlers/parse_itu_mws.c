/* parse_itu_mws.c — the ITU MWS JSON API (www.itu.int/mws/api/recommendations).
 *
 * One source is several documents, all fed to the same collector:
 *   getRecHdrDetail?idrec=N   one object: the Recommendation edition N
 *                             (rec_name, rec_title, summary, status,
 *                             approval_date, sg, iso_number "Equivalent
 *                             standard: ISO/IEC 14496-10 (Twinned)").
 *   getRecEditions?idrec=N    array, one element per edition, amendment,
 *                             corrigendum or erratum of that Recommendation.
 *   getRecSupplements?idrec=N array of the supplements listed as related.
 * The detail becomes a record; the newest plain edition of the editions
 * array becomes (or merges into) the same record, so the record carries the
 * latest edition's status and date, and all other elements attach as
 * "editions" entries (the collector keeps them whichever document comes
 * first). Supplements are documents of their own ("ITU-T H Suppl. 1" is a
 * supplement to the H series, not an edition of H.264): each becomes a
 * record related to the Recommendation whose page lists it. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_util.h"
#include "ident.h"
#include "parser.h"

#define MWS_MAX_BODY (16u * 1024u * 1024u)
#define MWS_REC_URL "https://www.itu.int/ITU-T/recommendations/rec.aspx?rec=%lld&lang=en"

static const char *jstr(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* idrec of an object as a number (the API writes numbers; tolerate strings). */
static long long jnum(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    if (json_is_integer(v))
        return (long long)json_integer_value(v);
    if (json_is_string(v)) {
        char *end;
        long long n = strtoll(json_string_value(v), &end, 10);
        return *end == '\0' ? n : -1;
    }
    return -1;
}

/* "ITU-T " + name unless name already starts with it. */
static void itu_name(const char *name, char *out, size_t len)
{
    char *clean = secstd_text_collapse(name);
    if (!clean) {
        secstd_str_copy(out, len, name);
        return;
    }
    if (strncmp(clean, "ITU-T ", 6) == 0)
        secstd_str_copy(out, len, clean);
    else
        snprintf(out, len, "ITU-T %s", clean);
    free(clean);
}

/* The edition label ITU writes last in a name: "H.264 (V14) (08/2021)" ->
 * "08/2021". Empty when absent. */
static void edition_label(const char *name, char *out, size_t len)
{
    out[0] = '\0';
    const char *p = strrchr(name, '(');
    if (!p)
        return;
    const char *q = strchr(p, ')');
    if (!q || q - p < 5 || q - p > 12)
        return;
    if (!isdigit((unsigned char)p[1]))
        return;
    snprintf(out, len, "%.*s", (int)(q - p - 1), p + 1);
}

static int itu_ident(const char *name, secstd_ident *id)
{
    return secstd_itu_ident(name, id, NULL, 0);
}

/* "ITU-T Study Group 17" -> "SG17". */
static void study_group(const char *text, char *out, size_t len)
{
    out[0] = '\0';
    const char *p = strstr(text, "Study Group");
    if (!p)
        return;
    p += strlen("Study Group");
    while (*p == ' ')
        p++;
    size_t n = 0;
    while (isdigit((unsigned char)p[n]))
        n++;
    if (n > 0 && n < 4)
        snprintf(out, len, "SG%.*s", (int)n, p);
}

/* "Equivalent standard: ISO/IEC 14496-10 (Twinned)" -> identical_to and
 * aliases. Several may be listed, separated by ',' ';' or " and ". */
/* The ISO/IEC twins listed after the first ':' (the whole text when none). */
static void add_twins(json_t *rec, const char *text)
{
    const char *p = strchr(text, ':');
    secstd_rec_add_iso_twins(rec, p ? p + 1 : text);
}

static void set_status(json_t *obj, const char *text)
{
    const char *st = secstd_map_status(text);
    if (st)
        json_object_set_new(obj, "status", json_string(st));
}

static json_t *new_record(const secstd_ident *id)
{
    json_t *rec = json_object();
    if (!rec)
        return NULL;
    json_object_set_new(rec, "id", json_string(id->id));
    json_object_set_new(rec, "sdo", json_string("ITU-T"));
    json_object_set_new(rec, "type", json_string(id->type[0] ? id->type : "Recommendation"));
    return rec;
}

static secstd_status parse_detail(const json_t *o, secstd_collector *out, char *err,
                                  size_t errlen)
{
    const char *name = jstr(o, "rec_name");
    secstd_ident id;
    if (itu_ident(name, &id) != 0) {
        snprintf(err, errlen, "getRecHdrDetail: rec_name \"%.80s\" is not an ITU-T identifier",
                 name);
        return SECSTD_ERR_PARSE;
    }
    char *title = secstd_text_collapse(jstr(o, "rec_title"));
    if (!title || !*title) {
        free(title);
        snprintf(err, errlen, "getRecHdrDetail: %s has no rec_title", id.id);
        return SECSTD_ERR_PARSE;
    }
    json_t *rec = new_record(&id);
    if (!rec) {
        free(title);
        return SECSTD_ERR_NOMEM;
    }
    json_object_set_new(rec, "title", json_string(title));
    free(title);
    char *abstract = secstd_html_fragment_text(jstr(o, "summary"));
    secstd_rec_set(rec, "abstract", abstract);
    free(abstract);
    set_status(rec, jstr(o, "status"));
    char buf[256];
    if (secstd_text_date(jstr(o, "approval_date"), buf, sizeof buf) == 0 ||
        secstd_text_date(name, buf, sizeof buf) == 0)
        json_object_set_new(rec, "date", json_string(buf));
    edition_label(name, buf, sizeof buf);
    secstd_rec_set(rec, "edition", buf);
    char group[16];
    study_group(jstr(o, "sg"), group, sizeof group);
    secstd_rec_set(rec, "group", group);
    long long idrec = jnum(o, "idrec");
    if (idrec > 0) {
        snprintf(buf, sizeof buf, MWS_REC_URL, idrec);
        json_object_set_new(rec, "url", json_string(buf));
    }
    add_twins(rec, jstr(o, "iso_number"));
    char *prov = secstd_text_collapse(jstr(o, "rec_prov_name"));
    /* "Provisional name: H.26L" is a working name, not an identifier. */
    free(prov);
    itu_name(name, buf, sizeof buf);
    json_object_set_new(rec, "edition_id", json_string(buf));

    secstd_status st = secstd_collector_add(out, rec);
    if (st != SECSTD_OK)
        return st;
    /* The collector keeps the newer edition's fields; the study group and
     * twins of an older detail still describe the Recommendation. */
    json_t *kept = secstd_collector_get(out, id.id);
    if (kept && group[0] && !json_object_get(kept, "group"))
        json_object_set_new(kept, "group", json_string(group));
    if (kept)
        {
        secstd_rec_dedupe_editions(kept);
        secstd_rec_drop_own_edition(kept);
    }
    return SECSTD_OK;
}

/* One "editions" entry (or a record when it is the newest edition). */
static json_t *edition_entry(const json_t *e, const secstd_ident *id)
{
    json_t *ed = json_object();
    if (!ed)
        return NULL;
    const char *name = jstr(e, "rec_name");
    char buf[256];
    itu_name(name, buf, sizeof buf);
    json_object_set_new(ed, "id", json_string(buf));
    if (secstd_text_date(name, buf, sizeof buf) == 0) {
        /* "(2007) Cor. 1 (01/2009)": the last date is the part's own. */
        const char *last = strrchr(name, '(');
        if (last && secstd_text_date(last, buf, sizeof buf) == 0)
            json_object_set_new(ed, "date", json_string(buf));
        else if (secstd_text_date(name, buf, sizeof buf) == 0)
            json_object_set_new(ed, "date", json_string(buf));
    }
    edition_label(name, buf, sizeof buf);
    secstd_rec_set(ed, "edition", buf);
    if (id->part[0])
        json_object_set_new(ed, "part", json_string(id->part));
    set_status(ed, jstr(e, "status"));
    long long idrec = jnum(e, "idrec");
    if (idrec > 0) {
        snprintf(buf, sizeof buf, MWS_REC_URL, idrec);
        json_object_set_new(ed, "url", json_string(buf));
    }
    return ed;
}

static secstd_status parse_editions(const json_t *arr, secstd_collector *out, char *err,
                                    size_t errlen)
{
    size_t n = json_array_size(arr);
    if (n == 0)
        return SECSTD_OK;
    /* The newest plain edition (no amendment/corrigendum part) leads. */
    size_t lead = n;
    char lead_date[16] = "";
    char base[SECSTD_IDENT_MAX] = "";
    for (size_t i = 0; i < n; i++) {
        const json_t *e = json_array_get(arr, i);
        secstd_ident id;
        if (!json_is_object(e) || itu_ident(jstr(e, "rec_name"), &id) != 0) {
            snprintf(err, errlen, "getRecEditions: element %zu: rec_name \"%.80s\" is not an "
                     "ITU-T identifier", i, json_is_object(e) ? jstr(e, "rec_name") : "");
            return SECSTD_ERR_PARSE;
        }
        if (!base[0])
            secstd_str_copy(base, sizeof base, id.id);
        else if (strcmp(base, id.id) != 0) {
            snprintf(err, errlen, "getRecEditions: element %zu is %s, not an edition of %s", i,
                     id.id, base);
            return SECSTD_ERR_PARSE;
        }
        char date[16] = "";
        secstd_text_date(jstr(e, "rec_name"), date, sizeof date);
        if (!id.part[0] && (lead == n || strcmp(date, lead_date) > 0)) {
            lead = i;
            secstd_str_copy(lead_date, sizeof lead_date, date);
        }
    }
    if (lead < n && !secstd_collector_get(out, base)) {
        const json_t *e = json_array_get(arr, lead);
        secstd_ident id;
        itu_ident(jstr(e, "rec_name"), &id);
        char *title = secstd_text_collapse(jstr(e, "title"));
        if (title && *title) {
            json_t *rec = new_record(&id);
            json_t *ed = edition_entry(e, &id);
            if (!rec || !ed) {
                json_decref(rec);
                json_decref(ed);
                free(title);
                return SECSTD_ERR_NOMEM;
            }
            json_object_set_new(rec, "title", json_string(title));
            const char *key;
            json_t *v;
            json_object_foreach(ed, key, v) json_object_set(rec, strcmp(key, "id") == 0 ? "edition_id" : key, v);
            json_decref(ed);
            json_object_del(rec, "part");
            secstd_status st = secstd_collector_add(out, rec);
            if (st != SECSTD_OK) {
                free(title);
                return st;
            }
        }
        free(title);
    } else if (lead < n) {
        /* The detail came first: the newest edition still updates it. */
        const json_t *e = json_array_get(arr, lead);
        secstd_ident id;
        itu_ident(jstr(e, "rec_name"), &id);
        json_t *rec = new_record(&id);
        json_t *ed = edition_entry(e, &id);
        json_t *have = secstd_collector_get(out, base);
        if (!rec || !ed) {
            json_decref(rec);
            json_decref(ed);
            return SECSTD_ERR_NOMEM;
        }
        const char *title = jstr(e, "title");
        json_object_set_new(rec, "title",
                            json_string(*title ? title : jstr(have, "title")));
        const char *key;
        json_t *v;
        json_object_foreach(ed, key, v) json_object_set(rec, strcmp(key, "id") == 0 ? "edition_id" : key, v);
        json_decref(ed);
        json_object_del(rec, "part");
        /* Only replaces the lead when it is newer (the collector decides). */
        secstd_status st = secstd_collector_add(out, rec);
        if (st != SECSTD_OK)
            return st;
    }
    json_t *rec = secstd_collector_get(out, base);
    if (!rec)
        return SECSTD_OK; /* no title anywhere: nothing honest to add */
    const char *lead_id = json_string_value(json_object_get(rec, "edition"));
    (void)lead_id;
    for (size_t i = 0; i < n; i++) {
        if (i == lead)
            continue;
        const json_t *e = json_array_get(arr, i);
        secstd_ident id;
        itu_ident(jstr(e, "rec_name"), &id);
        json_t *ed = edition_entry(e, &id);
        if (!ed)
            return SECSTD_ERR_NOMEM;
        secstd_status st = secstd_collector_add_edition(out, base, ed);
        if (st != SECSTD_OK)
            return st;
    }
    secstd_rec_dedupe_editions(rec);
    secstd_rec_drop_own_edition(rec);
    return SECSTD_OK;
}

/* The Recommendation whose page lists these supplements: the idrec in the
 * source URL matched against the records' and editions' URLs. */
static const char *listing_owner(const secstd_collector *out, const char *url)
{
    const char *p = url ? strstr(url, "idrec=") : NULL;
    if (!p)
        return NULL;
    long long idrec = strtoll(p + 6, NULL, 10);
    char want[200];
    snprintf(want, sizeof want, MWS_REC_URL, idrec);
    json_t *recs = secstd_collector_records(out);
    const char *found = NULL;
    size_t i, j;
    json_t *r, *e;
    json_array_foreach(recs, i, r) {
        if (strcmp(jstr(r, "url"), want) == 0)
            found = jstr(r, "id");
        json_array_foreach(json_object_get(r, "editions"), j, e) if (strcmp(jstr(e, "url"), want) == 0)
            found = jstr(r, "id");
        if (found)
            break;
    }
    json_decref(recs); /* records stay owned by the collector */
    return found;
}

static secstd_status parse_supplements(const json_t *arr, const char *url,
                                       secstd_collector *out, char *err, size_t errlen)
{
    const char *owner = listing_owner(out, url);
    size_t i;
    json_t *s;
    json_array_foreach(arr, i, s) {
        const char *name = jstr(s, "rec_name");
        /* A supplement is its own document: "ITU-T H Suppl. 1". The
         * identifier module's form when it has one, else the name without
         * its parenthesised date. */
        char sid[SECSTD_IDENT_MAX];
        secstd_ident id;
        if (itu_ident(name, &id) == 0 && !id.part[0] && strstr(id.id, "Suppl")) {
            secstd_str_copy(sid, sizeof sid, id.id);
        } else {
            char full[256];
            itu_name(name, full, sizeof full);
            char *paren = strchr(full, '(');
            if (paren)
                *paren = '\0';
            char *t = secstd_text_collapse(full);
            if (!t)
                return SECSTD_ERR_NOMEM;
            secstd_str_copy(sid, sizeof sid, t);
            free(t);
        }
        if (strlen(sid) <= 6 || !strstr(sid, "Suppl")) {
            snprintf(err, errlen, "getRecSupplements: element %zu: rec_name \"%.80s\" is not an "
                     "ITU-T supplement", i, name);
            return SECSTD_ERR_PARSE;
        }
        char *title = secstd_text_collapse(jstr(s, "title_text"));
        if (!title || !*title) {
            free(title);
            snprintf(err, errlen, "getRecSupplements: %s has no title_text", sid);
            return SECSTD_ERR_PARSE;
        }
        json_t *rec = json_object();
        if (!rec) {
            free(title);
            return SECSTD_ERR_NOMEM;
        }
        json_object_set_new(rec, "id", json_string(sid));
        json_object_set_new(rec, "sdo", json_string("ITU-T"));
        json_object_set_new(rec, "type", json_string("Supplement"));
        json_object_set_new(rec, "title", json_string(title));
        free(title);
        set_status(rec, jstr(s, "status"));
        char buf[256];
        if (secstd_text_date(name, buf, sizeof buf) == 0)
            json_object_set_new(rec, "date", json_string(buf));
        edition_label(name, buf, sizeof buf);
        secstd_rec_set(rec, "edition", buf);
        secstd_rec_set(rec, "url", jstr(s, "dms_link"));
        itu_name(name, buf, sizeof buf);
        json_object_set_new(rec, "edition_id", json_string(buf));
        if (owner)
            secstd_rec_relate(rec, "related", owner);
        secstd_status st = secstd_collector_add(out, rec);
        if (st != SECSTD_OK)
            return st;
        json_t *base = owner ? secstd_collector_get(out, owner) : NULL;
        if (base)
            secstd_rec_relate(base, "related", sid);
    }
    return SECSTD_OK;
}

secstd_status secstd_parse_itu_mws(const secstd_parse_input *in, secstd_collector *out,
                                   char *err, size_t errlen)
{
    if (in->len > MWS_MAX_BODY) {
        snprintf(err, errlen, "MWS response of %zu bytes exceeds the %u-byte limit", in->len,
                 MWS_MAX_BODY);
        return SECSTD_ERR_TOO_LARGE;
    }
    json_error_t jerr;
    json_t *doc = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        snprintf(err, errlen, "not JSON: line %d column %d: %s", jerr.line, jerr.column,
                 jerr.text);
        return SECSTD_ERR_PARSE;
    }
    secstd_status st;
    if (json_is_object(doc) && json_object_get(doc, "rec_name")) {
        st = parse_detail(doc, out, err, errlen);
    } else if (json_is_array(doc)) {
        const json_t *first = json_array_get(doc, 0);
        if (!first)
            st = SECSTD_OK;
        else if (json_object_get(first, "title_text") || json_object_get(first, "idp_edition"))
            st = parse_supplements(doc, in->url, out, err, errlen);
        else if (json_object_get(first, "rec_name"))
            st = parse_editions(doc, out, err, errlen);
        else {
            snprintf(err, errlen, "JSON array is neither getRecEditions nor getRecSupplements");
            st = SECSTD_ERR_PARSE;
        }
    } else {
        snprintf(err, errlen, "JSON is not an MWS getRecHdrDetail/getRecEditions/"
                              "getRecSupplements response");
        st = SECSTD_ERR_PARSE;
    }
    json_decref(doc);
    return st;
}
