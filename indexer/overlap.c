/* overlap.c — cross-body overlap clusters of a technology area (see
 * overlap.h for the method, docs/OVERLAP.md for why). Nodes are the
 * area's standards plus the partners their stated relations name; edges
 * are stated links and similarity links; a union-find with a size cap
 * turns edges, strongest first, into clusters. */
#include "overlap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docmap.h"
#include "ident.h"
#include "record.h"
#include "schema.h"

#define EXPAND_TERMS 24
#define LABEL_TERMS 5
#define STATED_SCORE 1.0

typedef struct node {
    json_t *member; /* {id, sdo, title, status, date, in_area, found} */
    unsigned docid; /* 0: a twin known only as an alias */
    size_t parent;
    size_t size;
    int stated;     /* joined by a stated link (no size cap) */
    json_t *twin_sdos; /* bodies of its same-text partners {SDO: true} */
} node;

typedef struct edge {
    size_t a, b;
    const char *kind; /* relation kind as seen from a, or "similar" */
    double score;
} edge;

typedef struct graph {
    secstd_index *idx;
    node *nodes;
    size_t nnodes, capnodes;
    edge *edges;
    size_t nedges, capedges;
    json_t *by_id;    /* canonical id -> node index */
} graph;

static int grow(void **arr, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return 0;
    size_t n = *cap ? *cap * 2 : 64;
    while (n < need)
        n *= 2;
    void *p = realloc(*arr, n * elem);
    if (!p)
        return -1;
    *arr = p;
    *cap = n;
    return 0;
}

/* The node of id, created from member (reference taken) when new; returns
 * its index or (size_t)-1 on allocation failure. */
static size_t node_of(graph *g, const char *id, json_t *member, unsigned docid)
{
    json_t *have = json_object_get(g->by_id, id);
    if (have) {
        json_decref(member);
        return (size_t)json_integer_value(have);
    }
    if (grow((void **)&g->nodes, &g->capnodes, g->nnodes + 1, sizeof *g->nodes) != 0) {
        json_decref(member);
        return (size_t)-1;
    }
    size_t i = g->nnodes++;
    g->nodes[i] = (node){member, docid, i, 1, 0, json_object()};
    json_object_set_new(g->by_id, id, json_integer((json_int_t)i));
    return i;
}

static int add_edge(graph *g, size_t a, size_t b, const char *kind, double score)
{
    if (a == b || a == (size_t)-1 || b == (size_t)-1)
        return 0;
    if (grow((void **)&g->edges, &g->capedges, g->nedges + 1, sizeof *g->edges) != 0)
        return -1;
    g->edges[g->nedges++] = (edge){a, b, kind, score};
    return 0;
}

static size_t find(graph *g, size_t i)
{
    while (g->nodes[i].parent != i) {
        g->nodes[i].parent = g->nodes[g->nodes[i].parent].parent;
        i = g->nodes[i].parent;
    }
    return i;
}

static json_t *member_from(const json_t *rec, int in_area)
{
    json_t *m = json_pack("{s:O,s:O,s:O,s:b,s:b}", "id", json_object_get(rec, "id"), "sdo",
                          json_object_get(rec, "sdo"), "title", json_object_get(rec, "title"),
                          "in_area", in_area, "found", 1);
    if (!m)
        return NULL;
    json_object_set(m, "status", json_object_get(rec, "status") ? json_object_get(rec, "status") : json_null());
    json_object_set(m, "date", json_object_get(rec, "date") ? json_object_get(rec, "date") : json_null());
    return m;
}

struct collect_ctx {
    unsigned *docids;
    size_t n, cap;
    int failed;
};

static int collect_docid(void *vctx, unsigned docid)
{
    struct collect_ctx *c = vctx;
    if (grow((void **)&c->docids, &c->cap, c->n + 1, sizeof *c->docids) != 0) {
        c->failed = 1;
        return 1;
    }
    c->docids[c->n++] = docid;
    return 0;
}

/* 1 when twin (an "ISO N" number of this record's text) has an "ISO/IEC N"
 * twin in the same relations: the pre-JTC 1 designation of one standard,
 * not another body's copy. */
static int iso_form_of_joint_twin(const json_t *rels, const secstd_ident *twin)
{
    if (strcmp(twin->sdo, "ISO") != 0 || strncmp(twin->id, "ISO ", 4) != 0)
        return 0;
    char joint[SECSTD_IDENT_MAX + 8];
    snprintf(joint, sizeof joint, "ISO/IEC %s", twin->id + 4);
    size_t i;
    json_t *r;
    json_array_foreach(rels, i, r) {
        secstd_ident other;
        if (json_is_true(json_object_get(r, "same_record")) &&
            secstd_ident_parse(json_string_value(json_object_get(r, "id")), NULL, &other) == SECSTD_OK &&
            strcmp(other.id, joint) == 0)
            return 1;
    }
    return 0;
}

/* Stated links of the standard at node self: relations_resolved of its
 * record. Links across bodies all count; within one body only the kinds
 * that say "the same text" (an ETSI TS and the EN made of it). */
static secstd_status add_stated(graph *g, size_t self, const char *id, const char *sdo)
{
    static const char *const same_text[] = {"identical_to", "transposes", "transposed_by",
                                            "adopts", "adopted_by"};
    json_t *rec = NULL;
    secstd_status st = secstd_index_get(g->idx, id, &rec);
    if (st == SECSTD_ERR_NOT_FOUND)
        return SECSTD_OK;
    if (st != SECSTD_OK)
        return st;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(rec, "relations_resolved"), i, r) {
        const char *kind = json_string_value(json_object_get(r, "kind"));
        const char *rid = json_string_value(json_object_get(r, "id"));
        if (!kind || !rid)
            continue;
        const secstd_relation_kind *k = secstd_relation_kind_lookup(kind);
        if (!k)
            continue;
        kind = k->name; /* static storage: edges keep the pointer */
        size_t other;
        const char *osdo;
        secstd_ident parsed;   /* osdo may point into it until the end of the loop body */
        if (json_is_true(json_object_get(r, "found"))) {
            osdo = json_string_value(json_object_get(r, "sdo"));
            other = json_object_get(g->by_id, rid) ? node_of(g, rid, NULL, 0) : (size_t)-1;
            if (other == (size_t)-1) {
                /* A partner outside the area: its record, for status and
                 * date. */
                json_t *prec = NULL;
                if (secstd_index_get(g->idx, rid, &prec) != SECSTD_OK)
                    continue;
                other = node_of(g, rid, member_from(prec, 0), 0);
                json_decref(prec);
            }
        } else if (json_is_true(json_object_get(r, "same_record"))) {
            /* A twin with no record of its own: another body's number of
             * this very text. */
            if (secstd_ident_parse(rid, NULL, &parsed) != SECSTD_OK)
                continue;
            osdo = parsed.sdo;
            if (json_object_get(g->by_id, parsed.id) ||
                iso_form_of_joint_twin(json_object_get(rec, "relations_resolved"), &parsed))
                continue; /* "ISO 9594-8" and "ISO/IEC 9594-8" are one twin */
            json_t *m = json_pack("{s:s,s:s,s:O,s:O,s:O,s:b,s:b}", "id", parsed.id, "sdo", parsed.sdo,
                                  "title", json_object_get(rec, "title"), "status",
                                  json_object_get(rec, "status") ? json_object_get(rec, "status") : json_null(),
                                  "date", json_object_get(rec, "date") ? json_object_get(rec, "date") : json_null(),
                                  /* the same text: in the area as much as its record */
                                  "in_area", json_is_true(json_object_get(g->nodes[self].member, "in_area")),
                                  "found", 0);
            other = node_of(g, parsed.id, m, 0);
        } else {
            continue;
        }
        int cross = osdo && sdo && strcmp(osdo, sdo) != 0;
        int same = 0;
        for (size_t s = 0; s < sizeof same_text / sizeof *same_text; s++)
            same |= strcmp(kind, same_text[s]) == 0;
        if (same && osdo && other != (size_t)-1) {
            json_object_set_new(g->nodes[self].twin_sdos, osdo, json_true());
            if (sdo)
                json_object_set_new(g->nodes[other].twin_sdos, sdo, json_true());
        }
        if ((cross || same) && add_edge(g, self, other, kind, STATED_SCORE) != 0) {
            json_decref(rec);
            return SECSTD_ERR_NOMEM;
        }
    }
    json_decref(rec);
    return SECSTD_OK;
}

static int docid_cmp(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* 1 if a has a same-text partner of b's body. */
static int twin_of(const graph *g, size_t a, size_t b)
{
    const char *sdo = json_string_value(json_object_get(g->nodes[b].member, "sdo"));
    return sdo && json_object_get(g->nodes[a].twin_sdos, sdo) != NULL;
}

/* Similarity links of node self: its nearest standards of other bodies in
 * the area, as secstd_index_similar finds them (the relevance-set
 * expansion of the document, OR-ed), restricted to the area. */
static secstd_status add_similar(graph *g, size_t self, const char *areaterm, const unsigned *area_docids,
                                 const size_t *area_nodes, size_t narea)
{
    xap_db *db = secstd_index_db(g->idx);
    unsigned docid = g->nodes[self].docid;
    char **terms = NULL;
    size_t nterms = 0;
    secstd_status st = xap_expand(db, &docid, 1, EXPAND_TERMS, &terms, &nterms);
    if (st != SECSTD_OK || nterms == 0) {
        xap_strings_free(terms, nterms);
        return st;
    }
    xap_query *q = NULL;
    for (size_t t = 0; t < nterms; t++) {
        xap_query *term = xap_query_term(terms[t], 1);
        xap_query *next = q ? xap_query_combine(XAP_OP_OR, q, term) : term;
        if (q) {
            xap_query_free(q);
            xap_query_free(term);
        }
        q = next;
    }
    xap_strings_free(terms, nterms);

    char key[512], term[XAP_MAX_TERM + 1];
    const json_t *m = g->nodes[self].member;
    secstd_ident_value(json_string_value(json_object_get(m, "id")),
                       json_string_value(json_object_get(m, "sdo")), key, sizeof key);
    xap_query *selfq = xap_query_term(secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), 1);
    xap_query *sdoq =
        xap_query_term(secstd_term(SECSTD_FIELD_SDO, json_string_value(json_object_get(m, "sdo")),
                                   term, sizeof term), 1);
    xap_query *areaq = xap_query_term(areaterm, 1);
    xap_query *only_self = xap_query_combine(XAP_OP_FILTER, q, selfq);
    xap_query *others = xap_query_combine(XAP_OP_AND_NOT, q, sdoq);
    xap_query *in_area = xap_query_combine(XAP_OP_FILTER, others, areaq);

    /* The weight the query gives the standard itself is the yardstick: a
     * neighbour's similarity is its weight relative to that. */
    xap_search_opts opts = {0, 1, -1, 0, 0, NULL, 0};
    xap_results *res = NULL;
    double selfw = 0;
    st = xap_search(db, only_self, &opts, &res);
    if (st == SECSTD_OK && xap_results_count(res))
        selfw = xap_results_weight(res, 0);
    xap_results_free(res);
    res = NULL;
    if (st == SECSTD_OK && selfw > 0) {
        opts.limit = SECSTD_OVERLAP_NEIGHBOURS;
        st = xap_search(db, in_area, &opts, &res);
        for (unsigned k = 0; st == SECSTD_OK && k < xap_results_count(res); k++) {
            double sim = xap_results_weight(res, k) / selfw;
            if (sim < SECSTD_OVERLAP_FLOOR)
                break;
            unsigned od = xap_results_docid(res, k);
            const unsigned *hit = bsearch(&od, area_docids, narea, sizeof od, docid_cmp);
            /* An ETSI transposition of another 3GPP spec is 3GPP's own work
             * republished, not a second body working on the subject: no
             * similarity edge between a body and the other body's copies
             * of its texts. */
            size_t other = hit ? area_nodes[hit - area_docids] : (size_t)-1;
            if (other != (size_t)-1 && (twin_of(g, self, other) || twin_of(g, other, self)))
                continue;
            if (hit && add_edge(g, self, area_nodes[hit - area_docids], "similar", sim) != 0)
                st = SECSTD_ERR_NOMEM;
        }
        xap_results_free(res);
    }
    xap_query_free(q);
    xap_query_free(selfq);
    xap_query_free(sdoq);
    xap_query_free(areaq);
    xap_query_free(only_self);
    xap_query_free(others);
    xap_query_free(in_area);
    return st;
}

static int pair_cmp(const void *va, const void *vb)
{
    const edge *a = va, *b = vb;
    size_t a1 = a->a < a->b ? a->a : a->b, a2 = a->a < a->b ? a->b : a->a;
    size_t b1 = b->a < b->b ? b->a : b->b, b2 = b->a < b->b ? b->b : b->a;
    if (a1 != b1)
        return a1 < b1 ? -1 : 1;
    if (a2 != b2)
        return a2 < b2 ? -1 : 1;
    return strcmp(a->kind, b->kind);
}

/* Similarity relative to oneself is asymmetric (a short title-only
 * record finds a long one "similar" on two words; a long abstract finds
 * nothing near itself): keep a similarity edge only when each standard is
 * among the other's nearest (mutual nearest neighbours, which also stops
 * chains of loosely related texts), scored by the geometric mean of the
 * two directions. */
static void mutualise(graph *g)
{
    qsort(g->edges, g->nedges, sizeof *g->edges, pair_cmp);
    size_t out = 0;
    for (size_t e = 0; e < g->nedges; e++) {
        edge cur = g->edges[e];
        int similar = strcmp(cur.kind, "similar") == 0;
        if (!similar) {
            g->edges[out++] = cur;
            continue;
        }
        if (e + 1 < g->nedges && pair_cmp(&cur, &g->edges[e + 1]) == 0 && cur.a != g->edges[e + 1].a) {
            cur.score = sqrt(cur.score * g->edges[e + 1].score);
            if (cur.score >= SECSTD_OVERLAP_THRESHOLD)
                g->edges[out++] = cur;
            e++;
        }
    }
    g->nedges = out;
}

static int edge_cmp(const void *va, const void *vb)
{
    const edge *a = va, *b = vb;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    return a->b < b->b ? -1 : a->b > b->b;
}

/* Joins the edges strongest first; stated links always, similarity links
 * only while the merged cluster stays within SECSTD_OVERLAP_MAX_CLUSTER. */
static void join(graph *g)
{
    mutualise(g);
    qsort(g->edges, g->nedges, sizeof *g->edges, edge_cmp);
    for (size_t e = 0; e < g->nedges; e++) {
        size_t ra = find(g, g->edges[e].a), rb = find(g, g->edges[e].b);
        if (ra == rb)
            continue;
        int stated = strcmp(g->edges[e].kind, "similar") != 0;
        if (!stated && g->nodes[ra].size + g->nodes[rb].size > SECSTD_OVERLAP_MAX_CLUSTER)
            continue;
        if (g->nodes[ra].size < g->nodes[rb].size) {
            size_t t = ra;
            ra = rb;
            rb = t;
        }
        g->nodes[rb].parent = ra;
        g->nodes[ra].size += g->nodes[rb].size;
        g->nodes[ra].stated |= g->nodes[rb].stated | stated;
    }
}

static double member_score(const json_t *m)
{
    return json_real_value(json_object_get(m, "score"));
}

static int cluster_cmp(const void *va, const void *vb)
{
    const json_t *a = *(json_t *const *)va, *b = *(json_t *const *)vb;
    size_t na = json_array_size(json_object_get(a, "sdos")), nb = json_array_size(json_object_get(b, "sdos"));
    if (na != nb)
        return na > nb ? -1 : 1;
    size_t ma = json_array_size(json_object_get(a, "members")),
           mb = json_array_size(json_object_get(b, "members"));
    if (ma != mb)
        return ma > mb ? -1 : 1;
    double sa = json_real_value(json_object_get(a, "strength")),
           sb = json_real_value(json_object_get(b, "strength"));
    if (sa != sb)
        return sa > sb ? -1 : 1;
    return strcmp(json_string_value(json_object_get(a, "label")),
                  json_string_value(json_object_get(b, "label")));
}

static int member_cmp(const void *va, const void *vb)
{
    const json_t *a = *(json_t *const *)va, *b = *(json_t *const *)vb;
    int c = strcmp(json_string_value(json_object_get(a, "sdo")), json_string_value(json_object_get(b, "sdo")));
    return c ? c : strcmp(json_string_value(json_object_get(a, "id")), json_string_value(json_object_get(b, "id")));
}

/* The clusters of the joined graph as JSON, sorted, with labels. */
static secstd_status emit(graph *g, json_t *clusters)
{
    xap_db *db = secstd_index_db(g->idx);
    size_t *roots = calloc(g->nnodes ? g->nnodes : 1, sizeof *roots);
    if (!roots)
        return SECSTD_ERR_NOMEM;
    for (size_t i = 0; i < g->nnodes; i++)
        roots[i] = find(g, i);
    /* Each member's strongest link inside its cluster, and all its links. */
    for (size_t e = 0; e < g->nedges; e++) {
        const edge *ed = &g->edges[e];
        if (roots[ed->a] != roots[ed->b])
            continue;
        for (int side = 0; side < 2; side++) {
            size_t me = side ? ed->b : ed->a, other = side ? ed->a : ed->b;
            json_t *m = g->nodes[me].member;
            json_t *links = json_object_get(m, "links");
            if (!links) {
                links = json_array();
                json_object_set_new(m, "links", links);
            }
            const char *kind = ed->kind;
            if (side && strcmp(kind, "similar") != 0) {
                const secstd_relation_kind *k = secstd_relation_kind_lookup(kind);
                const secstd_relation_kind *inv = k ? secstd_relation_kind_lookup(k->inverse) : NULL;
                kind = inv ? inv->name : kind;
            }
            json_array_append_new(links, json_pack("{s:O,s:s,s:f}", "id",
                                                   json_object_get(g->nodes[other].member, "id"),
                                                   "kind", kind, "score", ed->score));
            if (!json_object_get(m, "relation") || ed->score > member_score(m)) {
                json_object_set_new(m, "relation", json_string(kind));
                json_object_set_new(m, "score", json_real(ed->score));
            }
        }
    }
    secstd_status st = SECSTD_OK;
    for (size_t r = 0; r < g->nnodes && st == SECSTD_OK; r++) {
        if (roots[r] != r || g->nodes[r].size < 2)
            continue;
        json_t *members = json_array(), *sdos = json_array(), *seen = json_object();
        unsigned *docids = calloc(g->nodes[r].size, sizeof *docids);
        size_t nd = 0;
        double strength = 0;
        if (!members || !sdos || !seen || !docids) {
            json_decref(members);
            json_decref(sdos);
            json_decref(seen);
            free(docids);
            st = SECSTD_ERR_NOMEM;
            break;
        }
        for (size_t i = 0; i < g->nnodes; i++) {
            if (roots[i] != r)
                continue;
            json_t *m = g->nodes[i].member;
            json_array_append(members, m);
            const char *sdo = json_string_value(json_object_get(m, "sdo"));
            if (sdo && !json_object_get(seen, sdo)) {
                json_object_set_new(seen, sdo, json_true());
                json_array_append_new(sdos, json_string(sdo));
            }
            if (g->nodes[i].docid && nd < g->nodes[r].size)
                docids[nd++] = g->nodes[i].docid;
            if (member_score(m) > strength)
                strength = member_score(m);
        }
        json_decref(seen);
        if (json_array_size(sdos) < 2) {
            json_decref(members);
            json_decref(sdos);
            free(docids);
            continue;
        }
        /* Members sorted by body then id: jansson arrays have no sort, so
         * copy out, sort, rebuild. */
        size_t nm = json_array_size(members);
        json_t **list = calloc(nm, sizeof *list);
        if (list) {
            for (size_t i = 0; i < nm; i++)
                list[i] = json_incref(json_array_get(members, i));
            qsort(list, nm, sizeof *list, member_cmp);
            json_array_clear(members);
            for (size_t i = 0; i < nm; i++)
                json_array_append_new(members, list[i]);
            free(list);
        }
        /* The label: what the members' texts have in common, as the
         * relevance-set expansion of all of them together. */
        json_t *terms = json_array();
        char **words = NULL;
        size_t nwords = 0;
        if (nd && xap_expand(db, docids, nd, LABEL_TERMS, &words, &nwords) == SECSTD_OK)
            for (size_t w = 0; w < nwords; w++)
                json_array_append_new(terms, json_string(words[w]));
        xap_strings_free(words, nwords);
        free(docids);
        char label[256] = "";
        size_t len = 0;
        size_t w;
        json_t *t;
        json_array_foreach(terms, w, t) {
            int n = snprintf(label + len, sizeof label - len, "%s%s", len ? " " : "", json_string_value(t));
            if (n < 0 || (size_t)n >= sizeof label - len)
                break;
            len += (size_t)n;
        }
        if (!len)
            snprintf(label, sizeof label, "%s", json_string_value(json_object_get(json_array_get(members, 0), "title")));
        json_array_append_new(clusters, json_pack("{s:s,s:o,s:o,s:b,s:f,s:o}", "label", label, "terms", terms,
                                                  "sdos", sdos, "stated", g->nodes[r].stated,
                                                  "strength", strength, "members", members));
    }
    free(roots);
    return st;
}

secstd_status secstd_index_overlap(secstd_index *idx, const char *area, unsigned limit, json_t **out)
{
    *out = NULL;
    const secstd_area *a = area ? secstd_area_lookup(area) : NULL;
    if (!a)
        return SECSTD_ERR_NOT_FOUND;
    if (limit == 0)
        limit = 50;
    if (limit > 1000)
        limit = 1000;
    xap_db *db = secstd_index_db(idx);
    char areaterm[XAP_MAX_TERM + 1];
    secstd_term(SECSTD_FIELD_AREA, a->id, areaterm, sizeof areaterm);

    struct collect_ctx c = {NULL, 0, 0, 0};
    secstd_status st = xap_db_postings(db, areaterm, collect_docid, &c);
    if (st == SECSTD_OK && c.failed)
        st = SECSTD_ERR_NOMEM;
    graph g = {idx, NULL, 0, 0, NULL, 0, 0, json_object()};
    size_t *area_nodes = calloc(c.n ? c.n : 1, sizeof *area_nodes);
    if (!g.by_id || !area_nodes)
        st = SECSTD_ERR_NOMEM;
    /* Postings come in docid order, so the docid list is sorted for
     * bsearch. The area's own standards are nodes first: their result-list
     * fields (member_from) are in the head of the stored data. */
    for (size_t i = 0; i < c.n && st == SECSTD_OK; i++) {
        char *data = NULL;
        size_t len = 0;
        st = xap_db_get_head(db, c.docids[i], &data, &len);
        if (st != SECSTD_OK)
            break;
        json_t *rec = secstd_record_decode(data, len, SECSTD_DECODE_HIT);
        free(data);
        const char *id = json_string_value(json_object_get(rec, "id"));
        if (!id) {
            json_decref(rec);
            area_nodes[i] = (size_t)-1;
            continue;
        }
        area_nodes[i] = node_of(&g, id, member_from(rec, 1), c.docids[i]);
        json_decref(rec);
        if (area_nodes[i] == (size_t)-1)
            st = SECSTD_ERR_NOMEM;
    }
    /* All stated links first: the similarity pass needs every node's
     * same-text partners. */
    for (size_t i = 0; i < c.n && st == SECSTD_OK; i++) {
        if (area_nodes[i] == (size_t)-1)
            continue;
        const json_t *m = g.nodes[area_nodes[i]].member;
        st = add_stated(&g, area_nodes[i], json_string_value(json_object_get(m, "id")),
                        json_string_value(json_object_get(m, "sdo")));
    }
    for (size_t i = 0; i < c.n && st == SECSTD_OK; i++)
        if (area_nodes[i] != (size_t)-1)
            st = add_similar(&g, area_nodes[i], areaterm, c.docids, area_nodes, c.n);
    json_t *clusters = json_array();
    if (st == SECSTD_OK) {
        join(&g);
        st = emit(&g, clusters);
    }
    if (st == SECSTD_OK) {
        size_t n = json_array_size(clusters);
        json_t **list = calloc(n ? n : 1, sizeof *list);
        if (!list) {
            st = SECSTD_ERR_NOMEM;
        } else {
            for (size_t i = 0; i < n; i++)
                list[i] = json_incref(json_array_get(clusters, i));
            qsort(list, n, sizeof *list, cluster_cmp);
            json_t *sorted = json_array();
            for (size_t i = 0; i < n; i++) {
                json_object_del(list[i], "strength");
                if (i < limit)
                    json_array_append(sorted, list[i]);
                json_decref(list[i]);
            }
            free(list);
            *out = json_pack("{s:s,s:s,s:i,s:i,s:{s:s,s:i,s:f,s:i},s:o}", "area", a->id, "label",
                             a->label, "standards", (int)c.n, "clusters_total", (int)n, "method",
                             "similarity", "xapian relevance-set expansion (free-text terms), weight relative to self",
                             "neighbours", SECSTD_OVERLAP_NEIGHBOURS, "threshold",
                             SECSTD_OVERLAP_THRESHOLD, "max_cluster", SECSTD_OVERLAP_MAX_CLUSTER,
                             "clusters", sorted);
            if (!*out)
                st = SECSTD_ERR_NOMEM;
        }
    }
    json_decref(clusters);
    for (size_t i = 0; i < g.nnodes; i++) {
        json_decref(g.nodes[i].member);
        json_decref(g.nodes[i].twin_sdos);
    }
    free(g.nodes);
    free(g.edges);
    json_decref(g.by_id);
    free(area_nodes);
    free(c.docids);
    return st;
}
