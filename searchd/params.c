/* params.c — strict parsing of query-string arguments (params.h).
 *
 * The search parameters are a table: name, how the value is read, where it
 * goes in secstd_search_request. Adding a parameter means one row here and
 * one line in the API documentation (README.md in this directory). */
#include "params.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

int sd_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
                return 0;
            if (c == 0x7f)
                return 0;
            i++;
            continue;
        }
        size_t n;
        unsigned cp, min;
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1; cp = c & 0x1f; min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2; cp = c & 0x0f; min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3; cp = c & 0x07; min = 0x10000;
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            unsigned cc = s[i + k];
            if ((cc & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += n + 1;
    }
    return 1;
}

int sd_parse_uint(const char *s, size_t len, unsigned min, unsigned max, unsigned *out)
{
    if (!s || len == 0 || len > 9)
        return len > 9 && s && strspn(s, "0123456789") == len ? -2 : -1;
    unsigned long v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    if (v < min || v > max)
        return -2;
    *out = (unsigned)v;
    return 0;
}

void sd_error_set(sd_error *e, unsigned code, const char *param, const char *fmt, ...)
{
    e->code = code;
    e->param = param;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof(e->message), fmt, ap);
    va_end(ap);
    /* A message cut inside a multi-byte character would not be valid
     * UTF-8 (and jansson refuses such strings): trim back to a boundary. */
    size_t n = strlen(e->message);
    while (n > 0 && !sd_utf8_valid(e->message, n))
        e->message[--n] = '\0';
}

const sd_arg *sd_find_arg(const sd_arg *args, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(args[i].key, name) == 0)
            return &args[i];
    return NULL;
}

/* A printable, bounded form of a client-supplied name for messages. */
static const char *printable_key(const sd_arg *a)
{
    if (a->key_len == 0)
        return "(empty)";
    if (a->key_len > 64 || strlen(a->key) != a->key_len || !sd_utf8_valid(a->key, a->key_len))
        return "(unprintable)";
    return a->key;
}

/* Checks a value is text we accept at all (UTF-8, no NUL, no controls). */
static int check_text(const sd_arg *a, const char *param, sd_error *e)
{
    if (strlen(a->value) != a->value_len || !sd_utf8_valid(a->value, a->value_len)) {
        sd_error_set(e, 400, param,
                     "parameter '%s' is not valid UTF-8 text (or contains control characters)",
                     param);
        return -1;
    }
    return 0;
}

typedef enum param_kind {
    P_TEXT,      /* one string, borrowed */
    P_FILTER,    /* repeatable; appended to a secstd_filter */
    P_UINT,      /* one unsigned within limits */
    P_SORT,      /* relevance | date */
    P_BOOL,      /* 1/0, true/false, yes/no, on/off */
    P_SCOPE,     /* security | all */
} param_kind;

typedef enum uint_limit { L_NONE, L_PAGE, L_PER_PAGE } uint_limit;

typedef struct param_def {
    const char *name;
    param_kind kind;
    size_t offset;           /* into secstd_search_request */
    uint_limit limit;
    int csv_ignored;         /* accepted but unused by /search.csv */
} param_def;

#define OFF(field) offsetof(secstd_search_request, field)
static const param_def SEARCH_PARAMS[] = {
    {"q", P_TEXT, OFF(q), L_NONE, 0},
    {"sdo", P_FILTER, OFF(sdo), L_NONE, 0},
    {"area", P_FILTER, OFF(area), L_NONE, 0},
    {"status", P_FILTER, OFF(status), L_NONE, 0},
    {"type", P_FILTER, OFF(type), L_NONE, 0},
    {"group", P_FILTER, OFF(group), L_NONE, 0},
    {"from", P_TEXT, OFF(from), L_NONE, 0},
    {"to", P_TEXT, OFF(to), L_NONE, 0},
    {"sort", P_SORT, OFF(sort_by_date), L_NONE, 0},
    {"page", P_UINT, OFF(page), L_PAGE, 1},
    {"per_page", P_UINT, OFF(per_page), L_PER_PAGE, 1},
    {"synonyms", P_BOOL, OFF(synonyms), L_NONE, 0},
    {"scope", P_SCOPE, OFF(all_records), L_NONE, 0},
    {"facets", P_BOOL, OFF(facets), L_NONE, 1},
    {"snippets", P_BOOL, OFF(snippets), L_NONE, 1},
};
#undef OFF
#define N_SEARCH_PARAMS (sizeof(SEARCH_PARAMS) / sizeof(SEARCH_PARAMS[0]))

typedef struct word_value {
    const char *word;
    int value;
} word_value;

static const word_value BOOL_WORDS[] = {
    {"1", 1}, {"true", 1}, {"yes", 1}, {"on", 1},
    {"0", 0}, {"false", 0}, {"no", 0}, {"off", 0},
};
static const word_value SORT_WORDS[] = {{"relevance", 0}, {"date", 1}};
static const word_value SCOPE_WORDS[] = {{"security", 0}, {"all", 1}};

static int lookup_word(const word_value *words, size_t n, const char *s, int *out)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(words[i].word, s) == 0) {
            *out = words[i].value;
            return 0;
        }
    return -1;
}

static void list_words(char *buf, size_t len, const word_value *words, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++) {
        int k = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", words[i].word);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static int set_word(const param_def *p, const sd_arg *a, const word_value *words, size_t n,
                    void *field, sd_error *e)
{
    int v;
    if (lookup_word(words, n, a->value, &v) < 0) {
        char valid[128];
        list_words(valid, sizeof(valid), words, n);
        sd_error_set(e, 400, p->name, "parameter '%s' must be one of: %s", p->name, valid);
        return -1;
    }
    *(int *)field = v;
    return 0;
}

static void list_params(char *buf, size_t len, int csv)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < N_SEARCH_PARAMS && used < len; i++) {
        if (csv && SEARCH_PARAMS[i].csv_ignored)
            continue;
        int k = snprintf(buf + used, len - used, "%s%s", used ? ", " : "", SEARCH_PARAMS[i].name);
        if (k < 0)
            break;
        used += (size_t)k;
    }
}

static int set_param(const param_def *p, const sd_arg *a, const sd_limits *lim,
                     secstd_search_request *req, sd_error *e)
{
    void *field = (char *)req + p->offset;
    switch (p->kind) {
    case P_TEXT: {
        int is_q = strcmp(p->name, "q") == 0;
        size_t max = is_q ? lim->max_query_len : SD_MAX_FILTER_VALUE;
        if (a->value_len > max) {
            sd_error_set(e, 400, p->name, "parameter '%s' is too long (%zu bytes; at most %zu)",
                         p->name, a->value_len, max);
            return -1;
        }
        /* An empty from/to (an empty form field) means "open". */
        *(const char **)field = (is_q || a->value_len) ? a->value : NULL;
        return 0;
    }
    case P_FILTER: {
        secstd_filter *f = field;
        if (a->value_len == 0)
            return 0;   /* "sdo=" from an empty form control: no filter */
        if (a->value_len > SD_MAX_FILTER_VALUE) {
            sd_error_set(e, 400, p->name, "parameter '%s' is too long (at most %d bytes)", p->name,
                         SD_MAX_FILTER_VALUE);
            return -1;
        }
        if (f->count >= SECSTD_QUERY_MAX_FILTERS) {
            sd_error_set(e, 400, p->name, "parameter '%s' is given more than %d times", p->name,
                         SECSTD_QUERY_MAX_FILTERS);
            return -1;
        }
        f->values[f->count++] = a->value;
        return 0;
    }
    case P_UINT: {
        unsigned max = p->limit == L_PER_PAGE ? lim->max_per_page : lim->max_depth;
        unsigned v = 0;
        int rc = sd_parse_uint(a->value, a->value_len, 1, max, &v);
        if (rc == -1) {
            sd_error_set(e, 400, p->name, "parameter '%s' must be a whole number from 1 to %u",
                         p->name, max);
            return -1;
        }
        if (rc == -2) {
            sd_error_set(e, 400, p->name, "parameter '%s' is out of range: 1 to %u", p->name, max);
            return -1;
        }
        *(unsigned *)field = v;
        return 0;
    }
    case P_SORT:
        return set_word(p, a, SORT_WORDS, sizeof(SORT_WORDS) / sizeof(SORT_WORDS[0]), field, e);
    case P_BOOL:
        return set_word(p, a, BOOL_WORDS, sizeof(BOOL_WORDS) / sizeof(BOOL_WORDS[0]), field, e);
    case P_SCOPE:
        return set_word(p, a, SCOPE_WORDS, sizeof(SCOPE_WORDS) / sizeof(SCOPE_WORDS[0]), field, e);
    }
    return 0;
}

int sd_parse_search(const sd_arg *args, size_t n, const sd_limits *lim, int csv,
                    secstd_search_request *req, sd_error *e)
{
    unsigned seen[N_SEARCH_PARAMS] = {0};
    for (size_t i = 0; i < n; i++) {
        const sd_arg *a = &args[i];
        const param_def *p = NULL;
        size_t pi = 0;
        for (; pi < N_SEARCH_PARAMS; pi++)
            if (strcmp(SEARCH_PARAMS[pi].name, a->key) == 0 &&
                strlen(a->key) == a->key_len) {
                p = &SEARCH_PARAMS[pi];
                break;
            }
        if (!p) {
            char valid[256];
            list_params(valid, sizeof(valid), csv);
            sd_error_set(e, 400, NULL, "unknown parameter '%s'; valid parameters: %s",
                         printable_key(a), valid);
            if (printable_key(a) == a->key)
                e->param = a->key;
            return -1;
        }
        if (check_text(a, p->name, e) < 0)
            return -1;
        if (p->kind != P_FILTER && seen[pi]++) {
            sd_error_set(e, 400, p->name, "parameter '%s' is given more than once", p->name);
            return -1;
        }
        if (csv && p->csv_ignored)
            continue;
        if (set_param(p, a, lim, req, e) < 0)
            return -1;
    }
    req->exact_facets = lim->exact_facets;
    if (csv) {
        req->facets = 0;
        req->snippets = 0;
        req->page = 1;
        req->max_rows = lim->csv_max_rows;
    } else if ((unsigned long)req->page * req->per_page > lim->max_depth) {
        sd_error_set(e, 400, "page",
                     "results beyond %u are not served (page %u with per_page %u); narrow the "
                     "search or use /search.csv",
                     lim->max_depth, req->page, req->per_page);
        return -1;
    }
    return 0;
}

int sd_check_args(const sd_arg *args, size_t n, const char *const *allowed, sd_error *e)
{
    for (size_t i = 0; i < n; i++) {
        const sd_arg *a = &args[i];
        const char *name = NULL;
        for (const char *const *k = allowed; *k; k++)
            if (strcmp(*k, a->key) == 0 && strlen(a->key) == a->key_len)
                name = *k;
        if (!name) {
            char valid[256] = "";
            size_t used = 0;
            for (const char *const *k = allowed; *k && used < sizeof(valid); k++) {
                int w = snprintf(valid + used, sizeof(valid) - used, "%s%s", used ? ", " : "", *k);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            sd_error_set(e, 400, NULL, "unknown parameter '%s'; %s%s", printable_key(a),
                         used ? "valid parameters: " : "this resource takes no parameters",
                         valid);
            if (printable_key(a) == a->key)
                e->param = a->key;
            return -1;
        }
        if (check_text(a, name, e) < 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp(args[j].key, name) == 0) {
                sd_error_set(e, 400, name, "parameter '%s' is given more than once", name);
                return -1;
            }
    }
    return 0;
}
