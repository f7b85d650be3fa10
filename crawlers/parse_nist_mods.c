/* parse_nist_mods.c — NIST Technical Publications in MODS 3.7 XML (the
 * allrecords-MODS.xml of usnistgov/NIST-Tech-Pubs: a modsCollection, one
 * <mods> per publication, catalogue records converted from MARC).
 *
 * The publication number is not a field of its own: it is the series
 * (relatedItem type="series": "NISTIR; NIST IR; ...", "NIST special
 * publication", "Federal information processing standards publication")
 * plus its partNumber, and it is also inside the DOI of the resolver URL
 * (https://doi.org/10.6028/NIST.IR.6229). The DOI form is read first (it
 * is exact), the series title second. titleInfo -> title (+ subTitle),
 * personal names -> authors (deduplicated: MARC repeats the main entry),
 * dateIssued -> date, abstract, subject/topic -> keywords, the DOI ->
 * alias. The catalogue has no status: these are published reports. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "parser.h"

/* Series names of the catalogue (lower-case prefixes) and DOI series
 * codes -> identifier prefix of the record id. */
static const struct {
    const char *series_prefix;  /* start of relatedItem/titleInfo/title */
    const char *doi_code;       /* "NIST.IR." in the DOI */
    const char *id_prefix;
    const char *type;
} series_map[] = {
    {"nistir", "NIST.IR.", "NIST IR", "IR"},
    {"nist ir", "NIST.IR.", "NIST IR", "IR"},
    {"nist interagency", "NIST.IR.", "NIST IR", "IR"},
    {"nist special publication", "NIST.SP.", "NIST SP", "SP"},
    {"nist sp", "NIST.SP.", "NIST SP", "SP"},
    {"federal information processing", "NIST.FIPS.", "NIST FIPS", "FIPS"},
    {"nist fips", "NIST.FIPS.", "NIST FIPS", "FIPS"},
    {"nist technical note", "NIST.TN.", "NIST TN", "TN"},
    {"nist cybersecurity white paper", "NIST.CSWP.", "NIST CSWP", "CSWP"},
};

/* Identifier text from the DOI in a URL ("NIST.IR.6229" -> "NIST IR 6229"). */
static int ident_from_doi(const char *url, char *text, size_t len, const char **type)
{
    for (size_t i = 0; url && i < sizeof series_map / sizeof series_map[0]; i++) {
        const char *m = strstr(url, series_map[i].doi_code);
        if (!m)
            continue;
        const char *num = m + strlen(series_map[i].doi_code);
        size_t n = strcspn(num, "/?# ");
        if (n == 0 || n > 40)
            continue;
        snprintf(text, len, "%s %.*s", series_map[i].id_prefix, (int)n, num);
        *type = series_map[i].type;
        return 1;
    }
    return 0;
}

static int ident_from_series(const xmlNode *mods, char *text, size_t len, const char **type)
{
    for (xmlNode *r = mods->children; r; r = r->next) {
        if (!secstd_xml_is(r, "relatedItem"))
            continue;
        char *rtype = secstd_xml_attr(r, "type");
        int series = rtype && strcmp(rtype, "series") == 0;
        free(rtype);
        if (!series)
            continue;
        const xmlNode *ti = secstd_xml_child(r, "titleInfo");
        char *title = secstd_xml_child_text(ti, "title");
        char *part = secstd_xml_child_text(ti, "partNumber");
        int found = 0;
        for (size_t i = 0; title && part && !found && i < sizeof series_map / sizeof series_map[0]; i++) {
            if (strncasecmp(title, series_map[i].series_prefix, strlen(series_map[i].series_prefix)) == 0) {
                snprintf(text, len, "%s %s", series_map[i].id_prefix, part);
                *type = series_map[i].type;
                found = 1;
            }
        }
        free(title);
        free(part);
        if (found)
            return 1;
    }
    return 0;
}

/* "Grosshandler, William Lytle." -> without the cataloguer's final period
 * (kept after an initial: "Chung, R. M."). */
static void trim_name(char *s)
{
    size_t n = strlen(s);
    if (n > 3 && s[n - 1] == '.' && !(isupper((unsigned char)s[n - 2]) &&
                                      (s[n - 3] == ' ' || s[n - 3] == '.')))
        s[n - 1] = '\0';
}

static secstd_status mods_record(const xmlNode *mods, secstd_collector *out, char *err, size_t errlen)
{
    const xmlNode *ti = secstd_xml_child(mods, "titleInfo");
    char *title = secstd_xml_child_text(ti, "title");
    if (!title) {
        secstd_errf(err, errlen, "line %d: <mods> without titleInfo/title", mods->line);
        return SECSTD_ERR_PARSE;
    }
    char *url = NULL;
    for (xmlNode *loc = mods->children; loc && !url; loc = loc->next)
        if (secstd_xml_is(loc, "location"))
            url = secstd_xml_child_text(loc, "url");
    char text[SECSTD_IDENT_MAX];
    const char *type = NULL;
    if (!ident_from_doi(url, text, sizeof text, &type) &&
        !ident_from_series(mods, text, sizeof text, &type)) {
        secstd_errf(err, errlen, "line %d: <mods> '%.50s' has no NIST series number", mods->line,
                    title);
        free(title);
        free(url);
        return SECSTD_ERR_PARSE;
    }
    secstd_ident id;
    secstd_status st = secstd_ident_or_fallback(text, "NIST", "", type, &id);
    json_t *rec = st == SECSTD_OK ? secstd_rec_new(&id) : NULL;
    if (!rec) {
        free(title);
        free(url);
        return st == SECSTD_OK ? SECSTD_ERR_NOMEM : SECSTD_ERR_PARSE;
    }
    char *sub = secstd_xml_child_text(ti, "subTitle");
    if (sub) {
        size_t n = strlen(title) + strlen(sub) + 3;
        char *full = malloc(n);
        if (full) {
            snprintf(full, n, "%s: %s", title, sub);
            st = secstd_rec_set(rec, "title", full);
            free(full);
        }
    } else {
        st = secstd_rec_set(rec, "title", title);
    }
    free(sub);
    free(title);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", "published");
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "url", url);
    const char *doi = url ? strstr(url, "10.6028/") : NULL;
    if (st == SECSTD_OK && doi && strlen(doi) <= 128)
        st = secstd_rec_add(rec, "aliases", doi);
    free(url);
    for (xmlNode *c = mods->children; c && st == SECSTD_OK; c = c->next) {
        if (secstd_xml_is(c, "name")) {
            char *ntype = secstd_xml_attr(c, "type");
            if (ntype && strcmp(ntype, "personal") == 0) {
                char *name = secstd_xml_child_text(c, "namePart");
                if (name && strlen(name) < 200) {
                    trim_name(name);
                    st = secstd_rec_add(rec, "authors", name);
                }
                free(name);
            }
            free(ntype);
        } else if (secstd_xml_is(c, "originInfo") && !json_object_get(rec, "date")) {
            char *date = secstd_xml_child_text(c, "dateIssued");
            if (date && strlen(date) >= 4 && strspn(date, "0123456789") >= 4) {
                date[4] = '\0';
                st = secstd_rec_set(rec, "date", date);
            }
            free(date);
        } else if (secstd_xml_is(c, "abstract")) {
            char *abs = secstd_xml_text(c);
            if (abs && strlen(abs) <= 20000)
                st = secstd_rec_set(rec, "abstract", abs);
            free(abs);
        } else if (secstd_xml_is(c, "subject")) {
            for (xmlNode *t = c->children; t && st == SECSTD_OK; t = t->next) {
                if (!secstd_xml_is(t, "topic"))
                    continue;
                char *kw = secstd_xml_text(t);
                if (kw && strlen(kw) <= 200)
                    st = secstd_rec_add(rec, "keywords", kw);
                free(kw);
            }
        }
    }
    if (st != SECSTD_OK) {
        json_decref(rec);
        return st;
    }
    return secstd_collector_add(out, rec);
}

secstd_status secstd_parse_nist_mods(const secstd_parse_input *in, secstd_collector *out, char *err,
                                     size_t errlen)
{
    xmlDocPtr doc = NULL;
    secstd_status st = secstd_xml_read(in->body, in->len, in->url, &doc, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (secstd_xml_is(root, "mods")) {
        st = mods_record(root, out, err, errlen);
    } else if (secstd_xml_is(root, "modsCollection")) {
        for (xmlNode *m = root->children; m && st == SECSTD_OK; m = m->next)
            if (secstd_xml_is(m, "mods"))
                st = mods_record(m, out, err, errlen);
    } else {
        secstd_errf(err, errlen, "line %d: root element <%s> is not <modsCollection>", root->line,
                    (const char *)root->name);
        st = SECSTD_ERR_PARSE;
    }
    xmlFreeDoc(doc);
    return st;
}
