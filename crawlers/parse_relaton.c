/* parse_relaton.c — the "relaton-yaml" parser: Relaton bibliographic YAML
 * streams (the open datasets relaton-data-{itu,iso,iec,3gpp,etsi,w3c,oasis,
 * ieee}) turned into normalised records.
 *
 * A listing is a multi-document YAML stream, one Relaton bibitem per
 * document. libyaml's event API turns each document into a jansson tree
 * (every scalar a string; anchors and aliases refused, nesting depth, node
 * count and input size capped — the "billion laughs" and deep-nesting
 * traps), and map_document() maps the tree onto record.schema.json. The
 * Relaton schema has drifted over the years (docid/docidentifier,
 * id/content, value/at, doctype as string or object, editorialgroup as list
 * or object, fields under ext or at the top), so every lookup tolerates the
 * variants seen in the real datasets.
 *
 * Identity: the primary docid goes through secstd_ident_parse(); versions
 * and editions of one standard share the canonical id and are merged by the
 * collector (newest edition on top). Amendments, corrigenda, supplements,
 * drafts and redlines are held back until the whole stream is read and then
 * attached to their base standard as "editions" entries, so that a recent
 * corrigendum never replaces the base standard's title and status; a part
 * whose base is not in the listing becomes the record of that standard
 * (nothing is lost). A document without a usable identifier (no docid, or
 * one secstd_ident_parse() rejects) is skipped and counted, never guessed:
 * one odd record must not cost a listing of thousands, and the crawl
 * driver's record-count plausibility check catches systematic breakage. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "charset.h"
#include "ident.h"
#include "parse_util.h"
#include "parser.h"
#include "schema.h"

#define RELATON_MAX_INPUT ((size_t)64 * 1024 * 1024) /* largest dataset is ~5 MiB */
#define RELATON_MAX_DEPTH 40                         /* Relaton nests ~12 deep */
#define RELATON_MAX_NODES 200000                     /* per document */
#define RELATON_MAX_DOCS 200000

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

secstd_status secstd_parse_relaton(const secstd_parse_input *in, secstd_collector *out, char *err,
                                   size_t errlen);

static secstd_status fail(secstd_status st, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static secstd_status fail(secstd_status st, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* ------------------------------------------------------------------ */
/* UTF-8: libyaml rejects invalid input outright; a listing with a few
 * stray Latin-1 bytes is repaired (bytes >= 0xA0 read as Latin-1, others
 * become U+FFFD) rather than refused. */

/* NULL if body is valid UTF-8 (use it as is), else a repaired copy. */
static char *utf8_repair(const char *body, size_t len, size_t *outlen, int *nomem)
{
    const unsigned char *s = (const unsigned char *)body;
    *nomem = 0;
    if (secstd_utf8_valid(body, len))
        return NULL;
    char *copy = malloc(len * 3 + 1);
    if (!copy) {
        *nomem = 1;
        return NULL;
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        size_t k = secstd_utf8_seq(s + i, len - i);
        if (k) {
            memcpy(copy + o, s + i, k);
            o += k;
            i += k;
        } else { /* >= 0xA0 read as Latin-1; C0/C1 controls and the rest: U+FFFD */
            o += secstd_utf8_put(copy + o, s[i] >= 0xA0 ? s[i] : 0xFFFD);
            i++;
        }
    }
    copy[o] = '\0';
    *outlen = o;
    return copy;
}

/* Cuts s (UTF-8) to at most max bytes on a character boundary. */
static void utf8_truncate(char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    s[max] = '\0';
}

/* ------------------------------------------------------------------ */
/* YAML events -> one jansson tree per document. */

typedef struct yaml_tree {
    json_t *root;
    json_t *stack[RELATON_MAX_DEPTH];
    json_t *key[RELATON_MAX_DEPTH]; /* pending mapping key per level */
    size_t depth;
    size_t nodes;
} yaml_tree;

static void tree_reset(yaml_tree *t)
{
    for (size_t i = 0; i < t->depth; i++)
        json_decref(t->key[i]);
    json_decref(t->root);
    memset(t, 0, sizeof *t);
}

/* Adds v (reference stolen) to the open container. 0 ok, -1 bad key. */
static int tree_insert(yaml_tree *t, json_t *v)
{
    if (t->depth == 0) {
        json_decref(t->root);
        t->root = v;
        return 0;
    }
    json_t *parent = t->stack[t->depth - 1];
    if (json_is_array(parent))
        return json_array_append_new(parent, v) == 0 ? 0 : -1;
    json_t **key = &t->key[t->depth - 1];
    if (!*key) {
        if (json_is_null(v)) {
            json_decref(v);
            v = json_string("");
        }
        if (!json_is_string(v)) {
            json_decref(v);
            return -1; /* complex keys are not Relaton */
        }
        *key = v;
        return 0;
    }
    int rc = json_object_set_new(parent, json_string_value(*key), v);
    json_decref(*key);
    *key = NULL;
    return rc == 0 ? 0 : -1;
}

static int plain_null(const yaml_event_t *ev)
{
    if (ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return 0;
    const char *v = (const char *)ev->data.scalar.value;
    static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};
    for (size_t i = 0; i < COUNT(nulls); i++)
        if (strcmp(v, nulls[i]) == 0)
            return 1;
    return 0;
}

static const yaml_char_t *event_anchor(const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return ev->data.scalar.anchor;
    case YAML_SEQUENCE_START_EVENT:
        return ev->data.sequence_start.anchor;
    case YAML_MAPPING_START_EVENT:
        return ev->data.mapping_start.anchor;
    default:
        return NULL;
    }
}

/* ------------------------------------------------------------------ */
/* Small accessors over the tree. */

static const char *jstr(const json_t *o, const char *key)
{
    return json_string_value(json_object_get(o, key));
}

/* The text of a Relaton value: a string, or an object's content / value /
 * id, or the first item of an array. */
static const char *text_of(const json_t *n)
{
    for (int guard = 0; n && guard < 8; guard++) {
        if (json_is_string(n))
            return json_string_value(n);
        if (json_is_array(n)) {
            n = json_array_get(n, 0);
            continue;
        }
        if (!json_is_object(n))
            return NULL;
        static const char *const keys[] = {"content", "value", "id", "at"};
        const json_t *next = NULL;
        for (size_t i = 0; i < COUNT(keys) && !next; i++)
            next = json_object_get(n, keys[i]);
        n = next;
    }
    return NULL;
}

/* A field that may sit under ext: (newer schema) or at the top (older). */
static const json_t *ext_get(const json_t *doc, const char *key)
{
    const json_t *v = json_object_get(json_object_get(doc, "ext"), key);
    return v ? v : json_object_get(doc, key);
}

static int is_true(const json_t *v)
{
    return json_is_true(v) || (json_is_string(v) && strcmp(json_string_value(v), "true") == 0);
}

/* 1 if a title/abstract/keyword item is English or has no language. */
static int is_english(const json_t *item)
{
    const json_t *lang = json_object_get(item, "language");
    if (!lang || json_is_null(lang))
        return 1;
    if (json_is_string(lang))
        return strcmp(json_string_value(lang), "en") == 0;
    size_t i;
    const json_t *l;
    json_array_foreach(lang, i, l) if (json_is_string(l) && strcmp(json_string_value(l), "en") == 0) return 1;
    return 0;
}

/* Relaton's plain-text fields carry HTML escapes from their sources
 * ("Software &amp; Systems", "IEEE 11073-40101&#8482;", "MB&#x2F;s"): the
 * decoded copy when s has any, NULL when not (or on allocation failure,
 * which leaves s as it is). */
static char *unescaped(const char *s)
{
    return strchr(s, '&') ? secstd_html_unescape(s) : NULL;
}

/* Copies s with references decoded and runs of white space collapsed to
 * one space and trimmed. */
static char *clean_line(const char *s, size_t max)
{
    char *u = unescaped(s);
    if (u)
        s = u;
    size_t n = strlen(s);
    char *o = malloc(n + 1);
    if (!o) {
        free(u);
        return NULL;
    }
    size_t k = 0;
    int space = 0;
    for (const char *p = s; *p; p++) {
        if (isspace((unsigned char)*p)) {
            space = k > 0;
            continue;
        }
        if (space)
            o[k++] = ' ';
        space = 0;
        o[k++] = *p;
    }
    o[k] = '\0';
    free(u);
    utf8_truncate(o, max);
    return o;
}

/* Copies s with references decoded, CR LF -> LF, trimmed; paragraphs
 * kept. */
static char *clean_text(const char *s, size_t max)
{
    char *u = unescaped(s);
    if (u)
        s = u;
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    char *o = malloc(n + 1);
    if (!o) {
        free(u);
        return NULL;
    }
    size_t k = 0;
    for (const char *p = s; *p; p++)
        if (*p != '\r')
            o[k++] = *p;
    while (k > 0 && isspace((unsigned char)o[k - 1]))
        k--;
    o[k] = '\0';
    free(u);
    utf8_truncate(o, max);
    return o;
}

static void set_clean_line(json_t *rec, const char *key, const char *s, size_t max)
{
    if (!s)
        return;
    char *c = clean_line(s, max);
    if (c && *c)
        json_object_set_new(rec, key, json_string(c));
    free(c);
}

/* Appends s to the string array rec[key] (or rec[key1][key2]) unless
 * present; caps items at max_items. */
static void add_unique(json_t *obj, const char *key, const char *s, size_t max_items)
{
    if (!s || !*s)
        return;
    json_t *arr = json_object_get(obj, key);
    if (!arr) {
        arr = json_array();
        if (!arr || json_object_set_new(obj, key, arr) != 0)
            return;
    }
    if (json_array_size(arr) >= max_items)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (strcmp(json_string_value(v), s) == 0) return;
    json_array_append_new(arr, json_string(s));
}

static void add_relation(json_t *rec, const char *kind, const char *target)
{
    const char *self = jstr(rec, "id");
    if (!target || !*target || (self && strcmp(self, target) == 0))
        return;
    json_t *rel = json_object_get(rec, "relations");
    if (!rel) {
        rel = json_object();
        json_object_set_new(rec, "relations", rel);
    }
    add_unique(rel, kind, target, 500);
}

/* ------------------------------------------------------------------ */
/* Tables. */

/* Relaton doctype -> record type. prefer_ident: an identifier that names
 * its kind (ISO/IEC TR 27xxx, IEEE Std) wins over this generic doctype. */
static const struct {
    const char *doctype;
    const char *type;
    int prefer_ident;
} doctypes[] = {
    {"recommendation", "Recommendation", 0},
    {"recommendation-amendment", "Recommendation", 0},
    {"recommendation-corrigendum", "Recommendation", 0},
    {"recommendation-supplement", "Recommendation", 0},
    {"recommendation-annex", "Recommendation", 0},
    {"international-standard", "IS", 1},
    {"technical-specification", "TS", 0},
    {"technical-report", "TR", 0},
    {"publicly-available-specification", "PAS", 0},
    {"guide", "Guide", 0},
    {"specification", "Specification", 0},
    {"standard", "Standard", 1},
    {"redline", "Standard", 1},
    {"memorandum", "Memorandum", 0},
    {"resolution", "Resolution", 0},
    {"technicalReport", "TR", 1}, /* W3C: any technical report */
};

/* Doctypes whose documents are parts of a base standard, not editions. */
static const char *const part_doctypes[] = {
    "recommendation-amendment", "recommendation-corrigendum", "recommendation-supplement",
    "recommendation-annex", "redline",
};

/* Status words of docstatus.stage / status.stage / IEEE standard_status,
 * compared case-insensitively. */
static const struct {
    const char *word;
    const char *status;
} status_words[] = {
    {"published", "published"},       {"in force", "published"},
    {"approved", "published"},        {"active", "published"},
    {"withdrawal", "withdrawn"},      {"withdrawn", "withdrawn"},
    {"inactive", "withdrawn"},        {"superseded", "superseded"},
    {"revised", "superseded"},        {"replaced", "superseded"},
    {"draft", "in-development"},      {"working draft", "in-development"},
    {"under development", "in-development"}, {"historic", "historic"},
    {"obsolete", "historic"},
};

/* ISO harmonized stage codes (stage, substage or NULL for any) -> status;
 * stages below 60 are in development. First match wins. */
static const struct {
    const char *stage;
    const char *substage;
    const char *status;
} iso_stages[] = {
    {"60", "00", "in-development"}, /* under publication */
    {"60", NULL, "published"},
    {"90", NULL, "published"},      /* under review, confirmed, to be revised */
    {"95", "99", "withdrawn"},
    {"95", NULL, "published"},      /* withdrawal under way */
};

/* W3C maturity prefixes of dated versions ("REC-webauthn-2-20210408"). */
static const struct {
    const char *prefix;
    const char *status;
} w3c_maturities[] = {
    {"REC", "published"},      {"NOTE", "published"},       {"STMT", "published"},
    {"CR", "in-development"},  {"CRD", "in-development"},   {"PR", "in-development"},
    {"PER", "in-development"}, {"WD", "in-development"},    {"FPWD", "in-development"},
    {"LCWD", "in-development"}, {"ED", "in-development"},   {"DNOTE", "in-development"},
    {"RSCND", "withdrawn"},    {"DISC", "withdrawn"},       {"OBSL", "historic"},
    {"SPSD", "superseded"},
};

/* Status of a record whose listing states none: these listings hold
 * published deliverables only. (3GPP: see tgpp_version_status.) */
static const struct {
    const char *sdo;
    const char *status;
} default_statuses[] = {
    {"ETSI", "published"},
    {"OASIS", "published"},
};

/* ITU-T publication URLs end in a state letter (T-REC-X.1162-200805-I):
 * the status of records whose listing entry has none. */
static const struct {
    char letter;
    const char *status;
} itu_url_states[] = {
    {'I', "published"}, {'P', "published"}, /* in force, prepublished */
    {'S', "superseded"}, {'W', "withdrawn"}, {'T', "withdrawn"},
};

/* Relaton relation type -> record relation kind (NULL: edition of self,
 * handled apart). */
static const struct {
    const char *type;
    const char *kind;
} relation_types[] = {
    {"obsoletes", "supersedes"},  {"obsoletedBy", "superseded_by"},
    {"replaces", "supersedes"},   {"replacedBy", "superseded_by"},
    {"updates", "updates"},       {"updatedBy", "updated_by"},
    {"adoptedFrom", "adopts"},    {"adoptedAs", "adopted_by"},
    {"adoptedBy", "adopted_by"},  {"identicalTo", "identical_to"},
    {"equivalent", "identical_to"}, {"complementOf", "related"},
    {"hasPart", "related"},       {"partOf", "related"},
    {"hasEdition", NULL},         {"instanceOf", NULL},
    {"editionOf", NULL},          {"hasInstance", NULL},
};

/* Committee names rewritten to the short forms people use (and the
 * taxonomy's group: hints match). Exact names first, then prefixes. */
static const struct {
    const char *name;
    const char *group;
} group_names[] = {
    {"Cyber Security", "TC CYBER"},
    {"Security", "SA3"}, /* ETSI's name for 3GPP TSG SA WG3 (TS 133/135 xxx) */
    {"Electronic Signatures and Infrastructures", "ESI"},
    {"Electronic Signatures and Trust Infrastructures", "ESI"},
    {"Lawful Interception", "LI"},
    {"Quantum Key Distribution", "QKD"},
    {"Quantum-Safe Cryptography", "QSC"},
    {"Quantum Safe Cryptography", "QSC"},
    {"Securing Artificial Intelligence", "ISG SAI"},
    {"Securing Artificial Intelligence TC", "TC SAI"},
    {"Smart M2M", "SmartM2M"},
    {"Network Functions Virtualisation", "ISG NFV"},
    {"Information Security Indicators", "ISG ISI"},
    {"TISPAN Security", "TISPAN"},
};

static const struct {
    const char *prefix;
    const char *replacement;
} group_prefixes[] = {
    {"ITU-T Study Group ", "SG"},
    {"ISO/IEC JTC 1", "JTC 1"},
    {"OASIS ", ""},
};

/* 3GPP working-group codes: S3 -> SA3, C4 -> CT4, R2 -> RAN2. */
static const struct {
    char letter;
    const char *tsg;
} tsg_codes[] = {{'S', "SA"}, {'C', "CT"}, {'R', "RAN"}, {'G', "GERAN"}};

/* Publisher / docid type -> SDO hint for secstd_ident_parse(). */
static const struct {
    const char *type;
    const char *sdo;
} docid_types[] = {
    {"ITU", "ITU-T"}, {"ISO", "ISO"},     {"IEC", "IEC"},   {"3GPP", "3GPP"}, {"ETSI", "ETSI"},
    {"OASIS", "OASIS"}, {"W3C", "W3C"},   {"IEEE", "IEEE"}, {"oneM2M", "oneM2M"},
};

/* Docid types that never name a standard (per-edition or per-format). */
static const char *const ignored_docid_types[] = {"URN", "iso-reference", "ISBN", "DOI", "ISSN"};

/* Transposed specifications named in ETSI titles: "(3GPP TS 33.501 version
 * 19.6.0 Release 19)", "(oneM2M TS-0003 version 1.4.2 Release 1)". */
static const char *const transposition_markers[] = {"(3GPP ", "(oneM2M "};

/* ------------------------------------------------------------------ */
/* Field mapping. */

typedef struct relaton_ctx {
    secstd_collector *out;
    json_t *deferred; /* parts: [{"base": id, "rec": record}] */
    size_t skipped;
    size_t docs;
} relaton_ctx;

static const char *lookup_status_word(const char *w)
{
    for (size_t i = 0; w && i < COUNT(status_words); i++)
        if (strcasecmp(w, status_words[i].word) == 0)
            return status_words[i].status;
    return NULL;
}

static const char *iso_stage_status(const char *stage, const char *sub)
{
    if (!stage || !isdigit((unsigned char)stage[0]))
        return NULL;
    if (strcmp(stage, "60") < 0 && strlen(stage) == 2)
        return "in-development";
    for (size_t i = 0; i < COUNT(iso_stages); i++)
        if (strcmp(stage, iso_stages[i].stage) == 0 &&
            (!iso_stages[i].substage || (sub && strcmp(sub, iso_stages[i].substage) == 0)))
            return iso_stages[i].status;
    return NULL;
}

static const char *w3c_status(const char *version_id)
{
    /* "W3C REC-webauthn-1-20190304" -> "REC" */
    const char *p = strrchr(version_id, ' ');
    p = p ? p + 1 : version_id;
    const char *dash = strchr(p, '-');
    if (!dash)
        return NULL;
    for (size_t i = 0; i < COUNT(w3c_maturities); i++)
        if (strlen(w3c_maturities[i].prefix) == (size_t)(dash - p) &&
            strncmp(p, w3c_maturities[i].prefix, (size_t)(dash - p)) == 0)
            return w3c_maturities[i].status;
    return NULL;
}

static const char *map_status(const json_t *doc)
{
    const json_t *st = json_object_get(doc, "docstatus");
    if (!st)
        st = json_object_get(doc, "status");
    if (st) {
        const json_t *stage = json_is_object(st) ? json_object_get(st, "stage") : st;
        const char *word = text_of(stage);
        const char *s = iso_stage_status(word, text_of(json_object_get(st, "substage")));
        if (!s)
            s = lookup_status_word(word);
        if (s)
            return s;
    }
    return lookup_status_word(text_of(ext_get(doc, "standard_status")));
}

static const char *itu_url_status(const char *url)
{
    const char *p = url ? strstr(url, "/T-REC-") : NULL;
    if (!p)
        return NULL;
    /* "-YYYYMM-L" then end or "!": the letter after the last date. */
    for (const char *q = p; *q; q++) {
        if (q[0] != '-' || strspn(q + 1, "0123456789") != 6 || q[7] != '-')
            continue;
        for (size_t i = 0; i < COUNT(itu_url_states); i++)
            if (q[8] == itu_url_states[i].letter && (q[9] == '\0' || q[9] == '!'))
                return itu_url_states[i].status;
    }
    return NULL;
}

/* 3GPP version numbers carry the stage: major 0-2 is a draft (1.x for
 * information, 2.x for approval), 3 and above is under change control. */
static const char *tgpp_version_status(const json_t *doc)
{
    const json_t *ver = json_array_get(json_object_get(doc, "version"), 0);
    const char *v = text_of(json_object_get(ver, "draft"));
    if (!v || !isdigit((unsigned char)v[0]))
        return NULL;
    return strtol(v, NULL, 10) >= 3 ? "published" : "in-development";
}

/* YYYY[-MM[-DD]] prefix of s into buf, or "" if s does not start so. */
static void norm_date(const char *s, char *buf, size_t len)
{
    buf[0] = '\0';
    if (!s || len < 11)
        return;
    size_t n = 0;
    while (n < 10 && s[n] && (isdigit((unsigned char)s[n]) || s[n] == '-'))
        n++;
    if (n >= 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[3])) {
        size_t keep = n >= 10 ? 10 : n >= 7 ? 7 : 4;
        memcpy(buf, s, keep);
        buf[keep] = '\0';
        /* Keep only well-formed forms; the validator checks the numbers. */
        if ((keep >= 7 && buf[4] != '-') || (keep == 10 && buf[7] != '-'))
            buf[4] = '\0';
    }
}

static void map_date(const json_t *doc, char *buf, size_t len)
{
    static const char *const kinds[] = {"published", "issued", "created", "updated"};
    const json_t *dates = json_object_get(doc, "date");
    buf[0] = '\0';
    for (size_t k = 0; k < COUNT(kinds) && !buf[0]; k++) {
        size_t i;
        const json_t *d;
        json_array_foreach(dates, i, d) {
            const char *type = jstr(d, "type");
            if (type && strcmp(type, kinds[k]) == 0) {
                const char *v = jstr(d, "value");
                norm_date(v ? v : jstr(d, "at"), buf, len);
                if (buf[0])
                    break;
            }
        }
    }
}

/* The English title: the full "main" title, else intro/main/part joined,
 * else any English title. */
static char *map_title(const json_t *doc)
{
    const json_t *titles = json_object_get(doc, "title");
    if (json_is_string(titles))
        return clean_line(json_string_value(titles), 2000);
    size_t i;
    const json_t *t;
    json_array_foreach(titles, i, t) {
        const char *type = jstr(t, "type");
        if (is_english(t) && type && strcmp(type, "main") == 0 && text_of(t))
            return clean_line(text_of(t), 2000);
    }
    static const char *const parts[] = {"title-intro", "title-main", "title-part"};
    char joined[2048] = "";
    for (size_t p = 0; p < COUNT(parts); p++) {
        json_array_foreach(titles, i, t) {
            const char *type = jstr(t, "type");
            if (is_english(t) && type && strcmp(type, parts[p]) == 0 && text_of(t)) {
                size_t n = strlen(joined);
                snprintf(joined + n, sizeof joined - n, "%s%s", n ? " - " : "", text_of(t));
                break;
            }
        }
    }
    if (joined[0])
        return clean_line(joined, 2000);
    json_array_foreach(titles, i, t) if (is_english(t) && text_of(t)) return clean_line(text_of(t), 2000);
    return NULL;
}

static char *map_abstract(const json_t *doc)
{
    const json_t *abs = json_object_get(doc, "abstract");
    if (json_is_string(abs))
        return clean_text(json_string_value(abs), 20000);
    size_t i;
    const json_t *a;
    json_array_foreach(abs, i, a) {
        const char *s = text_of(a);
        if (is_english(a) && s) {
            /* ETSI gives the approving meeting ("SA#111") as scope of
             * 3GPP transpositions: not an abstract. */
            if (strlen(s) < 16 && strchr(s, '#'))
                continue;
            /* ISO and IEC give many scopes as HTML ("<p>...</p><p>NOTE
             * 1 ..."): their text, paragraphs joined by a space. */
            const char *format = jstr(a, "format");
            if (format && strcmp(format, "text/html") == 0) {
                char *t = secstd_html_fragment_text(s);
                if (t)
                    utf8_truncate(t, 20000);
                return t;
            }
            return clean_text(s, 20000);
        }
    }
    return NULL;
}

static void map_group(const json_t *doc, json_t *rec)
{
    const json_t *eg = ext_get(doc, "editorialgroup");
    const char *name = NULL;
    if (json_is_array(eg)) {
        name = jstr(json_array_get(eg, 0), "name");
    } else if (json_is_object(eg)) {
        const json_t *tc = json_array_get(json_object_get(eg, "technical_committee"), 0);
        name = jstr(tc, "identifier");
        if (!name)
            name = jstr(tc, "name");
        if (!name)
            name = text_of(json_object_get(eg, "committee"));
    }
    if (!name) {
        /* ITU: contributor with role author/committee, its subdivision. */
        size_t i;
        const json_t *c;
        json_array_foreach(json_object_get(doc, "contributor"), i, c) {
            const json_t *sub = json_object_get(json_object_get(c, "organization"), "subdivision");
            if (sub) {
                name = text_of(json_object_get(json_array_get(sub, 0), "name"));
                break;
            }
        }
    }
    if (!name || !*name)
        return;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", name);
    for (size_t i = 0; i < COUNT(group_names); i++)
        if (strcmp(name, group_names[i].name) == 0)
            snprintf(buf, sizeof buf, "%s", group_names[i].group);
    for (size_t i = 0; i < COUNT(group_prefixes); i++) {
        size_t n = strlen(group_prefixes[i].prefix);
        if (strncmp(name, group_prefixes[i].prefix, n) == 0)
            snprintf(buf, sizeof buf, "%s%s", group_prefixes[i].replacement, name + n);
    }
    if (strlen(name) >= 2 && strlen(name) <= 3 && isdigit((unsigned char)name[1]) &&
        (!name[2] || isdigit((unsigned char)name[2])))
        for (size_t i = 0; i < COUNT(tsg_codes); i++)
            if (name[0] == tsg_codes[i].letter)
                snprintf(buf, sizeof buf, "%s%s", tsg_codes[i].tsg, name + 1);
    set_clean_line(rec, "group", buf, 80);
    /* The raw body name is a classifier hint too (ETSI TBs, IEEE
     * committees, 3GPP WGs). */
    char hint[100];
    snprintf(hint, sizeof hint, "group:%s", name);
    char *h = clean_line(hint, 100);
    if (h)
        add_unique(rec, "hints", h, 50);
    free(h);
}

static void map_url(const json_t *doc, json_t *rec)
{
    const json_t *links = json_object_get(doc, "link");
    if (!links)
        links = json_object_get(doc, "source");
    const char *url = NULL;
    size_t i;
    const json_t *l;
    json_array_foreach(links, i, l) {
        const char *type = jstr(l, "type");
        if (type && strcmp(type, "src") == 0) {
            url = text_of(l);
            break;
        }
    }
    if (!url)
        url = text_of(links);
    set_clean_line(rec, "url", url, 2000);
}

static void map_keywords_hints_authors(const json_t *doc, json_t *rec)
{
    size_t i;
    const json_t *v;
    json_array_foreach(json_object_get(doc, "keyword"), i, v) {
        if (!is_english(v))
            continue;
        char *k = clean_line(text_of(v) ? text_of(v) : "", 200);
        if (k)
            add_unique(rec, "keywords", k, 200);
        free(k);
    }
    char hint[100];
    json_array_foreach(ext_get(doc, "ics"), i, v) {
        const char *code = text_of(json_object_get(v, "code"));
        if (code) {
            snprintf(hint, sizeof hint, "ics:%s", code);
            add_unique(rec, "hints", hint, 50);
        }
    }
    json_array_foreach(ext_get(doc, "technology_area"), i, v) {
        if (json_is_string(v)) {
            snprintf(hint, sizeof hint, "technology:%s", json_string_value(v));
            add_unique(rec, "hints", hint, 50);
        }
    }
    const char *radio = text_of(ext_get(doc, "radiotechnology"));
    if (radio) {
        snprintf(hint, sizeof hint, "radio:%s", radio);
        add_unique(rec, "hints", hint, 50);
    }
    const json_t *c;
    json_array_foreach(json_object_get(doc, "contributor"), i, c) {
        const json_t *person = json_object_get(c, "person");
        const json_t *name = json_object_get(person, "name");
        if (!name)
            continue;
        char buf[256] = "";
        const char *complete = text_of(json_object_get(name, "completename"));
        if (complete) {
            snprintf(buf, sizeof buf, "%s", complete);
        } else {
            const json_t *given = json_object_get(name, "given");
            const char *fore = text_of(json_object_get(given, "forename"));
            const char *sur = text_of(json_object_get(name, "surname"));
            snprintf(buf, sizeof buf, "%s%s%s", fore ? fore : "", fore && sur ? " " : "",
                     sur ? sur : "");
        }
        char *a = clean_line(buf, 200);
        if (a)
            add_unique(rec, "authors", a, 200);
        free(a);
    }
}

/* The docid list and the text of one docid item. */
static const json_t *docids_of(const json_t *doc)
{
    const json_t *ids = json_object_get(doc, "docid");
    return ids ? ids : json_object_get(doc, "docidentifier");
}

static const char *docid_text(const json_t *item)
{
    const char *s = jstr(item, "id");
    return s ? s : jstr(item, "content");
}

static int docid_ignored(const json_t *item)
{
    const char *type = jstr(item, "type");
    if (jstr(item, "scope")) /* trademark-decorated duplicates */
        return 1;
    for (size_t i = 0; type && i < COUNT(ignored_docid_types); i++)
        if (strcasecmp(type, ignored_docid_types[i]) == 0)
            return 1;
    return 0;
}

static const char *sdo_of_type(const char *type)
{
    for (size_t i = 0; type && i < COUNT(docid_types); i++)
        if (strcasecmp(type, docid_types[i].type) == 0)
            return docid_types[i].sdo;
    return NULL;
}

/* secstd_ident_parse(), retried once with the typing slips seen in Relaton
 * data undone ("OASIS CTAS-v3.0]-PS01", "OpenC2-MQTT-v1.0] -CS01"). */
static secstd_status parse_docid(const char *text, const char *hint, secstd_ident *out)
{
    if (secstd_ident_parse(text, hint, out) == SECSTD_OK && out->id[0])
        return SECSTD_OK;
    char buf[SECSTD_IDENT_MAX * 2];
    size_t k = 0;
    for (const char *p = text; *p && k + 1 < sizeof buf; p++) {
        if (*p == '[' || *p == ']' || (*p == ' ' && p[1] == '-'))
            continue;
        buf[k++] = *p;
    }
    buf[k] = '\0';
    if (strcmp(buf, text) != 0 && secstd_ident_parse(buf, hint, out) == SECSTD_OK && out->id[0])
        return SECSTD_OK;
    return SECSTD_ERR_INVALID;
}

/* Canonical id of a referenced document (relation targets, aliases). */
static int ref_ident(const json_t *bibitem, const char *hint, secstd_ident *out)
{
    const json_t *ids = docids_of(bibitem);
    const char *text = NULL;
    const char *type = NULL;
    if (ids) {
        text = docid_text(json_array_get(ids, 0));
        type = jstr(json_array_get(ids, 0), "type");
    }
    if (!text)
        text = text_of(json_object_get(bibitem, "formattedref"));
    if (!text)
        return 0;
    const char *h = sdo_of_type(type);
    return secstd_ident_parse(text, h ? h : hint, out) == SECSTD_OK && out->id[0];
}

/* The latest dated version among W3C hasEdition entries gives the
 * record's date and status; the versions become "editions" entries. */
static void map_relations(const json_t *doc, json_t *rec, const secstd_ident *self)
{
    size_t i;
    const json_t *r;
    char best_date[16] = "";
    const char *best_status = NULL;
    json_array_foreach(json_object_get(doc, "relation"), i, r) {
        const char *type = jstr(r, "type");
        const json_t *bib = json_object_get(r, "bibitem");
        size_t k;
        for (k = 0; type && k < COUNT(relation_types); k++)
            if (strcmp(type, relation_types[k].type) == 0)
                break;
        if (!type || k == COUNT(relation_types))
            continue;
        secstd_ident target;
        if (!ref_ident(bib, self->sdo, &target))
            continue;
        if (strcmp(target.id, self->id) != 0) {
            const char *kind = relation_types[k].kind;
            if (kind) {
                add_relation(rec, kind, target.id);
                if (strcmp(kind, "adopts") == 0 || strcmp(kind, "adopted_by") == 0)
                    add_relation(rec, "identical_to", target.id);
            }
            continue;
        }
        /* Another version of this very standard: for W3C the dated
         * versions exist nowhere else, so keep them as editions. */
        if (strcmp(self->sdo, "W3C") != 0 || relation_types[k].kind)
            continue;
        const char *vid = docid_text(json_array_get(docids_of(bib), 0));
        size_t n = vid ? strlen(vid) : 0;
        if (n < 9)
            continue;
        char date[16] = "";
        if (n >= 8 && isdigit((unsigned char)vid[n - 1]))
            snprintf(date, sizeof date, "%.4s-%.2s-%.2s", vid + n - 8, vid + n - 4, vid + n - 2);
        json_t *ed = json_object();
        json_object_set_new(ed, "id", json_string(vid));
        char d2[16];
        norm_date(date, d2, sizeof d2);
        if (d2[0] && strlen(d2) == 10)
            json_object_set_new(ed, "date", json_string(d2));
        const char *st = w3c_status(vid);
        if (st)
            json_object_set_new(ed, "status", json_string(st));
        const char *url = text_of(json_object_get(bib, "source"));
        if (url)
            json_object_set_new(ed, "url", json_string(url));
        json_t *eds = json_object_get(rec, "editions");
        if (!eds) {
            eds = json_array();
            json_object_set_new(rec, "editions", eds);
        }
        if (json_array_size(eds) < 500)
            json_array_append(eds, ed);
        if (d2[0] && strcmp(d2, best_date) > 0) {
            snprintf(best_date, sizeof best_date, "%s", d2);
            best_status = st;
        }
        json_decref(ed);
    }
    if (best_date[0] && !json_object_get(rec, "date"))
        json_object_set_new(rec, "date", json_string(best_date));
    if (best_status && !json_object_get(rec, "status"))
        json_object_set_new(rec, "status", json_string(best_status));
}

/* ETSI transpositions: "(3GPP TS 33.501 version ...)" in the title and
 * "Transposition of TS 103 645 ..." (TS -> EN) in the scope. */
static void map_transpositions(json_t *rec, const secstd_ident *self)
{
    const char *title = strcmp(self->sdo, "ETSI") == 0 ? jstr(rec, "title") : NULL;
    for (size_t m = 0; title && m < COUNT(transposition_markers); m++) {
        const char *p = strstr(title, transposition_markers[m]);
        if (!p)
            continue;
        char buf[128];
        snprintf(buf, sizeof buf, "%s", p + 1);
        char *end = strstr(buf, " version ");
        if (!end)
            end = strstr(buf, " v");
        if (!end)
            end = strchr(buf, ')');
        if (end)
            *end = '\0';
        secstd_ident t;
        if (secstd_ident_parse(buf, NULL, &t) == SECSTD_OK && t.id[0])
            add_relation(rec, "transposes", t.id);
    }
    const char *abs = jstr(rec, "abstract");
    const char *p = abs ? strstr(abs, "Transposition of ") : NULL;
    if (p && strcmp(self->sdo, "ETSI") == 0) {
        char buf[64];
        snprintf(buf, sizeof buf, "ETSI %s", p + strlen("Transposition of "));
        /* Keep "TS 103 645": type and digit groups, up to the version. */
        char *v = strstr(buf, " v");
        if (!v)
            v = strstr(buf, " V");
        if (!v)
            v = strstr(buf, " into");
        if (v)
            *v = '\0';
        secstd_ident t;
        if (secstd_ident_parse(buf, "ETSI", &t) == SECSTD_OK && t.id[0])
            add_relation(rec, "transposes", t.id);
    }
}

static int is_part_doctype(const char *doctype)
{
    for (size_t i = 0; doctype && i < COUNT(part_doctypes); i++)
        if (strcmp(doctype, part_doctypes[i]) == 0)
            return 1;
    return 0;
}

static void map_type(const json_t *doc, json_t *rec, const secstd_ident *id, const char **doctype)
{
    const json_t *dt = ext_get(doc, "doctype");
    const char *abbrev = jstr(dt, "abbreviation");
    const char *name = json_is_string(dt) ? json_string_value(dt) : jstr(dt, "type");
    if (!name)
        name = jstr(dt, "content");
    *doctype = name;
    const char *type = abbrev;
    int prefer_ident = 0;
    for (size_t i = 0; !type && name && i < COUNT(doctypes); i++)
        if (strcmp(name, doctypes[i].doctype) == 0) {
            type = doctypes[i].type;
            prefer_ident = doctypes[i].prefer_ident;
        }
    if (!type && name && strlen(name) <= 8)
        type = name; /* 3GPP "TS"/"TR" */
    if (id->type[0] && (!type || prefer_ident))
        type = id->type;
    set_clean_line(rec, "type", type, 40);
}

/* Records one document. Returns SECSTD_OK or SECSTD_ERR_NOMEM. */
static secstd_status map_document(relaton_ctx *ctx, const json_t *doc)
{
    ctx->docs++;
    if (!json_is_object(doc)) {
        ctx->skipped++;
        return SECSTD_OK;
    }
    const json_t *ids = docids_of(doc);
    const json_t *primary = NULL;
    size_t i;
    const json_t *item;
    json_array_foreach(ids, i, item) {
        if (docid_text(item) && is_true(json_object_get(item, "primary")) && !docid_ignored(item)) {
            primary = item;
            break;
        }
    }
    json_array_foreach(ids, i, item) {
        if (!primary && docid_text(item) && !docid_ignored(item))
            primary = item;
    }
    if (!primary) {
        ctx->skipped++;
        return SECSTD_OK;
    }
    const char *hint = sdo_of_type(jstr(primary, "type"));
    secstd_ident id;
    if (parse_docid(docid_text(primary), hint, &id) != SECSTD_OK) {
        ctx->skipped++;
        return SECSTD_OK;
    }
    const char *sdo = id.sdo[0] && secstd_sdo_lookup(id.sdo) ? secstd_sdo_lookup(id.sdo)->name
                      : hint                                 ? hint
                                                             : NULL;
    if (!sdo) {
        ctx->skipped++;
        return SECSTD_OK;
    }
    json_t *rec = json_object();
    if (!rec)
        return SECSTD_ERR_NOMEM;
    json_object_set_new(rec, "id", json_string(id.id));
    json_object_set_new(rec, "sdo", json_string(sdo));
    set_clean_line(rec, "edition_id", docid_text(primary), 128);

    const char *doctype = NULL;
    map_type(doc, rec, &id, &doctype);

    char *title = map_title(doc);
    if (!title || !*title) {
        /* ITU amendments and corrigenda often carry no title: take the
         * base's from the edition list, else the identifier. */
        free(title);
        const json_t *r;
        title = NULL;
        json_array_foreach(json_object_get(doc, "relation"), i, r) {
            title = map_title(json_object_get(r, "bibitem"));
            if (title && *title)
                break;
            free(title);
            title = NULL;
        }
        if (!title)
            title = clean_line(docid_text(primary), 2000);
    }
    if (title && *title)
        json_object_set_new(rec, "title", json_string(title));
    free(title);
    char *abstract = map_abstract(doc);
    if (abstract && *abstract)
        json_object_set_new(rec, "abstract", json_string(abstract));
    free(abstract);

    map_url(doc, rec);
    const char *status = map_status(doc);
    if (!status && id.draft)
        status = "in-development";
    if (!status && strcmp(sdo, "3GPP") == 0)
        status = tgpp_version_status(doc);
    if (!status && strcmp(sdo, "ITU-T") == 0)
        status = itu_url_status(jstr(rec, "url"));
    for (size_t k = 0; !status && k < COUNT(default_statuses); k++)
        if (strcmp(sdo, default_statuses[k].sdo) == 0)
            status = default_statuses[k].status;
    if (status)
        json_object_set_new(rec, "status", json_string(status));
    char date[16];
    map_date(doc, date, sizeof date);
    if (date[0])
        json_object_set_new(rec, "date", json_string(date));

    const char *edition = text_of(json_object_get(doc, "edition"));
    if (!edition) {
        const json_t *ver = json_array_get(json_object_get(doc, "version"), 0);
        edition = text_of(json_object_get(ver, "draft"));
    }
    if (!edition && id.edition[0])
        edition = id.edition;
    set_clean_line(rec, "edition", edition, 64);

    map_group(doc, rec);
    /* ITU-T's X.1000-X.1999 (information and network security) are SG17's
     * whatever the listing says; two thirds of them name no group. */
    if (!json_object_get(rec, "group") && strcmp(id.sdo, "ITU-T") == 0 &&
        strncmp(id.id, "ITU-T X.1", 9) == 0 && strlen(id.id) == 12 && isdigit((unsigned char)id.id[9]) &&
        isdigit((unsigned char)id.id[10]) && isdigit((unsigned char)id.id[11])) {
        json_object_set_new(rec, "group", json_string("SG17"));
        add_unique(rec, "hints", "group:SG17", 50);
    }
    map_keywords_hints_authors(doc, rec);

    /* Other identifiers of the same text: the ITU | ISO/IEC twin is a
     * common text, so also identical_to. */
    json_array_foreach(ids, i, item) {
        if (item == primary || docid_ignored(item) || !docid_text(item))
            continue;
        const char *t = sdo_of_type(jstr(item, "type"));
        secstd_ident other;
        if (secstd_ident_parse(docid_text(item), t ? t : hint, &other) != SECSTD_OK ||
            !other.id[0] || strcmp(other.id, id.id) == 0)
            continue;
        add_unique(rec, "aliases", other.id, 100);
        if (strcmp(other.sdo, sdo) != 0)
            add_relation(rec, "identical_to", other.id);
    }
    if (id.alias[0] && strcmp(id.alias, id.id) != 0)
        add_unique(rec, "aliases", id.alias, 100);
    map_relations(doc, rec, &id);
    map_transpositions(rec, &id);
    secstd_ident from;
    if (strcmp(sdo, "ETSI") == 0 && secstd_ident_transposed_from(&id, &from) == SECSTD_OK &&
        from.id[0])
        add_relation(rec, "transposes", from.id);

    if (id.part[0] || id.draft || is_part_doctype(doctype)) {
        json_t *d = json_pack("{s:s, s:s, s:o}", "base", id.id, "part", id.part, "rec", rec);
        if (!d || json_array_append_new(ctx->deferred, d) != 0)
            return SECSTD_ERR_NOMEM;
        return SECSTD_OK;
    }
    return secstd_collector_add(ctx->out, rec) == SECSTD_ERR_NOMEM ? SECSTD_ERR_NOMEM : SECSTD_OK;
}

/* Attaches held-back parts to their base standards (see the top). */
static secstd_status attach_parts(relaton_ctx *ctx)
{
    size_t i;
    json_t *d;
    json_array_foreach(ctx->deferred, i, d) {
        const char *base = jstr(d, "base");
        json_t *rec = json_object_get(d, "rec");
        json_t *target = secstd_collector_get(ctx->out, base);
        if (!target) {
            if (secstd_collector_add(ctx->out, json_incref(rec)) == SECSTD_ERR_NOMEM)
                return SECSTD_ERR_NOMEM;
            continue;
        }
        json_t *ed = json_object();
        const char *label = jstr(rec, "edition_id");
        json_object_set_new(ed, "id", json_string(label ? label : base));
        static const char *const keys[] = {"date", "edition", "status", "url"};
        for (size_t k = 0; k < COUNT(keys); k++)
            if (jstr(rec, keys[k]))
                json_object_set_new(ed, keys[k], json_string(jstr(rec, keys[k])));
        const char *part = jstr(d, "part");
        if (part && *part)
            json_object_set_new(ed, "part", json_string(part));
        /* Identifiers and links a part carries belong to the standard. */
        size_t k;
        json_t *v;
        json_array_foreach(json_object_get(rec, "aliases"), k, v)
            add_unique(target, "aliases", json_string_value(v), 100);
        const char *kind;
        json_t *list;
        json_object_foreach(json_object_get(rec, "relations"), kind, list) {
            json_array_foreach(list, k, v) add_relation(target, kind, json_string_value(v));
        }
        if (secstd_collector_add_edition(ctx->out, base, ed) == SECSTD_ERR_NOMEM)
            return SECSTD_ERR_NOMEM;
    }
    return SECSTD_OK;
}

static void remove_relation(json_t *rec, const char *kind, const char *target)
{
    json_t *list = json_object_get(json_object_get(rec, "relations"), kind);
    for (size_t i = json_array_size(list); i-- > 0;)
        if (strcmp(json_string_value(json_array_get(list, i)), target) == 0)
            json_array_remove(list, i);
    if (list && json_array_size(list) == 0)
        json_object_del(json_object_get(rec, "relations"), kind);
}

/* A standard adopted by another body inside the same listing (IEEE 802.1AE
 * -> ISO/IEC/IEEE 8802-1AE) gets the link from its side too. IEEE lists
 * such adoptions as "obsoletedBy" as well; an identical text does not
 * supersede its twin, so those links are dropped. */
static void link_adoptions(relaton_ctx *ctx)
{
    json_t *all = secstd_collector_records(ctx->out);
    size_t i, k;
    json_t *rec, *v;
    json_array_foreach(all, i, rec) {
        json_array_foreach(json_object_get(json_object_get(rec, "relations"), "adopts"), k, v) {
            json_t *from = secstd_collector_get(ctx->out, json_string_value(v));
            if (from) {
                add_relation(from, "adopted_by", jstr(rec, "id"));
                add_relation(from, "identical_to", jstr(rec, "id"));
            }
        }
    }
    json_array_foreach(all, i, rec) {
        const json_t *same = json_object_get(json_object_get(rec, "relations"), "identical_to");
        for (k = 0; k < json_array_size(same); k++) {
            const char *twin = json_string_value(json_array_get(same, k));
            remove_relation(rec, "superseded_by", twin);
            remove_relation(rec, "supersedes", twin);
        }
    }
    json_decref(all);
}

secstd_status secstd_parse_relaton(const secstd_parse_input *in, secstd_collector *out, char *err,
                                   size_t errlen)
{
    if (!in || !out || (!in->body && in->len))
        return fail(SECSTD_ERR_INVALID, err, errlen, "no input");
    if (in->len > RELATON_MAX_INPUT)
        return fail(SECSTD_ERR_TOO_LARGE, err, errlen, "YAML listing of %zu bytes exceeds %zu",
                    in->len, RELATON_MAX_INPUT);
    size_t len = in->len;
    int nomem = 0;
    char *repaired = utf8_repair(in->body ? in->body : "", len, &len, &nomem);
    if (nomem)
        return fail(SECSTD_ERR_NOMEM, err, errlen, "out of memory");
    const char *body = repaired ? repaired : (in->body ? in->body : "");

    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        free(repaired);
        return fail(SECSTD_ERR_NOMEM, err, errlen, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)body, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    relaton_ctx ctx = {out, json_array(), 0, 0};
    yaml_tree tree;
    memset(&tree, 0, sizeof tree);
    secstd_status st = ctx.deferred ? SECSTD_OK : SECSTD_ERR_NOMEM;
    int done = 0;
    while (st == SECSTD_OK && !done) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            if (parser.error == YAML_MEMORY_ERROR)
                st = fail(SECSTD_ERR_NOMEM, err, errlen, "out of memory");
            else
                st = fail(SECSTD_ERR_PARSE, err, errlen, "YAML error at line %zu, column %zu: %s%s%s",
                          parser.problem_mark.line + 1, parser.problem_mark.column + 1,
                          parser.problem ? parser.problem : "malformed",
                          parser.context ? " " : "", parser.context ? parser.context : "");
            break;
        }
        size_t line = ev.start_mark.line + 1, col = ev.start_mark.column + 1;
        if (ev.type == YAML_ALIAS_EVENT || event_anchor(&ev)) {
            st = fail(SECSTD_ERR_PARSE, err, errlen,
                      "YAML %s at line %zu, column %zu: anchors and aliases are not accepted",
                      ev.type == YAML_ALIAS_EVENT ? "alias" : "anchor", line, col);
            yaml_event_delete(&ev);
            break;
        }
        if (ev.type == YAML_SCALAR_EVENT || ev.type == YAML_SEQUENCE_START_EVENT ||
            ev.type == YAML_MAPPING_START_EVENT) {
            if (++tree.nodes > RELATON_MAX_NODES) {
                st = fail(SECSTD_ERR_TOO_LARGE, err, errlen,
                          "YAML document at line %zu has more than %d nodes", line,
                          RELATON_MAX_NODES);
                yaml_event_delete(&ev);
                break;
            }
        }
        switch (ev.type) {
        case YAML_SCALAR_EVENT: {
            json_t *v = plain_null(&ev) ? json_null()
                                        : json_stringn((const char *)ev.data.scalar.value,
                                                       ev.data.scalar.length);
            if (!v)
                st = fail(SECSTD_ERR_PARSE, err, errlen,
                          "YAML scalar at line %zu, column %zu is not valid UTF-8", line, col);
            else if (tree_insert(&tree, v) != 0)
                st = fail(SECSTD_ERR_PARSE, err, errlen,
                          "YAML mapping key at line %zu, column %zu is not a scalar", line, col);
            break;
        }
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT: {
            if (tree.depth >= RELATON_MAX_DEPTH) {
                st = fail(SECSTD_ERR_TOO_LARGE, err, errlen,
                          "YAML nesting deeper than %d at line %zu, column %zu",
                          RELATON_MAX_DEPTH, line, col);
                break;
            }
            json_t *c = ev.type == YAML_SEQUENCE_START_EVENT ? json_array() : json_object();
            if (!c) {
                st = fail(SECSTD_ERR_NOMEM, err, errlen, "out of memory");
                break;
            }
            if (tree_insert(&tree, json_incref(c)) != 0) {
                json_decref(c);
                st = fail(SECSTD_ERR_PARSE, err, errlen,
                          "YAML mapping key at line %zu, column %zu is not a scalar", line, col);
                break;
            }
            tree.stack[tree.depth] = c; /* borrowed: the parent or root holds it */
            tree.key[tree.depth] = NULL;
            tree.depth++;
            json_decref(c);
            break;
        }
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            if (tree.depth > 0) {
                tree.depth--;
                json_decref(tree.key[tree.depth]);
                tree.key[tree.depth] = NULL;
            }
            break;
        case YAML_DOCUMENT_END_EVENT:
            if (ctx.docs >= RELATON_MAX_DOCS) {
                st = fail(SECSTD_ERR_TOO_LARGE, err, errlen, "more than %d YAML documents",
                          RELATON_MAX_DOCS);
                break;
            }
            if (tree.root) {
                st = map_document(&ctx, tree.root);
                if (st == SECSTD_ERR_NOMEM)
                    fail(st, err, errlen, "out of memory");
            }
            tree_reset(&tree);
            break;
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    tree_reset(&tree);
    yaml_parser_delete(&parser);
    free(repaired);
    if (st == SECSTD_OK)
        st = attach_parts(&ctx);
    if (st == SECSTD_OK)
        link_adoptions(&ctx);
    json_decref(ctx.deferred);
    if (st == SECSTD_ERR_NOMEM)
        fail(st, err, errlen, "out of memory");
    return st;
}
