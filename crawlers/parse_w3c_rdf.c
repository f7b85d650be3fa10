/* parse_w3c_rdf.c — the W3C technical reports index tr.rdf (RDF/XML, the
 * rec54 vocabulary) into one record per specification.
 *
 * tr.rdf has one element per dated version of a report; the element name
 * is its maturity (REC, PR, CR, LastCall, WD, NOTE, ...), rdf:about the
 * dated URL, doc:versionOf the undated "latest version" URL whose last
 * path segment is the shortname. All versions of one shortname collapse
 * into one record "W3C <shortname>": the newest version gives title,
 * status, date and url (the undated URL), the others become "editions".
 * Editors -> authors; org:deliveredBy/contact:homePage -> group (the WG
 * home page path, e.g. "2008/xmlsec") and a "w3c-group:" hint.
 * doc:obsoletes pointing at a version of another shortname, and
 * rdf:Description/supersedes statements about undated URLs, become
 * supersedes relations. The file is RDF/XML as W3C writes it, not
 * arbitrary RDF: other serialisations of the same graph are not read. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_util.h"
#include "parser.h"

/* Maturity element -> record status and edition label. */
static const struct {
    const char *element;
    const char *status;
    const char *label;
} maturity_map[] = {
    {"REC", "published", "Recommendation"},
    {"NOTE", "published", "Group Note"},
    {"PR", "in-development", "Proposed Recommendation"},
    {"PER", "in-development", "Proposed Edited Recommendation"},
    {"CR", "in-development", "Candidate Recommendation"},
    {"LastCall", "in-development", "Last Call Working Draft"},
    {"WD", "in-development", "Working Draft"},
    {"FPWD", "in-development", "First Public Working Draft"},
    {"Superseded", "superseded", "Superseded Recommendation"},
    {"Retired", "withdrawn", "Retired"},
    {"Rescinded", "withdrawn", "Rescinded Recommendation"},
};

/* Shortname from a TR URL: the last non-empty path segment of an undated
 * URL ("http://www.w3.org/TR/media-frags/"), or the dated form
 * ".../TR/2011/WD-media-frags-20110317/" with maturity and date removed. */
static int shortname_of(const char *url, char *out, size_t len)
{
    if (!url)
        return 0;
    const char *tr = strstr(url, "/TR/");
    if (!tr)
        return 0;
    const char *p = tr + 4;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == '/')
        n--;
    const char *seg = p;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '/')
            seg = p + i + 1;
    size_t slen = (size_t)(p + n - seg);
    /* Dated form: "<MAT>-<short>-<YYYYMMDD>". */
    if (seg != p) {
        const char *dash = memchr(seg, '-', slen);
        if (dash && slen > 9 && seg[slen - 9] == '-' &&
            strspn(seg + slen - 8, "0123456789") >= 8) {
            const char *s = dash + 1;
            size_t l = (size_t)(seg + slen - 9 - s);
            if (l == 0 || l >= len)
                return 0;
            memcpy(out, s, l);
            out[l] = '\0';
            return 1;
        }
    }
    if (slen == 0 || slen >= len)
        return 0;
    memcpy(out, seg, slen);
    out[slen] = '\0';
    return 1;
}

static char *resource_of(const xmlNode *node, const char *child)
{
    return secstd_xml_attr(secstd_xml_child(node, child), "resource");
}

static secstd_status w3c_ident(const char *shortname, secstd_ident *id)
{
    char text[SECSTD_IDENT_MAX];
    snprintf(text, sizeof text, "W3C %s", shortname);
    return secstd_ident_or_fallback(text, "W3C", "", "TR", id);
}

static secstd_status version_record(const xmlNode *v, secstd_collector *out, char *err, size_t errlen)
{
    size_t m;
    for (m = 0; m < sizeof maturity_map / sizeof maturity_map[0]; m++)
        if (secstd_xml_is(v, maturity_map[m].element))
            break;
    char *about = secstd_xml_attr(v, "about");
    char *latest = resource_of(v, "versionOf");
    char shortname[100];
    if (!shortname_of(latest, shortname, sizeof shortname) &&
        !shortname_of(about, shortname, sizeof shortname)) {
        secstd_errf(err, errlen, "line %d: <%s> without a usable rdf:about or doc:versionOf",
                    v->line, (const char *)v->name);
        free(about);
        free(latest);
        return SECSTD_ERR_PARSE;
    }
    char *title = secstd_xml_child_text(v, "title");
    if (!title) {
        secstd_errf(err, errlen, "line %d: <%s> %s has no dc:title", v->line,
                    (const char *)v->name, shortname);
        free(about);
        free(latest);
        return SECSTD_ERR_PARSE;
    }
    secstd_ident id;
    secstd_status st = w3c_ident(shortname, &id);
    json_t *rec = st == SECSTD_OK ? secstd_rec_new(&id) : NULL;
    if (!rec) {
        free(about);
        free(latest);
        free(title);
        return st == SECSTD_OK ? SECSTD_ERR_NOMEM : SECSTD_ERR_PARSE;
    }
    st = secstd_rec_set(rec, "title", title);
    free(title);
    int known = m < sizeof maturity_map / sizeof maturity_map[0];
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", known ? maturity_map[m].status : "in-development");
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "edition", known ? maturity_map[m].label : (const char *)v->name);
    char *date = secstd_xml_child_text(v, "date");
    if (st == SECSTD_OK && date && strlen(date) >= 4)
        st = secstd_rec_set(rec, "date", date);
    free(date);
    /* The record links to the undated URL (always the latest); the
     * edition keeps its dated one. */
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "url", latest ? latest : about);
    if (st == SECSTD_OK && about) {
        char ed[SECSTD_IDENT_MAX + 80];
        const char *tr = strstr(about, "/TR/");
        snprintf(ed, sizeof ed, "W3C %s", tr ? tr + 4 : about);
        size_t n = strlen(ed);
        while (n > 0 && ed[n - 1] == '/')
            ed[--n] = '\0';
        st = secstd_rec_set(rec, "edition_id", ed);
    }
    for (xmlNode *c = v->children; c && st == SECSTD_OK; c = c->next) {
        if (secstd_xml_is(c, "editor")) {
            char *name = secstd_xml_child_text(c, "fullName");
            if (name && strlen(name) < 200)
                st = secstd_rec_add(rec, "authors", name);
            free(name);
        } else if (secstd_xml_is(c, "deliveredBy")) {
            char *home = resource_of(c, "homePage");
            const char *path = home ? strstr(home, "w3.org/") : NULL;
            if (path) {
                char group[80];
                snprintf(group, sizeof group, "%s", path + 7);
                size_t n = strlen(group);
                while (n > 0 && group[n - 1] == '/')
                    group[--n] = '\0';
                if (!json_object_get(rec, "group"))
                    st = secstd_rec_set(rec, "group", group);
                char hint[100];
                snprintf(hint, sizeof hint, "w3c-group:%s", group);
                if (st == SECSTD_OK)
                    st = secstd_rec_add(rec, "hints", hint);
            }
            free(home);
        } else if (secstd_xml_is(c, "obsoletes")) {
            char *old = secstd_xml_attr(c, "resource");
            char oldname[100];
            secstd_ident oid;
            if (old && shortname_of(old, oldname, sizeof oldname) &&
                strcmp(oldname, shortname) != 0 && w3c_ident(oldname, &oid) == SECSTD_OK)
                st = secstd_rec_relate(rec, "supersedes", oid.id);
            free(old);
        }
    }
    free(about);
    free(latest);
    if (st != SECSTD_OK) {
        json_decref(rec);
        return st;
    }
    return secstd_collector_add(out, rec);
}

/* rdf:Description about an undated URL: its supersedes statements. */
static secstd_status description(const xmlNode *d, secstd_collector *out)
{
    char *about = secstd_xml_attr(d, "about");
    char name[100];
    secstd_ident id;
    json_t *rec = NULL;
    if (about && shortname_of(about, name, sizeof name) && w3c_ident(name, &id) == SECSTD_OK)
        rec = secstd_collector_get(out, id.id);
    free(about);
    secstd_status st = SECSTD_OK;
    for (xmlNode *c = d->children; rec && c && st == SECSTD_OK; c = c->next) {
        if (!secstd_xml_is(c, "supersedes"))
            continue;
        char *old = secstd_xml_attr(c, "resource");
        char oldname[100];
        secstd_ident oid;
        if (old && shortname_of(old, oldname, sizeof oldname) && w3c_ident(oldname, &oid) == SECSTD_OK)
            st = secstd_rec_relate(rec, "supersedes", oid.id);
        free(old);
    }
    return st;
}

secstd_status secstd_parse_w3c_rdf(const secstd_parse_input *in, secstd_collector *out, char *err,
                                   size_t errlen)
{
    xmlDocPtr doc = NULL;
    secstd_status st = secstd_xml_read_root(in->body, in->len, in->url, "RDF", "rdf:RDF", &doc,
                                            err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(doc);
    for (xmlNode *e = root->children; e && st == SECSTD_OK; e = e->next)
        if (e->type == XML_ELEMENT_NODE && !secstd_xml_is(e, "Description"))
            st = version_record(e, out, err, errlen);
    for (xmlNode *e = root->children; e && st == SECSTD_OK; e = e->next)
        if (secstd_xml_is(e, "Description"))
            st = description(e, out);
    xmlFreeDoc(doc);
    return st;
}
