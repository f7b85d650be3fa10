/* parse_cen_html.c — CEN/CENELEC standards pages (standards.cencenelec.eu,
 * Oracle APEX; UTF-8).
 *
 * Two page kinds:
 *   search results (f?p=205:105): table.dashlist rows of Committee,
 *       Reference (link to the project page) + "(WI=...)" + title, Status;
 *       one row per deliverable edition, amendment (/A1:2005), consolidated
 *       version (+A1:2015) or corrigendum (/AC:2003).
 *   project pages (f?p=CEN:110): th.detail / td pairs: Reference, Title,
 *       Abstract/Scope, Status, date of Availability (DAV), Supersedes,
 *       Superseded by; the technical body in the page title
 *       ("CEN - CEN/TC 279").
 * References go through secstd_ident_parse with the CEN hint ("EN
 * 1325:2014" -> "CEN EN 1325"); rows of one deliverable collapse into one
 * record whose latest edition is on top; amendments and corrigenda attach
 * as "editions" entries of their base. A reference the identifier module
 * does not know whole (e.g. "/AC:2003") is retried as its base ("EN
 * 13254:2000") with the rest as the part. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "ident.h"
#include "parser.h"

#define CEN_SITE "https://standards.cencenelec.eu/dyn/www/"

/* Parses a CEN reference; the part after '/' when the module rejects it. */
static int cen_ident(const char *ref, secstd_ident *id)
{
    if (secstd_ident_parse(ref, "CEN", id) == SECSTD_OK && strcmp(id->sdo, "CEN") == 0)
        return 0;
    const char *slash = strrchr(ref, '/');
    /* "CEN/TS 1:2000" has a slash in the type; only a slash after a ':' is a part. */
    const char *colon = strchr(ref, ':');
    if (!slash || !colon || slash < colon)
        return -1;
    char base[128];
    snprintf(base, sizeof base, "%.*s", (int)(slash - ref < 120 ? slash - ref : 120), ref);
    if (secstd_ident_parse(base, "CEN", id) != SECSTD_OK || strcmp(id->sdo, "CEN") != 0)
        return -1;
    if (!id->part[0])
        secstd_str_copy(id->part, sizeof id->part, slash + 1);
    return 0;
}

static void absolute_url(const char *href, char *out, size_t len)
{
    out[0] = '\0';
    if (!href || !*href)
        return;
    if (strncmp(href, "http://", 7) == 0 || strncmp(href, "https://", 8) == 0)
        secstd_str_copy(out, len, href);
    else
        snprintf(out, len, "%s%s", CEN_SITE, href);
}

/* Adds one deliverable (from a row or a page). rec must have id set by the
 * caller; part non-empty means attach as an edition when the base exists. */
static secstd_status add_deliverable(secstd_collector *out, const char *ref, const secstd_ident *id,
                                     json_t *rec)
{
    if (id->part[0] && secstd_collector_get(out, id->id)) {
        json_t *ed = json_object();
        if (!ed) {
            json_decref(rec);
            return SECSTD_ERR_NOMEM;
        }
        json_object_set_new(ed, "id", json_string(ref));
        json_object_set(ed, "date", json_object_get(rec, "date"));
        secstd_rec_set(ed, "part", id->part);
        secstd_rec_set(ed, "edition", id->edition);
        if (json_object_get(rec, "status"))
            json_object_set(ed, "status", json_object_get(rec, "status"));
        if (json_object_get(rec, "url"))
            json_object_set(ed, "url", json_object_get(rec, "url"));
        if (!json_object_get(ed, "date"))
            json_object_del(ed, "date");
        json_decref(rec);
        return secstd_collector_add_edition(out, id->id, ed);
    }
    return secstd_collector_add(out, rec);
}

static json_t *new_record(const secstd_ident *id, const char *ref, const char *title)
{
    json_t *rec = json_object();
    if (!rec)
        return NULL;
    json_object_set_new(rec, "id", json_string(id->id));
    json_object_set_new(rec, "sdo", json_string("CEN"));
    secstd_rec_set(rec, "type", id->type);
    json_object_set_new(rec, "title", json_string(title));
    json_object_set_new(rec, "edition_id", json_string(ref));
    /* The edition is the year after ':' of the reference ("EN 13250:2014+A1:2015" -> 2015). */
    const char *last = strrchr(ref, ':');
    char date[16];
    if (last && secstd_text_date(last + 1, date, sizeof date) == 0)
        json_object_set_new(rec, "date", json_string(date));
    const char *colon = strchr(ref, ':');
    if (colon)
        secstd_rec_set(rec, "edition", colon + 1);
    return rec;
}

/* --- search results --------------------------------------------------- */

static secstd_status parse_results(xmlNode *table, const secstd_parse_input *in,
                                   secstd_collector *out, char *err, size_t errlen)
{
    (void)in;
    xmlNode *tbody = secstd_html_find(table, "tbody");
    size_t row = 0;
    for (xmlNode *tr = tbody ? tbody->children : NULL; tr; tr = tr->next) {
        if (!secstd_html_is(tr, "tr"))
            continue;
        row++;
        xmlNode *td[4] = {0};
        size_t k = 0;
        for (xmlNode *c = tr->children; c && k < 4; c = c->next)
            if (secstd_html_is(c, "td"))
                td[k++] = c;
        if (k < 3) {
            snprintf(err, errlen, "results row %zu (line %ld): %zu cells, expected Committee, "
                     "Reference/Title, Status", row, (long)xmlGetLineNo(tr), k);
            return SECSTD_ERR_PARSE;
        }
        xmlNode *a = secstd_html_find(td[1], "a");
        char *ref = a ? secstd_html_text(a) : NULL;
        char *href = a ? secstd_html_attr(a, "href") : NULL;
        /* The title is the text after the <br/>. */
        xmlNode *br = secstd_html_find(td[1], "br");
        char *title = NULL;
        if (br) {
            size_t cap = 0;
            for (xmlNode *t = br->next; t; t = t->next)
                cap++;
            (void)cap;
            xmlNode *t = br->next;
            title = t ? secstd_html_text(t) : NULL;
        }
        char *committee = secstd_html_text(td[0]);
        char *status = secstd_html_text(td[2]);
        secstd_ident id;
        secstd_status st = SECSTD_OK;
        if (!ref || !*ref || cen_ident(ref, &id) != 0) {
            snprintf(err, errlen, "results row %zu (line %ld): reference \"%.60s\" is not a CEN "
                     "deliverable", row, (long)xmlGetLineNo(tr), ref ? ref : "");
            st = SECSTD_ERR_PARSE;
        } else if (!title || !*title) {
            snprintf(err, errlen, "results row %zu: %s has no title", row, ref);
            st = SECSTD_ERR_PARSE;
        } else {
            json_t *rec = new_record(&id, ref, title);
            if (!rec) {
                st = SECSTD_ERR_NOMEM;
            } else {
                const char *s = secstd_map_status(status);
                if (s)
                    json_object_set_new(rec, "status", json_string(s));
                if (committee && *committee && strlen(committee) <= 80)
                    json_object_set_new(rec, "group", json_string(committee));
                char url[600];
                absolute_url(href, url, sizeof url);
                /* Drop the session checksum (&cs=...): it expires. */
                char *cs = strstr(url, "&cs=");
                if (cs)
                    *cs = '\0';
                secstd_rec_set(rec, "url", url);
                st = add_deliverable(out, ref, &id, rec);
            }
        }
        free(ref);
        free(href);
        free(title);
        free(committee);
        free(status);
        if (st != SECSTD_OK)
            return st;
    }
    if (row == 0) {
        snprintf(err, errlen, "CEN results table has no rows");
        return SECSTD_ERR_PARSE;
    }
    return SECSTD_OK;
}

/* --- project page ----------------------------------------------------- */

typedef enum { P_REF, P_TITLE, P_SCOPE, P_STATUS, P_DAV, P_SUPERSEDES, P_SUPERSEDED_BY } page_field;
static const struct {
    const char *label; /* th text, compared case-insensitively */
    page_field field;
} page_labels[] = {
    {"Reference", P_REF},
    {"Title", P_TITLE},
    {"Abstract/Scope", P_SCOPE},
    {"Status", P_STATUS},
    {"date of Availability (DAV)", P_DAV},
    {"Supersedes", P_SUPERSEDES},
    {"Superseded by", P_SUPERSEDED_BY},
};

static void relate_links(json_t *rec, const char *self, xmlNode *td, const char *kind)
{
    for (xmlNode *a = td; a; a = secstd_xml_next_in_tree(a, td)) {
        if (!secstd_html_is(a, "a"))
            continue;
        char *t = secstd_html_text(a);
        secstd_ident id;
        if (t && *t && cen_ident(t, &id) == 0 && strcmp(id.id, self) != 0)
            secstd_rec_relate(rec, kind, id.id);
        free(t);
    }
}

static secstd_status parse_project(xmlNode *root, const secstd_parse_input *in,
                                   secstd_collector *out, char *err, size_t errlen)
{
    xmlNode *cell[7] = {0};
    for (xmlNode *x = root; x; x = secstd_xml_next_in_tree(x, root)) {
        if (!secstd_html_is(x, "th") || !secstd_html_has_class(x, "detail"))
            continue;
        char *label = secstd_html_text(x);
        xmlNode *td = x->next;
        while (td && !secstd_html_is(td, "td"))
            td = td->next;
        for (size_t i = 0; label && td && i < sizeof page_labels / sizeof page_labels[0]; i++)
            if (strcasecmp(label, page_labels[i].label) == 0 && !cell[page_labels[i].field])
                cell[page_labels[i].field] = td;
        free(label);
    }
    char *ref = secstd_html_text(cell[P_REF]);
    char *title = secstd_html_text(cell[P_TITLE]);
    secstd_ident id;
    secstd_status st = SECSTD_ERR_PARSE;
    if (!ref || !*ref || cen_ident(ref, &id) != 0) {
        snprintf(err, errlen, "CEN project page: Reference \"%.60s\" is not a CEN deliverable",
                 ref ? ref : "");
        goto done;
    }
    if (!title || !*title) {
        snprintf(err, errlen, "CEN project page for %s has no Title", ref);
        goto done;
    }
    json_t *rec = new_record(&id, ref, title);
    if (!rec) {
        st = SECSTD_ERR_NOMEM;
        goto done;
    }
    char *scope = secstd_html_text(cell[P_SCOPE]);
    if (scope && strlen(scope) > 20000)
        scope[20000] = '\0'; /* schema cap; never cut inside a UTF-8 sequence: */
    if (scope && strlen(scope) == 20000)
        for (size_t n = 20000; n > 0 && ((unsigned char)scope[n - 1] & 0xC0) == 0x80; n--)
            scope[n - 1] = '\0';
    /* CEN writes a placeholder where it has no scope. */
    if (scope && strcasecmp(scope, "No scope available") != 0)
        secstd_rec_set(rec, "abstract", scope);
    free(scope);
    char *status = secstd_html_text(cell[P_STATUS]);
    const char *s = secstd_map_status(status);
    if (s)
        json_object_set_new(rec, "status", json_string(s));
    free(status);
    char *dav = secstd_html_text(cell[P_DAV]);
    char date[16];
    if (dav && secstd_text_date(dav, date, sizeof date) == 0)
        json_object_set_new(rec, "date", json_string(date));
    free(dav);
    if (cell[P_SUPERSEDES])
        relate_links(rec, id.id, cell[P_SUPERSEDES], "supersedes");
    if (cell[P_SUPERSEDED_BY])
        relate_links(rec, id.id, cell[P_SUPERSEDED_BY], "superseded_by");
    /* Technical body: "<title>CEN - CEN/TC 279</title>". */
    char *head = secstd_html_text(secstd_html_find(root, "title"));
    if (head && strncmp(head, "CEN - ", 6) == 0 && strlen(head + 6) <= 80 && head[6])
        json_object_set_new(rec, "group", json_string(head + 6));
    free(head);
    secstd_rec_set(rec, "url", in->url);
    st = add_deliverable(out, ref, &id, rec);
done:
    free(ref);
    free(title);
    return st;
}

secstd_status secstd_parse_cen_html(const secstd_parse_input *in, secstd_collector *out,
                                    char *err, size_t errlen)
{
    htmlDocPtr doc;
    secstd_status st = secstd_html_read(in->body, in->len, in->url, NULL, &doc, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(doc);
    xmlNode *results = NULL;
    int project = 0;
    for (xmlNode *x = root; x && !results; x = secstd_xml_next_in_tree(x, root)) {
        if (secstd_html_is(x, "table") && secstd_html_has_class(x, "dashlist")) {
            xmlNode *th = secstd_html_find(x, "th");
            char *t = th ? secstd_html_text(th) : NULL;
            if (t && strcmp(t, "Committee") == 0)
                results = x;
            else if (t && strcmp(t, "Reference") == 0)
                project = 1;
            free(t);
        }
    }
    if (results)
        st = parse_results(results, in, out, err, errlen);
    else if (project)
        st = parse_project(root, in, out, err, errlen);
    else {
        snprintf(err, errlen, "neither a CEN search-results page nor a project page");
        st = SECSTD_ERR_PARSE;
    }
    xmlFreeDoc(doc);
    return st;
}
