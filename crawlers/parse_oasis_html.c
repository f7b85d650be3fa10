/* parse_oasis_html.c — the OASIS Open standards listing
 * (https://www.oasis-open.org/standards/), whole page or fragments.
 *
 * Each standard is one <details class="filterable__item ... standard">
 * with data-title and data-approved_date (Unix time), class tokens
 * technology-* (areas: become keywords and "oasis-technology:" hints),
 * standard_type-*, project_committee-* (the TC), h2.standard__title,
 * div.standard__description, "Produced by:" TC link, and the "Cite as:"
 * citation whose bracketed label ("[csaf-v2.0]") is the document's short
 * name. The record id is "OASIS <label>" normalised by secstd_ident_parse
 * (schema/ident.h: "OASIS csaf-v2.0"); further labels of the same entry
 * (multi-part standards such as AMQP, errata) become aliases. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "ident.h"
#include "parser.h"

/* Technology class tokens to readable keywords. Unknown tokens are kept
 * as their slug. */
static const struct {
    const char *slug;
    const char *keyword;
} technologies[] = {
    {"cybersec", "cybersecurity"},
    {"iot", "Internet of Things"},
    {"messaging", "messaging"},
    {"eb", "e-business"},
    {"cloud", "cloud"},
    {"privacy", "privacy"},
    {"security", "security"},
    {"identity", "identity"},
    {"legal", "legal"},
    {"content", "content"},
    {"emergency", "emergency management"},
};

/* standard_type-* tokens to the record type. */
static const struct {
    const char *slug;
    const char *type;
} kinds[] = {
    {"oasis-standard", "OASIS Standard"},
    {"oasis-committee-project-specification", "Committee Specification"},
    {"committee-specification", "Committee Specification"},
    {"approved-errata", "Approved Errata"},
    {"committee-note", "Committee Note"},
};

static const char *lookup_tech(const char *slug)
{
    for (size_t i = 0; i < sizeof technologies / sizeof technologies[0]; i++)
        if (strcmp(technologies[i].slug, slug) == 0)
            return technologies[i].keyword;
    return slug;
}

/* Cite-as labels "[...]" within node, in order, unique. */
static size_t cite_labels(xmlNode *node, char labels[][SECSTD_IDENT_MAX], size_t max)
{
    size_t n = 0;
    for (xmlNode *x = node; x && n < max; x = secstd_xml_next_in_tree(x, node)) {
        if (!secstd_html_is(x, "strong"))
            continue;
        char *t = secstd_html_text(x);
        size_t l = t ? strlen(t) : 0;
        if (l > 2 && l < SECSTD_IDENT_MAX - 8 && t[0] == '[' && t[l - 1] == ']') {
            char lab[SECSTD_IDENT_MAX];
            snprintf(lab, sizeof lab, "%.*s", (int)(l - 2), t + 1);
            int dup = 0;
            for (size_t i = 0; i < n; i++)
                dup |= strcasecmp(labels[i], lab) == 0;
            if (!dup && !strchr(lab, ' '))
                secstd_str_copy(labels[n++], SECSTD_IDENT_MAX, lab);
        }
        free(t);
    }
    return n;
}

static secstd_status parse_entry(xmlNode *d, const secstd_parse_input *in, secstd_collector *out,
                                 char *err, size_t errlen)
{
    char *title = secstd_html_attr(d, "data-title");
    char *approved = secstd_html_attr(d, "data-approved_date");
    char *classes = secstd_html_attr(d, "class");
    char *description = NULL, *tc = NULL, *tc_url = NULL, *clean_title = NULL;
    json_t *rec = NULL;
    secstd_status st = SECSTD_ERR_PARSE;
    char labels[16][SECSTD_IDENT_MAX];
    size_t nlabels = cite_labels(d, labels, 16);

    for (xmlNode *x = d; x; x = secstd_xml_next_in_tree(x, d)) {
        if (!description && secstd_html_is(x, "div") &&
            secstd_html_has_class(x, "standard__description")) {
            /* The description's own paragraphs, not the technology list. */
            xmlNode *p = secstd_html_find(x, "p");
            description = secstd_html_text(p ? p : x);
        } else if (!clean_title && secstd_html_is(x, "h2") &&
                   secstd_html_has_class(x, "standard__title")) {
            clean_title = secstd_html_text(x);
        } else if (!tc && secstd_html_is(x, "h3")) {
            char *h = secstd_html_text(x);
            if (h && strncmp(h, "Produced by", 11) == 0) {
                xmlNode *a = x->next;
                while (a && !secstd_html_is(a, "a"))
                    a = a->next;
                if (a) {
                    tc = secstd_html_text(a);
                    tc_url = secstd_html_attr(a, "href");
                }
            }
            free(h);
        }
    }
    if (!clean_title || !*clean_title) {
        free(clean_title);
        clean_title = secstd_text_collapse(title ? title : "");
    }
    if (!clean_title || !*clean_title) {
        snprintf(err, errlen, "OASIS entry without data-title or h2.standard__title");
        goto done;
    }
    if (nlabels == 0) {
        snprintf(err, errlen, "OASIS entry \"%.60s\" has no citation label ([name])", clean_title);
        goto done;
    }
    char text[SECSTD_IDENT_MAX + 8];
    snprintf(text, sizeof text, "OASIS %s", labels[0]);
    secstd_ident id;
    if (secstd_ident_parse(text, "OASIS", &id) != SECSTD_OK) {
        snprintf(err, errlen, "OASIS citation label \"%s\" is not an identifier", labels[0]);
        goto done;
    }
    rec = json_object();
    if (!rec) {
        st = SECSTD_ERR_NOMEM;
        goto done;
    }
    json_object_set_new(rec, "id", json_string(id.id));
    json_object_set_new(rec, "sdo", json_string("OASIS"));
    json_object_set_new(rec, "title", json_string(clean_title));
    secstd_rec_set(rec, "abstract", description);
    json_object_set_new(rec, "status", json_string("published"));
    if (approved && *approved) {
        char *end;
        long long t = strtoll(approved, &end, 10);
        char date[16];
        if (*end == '\0' && secstd_unix_date(t, date, sizeof date) == 0)
            json_object_set_new(rec, "date", json_string(date));
    }
    /* Class tokens. */
    for (char *p = classes; p && *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        char tok[120];
        snprintf(tok, sizeof tok, "%.*s", (int)(n < sizeof tok - 1 ? n : sizeof tok - 1), p);
        p += n;
        if (strncmp(tok, "technology-", 11) == 0 && tok[11]) {
            secstd_rec_add(rec, "keywords", lookup_tech(tok + 11));
            char hint[140];
            snprintf(hint, sizeof hint, "oasis-technology:%s", tok + 11);
            secstd_rec_add(rec, "hints", hint);
        } else if (strncmp(tok, "standard_type-", 14) == 0) {
            for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
                if (strcmp(kinds[i].slug, tok + 14) == 0)
                    json_object_set_new(rec, "type", json_string(kinds[i].type));
        } else if (strncmp(tok, "project_committee-", 18) == 0 && tok[18] && !tc) {
            char group[140];
            snprintf(group, sizeof group, "%.70s TC", tok + 18);
            json_object_set_new(rec, "group", json_string(group));
        }
    }
    if (tc && *tc) {
        /* "OASIS Common Security Advisory Framework (CSAF) TC" */
        const char *g = strncmp(tc, "OASIS ", 6) == 0 ? tc + 6 : tc;
        if (strlen(g) <= 80)
            json_object_set_new(rec, "group", json_string(g));
    }
    /* Landing page: the "Latest stage" or first HTML link of the citation;
     * else the TC page; else the listing. */
    for (xmlNode *x = d; x; x = secstd_xml_next_in_tree(x, d)) {
        if (!secstd_html_is(x, "div") ||
            !secstd_html_has_class(x, "standard__grid--cite-as"))
            continue;
        char *last = NULL;
        for (xmlNode *a = x; a; a = secstd_xml_next_in_tree(a, x)) {
            if (!secstd_html_is(a, "a"))
                continue;
            char *href = secstd_html_attr(a, "href");
            if (href && strstr(href, ".htm")) {
                free(last);
                last = href;
            } else {
                free(href);
            }
        }
        if (last && strlen(last) < 2000)
            json_object_set_new(rec, "url", json_string(last));
        free(last);
        break;
    }
    if (!json_object_get(rec, "url"))
        secstd_rec_set(rec, "url", tc_url ? tc_url : in->url);
    for (size_t i = 1; i < nlabels; i++) {
        char alias[SECSTD_IDENT_MAX + 8];
        secstd_ident aid;
        snprintf(alias, sizeof alias, "OASIS %s", labels[i]);
        if (secstd_ident_parse(alias, "OASIS", &aid) == SECSTD_OK && strcmp(aid.id, id.id) != 0)
            secstd_rec_add(rec, "aliases", aid.id);
    }
    st = secstd_collector_add(out, rec);
    rec = NULL;
done:
    json_decref(rec);
    free(title);
    free(approved);
    free(classes);
    free(description);
    free(tc);
    free(tc_url);
    free(clean_title);
    return st;
}

secstd_status secstd_parse_oasis_html(const secstd_parse_input *in, secstd_collector *out,
                                      char *err, size_t errlen)
{
    htmlDocPtr doc;
    secstd_status st = secstd_html_read(in->body, in->len, in->url, NULL, &doc, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(doc);
    size_t found = 0;
    for (xmlNode *x = root; x && st == SECSTD_OK;) {
        if (secstd_html_is(x, "details") && secstd_html_has_class(x, "standard") &&
            secstd_html_has_class(x, "filterable__item")) {
            found++;
            st = parse_entry(x, in, out, err, errlen);
            /* Skip the entry's subtree. */
            while (x && x != root && !x->next)
                x = x->parent;
            x = (x && x != root) ? x->next : NULL;
            continue;
        }
        x = secstd_xml_next_in_tree(x, root);
    }
    xmlFreeDoc(doc);
    if (st == SECSTD_OK && found == 0) {
        snprintf(err, errlen, "no OASIS standard entries (details.filterable__item.standard)");
        return SECSTD_ERR_PARSE;
    }
    return st;
}
