/* cmd_eval.c — `secstd eval`: the evaluation harness of docs/EVALUATION.md.
 *
 * Relation recovery: the relations the listings state (identical texts,
 * transpositions, adoptions, supersessions, updates) are the ground truth.
 * For every stated pair (A, B) with both standards in the index, B should
 * be among the 10 standards most similar to A when the similarity is
 * computed without them: secstd_index_similar_flags with
 * SECSTD_SIMILAR_NO_STATED (the stated-relations-first shortcut off; the
 * expansion itself only ever uses free-text terms, never relation or
 * identifier terms). Recall@k is reported per relation kind, both in the
 * order users see (other bodies first) and with every body ranked together,
 * plus a sample of the best-scored cross-body pairs no listing relates, for
 * a human to judge.
 *
 * Area classifier: a hand-labelled file (id TAB area,area...) against the
 * areas the index assigned; precision, recall and F1 per area, micro and
 * macro averages.
 *
 * --min-recall and --min-f1 turn it into a regression test (exit 1 when a
 * figure falls below). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "docmap.h"
#include "index.h"
#include "record.h"
#include "schema.h"

#define MAX_PAIRS 200000

typedef struct pair {
    unsigned a, b;      /* docids */
    size_t kind;        /* index into the relation kinds */
} pair;

struct pairs_ctx {
    xap_db *db;
    pair *list;
    size_t n, cap;
    size_t kind;
    unsigned target;
    int failed;
};

static int take_first(void *ctx, unsigned docid)
{
    *(unsigned *)ctx = docid;
    return 1;
}

/* docid of the standard an identifier key names (id term, then any
 * identifier term), as secstd_index_get resolves it; 0 if none. */
static unsigned docid_of_key(xap_db *db, const char *key)
{
    char term[XAP_MAX_TERM + 1];
    unsigned docid = 0;
    xap_db_postings(db, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term), take_first, &docid);
    if (!docid)
        xap_db_postings(db, secstd_term(SECSTD_FIELD_IDENT, key, term, sizeof term), take_first, &docid);
    return docid;
}

static int add_pair(void *vctx, unsigned docid)
{
    struct pairs_ctx *c = vctx;
    if (docid == c->target)
        return 0; /* a relation naming the record itself (an alias twin) */
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 1024;
        if (cap > MAX_PAIRS)
            return 1;
        pair *p = realloc(c->list, cap * sizeof *p);
        if (!p) {
            c->failed = 1;
            return 1;
        }
        c->list = p;
        c->cap = cap;
    }
    c->list[c->n++] = (pair){docid, c->target, c->kind};
    return 0;
}

/* For every relation term "kind:key": the documents stating it, paired with
 * the document the key names. */
static int each_relation_term(void *vctx, const char *term, unsigned freq)
{
    (void)freq;
    struct pairs_ctx *c = vctx;
    const char *prefix = secstd_field_get(SECSTD_FIELD_RELATION)->prefix;
    const char *value = term + strlen(prefix);
    const char *colon = strchr(value, ':');
    if (!colon)
        return 0;
    char kind[32];
    size_t klen = (size_t)(colon - value);
    if (klen >= sizeof kind)
        return 0;
    memcpy(kind, value, klen);
    kind[klen] = '\0';
    const secstd_relation_kind *k = secstd_relation_kind_lookup(kind);
    if (!k)
        return 0;
    for (size_t i = 0; i < secstd_relation_kind_count(); i++)
        if (secstd_relation_kind_at(i) == k)
            c->kind = i;
    c->target = docid_of_key(c->db, colon + 1);
    if (!c->target)
        return 0;
    xap_db_postings(c->db, term, add_pair, c);
    return c->failed;
}

static int pair_cmp(const void *va, const void *vb)
{
    const pair *a = va, *b = vb;
    if (a->a != b->a)
        return a->a < b->a ? -1 : 1;
    if (a->b != b->b)
        return a->b < b->b ? -1 : 1;
    return a->kind < b->kind ? -1 : a->kind > b->kind;
}

static json_t *load(xap_db *db, unsigned docid)
{
    char *data = NULL;
    size_t len = 0;
    if (xap_db_get_data(db, docid, &data, &len) != SECSTD_OK)
        return NULL;
    json_t *rec = secstd_record_decode(data, len, 0);
    free(data);
    return rec;
}

/* 1-based rank of id among results, 0 if absent. */
static size_t rank_of(const json_t *sim, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(sim, "results"), i, r) {
        const char *rid = json_string_value(json_object_get(r, "id"));
        if (rid && strcmp(rid, id) == 0)
            return i + 1;
    }
    return 0;
}

static double ratio(size_t a, size_t b) { return b ? (double)a / (double)b : 0.0; }

/* Relation recovery; returns the report object (NULL on failure). */
static json_t *eval_relations(secstd_index *idx, unsigned k, unsigned sample, double *overall)
{
    xap_db *db = secstd_index_db(idx);
    struct pairs_ctx c = {db, NULL, 0, 0, 0, 0, 0};
    if (xap_db_terms(db, secstd_field_get(SECSTD_FIELD_RELATION)->prefix, each_relation_term, &c) !=
            SECSTD_OK ||
        c.failed) {
        free(c.list);
        return NULL;
    }
    qsort(c.list, c.n, sizeof *c.list, pair_cmp);
    size_t nkinds = secstd_relation_kind_count();
    size_t *total = calloc(nkinds, sizeof *total), *shown = calloc(nkinds, sizeof *shown),
           *pooled = calloc(nkinds, sizeof *pooled), *cross = calloc(nkinds, sizeof *cross);
    json_t *stated = json_object(), *candidates = json_array();
    for (size_t i = 0; i < c.n; i++) {
        char key[32];
        snprintf(key, sizeof key, "%u|%u", c.list[i].a, c.list[i].b);
        json_object_set_new(stated, key, json_true());
        snprintf(key, sizeof key, "%u|%u", c.list[i].b, c.list[i].a);
        json_object_set_new(stated, key, json_true());
    }
    size_t all_total = 0, all_pooled = 0, all_shown = 0;
    for (size_t i = 0; i < c.n;) {
        /* All pairs of one standard A share its two similarity lists. */
        unsigned a = c.list[i].a;
        json_t *arec = load(db, a);
        const char *aid = json_string_value(json_object_get(arec, "id"));
        const char *asdo = json_string_value(json_object_get(arec, "sdo"));
        json_t *as_shown = NULL, *one_pass = NULL;
        if (aid) {
            secstd_index_similar_flags(idx, aid, k, SECSTD_SIMILAR_NO_STATED, &as_shown);
            secstd_index_similar_flags(idx, aid, k, SECSTD_SIMILAR_NO_STATED | SECSTD_SIMILAR_ONE_PASS,
                                       &one_pass);
        }
        for (; i < c.n && c.list[i].a == a; i++) {
            if (i > 0 && pair_cmp(&c.list[i], &c.list[i - 1]) == 0)
                continue;
            json_t *brec = load(db, c.list[i].b);
            const char *bid = json_string_value(json_object_get(brec, "id"));
            const char *bsdo = json_string_value(json_object_get(brec, "sdo"));
            if (aid && bid && strcmp(aid, bid) != 0) {
                size_t kd = c.list[i].kind;
                total[kd]++;
                all_total++;
                if (asdo && bsdo && strcmp(asdo, bsdo) != 0)
                    cross[kd]++;
                if (as_shown && rank_of(as_shown, bid)) {
                    shown[kd]++;
                    all_shown++;
                }
                if (one_pass && rank_of(one_pass, bid)) {
                    pooled[kd]++;
                    all_pooled++;
                }
            }
            json_decref(brec);
        }
        /* The best unrelated neighbour of another body, for review. */
        size_t j;
        json_t *r;
        json_array_foreach(json_object_get(as_shown, "results"), j, r) {
            const char *rsdo = json_string_value(json_object_get(r, "sdo"));
            if (!rsdo || !asdo || strcmp(rsdo, asdo) == 0)
                break;
            char bkey[512];
            secstd_ident_value(json_string_value(json_object_get(r, "id")), rsdo, bkey, sizeof bkey);
            unsigned b = docid_of_key(db, bkey);
            char key[32];
            snprintf(key, sizeof key, "%u|%u", a, b);
            if (b && !json_object_get(stated, key))
                json_array_append_new(candidates,
                                      json_pack("{s:s,s:s,s:O,s:O,s:O,s:O,s:O}", "a", aid, "a_title",
                                                json_string_value(json_object_get(arec, "title")) ?
                                                json_string_value(json_object_get(arec, "title")) : "",
                                                "b", json_object_get(r, "id"), "b_title",
                                                json_object_get(r, "title"), "similarity",
                                                json_object_get(r, "similarity"), "score",
                                                json_object_get(r, "score"), "shared_terms",
                                                json_object_get(r, "shared_terms")));
            break;
        }
        json_decref(as_shown);
        json_decref(one_pass);
        json_decref(arec);
    }
    json_t *kinds = json_array();
    for (size_t kd = 0; kd < nkinds; kd++) {
        if (!total[kd])
            continue;
        json_array_append_new(kinds, json_pack("{s:s,s:i,s:i,s:f,s:f}", "kind",
                                               secstd_relation_kind_at(kd)->name, "pairs",
                                               (int)total[kd], "cross_body", (int)cross[kd],
                                               "recall_as_shown", ratio(shown[kd], total[kd]),
                                               "recall_all_bodies", ratio(pooled[kd], total[kd])));
    }
    /* Highest similarity first: the pairs most likely to be missing links
     * (or the similarity's worst mistakes). */
    size_t nc = json_array_size(candidates);
    for (size_t x = 1; x < nc; x++)
        for (size_t y = x; y > 0; y--) {
            json_t *p = json_array_get(candidates, y - 1), *q = json_array_get(candidates, y);
            if (json_real_value(json_object_get(p, "similarity")) >=
                json_real_value(json_object_get(q, "similarity")))
                break;
            json_incref(p);
            json_array_set(candidates, y - 1, q);
            json_array_set_new(candidates, y, p);
        }
    /* Similarity relative to oneself flatters short, title-only records;
     * keep the pairs that are mutual (A among B's nearest of other bodies
     * too) and rank them by the geometric mean of both ways, as the
     * overlap clusters do. */
    json_t *mutual = json_array();
    for (size_t x = 0; x < json_array_size(candidates) && x < 50 * (size_t)sample + 50 &&
                       json_array_size(mutual) < sample; x++) {
        json_t *cand = json_array_get(candidates, x);
        json_t *back = NULL;
        if (secstd_index_similar_flags(idx, json_string_value(json_object_get(cand, "b")), k,
                                       SECSTD_SIMILAR_NO_STATED | SECSTD_SIMILAR_OTHER_SDOS, &back) != SECSTD_OK)
            continue;
        size_t rk = rank_of(back, json_string_value(json_object_get(cand, "a")));
        if (rk) {
            json_t *r = json_array_get(json_object_get(back, "results"), rk - 1);
            double both = json_real_value(json_object_get(cand, "similarity")) *
                          json_real_value(json_object_get(r, "similarity"));
            json_object_set_new(cand, "similarity", json_real(both > 0 ? sqrt(both) : 0));
            json_array_append(mutual, cand);
        }
        json_decref(back);
    }
    json_decref(candidates);
    candidates = mutual;
    nc = json_array_size(candidates);
    for (size_t x = 1; x < nc; x++)
        for (size_t y = x; y > 0; y--) {
            json_t *p = json_array_get(candidates, y - 1), *q = json_array_get(candidates, y);
            if (json_real_value(json_object_get(p, "similarity")) >=
                json_real_value(json_object_get(q, "similarity")))
                break;
            json_incref(p);
            json_array_set(candidates, y - 1, q);
            json_array_set_new(candidates, y, p);
        }
    *overall = ratio(all_pooled, all_total);
    json_t *out = json_pack("{s:i,s:i,s:f,s:f,s:o,s:o}", "k", (int)k, "pairs", (int)all_total,
                            "recall_as_shown", ratio(all_shown, all_total), "recall_all_bodies",
                            *overall, "kinds", kinds, "unstated_sample", candidates);
    free(total);
    free(shown);
    free(pooled);
    free(cross);
    free(c.list);
    json_decref(stated);
    return out;
}

/* Adds each comma-separated area of list to set (an object). */
static void area_set(json_t *set, const char *list)
{
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ", \t\r\n");
        if (n > 0 && n < 64) {
            char area[64];
            memcpy(area, p, n);
            area[n] = '\0';
            json_object_set_new(set, area, json_true());
        }
        p += n;
        p += strspn(p, ", \t\r\n");
    }
}

/* Classifier evaluation against the labelled file; NULL if unreadable. */
static json_t *eval_areas(secstd_index *idx, const char *labels, double *micro_f1, char *err, size_t errlen)
{
    FILE *f = fopen(labels, "r");
    if (!f) {
        snprintf(err, errlen, "%s: cannot open", labels);
        return NULL;
    }
    size_t nareas = secstd_area_count();
    size_t *tp = calloc(nareas, sizeof *tp), *fp = calloc(nareas, sizeof *fp), *fn = calloc(nareas, sizeof *fn);
    json_t *missing = json_array(), *errors = json_array();
    size_t labelled = 0, exact = 0;
    char line[2048];
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *tab = strchr(line, '\t');
        if (!tab)
            continue;
        *tab = '\0';
        char *notes = strchr(tab + 1, '\t');
        if (notes)
            *notes = '\0';
        json_t *rec = NULL;
        if (secstd_index_get(idx, line, &rec) != SECSTD_OK) {
            json_array_append_new(missing, json_string(line));
            continue;
        }
        labelled++;
        json_t *gold = json_object(), *pred = json_object();
        area_set(gold, tab + 1);
        size_t i;
        json_t *v;
        json_array_foreach(json_object_get(rec, "areas"), i, v) json_object_set_new(pred, json_string_value(v), json_true());
        int same = 1;
        for (size_t a = 0; a < nareas; a++) {
            const char *id = secstd_area_at(a)->id;
            int g = json_object_get(gold, id) != NULL, p = json_object_get(pred, id) != NULL;
            tp[a] += g && p;
            fp[a] += !g && p;
            fn[a] += g && !p;
            same &= g == p;
        }
        exact += same;
        if (!same) {
            json_t *gl = json_array(), *pl = json_array();
            const char *key;
            json_object_foreach(gold, key, v) json_array_append_new(gl, json_string(key));
            json_object_foreach(pred, key, v) json_array_append_new(pl, json_string(key));
            json_array_append_new(errors, json_pack("{s:s,s:O,s:o,s:o}", "id", line, "title",
                                                    json_object_get(rec, "title"), "labelled", gl,
                                                    "assigned", pl));
        }
        json_decref(gold);
        json_decref(pred);
        json_decref(rec);
    }
    fclose(f);
    json_t *per = json_array();
    size_t stp = 0, sfp = 0, sfn = 0, nmacro = 0;
    double mp = 0, mr = 0, mf = 0;
    for (size_t a = 0; a < nareas; a++) {
        stp += tp[a];
        sfp += fp[a];
        sfn += fn[a];
        if (!tp[a] && !fp[a] && !fn[a])
            continue;
        double p = ratio(tp[a], tp[a] + fp[a]), r = ratio(tp[a], tp[a] + fn[a]);
        double f1 = p + r > 0 ? 2 * p * r / (p + r) : 0;
        if (tp[a] + fn[a] > 0) { /* macro over areas with labelled examples */
            mp += p;
            mr += r;
            mf += f1;
            nmacro++;
        }
        json_array_append_new(per, json_pack("{s:s,s:i,s:i,s:i,s:f,s:f,s:f}", "area", secstd_area_at(a)->id,
                                             "tp", (int)tp[a], "fp", (int)fp[a], "fn", (int)fn[a],
                                             "precision", p, "recall", r, "f1", f1));
    }
    double P = ratio(stp, stp + sfp), R = ratio(stp, stp + sfn);
    *micro_f1 = P + R > 0 ? 2 * P * R / (P + R) : 0;
    json_t *out = json_pack("{s:i,s:i,s:{s:f,s:f,s:f},s:{s:f,s:f,s:f},s:o,s:o,s:o}", "standards",
                            (int)labelled, "exact_match", (int)exact, "micro", "precision", P, "recall", R,
                            "f1", *micro_f1, "macro", "precision", nmacro ? mp / (double)nmacro : 0.0,
                            "recall", nmacro ? mr / (double)nmacro : 0.0, "f1",
                            nmacro ? mf / (double)nmacro : 0.0, "areas", per, "missing", missing,
                            "errors", errors);
    free(tp);
    free(fp);
    free(fn);
    return out;
}

static void print_text(const json_t *rel, const json_t *areas)
{
    size_t i;
    json_t *v;
    if (rel) {
        printf("Relation recovery: is the stated partner among the %lld most similar standards\n"
               "(similarity without stated relations)?\n\n",
               (long long)json_integer_value(json_object_get(rel, "k")));
        printf("%-14s %7s %7s %10s %12s\n", "KIND", "PAIRS", "X-BODY", "AS-SHOWN", "ALL-BODIES");
        json_array_foreach(json_object_get(rel, "kinds"), i, v)
            printf("%-14s %7lld %7lld %9.1f%% %11.1f%%\n", json_string_value(json_object_get(v, "kind")),
                   (long long)json_integer_value(json_object_get(v, "pairs")),
                   (long long)json_integer_value(json_object_get(v, "cross_body")),
                   100 * json_real_value(json_object_get(v, "recall_as_shown")),
                   100 * json_real_value(json_object_get(v, "recall_all_bodies")));
        printf("%-14s %7lld %7s %9.1f%% %11.1f%%\n\n", "all", (long long)json_integer_value(json_object_get(rel, "pairs")),
               "", 100 * json_real_value(json_object_get(rel, "recall_as_shown")),
               100 * json_real_value(json_object_get(rel, "recall_all_bodies")));
        printf("Most similar cross-body pairs no listing relates (for review):\n");
        json_array_foreach(json_object_get(rel, "unstated_sample"), i, v)
            printf("  %.2f  %s  ~  %s\n        %.70s\n        %.70s\n",
                   json_real_value(json_object_get(v, "similarity")), json_string_value(json_object_get(v, "a")),
                   json_string_value(json_object_get(v, "b")), json_string_value(json_object_get(v, "a_title")),
                   json_string_value(json_object_get(v, "b_title")));
        printf("\n");
    }
    if (areas) {
        const json_t *mi = json_object_get(areas, "micro"), *ma = json_object_get(areas, "macro");
        printf("Area classifier on %lld hand-labelled standards (%lld exactly right):\n\n",
               (long long)json_integer_value(json_object_get(areas, "standards")),
               (long long)json_integer_value(json_object_get(areas, "exact_match")));
        printf("%-20s %4s %4s %4s %6s %6s %6s\n", "AREA", "TP", "FP", "FN", "P", "R", "F1");
        json_array_foreach(json_object_get(areas, "areas"), i, v)
            printf("%-20s %4lld %4lld %4lld %6.2f %6.2f %6.2f\n", json_string_value(json_object_get(v, "area")),
                   (long long)json_integer_value(json_object_get(v, "tp")),
                   (long long)json_integer_value(json_object_get(v, "fp")),
                   (long long)json_integer_value(json_object_get(v, "fn")),
                   json_real_value(json_object_get(v, "precision")), json_real_value(json_object_get(v, "recall")),
                   json_real_value(json_object_get(v, "f1")));
        printf("%-20s %14s %6.2f %6.2f %6.2f\n", "micro", "", json_real_value(json_object_get(mi, "precision")),
               json_real_value(json_object_get(mi, "recall")), json_real_value(json_object_get(mi, "f1")));
        printf("%-20s %14s %6.2f %6.2f %6.2f\n", "macro", "", json_real_value(json_object_get(ma, "precision")),
               json_real_value(json_object_get(ma, "recall")), json_real_value(json_object_get(ma, "f1")));
        if (json_array_size(json_object_get(areas, "missing"))) {
            printf("\nlabelled but not in the index:");
            json_array_foreach(json_object_get(areas, "missing"), i, v) printf(" \"%s\"", json_string_value(v));
            printf("\n");
        }
    }
}

int cmd_eval(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"labels", required_argument, NULL, 'L'},     {"sample", required_argument, NULL, 's'},
        {"min-recall", required_argument, NULL, 'r'}, {"min-f1", required_argument, NULL, 'f'},
        {"no-relations", no_argument, NULL, 'n'},     {"json", no_argument, NULL, 'j'},
        {"data", required_argument, NULL, 'd'},       {"index", required_argument, NULL, 'i'},
        {"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *index = NULL, *labels = NULL;
    unsigned long sample = 20;
    double min_recall = -1, min_f1 = -1;
    int json = 0, relations = 1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "L:s:r:f:njd:i:h", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'L': labels = optarg; break;
        case 'd': data = optarg; break;
        case 'i': index = optarg; break;
        case 'j': json = 1; break;
        case 'n': relations = 0; break;
        case 's':
            sample = strtoul(optarg, &end, 10);
            if (*end || sample > 1000) {
                fprintf(stderr, "secstd eval: --sample must be 0..1000\n");
                return 2;
            }
            break;
        case 'r':
        case 'f': {
            double v = strtod(optarg, &end);
            if (*end || v < 0 || v > 1) {
                fprintf(stderr, "secstd eval: --min-recall/--min-f1 take a fraction 0..1\n");
                return 2;
            }
            *(c == 'r' ? &min_recall : &min_f1) = v;
            break;
        }
        case 'h':
            printf("usage: secstd eval [--labels FILE] [--no-relations] [--sample N] [--json]\n"
                   "                   [--min-recall R] [--min-f1 F] [--data DIR] [--index DIR]\n\n"
                   "Relation recovery: for every stated relation (A, B) in the index, is B among\n"
                   "the 10 standards most similar to A when stated relations are hidden? Recall@10\n"
                   "per relation kind, in the order users see (other bodies first) and with all\n"
                   "bodies ranked together; and the most similar unrelated cross-body pairs\n"
                   "(--sample N, default 20) for review.\n"
                   "With --labels FILE (lines \"id<TAB>area,area\"; tests/fixtures/areas-labelled.tsv):\n"
                   "the area classifier's precision, recall and F1 per area, micro and macro.\n\n"
                   "Exit status: 0, 1 if recall@10 (all bodies) < R or classifier micro-F1 < F,\n"
                   "2 on error.\n");
            return 0;
        default: return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "secstd eval: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    char ibuf[4096], err[512] = "";
    const char *dir = index ? index : cli_data_path(cli_data_dir(data), "index", ibuf, sizeof ibuf);
    secstd_index *idx = NULL;
    secstd_status st = secstd_index_open(dir, &idx, err, sizeof err);
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd eval: %s\n", *err ? err : secstd_status_to_string(st));
        return 2;
    }
    double recall = 0, f1 = 0;
    json_t *rel = relations ? eval_relations(idx, 10, (unsigned)sample, &recall) : NULL;
    json_t *areas = labels ? eval_areas(idx, labels, &f1, err, sizeof err) : NULL;
    secstd_index_free(idx);
    if ((relations && !rel) || (labels && !areas)) {
        fprintf(stderr, "secstd eval: %s\n", *err ? err : "evaluation failed");
        json_decref(rel);
        json_decref(areas);
        return 2;
    }
    if (json) {
        json_t *all = json_object();
        if (rel)
            json_object_set(all, "relations", rel);
        if (areas)
            json_object_set(all, "areas", areas);
        char *s = json_dumps(all, JSON_INDENT(2));
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(all);
    } else {
        print_text(rel, areas);
    }
    int rc = 0;
    if (rel && min_recall >= 0 && recall < min_recall) {
        fprintf(stderr, "secstd eval: recall@10 %.3f below %.3f\n", recall, min_recall);
        rc = 1;
    }
    if (areas && min_f1 >= 0 && f1 < min_f1) {
        fprintf(stderr, "secstd eval: classifier micro-F1 %.3f below %.3f\n", f1, min_f1);
        rc = 1;
    }
    json_decref(rel);
    json_decref(areas);
    return rc;
}
