/* docmap.c — record -> Xapian document (see docmap.h). The prefixes, value
 * slots and weights all come from the field table; no prefix letter is
 * written here. */
#include "docmap.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "ident.h"
#include "strbuf.h"

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

static secstd_status add_ident_value(xap_doc *doc, const char *value)
{
    char term[XAP_MAX_TERM + 1];
    if (!*value)
        return SECSTD_OK;
    /* wdf 1, not a boolean term: the identifier term carries weight so an
     * identifier query ranks its standard first. */
    return xap_doc_add_term(doc, secstd_term(SECSTD_FIELD_IDENT, value, term, sizeof term), 1);
}

static secstd_status add_ident(xap_doc *doc, const char *text, const char *sdo)
{
    char value[512];
    secstd_ident_value(text, sdo, value, sizeof value);
    return add_ident_value(doc, value);
}

static secstd_status add_text(xap_doc *doc, secstd_field_id f, const char *text)
{
    if (!text || !*text)
        return SECSTD_OK;
    const secstd_field *field = F(f);
    /* The prefixed copy holds the terms the field table's stem column
     * says. The abstract's: its stems alone, without positions — it is
     * most of the text and its phrases are answered by the unprefixed
     * copy (positions would be a third of the position table, its
     * unstemmed words a tenth of all postings). Authors': their names as
     * written, no stems. Titles and keywords: words, stems and positions
     * (title:"zero trust"). */
    static const xap_stem stems[] = {
        [SECSTD_STEM_SOME] = XAP_STEM_SOME,
        [SECSTD_STEM_ALL] = XAP_STEM_ALL,
        [SECSTD_STEM_NONE] = XAP_STEM_NONE,
    };
    secstd_status st = xap_doc_index_field(doc, text, field->weight, field->prefix, stems[field->stem]);
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

int secstd_doc_in_scope(const json_t *rec)
{
    return json_array_size(json_object_get(rec, "areas")) > 0;
}

secstd_status secstd_doc_from_record(const json_t *rec, xap_doc *doc)
{
    char key[512];
    secstd_ident_value(str(rec, "id"), str(rec, "sdo"), key, sizeof key);
    return secstd_doc_from_record_key(rec, key, doc);
}

secstd_status secstd_doc_from_record_key(const json_t *rec, const char *key, xap_doc *doc)
{
    const char *id = str(rec, "id"), *sdo = str(rec, "sdo");
    char term[XAP_MAX_TERM + 1];
    TRY(xap_doc_add_term(doc, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), 0));
    TRY(add_ident_value(doc, key));
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, "aliases"), i, v) TRY(add_ident(doc, json_string_value(v), NULL));

    TRY(add_text(doc, SECSTD_FIELD_TITLE, str(rec, "title")));
    TRY(add_text(doc, SECSTD_FIELD_TITLE, id));
    TRY(add_text(doc, SECSTD_FIELD_ABSTRACT, str(rec, "abstract")));
    json_array_foreach(json_object_get(rec, "keywords"), i, v) TRY(add_text(doc, SECSTD_FIELD_KEYWORD, json_string_value(v)));
    /* Titles of editions that are texts of their own (a NIST supplement):
     * their words find the standard, unprefixed, at the abstract's weight. */
    json_array_foreach(json_object_get(rec, "editions"), i, v) {
        const char *etitle = json_string_value(json_object_get(v, "title"));
        if (etitle && *etitle) {
            TRY(xap_doc_index_text(doc, etitle, F(SECSTD_FIELD_ABSTRACT)->weight, ""));
            TRY(xap_doc_increase_termpos(doc));
        }
    }
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
    if (secstd_doc_in_scope(rec))
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

    size_t dlen = 0, head = 0;
    char *data = secstd_record_encode(rec, &dlen, &head);
    if (!data)
        return SECSTD_ERR_NOMEM;
    secstd_status st = xap_doc_set_data(doc, data, dlen, head);
    free(data);
    return st;
}

/* ---- stored records (see docmap.h) ------------------------------------------ */

/* SR2 adds the relations section to the head; SR1 data (no section)
 * still decodes. */
#define DATA_MAGIC "\x1eSR2"
#define DATA_MAGIC_SR1 "\x1eSR1"
#define DATA_MAGIC_LEN 4

static const struct {
    const char *key;
    int array;
} hit_keys[] = {
    {"id", 0},    {"sdo", 0},      {"type", 0},  {"title", 0},  {"status", 0}, {"date", 0},
    {"url", 0},   {"group", 0},    {"abstract", 0}, {"areas", 1}, {"aliases", 1},
};
#define NHIT (sizeof hit_keys / sizeof hit_keys[0])

/* Appends v as a little-endian u32; 0 or -1 as sb_add. */
static int sb_u32(strbuf *b, size_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    return sb_add(b, x, 4);
}

/* A string as u32 length + bytes. */
static int sb_string(strbuf *b, const json_t *v)
{
    return sb_u32(b, json_string_length(v)) | sb_add(b, json_string_value(v), json_string_length(v));
}

static int all_strings(const json_t *a)
{
    size_t i;
    json_t *v;
    json_array_foreach(a, i, v) if (!json_is_string(v)) return 0;
    return 1;
}

char *secstd_record_encode(const json_t *rec, size_t *len, size_t *head_len)
{
    strbuf b = {0};
    int oom = 0;
    json_t *rest = json_copy((json_t *)rec);   /* shallow: values shared */
    if (!rest)
        return NULL;
    oom |= sb_add(&b, DATA_MAGIC, DATA_MAGIC_LEN);
    for (size_t k = 0; k < NHIT; k++) {
        const json_t *v = json_object_get(rec, hit_keys[k].key);
        unsigned char tag = 0;
        if (!hit_keys[k].array && json_is_string(v))
            tag = 1;
        else if (hit_keys[k].array && json_is_array(v) && all_strings(v))
            tag = 2;
        oom |= sb_add(&b, &tag, 1);
        if (tag == 1) {
            oom |= sb_string(&b, v);
        } else if (tag == 2) {
            size_t i;
            json_t *item;
            oom |= sb_u32(&b, json_array_size(v));
            json_array_foreach(v, i, item) oom |= sb_string(&b, item);
        }
        if (tag)
            json_object_del(rest, hit_keys[k].key);
    }
    /* The relations section: u32 length + compact JSON (length 0 when the
     * record has no relations object). */
    const json_t *rel = json_object_get(rec, "relations");
    char *reltext = json_is_object(rel) ? json_dumps(rel, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    oom |= json_is_object(rel) && !reltext;
    oom |= sb_u32(&b, reltext ? strlen(reltext) : 0);
    if (reltext) {
        oom |= sb_add(&b, reltext, strlen(reltext));
        json_object_del(rest, "relations");
    }
    free(reltext);
    size_t head = b.n;
    char *text = json_dumps(rest, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(rest);
    oom |= !text || sb_add(&b, text, strlen(text));
    free(text);
    if (oom) {
        free(b.s);
        return NULL;
    }
    *len = b.n;
    if (head_len)
        *head_len = head;
    return b.s;
}

static int get_u32(const unsigned char **p, const unsigned char *end, size_t *v)
{
    if (end - *p < 4)
        return 0;
    *v = (size_t)(*p)[0] | (size_t)(*p)[1] << 8 | (size_t)(*p)[2] << 16 | (size_t)(*p)[3] << 24;
    *p += 4;
    return 1;
}

/* The hit fields of stored data, in place: per field its tag (0 absent,
 * 1 string, 2 array of strings), where its bytes start (a string's, or an
 * array's first item: u32 length + bytes each) and its length (a
 * string's bytes, an array's items). */
typedef struct hit_slices {
    unsigned char tag[NHIT];
    const unsigned char *at[NHIT];
    size_t n[NHIT];
} hit_slices;

/* Skips a u32-length string, checking it fits. */
static int skip_string(const unsigned char **p, const unsigned char *end)
{
    size_t n;
    if (!get_u32(p, end, &n) || (size_t)(end - *p) < n)
        return 0;
    *p += n;
    return 1;
}

/* Reads the hit fields' layout; *p left after them. 0 when malformed. */
static int slice_hit(const unsigned char **p, const unsigned char *end, hit_slices *h)
{
    for (size_t k = 0; k < NHIT; k++) {
        if (*p >= end)
            return 0;
        h->tag[k] = *(*p)++;
        if (h->tag[k] == 1) {
            if (!get_u32(p, end, &h->n[k]) || (size_t)(end - *p) < h->n[k])
                return 0;
            h->at[k] = *p;
            *p += h->n[k];
        } else if (h->tag[k] == 2) {
            if (!get_u32(p, end, &h->n[k]) || h->n[k] > (size_t)(end - *p) / 4)
                return 0;
            h->at[k] = *p;
            for (size_t i = 0; i < h->n[k]; i++)
                if (!skip_string(p, end))
                    return 0;
        } else if (h->tag[k] != 0) {
            return 0;
        }
    }
    return 1;
}

/* Field k's value (new reference), NULL when absent or out of memory;
 * *ok 0 on a string that is not UTF-8 or out of memory. */
static json_t *slice_value(const hit_slices *h, size_t k, int *ok)
{
    if (h->tag[k] == 1) {
        json_t *v = json_stringn((const char *)h->at[k], h->n[k]);
        *ok &= v != NULL;
        return v;
    }
    if (h->tag[k] != 2)
        return NULL;
    json_t *a = json_array();
    const unsigned char *q = h->at[k];
    for (size_t i = 0; a && i < h->n[k]; i++) {
        size_t n;
        get_u32(&q, q + 4, &n);   /* checked by slice_hit */
        json_t *item = json_stringn((const char *)q, n);
        q += n;
        if (!item || json_array_append_new(a, item) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    *ok &= a != NULL;
    return a;
}

/* The hit fields into obj; *p left after them. 0 when malformed. */
static int decode_hit(const unsigned char **p, const unsigned char *end, json_t *obj)
{
    hit_slices h;
    if (!slice_hit(p, end, &h))
        return 0;
    int ok = 1;
    for (size_t k = 0; k < NHIT && ok; k++) {
        json_t *v = slice_value(&h, k, &ok);
        if (v && json_object_set_new(obj, hit_keys[k].key, v) != 0)
            ok = 0;
    }
    return ok;
}

json_t *secstd_record_hit(const char *data, size_t len, const char *const *keys, size_t nkeys,
                          secstd_slice *abstract, json_t **aliases)
{
    abstract->s = "";
    abstract->len = 0;
    if (aliases)
        *aliases = NULL;
    if (!data || len < DATA_MAGIC_LEN || (memcmp(data, DATA_MAGIC, DATA_MAGIC_LEN) != 0 &&
                                          memcmp(data, DATA_MAGIC_SR1, DATA_MAGIC_LEN) != 0))
        return NULL;
    const unsigned char *p = (const unsigned char *)data + DATA_MAGIC_LEN;
    hit_slices h;
    if (!slice_hit(&p, (const unsigned char *)data + len, &h))
        return NULL;
    json_t *hit = json_object();
    int ok = hit != NULL;
    for (size_t i = 0; i < nkeys && ok; i++) {
        size_t k = 0;
        while (k < NHIT && strcmp(hit_keys[k].key, keys[i]) != 0)
            k++;
        json_t *v = k < NHIT ? slice_value(&h, k, &ok) : NULL;
        if (ok && json_object_set_new(hit, keys[i], v ? v : json_null()) != 0)
            ok = 0;
    }
    for (size_t k = 0; k < NHIT && ok; k++) {
        if (!strcmp(hit_keys[k].key, "abstract") && h.tag[k] == 1) {
            abstract->s = (const char *)h.at[k];
            abstract->len = h.n[k];
        } else if (aliases && !strcmp(hit_keys[k].key, "aliases")) {
            *aliases = slice_value(&h, k, &ok);
        }
    }
    if (!ok) {
        json_decref(hit);
        if (aliases) {
            json_decref(*aliases);
            *aliases = NULL;
        }
        return NULL;
    }
    return hit;
}

static int cmp_key(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A copy of obj with its keys inserted in sorted order. */
static json_t *sorted_copy(json_t *obj)
{
    size_t n = json_object_size(obj), i = 0;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    json_t *out = json_object();
    if (!keys || !out) {
        free(keys);
        json_decref(out);
        return NULL;
    }
    const char *k;
    json_t *v;
    json_object_foreach(obj, k, v) keys[i++] = k;
    qsort(keys, n, sizeof *keys, cmp_key);
    for (i = 0; i < n; i++)
        json_object_set(out, keys[i], json_object_get(obj, keys[i]));
    free(keys);
    return out;
}

int secstd_record_head_holds(const char *head, size_t len, unsigned flags)
{
    if (flags & SECSTD_DECODE_HIT)
        return 1;
    return (flags & SECSTD_DECODE_RELATIONS) && !(flags & SECSTD_DECODE_SORTED) &&
           len >= DATA_MAGIC_LEN && memcmp(head, DATA_MAGIC, DATA_MAGIC_LEN) == 0;
}

json_t *secstd_record_decode(const char *data, size_t len, unsigned flags)
{
    if (!data)
        return NULL;
    if (len < DATA_MAGIC_LEN || (memcmp(data, DATA_MAGIC, DATA_MAGIC_LEN) != 0 &&
                                 memcmp(data, DATA_MAGIC_SR1, DATA_MAGIC_LEN) != 0)) {
        json_t *rec = json_loadb(data, len, JSON_ALLOW_NUL, NULL);   /* a whole JSON record */
        if (rec && !json_is_object(rec)) {
            json_decref(rec);
            rec = NULL;
        }
        return rec;
    }
    const unsigned char *p = (const unsigned char *)data + DATA_MAGIC_LEN;
    const unsigned char *end = (const unsigned char *)data + len;
    json_t *hit = json_object();
    if (!hit || !decode_hit(&p, end, hit)) {
        json_decref(hit);
        return NULL;
    }
    int sr2 = memcmp(data, DATA_MAGIC, DATA_MAGIC_LEN) == 0;
    if (sr2) {
        size_t n;
        if (!get_u32(&p, end, &n) || (size_t)(end - p) < n) {
            json_decref(hit);
            return NULL;
        }
        if (n > 0 && !(flags & SECSTD_DECODE_HIT)) {
            json_t *rel = json_loadb((const char *)p, n, JSON_ALLOW_NUL, NULL);
            if (!json_is_object(rel)) {
                json_decref(rel);
                json_decref(hit);
                return NULL;
            }
            if (json_object_set_new(hit, "relations", rel) != 0) {   /* takes rel either way */
                json_decref(hit);
                return NULL;
            }
        }
        p += n;
    }
    if ((flags & SECSTD_DECODE_HIT) || (sr2 && (flags & SECSTD_DECODE_RELATIONS)))
        return hit;
    json_t *rec = json_loadb((const char *)p, (size_t)(end - p), JSON_ALLOW_NUL, NULL);
    if (!json_is_object(rec) || json_object_update(rec, hit) != 0) {
        json_decref(rec);
        json_decref(hit);
        return NULL;
    }
    json_decref(hit);
    if (!(flags & SECSTD_DECODE_SORTED))
        return rec;
    json_t *sorted = sorted_copy(rec);
    json_decref(rec);
    return sorted;
}
