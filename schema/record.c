/* record.c — record validation against record.schema.json and the JSON
 * Lines records files (bounded line reader, atomic writer). */
#include "record.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "schema.h"

static const secstd_relation_kind relation_kinds[] = {
    {"supersedes", "superseded_by", "Supersedes"},
    {"superseded_by", "supersedes", "Superseded by"},
    {"updates", "updated_by", "Updates"},
    {"updated_by", "updates", "Updated by"},
    {"identical_to", "identical_to", "Identical text"},
    {"transposes", "transposed_by", "Transposes"},
    {"transposed_by", "transposes", "Transposed by"},
    {"adopts", "adopted_by", "Adopts"},
    {"adopted_by", "adopts", "Adopted by"},
    {"related", "related", "Related"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t secstd_relation_kind_count(void) { return COUNT(relation_kinds); }

const secstd_relation_kind *secstd_relation_kind_at(size_t i)
{
    return i < COUNT(relation_kinds) ? &relation_kinds[i] : NULL;
}

const secstd_relation_kind *secstd_relation_kind_lookup(const char *name)
{
    for (size_t i = 0; name && i < COUNT(relation_kinds); i++)
        if (strcmp(relation_kinds[i].name, name) == 0)
            return &relation_kinds[i];
    return NULL;
}

/* The top-level properties of record.schema.json, with their JSON type,
 * maximum length (strings) or item count (arrays), and for arrays of
 * strings the longest item (the schema's items.maxLength). */
typedef enum { T_STRING, T_STRINGS, T_OBJECT, T_EDITIONS } prop_type;

static const struct prop {
    const char *name;
    prop_type type;
    size_t max;
    size_t item_max;
} props[] = {
    {"id", T_STRING, 128, 0},         {"sdo", T_STRING, 16, 0},
    {"type", T_STRING, 40, 0},        {"title", T_STRING, 2000, 0},
    {"abstract", T_STRING, 20000, 0}, {"keywords", T_STRINGS, 200, 200},
    {"authors", T_STRINGS, 200, 200}, {"status", T_STRING, 20, 0},
    {"date", T_STRING, 10, 0},        {"edition", T_STRING, 64, 0},
    {"editions", T_EDITIONS, 500, 0}, {"group", T_STRING, 80, 0},
    {"url", T_STRING, 2000, 0},       {"aliases", T_STRINGS, 100, 128},
    {"relations", T_OBJECT, 0, 0},    {"areas", T_STRINGS, 40, 60},
    {"hints", T_STRINGS, 50, 100},    {"source", T_OBJECT, 0, 0},
};

static secstd_status fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static secstd_status fail(char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return SECSTD_ERR_SCHEMA;
}

static int valid_date(const char *s)
{
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = (i == 4 || i == 7);
        if (dash ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
            return 0;
    }
    if (n >= 7) {
        int month = (s[5] - '0') * 10 + (s[6] - '0');
        if (month < 1 || month > 12)
            return 0;
    }
    if (n == 10) {
        int day = (s[8] - '0') * 10 + (s[9] - '0');
        if (day < 1 || day > 31)
            return 0;
    }
    return 1;
}

static secstd_status check_strings(const json_t *v, const char *name, size_t max_items,
                                   size_t max_len, char *err, size_t errlen)
{
    if (!json_is_array(v))
        return fail(err, errlen, "field \"%s\" must be an array of strings", name);
    if (json_array_size(v) > max_items)
        return fail(err, errlen, "field \"%s\" has more than %zu items", name, max_items);
    size_t i;
    json_t *item;
    json_array_foreach(v, i, item) {
        if (!json_is_string(item))
            return fail(err, errlen, "field \"%s\" item %zu is not a string", name, i);
        if (json_string_length(item) > max_len)
            return fail(err, errlen, "field \"%s\" item %zu is longer than %zu bytes", name, i,
                        max_len);
    }
    return SECSTD_OK;
}

static secstd_status check_relations(const json_t *rel, char *err, size_t errlen)
{
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)rel, key, v) {
        if (!secstd_relation_kind_lookup(key))
            return fail(err, errlen, "unknown relation kind \"%s\"", key);
        secstd_status st = check_strings(v, key, 500, 128, err, errlen);
        if (st != SECSTD_OK)
            return st;
    }
    return SECSTD_OK;
}

static secstd_status check_source(const json_t *src, char *err, size_t errlen)
{
    static const char *const strings[] = {"name", "url", "fetched_at", "etag", "last_modified",
                                          "parser_version"};
    static const char *const integers[] = {"first_generation", "changed_generation"};
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)src, key, v) {
        int known = 0;
        for (size_t i = 0; i < COUNT(strings); i++)
            if (strcmp(key, strings[i]) == 0) {
                if (!json_is_string(v))
                    return fail(err, errlen, "field \"source.%s\" must be a string", key);
                known = 1;
            }
        for (size_t i = 0; i < COUNT(integers); i++)
            if (strcmp(key, integers[i]) == 0) {
                if (!json_is_integer(v))
                    return fail(err, errlen, "field \"source.%s\" must be an integer", key);
                known = 1;
            }
        if (!known)
            return fail(err, errlen, "unknown field \"source.%s\"", key);
    }
    return SECSTD_OK;
}

static secstd_status check_editions(const json_t *v, size_t max, char *err, size_t errlen)
{
    static const char *const keys[] = {"id", "date", "edition", "part", "status", "title", "url"};
    if (!json_is_array(v))
        return fail(err, errlen, "field \"editions\" must be an array of objects");
    if (json_array_size(v) > max)
        return fail(err, errlen, "field \"editions\" has more than %zu items", max);
    size_t i;
    json_t *ed;
    json_array_foreach(v, i, ed) {
        if (!json_is_object(ed) || !json_is_string(json_object_get(ed, "id")))
            return fail(err, errlen, "field \"editions\" item %zu needs a string \"id\"", i);
        const char *key;
        json_t *f;
        json_object_foreach(ed, key, f) {
            int known = 0;
            for (size_t k = 0; k < COUNT(keys); k++)
                known |= strcmp(key, keys[k]) == 0;
            if (!known)
                return fail(err, errlen, "unknown field \"editions[%zu].%s\"", i, key);
            if (!json_is_string(f) || json_string_length(f) > 2000)
                return fail(err, errlen, "field \"editions[%zu].%s\" must be a short string", i, key);
        }
    }
    return SECSTD_OK;
}

secstd_status secstd_record_validate(const json_t *rec, char *err, size_t errlen)
{
    if (!json_is_object(rec))
        return fail(err, errlen, "record is not a JSON object");
    const char *key;
    json_t *v;
    json_object_foreach((json_t *)rec, key, v) {
        const struct prop *p = NULL;
        for (size_t i = 0; i < COUNT(props); i++)
            if (strcmp(props[i].name, key) == 0)
                p = &props[i];
        if (!p)
            return fail(err, errlen, "unknown field \"%s\"", key);
        secstd_status st = SECSTD_OK;
        switch (p->type) {
        case T_STRING:
            if (!json_is_string(v))
                return fail(err, errlen, "field \"%s\" must be a string", key);
            if (json_string_length(v) > p->max)
                return fail(err, errlen, "field \"%s\" is longer than %zu bytes", key, p->max);
            break;
        case T_STRINGS:
            st = check_strings(v, key, p->max, p->item_max, err, errlen);
            break;
        case T_OBJECT:
            if (!json_is_object(v))
                return fail(err, errlen, "field \"%s\" must be an object", key);
            st = strcmp(key, "relations") == 0 ? check_relations(v, err, errlen)
                                               : check_source(v, err, errlen);
            break;
        case T_EDITIONS:
            st = check_editions(v, p->max, err, errlen);
            break;
        }
        if (st != SECSTD_OK)
            return st;
    }
    static const char *const required[] = {"id", "sdo", "title"};
    for (size_t i = 0; i < COUNT(required); i++) {
        const json_t *r = json_object_get(rec, required[i]);
        if (!r || json_string_length(r) == 0)
            return fail(err, errlen, "missing required field \"%s\"", required[i]);
    }
    const char *sdo = json_string_value(json_object_get(rec, "sdo"));
    const secstd_sdo *known = secstd_sdo_lookup(sdo);
    if (!known || strcmp(known->name, sdo) != 0)
        return fail(err, errlen, "unknown sdo \"%s\" (see schema/sdos.def)", sdo);
    const json_t *status = json_object_get(rec, "status");
    if (status && !secstd_record_status_valid(json_string_value(status)))
        return fail(err, errlen, "unknown status \"%s\"", json_string_value(status));
    const json_t *date = json_object_get(rec, "date");
    if (date && !valid_date(json_string_value(date)))
        return fail(err, errlen, "date \"%s\" is not YYYY, YYYY-MM or YYYY-MM-DD",
                    json_string_value(date));
    const json_t *areas = json_object_get(rec, "areas");
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a) {
        if (!secstd_area_lookup(json_string_value(a)))
            return fail(err, errlen, "unknown area \"%s\" (see schema/taxonomy.def)",
                        json_string_value(a));
    }
    return SECSTD_OK;
}

/* ---- reader ---------------------------------------------------------- */

struct secstd_records_reader {
    FILE *f;
    char *path;
    char *line; /* SECSTD_RECORD_MAX_LINE + 2: the longest line, its newline, NUL */
    size_t lineno;
    char error[512];
};

secstd_status secstd_records_reader_open(const char *path, secstd_records_reader **out,
                                         char *err, size_t errlen)
{
    *out = NULL;
    secstd_records_reader *r = calloc(1, sizeof *r);
    if (!r)
        return SECSTD_ERR_NOMEM;
    r->f = fopen(path, "r");
    if (!r->f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", path, strerror(errno));
        free(r);
        return SECSTD_ERR_IO;
    }
    r->path = strdup(path);
    r->line = malloc(SECSTD_RECORD_MAX_LINE + 2);
    if (!r->path || !r->line) {
        secstd_records_reader_free(r);
        return SECSTD_ERR_NOMEM;
    }
    *out = r;
    return SECSTD_OK;
}

static secstd_status reader_fail(secstd_records_reader *r, secstd_status st, const char *reason)
{
    snprintf(r->error, sizeof r->error, "%s:%zu: %s", r->path, r->lineno, reason);
    return st;
}

secstd_status secstd_records_reader_next(secstd_records_reader *r, json_t **rec)
{
    *rec = NULL;
    for (;;) {
        /* Bounded: a line never grows the buffer (getline() would read a
         * line of any length into memory before we could refuse it). */
        errno = 0;
        if (!fgets(r->line, SECSTD_RECORD_MAX_LINE + 2, r->f)) {
            if (ferror(r->f))
                return reader_fail(r, SECSTD_ERR_IO, strerror(errno ? errno : EIO));
            return SECSTD_OK;
        }
        r->lineno++;
        ssize_t n = (ssize_t)strlen(r->line);
        if ((size_t)n > SECSTD_RECORD_MAX_LINE && r->line[n - 1] != '\n') {
            int c;
            while ((c = getc(r->f)) != EOF && c != '\n')
                ;
            return reader_fail(r, SECSTD_ERR_TOO_LARGE, "line longer than 1 MiB");
        }
        json_t *obj;
        char reason[300];
        secstd_status st = secstd_record_parse_line(r->line, (size_t)n, &obj, reason, sizeof reason);
        if (st != SECSTD_OK)
            return reader_fail(r, st, reason);
        if (!obj)
            continue;
        *rec = obj;
        return SECSTD_OK;
    }
}

secstd_status secstd_record_parse_line(const char *line, size_t n, json_t **rec, char *reason,
                                       size_t reasonlen)
{
    *rec = NULL;
    if (n - (n && line[n - 1] == '\n') > SECSTD_RECORD_MAX_LINE) {
        snprintf(reason, reasonlen, "line longer than 1 MiB");
        return SECSTD_ERR_TOO_LARGE;
    }
    size_t k = 0;
    while (k < n && (line[k] == ' ' || line[k] == '\t' || line[k] == '\n' || line[k] == '\r'))
        k++;
    if (k == n)
        return SECSTD_OK;
    json_error_t jerr;
    json_t *obj = json_loadb(line, n, JSON_REJECT_DUPLICATES, &jerr);
    if (!obj) {
        snprintf(reason, reasonlen, "not valid JSON: %s (column %d)", jerr.text, jerr.column);
        return SECSTD_ERR_SCHEMA;
    }
    if (secstd_record_validate(obj, reason, reasonlen) != SECSTD_OK) {
        json_decref(obj);
        return SECSTD_ERR_SCHEMA;
    }
    *rec = obj;
    return SECSTD_OK;
}

const char *secstd_records_reader_error(const secstd_records_reader *r) { return r->error; }

size_t secstd_records_reader_line(const secstd_records_reader *r) { return r->lineno; }

void secstd_records_reader_free(secstd_records_reader *r)
{
    if (!r)
        return;
    if (r->f)
        fclose(r->f);
    free(r->line);
    free(r->path);
    free(r);
}

/* ---- writer ---------------------------------------------------------- */

struct secstd_records_writer {
    FILE *f;
    char *path;
    char *tmp;
    size_t count;
    int failed;
};

secstd_status secstd_records_writer_open(const char *path, secstd_records_writer **out,
                                         char *err, size_t errlen)
{
    *out = NULL;
    secstd_records_writer *w = calloc(1, sizeof *w);
    if (!w)
        return SECSTD_ERR_NOMEM;
    w->path = strdup(path);
    size_t tl = strlen(path) + 32;
    w->tmp = malloc(tl);
    if (!w->path || !w->tmp) {
        secstd_records_writer_free(w);
        return SECSTD_ERR_NOMEM;
    }
    snprintf(w->tmp, tl, "%s.tmp.%ld", path, (long)getpid());
    w->f = fopen(w->tmp, "w");
    if (!w->f) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", w->tmp, strerror(errno));
        free(w->tmp);
        w->tmp = NULL;
        secstd_records_writer_free(w);
        return SECSTD_ERR_IO;
    }
    *out = w;
    return SECSTD_OK;
}

secstd_status secstd_records_writer_add(secstd_records_writer *w, const json_t *rec)
{
    if (!w->f)
        return SECSTD_ERR_IO;
    if (json_dumpf(rec, w->f, JSON_COMPACT | JSON_SORT_KEYS) != 0 || fputc('\n', w->f) == EOF) {
        w->failed = 1;
        return SECSTD_ERR_IO;
    }
    w->count++;
    return SECSTD_OK;
}

size_t secstd_records_writer_count(const secstd_records_writer *w) { return w->count; }

secstd_status secstd_records_writer_commit(secstd_records_writer *w, char *err, size_t errlen)
{
    if (w->failed || !w->f) {
        /* a failed write, or commit called twice */
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", w->path, w->f ? "write failed" : "already committed");
        return SECSTD_ERR_IO;
    }
    int bad = fflush(w->f) != 0 || fsync(fileno(w->f)) != 0;
    bad |= fclose(w->f) != 0;
    w->f = NULL;
    if (bad || rename(w->tmp, w->path) != 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s: %s", w->path, strerror(errno));
        return SECSTD_ERR_IO;
    }
    /* the rename is durable only once the directory entry is on disk */
    char *dir_copy = strdup(w->path);
    if (dir_copy) {
        int dfd = open(dirname(dir_copy), O_RDONLY | O_DIRECTORY);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir_copy);
    }
    free(w->tmp);
    w->tmp = NULL;
    return SECSTD_OK;
}

void secstd_records_writer_free(secstd_records_writer *w)
{
    if (!w)
        return;
    if (w->f)
        fclose(w->f);
    if (w->tmp)
        unlink(w->tmp);
    free(w->tmp);
    free(w->path);
    free(w);
}
