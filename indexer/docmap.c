/* docmap.c — record -> Xapian document (see docmap.h). The prefixes, value
 * slots and weights all come from the field table; no prefix letter is
 * written here. */
#include "docmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ident.h"

static const secstd_field *F(secstd_field_id id) { return secstd_field_get(id); }

char *secstd_term(secstd_field_id field, const char *value, char *buf, size_t len)
{
    char raw[1024];
    size_t n = (size_t)snprintf(raw, sizeof raw, "%s", F(field)->prefix);
    for (const char *p = value; p && *p && n + 1 < sizeof raw; p++)
        raw[n++] = (char)tolower((unsigned char)*p);
    raw[n] = '\0';
    xap_term_fit(raw, buf, len);
    return buf;
}

void secstd_ident_value(const char *text, const char *sdo_hint, char *buf, size_t len)
{
    secstd_ident id;
    if (secstd_ident_parse(text, sdo_hint, &id) == SECSTD_OK &&
        secstd_ident_key(id.id, buf, len) > 0)
        return;
    /* Unrecognised forms (DOIs, W3C URLs): lower-case, single spaces. */
    size_t n = 0;
    int space = 0;
    for (const char *p = text; *p && n + 1 < len; p++) {
        if (isspace((unsigned char)*p)) {
            space = n > 0;
            continue;
        }
        if (space && n + 2 < len)
            buf[n++] = ' ';
        space = 0;
        buf[n++] = (char)tolower((unsigned char)*p);
    }
    if (len)
        buf[n < len ? n : len - 1] = '\0';
}

void secstd_date_key(const char *date, char out[9])
{
    memcpy(out, "00000000", 9);
    if (!date)
        return;
    size_t o = 0;
    for (const char *p = date; *p && o < 8; p++)
        if (isdigit((unsigned char)*p))
            out[o++] = *p;
}

static const char *str(const json_t *rec, const char *key)
{
    return json_string_value(json_object_get(rec, key));
}

static secstd_status add_bool(xap_doc *doc, secstd_field_id f, const char *value)
{
    if (!value || !*value)
        return SECSTD_OK;
    char term[XAP_MAX_TERM + 1];
    return xap_doc_add_term(doc, secstd_term(f, value, term, sizeof term), 0);
}

static secstd_status add_ident(xap_doc *doc, const char *text, const char *sdo)
{
    char value[512], term[XAP_MAX_TERM + 1];
    secstd_ident_value(text, sdo, value, sizeof value);
    if (!*value)
        return SECSTD_OK;
    /* wdf 1, not a boolean term: the identifier term carries weight so an
     * identifier query ranks its standard first. */
    return xap_doc_add_term(doc, secstd_term(SECSTD_FIELD_IDENT, value, term, sizeof term), 1);
}

static secstd_status add_text(xap_doc *doc, secstd_field_id f, const char *text)
{
    if (!text || !*text)
        return SECSTD_OK;
    const secstd_field *field = F(f);
    /* The abstract's prefixed copy (abstract:word) goes without positions:
     * it is most of the text, and its phrases are answered by the
     * unprefixed copy (measured: a third of the position table). Titles
     * keep theirs for title:"zero trust". */
    secstd_status st = f == SECSTD_FIELD_ABSTRACT
                           ? xap_doc_index_text_nopos(doc, text, field->weight, field->prefix)
                           : xap_doc_index_text(doc, text, field->weight, field->prefix);
    if (st == SECSTD_OK && f != SECSTD_FIELD_AUTHOR)
        st = xap_doc_index_text(doc, text, field->weight, "");
    if (st == SECSTD_OK)
        st = xap_doc_increase_termpos(doc);
    return st;
}

#define TRY(expr)                                                                              \
    do {                                                                                       \
        secstd_status st_ = (expr);                                                            \
        if (st_ != SECSTD_OK)                                                                  \
            return st_;                                                                        \
    } while (0)

secstd_status secstd_doc_from_record(const json_t *rec, xap_doc *doc)
{
    const char *id = str(rec, "id"), *sdo = str(rec, "sdo");
    char key[512], term[XAP_MAX_TERM + 1];
    secstd_ident_value(id, sdo, key, sizeof key);
    TRY(xap_doc_add_term(doc, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), 0));
    TRY(add_ident(doc, id, sdo));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, "aliases"), i, v) TRY(add_ident(doc, json_string_value(v), NULL));

    TRY(add_text(doc, SECSTD_FIELD_TITLE, str(rec, "title")));
    TRY(add_text(doc, SECSTD_FIELD_TITLE, id));
    TRY(add_text(doc, SECSTD_FIELD_ABSTRACT, str(rec, "abstract")));
    json_array_foreach(json_object_get(rec, "keywords"), i, v) TRY(add_text(doc, SECSTD_FIELD_KEYWORD, json_string_value(v)));
    json_array_foreach(json_object_get(rec, "authors"), i, v) TRY(add_text(doc, SECSTD_FIELD_AUTHOR, json_string_value(v)));

    TRY(add_bool(doc, SECSTD_FIELD_SDO, sdo));
    TRY(add_bool(doc, SECSTD_FIELD_STATUS, str(rec, "status")));
    TRY(add_bool(doc, SECSTD_FIELD_TYPE, str(rec, "type")));
    TRY(add_bool(doc, SECSTD_FIELD_GROUP, str(rec, "group")));
    TRY(add_bool(doc, SECSTD_FIELD_SOURCE, str(json_object_get(rec, "source"), "name")));

    char areas[1024] = "";
    size_t alen = 0;
    json_array_foreach(json_object_get(rec, "areas"), i, v) {
        TRY(add_bool(doc, SECSTD_FIELD_AREA, json_string_value(v)));
        alen += (size_t)snprintf(areas + alen, alen < sizeof areas ? sizeof areas - alen : 0, "%s%s",
                                 alen ? "\n" : "", json_string_value(v));
        if (alen >= sizeof areas)
            alen = sizeof areas - 1;
    }
    if (json_array_size(json_object_get(rec, "areas")) > 0)
        TRY(add_bool(doc, SECSTD_FIELD_SCOPE, "security"));

    /* Relation terms "kind:idkey", so the other end finds inverse links. */
    const char *kind;
    json_object_foreach(json_object_get(rec, "relations"), kind, v) {
        size_t j;
        json_t *target;
        json_array_foreach(v, j, target) {
            char tkey[512], rel[700];
            secstd_ident_value(json_string_value(target), NULL, tkey, sizeof tkey);
            snprintf(rel, sizeof rel, "%s:%s", kind, tkey);
            TRY(add_bool(doc, SECSTD_FIELD_RELATION, rel));
        }
    }

    char date[9];
    secstd_date_key(str(rec, "date"), date);
    if (str(rec, "date")) {
        char year[5];
        memcpy(year, date, 4);
        year[4] = '\0';
        TRY(add_bool(doc, SECSTD_FIELD_YEAR, year));
        TRY(xap_doc_add_value(doc, (unsigned)F(SECSTD_FIELD_DATE)->slot, date));
        TRY(xap_doc_add_value(doc, (unsigned)F(SECSTD_FIELD_YEAR)->slot, year));
    }
    TRY(xap_doc_add_value(doc, (unsigned)F(SECSTD_FIELD_SDO)->slot, sdo));
    if (str(rec, "status"))
        TRY(xap_doc_add_value(doc, (unsigned)F(SECSTD_FIELD_STATUS)->slot, str(rec, "status")));
    if (str(rec, "type"))
        TRY(xap_doc_add_value(doc, (unsigned)F(SECSTD_FIELD_TYPE)->slot, str(rec, "type")));
    if (alen)
        TRY(xap_doc_add_value(doc, (unsigned)F(SECSTD_FIELD_AREA)->slot, areas));
    TRY(xap_doc_add_value(doc, (unsigned)F(SECSTD_FIELD_ID)->slot, id));

    char *data = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
    if (!data)
        return SECSTD_ERR_NOMEM;
    secstd_status st = xap_doc_set_data(doc, data, strlen(data));
    free(data);
    return st;
}
