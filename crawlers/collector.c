/* collector.c — records keyed by canonical id, with editions merged into
 * their base standard (see parser.h). A jansson object maps id -> record;
 * a jansson array keeps first-seen order. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"

struct secstd_collector {
    json_t *by_id;   /* id -> record (borrowed from order) */
    json_t *order;   /* records, first-seen order */
    json_t *labels;  /* id -> "edition_id" of the edition now on top */
};

secstd_collector *secstd_collector_new(void)
{
    secstd_collector *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->by_id = json_object();
    c->order = json_array();
    c->labels = json_object();
    if (!c->by_id || !c->order || !c->labels) {
        secstd_collector_free(c);
        return NULL;
    }
    return c;
}

void secstd_collector_free(secstd_collector *c)
{
    if (!c)
        return;
    json_decref(c->by_id);
    json_decref(c->order);
    json_decref(c->labels);
    free(c);
}

json_t *secstd_collector_get(const secstd_collector *c, const char *id)
{
    return json_object_get(c->by_id, id);
}

size_t secstd_collector_count(const secstd_collector *c) { return json_array_size(c->order); }

json_t *secstd_collector_records(const secstd_collector *c) { return json_incref(c->order); }

static const char *str(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s ? s : "";
}

/* Appends to dst (array) each string of src not already present. */
static void union_strings(json_t *dst, const json_t *src)
{
    size_t i, j;
    json_t *s, *d;
    json_array_foreach(src, i, s) {
        int found = 0;
        json_array_foreach(dst, j, d) {
            if (json_equal(s, d)) {
                found = 1;
                break;
            }
        }
        if (!found)
            json_array_append(dst, s);
    }
}

static void union_field(json_t *into, const json_t *from, const char *key)
{
    const json_t *src = json_object_get(from, key);
    if (!json_is_array(src) || json_array_size(src) == 0)
        return;
    json_t *dst = json_object_get(into, key);
    if (!json_is_array(dst)) {
        json_object_set_new(into, key, json_deep_copy(src));
        return;
    }
    union_strings(dst, src);
}

static void union_relations(json_t *into, const json_t *from)
{
    const json_t *rel = json_object_get(from, "relations");
    if (!json_is_object(rel))
        return;
    json_t *dst = json_object_get(into, "relations");
    if (!json_is_object(dst)) {
        json_object_set_new(into, "relations", json_deep_copy(rel));
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)rel, key, v) union_field(dst, rel, key);
}

/* The summary of rec kept in "editions" when a newer edition replaces it.
 * label: its edition_id (rec itself no longer carries it once stored). */
static json_t *edition_of(const json_t *rec, const char *label)
{
    json_t *ed = json_object();
    json_object_set_new(ed, "id", json_string(label && *label ? label : str(rec, "id")));
    static const char *const keys[] = {"date", "edition", "status", "url"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (*str(rec, keys[i]))
            json_object_set_new(ed, keys[i], json_string(str(rec, keys[i])));
    return ed;
}

/* Compares version texts naturally: digit runs by value, so "10.1.0" >
 * "9.4.0" and "V15.19.0" > "V15.9.0". */
static int version_cmp(const char *a, const char *b)
{
    while (*a && *b) {
        if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
            while (*a == '0')
                a++;
            while (*b == '0')
                b++;
            size_t na = 0, nb = 0;
            while (isdigit((unsigned char)a[na]))
                na++;
            while (isdigit((unsigned char)b[nb]))
                nb++;
            if (na != nb)
                return na < nb ? -1 : 1;
            int c = strncmp(a, b, na);
            if (c != 0)
                return c;
            a += na;
            b += nb;
            continue;
        }
        if (*a != *b)
            return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
        a++;
        b++;
    }
    return *a ? 1 : *b ? -1 : 0;
}

/* 1 if a is a newer edition than b: later date, or same date and a
 * greater edition/version (compared naturally); records without a date
 * are older. */
static int newer(const json_t *a, const json_t *b)
{
    int c = strcmp(str(a, "date"), str(b, "date"));
    if (c != 0)
        return c > 0;
    return version_cmp(str(a, "edition"), str(b, "edition")) > 0;
}

/* Unions the edition entries of the array src into rec's "editions". */
static void union_edition_list(json_t *into, const json_t *src)
{
    if (!json_is_array(src) || json_array_size(src) == 0)
        return;
    json_t *dst = json_object_get(into, "editions");
    if (!json_is_array(dst)) {
        json_object_set_new(into, "editions", json_deep_copy(src));
        return;
    }
    size_t i, j;
    json_t *s, *d;
    json_array_foreach(src, i, s) {
        int found = 0;
        json_array_foreach(dst, j, d) {
            if (json_equal(s, d)) {
                found = 1;
                break;
            }
        }
        if (!found && json_array_size(dst) < 500)
            json_array_append(dst, s);
    }
}

static void union_editions(json_t *into, const json_t *from)
{
    union_edition_list(into, json_object_get(from, "editions"));
}

static void append_edition(json_t *rec, json_t *ed)
{
    json_t *eds = json_object_get(rec, "editions");
    if (!json_is_array(eds)) {
        eds = json_array();
        json_object_set_new(rec, "editions", eds);
    }
    size_t i;
    json_t *e;
    json_array_foreach(eds, i, e) {
        if (json_equal(e, ed)) {
            json_decref(ed);
            return;
        }
    }
    if (json_array_size(eds) >= 500) { /* the schema's cap */
        json_decref(ed);
        return;
    }
    json_array_append_new(eds, ed);
}

/* Fills the top-level text fields keep lacks from other. */
static void fill_missing(json_t *keep, const json_t *other)
{
    static const char *const keys[] = {"abstract", "group", "type", "url"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (!*str(keep, keys[i]) && *str(other, keys[i]))
            json_object_set(keep, keys[i], json_object_get(other, keys[i]));
}

secstd_status secstd_collector_add(secstd_collector *c, json_t *rec)
{
    const char *id = json_string_value(json_object_get(rec, "id"));
    if (!id || !*id) {
        json_decref(rec);
        return SECSTD_ERR_INVALID;
    }
    json_t *old = json_object_get(c->by_id, id);
    const char *label = str(rec, "edition_id");
    if (!old) {
        if ((*label && json_object_set_new(c->labels, id, json_string(label)) != 0)) {
            json_decref(rec);
            return SECSTD_ERR_NOMEM;
        }
        json_object_del(rec, "edition_id");
        if (json_array_append(c->order, rec) != 0 || json_object_set(c->by_id, id, rec) != 0) {
            json_decref(rec);
            return SECSTD_ERR_NOMEM;
        }
        json_decref(rec);
        return SECSTD_OK;
    }
    const char *old_label = json_string_value(json_object_get(c->labels, id));
    /* The same edition listed twice: nothing new but its collections. */
    int same = *label && old_label && strcmp(label, old_label) == 0 &&
               strcmp(str(rec, "date"), str(old, "date")) == 0;
    /* Same standard: the newer edition's fields win; the other becomes an
     * entry of "editions". Collections are unioned either way. */
    json_t *keep = old, *other = rec;
    if (!same && newer(rec, old)) {
        json_t *saved_eds = json_incref(json_object_get(old, "editions"));
        json_t *old_summary = edition_of(old, old_label);
        json_t *merged = json_deep_copy(rec);
        union_field(merged, old, "aliases");
        union_field(merged, old, "keywords");
        union_field(merged, old, "authors");
        union_field(merged, old, "hints");
        union_relations(merged, old);
        fill_missing(merged, old);
        json_object_del(merged, "edition_id");
        json_t *new_eds = json_incref(json_object_get(merged, "editions"));
        json_object_clear(old);
        json_object_update(old, merged);
        json_decref(merged);
        if (saved_eds)
            json_object_set(old, "editions", saved_eds);
        union_edition_list(old, new_eds); /* editions the newer record brought along */
        json_decref(saved_eds);
        json_decref(new_eds);
        append_edition(old, old_summary);
        if (*label)
            json_object_set_new(c->labels, id, json_string(label));
        else
            json_object_del(c->labels, id);
        json_decref(rec);
        return SECSTD_OK;
    }
    union_field(keep, other, "aliases");
    union_field(keep, other, "keywords");
    union_field(keep, other, "authors");
    union_field(keep, other, "hints");
    union_relations(keep, other);
    union_editions(keep, other);
    fill_missing(keep, other);
    if (!same)
        append_edition(keep, edition_of(other, label));
    json_decref(rec);
    return SECSTD_OK;
}

secstd_status secstd_collector_add_edition(secstd_collector *c, const char *id, json_t *edition)
{
    json_t *rec = json_object_get(c->by_id, id);
    if (!rec || !json_is_string(json_object_get(edition, "id"))) {
        json_decref(edition);
        return rec ? SECSTD_ERR_INVALID : SECSTD_ERR_NOT_FOUND;
    }
    append_edition(rec, edition);
    return SECSTD_OK;
}
