/* query.c — the shared query module (see query.h): request validation,
 * identifier detection before Xapian's QueryParser, synonym rewriting,
 * filters, date ranges, disjunctive facets, snippets and the JSON result. */
#include "query.h"

#include <ctype.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "assist.h"
#include "docmap.h"
#include "ident.h"
#include "schema.h"
#include "strbuf.h"
#include "xap.h"

void secstd_search_request_init(secstd_search_request *req)
{
    memset(req, 0, sizeof *req);
    req->page = 1;
    req->per_page = 10;
    req->synonyms = 1;
    req->facets = 1;
    req->snippets = 1;
}

static secstd_status bad(const char **param, const char *name, char *err, size_t errlen,
                         secstd_status st, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static secstd_status bad(const char **param, const char *name, char *err, size_t errlen,
                         secstd_status st, const char *fmt, ...)
{
    if (param)
        *param = name;
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* 1 if s is well-formed UTF-8 without NUL or C0 controls other than tab. */
static int valid_utf8(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        if (*p < 0x80) {
            if (*p < 0x20 && *p != '\t')
                return 0;
            p++;
            continue;
        }
        int n = (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0 || (*p == 0xC0 || *p == 0xC1) || *p > 0xF4)
            return 0;
        unsigned cp = *p & (0x3F >> n);
        for (int i = 1; i <= n; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        static const unsigned min[] = {0, 0x80, 0x800, 0x10000};
        if (cp < min[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += n + 1;
    }
    return 1;
}

static int valid_date_bound(const char *s)
{
    size_t n = strlen(s);
    if (n != 4 && n != 7 && n != 10)
        return 0;
    for (size_t i = 0; i < n; i++) {
        int dash = (i == 4 || i == 7);
        if (dash ? s[i] != '-' : !isdigit((unsigned char)s[i]))
            return 0;
    }
    int year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int month = n >= 7 ? (s[5] - '0') * 10 + (s[6] - '0') : 1;
    int day = n == 10 ? (s[8] - '0') * 10 + (s[9] - '0') : 1;
    if (year < 1 || month < 1 || month > 12 || day < 1)
        return 0;
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= days[month - 1] + (month == 2 && leap);
}

static void list_areas(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < secstd_area_count() && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", secstd_area_at(i)->id);
}

static void list_sdos(char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < secstd_sdo_count() && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? ", " : "", secstd_sdo_at(i)->name);
}

secstd_status secstd_search_validate(const secstd_search_request *req, const char **param,
                                     char *err, size_t errlen)
{
    if (param)
        *param = NULL;
    if (req->q) {
        if (strlen(req->q) > SECSTD_QUERY_MAX_LEN)
            return bad(param, "q", err, errlen, SECSTD_ERR_TOO_LARGE,
                       "query is longer than %d bytes", SECSTD_QUERY_MAX_LEN);
        if (!valid_utf8(req->q))
            return bad(param, "q", err, errlen, SECSTD_ERR_INVALID,
                       "query is not valid UTF-8 text (or holds control characters)");
        /* A '*' ending a word is a prefix search. */
        int wild = 0;
        for (const char *p = req->q; *p; p++)
            wild += *p == '*' && p > req->q && (isalnum((unsigned char)p[-1]) || (unsigned char)p[-1] >= 0x80);
        if (wild > SECSTD_QUERY_MAX_WILDCARDS)
            return bad(param, "q", err, errlen, SECSTD_ERR_INVALID,
                       "at most %d prefix* words in a query (this one has %d)",
                       SECSTD_QUERY_MAX_WILDCARDS, wild);
    }
    const struct {
        const char *name;
        const secstd_filter *f;
    } filters[] = {{"sdo", &req->sdo},       {"area", &req->area}, {"status", &req->status},
                   {"type", &req->type},     {"group", &req->group}};
    for (size_t k = 0; k < sizeof filters / sizeof *filters; k++) {
        const secstd_filter *f = filters[k].f;
        if (f->count > SECSTD_QUERY_MAX_FILTERS)
            return bad(param, filters[k].name, err, errlen, SECSTD_ERR_TOO_LARGE,
                       "more than %d values for %s", SECSTD_QUERY_MAX_FILTERS, filters[k].name);
        for (size_t i = 0; i < f->count; i++) {
            const char *v = f->values[i];
            if (!v || !*v || strlen(v) > 200 || !valid_utf8(v))
                return bad(param, filters[k].name, err, errlen, SECSTD_ERR_INVALID,
                           "%s must be a non-empty UTF-8 value of at most 200 bytes",
                           filters[k].name);
        }
    }
    char valid[1024];
    for (size_t i = 0; i < req->area.count; i++)
        if (!secstd_area_lookup(req->area.values[i])) {
            list_areas(valid, sizeof valid);
            return bad(param, "area", err, errlen, SECSTD_ERR_INVALID,
                       "unknown area \"%.80s\"; valid areas: %s", req->area.values[i], valid);
        }
    for (size_t i = 0; i < req->sdo.count; i++)
        if (!secstd_sdo_lookup(req->sdo.values[i])) {
            list_sdos(valid, sizeof valid);
            return bad(param, "sdo", err, errlen, SECSTD_ERR_INVALID,
                       "unknown sdo \"%.80s\"; valid: %s", req->sdo.values[i], valid);
        }
    for (size_t i = 0; i < req->status.count; i++)
        if (!secstd_record_status_valid(req->status.values[i]))
            return bad(param, "status", err, errlen, SECSTD_ERR_INVALID,
                       "unknown status \"%.80s\"; valid: published, in-development, superseded, "
                       "withdrawn, historic",
                       req->status.values[i]);
    if (req->from && !valid_date_bound(req->from))
        return bad(param, "from", err, errlen, SECSTD_ERR_INVALID,
                   "from must be YYYY, YYYY-MM or YYYY-MM-DD");
    if (req->to && !valid_date_bound(req->to))
        return bad(param, "to", err, errlen, SECSTD_ERR_INVALID,
                   "to must be YYYY, YYYY-MM or YYYY-MM-DD");
    if (req->from && req->to) {
        /* Compared at the precision given: from=2020-06 to=2020 is fine. */
        size_t n = strlen(req->from) < strlen(req->to) ? strlen(req->from) : strlen(req->to);
        if (strncmp(req->from, req->to, n) > 0)
            return bad(param, "from", err, errlen, SECSTD_ERR_INVALID,
                       "from (%s) is later than to (%s)", req->from, req->to);
    }
    if (req->page < 1)
        return bad(param, "page", err, errlen, SECSTD_ERR_INVALID, "page must be 1 or more");
    if (req->max_rows == 0) {
        if (req->per_page < 1 || req->per_page > SECSTD_QUERY_MAX_PER_PAGE)
            return bad(param, "per_page", err, errlen, SECSTD_ERR_INVALID,
                       "per_page must be between 1 and %d", SECSTD_QUERY_MAX_PER_PAGE);
        if ((unsigned long long)req->page * req->per_page > SECSTD_QUERY_MAX_DEPTH)
            return bad(param, "page", err, errlen, SECSTD_ERR_TOO_LARGE,
                       "page * per_page may not exceed %d; narrow the search instead",
                       SECSTD_QUERY_MAX_DEPTH);
    }
    return SECSTD_OK;
}

/* ---- query text ----------------------------------------------------------- */

/* acc OP q, both consumed; q alone when acc is NULL. */
static xap_query *join(xap_op op, xap_query *acc, xap_query *q)
{
    if (!acc)
        return q;
    xap_query *both = xap_query_combine(op, acc, q);
    xap_query_free(acc);
    xap_query_free(q);
    return both;
}

struct found_ids {
    json_t *list;        /* canonical ids found */
    xap_query *q;        /* OR of their identifier terms */
    strbuf rest;         /* query text without the identifier spans */
    size_t pos;
    const char *text;
};

static int on_ident(void *vctx, size_t start, size_t end, const secstd_ident *id)
{
    struct found_ids *c = vctx;
    char key[512], term[XAP_MAX_TERM + 1];
    if (secstd_ident_key(id->id, key, sizeof key) == 0)
        return 0;
    secstd_term(SECSTD_FIELD_IDENT, key, term, sizeof term);
    c->q = join(XAP_OP_OR, c->q, xap_query_term(term, 1));
    json_array_append_new(c->list, json_string(id->id));
    /* "ISO 27001" as people write it: the JTC 1 standard is ISO/IEC 27001
     * (the ISO form is looked for too; ISO-only numbers keep theirs). */
    if (strcmp(id->sdo, "ISO") == 0 && strncmp(id->id, "ISO ", 4) == 0) {
        char joint[SECSTD_IDENT_MAX + 8];
        snprintf(joint, sizeof joint, "ISO/IEC %s", id->id + 4);
        if (secstd_ident_key(joint, key, sizeof key) != 0) {
            secstd_term(SECSTD_FIELD_IDENT, key, term, sizeof term);
            c->q = join(XAP_OP_OR, c->q, xap_query_term(term, 1));
            json_array_append_new(c->list, json_string(joint));
        }
    }
    sb_add(&c->rest, c->text + c->pos, start - c->pos);
    sb_add(&c->rest, " ", 1);
    c->pos = end;
    return 0;
}

/* Whether the standard holding identifier term `term` is in the security
 * scope (the scope term on its document). */
static int in_scope(xap_db *db, const char *term)
{
    unsigned docid = 0;
    char scope[XAP_MAX_TERM + 1];
    int has = 0;
    secstd_term(SECSTD_FIELD_SCOPE, "security", scope, sizeof scope);
    return xap_db_first_posting(db, term, &docid) == SECSTD_OK && docid &&
           xap_db_has_term(db, scope, docid, &has) == SECSTD_OK && has;
}

/* The parts of a multi-part standard (ISO/IEC 15408-1 ... -5) when the
 * number alone names none: its ident terms that continue with '-'. */
#define MAX_PARTS 30

struct parts {
    xap_db *db;
    size_t prefix_len;     /* of the ident field's term prefix */
    const char *hint;
    int all;
    struct found_ids *c;
    int added;
};

static int add_part(void *vctx, const char *term, unsigned freq)
{
    struct parts *p = vctx;
    if (freq == 0 || (!p->all && !in_scope(p->db, term)))
        return 0;
    secstd_ident id;
    const char *key = term + p->prefix_len;
    const char *name = secstd_ident_parse(key, p->hint, &id) == SECSTD_OK ? id.id : key;
    p->c->q = join(XAP_OP_OR, p->c->q, xap_query_term(term, 1));
    json_array_append_new(p->c->list, json_string(name));
    return ++p->added >= MAX_PARTS;
}

/* Adds the identifiers of each body's series that text (a bare number,
 * possibly with an edition: "800-53 rev 5") names and the index holds, in
 * scope unless all, or the parts of the multi-part standard it names
 * ("15408": ISO/IEC 15408-1 ... -5); returns how many. */
static int number_in_series(xap_db *db, const char *text, size_t n, int all, struct found_ids *c)
{
    static const struct {
        const char *hint, *prefix;
    } tries[] = {{"ISO/IEC", ""},   {"ISO", ""},      {"IEC", ""},        {"IETF", ""},
                 {"IEEE", ""},      {"3GPP", ""},     {NULL, "NIST SP "}, {NULL, "NIST FIPS "},
                 {NULL, "ETSI EN "}, {NULL, "ETSI TS "}, {NULL, "ITU-T X"}};
    int added = 0;
    for (size_t k = 0; k < sizeof tries / sizeof *tries; k++) {
        char buf[96];
        snprintf(buf, sizeof buf, "%s%.*s", tries[k].prefix, (int)n, text);
        secstd_ident id;
        char key[512], term[XAP_MAX_TERM + 1];
        unsigned freq = 0;
        if (secstd_ident_parse(buf, tries[k].hint, &id) != SECSTD_OK ||
            secstd_ident_key(id.id, key, sizeof key) == 0)
            continue;
        secstd_term(SECSTD_FIELD_IDENT, key, term, sizeof term);
        if (xap_db_termfreq(db, term, &freq) == SECSTD_OK && freq == 0) {
            char prefix[XAP_MAX_TERM + 2];
            struct parts p = {db, strlen(secstd_field_get(SECSTD_FIELD_IDENT)->prefix),
                              tries[k].hint, all, c, 0};
            if ((size_t)snprintf(prefix, sizeof prefix, "%s-", term) < sizeof prefix &&
                xap_db_terms(db, prefix, add_part, &p) == SECSTD_OK)
                added += p.added;
            continue;
        }
        if (freq == 0 || (!all && !in_scope(db, term)))
            continue;
        size_t j;
        json_t *seen;
        int dup = 0;
        json_array_foreach(c->list, j, seen) dup |= strcmp(json_string_value(seen), id.id) == 0;
        if (dup)
            continue;
        c->q = join(XAP_OP_OR, c->q, xap_query_term(term, 1));
        json_array_append_new(c->list, json_string(id.id));
        added++;
    }
    return added;
}

/* A query that starts with a bare standard number ("27001", "27001:2022",
 * "800-53 rev 5", "62443-3-3", "33.501", "303645"): people type the number
 * without the body. Each body's series is tried (ISO/IEC, ISO, IEC, RFC,
 * IEEE, 3GPP, NIST SP and FIPS, ETSI EN and TS, ITU-T X), on the whole
 * query and then on its first word, and the standards the index holds
 * (security standards, unless all) are added as if typed in full; the
 * words also stay in the text search; when the security scope holds none,
 * the others. Numbers of fewer than four digits, or with a leading zero,
 * are left as words. */
static void bare_number(xap_db *db, const char *q, int all, struct found_ids *c)
{
    size_t n = strlen(q);
    while (n > 0 && q[n - 1] == ' ')
        n--;
    size_t first = strcspn(q, " ");
    if (first > n)
        first = n;
    if (n == 0 || n > 60 || q[0] < '1' || q[0] > '9')
        return;
    size_t digits = 0;
    for (size_t i = 0; i < first; i++) {
        if (!isalnum((unsigned char)q[i]) && !strchr(".-:", q[i]))
            return;
        digits += isdigit((unsigned char)q[i]) != 0;
    }
    if (digits < 4)
        return;
    if (number_in_series(db, q, n, all, c) == 0 && first < n)
        number_in_series(db, q, first, all, c);
    /* None in scope: the standards the number names elsewhere, as for an
     * identifier typed in full (RFC 1964, not a security standard here,
     * rather than nothing) — but a year alone stays a year. */
    long year = first == 4 && digits == 4 ? strtol(q, NULL, 10) : 0;
    if (!c->q && !all && !(year >= 1950 && year < 2040) &&
        number_in_series(db, q, n, 1, c) == 0 && first < n)
        number_in_series(db, q, first, 1, c);
}

/* A word typed as a name rather than a word: at least two capitals and
 * no more lower-case letters than capitals, digits and inner '-' allowed
 * (SPDM, LLMs, FIDO2, IoT, mTLS, eIDAS, IKEv2, ML-KEM), punctuation around
 * it aside. Xapian's spelling table offers the nearest title word for any
 * word it lacks ("SPDM" -> "spam", "IoT" -> "iotp"). */
static int typed_as_name(const char *w, size_t n)
{
    while (n > 0 && strchr("\"'(+-", *w)) {
        w++;
        n--;
    }
    while (n > 0 && strchr("\"'),.;:!?", w[n - 1]))
        n--;
    size_t upper = 0, lower = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (isupper(c))
            upper++;
        else if (islower(c))
            lower++;
        else if (!isdigit(c) && c != '-')
            return 0;
    }
    return upper >= 2 && lower <= upper;
}

/* Whether the letters of typed (case aside) appear in order in corrected,
 * with a few more: a word typed with letters left out (AUDT, PRIVCY). */
static int letters_left_out(const char *typed, size_t nt, const char *corrected, size_t nc)
{
    size_t j = 0, letters = 0;
    for (size_t i = 0; i < nt; i++) {
        if (!isalpha((unsigned char)typed[i]))
            continue;
        letters++;
        while (j < nc && tolower((unsigned char)corrected[j]) != tolower((unsigned char)typed[i]))
            j++;
        if (j == nc)
            return 0;
        j++;
    }
    return letters >= 4 && nc > nt;
}

/* Whether the typed word w[0..n) (punctuation around it aside, case
 * folded) is a word of some standard's title (a title term). Xapian's
 * spelling corrector offers its most frequent neighbour even for a word
 * it has ("spdm", in the title of ISO/IEC 25706, got "spam"), and the
 * spelling table leaves out words of fewer than four letters, so "key"
 * got "keys". */
static int title_word(xap_db *db, const char *w, size_t n)
{
    while (n > 0 && strchr("\"'(+-", *w)) {
        w++;
        n--;
    }
    while (n > 0 && strchr("\"'),.;:!?", w[n - 1]))
        n--;
    char word[128], term[XAP_MAX_TERM + 1];
    if (n == 0 || n >= sizeof word || memchr(w, ':', n))
        return 0;
    memcpy(word, w, n);
    word[n] = '\0';
    unsigned freq = 0;
    return xap_db_termfreq(db, secstd_term(SECSTD_FIELD_TITLE, word, term, sizeof term), &freq) ==
               SECSTD_OK &&
           freq > 0;
}

/* The corrected query with the corrections of names and title words
 * undone (words are compared in order; a correction that changed the
 * word count is kept whole), unless the name was a word with letters left
 * out. Takes corrected (malloc'ed) and returns the result, malloc'ed. */
static char *keep_names(xap_db *db, const char *typed, char *corrected)
{
    strbuf out = {0};
    const char *a = typed;
    const char *b = corrected;
    for (;;) {
        while (*a == ' ')
            a++;
        while (*b == ' ')
            b++;
        if (!*a || !*b)
            break;
        size_t na = strcspn(a, " "), nb = strcspn(b, " ");
        if (out.n)
            sb_add(&out, " ", 1);
        if ((typed_as_name(a, na) && !letters_left_out(a, na, b, nb)) ||
            (na != nb || strncasecmp(a, b, na) != 0 ? title_word(db, a, na) : 0))
            sb_add(&out, a, na);
        else
            sb_add(&out, b, nb);
        a += na;
        b += nb;
    }
    while (*a == ' ')
        a++;
    while (*b == ' ')
        b++;
    if (*a || *b || !out.s) { /* not word for word */
        free(out.s);
        return corrected;
    }
    free(corrected);
    return out.s;
}

/* The end of the word at p: letters, digits and inner '-'. */
static const char *word_end(const char *p)
{
    while (*p && (isalnum((unsigned char)*p) || (*p == '-' && isalnum((unsigned char)p[1]))))
        p++;
    return p;
}

/* Whether the word [w, end) of q is a field's value or name (title:x) or
 * carries love/hate (+x, -x): the rewrites leave it as typed. */
static int fielded_or_lovehate(const char *q, const char *w, const char *end)
{
    return *end == ':' || (w > q && (w[-1] == ':' || w[-1] == '+' || w[-1] == '-'));
}

/* Whether w (n bytes) is an operator word the parser reads (AND, OR, NOT,
 * XOR, NEAR, ADJ: any case). */
static int operator_word(const char *w, size_t n)
{
    static const char *const ops[] = {"and", "or", "not", "xor", "near", "adj"};
    for (size_t k = 0; k < sizeof ops / sizeof *ops; k++)
        if (n == strlen(ops[k]) && strncasecmp(w, ops[k], n) == 0)
            return 1;
    return 0;
}

/* Rewrites words that have synonyms as (word OR "expansion" ...), outside
 * quotes and fielded terms; records what was expanded in `used`. */
static char *expand_synonyms(const char *q, json_t *used)
{
    strbuf out = {0};
    const char *p = q;
    int in_quote = 0;
    while (*p) {
        if (*p == '"') {
            in_quote = !in_quote;
            sb_add(&out, p++, 1);
            continue;
        }
        if (in_quote || !(isalnum((unsigned char)*p))) {
            sb_add(&out, p++, 1);
            continue;
        }
        /* A word: letters, digits and inner '-'. Try two words, then one. */
        const char *w1 = p;
        p = word_end(p);
        if (fielded_or_lovehate(q, w1, p)) {
            sb_add(&out, w1, (size_t)(p - w1)); /* fielded or love/hate: leave as typed */
            continue;
        }
        const char *end = p;
        const secstd_synonym *syn = NULL;
        if (*p == ' ') {
            const char *w2 = p + 1, *e2 = w2;
            while (*e2 && (isalnum((unsigned char)*e2) || *e2 == '-'))
                e2++;
            char two[128];
            if (e2 > w2 && (size_t)(e2 - w1) < sizeof two) {
                memcpy(two, w1, (size_t)(e2 - w1));
                two[e2 - w1] = '\0';
                if ((syn = secstd_synonym_lookup(two)))
                    end = e2;
            }
        }
        char one[128];
        if (!syn && (size_t)(end - w1) < sizeof one) {
            memcpy(one, w1, (size_t)(end - w1));
            one[end - w1] = '\0';
            syn = secstd_synonym_lookup(one);
        }
        /* Never expand boolean operators. */
        if (!syn || ((end - w1 == 2 || end - w1 == 3) &&
                     (strncmp(w1, "OR", 2) == 0 || strncmp(w1, "AND", 3) == 0 || strncmp(w1, "NOT", 3) == 0))) {
            sb_add(&out, w1, (size_t)(end - w1));
            p = end;
            continue;
        }
        json_array_append_new(used, json_string(syn->term));
        int multi = memchr(w1, ' ', (size_t)(end - w1)) != NULL;
        sb_add(&out, "(", 1);
        if (multi)
            sb_add(&out, "\"", 1);
        sb_add(&out, w1, (size_t)(end - w1));
        if (multi)
            sb_add(&out, "\"", 1);
        const char *e = syn->expansions;
        while (*e) {
            const char *bar = strchr(e, '|');
            size_t len = bar ? (size_t)(bar - e) : strlen(e);
            int phrase = memchr(e, ' ', len) != NULL || memchr(e, '-', len) != NULL;
            sb_add(&out, " OR ", 4);
            if (phrase)
                sb_add(&out, "\"", 1);
            sb_add(&out, e, len);
            if (phrase)
                sb_add(&out, "\"", 1);
            if (!bar)
                break;
            e = bar + 1;
        }
        sb_add(&out, ")", 1);
        p = end;
    }
    if (!out.s)
        sb_add(&out, "", 0);
    return out.s;
}

/* An acronym typed in the plural: two or more capitals (digits allowed)
 * and a lower-case 's' (HSMs, VPNs, PKIs, CAs). The parser leaves words
 * that start with a capital unstemmed, so "HSMs" looked for that spelling
 * only: 1 crawled record against 31 for "HSM". */
static int plural_acronym(const char *w, size_t n)
{
    if (n < 3 || w[n - 1] != 's')
        return 0;
    size_t upper = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        unsigned char c = (unsigned char)w[i];
        if (isupper(c))
            upper++;
        else if (!isdigit(c))
            return 0;
    }
    /* "ORs", "ANDs", "NOTs": the singular would be an operator. */
    return upper >= 2 && !operator_word(w, n - 1);
}

/* Rewrites each plural acronym as (HSMs OR HSM), outside quotes, fielded
 * terms, love/hate and wildcards, before the synonyms (which then expand
 * the singular). */
static char *singular_acronyms(const char *q)
{
    strbuf out = {0};
    const char *p = q;
    int in_quote = 0;
    while (*p) {
        if (*p == '"')
            in_quote = !in_quote;
        if (in_quote || !isalnum((unsigned char)*p)) {
            sb_add(&out, p++, 1);
            continue;
        }
        const char *w = p;
        p = word_end(p);
        size_t n = (size_t)(p - w);
        if (fielded_or_lovehate(q, w, p) || *p == '*' || !plural_acronym(w, n)) {
            sb_add(&out, w, n);
            continue;
        }
        sb_add(&out, "(", 1);
        sb_add(&out, w, n);
        sb_add(&out, " OR ", 4);
        sb_add(&out, w, n - 1);
        sb_add(&out, ")", 1);
    }
    if (!out.s)
        sb_add(&out, "", 0);
    return out.s;
}

/* The TEXT field named by [w, end), or NULL. */
static const secstd_field *text_field(const char *w, const char *end)
{
    char name[32];
    if ((size_t)(end - w) >= sizeof name)
        return NULL;
    memcpy(name, w, (size_t)(end - w));
    name[end - w] = '\0';
    const secstd_field *f = secstd_field_by_name(name);
    return f && f->kind == SECSTD_KIND_TEXT ? f : NULL;
}

/* One word of a field's value in the case its terms need: the parser
 * stems a word that starts lower-case and keeps one that starts with a
 * capital as a word. A field indexed by stems alone (abstract:) gets its
 * words lower-cased, so "abstract:Encryption" finds the stem too; one
 * indexed without stems (author:) gets a capital, so "author:jerichow"
 * is looked for as the name, not as a stem nobody indexed. Operator
 * words and nested field names stay as typed. */
static void value_word_case(char *w, const char *end, secstd_field_stem stem)
{
    if (*end == ':' || operator_word(w, (size_t)(end - w)))
        return;
    if (stem == SECSTD_STEM_ALL)
        for (char *c = w; c < end; c++)
            *c = (char)tolower((unsigned char)*c);
    else if (stem == SECSTD_STEM_NONE && islower((unsigned char)*w))
        *w = (char)toupper((unsigned char)*w);
}

/* Puts the values of fields indexed by stems alone or without stems in
 * the case their terms need (value_word_case): a word (or wildcard) after
 * the colon, or each word of a bracketed group. Quoted phrases are left:
 * the parser never stems their words. Changes case only, in place. */
static void field_value_case(char *q)
{
    int in_quote = 0;
    for (char *p = q; *p;) {
        if (*p == '"')
            in_quote = !in_quote;
        if (in_quote || !isalnum((unsigned char)*p)) {
            p++;
            continue;
        }
        char *w = p;
        p = (char *)word_end(p);
        const secstd_field *f = *p == ':' && (w == q || !isalnum((unsigned char)w[-1])) ? text_field(w, p) : NULL;
        if (!f || f->stem == SECSTD_STEM_SOME)
            continue;
        p++;   /* the colon */
        if (isalnum((unsigned char)*p)) {
            char *v = p;
            p = (char *)word_end(p);
            value_word_case(v, p, f->stem);
        } else if (*p == '(') {
            int depth = 0, quoted = 0;
            for (; *p; ) {
                if (*p == '"')
                    quoted = !quoted;
                else if (!quoted && *p == '(')
                    depth++;
                else if (!quoted && *p == ')' && --depth == 0)
                    break;
                if (!quoted && isalnum((unsigned char)*p)) {
                    char *v = p;
                    p = (char *)word_end(p);
                    value_word_case(v, p, f->stem);
                    continue;
                }
                p++;
            }
        }
    }
}

/* The text the parser gets: field values in the case their terms need,
 * plural acronyms with their singular, then the synonyms when on
 * (recorded in `used`). */
static char *rewrite_text(const char *q, int synonyms, json_t *used)
{
    char *cased = strdup(q);
    if (!cased)
        return NULL;
    field_value_case(cased);
    char *sing = singular_acronyms(cased);
    free(cased);
    if (!sing || !synonyms)
        return sing;
    char *out = expand_synonyms(sing, used);
    free(sing);
    return out;
}

/* The text with query-syntax characters and operator words (AND, OR,
 * NOT, XOR, NEAR, ADJ: any case, as the parser reads them) turned into
 * spaces: the plain terms fallback after a syntax error ("tls AND" is
 * "tls", not "tls" and the word "and"). */
static char *plain_terms(const char *q)
{
    char *s = strdup(q);
    if (!s)
        return NULL;
    for (char *p = s; *p; p++)
        if (strchr("\"()+-*:[]{}^~", *p))
            *p = ' ';
    for (char *p = s; *p;) {
        if (*p == ' ') {
            p++;
            continue;
        }
        size_t n = strcspn(p, " ");
        if (operator_word(p, n))
            memset(p, ' ', n);
        p += n;
    }
    return s;
}

/* ---- filters ----------------------------------------------------------------- */

/* A filter's values OR-ed, each from the handle's in-memory set of its
 * term's documents (xap_query_term_set: a lookup per candidate; at 260k
 * records a body's term lists a quarter of the index), or the term. */
static xap_query *or_terms(xap_db *db, secstd_field_id field, const secstd_filter *f)
{
    xap_query *q = NULL;
    for (size_t i = 0; i < f->count; i++) {
        const char *v = f->values[i];
        if (field == SECSTD_FIELD_SDO) {
            const secstd_sdo *s = secstd_sdo_lookup(v);
            v = s ? s->name : v;
        } else if (field == SECSTD_FIELD_AREA) {
            const secstd_area *a = secstd_area_lookup(v);
            v = a ? a->id : v;
        }
        char term[XAP_MAX_TERM + 1];
        secstd_term(field, v, term, sizeof term);
        xap_query *t = xap_query_term_set(db, term);
        q = join(XAP_OP_OR, q, t ? t : xap_query_term(term, 1));
    }
    return q;
}

enum { FILTER_SDO, FILTER_AREA, FILTER_STATUS, FILTER_TYPE, FILTER_GROUP, FILTER_DATE, FILTER_COUNT };

/* The date filter (from/to) as ranges of the date slot's keys
 * (YYYYMMDD, "00" for an unknown month or day): [from, to], and, for a
 * `from` inside a month or year, that month's and year's own keys:
 * records dated only to the month or year ("2019-02" is 20190200) span
 * the whole month or year, so one containing `from` overlaps the range
 * although its key sorts before it. NULL ends are open. Returns d->n
 * (0: no date filter). */
struct date_ranges {
    char keys[4][9];
    const char *lo[3], *hi[3];
    size_t n;
};

static size_t date_ranges(const secstd_search_request *req, struct date_ranges *d)
{
    d->n = 0;
    if (!req->from && !req->to)
        return 0;
    char *lo = d->keys[0], *hi = d->keys[1];
    secstd_date_key(req->from, lo);
    secstd_date_key(req->to, hi);
    if (req->to)
        for (int i = (int)strlen(req->to) == 4 ? 4 : (int)strlen(req->to) == 7 ? 6 : 8; i < 8; i++)
            hi[i] = '9';
    d->lo[0] = req->from ? lo : NULL;
    d->hi[0] = req->to ? hi : NULL;
    d->n = 1;
    for (int cut = 6; req->from && cut >= 4; cut -= 2) {
        char *coarse = d->keys[1 + d->n];
        memcpy(coarse, lo, 9);
        memset(coarse + cut, '0', (size_t)(8 - cut));
        if (strcmp(coarse, lo) == 0 || (req->to && strcmp(coarse, hi) > 0))
            continue;
        d->lo[d->n] = d->hi[d->n] = coarse;
        d->n++;
    }
    return d->n;
}

/* The date filter: from the date slot's in-memory table (an array lookup
 * per candidate; a value range reads the slot's value stream for each,
 * which doubled the cost of a search at 260k records), or, should that
 * table fail to load, the same ranges as Xapian value ranges. */
static xap_query *date_filter(xap_db *db, const struct date_ranges *d)
{
    unsigned slot = (unsigned)secstd_field_get(SECSTD_FIELD_DATE)->slot;
    xap_query *q = xap_query_slot_ranges(db, slot, d->lo, d->hi, d->n);
    if (q)
        return q;
    for (size_t i = 0; i < d->n; i++)
        q = join(XAP_OP_OR, q, xap_query_value_range(slot, d->lo[i], d->hi[i]));
    return q;
}

/* All filter queries except `skip` (-1: none) ANDed, or NULL when none. */
static xap_query *filters_except(xap_db *db, const secstd_search_request *req, int skip)
{
    const struct {
        secstd_field_id field;
        const secstd_filter *f;
    } table[] = {{SECSTD_FIELD_SDO, &req->sdo},       {SECSTD_FIELD_AREA, &req->area},
                 {SECSTD_FIELD_STATUS, &req->status}, {SECSTD_FIELD_TYPE, &req->type},
                 {SECSTD_FIELD_GROUP, &req->group}};
    xap_query *all = NULL;
    for (int k = 0; k < FILTER_COUNT; k++) {
        if (k == skip)
            continue;
        xap_query *q = NULL;
        if (k == FILTER_DATE) {
            struct date_ranges d;
            if (!date_ranges(req, &d))
                continue;
            q = date_filter(db, &d);
        } else {
            if (table[k].f->count == 0)
                continue;
            q = or_terms(db, table[k].field, table[k].f);
        }
        all = join(XAP_OP_AND, all, q);
    }
    return all;
}

static xap_query *filtered(const xap_query *base, const xap_query *filter)
{
    return filter ? xap_query_combine(XAP_OP_FILTER, base, filter) : xap_query_combine(XAP_OP_OR, base, NULL);
}

/* ---- escaping ------------------------------------------------------------------ */

char *secstd_html_escape(const char *text)
{
    strbuf b = {0};
    sb_add(&b, "", 0);
    for (const char *p = text ? text : ""; *p; p++) {
        /* The plain run up to the next character to replace, at once. */
        size_t run = strcspn(p, "<>&\"'\x01\x02");
        sb_add(&b, p, run);
        p += run;
        if (!*p)
            break;
        switch (*p) {
        case '<': sb_add(&b, "&lt;", 4); break;
        case '>': sb_add(&b, "&gt;", 4); break;
        case '&': sb_add(&b, "&amp;", 5); break;
        case '"': sb_add(&b, "&quot;", 6); break;
        case '\'': sb_add(&b, "&#39;", 5); break;
        case '\x01': sb_add(&b, "<mark>", 6); break;
        case '\x02': sb_add(&b, "</mark>", 7); break;
        }
    }
    return b.s;
}

/* ---- search ---------------------------------------------------------------------- */

/* A query whose words all match fewer standards than this is widened to
 * standards matching some of them, after those matching all. */
#define RELAX_BELOW 5

/* Ranked by relevance, current standards (published, in development)
 * come before superseded, withdrawn and historic ones of about the same
 * relevance: a fixed weight, SECSTD_CURRENT_WEIGHT (query.h), is added to
 * Xapian's BM25 weight of each current match (AND_MAYBE: the matches
 * stay the same). The statuses come from the slot's in-memory table, the
 * one the status facet counts from. NULL when there is nothing to add —
 * the status filter keeps current standards alone or none of them — or
 * the table cannot be read: q ranks as it is. */
static const char *const current_statuses[] = {"published", "in-development"};

/* 1 for a current status (any case), 0 for any other or none. */
static int is_current(const char *status)
{
    return status && (strcasecmp(status, current_statuses[0]) == 0 ||
                      strcasecmp(status, current_statuses[1]) == 0);
}

static xap_query *current_first(xap_db *db, const secstd_search_request *req, const xap_query *q)
{
    size_t ncurrent = 0;
    for (size_t i = 0; i < req->status.count; i++)
        ncurrent += is_current(req->status.values[i]);
    if (req->status.count && (ncurrent == 0 || ncurrent == req->status.count))
        return NULL;
    xap_query *prior = xap_query_slot_weight(db, (unsigned)secstd_field_get(SECSTD_FIELD_STATUS)->slot,
                                             current_statuses, 2, SECSTD_CURRENT_WEIGHT);
    if (!prior)
        return NULL;
    xap_query *r = xap_query_combine(XAP_OP_AND_MAYBE, q, prior);
    xap_query_free(prior);
    return r;
}

static const struct facet_def {
    const char *name;
    secstd_field_id field;
    int filter;   /* FILTER_* index whose own filter is left out */
    int multi;
} facet_defs[] = {
    {"sdo", SECSTD_FIELD_SDO, FILTER_SDO, 0},
    {"area", SECSTD_FIELD_AREA, FILTER_AREA, 1},
    {"status", SECSTD_FIELD_STATUS, FILTER_STATUS, 0},
    {"year", SECSTD_FIELD_YEAR, FILTER_DATE, 0},
};
#define NFACETS (sizeof facet_defs / sizeof facet_defs[0])

static int filter_active(const secstd_search_request *req, int k)
{
    switch (k) {
    case FILTER_SDO: return req->sdo.count > 0;
    case FILTER_AREA: return req->area.count > 0;
    case FILTER_STATUS: return req->status.count > 0;
    case FILTER_TYPE: return req->type.count > 0;
    case FILTER_GROUP: return req->group.count > 0;
    default: return req->from || req->to;
    }
}

static json_t *facet_object(const xap_results *res, size_t k)
{
    json_t *o = json_object();
    for (size_t j = 0; j < xap_results_facet_size(res, k); j++) {
        const char *v;
        unsigned c;
        xap_results_facet_at(res, k, j, &v, &c);
        json_object_set_new(o, v, json_integer(c));
    }
    return o;
}

/* The security scope every search applies unless widened: from the
 * handle's in-memory set of the scope term's documents (a lookup per
 * candidate, not a skip through a posting list holding a third of the
 * index), or the term itself should that set fail to load. */
static xap_query *scope_filter(xap_db *db, char *term, size_t len)
{
    secstd_term(SECSTD_FIELD_SCOPE, "security", term, len);
    xap_query *q = xap_query_term_set(db, term);
    return q ? q : xap_query_term(term, 1);
}

/* A search's queries, built from the request on one handle. Each thread
 * that works on a search builds its own (Xapian objects belong to one
 * thread); the same request on the same generation builds the same. */
typedef struct built_search {
    json_t *qinfo;            /* the answer's "query" object */
    struct found_ids ids;
    xap_query *text_q, *ident_q;
    xap_query *base;          /* text and identifiers, in scope */
    xap_query *all_filters;   /* every filter ANDed; NULL when none */
    xap_query *main_q;        /* base under all_filters */
    int has_text;
    const char *q;            /* the text, leading spaces skipped */
} built_search;

static void built_free(built_search *b)
{
    xap_query_free(b->text_q);
    xap_query_free(b->ident_q);
    xap_query_free(b->base);
    xap_query_free(b->all_filters);
    xap_query_free(b->main_q);
    free(b->ids.rest.s);
    json_decref(b->qinfo);
}

static secstd_status build_search(xap_db *db, const secstd_search_request *req, built_search *b,
                                  char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    b->qinfo = json_pack("{s:s,s:[],s:b,s:[],s:[],s:b}", "text", req->q ? req->q : "", "identifiers",
                         "fallback", 0, "synonyms", "ignored", "relaxed", 0);
    secstd_status st = SECSTD_OK;
    const char *q = req->q ? req->q : "";
    while (*q == ' ')
        q++;
    b->q = q;

    /* 1. Identifiers first. */
    b->ids = (struct found_ids){json_object_get(b->qinfo, "identifiers"), NULL, {0}, 0, q};
    secstd_ident_scan(q, on_ident, &b->ids);
    sb_add(&b->ids.rest, q + b->ids.pos, strlen(q + b->ids.pos));
    if (!b->ids.q)
        bare_number(db, q, req->all_records, &b->ids);
    b->ident_q = b->ids.q;

    /* 2. The text through QueryParser (synonyms rewritten in), AND by
     * default; a syntax error falls back to plain terms. */
    for (const char *p = q; *p; p++)
        b->has_text |= isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80;
    if (b->has_text) {
        char *expanded = rewrite_text(q, req->synonyms, json_object_get(b->qinfo, "synonyms"));
        unsigned flags = XAP_PARSE_BOOLEAN | XAP_PARSE_PHRASE | XAP_PARSE_LOVEHATE |
                         XAP_PARSE_WILDCARD | XAP_PARSE_DEFAULT_AND | XAP_PARSE_PHRASE_SETS;
        st = xap_query_parse(db, expanded ? expanded : q, flags, &b->text_q, NULL);
        if (st == SECSTD_ERR_QUERY_SYNTAX) {
            /* The parser's message, before the next parse clears it. */
            json_object_set_new(b->qinfo, "fallback_reason", json_string(xap_last_error()));
            char *plain = plain_terms(q);
            st = xap_query_parse(db, plain ? plain : "", XAP_PARSE_DEFAULT_AND, &b->text_q, NULL);
            json_object_set_new(b->qinfo, "fallback", json_true());
            free(plain);
        }
        free(expanded);
        if (st != SECSTD_OK) {
            snprintf(err, errlen, "%s", xap_last_error());
            return st;
        }
        /* Function words the parser left out ("the", "of"): searched for
         * only inside phrases, which the answer says. */
        json_t *ignored = json_object_get(b->qinfo, "ignored");
        const char *w;
        for (size_t i = 0; (w = xap_query_ignored(b->text_q, i)) != NULL; i++)
            json_array_append_new(ignored, json_string(w));
    }

    /* 3. Scope: security standards unless widened; an identifier typed
     * exactly is found whatever its scope. */
    xap_query *scope = NULL;
    if (!req->all_records) {
        char term[XAP_MAX_TERM + 1];
        scope = scope_filter(db, term, sizeof term);
    }
    xap_query *scoped_text = NULL;
    if (b->text_q)
        scoped_text = scope ? xap_query_combine(XAP_OP_FILTER, b->text_q, scope)
                            : xap_query_combine(XAP_OP_OR, b->text_q, NULL);
    else if (!b->ident_q) {
        xap_query *all = xap_query_match_all();
        scoped_text = scope ? xap_query_combine(XAP_OP_FILTER, all, scope)
                            : xap_query_combine(XAP_OP_OR, all, NULL);
        xap_query_free(all);
    }
    if (b->ident_q) {
        xap_query *boosted = xap_query_scale(b->ident_q, 20.0);
        b->base = scoped_text ? xap_query_combine(XAP_OP_OR, boosted, scoped_text)
                              : xap_query_combine(XAP_OP_OR, boosted, NULL);
        xap_query_free(boosted);
    } else {
        b->base = scoped_text;
        scoped_text = NULL;
    }
    xap_query_free(scoped_text);
    xap_query_free(scope);

    /* 4. Filters. */
    b->all_filters = filters_except(db, req, -1);
    b->main_q = filtered(b->base, b->all_filters);
    return SECSTD_OK;
}

/* Facet counts are exact up to this many matches and half as many again;
 * beyond, estimated from a sample of the rest ("facets_exact": false;
 * xap.h, check_at_least). */
static unsigned facet_depth(const secstd_search_request *req, unsigned doccount)
{
    unsigned exact_upto = req->exact_facets ? req->exact_facets : SECSTD_QUERY_EXACT_FACETS;
    unsigned depth = doccount < exact_upto ? doccount : exact_upto;
    unsigned page_end = req->max_rows ? req->max_rows + 1 : req->page * req->per_page + 1;
    return depth < page_end ? page_end : depth;
}

static void facet_specs(xap_facet_spec specs[NFACETS])
{
    for (size_t k = 0; k < NFACETS; k++) {
        specs[k].slot = (unsigned)secstd_field_get(facet_defs[k].field)->slot;
        specs[k].multi = facet_defs[k].multi;
    }
}

/* A search's counting passes. Pass 0 counts the matches of the whole
 * query: the total, and the facets of the fields without an active
 * filter. Pass i > 0 counts the facet of one field with an active filter,
 * under every filter but the field's own (a disjunctive facet). The
 * passes are independent: the search's thread and the helper (assist.h)
 * take them in turn, each on its own handle. */
typedef struct count_passes {
    const secstd_search_request *req;
    unsigned depth;                 /* facet_depth */
    size_t n;                       /* 1 + the active facet filters */
    size_t facet[1 + NFACETS];      /* pass i > 0: its facet_defs index */
    _Atomic size_t next;            /* the next pass to take */
    struct pass_out {
        secstd_status st;
        json_t *facet[NFACETS];     /* pass 0: the fields without a filter;
                                       pass i: facet[p->facet[i]] */
        unsigned total;             /* pass 0 */
        int total_exact;            /* pass 0 */
        int facets_exact;
    } out[1 + NFACETS];
} count_passes;

static void passes_init(count_passes *p, const secstd_search_request *req, unsigned depth)
{
    memset(p, 0, sizeof *p);
    p->req = req;
    p->depth = depth;
    p->n = 1;
    for (size_t k = 0; k < NFACETS; k++)
        if (filter_active(req, facet_defs[k].filter))
            p->facet[p->n++] = k;
    for (size_t i = 0; i < p->n; i++)
        p->out[i].st = SECSTD_ERR_UNKNOWN;   /* not run */
    atomic_init(&p->next, 0);
}

static void passes_free(count_passes *p)
{
    for (size_t i = 0; i < p->n; i++)
        for (size_t k = 0; k < NFACETS; k++) {
            json_decref(p->out[i].facet[k]);
            p->out[i].facet[k] = NULL;
        }
}

/* Pass 0's output from a pass that counted every facet (res). */
static void pass0_from(count_passes *p, const xap_results *res)
{
    struct pass_out *o = &p->out[0];
    o->total = xap_results_total(res);
    o->total_exact = xap_results_total_exact(res);
    o->facets_exact = xap_results_facets_exact(res);
    for (size_t k = 0; k < NFACETS; k++)
        if (!filter_active(p->req, facet_defs[k].filter))
            o->facet[k] = facet_object(res, k);
    o->st = SECSTD_OK;
}

/* Runs pass i on db: base is the text and identifiers in scope, main_q
 * base under every filter (the queries of this thread's handle). */
static void run_pass(xap_db *db, const xap_query *base, const xap_query *main_q,
                     count_passes *p, size_t i)
{
    xap_facet_spec specs[NFACETS];
    facet_specs(specs);
    struct pass_out *o = &p->out[i];
    xap_results *res = NULL;
    if (i == 0) {
        xap_search_opts opts = {0, 0, -1, 0, p->depth, specs, NFACETS};
        o->st = xap_search(db, main_q, &opts, &res);
        if (o->st == SECSTD_OK)
            pass0_from(p, res);
    } else {
        size_t k = p->facet[i];
        xap_query *others = filters_except(db, p->req, facet_defs[k].filter);
        xap_query *fq = filtered(base, others);
        xap_search_opts opts = {0, 0, -1, 0, p->depth, &specs[k], 1};
        o->st = xap_search(db, fq, &opts, &res);
        if (o->st == SECSTD_OK) {
            o->facet[k] = facet_object(res, 0);
            o->facets_exact = xap_results_facets_exact(res);
        }
        xap_query_free(fq);
        xap_query_free(others);
    }
    xap_results_free(res);
}

/* Takes passes until none is left; SECSTD_ERR_XAPIAN_MODIFIED if one of
 * them met a changed database, else SECSTD_OK. */
static secstd_status take_passes(xap_db *db, const xap_query *base, const xap_query *main_q,
                                 count_passes *p)
{
    secstd_status st = SECSTD_OK;
    for (size_t i; (i = atomic_fetch_add(&p->next, 1)) < p->n;) {
        run_pass(db, base, main_q, p, i);
        if (p->out[i].st == SECSTD_ERR_XAPIAN_MODIFIED)
            st = p->out[i].st;
    }
    return st;
}

/* Leaves the passes not taken yet untaken. */
static void passes_cancel(count_passes *p) { atomic_store(&p->next, p->n); }

/* ---- the page's hits ------------------------------------------------------
 *
 * The page's hits are built like the passes are taken: the search's
 * thread and the helper each take the next hit nobody has (its head read,
 * decoded and highlighted through the thread's own handle) until none is
 * left. Highlighting is most of a hit (Xapian's snippet generator reads
 * every word of the abstract); the helper highlights with the statistics
 * of its own handle (xap_snippet_source), the same generation's, so the
 * snippets are the same. */
enum hit_state {
    HIT_OPEN,       /* not built */
    HIT_BUILT,
    HIT_SKIPPED,    /* unreadable or unparseable record: left out */
    HIT_FAILED      /* the helper's handle failed: the search's thread builds it */
};

enum hits_posted { HITS_WAIT, HITS_POSTED, HITS_NONE };

typedef struct hit_share {
    pthread_mutex_t lock;
    pthread_cond_t posted;
    _Atomic int state;        /* enum hits_posted, written under lock: the
                                 helper waits while HITS_WAIT */
    size_t n;
    unsigned *docid;
    double *weight;
    json_t **hit;             /* HIT_BUILT: the hit's object */
    unsigned char *built;     /* enum hit_state */
    _Atomic size_t next;      /* the next hit to take */
} hit_share;

static void hits_init(hit_share *h)
{
    memset(h, 0, sizeof *h);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->posted, NULL);
    atomic_init(&h->state, HITS_WAIT);
    atomic_init(&h->next, 0);
}

/* The page of res to build: 0 when out of memory (nothing posted). */
static int hits_fill(hit_share *h, const xap_results *res)
{
    size_t n = xap_results_count(res);
    if (n == 0)
        return 1;
    void *mem = calloc(n, sizeof *h->docid + sizeof *h->weight + sizeof *h->hit + 1);
    if (!mem)
        return 0;
    h->hit = mem;
    h->weight = (double *)(h->hit + n);
    h->docid = (unsigned *)(h->weight + n);
    h->built = (unsigned char *)(h->docid + n);
    for (size_t i = 0; i < n; i++) {
        h->docid[i] = xap_results_docid(res, i);
        h->weight[i] = xap_results_weight(res, i);
    }
    h->n = n;
    return 1;
}

/* Tells the helper whether there are hits for it (HITS_POSTED, after
 * hits_fill) or none (HITS_NONE); every search that handed its passes
 * says one or the other before it waits for the helper. */
static void hits_post(hit_share *h, enum hits_posted state)
{
    pthread_mutex_lock(&h->lock);
    h->state = state;
    pthread_cond_signal(&h->posted);
    pthread_mutex_unlock(&h->lock);
}

/* The helper, its counting done, spins this long for the ranked page
 * before it sleeps (assist.c's spins, and why). */
#define HITS_SPIN_US 300

/* The helper: 1 once hits are posted, 0 when there will be none. */
static int hits_wait(hit_share *h)
{
    secstd_spin_while(&h->state, HITS_WAIT, HITS_SPIN_US, 0);
    pthread_mutex_lock(&h->lock);
    while (h->state == HITS_WAIT)
        pthread_cond_wait(&h->posted, &h->lock);
    int posted = h->state == HITS_POSTED;
    pthread_mutex_unlock(&h->lock);
    return posted;
}

static void hits_free(hit_share *h)
{
    for (size_t i = 0; i < h->n; i++)
        json_decref(h->hit[i]);
    free(h->hit);
    pthread_cond_destroy(&h->posted);
    pthread_mutex_destroy(&h->lock);
}

/* What a thread builds hits with. */
typedef struct hit_maker {
    xap_db *db;                          /* the thread's handle */
    xap_results *snip;                   /* highlights (the thread's results) */
    const secstd_search_request *req;
    json_t *named;                       /* the identifiers the query named,
                                            normalised (NULL: none) */
    int last;                            /* 1: nobody builds a failed hit again */
} hit_maker;

/* The identifiers the query named (found_ids.list), normalised once. */
static json_t *named_ids(json_t *list)
{
    if (json_array_size(list) == 0)
        return NULL;
    json_t *named = json_object();
    size_t j;
    json_t *fid;
    json_array_foreach(list, j, fid) {
        char a[512];
        secstd_ident_value(json_string_value(fid), NULL, a, sizeof a);
        json_object_set_new(named, a, json_true());
    }
    return named;
}

/* A hit that is no longer current (superseded, withdrawn, historic) gets
 * what replaced it as its record states it — "superseded_by": [ids] —
 * from the relations section of its head (the whole data for records
 * stored before heads held relations). Nothing for current hits, which
 * cost no decoding, nor when the record names no successor. */
static void add_successors(xap_db *db, unsigned docid, const char *head, size_t hlen, json_t *hit)
{
    const char *status = json_string_value(json_object_get(hit, "status"));
    if (!status || is_current(status))
        return;
    json_t *rec = NULL;
    if (secstd_record_head_holds(head, hlen, SECSTD_DECODE_RELATIONS)) {
        rec = secstd_record_decode(head, hlen, SECSTD_DECODE_RELATIONS);
    } else {
        char *data = NULL;
        size_t len = 0;
        if (xap_db_get_data(db, docid, &data, &len) == SECSTD_OK)
            rec = secstd_record_decode(data, len, SECSTD_DECODE_RELATIONS);
        free(data);
    }
    json_t *by = json_object_get(json_object_get(rec, "relations"), "superseded_by");
    json_t *ids = json_array();
    size_t k;
    json_t *id;
    json_array_foreach(by, k, id) {
        if (json_is_string(id))
            json_array_append(ids, id);
    }
    if (json_array_size(ids) > 0)
        json_object_set(hit, "superseded_by", ids);
    json_decref(ids);
    json_decref(rec);
}

static void make_hit(const hit_maker *m, hit_share *h, size_t i)
{
    char *head = NULL;
    size_t hlen = 0;
    if (xap_db_get_head(m->db, h->docid[i], &head, &hlen) != SECSTD_OK) {
        h->built[i] = m->last ? HIT_SKIPPED : HIT_FAILED;
        return;
    }
    static const char *const keys[] = {"id",  "sdo", "type",  "title", "status",
                                       "date", "url", "areas", "group"};
    enum { NKEYS = sizeof keys / sizeof *keys };
    /* The hit straight from the stored head (the abstract read in place);
     * a record stored whole (no head) through its record object. */
    secstd_slice abstract;
    json_t *aliases = NULL;
    json_t *r = secstd_record_hit(head, hlen, keys, NKEYS, &abstract, m->named ? &aliases : NULL);
    json_t *rec = NULL;
    if (!r && (rec = secstd_record_decode(head, hlen, SECSTD_DECODE_HIT)) != NULL) {
        r = json_object();
        for (size_t k = 0; k < NKEYS; k++) {
            json_t *v = json_object_get(rec, keys[k]);
            json_object_set(r, keys[k], v ? v : json_null());
        }
        json_t *a = json_object_get(rec, "abstract");
        abstract.s = json_is_string(a) ? json_string_value(a) : "";
        abstract.len = json_string_length(a);
        aliases = json_incref(json_object_get(rec, "aliases"));
    }
    if (!r) {
        json_decref(rec);
        json_decref(aliases);
        free(head);
        h->built[i] = HIT_SKIPPED;
        return;
    }
    if (m->req->snippets) {
        /* As a C string (up to a NUL byte, which JSON strings may hold). */
        secstd_slice text = {abstract.s, strnlen(abstract.s, abstract.len)};
        if (!text.len) {
            const json_t *title = json_object_get(r, "title");
            text.s = json_is_string(title) ? json_string_value(title) : "";
            text.len = strlen(text.s);
        }
        char *snip = NULL;
        if (xap_results_snippet(m->snip, text.s, text.len, 240, &snip) == SECSTD_OK) {
            char *html = secstd_html_escape(snip);
            json_t *sv = json_string(html ? html : "");
            json_object_set_new(r, "snippet", sv ? sv : json_string(""));
            free(html);
        } else if (!m->last) {
            json_decref(r);
            json_decref(rec);
            json_decref(aliases);
            free(head);
            h->built[i] = HIT_FAILED;
            return;
        }
        free(snip);
    }
    add_successors(m->db, h->docid[i], head, hlen, r);
    free(head);   /* the abstract pointed into it */
    /* Exact: this hit is a standard the query named. */
    int exact = 0;
    if (m->named) {
        char bv[512];
        secstd_ident_value(json_string_value(json_object_get(r, "id")), NULL, bv, sizeof bv);
        exact = json_object_get(m->named, bv) != NULL;
        size_t k;
        json_t *al;
        json_array_foreach(aliases, k, al) {
            if (exact)
                break;
            secstd_ident_value(json_string_value(al), NULL, bv, sizeof bv);
            exact = json_object_get(m->named, bv) != NULL;
        }
    }
    json_decref(aliases);
    json_object_set_new(r, "exact", json_boolean(exact));
    json_object_set_new(r, "score", json_real(h->weight[i]));
    json_decref(rec);
    h->hit[i] = r;
    h->built[i] = HIT_BUILT;
}

static _Atomic unsigned long long helper_hits;

unsigned long long secstd_search_helper_hits(void)
{
    return atomic_load_explicit(&helper_hits, memory_order_relaxed);
}

static void take_hits(const hit_maker *m, hit_share *h)
{
    for (size_t i; (i = atomic_fetch_add(&h->next, 1)) < h->n;) {
        make_hit(m, h, i);
        if (!m->last && h->built[i] != HIT_FAILED)
            atomic_fetch_add_explicit(&helper_hits, 1, memory_order_relaxed);
    }
}

/* What a search hands the helper: its counting passes, then a share of
 * its hits. */
typedef struct search_share {
    count_passes passes;
    hit_share hits;
} search_share;

/* The helper's share, on its own handle with queries of its own. */
static void search_on_helper(secstd_index *idx, void *arg)
{
    search_share *s = arg;
    xap_db *db = secstd_index_db(idx);
    const secstd_search_request *req = s->passes.req;
    built_search b;
    char err[256];
    if (build_search(db, req, &b, err, sizeof err) == SECSTD_OK) {
        if (take_passes(db, b.base, b.main_q, &s->passes) == SECSTD_ERR_XAPIAN_MODIFIED) {
            secstd_index_reopen(idx);   /* for the next search; this one counts again */
        } else if (hits_wait(&s->hits)) {
            hit_maker m = {db, NULL, req, named_ids(b.ids.list), 0};
            if (!req->snippets || xap_snippet_source(db, b.main_q, &m.snip) == SECSTD_OK)
                take_hits(&m, &s->hits);
            xap_results_free(m.snip);
            json_decref(m.named);
        }
    }
    built_free(&b);
}

/* The answer's "facets" object, from every pass (run). A disjunctive pass
 * that failed leaves its field out; pass 0 failing fails the search. */
static secstd_status passes_facets(count_passes *p, json_t **facets, int *exact)
{
    if (p->out[0].st != SECSTD_OK)
        return p->out[0].st;
    *facets = json_object();
    *exact = p->out[0].facets_exact;
    for (size_t k = 0; k < NFACETS; k++) {
        json_t *f = p->out[0].facet[k];
        if (filter_active(p->req, facet_defs[k].filter)) {
            f = NULL;
            for (size_t i = 1; i < p->n; i++)
                if (p->facet[i] == k && p->out[i].st == SECSTD_OK) {
                    f = p->out[i].facet[k];
                    *exact &= p->out[i].facets_exact;
                }
        }
        if (f)
            json_object_set(*facets, facet_defs[k].name, f);
    }
    return SECSTD_OK;
}

/* Searches in progress in this process (secstd_search): the helper takes
 * a share of a search's counting only while it is the only one. */
static _Atomic unsigned searches_running;

static secstd_status run_search(secstd_index *idx, const secstd_search_request *req, json_t **out,
                                char *err, size_t errlen)
{
    xap_db *db = secstd_index_db(idx);
    char *corrected = NULL;
    xap_query *wide_base = NULL, *wide_q = NULL;   /* a widened search's */
    xap_results *res = NULL;
    json_t *results = NULL, *facets = NULL;
    unsigned depth = facet_depth(req, secstd_index_doccount(idx));
    search_share sh;
    passes_init(&sh.passes, req, depth);
    hits_init(&sh.hits);
    /* The counting passes start on the helper when it is free and nothing
     * else is searching, while this thread builds the query and ranks the
     * page; then both build the page's hits, and what the helper has not
     * taken of the passes when the hits are done, this thread counts. */
    int handed = req->facets && atomic_load(&searches_running) == 1 &&
                 secstd_assist_start(idx, search_on_helper, &sh);
    built_search b;
    secstd_status st = build_search(db, req, &b, err, errlen);
    if (st != SECSTD_OK)
        goto done;
    const char *q = b.q;

    /* 5. The page, ranked, counting pass 0 on the way (every match up to
     * the facets' depth is checked) unless the helper counts: then only
     * the page's matches and one more are checked, and at least
     * RELAX_BELOW (below that many, the count must be exact). */
    xap_facet_spec specs[NFACETS];
    facet_specs(specs);
    xap_search_opts opts = {0};
    /* Nothing to rank by (filters alone, "browse this area"): every match
     * weighs the same, so relevance would be docid order; newest first. */
    int by_date = req->sort_by_date || (!b.text_q && !b.ident_q);
    opts.sort_slot = by_date ? secstd_field_get(SECSTD_FIELD_DATE)->slot : -1;
    json_object_set_new(b.qinfo, "sort", json_string(by_date ? "date" : "relevance"));
    opts.sort_descending = 1;
    if (req->max_rows) {
        opts.offset = 0;
        opts.limit = req->max_rows;
    } else {
        opts.offset = (req->page - 1) * req->per_page;
        opts.limit = req->per_page;
    }
    int count_here = req->facets && !handed;
    unsigned page_end = opts.offset + opts.limit + 1;
    opts.check_at_least = count_here ? depth : page_end > RELAX_BELOW ? page_end : RELAX_BELOW;
    opts.facets = count_here ? specs : NULL;
    opts.nfacets = count_here ? NFACETS : 0;
    {
        xap_query *rq = by_date ? NULL : current_first(db, req, b.main_q);
        st = xap_search(db, rq ? rq : b.main_q, &opts, &res);
        xap_query_free(rq);
    }
    if (st != SECSTD_OK) {
        snprintf(err, errlen, "%s", xap_last_error());
        goto done;
    }
    /* AND found (almost) nothing for a several-word query: relax to OR,
     * keeping the standards that have every word first. Not when the query
     * is identifiers alone ("RFC 8446"): it named what it wants, and "rfc"
     * OR "8446" would list thousands of unrelated RFCs after it. The pass
     * checked at least RELAX_BELOW matches, so below it its count is
     * exact. */
    int rest_has_text = 0;
    for (const char *p = b.ids.rest.s ? b.ids.rest.s : ""; *p; p++)
        rest_has_text |= isalnum((unsigned char)*p) || (unsigned char)*p >= 0x80;
    unsigned strict_total = xap_results_total(res);
    int relaxed = 0;
    if (strict_total < RELAX_BELOW && b.text_q && b.has_text && (!b.ident_q || rest_has_text)) {
        xap_query *or_text = NULL;
        json_t *unused = json_array();
        char *expanded = rewrite_text(q, req->synonyms, unused);
        json_decref(unused);
        if (xap_query_parse(db, expanded ? expanded : q,
                            XAP_PARSE_BOOLEAN | XAP_PARSE_PHRASE | XAP_PARSE_LOVEHATE |
                                XAP_PARSE_PHRASE_SETS,
                            &or_text, NULL) == SECSTD_OK) {
            char term[XAP_MAX_TERM + 1];
            xap_query *sc = req->all_records ? NULL : scope_filter(db, term, sizeof term);
            xap_query *b2 = sc ? xap_query_combine(XAP_OP_FILTER, or_text, sc)
                               : xap_query_combine(XAP_OP_OR, or_text, NULL);
            if (b.ident_q) {
                xap_query *boosted = xap_query_scale(b.ident_q, 20.0);
                xap_query *b3 = xap_query_combine(XAP_OP_OR, boosted, b2);
                xap_query_free(boosted);
                xap_query_free(b2);
                b2 = b3;
            }
            /* Ranked, the status prior (current_first) is added to the
             * strict matches before they are weighted up, so it orders them
             * as it would have unwidened, and to the whole; counted
             * (wide_base, wide_q), the query is without it. */
            xap_query *ranked = NULL;
            if (strict_total > 0) {
                /* The strict matches, weighted up, stay ahead of the rest. */
                xap_query *strict = xap_query_scale(b.base, 8.0);
                xap_query *prior = current_first(db, req, b.base);
                xap_query *strict_r = xap_query_scale(prior ? prior : b.base, 8.0);
                xap_query *b3 = xap_query_combine(XAP_OP_OR, strict, b2);
                ranked = xap_query_combine(XAP_OP_OR, strict_r, b2);
                xap_query_free(strict);
                xap_query_free(prior);
                xap_query_free(strict_r);
                xap_query_free(b2);
                b2 = b3;
            }
            xap_query *m2 = filtered(b2, b.all_filters);
            xap_query *m2r = ranked ? filtered(ranked, b.all_filters) : NULL;
            xap_query *rq2 = current_first(db, req, m2r ? m2r : m2);
            xap_results *res2 = NULL;
            secstd_status st2 = xap_search(db, rq2 ? rq2 : m2r ? m2r : m2, &opts, &res2);
            xap_query_free(rq2);
            xap_query_free(m2r);
            xap_query_free(ranked);
            if (st2 == SECSTD_OK && xap_results_total(res2) > strict_total) {
                xap_results_free(res);
                res = res2;
                wide_base = b2;
                wide_q = m2;
                b2 = m2 = NULL;
                relaxed = 1;
                json_object_set_new(b.qinfo, "relaxed", json_true());
                json_object_set_new(b.qinfo, "all_words_total", json_integer(strict_total));
            } else {
                xap_results_free(res2);
            }
            xap_query_free(b2);
            xap_query_free(m2);
            xap_query_free(sc);
            xap_query_free(or_text);
        }
        free(expanded);
    }
    if (relaxed && handed) {
        /* The helper counts the strict search: stop it, count here. */
        passes_cancel(&sh.passes);
        hits_post(&sh.hits, HITS_NONE);
        secstd_assist_wait();
        handed = 0;
        passes_free(&sh.passes);
        passes_init(&sh.passes, req, depth);
    }
    if (count_here) {
        pass0_from(&sh.passes, res);
        atomic_store(&sh.passes.next, 1);
    }

    /* 6. Results: the hits, built here and (handed) on the helper. */
    if (!hits_fill(&sh.hits, res)) {
        st = SECSTD_ERR_NOMEM;
        snprintf(err, errlen, "out of memory");
        goto done;
    }
    if (handed)
        hits_post(&sh.hits, HITS_POSTED);
    hit_maker maker = {db, res, req, named_ids(b.ids.list), 1};
    take_hits(&maker, &sh.hits);

    /* 7. The counts: the passes nobody has taken yet, here. */
    unsigned total = xap_results_total(res);
    int total_exact = xap_results_total_exact(res), facets_exact = 1;
    if (req->facets) {
        const xap_query *cbase = wide_base ? wide_base : b.base, *cq = wide_q ? wide_q : b.main_q;
        take_passes(db, cbase, cq, &sh.passes);
    }
    if (handed) {
        secstd_assist_wait();
        handed = 0;
    }
    /* What failed on the helper's handle is built and counted again here. */
    results = json_array();
    for (size_t i = 0; i < sh.hits.n; i++) {
        if (sh.hits.built[i] == HIT_FAILED)
            make_hit(&maker, &sh.hits, i);
        if (sh.hits.built[i] == HIT_BUILT) {
            json_array_append(results, sh.hits.hit[i]);
        }
    }
    json_decref(maker.named);
    if (req->facets) {
        const xap_query *cbase = wide_base ? wide_base : b.base, *cq = wide_q ? wide_q : b.main_q;
        for (size_t i = 0; i < sh.passes.n; i++)
            if (sh.passes.out[i].st != SECSTD_OK)
                run_pass(db, cbase, cq, &sh.passes, i);
        st = passes_facets(&sh.passes, &facets, &facets_exact);
        if (st != SECSTD_OK) {
            snprintf(err, errlen, "%s", xap_last_error());
            goto done;
        }
        total = sh.passes.out[0].total;
        total_exact = sh.passes.out[0].total_exact;
    }

    /* Spelling: only for plain words (no identifiers) that found little
     * (with every word: a widened search for "autentication protocol"
     * finds plenty through "protocol"), checked on the words as typed, not
     * on the synonym-expanded query. */
    json_t *dym = json_null();
    if (b.has_text && !b.ident_q && (relaxed ? strict_total : total) < 3) {
        xap_query *sq = NULL;
        if (xap_query_parse(db, q, XAP_PARSE_SPELLING | XAP_PARSE_PHRASE | XAP_PARSE_BOOLEAN, &sq,
                            &corrected) == SECSTD_OK &&
            corrected && *corrected && strcmp(corrected = keep_names(db, q, corrected), q) != 0)
            dym = json_string(corrected);
        xap_query_free(sq);
    }
    *out = json_pack("{s:i,s:i,s:i,s:i,s:O,s:o,s:o,s:o}", "total", (json_int_t)total, "page",
                     (json_int_t)req->page, "per_page",
                     (json_int_t)(req->max_rows ? req->max_rows : req->per_page), "generation",
                     (json_int_t)secstd_index_generation(idx), "query", b.qinfo, "did_you_mean",
                     dym, "results", results, "facets", facets ? facets : json_object());
    results = facets = NULL;
    /* Without facets only the page is checked: the total is then Xapian's
     * estimate unless its bounds agree. */
    json_object_set_new(*out, "total_exact", json_boolean(total_exact));
    if (req->facets)
        json_object_set_new(*out, "facets_exact", json_boolean(facets_exact));

done:
    if (handed) {
        passes_cancel(&sh.passes);
        hits_post(&sh.hits, HITS_NONE);
        secstd_assist_wait();
    }
    passes_free(&sh.passes);
    hits_free(&sh.hits);
    json_decref(results);
    json_decref(facets);
    xap_results_free(res);
    xap_query_free(wide_base);
    xap_query_free(wide_q);
    built_free(&b);
    free(corrected);
    return st;
}

secstd_status secstd_search(secstd_index *idx, const secstd_search_request *req, json_t **out,
                            const char **param, char *err, size_t errlen)
{
    *out = NULL;
    secstd_status st = secstd_search_validate(req, param, err, errlen);
    if (st != SECSTD_OK)
        return st;
    atomic_fetch_add(&searches_running, 1);
    for (int attempt = 0; attempt < 3; attempt++) {
        st = run_search(idx, req, out, err, errlen);
        if (st != SECSTD_ERR_XAPIAN_MODIFIED)
            break;
        if (secstd_index_reopen(idx) != SECSTD_OK)
            break;
    }
    atomic_fetch_sub(&searches_running, 1);
    return st;
}
