#define _GNU_SOURCE /* strcasestr */
/* classify.c — the technology-area classifier (see classify.h).
 *
 * The taxonomy's phrases and acronyms are compiled once into a hash table
 * keyed by their first token, so a record is classified in one pass over
 * its tokens instead of one substring search per phrase. */
#include "classify.h"

#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

#define MAX_PHRASE_TOKENS 6
#define BUCKETS 4096
#define THRESHOLD 3
#define MAX_TOKENS 8192

typedef struct entry {
    unsigned area;
    int case_sensitive;
    unsigned ntokens;
    char *tokens[MAX_PHRASE_TOKENS];
    struct entry *next;
} entry;

static entry *table[BUCKETS];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static unsigned hash_lower(const char *s, size_t n)
{
    unsigned h = 2166136261u;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)tolower((unsigned char)s[i]);
        h *= 16777619u;
    }
    return h % BUCKETS;
}

/* Token characters: letters, digits and joiners ('-', '.', '/', '+')
 * between letters or digits, so "x.509", "post-quantum", "S/MIME" and
 * "SHA-256" are single tokens. Non-ASCII bytes count as letters. */
static int is_word(unsigned char c) { return isalnum(c) || c >= 0x80; }

static int is_joiner(unsigned char c) { return c == '-' || c == '.' || c == '/' || c == '+'; }

typedef struct token {
    const char *s;
    size_t n;
} token;

static size_t tokenize(const char *text, token *out, size_t max)
{
    size_t count = 0;
    const unsigned char *p = (const unsigned char *)text;
    while (*p && count < max) {
        while (*p && !is_word(*p))
            p++;
        if (!*p)
            break;
        const unsigned char *start = p;
        while (*p && (is_word(*p) || (is_joiner(*p) && is_word(p[1]) && p > start)))
            p++;
        out[count].s = (const char *)start;
        out[count].n = (size_t)(p - start);
        count++;
    }
    return count;
}

struct add_ctx {
    unsigned area;
    int case_sensitive;
};

static int add_phrase(void *vctx, const char *item, size_t len)
{
    struct add_ctx *ctx = vctx;
    char *copy = strndup(item, len);
    if (!copy)
        return 1;
    token toks[MAX_PHRASE_TOKENS];
    size_t n = tokenize(copy, toks, MAX_PHRASE_TOKENS);
    if (n == 0) {
        free(copy);
        return 0;
    }
    entry *e = calloc(1, sizeof *e);
    if (!e) {
        free(copy);
        return 1;
    }
    e->area = ctx->area;
    e->case_sensitive = ctx->case_sensitive;
    e->ntokens = (unsigned)n;
    for (size_t i = 0; i < n; i++)
        e->tokens[i] = strndup(toks[i].s, toks[i].n);
    unsigned h = hash_lower(toks[0].s, toks[0].n);
    e->next = table[h];
    table[h] = e;
    free(copy);
    return 0;
}

static void build_table(void)
{
    for (size_t a = 0; a < secstd_area_count(); a++) {
        const secstd_area *area = secstd_area_at(a);
        struct add_ctx phrases = {(unsigned)a, 0}, acronyms = {(unsigned)a, 1};
        secstd_list_each(area->phrases, add_phrase, &phrases);
        secstd_list_each(area->acronyms, add_phrase, &acronyms);
    }
}

static int token_equals(const entry *e, unsigned i, const token *t)
{
    const char *want = e->tokens[i];
    if (strlen(want) != t->n)
        return 0;
    return e->case_sensitive ? strncmp(want, t->s, t->n) == 0
                             : strncasecmp(want, t->s, t->n) == 0;
}

/* Adds weight to scores[area] once per (entry, field) match. */
static void score_text(const char *text, int weight, int *scores, unsigned char *seen,
                       size_t nentries_hint)
{
    (void)nentries_hint;
    if (!text || !*text)
        return;
    static __thread token toks[MAX_TOKENS];
    size_t n = tokenize(text, toks, MAX_TOKENS);
    size_t nareas = secstd_area_count();
    memset(seen, 0, nareas);
    for (size_t i = 0; i < n; i++) {
        for (const entry *e = table[hash_lower(toks[i].s, toks[i].n)]; e; e = e->next) {
            if (i + e->ntokens > n)
                continue;
            unsigned k = 0;
            while (k < e->ntokens && token_equals(e, k, &toks[i + k]))
                k++;
            if (k != e->ntokens)
                continue;
            /* Each area scores a field at most twice: repetition of one
             * word in a long abstract is not evidence of a second topic. */
            if (seen[e->area] < 2) {
                seen[e->area]++;
                scores[e->area] += weight;
            }
        }
    }
}

/* Words whose presence says a text is about security at all. */
static const char *const security_words[] = {
    "secur", "crypt", "authent", "privacy", "trust", "attack", "threat", "protect",
    "integrity", "confidential", "signature", "certificat", "vulnerab", "malware",
    "intrusion", "firewall", "password", "access control", "biometric", "intercept",
    "spam", "forensic", "incident", "risk", "key management", "key exchange", "pki",
    "tls", "ipsec", "cipher", "hash", "identity", "safety", "privac", "audit",
    "authoriz", "authoris", "credential", "quantum key", "tamper", "cyber", "anonym",
    "pseudonym", "fraud", "lawful", "evidence", "spoof", "dnssec", "personal data",
    /* title-only records (rfc-index.txt, many ITU-T entries) of security
     * work: JWT/JWK, OpenPGP, BGPsec and RPKI origin validation, HKDF,
     * time-stamp protocol, CWE */
    "weakness", "pgp", "public key", "public-key", "json web", "rpki", "bgpsec",
    "origin validation", "key derivation", "time-stamp",
};

/* 1 if text holds one of security_words, any case. The text is lowered
 * once and searched with strstr (the words are lower-case ASCII, and
 * secstd runs in the C locale, where strcasestr folds ASCII only: the same
 * answers): strcasestr once per word was 15 % of the CPU of reading and
 * classifying 260k records, most of it on texts with no security word,
 * which every word scans to the end. */
static int has_security_word(const char *text)
{
    if (!text || !*text)
        return 0;
    size_t n = strlen(text);
    char small[2048];
    char *low = n < sizeof small ? small : malloc(n + 1);
    int found = 0;
    if (!low) {
        for (size_t i = 0; !found && i < sizeof security_words / sizeof *security_words; i++)
            found = strcasestr(text, security_words[i]) != NULL;
        return found;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)text[i];
        low[i] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    low[n] = '\0';
    for (size_t i = 0; !found && i < sizeof security_words / sizeof *security_words; i++)
        found = strstr(low, security_words[i]) != NULL;
    if (low != small)
        free(low);
    return found;
}

static int security_gate(const json_t *rec)
{
    if (has_security_word(json_string_value(json_object_get(rec, "title"))) ||
        has_security_word(json_string_value(json_object_get(rec, "abstract"))))
        return 1;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, "keywords"), i, v) {
        if (has_security_word(json_string_value(v)))
            return 1;
    }
    json_array_foreach(json_object_get(rec, "hints"), i, v) {
        const char *h = json_string_value(v);
        /* IETF's security area, ICS 35.030, ITU-T SG17 (the security study
         * group: its Recommendations are security work by mandate) */
        if (h && (strcmp(h, "ietf-area:sec") == 0 || strncmp(h, "ics:35.030", 10) == 0 ||
                  strcasecmp(h, "group:SG17") == 0))
            return 1;
    }
    return json_array_size(json_object_get(rec, "areas")) > 0;
}

struct hint_ctx {
    const char *group;
    int matched;
};

static int hint_matches(void *vctx, const char *item, size_t len)
{
    struct hint_ctx *ctx = vctx;
    if (len > 6 && strncmp(item, "group:", 6) == 0 && ctx->group) {
        size_t glen = strlen(ctx->group);
        if (glen == len - 6 && strncasecmp(item + 6, ctx->group, glen) == 0) {
            ctx->matched = 1;
            return 1;
        }
    }
    return 0;
}

/* Committee boilerplate that opens many titles and names no topic: SC 27
 * titles all start "Information security, cybersecurity and privacy
 * protection", which would put every one of them in the privacy area. */
static const char *const title_boilerplate[] = {
    "Information security, cybersecurity and privacy protection",
};

static const char *title_topic(const char *title)
{
    for (size_t i = 0; title && i < sizeof title_boilerplate / sizeof *title_boilerplate; i++) {
        size_t n = strlen(title_boilerplate[i]);
        if (strncasecmp(title, title_boilerplate[i], n) == 0)
            return title + n;
    }
    return title;
}

struct fallback_ctx {
    const char *group;
    int matched;
};

static int fallback_matches(void *vctx, const char *item, size_t len)
{
    struct fallback_ctx *ctx = vctx;
    static const char prefix[] = "fallback:group:";
    size_t plen = sizeof prefix - 1;
    if (len > plen && strncmp(item, prefix, plen) == 0 && ctx->group) {
        size_t glen = strlen(ctx->group);
        if (glen == len - plen && strncasecmp(item + plen, ctx->group, glen) == 0) {
            ctx->matched = 1;
            return 1;
        }
    }
    return 0;
}

int secstd_classify_scores(const json_t *rec, int *scores)
{
    pthread_once(&table_once, build_table);
    size_t nareas = secstd_area_count();
    memset(scores, 0, nareas * sizeof *scores);
    unsigned char seen[256];
    if (nareas > sizeof seen)
        return 0;
    score_text(title_topic(json_string_value(json_object_get(rec, "title"))), 3, scores, seen, 0);
    score_text(json_string_value(json_object_get(rec, "abstract")), 1, scores, seen, 0);
    size_t i;
    json_t *kw;
    unsigned char kwseen[256] = {0};
    json_array_foreach(json_object_get(rec, "keywords"), i, kw) {
        int tmp[256] = {0};
        score_text(json_string_value(kw), 2, tmp, seen, 0);
        for (size_t a = 0; a < nareas; a++)
            if (tmp[a] && kwseen[a] < 2) {
                kwseen[a]++;
                scores[a] += 2;
            }
    }
    const char *group = json_string_value(json_object_get(rec, "group"));
    for (size_t a = 0; a < nareas; a++) {
        struct hint_ctx h = {group, 0};
        secstd_list_each(secstd_area_at(a)->hints, hint_matches, &h);
        if (h.matched)
            scores[a] += THRESHOLD;
    }
    json_array_foreach(json_object_get(rec, "areas"), i, kw) {
        for (size_t a = 0; a < nareas; a++)
            if (strcmp(secstd_area_at(a)->id, json_string_value(kw)) == 0)
                scores[a] += THRESHOLD;
    }
    return security_gate(rec);
}

/* The general area: the one the taxonomy gives "fallback:" hints. */
static const secstd_area *general_area(void)
{
    for (size_t a = 0; a < secstd_area_count(); a++)
        if (strstr(secstd_area_at(a)->hints, "fallback:"))
            return secstd_area_at(a);
    return NULL;
}

/* 1 if word occurs in title as a whole word, any case. */
static int title_has_word(const char *title, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strcasestr(title, word); p; p = strcasestr(p + 1, word)) {
        int start = p == title || !isalnum((unsigned char)p[-1]);
        int end = !isalnum((unsigned char)p[n]);
        if (start && end)
            return 1;
    }
    return 0;
}

json_t *secstd_classify(const json_t *rec)
{
    int scores[256];
    json_t *out = json_array();
    if (!out || secstd_area_count() > 256)
        return out;
    if (!secstd_classify_scores(rec, scores))
        return out;
    for (size_t a = 0; a < secstd_area_count(); a++)
        if (scores[a] >= THRESHOLD)
            json_array_append_new(out, json_string(secstd_area_at(a)->id));
    /* A fallback area (the general one for SG17/SC 27 work) only when the
     * text names no specific area. */
    const char *group = json_string_value(json_object_get(rec, "group"));
    for (size_t a = 0; json_array_size(out) == 0 && group && a < secstd_area_count(); a++) {
        struct fallback_ctx f = {group, 0};
        secstd_list_each(secstd_area_at(a)->hints, fallback_matches, &f);
        if (f.matched)
            json_array_append_new(out, json_string(secstd_area_at(a)->id));
    }
    /* A title that is plainly about security in general ("Overview of
     * cybersecurity") but names no specific area goes to the general area
     * rather than out of the security scope altogether. */
    static const char *const general[] = {"security", "cybersecurity", "secure"};
    const char *title = json_string_value(json_object_get(rec, "title"));
    const secstd_area *fallback = general_area();
    for (size_t i = 0; fallback && json_array_size(out) == 0 && title && i < sizeof general / sizeof *general; i++)
        if (title_has_word(title, general[i]))
            json_array_append_new(out, json_string(fallback->id));
    return out;
}
