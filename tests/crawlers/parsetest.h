/* parsetest.h — helpers of the parser suites: run a parser (by its name in
 * parsers.def) on a real file of the shared data or on an inline fixture,
 * check that every record passes secstd_record_validate() and serialises
 * to valid UTF-8, read fields, and build the XML safety fixtures (billion
 * laughs, XXE, deep nesting) every XML parser must refuse. Header-only
 * (static functions) so each suite stays one file. */
#ifndef SECSTD_PARSETEST_H
#define SECSTD_PARSETEST_H

#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "ident.h"
#include "parser.h"
#include "record.h"
#include "testutil.h"

/* The URL fixtures are parsed under (parsers that copy the listing's URL
 * into records see this). */
#define PT_FIXTURE_URL "http://127.0.0.1/fixture"

/* Runs parser `name` on body into c; returns its status, err filled. */
static inline secstd_status pt_run(const char *name, const char *body, size_t len,
                                   const char *url, secstd_collector *c, char *err,
                                   size_t errlen)
{
    const secstd_parser *p = secstd_parser_lookup(name);
    ck_assert_msg(p != NULL, "parser %s is not in parsers.def", name);
    secstd_parse_input in = {body, len, url, name};
    err[0] = '\0';
    return p->parse(&in, c, err, errlen);
}

/* Runs parser `name` on the shared file rel (must succeed), as fetched
 * from url (NULL: the file's path). */
static inline void pt_run_shared(const char *name, const char *rel, const char *url,
                                 secstd_collector *c)
{
    char *path = tu_shared(rel);
    size_t len = 0;
    char *body = tu_read_file(path, &len);
    ck_assert_msg(body != NULL, "cannot read %s", path);
    char err[512];
    secstd_status st = pt_run(name, body, len, url ? url : path, c, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "%s on %s: %s: %s", name, rel, secstd_status_to_string(st),
                  err);
    free(body);
    free(path);
}

/* Runs parser `name` on a NUL-terminated fixture; returns its status. */
static inline secstd_status pt_run_text(const char *name, const char *text, secstd_collector *c,
                                        char *err, size_t errlen)
{
    return pt_run(name, text, strlen(text), PT_FIXTURE_URL, c, err, errlen);
}

/* Every record of c passes the schema and serialises to valid UTF-8;
 * returns the count. */
static inline size_t pt_validate_all(const secstd_collector *c)
{
    json_t *recs = secstd_collector_records(c);
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r) {
        char err[300];
        char *dump = json_dumps(r, JSON_COMPACT);
        ck_assert_ptr_nonnull(dump);
        ck_assert_msg(secstd_utf8_valid(dump, strlen(dump)), "record %zu not UTF-8", i);
        secstd_status st = secstd_record_validate(r, err, sizeof err);
        ck_assert_msg(st == SECSTD_OK, "record %zu invalid: %s: %.600s", i, err, dump);
        free(dump);
    }
    size_t n = json_array_size(recs);
    json_decref(recs);
    return n;
}

/* rec[key] as a string ("" when absent). */
static inline const char *pt_str(const json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? s : "";
}

/* 1 if the string array rec[key] (or rec.relations[kind] with key
 * "relations.kind") contains value. */
static inline int pt_has(const json_t *rec, const char *key, const char *value)
{
    const json_t *arr;
    if (strncmp(key, "relations.", 10) == 0)
        arr = json_object_get(json_object_get(rec, "relations"), key + 10);
    else
        arr = json_object_get(rec, key);
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) && strcmp(json_string_value(v), value) == 0)
        return 1;
    return 0;
}

/* The editions entry with this id, or NULL. */
static inline json_t *pt_edition(const json_t *rec, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "editions"), i, e) if (strcmp(pt_str(e, "id"), id) == 0)
        return e;
    return NULL;
}

/* The record with this id (must exist). */
static inline json_t *pt_get(const secstd_collector *c, const char *id)
{
    json_t *r = secstd_collector_get(c, id);
    ck_assert_msg(r != NULL, "no record %s", id);
    return r;
}

/* 1 if any record's serialisation contains needle. */
static inline int pt_any_contains(const secstd_collector *c, const char *needle)
{
    json_t *recs = secstd_collector_records(c);
    int found = 0;
    size_t i;
    json_t *r;
    json_array_foreach(recs, i, r) {
        char *dump = json_dumps(r, JSON_COMPACT);
        if (dump && strstr(dump, needle))
            found = 1;
        free(dump);
    }
    json_decref(recs);
    return found;
}

/* The XML safety fixtures every XML parser must refuse. */
static const char pt_billion_laughs[] =
    "<?xml version=\"1.0\"?>\n"
    "<!DOCTYPE lolz [\n"
    " <!ENTITY lol \"lol\">\n"
    " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
    " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
    " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
    " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
    " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
    " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
    " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
    " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
    " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
    "]>\n";

/* An XXE document whose entity points at a file holding secret; the
 * root element and its child are given by the caller (a body of the
 * parser's own format with &xxe; inside a text field). Caller frees. */
static inline char *pt_xxe_doc(const char *secret_path, const char *before, const char *after)
{
    return tu_strdupf("<?xml version=\"1.0\"?>\n<!DOCTYPE r [\n <!ENTITY xxe SYSTEM \"file://%s\">\n]>\n%s&xxe;%s\n",
                      secret_path, before, after);
}

/* Writes a secret file in a fresh temp dir; returns the path (free it)
 * and the dir in *dir (tu_rmtree + free it). */
static inline char *pt_secret_file(char **dir, const char *secret)
{
    *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/secret.txt", *dir);
    ck_assert_int_eq(tu_write_file(path, secret, strlen(secret)), 0);
    return path;
}

/* n nested elements named e around a root named root. Caller frees. */
static inline char *pt_deep_doc(const char *root, int n)
{
    size_t cap = (size_t)n * 8 + 256;
    char *s = malloc(cap);
    ck_assert_ptr_nonnull(s);
    size_t o = (size_t)snprintf(s, cap, "<?xml version=\"1.0\"?><%s>", root);
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o, "<e>");
    for (int i = 0; i < n; i++)
        o += (size_t)snprintf(s + o, cap - o, "</e>");
    snprintf(s + o, cap - o, "</%s>", root);
    return s;
}

#endif
