/* parse_ietf_xml.c — the RFC Editor's rfc-index.xml (namespace
 * https://www.rfc-editor.org/rfc-index) into one record per rfc-entry.
 *
 * Both generations of the file are read: old padded ids ("RFC0001") and
 * the current unpadded ones ("RFC1", single-quoted XML declaration). An
 * rfc-entry gives id, title, authors, date, abstract, keywords, status,
 * group (WG acronym), relations (obsoletes/updates in both directions),
 * aliases (is-also BCP/STD/FYI numbers and the DOI) and classifier hints
 * (IETF area, WG, stream). bcp-entry/std-entry/fyi-entry elements are not
 * records of their own: their ids become aliases of their member RFCs, so
 * "BCP 195" finds RFC 8996 and RFC 9325. Sub-series entries come before
 * the RFCs in the file, so they are applied in a second pass.
 * The document goes through secstd_xml_read(): no entities, no network. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "parser.h"

/* Relation elements of rfc-entry -> relation kinds of the record. */
static const struct {
    const char *element;
    const char *kind;
} relation_map[] = {
    {"obsoletes", "supersedes"},
    {"obsoleted-by", "superseded_by"},
    {"updates", "updates"},
    {"updated-by", "updated_by"},
    {"see-also", "related"},
};

/* Lower-cases s in place (hints are compared lower-case). */
static void lower(char *s)
{
    for (; s && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

static secstd_status add_hint(json_t *rec, const char *key, const char *value)
{
    if (!value)
        return SECSTD_OK;
    char hint[100];
    int n = snprintf(hint, sizeof hint, "%s:%s", key, value);
    if (n <= 0 || (size_t)n >= sizeof hint)
        return SECSTD_OK; /* an absurd value is not worth a hint */
    lower(hint);
    return secstd_rec_add(rec, "hints", hint);
}

/* Each doc-id under node (e.g. <obsoletes>) as a canonical id, added with fn. */
static secstd_status add_doc_ids(json_t *rec, const xmlNode *node, const char *kind, int relation)
{
    secstd_status st = SECSTD_OK;
    for (xmlNode *c = node ? node->children : NULL; c && st == SECSTD_OK; c = c->next) {
        if (!secstd_xml_is(c, "doc-id"))
            continue;
        char *text = secstd_xml_text(c);
        secstd_ident id;
        if (text && secstd_ietf_ident(text, &id) == SECSTD_OK)
            st = relation ? secstd_rec_relate(rec, kind, id.id) : secstd_rec_add(rec, kind, id.id);
        free(text);
    }
    return st;
}

static secstd_status add_authors(json_t *rec, const xmlNode *entry)
{
    secstd_status st = SECSTD_OK;
    for (xmlNode *a = entry->children; a && st == SECSTD_OK; a = a->next) {
        if (!secstd_xml_is(a, "author"))
            continue;
        char *name = secstd_xml_child_text(a, "name");
        char *title = secstd_xml_child_text(a, "title");
        if (name) {
            char buf[200];
            snprintf(buf, sizeof buf, "%s%s", name,
                     title && strcasecmp(title, "Editor") == 0 ? ", Ed." : "");
            st = secstd_rec_add(rec, "authors", buf);
        }
        free(name);
        free(title);
    }
    return st;
}

static secstd_status add_date(json_t *rec, const xmlNode *entry)
{
    const xmlNode *date = secstd_xml_child(entry, "date");
    char *year = secstd_xml_child_text(date, "year");
    char *month = secstd_xml_child_text(date, "month");
    char *day = secstd_xml_child_text(date, "day");
    secstd_status st = SECSTD_OK;
    if (year && strlen(year) == 4) {
        char buf[16];
        int m = month ? secstd_month_number(month, strlen(month)) : 0;
        int d = day ? (int)strtol(day, NULL, 10) : 0;
        if (m && d >= 1 && d <= 31)
            snprintf(buf, sizeof buf, "%.4s-%02d-%02d", year, m, d);
        else if (m)
            snprintf(buf, sizeof buf, "%.4s-%02d", year, m);
        else
            snprintf(buf, sizeof buf, "%.4s", year);
        st = secstd_rec_set(rec, "date", buf);
    }
    free(year);
    free(month);
    free(day);
    return st;
}

/* Abstract paragraphs joined by a blank line. */
static secstd_status add_abstract(json_t *rec, const xmlNode *entry)
{
    const xmlNode *abs = secstd_xml_child(entry, "abstract");
    if (!abs)
        return SECSTD_OK;
    size_t cap = 0, len = 0;
    char *out = NULL;
    for (xmlNode *p = abs->children; p; p = p->next) {
        if (p->type != XML_ELEMENT_NODE)
            continue;
        char *t = secstd_xml_text(p);
        if (!t)
            continue;
        size_t tl = strlen(t);
        if (len + tl + 3 > cap) {
            cap = (len + tl + 3) * 2;
            char *grown = realloc(out, cap);
            if (!grown) {
                free(t);
                free(out);
                return SECSTD_ERR_NOMEM;
            }
            out = grown;
        }
        if (len) {
            memcpy(out + len, "\n\n", 2);
            len += 2;
        }
        memcpy(out + len, t, tl + 1);
        len += tl;
        free(t);
    }
    secstd_status st = SECSTD_OK;
    if (out && len > 20000) { /* schema maximum; cut at a UTF-8 boundary */
        size_t cut = 20000;
        while (cut > 0 && ((unsigned char)out[cut] & 0xC0) == 0x80)
            cut--;
        out[cut] = '\0';
    }
    if (out)
        st = secstd_rec_set(rec, "abstract", out);
    free(out);
    return st;
}

static secstd_status rfc_entry(const xmlNode *entry, secstd_collector *out, char *err, size_t errlen)
{
    char *docid = secstd_xml_child_text(entry, "doc-id");
    secstd_ident id;
    if (!docid || secstd_ietf_ident(docid, &id) != SECSTD_OK || strcmp(id.type, "RFC") != 0) {
        secstd_errf(err, errlen, "line %d: rfc-entry with missing or bad doc-id '%s'", entry->line,
                    docid ? docid : "");
        free(docid);
        return SECSTD_ERR_PARSE;
    }
    free(docid);
    char *title = secstd_xml_child_text(entry, "title");
    if (!title) {
        secstd_errf(err, errlen, "line %d: %s has no title", entry->line, id.id);
        return SECSTD_ERR_PARSE;
    }
    json_t *rec = secstd_rec_new(&id);
    if (!rec) {
        free(title);
        return SECSTD_ERR_NOMEM;
    }
    secstd_status st = secstd_rec_set(rec, "title", title);
    free(title);
    if (st == SECSTD_OK)
        st = add_authors(rec, entry);
    if (st == SECSTD_OK)
        st = add_date(rec, entry);
    if (st == SECSTD_OK)
        st = add_abstract(rec, entry);
    const xmlNode *kws = secstd_xml_child(entry, "keywords");
    for (xmlNode *k = kws ? kws->children : NULL; k && st == SECSTD_OK; k = k->next) {
        if (!secstd_xml_is(k, "kw"))
            continue;
        char *kw = secstd_xml_text(k);
        if (kw && strlen(kw) <= 200)
            st = secstd_rec_add(rec, "keywords", kw);
        free(kw);
    }
    char *current = secstd_xml_child_text(entry, "current-status");
    const xmlNode *obsoleted = secstd_xml_child(entry, "obsoleted-by");
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", secstd_ietf_status(current, obsoleted != NULL));
    if (st == SECSTD_OK && current) {
        char *dash = current;
        for (char *p = dash; *p; p++)
            if (*p == ' ')
                *p = '-';
        st = add_hint(rec, "ietf-status", dash);
    }
    free(current);
    for (size_t i = 0; st == SECSTD_OK && i < sizeof relation_map / sizeof relation_map[0]; i++)
        st = add_doc_ids(rec, secstd_xml_child(entry, relation_map[i].element), relation_map[i].kind, 1);
    if (st == SECSTD_OK)
        st = add_doc_ids(rec, secstd_xml_child(entry, "is-also"), "aliases", 0);
    char *doi = secstd_xml_child_text(entry, "doi");
    if (st == SECSTD_OK && doi && strlen(doi) <= 128)
        st = secstd_rec_add(rec, "aliases", doi);
    free(doi);
    char *stream = secstd_xml_child_text(entry, "stream");
    char *area = secstd_xml_child_text(entry, "area");
    char *wg = secstd_xml_child_text(entry, "wg_acronym");
    /* "NON WORKING GROUP" is the RFC Editor's way of saying "none". */
    int real_wg = wg && strcasecmp(wg, "NON WORKING GROUP") != 0 && strlen(wg) <= 80;
    if (st == SECSTD_OK && real_wg)
        st = secstd_rec_set(rec, "group", wg);
    if (st == SECSTD_OK)
        st = add_hint(rec, "ietf-stream", stream);
    if (st == SECSTD_OK)
        st = add_hint(rec, "ietf-area", area);
    if (st == SECSTD_OK && real_wg)
        st = add_hint(rec, "ietf-wg", wg);
    free(stream);
    free(area);
    free(wg);
    unsigned long num = strtoul(id.id + 4, NULL, 10); /* after "RFC " */
    char url[64];
    snprintf(url, sizeof url, "https://www.rfc-editor.org/info/rfc%lu", num);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "url", url);
    if (st != SECSTD_OK) {
        json_decref(rec);
        secstd_errf(err, errlen, "line %d: %s: cannot build record", entry->line, id.id);
        return st;
    }
    return secstd_collector_add(out, rec);
}

/* bcp-entry/std-entry/fyi-entry: alias of each member RFC present. */
static secstd_status subseries_entry(const xmlNode *entry, secstd_collector *out)
{
    char *docid = secstd_xml_child_text(entry, "doc-id");
    secstd_ident sub;
    secstd_status st = SECSTD_OK;
    if (docid && secstd_ietf_ident(docid, &sub) == SECSTD_OK) {
        const xmlNode *members = secstd_xml_child(entry, "is-also");
        for (xmlNode *c = members ? members->children : NULL; c && st == SECSTD_OK; c = c->next) {
            if (!secstd_xml_is(c, "doc-id"))
                continue;
            char *m = secstd_xml_text(c);
            secstd_ident rfc;
            json_t *rec = NULL;
            if (m && secstd_ietf_ident(m, &rfc) == SECSTD_OK)
                rec = secstd_collector_get(out, rfc.id);
            if (rec)
                st = secstd_rec_add(rec, "aliases", sub.id);
            free(m);
        }
    }
    free(docid);
    return st;
}

secstd_status secstd_parse_ietf_xml(const secstd_parse_input *in, secstd_collector *out, char *err,
                                    size_t errlen)
{
    xmlDocPtr doc = NULL;
    secstd_status st = secstd_xml_read_root(in->body, in->len, in->url, "rfc-index",
                                            "rfc-index", &doc, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *e = root->children; e && st == SECSTD_OK; e = e->next)
        if (secstd_xml_is(e, "rfc-entry"))
            st = rfc_entry(e, out, err, errlen);
    for (xmlNode *e = root->children; e && st == SECSTD_OK; e = e->next)
        if (secstd_xml_is(e, "bcp-entry") || secstd_xml_is(e, "std-entry") ||
            secstd_xml_is(e, "fyi-entry"))
            st = subseries_entry(e, out);
    xmlFreeDoc(doc);
    return st;
}
