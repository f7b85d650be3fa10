/* parse_ieee_idams.c — IEEE Xplore standards metadata in the IDAMS
 * Exchange XML format (DTD "ieee_idams_exchange.dtd"): one <publication>
 * per document (or several under any wrapper element).
 *
 * The designation (publicationinfo/stdnumber, e.g. "P802.5t/D2.5") goes
 * through secstd_ident_parse() with the IEEE hint, so drafts, amendments
 * and corrigenda attach to their base standard ("IEEE 802.5t") with the
 * full designation as the edition id. The title is the article title (the
 * document's own title; normtitle is only the designation again), the
 * status comes from standard_status and the Draft modifier (table below),
 * ICS codes become "ics:" hints, topical browse terms and packages become
 * keywords, "adopted as ISO/IEC/IEEE ..." becomes identical_to.
 *
 * The XML is read with parse_util's safe reader: no network, no entity
 * substitution, no DTD loading (the DOCTYPE's external DTD is never
 * fetched), size and depth caps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "ident.h"
#include "parser.h"

#define IDAMS_MAX_BODY (64u * 1024u * 1024u)
#define IDAMS_MAX_DEPTH 40

/* (draft?, standard_status) -> record status. An inactive draft is one
 * that was abandoned or replaced by a later draft or the standard. */
static const struct {
    int draft;
    const char *ieee_status;
    const char *status;
} statuses[] = {
    {0, "Active", "published"},
    {0, "Inactive", "withdrawn"},
    {0, "Superseded", "superseded"},
    {0, "Withdrawn", "withdrawn"},
    {1, "Active", "in-development"},
    {1, "Inactive", "withdrawn"},
    {1, "Superseded", "superseded"},
    {1, "Withdrawn", "withdrawn"},
};

static xmlNode *child(const xmlNode *n, const char *name)
{
    for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
        if (secstd_html_is(c, name))
            return c;
    return NULL;
}

static char *child_text(const xmlNode *n, const char *name)
{
    xmlNode *c = child(n, name);
    return c ? secstd_html_text(c) : NULL;
}

static secstd_status parse_publication(xmlNode *pub, secstd_collector *out, char *err,
                                       size_t errlen)
{
    xmlNode *info = child(pub, "publicationinfo");
    char *stdnumber = child_text(info, "stdnumber");
    char *normtitle = child_text(pub, "normtitle");
    const char *designation = stdnumber && *stdnumber ? stdnumber : normtitle;
    secstd_status st = SECSTD_ERR_PARSE;
    json_t *rec = NULL;
    char *title = NULL;
    if (!designation || !*designation) {
        snprintf(err, errlen, "IDAMS publication at line %ld has no stdnumber or normtitle",
                 (long)xmlGetLineNo(pub));
        goto done;
    }
    char full[256];
    if (strncasecmp(designation, "IEEE", 4) == 0)
        secstd_str_copy(full, sizeof full, designation);
    else
        snprintf(full, sizeof full, "IEEE Std %s", designation);
    secstd_ident id;
    if (secstd_ident_parse(full, "IEEE", &id) != SECSTD_OK) {
        snprintf(err, errlen, "IDAMS publication at line %ld: \"%.80s\" is not an IEEE designation",
                 (long)xmlGetLineNo(pub), designation);
        goto done;
    }
    /* Title: the article's title, else the family title. */
    xmlNode *article = child(child(pub, "volume"), "article");
    title = child_text(article, "title");
    if (!title || !*title) {
        free(title);
        title = child_text(pub, "standardsfamilytitle");
    }
    if (!title || !*title) {
        snprintf(err, errlen, "IDAMS publication %s has no title", full);
        goto done;
    }
    rec = json_object();
    if (!rec) {
        st = SECSTD_ERR_NOMEM;
        goto done;
    }
    json_object_set_new(rec, "id", json_string(id.id));
    json_object_set_new(rec, "sdo", json_string("IEEE"));
    json_object_set_new(rec, "type", json_string(id.type[0] ? id.type : "Std"));
    json_object_set_new(rec, "title", json_string(title));
    json_object_set_new(rec, "edition_id", json_string(full));
    secstd_rec_set(rec, "edition", id.edition);

    int draft = id.draft;
    xmlNode *mods = child(info, "standardmodifierset");
    for (xmlNode *m = mods ? mods->children : NULL; m; m = m->next) {
        if (!secstd_html_is(m, "standard_modifier"))
            continue;
        char *t = secstd_html_text(m);
        if (t && strcasecmp(t, "Draft") == 0)
            draft = 1;
        free(t);
    }
    char *ieee_status = child_text(info, "standard_status");
    for (size_t i = 0; ieee_status && i < sizeof statuses / sizeof statuses[0]; i++)
        if (statuses[i].draft == draft && strcasecmp(statuses[i].ieee_status, ieee_status) == 0)
            json_object_set_new(rec, "status", json_string(statuses[i].status));
    free(ieee_status);

    /* Date: the article's original publication date, else the copyright year. */
    xmlNode *ainfo = child(article, "articleinfo");
    for (xmlNode *d = ainfo ? ainfo->children : NULL; d; d = d->next) {
        if (!secstd_html_is(d, "date"))
            continue;
        char *y = child_text(d, "year");
        char *mo = child_text(d, "month");
        char *dy = child_text(d, "day");
        char text[64], date[16];
        snprintf(text, sizeof text, "%s %s %s", dy ? dy : "", mo ? mo : "", y ? y : "");
        if (!json_object_get(rec, "date") && secstd_text_date(text, date, sizeof date) == 0)
            json_object_set_new(rec, "date", json_string(date));
        free(y);
        free(mo);
        free(dy);
    }
    if (!json_object_get(rec, "date")) {
        char *y = child_text(child(child(info, "copyrightgroup"), "copyright"), "year");
        char date[16];
        if (y && secstd_text_date(y, date, sizeof date) == 0)
            json_object_set_new(rec, "date", json_string(date));
        free(y);
    }
    char *abstract = child_text(ainfo, "abstract");
    secstd_rec_set(rec, "abstract", abstract);
    free(abstract);

    /* Keywords and hints. */
    static const struct {
        const char *set, *item, *key;
    } lists[] = {
        {"pubtopicalbrowseset", "pubtopicalbrowse", "keywords"},
        {"standardpackageset", "standard_package", "keywords"},
    };
    for (size_t l = 0; l < sizeof lists / sizeof lists[0]; l++) {
        xmlNode *set = child(info, lists[l].set);
        for (xmlNode *k = set ? set->children : NULL; k; k = k->next) {
            if (!secstd_html_is(k, lists[l].item))
                continue;
            char *t = secstd_html_text(k);
            if (t && strlen(t) <= 200)
                secstd_rec_add(rec, lists[l].key, t);
            free(t);
        }
    }
    xmlNode *kwset = child(ainfo, "keywordset");
    for (xmlNode *k = kwset ? kwset->children : NULL; k; k = k->next) {
        char *t = secstd_html_is(k, "keyword") ? child_text(k, "keywordterm") : NULL;
        if (t && strlen(t) <= 200)
            secstd_rec_add(rec, "keywords", t);
        free(t);
    }
    xmlNode *ics = child(info, "icscodes");
    for (xmlNode *c = ics ? ics->children : NULL; c; c = c->next) {
        char *code = secstd_html_is(c, "code_term") ? secstd_html_attr(c, "codenum") : NULL;
        if (code && strlen(code) < 60) {
            char hint[80];
            snprintf(hint, sizeof hint, "ics:%s", code);
            secstd_rec_add(rec, "hints", hint);
        }
        free(code);
    }
    /* "adopted as ISO/IEC/IEEE 8802-1AE" in the title. */
    const char *adopted = strstr(title, "adopted as ");
    if (adopted) {
        char buf[128];
        secstd_str_copy(buf, sizeof buf, adopted + strlen("adopted as "));
        buf[strcspn(buf, ")],;")] = '\0';
        secstd_ident twin;
        if (secstd_ident_parse(buf, NULL, &twin) == SECSTD_OK) {
            secstd_rec_relate(rec, "identical_to", twin.id);
            secstd_rec_add(rec, "aliases", twin.id);
        }
    }
    char *doi = child_text(ainfo, "articledoi");
    if (doi && *doi) {
        char url[300];
        snprintf(url, sizeof url, "https://doi.org/%s", doi);
        json_object_set_new(rec, "url", json_string(url));
    } else {
        char *amsid = child_text(ainfo, "amsid");
        if (amsid && *amsid && strspn(amsid, "0123456789") == strlen(amsid)) {
            char url[120];
            snprintf(url, sizeof url, "https://ieeexplore.ieee.org/document/%s", amsid);
            json_object_set_new(rec, "url", json_string(url));
        }
        free(amsid);
    }
    free(doi);
    st = secstd_collector_add(out, rec);
    rec = NULL;
done:
    json_decref(rec);
    free(title);
    free(stdnumber);
    free(normtitle);
    return st;
}

secstd_status secstd_parse_ieee_idams(const secstd_parse_input *in, secstd_collector *out,
                                      char *err, size_t errlen)
{
    xmlDocPtr doc;
    secstd_status st = secstd_xml_read_limited(in->body, in->len, in->url, IDAMS_MAX_BODY,
                                            IDAMS_MAX_DEPTH, &doc, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(doc);
    size_t found = 0;
    if (secstd_html_is(root, "publication")) {
        found = 1;
        st = parse_publication(root, out, err, errlen);
    } else {
        for (xmlNode *c = root->children; c && st == SECSTD_OK; c = c->next)
            if (secstd_html_is(c, "publication")) {
                found++;
                st = parse_publication(c, out, err, errlen);
            }
    }
    if (st == SECSTD_OK && found == 0) {
        snprintf(err, errlen, "no IDAMS <publication> element (root is <%s>)",
                 root && root->name ? (const char *)root->name : "?");
        st = SECSTD_ERR_PARSE;
    }
    xmlFreeDoc(doc);
    return st;
}
