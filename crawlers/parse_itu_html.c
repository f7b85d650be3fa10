/* parse_itu_html.c — ITU-T Recommendation pages as served by www.itu.int.
 *
 * Two page kinds, told apart by their markup:
 *   rec.aspx?rec=N  (UTF-8, ASP.NET): the edition's name in the span
 *       *_lbl_rec, title in td.title, summary in div.summary, a label/value
 *       table (td.cell_left / td.cell_right: "Approval date:", "Identical
 *       standard:" / "Equivalent standard:", "Status:", "Maintenance
 *       responsibility:"), the editions table (spans *_rpt_history_*) and
 *       the related supplements (spans *_lbl_imp_title_e).
 *   T-REC-*!!SUM-HTM-E.htm summaries (Microsoft Word "filtered" HTML in
 *       windows-1252): <title>Summary - ITU-T Rec. Y.3500 (08/2014) Title</title>
 *       and the summary text.
 * The body's declared charset is honoured (libxml2 decodes windows-1252),
 * so every string reaches the record as UTF-8. The page's edition becomes
 * the record; a newer plain edition in the editions table is added too so
 * that the collector keeps the latest edition's status and date on top;
 * amendments, corrigenda, annexes and older editions attach as "editions". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse_util.h"
#include "ident.h"
#include "parser.h"

#define ITU_REC_URL "https://www.itu.int/ITU-T/recommendations/rec.aspx?rec=%s&lang=en"

/* 1 if the element's id attribute ends with suffix. */
static int id_ends(const xmlNode *n, const char *suffix)
{
    char *id = secstd_html_attr(n, "id");
    if (!id)
        return 0;
    size_t a = strlen(id), b = strlen(suffix);
    int r = a >= b && strcmp(id + a - b, suffix) == 0;
    free(id);
    return r;
}

/* 1 if the element's id attribute contains part. */
static int id_has(const xmlNode *n, const char *part)
{
    char *id = secstd_html_attr(n, "id");
    int r = id && strstr(id, part);
    free(id);
    return r;
}

/* Label -> what the value means, for the rec.aspx label/value table. */
typedef enum { F_DATE, F_TWIN, F_STATUS, F_GROUP } field_kind;
static const struct {
    const char *label; /* text of td.cell_left, without the colon */
    field_kind kind;
} labels[] = {
    {"Approval date", F_DATE},
    {"Identical standard", F_TWIN},
    {"Equivalent standard", F_TWIN},
    {"Common text", F_TWIN},
    {"Status", F_STATUS},
    {"Maintenance responsibility", F_GROUP},
};

static void study_group(const char *text, char *out, size_t len)
{
    out[0] = '\0';
    const char *p = strstr(text, "Study Group");
    if (!p)
        return;
    p += strlen("Study Group");
    while (*p == ' ')
        p++;
    size_t n = strspn(p, "0123456789");
    if (n > 0 && n < 4)
        snprintf(out, len, "SG%.*s", (int)n, p);
}

/* "(08/2021)" at the end of a name -> "08/2021". */
static void edition_label(const char *name, char *out, size_t len)
{
    out[0] = '\0';
    const char *p = strrchr(name, '(');
    const char *q = p ? strchr(p, ')') : NULL;
    if (p && q && q - p >= 5 && q - p <= 12 && p[1] >= '0' && p[1] <= '9')
        snprintf(out, len, "%.*s", (int)(q - p - 1), p + 1);
}

/* The date of the last parenthesised group of a name (the part's own). */
static int name_date(const char *name, char *out, size_t len)
{
    const char *last = strrchr(name, '(');
    if (last && secstd_text_date(last, out, len) == 0)
        return 0;
    return secstd_text_date(name, out, len);
}

/* One row of the editions table. */
typedef struct {
    char name[160];
    char status[40];
    char rec[24]; /* rec= of its link */
    char title[600];
} edition_row;

static void row_link_rec(const xmlNode *a, char *out, size_t len)
{
    out[0] = '\0';
    char *href = secstd_html_attr(a, "href");
    const char *p = href ? strstr(href, "rec=") : NULL;
    if (p) {
        p += 4;
        size_t n = strspn(p, "0123456789");
        if (n > 0 && n < len)
            snprintf(out, len, "%.*s", (int)n, p);
    }
    free(href);
}

static json_t *entry_of(const edition_row *r, const secstd_ident *id, const char *full)
{
    json_t *ed = json_object();
    if (!ed)
        return NULL;
    char buf[200];
    json_object_set_new(ed, "id", json_string(full));
    if (name_date(r->name, buf, sizeof buf) == 0)
        json_object_set_new(ed, "date", json_string(buf));
    edition_label(r->name, buf, sizeof buf);
    secstd_rec_set(ed, "edition", buf);
    if (id->part[0])
        json_object_set_new(ed, "part", json_string(id->part));
    const char *st = secstd_map_status(r->status);
    if (st)
        json_object_set_new(ed, "status", json_string(st));
    if (r->rec[0]) {
        snprintf(buf, sizeof buf, ITU_REC_URL, r->rec);
        json_object_set_new(ed, "url", json_string(buf));
    }
    return ed;
}

/* Reads the editions table rows (spans *_rpt_history_ctlNN_*). */
static size_t read_editions(xmlNode *root, edition_row *rows, size_t max)
{
    size_t n = 0;
    for (xmlNode *x = root; x && n < max; x = secstd_xml_next_in_tree(x, root)) {
        if (!secstd_html_is(x, "span") || !id_has(x, "rpt_history_ctl"))
            continue;
        if (id_ends(x, "_lbl_title")) {
            edition_row *r = &rows[n++];
            memset(r, 0, sizeof *r);
            char *t = secstd_html_text(x);
            secstd_str_copy(r->name, sizeof r->name, t ? t : "");
            free(t);
            char *title = secstd_html_attr(x, "title");
            if (title) {
                char *c = secstd_text_collapse(title);
                secstd_str_copy(r->title, sizeof r->title, c ? c : "");
                free(c);
            }
            free(title);
            xmlNode *a = secstd_html_find(x, "a");
            if (a)
                row_link_rec(a, r->rec, sizeof r->rec);
        } else if (id_ends(x, "_lbl_status") && n > 0) {
            char *t = secstd_html_text(x);
            secstd_str_copy(rows[n - 1].status, sizeof rows[n - 1].status, t ? t : "");
            free(t);
        }
    }
    return n;
}

#define MAX_EDITIONS 500

static secstd_status parse_rec_page(htmlDocPtr doc, const secstd_parse_input *in,
                                    secstd_collector *out, char *err, size_t errlen)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    char name[200] = "", group[16] = "", page_rec[24] = "";
    char *title = NULL, *abstract = NULL;
    json_t *rec = json_object();
    if (!rec)
        return SECSTD_ERR_NOMEM;
    for (xmlNode *x = root; x; x = secstd_xml_next_in_tree(x, root)) {
        if (x->type != XML_ELEMENT_NODE)
            continue;
        if (!name[0] && secstd_html_is(x, "span") && id_ends(x, "_lbl_rec")) {
            char *t = secstd_html_text(x);
            secstd_str_copy(name, sizeof name, t ? t : "");
            free(t);
        } else if (!title && secstd_html_is(x, "td") && secstd_html_has_class(x, "title")) {
            title = secstd_html_text(x);
        } else if (!abstract && secstd_html_is(x, "div") &&
                   secstd_html_has_class(x, "summary")) {
            abstract = secstd_html_text(x);
        } else if (!page_rec[0] && secstd_html_is(x, "input") && id_ends(x, "_txt_idrec")) {
            char *v = secstd_html_attr(x, "value");
            if (v && strspn(v, "0123456789") == strlen(v) && strlen(v) < sizeof page_rec)
                secstd_str_copy(page_rec, sizeof page_rec, v);
            free(v);
        } else if (secstd_html_is(x, "td") && secstd_html_has_class(x, "cell_left")) {
            char *label = secstd_html_text(x);
            xmlNode *val = x->next;
            while (val && val->type != XML_ELEMENT_NODE)
                val = val->next;
            char *value = val ? secstd_html_text(val) : NULL;
            size_t ll = label ? strlen(label) : 0;
            if (ll && label[ll - 1] == ':')
                label[--ll] = '\0';
            for (size_t i = 0; label && value && i < sizeof labels / sizeof labels[0]; i++) {
                if (strcmp(label, labels[i].label) != 0)
                    continue;
                char buf[32];
                switch (labels[i].kind) {
                case F_DATE:
                    if (secstd_text_date(value, buf, sizeof buf) == 0)
                        json_object_set_new(rec, "date", json_string(buf));
                    break;
                case F_TWIN: secstd_rec_add_iso_twins(rec, value); break;
                case F_STATUS: {
                    const char *st = secstd_map_status(value);
                    if (st)
                        json_object_set_new(rec, "status", json_string(st));
                    break;
                }
                case F_GROUP: study_group(value, group, sizeof group); break;
                }
            }
            free(label);
            free(value);
        }
    }
    secstd_ident id;
    char full[256];
    if (!name[0] || secstd_itu_ident(name, &id, full, sizeof full) != 0) {
        snprintf(err, errlen, "ITU-T rec.aspx page without a Recommendation name (span *_lbl_rec)");
        goto fail;
    }
    if (!title || !*title) {
        snprintf(err, errlen, "ITU-T rec.aspx page for %s has no title (td.title)", full);
        goto fail;
    }
    json_object_set_new(rec, "id", json_string(id.id));
    json_object_set_new(rec, "sdo", json_string("ITU-T"));
    json_object_set_new(rec, "type", json_string(id.type[0] ? id.type : "Recommendation"));
    json_object_set_new(rec, "title", json_string(title));
    secstd_rec_set(rec, "abstract", abstract);
    secstd_rec_set(rec, "group", group);
    char buf[200];
    edition_label(name, buf, sizeof buf);
    secstd_rec_set(rec, "edition", buf);
    if (!json_object_get(rec, "date") && name_date(name, buf, sizeof buf) == 0)
        json_object_set_new(rec, "date", json_string(buf));
    if (page_rec[0]) {
        snprintf(buf, sizeof buf, ITU_REC_URL, page_rec);
        json_object_set_new(rec, "url", json_string(buf));
    } else if (in->url) {
        secstd_rec_set(rec, "url", in->url);
    }
    json_object_set_new(rec, "edition_id", json_string(full));
    free(title);
    free(abstract);
    title = abstract = NULL;
    secstd_status st = secstd_collector_add(out, rec);
    rec = NULL;
    if (st != SECSTD_OK)
        return st;

    /* Editions table. */
    edition_row *rows = calloc(MAX_EDITIONS, sizeof *rows);
    if (!rows)
        return SECSTD_ERR_NOMEM;
    size_t n = read_editions(root, rows, MAX_EDITIONS);
    size_t lead = n;
    char lead_date[16] = "";
    for (size_t i = 0; i < n; i++) {
        secstd_ident eid;
        char date[16] = "";
        if (secstd_itu_ident(rows[i].name, &eid, NULL, 0) != 0 || strcmp(eid.id, id.id) != 0 ||
            eid.part[0])
            continue;
        name_date(rows[i].name, date, sizeof date);
        if (lead == n || strcmp(date, lead_date) > 0) {
            lead = i;
            secstd_str_copy(lead_date, sizeof lead_date, date);
        }
    }
    for (size_t i = 0; i < n && st == SECSTD_OK; i++) {
        secstd_ident eid;
        char efull[256];
        if (secstd_itu_ident(rows[i].name, &eid, efull, sizeof efull) != 0 ||
            strcmp(eid.id, id.id) != 0)
            continue; /* a row of another Recommendation: not ours to attach */
        json_t *ed = entry_of(&rows[i], &eid, efull);
        if (!ed) {
            st = SECSTD_ERR_NOMEM;
            break;
        }
        if (i == lead) {
            /* The newest edition as a record: the collector keeps whichever
             * of it and the page's edition is newer on top. */
            json_t *r = json_object();
            if (!r) {
                json_decref(ed);
                st = SECSTD_ERR_NOMEM;
                break;
            }
            json_object_set_new(r, "id", json_string(id.id));
            json_object_set_new(r, "sdo", json_string("ITU-T"));
            json_object_set_new(r, "type", json_string(id.type[0] ? id.type : "Recommendation"));
            json_t *have = secstd_collector_get(out, id.id);
            json_object_set_new(r, "title", json_string(rows[i].title[0] ? rows[i].title
                                                                         : json_string_value(json_object_get(have, "title"))));
            const char *key;
            json_t *v;
            json_object_foreach(ed, key, v) json_object_set(r, strcmp(key, "id") == 0 ? "edition_id" : key, v);
            json_decref(ed);
            st = secstd_collector_add(out, r);
        } else {
            st = secstd_collector_add_edition(out, id.id, ed);
        }
    }
    free(rows);
    json_t *kept = secstd_collector_get(out, id.id);
    if (kept) {
        if (group[0] && !json_object_get(kept, "group"))
            json_object_set_new(kept, "group", json_string(group));
        secstd_rec_dedupe_editions(kept);
        secstd_rec_drop_own_edition(kept);
        /* The page's own edition is the record or one of its editions, not both. */
    }
    /* Related supplements: identifiers only (their pages are their records). */
    for (xmlNode *x = root; kept && x && st == SECSTD_OK; x = secstd_xml_next_in_tree(x, root)) {
        if (!secstd_html_is(x, "span") || !id_ends(x, "_lbl_imp_title_e"))
            continue;
        char *t = secstd_html_text(x);
        char *paren = t ? strchr(t, '(') : NULL;
        if (paren)
            *paren = '\0';
        char *clean = secstd_text_collapse(t ? t : "");
        if (clean && strstr(clean, "Suppl")) {
            char sid[SECSTD_IDENT_MAX];
            snprintf(sid, sizeof sid, "ITU-T %s", clean);
            secstd_rec_relate(kept, "related", sid);
        }
        free(clean);
        free(t);
    }
    return st;
fail:
    free(title);
    free(abstract);
    json_decref(rec);
    return SECSTD_ERR_PARSE;
}

/* "Summary - ITU-T Rec. Y.3500 (08/2014) Information technology – ..." */
static secstd_status parse_summary_page(htmlDocPtr doc, const secstd_parse_input *in,
                                        secstd_collector *out, char *err, size_t errlen)
{
    xmlNode *root = xmlDocGetRootElement(doc);
    char *head = secstd_html_text(secstd_html_find(root, "title"));
    if (!head)
        return SECSTD_ERR_NOMEM;
    const char *p = strstr(head, "ITU-T");
    const char *close = p ? strchr(p, ')') : NULL;
    if (!p || !close) {
        snprintf(err, errlen, "ITU-T summary page title \"%.80s\" has no \"ITU-T Rec. X (mm/yyyy)\"",
                 head);
        free(head);
        return SECSTD_ERR_PARSE;
    }
    char name[200];
    /* Drop the "Rec." the title carries. */
    const char *num = p + strlen("ITU-T");
    while (*num == ' ')
        num++;
    if (strncmp(num, "Rec.", 4) == 0)
        num += 4;
    while (*num == ' ')
        num++;
    snprintf(name, sizeof name, "ITU-T %.*s", (int)(close + 1 - num), num);
    char *title = secstd_text_collapse(close + 1);
    free(head);
    secstd_ident id;
    char full[256];
    if (secstd_itu_ident(name, &id, full, sizeof full) != 0 || !title || !*title) {
        snprintf(err, errlen, "ITU-T summary page: \"%.80s\" is not a Recommendation name with a title",
                 name);
        free(title);
        return SECSTD_ERR_PARSE;
    }
    /* The summary: the body text after the "Summary" heading. */
    xmlNode *body = secstd_html_find(root, "body");
    char *text = secstd_html_text(body);
    if (!text) {
        free(title);
        return SECSTD_ERR_NOMEM;
    }
    const char *abstract = text;
    if (strncmp(abstract, "Summary ", 8) == 0)
        abstract += 8;
    json_t *rec = json_object();
    if (!rec) {
        free(title);
        free(text);
        return SECSTD_ERR_NOMEM;
    }
    json_object_set_new(rec, "id", json_string(id.id));
    json_object_set_new(rec, "sdo", json_string("ITU-T"));
    json_object_set_new(rec, "type", json_string(id.type[0] ? id.type : "Recommendation"));
    json_object_set_new(rec, "title", json_string(title));
    secstd_rec_set(rec, "abstract", abstract);
    char buf[32];
    if (name_date(name, buf, sizeof buf) == 0)
        json_object_set_new(rec, "date", json_string(buf));
    edition_label(name, buf, sizeof buf);
    secstd_rec_set(rec, "edition", buf);
    secstd_rec_set(rec, "url", in->url);
    json_object_set_new(rec, "edition_id", json_string(full));
    free(title);
    free(text);
    secstd_status st = secstd_collector_add(out, rec);
    json_t *kept = st == SECSTD_OK ? secstd_collector_get(out, id.id) : NULL;
    if (kept)
        secstd_rec_drop_own_edition(kept);
    return st;
}

secstd_status secstd_parse_itu_html(const secstd_parse_input *in, secstd_collector *out,
                                    char *err, size_t errlen)
{
    htmlDocPtr doc;
    secstd_status st = secstd_html_read(in->body, in->len, in->url, NULL, &doc, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(doc);
    int is_rec_page = 0;
    for (xmlNode *x = root; x; x = secstd_xml_next_in_tree(x, root))
        if (secstd_html_is(x, "span") && id_ends(x, "_lbl_rec")) {
            is_rec_page = 1;
            break;
        }
    char *head = secstd_html_text(secstd_html_find(root, "title"));
    int is_summary = head && strncmp(head, "Summary", 7) == 0 && strstr(head, "ITU-T");
    free(head);
    if (is_rec_page)
        st = parse_rec_page(doc, in, out, err, errlen);
    else if (is_summary)
        st = parse_summary_page(doc, in, out, err, errlen);
    else {
        snprintf(err, errlen, "neither an ITU-T rec.aspx page nor a T-REC summary page");
        st = SECSTD_ERR_PARSE;
    }
    xmlFreeDoc(doc);
    return st;
}
