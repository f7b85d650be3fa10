/* config.c — the configuration reader of config.h: a flat array of
 * (section, key, value, origin) entries in file order. Lookups walk it from
 * the end so a later assignment wins; configs are a few dozen lines, so a
 * linear scan is simpler than a hash and fast enough. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Bounds that keep a hostile or broken file from growing memory. */
#define MAX_ENTRIES 4096
#define MAX_SECTIONS 512

typedef struct entry {
    char *section;
    char *key;
    char *value;
    char *origin;   /* "FILE:LINE" */
} entry;

struct secstd_config {
    entry *entries;
    size_t n, cap;
    char **sections;
    size_t nsections;
};

static void errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

secstd_config *secstd_config_new(void) { return calloc(1, sizeof(secstd_config)); }

void secstd_config_free(secstd_config *cfg)
{
    if (!cfg)
        return;
    for (size_t i = 0; i < cfg->n; i++) {
        free(cfg->entries[i].section);
        free(cfg->entries[i].key);
        free(cfg->entries[i].value);
        free(cfg->entries[i].origin);
    }
    for (size_t i = 0; i < cfg->nsections; i++)
        free(cfg->sections[i]);
    free(cfg->sections);
    free(cfg->entries);
    free(cfg);
}

static int valid_key(const char *k, size_t len)
{
    if (len == 0 || len > 128)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)k[i]) && k[i] != '_' && k[i] != '.' && k[i] != '-')
            return 0;
    return 1;
}

static const char *norm_section(const char *s) { return s ? s : ""; }

static secstd_status note_section(secstd_config *cfg, const char *section)
{
    for (size_t i = 0; i < cfg->nsections; i++)
        if (strcmp(cfg->sections[i], section) == 0)
            return SECSTD_OK;
    if (cfg->nsections >= MAX_SECTIONS)
        return SECSTD_ERR_TOO_LARGE;
    char **grown = realloc(cfg->sections, (cfg->nsections + 1) * sizeof *grown);
    if (!grown)
        return SECSTD_ERR_NOMEM;
    cfg->sections = grown;
    if (!(cfg->sections[cfg->nsections] = strdup(section)))
        return SECSTD_ERR_NOMEM;
    cfg->nsections++;
    return SECSTD_OK;
}

static secstd_status add_entry(secstd_config *cfg, const char *section, const char *key,
                               size_t keylen, const char *value, size_t vallen, const char *origin)
{
    if (cfg->n >= MAX_ENTRIES)
        return SECSTD_ERR_TOO_LARGE;
    secstd_status st = note_section(cfg, section);
    if (st != SECSTD_OK)
        return st;
    if (cfg->n == cfg->cap) {
        size_t cap = cfg->cap ? cfg->cap * 2 : 32;
        entry *grown = realloc(cfg->entries, cap * sizeof *grown);
        if (!grown)
            return SECSTD_ERR_NOMEM;
        cfg->entries = grown;
        cfg->cap = cap;
    }
    entry *e = &cfg->entries[cfg->n];
    e->section = strdup(section);
    e->key = strndup(key, keylen);
    e->value = strndup(value, vallen);
    e->origin = strdup(origin);
    if (!e->section || !e->key || !e->value || !e->origin) {
        free(e->section);
        free(e->key);
        free(e->value);
        free(e->origin);
        return SECSTD_ERR_NOMEM;
    }
    cfg->n++;
    return SECSTD_OK;
}

secstd_status secstd_config_set(secstd_config *cfg, const char *section, const char *key,
                                const char *value)
{
    if (!cfg || !key || !value || !valid_key(key, strlen(key)))
        return SECSTD_ERR_INVALID;
    return add_entry(cfg, norm_section(section), key, strlen(key), value, strlen(value),
                     "<command line>");
}

static const entry *find(const secstd_config *cfg, const char *section, const char *key)
{
    if (!cfg || !key)
        return NULL;
    section = norm_section(section);
    for (size_t i = cfg->n; i-- > 0;)
        if (strcmp(cfg->entries[i].key, key) == 0 && strcmp(cfg->entries[i].section, section) == 0)
            return &cfg->entries[i];
    return NULL;
}

const char *secstd_config_get(const secstd_config *cfg, const char *section, const char *key)
{
    const entry *e = find(cfg, section, key);
    return e ? e->value : NULL;
}

const char *secstd_config_origin(const secstd_config *cfg, const char *section, const char *key)
{
    const entry *e = find(cfg, section, key);
    return e ? e->origin : NULL;
}

static const char *skip_blank(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t'))
        p++;
    return p;
}

static const char *trim_end(const char *start, const char *end)
{
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
        end--;
    return end;
}

/* Parses "[name]" or "[source NAME]" (inner blanks collapsed to one). */
static int parse_section(const char *p, const char *end, char *out, size_t outlen,
                         const char **why)
{
    const char *close = memchr(p, ']', (size_t)(end - p));
    if (!close) {
        *why = "section header without ']'";
        return -1;
    }
    if (skip_blank(close + 1, end) != end && *skip_blank(close + 1, end) != '#') {
        *why = "text after section header";
        return -1;
    }
    size_t o = 0;
    const char *q = skip_blank(p + 1, close);
    const char *qend = trim_end(q, close);
    int words = 0;
    while (q < qend) {
        const char *w = q;
        while (q < qend && *q != ' ' && *q != '\t')
            q++;
        if (!valid_key(w, (size_t)(q - w))) {
            *why = "bad section name (letters, digits, '_', '.', '-')";
            return -1;
        }
        if (++words > 2) {
            *why = "section header has more than two words";
            return -1;
        }
        if (o + (size_t)(q - w) + 2 > outlen) {
            *why = "section name too long";
            return -1;
        }
        if (o)
            out[o++] = ' ';
        memcpy(out + o, w, (size_t)(q - w));
        o += (size_t)(q - w);
        q = skip_blank(q, qend);
    }
    if (!words) {
        *why = "empty section name";
        return -1;
    }
    out[o] = '\0';
    return 0;
}

secstd_status secstd_config_parse(secstd_config *cfg, const char *text, size_t len, const char *name,
                                  char *err, size_t errlen)
{
    if (!cfg || (!text && len))
        return SECSTD_ERR_INVALID;
    if (len > SECSTD_CONFIG_MAX_SIZE) {
        errf(err, errlen, "%s: larger than %d bytes", name, SECSTD_CONFIG_MAX_SIZE);
        return SECSTD_ERR_TOO_LARGE;
    }
    char section[256] = "";
    const char *p = text, *end = text + len;
    size_t lineno = 0;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol)
            eol = end;
        lineno++;
        const char *why = NULL;
        if ((size_t)(eol - p) > SECSTD_CONFIG_MAX_LINE) {
            errf(err, errlen, "%s:%zu: line longer than %d bytes", name, lineno, SECSTD_CONFIG_MAX_LINE);
            return SECSTD_ERR_INVALID;
        }
        if (memchr(p, '\0', (size_t)(eol - p))) {
            errf(err, errlen, "%s:%zu: NUL byte", name, lineno);
            return SECSTD_ERR_INVALID;
        }
        const char *s = skip_blank(p, eol);
        const char *e = trim_end(s, eol);
        if (lineno == 1 && e - s >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
            s += 3;   /* UTF-8 byte-order mark */
        if (s == e || *s == '#' || *s == ';') {
            p = eol < end ? eol + 1 : end;
            continue;
        }
        if (*s == '[') {
            if (parse_section(s, e, section, sizeof section, &why) != 0) {
                errf(err, errlen, "%s:%zu: %s", name, lineno, why);
                return SECSTD_ERR_INVALID;
            }
            secstd_status st = note_section(cfg, section);
            if (st != SECSTD_OK) {
                errf(err, errlen, "%s:%zu: %s", name, lineno, secstd_status_to_string(st));
                return st;
            }
            p = eol < end ? eol + 1 : end;
            continue;
        }
        const char *eq = memchr(s, '=', (size_t)(e - s));
        if (!eq) {
            errf(err, errlen, "%s:%zu: expected 'key = value', '[section]' or '# comment'", name, lineno);
            return SECSTD_ERR_INVALID;
        }
        const char *kend = trim_end(s, eq);
        if (!valid_key(s, (size_t)(kend - s))) {
            errf(err, errlen, "%s:%zu: bad key '%.*s' (letters, digits, '_', '.', '-')", name, lineno,
                 (int)(kend - s), s);
            return SECSTD_ERR_INVALID;
        }
        const char *v = skip_blank(eq + 1, e);
        const char *vend = e;
        if (v < vend && *v == '"') {
            const char *close = memchr(v + 1, '"', (size_t)(vend - v - 1));
            if (!close) {
                errf(err, errlen, "%s:%zu: unterminated quoted value", name, lineno);
                return SECSTD_ERR_INVALID;
            }
            const char *after = skip_blank(close + 1, vend);
            if (after != vend && *after != '#') {
                errf(err, errlen, "%s:%zu: text after quoted value", name, lineno);
                return SECSTD_ERR_INVALID;
            }
            v++;
            vend = close;
        } else {
            /* A comment after a value needs blank space before '#', so URL
             * fragments and "C#" survive. */
            for (const char *q = v; q < vend; q++)
                if (*q == '#' && q > v && (q[-1] == ' ' || q[-1] == '\t')) {
                    vend = trim_end(v, q);
                    break;
                }
        }
        char origin[512];
        snprintf(origin, sizeof origin, "%s:%zu", name, lineno);
        secstd_status st = add_entry(cfg, section, s, (size_t)(kend - s), v, (size_t)(vend - v), origin);
        if (st != SECSTD_OK) {
            errf(err, errlen, "%s:%zu: %s", name, lineno, secstd_status_to_string(st));
            return st;
        }
        p = eol < end ? eol + 1 : end;
    }
    return SECSTD_OK;
}

secstd_status secstd_config_load(const char *path, secstd_config **out, char *err, size_t errlen)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        errf(err, errlen, "%s: %s", path, strerror(errno));
        return SECSTD_ERR_IO;
    }
    char *buf = malloc(SECSTD_CONFIG_MAX_SIZE + 1);
    if (!buf) {
        fclose(f);
        return SECSTD_ERR_NOMEM;
    }
    size_t len = fread(buf, 1, SECSTD_CONFIG_MAX_SIZE + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        errf(err, errlen, "%s: read error", path);
        return SECSTD_ERR_IO;
    }
    secstd_config *cfg = secstd_config_new();
    if (!cfg) {
        free(buf);
        return SECSTD_ERR_NOMEM;
    }
    secstd_status st = secstd_config_parse(cfg, buf, len, path, err, errlen);
    free(buf);
    if (st != SECSTD_OK) {
        secstd_config_free(cfg);
        return st;
    }
    *out = cfg;
    return SECSTD_OK;
}

static void bad_value(const entry *e, const char *why, char *err, size_t errlen)
{
    if (*e->section)
        errf(err, errlen, "%s: [%s] '%s' %s", e->origin, e->section, e->key, why);
    else
        errf(err, errlen, "%s: '%s' %s", e->origin, e->key, why);
}

secstd_status secstd_config_get_long(const secstd_config *cfg, const char *section, const char *key,
                                     long def, long min, long max, long *out, char *err,
                                     size_t errlen)
{
    *out = def;
    const entry *e = find(cfg, section, key);
    if (!e)
        return SECSTD_OK;
    char *end = NULL;
    errno = 0;
    long v = strtol(e->value, &end, 10);
    if (end == e->value || errno) {
        bad_value(e, "is not a whole number", err, errlen);
        return SECSTD_ERR_INVALID;
    }
    long mult = 1;
    if (*end == 'k' || *end == 'K')
        mult = 1024L, end++;
    else if (*end == 'M')
        mult = 1024L * 1024, end++;
    else if (*end == 'G')
        mult = 1024L * 1024 * 1024, end++;
    if (*end != '\0') {
        bad_value(e, "is not a whole number (optional suffix k, M, G)", err, errlen);
        return SECSTD_ERR_INVALID;
    }
    if ((v > 0 && v > LONG_MAX / mult) || (v < 0 && v < LONG_MIN / mult)) {
        bad_value(e, "is out of range", err, errlen);
        return SECSTD_ERR_INVALID;
    }
    v *= mult;
    if (v < min || v > max) {
        char why[128];
        snprintf(why, sizeof why, "must be between %ld and %ld", min, max);
        bad_value(e, why, err, errlen);
        return SECSTD_ERR_INVALID;
    }
    *out = v;
    return SECSTD_OK;
}

secstd_status secstd_config_get_double(const secstd_config *cfg, const char *section,
                                       const char *key, double def, double min, double max,
                                       double *out, char *err, size_t errlen)
{
    *out = def;
    const entry *e = find(cfg, section, key);
    if (!e)
        return SECSTD_OK;
    char *end = NULL;
    errno = 0;
    double v = strtod(e->value, &end);
    if (end == e->value || *end || errno || !isfinite(v)) {
        bad_value(e, "is not a number", err, errlen);
        return SECSTD_ERR_INVALID;
    }
    if (v < min || v > max) {
        char why[128];
        snprintf(why, sizeof why, "must be between %g and %g", min, max);
        bad_value(e, why, err, errlen);
        return SECSTD_ERR_INVALID;
    }
    *out = v;
    return SECSTD_OK;
}

secstd_status secstd_config_get_bool(const secstd_config *cfg, const char *section, const char *key,
                                     int def, int *out, char *err, size_t errlen)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    *out = def;
    const entry *e = find(cfg, section, key);
    if (!e)
        return SECSTD_OK;
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(e->value, yes[i]) == 0) {
            *out = 1;
            return SECSTD_OK;
        }
        if (strcasecmp(e->value, no[i]) == 0) {
            *out = 0;
            return SECSTD_OK;
        }
    }
    bad_value(e, "must be yes or no", err, errlen);
    return SECSTD_ERR_INVALID;
}

size_t secstd_config_section_count(const secstd_config *cfg) { return cfg ? cfg->nsections : 0; }

const char *secstd_config_section_at(const secstd_config *cfg, size_t i)
{
    return cfg && i < cfg->nsections ? cfg->sections[i] : NULL;
}

secstd_status secstd_config_check_keys(const secstd_config *cfg, const char *section,
                                       const char *const *known, char *err, size_t errlen)
{
    if (!cfg)
        return SECSTD_OK;
    section = norm_section(section);
    for (size_t i = 0; i < cfg->n; i++) {
        const entry *e = &cfg->entries[i];
        if (strcmp(e->section, section) != 0)
            continue;
        int ok = 0;
        for (size_t k = 0; known && known[k]; k++)
            if (strcmp(known[k], e->key) == 0) {
                ok = 1;
                break;
            }
        if (!ok) {
            errf(err, errlen, "%s: unknown key '%s' in %s%s%s", e->origin, e->key,
                 *section ? "[" : "", *section ? section : "the top level", *section ? "]" : "");
            return SECSTD_ERR_INVALID;
        }
    }
    return SECSTD_OK;
}
