/* index.c — readers of the published index (see index.h): opening the
 * current generation, noticing a new one, record lookup with relations
 * resolved both ways, more-like-this across bodies, area counts and the
 * area x SDO coverage matrix. */
#include "index.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docmap.h"
#include "ident.h"
#include "record.h"
#include "schema.h"

struct secstd_index {
    char *dir;
    xap_db *db;
    unsigned generation;
    unsigned doccount;
    long long built_at;
};

unsigned secstd_index_current_generation(const char *index_dir)
{
    char link[PATH_MAX], target[256];
    snprintf(link, sizeof link, "%s/current", index_dir);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n <= 0)
        return 0;
    target[n] = '\0';
    unsigned g = 0;
    char tail;
    if (sscanf(target, "gen-%u%c", &g, &tail) != 1)
        return 0;
    return g;
}

static secstd_status errf(char *err, size_t errlen, secstd_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static secstd_status errf(char *err, size_t errlen, secstd_status st, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* Whether a schema version (decimal digits) is one this program reads. */
static int schema_readable(const char *v)
{
    if (!*v || strspn(v, "0123456789") != strlen(v) || strlen(v) > 6)
        return 0;
    long n = strtol(v, NULL, 10);
    return n >= strtol(SECSTD_SCHEMA_VERSION_OLDEST, NULL, 10) && n <= strtol(SECSTD_SCHEMA_VERSION, NULL, 10);
}

/* Opens generation gen of dir and checks its schema version. */
static secstd_status open_generation(const char *dir, unsigned gen, xap_db **out, unsigned *count,
                                     long long *built_at, char *err, size_t errlen)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/gen-%06u", dir, gen);
    xap_db *db;
    secstd_status st = xap_db_open(path, &db);
    if (st != SECSTD_OK)
        return errf(err, errlen, st, "%s: %s", path, xap_last_error());
    char *schema = NULL, *built = NULL;
    st = xap_db_get_metadata(db, SECSTD_META_SCHEMA, &schema);
    if (st == SECSTD_OK && !schema_readable(schema))
        st = errf(err, errlen, SECSTD_ERR_SCHEMA_VERSION,
                  "%s was written with schema version \"%s\", this program reads \"%s\" to "
                  "\"%s\": rebuild it with `secstd index --full`",
                  path, schema, SECSTD_SCHEMA_VERSION_OLDEST, SECSTD_SCHEMA_VERSION);
    if (st == SECSTD_OK)
        st = xap_db_doccount(db, count);
    if (st == SECSTD_OK && xap_db_get_metadata(db, SECSTD_META_BUILT_AT, &built) == SECSTD_OK)
        *built_at = strtoll(built, NULL, 10);
    free(schema);
    free(built);
    if (st != SECSTD_OK) {
        xap_db_free(db);
        return st;
    }
    *out = db;
    return SECSTD_OK;
}

secstd_status secstd_index_open(const char *index_dir, secstd_index **out, char *err, size_t errlen)
{
    *out = NULL;
    unsigned gen = secstd_index_current_generation(index_dir);
    if (!gen)
        return errf(err, errlen, SECSTD_ERR_NO_INDEX,
                    "no index published in %s yet: run `secstd index` (or `secstd refresh`)",
                    index_dir);
    secstd_index *idx = calloc(1, sizeof *idx);
    if (!idx || !(idx->dir = strdup(index_dir))) {
        free(idx);
        return SECSTD_ERR_NOMEM;
    }
    secstd_status st =
        open_generation(index_dir, gen, &idx->db, &idx->doccount, &idx->built_at, err, errlen);
    if (st != SECSTD_OK) {
        secstd_index_free(idx);
        return st;
    }
    idx->generation = gen;
    *out = idx;
    return SECSTD_OK;
}

void secstd_index_free(secstd_index *idx)
{
    if (!idx)
        return;
    xap_db_free(idx->db);
    free(idx->dir);
    free(idx);
}

secstd_status secstd_index_refresh(secstd_index *idx, int *changed)
{
    if (changed)
        *changed = 0;
    unsigned gen = secstd_index_current_generation(idx->dir);
    if (!gen || gen == idx->generation)
        return SECSTD_OK;
    xap_db *db;
    unsigned count;
    long long built = 0;
    secstd_status st = open_generation(idx->dir, gen, &db, &count, &built, NULL, 0);
    if (st != SECSTD_OK)
        return st; /* keep serving the generation we have */
    xap_db_free(idx->db);
    idx->db = db;
    idx->generation = gen;
    idx->doccount = count;
    idx->built_at = built;
    if (changed)
        *changed = 1;
    return SECSTD_OK;
}

secstd_status secstd_index_reopen(secstd_index *idx)
{
    int changed;
    secstd_status st = secstd_index_refresh(idx, &changed);
    if (st == SECSTD_OK && !changed)
        st = xap_db_reopen(idx->db);
    return st;
}

xap_db *secstd_index_db(secstd_index *idx) { return idx->db; }
unsigned secstd_index_generation(const secstd_index *idx) { return idx->generation; }
unsigned secstd_index_doccount(const secstd_index *idx) { return idx->doccount; }
long long secstd_index_built_at(const secstd_index *idx) { return idx->built_at; }
const char *secstd_index_dir(const secstd_index *idx) { return idx->dir; }

/* ---- lookups ---------------------------------------------------------------- */

/* docid of the standard known by identifier text (id term, then any
 * identifier term, then a transposition of it: "oneM2M TS-0003" has no
 * record of its own, ETSI TS 118 103 is its text), 0 if none. */
static unsigned find_docid(secstd_index *idx, const char *ident)
{
    char key[512], term[XAP_MAX_TERM + 1];
    secstd_ident_value(ident, NULL, key, sizeof key);
    unsigned docid = 0;
    xap_db_first_posting(idx->db, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), &docid);
    if (!docid)
        xap_db_first_posting(idx->db, secstd_term(SECSTD_FIELD_IDENT, key, term, sizeof term),
                             &docid);
    if (!docid) {
        char value[600];
        snprintf(value, sizeof value, "transposes:%s", key);
        xap_db_first_posting(idx->db, secstd_term(SECSTD_FIELD_RELATION, value, term, sizeof term),
                             &docid);
    }
    return docid;
}

/* The record stored for docid: whole with its keys sorted
 * (SECSTD_DECODE_SORTED), only the result-list fields (id, sdo, title,
 * status, date, url, group, areas, ...; SECSTD_DECODE_HIT: no JSON parse),
 * or those and its relations (SECSTD_DECODE_RELATIONS). The head alone is
 * read when it holds what flags ask for. */
static json_t *load_doc(secstd_index *idx, unsigned docid, unsigned flags)
{
    char *data = NULL;
    size_t len = 0;
    int head = (flags & (SECSTD_DECODE_HIT | SECSTD_DECODE_RELATIONS)) &&
               xap_db_get_head(idx->db, docid, &data, &len) == SECSTD_OK;
    if (head && !secstd_record_head_holds(data, len, flags)) {
        free(data);
        head = 0;
    }
    if (!head && xap_db_get_data(idx->db, docid, &data, &len) != SECSTD_OK)
        return NULL;
    json_t *rec = secstd_record_decode(data, len, flags);
    free(data);
    return rec;
}

static json_t *link_entry(secstd_index *idx, const char *kind, const char *label, const char *target,
                          int stated_here, unsigned self)
{
    json_t *e = json_pack("{s:s,s:s,s:s,s:b}", "kind", kind, "label", label, "id", target,
                          "stated_here", stated_here);
    /* A relation to an edition of the record itself ("ISO/IEC 27001
     * supersedes ISO/IEC 27001:2013") resolves to the record: keep it as
     * stated, not found, rather than a link to itself. */
    unsigned docid = find_docid(idx, target);
    json_t *rec = docid && docid != self ? load_doc(idx, docid, SECSTD_DECODE_HIT) : NULL;
    json_object_set_new(e, "found", json_boolean(rec != NULL));
    /* A twin with no record of its own ("ISO/IEC 9594-8" is an alias of
     * ITU-T X.509): the same text under another body's number. */
    if (docid && docid == self)
        json_object_set_new(e, "same_record", json_true());
    if (rec) {
        json_object_set(e, "id", json_object_get(rec, "id"));
        json_object_set(e, "title", json_object_get(rec, "title"));
        json_object_set(e, "sdo", json_object_get(rec, "sdo"));
        json_object_set(e, "status", json_object_get(rec, "status"));
        json_decref(rec);
    }
    return e;
}

struct inverse_ctx {
    secstd_index *idx;
    json_t *out;
    const secstd_relation_kind *kind;   /* kind as stated by the other record */
    unsigned self;
    json_t *seen;
};

static int add_inverse(void *vctx, unsigned docid)
{
    struct inverse_ctx *c = vctx;
    if (docid == c->self)
        return 0;
    json_t *other = load_doc(c->idx, docid, SECSTD_DECODE_HIT);
    if (!other)
        return 0;
    const char *oid = json_string_value(json_object_get(other, "id"));
    const secstd_relation_kind *inv = secstd_relation_kind_lookup(c->kind->inverse);
    char seenkey[300];
    snprintf(seenkey, sizeof seenkey, "%s|%s", inv->name, oid ? oid : "");
    if (oid && !json_object_get(c->seen, seenkey)) {
        json_object_set_new(c->seen, seenkey, json_true());
        json_array_append_new(c->out,
                              json_pack("{s:s,s:s,s:s,s:b,s:b,s:O,s:O,s:O}", "kind", inv->name,
                                        "label", inv->label, "id", oid, "stated_here", 0,
                                        "found", 1, "title", json_object_get(other, "title"),
                                        "sdo", json_object_get(other, "sdo"), "status",
                                        json_object_get(other, "status") ? json_object_get(other, "status") : json_null()));
    }
    json_decref(other);
    return 0;
}

/* Every relation of rec both ways: those it states, and those other
 * records state about it (found through their relation terms). */
static json_t *resolve_relations(secstd_index *idx, const json_t *rec, unsigned self)
{
    json_t *out = json_array();
    json_t *seen = json_object();
    const json_t *rel = json_object_get(rec, "relations");
    for (size_t k = 0; k < secstd_relation_kind_count(); k++) {
        const secstd_relation_kind *kind = secstd_relation_kind_at(k);
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(rel, kind->name), i, t) {
            json_t *e = link_entry(idx, kind->name, kind->label, json_string_value(t), 1, self);
            char seenkey[300];
            snprintf(seenkey, sizeof seenkey, "%s|%s", kind->name,
                     json_string_value(json_object_get(e, "id")));
            json_object_set_new(seen, seenkey, json_true());
            json_array_append_new(out, e);
        }
    }
    /* Inverse links: any record whose relation term names this record by
     * its id or by one of its aliases. */
    json_t *names = json_array();
    json_array_append(names, json_object_get(rec, "id"));
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(rec, "aliases"), i, a) json_array_append(names, a);
    json_array_foreach(names, i, a) {
        char key[512];
        secstd_ident_value(json_string_value(a), NULL, key, sizeof key);
        for (size_t k = 0; k < secstd_relation_kind_count(); k++) {
            const secstd_relation_kind *kind = secstd_relation_kind_at(k);
            char value[700], term[XAP_MAX_TERM + 1];
            snprintf(value, sizeof value, "%s:%s", kind->name, key);
            struct inverse_ctx c = {idx, out, kind, self, seen};
            xap_db_postings(idx->db, secstd_term(SECSTD_FIELD_RELATION, value, term, sizeof term),
                            add_inverse, &c);
        }
    }
    json_decref(names);
    json_decref(seen);
    return out;
}

secstd_status secstd_index_get(secstd_index *idx, const char *ident, json_t **record)
{
    *record = NULL;
    if (!ident || !*ident)
        return SECSTD_ERR_INVALID;
    unsigned docid = find_docid(idx, ident);
    if (!docid)
        return SECSTD_ERR_NOT_FOUND;
    json_t *rec = load_doc(idx, docid, SECSTD_DECODE_SORTED);
    if (!rec)
        return SECSTD_ERR_XAPIAN_CORRUPT;
    json_object_set_new(rec, "relations_resolved", resolve_relations(idx, rec, docid));
    *record = rec;
    return SECSTD_OK;
}

/* ---- more-like-this --------------------------------------------------------- */

/* 1 if term can explain a neighbour: it is in the index and not very
 * common (those explain nothing). Asked once per expansion term. */
static int explaining_term(secstd_index *idx, const char *term)
{
    unsigned freq = 0;
    return xap_db_termfreq(idx->db, term, &freq) == SECSTD_OK && freq > 0 && freq <= 5000;
}

/* Expansion terms of a more-like-this query. */
enum { NEXPAND = 24 };

/* Which hits of a more-like-this pass hold which expansion terms: a row
 * per term, filled for every hit from the pass's first one the first time
 * a hit asks for it (one walk of the term's posting list instead of a
 * skip per hit). */
struct holders {
    secstd_index *idx;
    char **terms;
    unsigned *docids;   /* the pass's hits from `from` on */
    size_t nhits;
    int *rows;          /* nterms x nhits */
    signed char made[NEXPAND];
};

static int holds(struct holders *h, size_t t, size_t hit)
{
    int *row = h->rows + t * h->nhits;
    if (!h->made[t]) {
        xap_db_term_in_docs(h->idx->db, h->terms[t], h->docids, h->nhits, row);
        h->made[t] = 1;
    }
    return row[hit];
}

/* 1 if the bytes key occur in data[0..len). */
static int holds_bytes(const char *data, size_t len, const char *key)
{
    const size_t klen = strlen(key);
    for (const char *p = data; len >= klen && (size_t)(p - data) <= len - klen; p++) {
        p = memchr(p, key[0], len - klen + 1 - (size_t)(p - data));
        if (!p)
            return 0;
        if (memcmp(p, key, klen) == 0)
            return 1;
    }
    return 0;
}

/* 1 if a document's stored data may hold the relations republishes()
 * reads: the bytes "transposes": or "adopts": anywhere (a false hit only
 * costs a full decode; without them the record is not a republication,
 * and its hit fields are decoded alone). */
static int may_republish(const char *data, size_t len)
{
    return holds_bytes(data, len, "\"transposes\":") || holds_bytes(data, len, "\"adopts\":");
}

secstd_status secstd_index_similar(secstd_index *idx, const char *ident, unsigned limit,
                                   json_t **out)
{
    return secstd_index_similar_flags(idx, ident, limit, 0, out);
}

/* Weight the expansion query gives the document itself: the yardstick that
 * turns a neighbour's weight into a similarity comparable across queries. */
static double self_weight(secstd_index *idx, const xap_query *q, const char *selfterm)
{
    xap_query *self = xap_query_term(selfterm, 1);
    xap_query *only = xap_query_combine(XAP_OP_FILTER, q, self);
    xap_search_opts opts = {0, 1, -1, 0, 0, NULL, 0};
    xap_results *res = NULL;
    double w = 0.0;
    if (xap_search(idx->db, only, &opts, &res) == SECSTD_OK && xap_results_count(res))
        w = xap_results_weight(res, 0);
    xap_results_free(res);
    xap_query_free(only);
    xap_query_free(self);
    return w;
}

/* 1 if other transposes or adopts another standard of the body sdo (not
 * self_key itself): it is that body's own text republished by another
 * body, not other work on the subject. A copy of the standard itself is
 * the same text, and stays where its similarity puts it. */
static int republishes(const json_t *other, const char *sdo, const char *self_key)
{
    static const char *const kinds[] = {"transposes", "adopts"};
    const json_t *rel = json_object_get(other, "relations");
    for (size_t k = 0; sdo && k < sizeof kinds / sizeof *kinds; k++) {
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(rel, kinds[k]), i, t) {
            secstd_ident id;
            char key[512];
            if (secstd_ident_parse(json_string_value(t), NULL, &id) == SECSTD_OK &&
                strcmp(id.sdo, sdo) == 0 && secstd_ident_key(id.id, key, sizeof key) > 0 &&
                strcmp(key, self_key) != 0)
                return 1;
        }
    }
    return 0;
}

secstd_status secstd_index_similar_flags(secstd_index *idx, const char *ident, unsigned limit,
                                         unsigned flags, json_t **out)
{
    *out = NULL;
    unsigned docid = find_docid(idx, ident);
    if (!docid)
        return SECSTD_ERR_NOT_FOUND;
    /* Its id, sdo, title, aliases and relations: the head holds them. */
    json_t *rec = load_doc(idx, docid, SECSTD_DECODE_RELATIONS);
    if (!rec)
        return SECSTD_ERR_XAPIAN_CORRUPT;
    const char *sdo = json_string_value(json_object_get(rec, "sdo"));
    if (limit == 0 || limit > 100)
        limit = 10;

    /* Stated relations first, labelled as such. */
    json_t *results = json_array();
    json_t *deferred = json_array();   /* other bodies' copies of this body's texts */
    json_t *taken = json_object();
    json_t *rels = (flags & SECSTD_SIMILAR_NO_STATED) ? json_array()
                                                       : resolve_relations(idx, rec, docid);
    /* Another body republishes this standard (ETSI's copies of 3GPP
     * specs, say): its other texts are likely republished too, and those
     * copies crowd the other-bodies pass (below). */
    int republished = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rels, i, r) {
        const char *kind = json_string_value(json_object_get(r, "kind"));
        republished |= kind && (strcmp(kind, "transposed_by") == 0 || strcmp(kind, "adopted_by") == 0);
        if (!json_is_true(json_object_get(r, "found")))
            continue;
        const char *rid = json_string_value(json_object_get(r, "id"));
        if (json_object_get(taken, rid))
            continue;
        json_object_set_new(taken, rid, json_true());
        json_array_append_new(results,
                              json_pack("{s:s,s:O,s:O,s:O,s:s,s:O,s:f,s:[]}", "id", rid, "sdo",
                                        json_object_get(r, "sdo"), "title", json_object_get(r, "title"),
                                        "status", json_object_get(r, "status") ? json_object_get(r, "status") : json_null(),
                                        "why", "stated", "relation", json_object_get(r, "kind"),
                                        "score", 100.0, "shared_terms"));
    }
    json_decref(rels);

    /* Then the relevance-set expansion of this document: its most
     * significant free-text terms, OR-ed, other SDOs ranked first. */
    char **terms = NULL;
    size_t nterms = 0;
    secstd_status st = xap_expand(idx->db, &docid, 1, NEXPAND, &terms, &nterms);
    /* Per expansion term: -1 not asked yet, else explaining_term(). */
    signed char explains[NEXPAND];
    memset(explains, -1, sizeof explains);
    json_t *shared = json_array();
    if (st == SECSTD_OK && nterms > 0) {
        xap_query *q = NULL;
        for (size_t t = 0; t < nterms; t++) {
            xap_query *term = xap_query_term(terms[t], 1);
            if (!q) {
                q = term;
            } else {
                xap_query *next = xap_query_combine(XAP_OP_OR, q, term);
                xap_query_free(q);
                xap_query_free(term);
                q = next;
            }
            json_array_append_new(shared, json_string(terms[t]));
        }
        char selfterm[XAP_MAX_TERM + 1], key[512];
        secstd_ident_value(json_string_value(json_object_get(rec, "id")), sdo, key, sizeof key);
        secstd_term(SECSTD_FIELD_ID, key, selfterm, sizeof selfterm);
        xap_query *self = xap_query_term(selfterm, 1);
        xap_query *notself = xap_query_combine(XAP_OP_AND_NOT, q, self);
        xap_query_free(self);
        /* Other SDOs first: two passes, other SDOs, then the same SDO. */
        char sdoterm[XAP_MAX_TERM + 1];
        secstd_term(SECSTD_FIELD_SDO, sdo ? sdo : "", sdoterm, sizeof sdoterm);
        xap_query *same = xap_query_term(sdoterm, 1);
        xap_query *passes[2] = {xap_query_combine(XAP_OP_AND_NOT, notself, same),
                                xap_query_combine(XAP_OP_FILTER, notself, same)};
        if (flags & SECSTD_SIMILAR_ONE_PASS) {
            xap_query_free(passes[0]);
            passes[0] = xap_query_combine(XAP_OP_OR, notself, NULL);
        }
        int npasses = (flags & (SECSTD_SIMILAR_ONE_PASS | SECSTD_SIMILAR_OTHER_SDOS)) ? 1 : 2;
        xap_query_free(same);
        double selfw = self_weight(idx, q, selfterm);
        /* Each pass asks for limit * 2 hits. The other-bodies pass asks
         * again for limit * 8 when those are used up and the list is not
         * full: copies of this body's own texts (deferred below) may crowd
         * its first answers. Xapian's first hits are the same whatever the
         * depth asked, so asking deeper only when needed changes nothing
         * but the work (most standards fill the list from the first ask);
         * for a standard that is itself republished, the first ask is the
         * deep one. */
        unsigned from = 0, depth = republished ? limit * 8 : limit * 2;
        for (int p = 0; p < npasses && json_array_size(results) < limit;) {
            xap_search_opts opts = {0, depth, -1, 0, 0, NULL, 0};
            xap_results *res = NULL;
            if (xap_search(idx->db, passes[p], &opts, &res) != SECSTD_OK) {
                p++;
                from = 0;
                depth = limit * 2;
                continue;
            }
            double top = xap_results_count(res) ? xap_results_weight(res, 0) : 1.0;
            struct holders hold = {idx, terms, NULL, 0, NULL, {0}};
            if (xap_results_count(res) > from) {
                hold.nhits = xap_results_count(res) - from;
                hold.docids = malloc(hold.nhits * sizeof *hold.docids);
                hold.rows = malloc(hold.nhits * NEXPAND * sizeof *hold.rows);
                for (size_t k = 0; hold.docids && k < hold.nhits; k++)
                    hold.docids[k] = xap_results_docid(res, from + (unsigned)k);
            }
            for (unsigned k = from; k < xap_results_count(res) && json_array_size(results) < limit; k++) {
                /* The result-list fields are enough, but for the relations
                 * republishes() reads in the other-bodies pass: in the
                 * head, but for documents older than its relations
                 * section. */
                size_t olen;
                const char *odata = xap_results_head(res, k, &olen);
                unsigned oflags = SECSTD_DECODE_HIT;
                if (p == 0 && !secstd_record_head_holds(odata, olen, SECSTD_DECODE_RELATIONS)) {
                    odata = xap_results_data(res, k);
                    olen = xap_results_data_len(res, k);
                }
                if (p == 0 && may_republish(odata, olen))
                    oflags = SECSTD_DECODE_RELATIONS;
                json_t *other = secstd_record_decode(odata, olen, oflags);
                if (!other)
                    continue;
                const char *oid = json_string_value(json_object_get(other, "id"));
                if (p == 0 && oid && !json_object_get(taken, oid) && republishes(other, sdo, key)) {
                    /* Another body's copy of this body's own text (an ETSI
                     * transposition of another 3GPP spec): not other work
                     * on the subject, so it goes after the real thing. */
                    json_array_append_new(deferred, json_pack("{s:s,s:O,s:O,s:O,s:s,s:n,s:f,s:[],s:O,s:O}",
                                                              "id", oid, "sdo", json_object_get(other, "sdo"),
                                                              "title", json_object_get(other, "title"), "status",
                                                              json_object_get(other, "status") ? json_object_get(other, "status") : json_null(),
                                                              "why", "republication", "relation", "score",
                                                              top > 0 ? 100.0 * xap_results_weight(res, k) / top : 0.0,
                                                              "shared_terms", "date",
                                                              json_object_get(other, "date") ? json_object_get(other, "date") : json_null(),
                                                              "areas", json_object_get(other, "areas") ? json_object_get(other, "areas") : json_null()));
                    json_object_set_new(taken, oid, json_true());
                } else if (oid && !json_object_get(taken, oid)) {
                    json_object_set_new(taken, oid, json_true());
                    /* The shared terms: expansion terms the other document
                     * also holds in its title, abstract or keywords. */
                    json_t *why = json_array();
                    for (size_t t = 0; t < nterms && t < NEXPAND && json_array_size(why) < 8 &&
                                       hold.docids && hold.rows; t++) {
                        if (explains[t] < 0)
                            explains[t] = (signed char)explaining_term(idx, terms[t]);
                        if (explains[t] && holds(&hold, t, k - from))
                            json_array_append_new(why, json_string(terms[t]));
                    }
                    json_array_append_new(
                        results, json_pack("{s:s,s:O,s:O,s:O,s:s,s:n,s:f,s:o}", "id", oid, "sdo",
                                           json_object_get(other, "sdo"), "title",
                                           json_object_get(other, "title"), "status",
                                           json_object_get(other, "status") ? json_object_get(other, "status") : json_null(),
                                           "why", "similar", "relation", "score",
                                           top > 0 ? 100.0 * xap_results_weight(res, k) / top : 0.0,
                                           "shared_terms", why));
                    json_t *last = json_array_get(results, json_array_size(results) - 1);
                    json_object_set_new(last, "similarity",
                                        json_real(selfw > 0 ? xap_results_weight(res, k) / selfw : 0.0));
                    json_object_set(last, "date", json_object_get(other, "date"));
                    json_object_set(last, "areas", json_object_get(other, "areas"));
                }
                json_decref(other);
            }
            free(hold.docids);
            free(hold.rows);
            unsigned got = xap_results_count(res);
            xap_results_free(res);
            if (p == 0 && depth < limit * 8 && got == depth && json_array_size(results) < limit) {
                from = got;   /* deeper, from where this ask left off */
                depth = limit * 8;
            } else {
                p++;
                from = 0;
                depth = limit * 2;
            }
        }
        size_t d;
        json_t *dj;
        json_array_foreach(deferred, d, dj) {
            if (json_array_size(results) >= limit)
                break;
            json_array_append(results, dj);
        }
        xap_query_free(passes[0]);
        xap_query_free(passes[1]);
        xap_query_free(notself);
        xap_query_free(q);
    }
    xap_strings_free(terms, nterms);
    json_decref(deferred);
    *out = json_pack("{s:O,s:O,s:O,s:o,s:o}", "id", json_object_get(rec, "id"), "sdo",
                     json_object_get(rec, "sdo"), "title", json_object_get(rec, "title"), "terms",
                     shared, "results", results);
    json_decref(taken);
    json_decref(rec);
    return st == SECSTD_OK ? SECSTD_OK : st;
}

/* ---- areas and coverage ------------------------------------------------------ */

/* Counts of documents matching (area AND sdo) for every pair, read from
 * term frequencies where one term suffices and from a facet search per
 * area otherwise. */
static secstd_status area_sdo_counts(secstd_index *idx, const secstd_area *area, json_t *by_sdo,
                                     json_t *by_status_sdo, json_t *years, unsigned *total)
{
    char term[XAP_MAX_TERM + 1];
    xap_query *q = xap_query_term(secstd_term(SECSTD_FIELD_AREA, area->id, term, sizeof term), 1);
    xap_facet_spec facets[3] = {
        {(unsigned)secstd_field_get(SECSTD_FIELD_SDO)->slot, 0},
        {(unsigned)secstd_field_get(SECSTD_FIELD_YEAR)->slot, 0},
        {(unsigned)secstd_field_get(SECSTD_FIELD_STATUS)->slot, 0},
    };
    unsigned doccount = idx->doccount ? idx->doccount : 1;
    xap_search_opts opts = {0, 0, -1, 0, doccount, facets, by_status_sdo ? 3 : 2};
    xap_results *res;
    secstd_status st = xap_search(idx->db, q, &opts, &res);
    xap_query_free(q);
    if (st != SECSTD_OK)
        return st;
    *total = xap_results_total(res);
    for (size_t j = 0; j < xap_results_facet_size(res, 0); j++) {
        const char *v;
        unsigned c;
        xap_results_facet_at(res, 0, j, &v, &c);
        json_object_set_new(by_sdo, v, json_integer(c));
    }
    for (size_t j = 0; years && j < xap_results_facet_size(res, 1); j++) {
        const char *v;
        unsigned c;
        xap_results_facet_at(res, 1, j, &v, &c);
        json_object_set_new(years, v, json_integer(c));
    }
    xap_results_free(res);
    if (!by_status_sdo)
        return SECSTD_OK;
    /* Published vs in development per SDO: one filtered search per status. */
    static const char *const statuses[] = {"published", "in-development"};
    for (size_t s = 0; s < 2; s++) {
        char aterm[XAP_MAX_TERM + 1], sterm[XAP_MAX_TERM + 1];
        xap_query *a = xap_query_term(secstd_term(SECSTD_FIELD_AREA, area->id, aterm, sizeof aterm), 1);
        xap_query *b = xap_query_term(secstd_term(SECSTD_FIELD_STATUS, statuses[s], sterm, sizeof sterm), 1);
        xap_query *both = xap_query_combine(XAP_OP_FILTER, a, b);
        xap_search_opts o2 = {0, 0, -1, 0, doccount, facets, 1};
        st = xap_search(idx->db, both, &o2, &res);
        xap_query_free(a);
        xap_query_free(b);
        xap_query_free(both);
        if (st != SECSTD_OK)
            return st;
        json_t *m = json_object();
        for (size_t j = 0; j < xap_results_facet_size(res, 0); j++) {
            const char *v;
            unsigned c;
            xap_results_facet_at(res, 0, j, &v, &c);
            json_object_set_new(m, v, json_integer(c));
        }
        json_object_set_new(by_status_sdo, statuses[s], m);
        xap_results_free(res);
    }
    return SECSTD_OK;
}

secstd_status secstd_index_areas(secstd_index *idx, json_t **out)
{
    *out = NULL;
    json_t *list = json_array();
    for (size_t a = 0; a < secstd_area_count(); a++) {
        const secstd_area *area = secstd_area_at(a);
        json_t *by_sdo = json_object();
        unsigned total = 0;
        secstd_status st = area_sdo_counts(idx, area, by_sdo, NULL, NULL, &total);
        if (st != SECSTD_OK) {
            json_decref(by_sdo);
            json_decref(list);
            return st;
        }
        json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:i,s:o}", "id", area->id, "label",
                                              area->label, "scope", area->scope, "count", total,
                                              "by_sdo", by_sdo));
    }
    *out = list;
    return SECSTD_OK;
}

secstd_status secstd_index_coverage(secstd_index *idx, json_t **out)
{
    *out = NULL;
    json_t *sdos = json_array();
    json_t *seen_sdo = json_object();
    json_t *areas = json_array();
    for (size_t a = 0; a < secstd_area_count(); a++) {
        const secstd_area *area = secstd_area_at(a);
        json_t *by_sdo = json_object(), *by_status = json_object(), *years = json_object();
        unsigned total = 0;
        secstd_status st = area_sdo_counts(idx, area, by_sdo, by_status, years, &total);
        if (st != SECSTD_OK) {
            json_decref(by_sdo);
            json_decref(by_status);
            json_decref(years);
            json_decref(areas);
            json_decref(sdos);
            json_decref(seen_sdo);
            return st;
        }
        json_t *cells = json_object();
        const char *sdo;
        json_t *n;
        json_object_foreach(by_sdo, sdo, n) {
            json_t *pub = json_object_get(json_object_get(by_status, "published"), sdo);
            json_t *dev = json_object_get(json_object_get(by_status, "in-development"), sdo);
            json_object_set_new(cells, sdo,
                                json_pack("{s:I,s:I,s:I}", "total", json_integer_value(n),
                                          "published", pub ? json_integer_value(pub) : 0,
                                          "in_development", dev ? json_integer_value(dev) : 0));
            json_object_set_new(seen_sdo, sdo, json_true());
        }
        json_array_append_new(areas, json_pack("{s:s,s:s,s:i,s:o,s:o}", "id", area->id, "label",
                                               area->label, "total", total, "cells", cells,
                                               "years", years));
        json_decref(by_sdo);
        json_decref(by_status);
    }
    /* Columns: every registered SDO, so empty columns (gaps) show too. */
    for (size_t i = 0; i < secstd_sdo_count(); i++)
        json_array_append_new(sdos, json_string(secstd_sdo_at(i)->name));
    json_decref(seen_sdo);
    *out = json_pack("{s:o,s:o}", "sdos", sdos, "areas", areas);
    return SECSTD_OK;
}
