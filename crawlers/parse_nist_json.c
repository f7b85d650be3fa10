/* parse_nist_json.c — NIST CSRC's publications export (pubs-export.json,
 * the "metanorma" feed: a JSON array, one object per publication
 * iteration) into one record per NIST publication.
 *
 * The export lists every iteration separately: initial/second public
 * drafts ("ipd", "2pd", ...), the final, and updates of the final, and
 * revisions ("SP 800-53 Rev. 5") under their own docidentifier. A record
 * is one publication, without edition: the docidentifier minus its
 * edition marker (" Rev. N", " Version N", " Revision (r)", " EN") is the
 * base ("NIST SP 800-53"); volumes and parts stay separate documents.
 *   - Finals are added first; the collector keeps the newest as the
 *     record and lists the others under "editions".
 *   - Supplements (uri .../sup/final, "[Supplement 1] ..."), which the
 *     export lists under the publication's own docidentifier, attach to
 *     it as editions ("Supplement 1") like drafts: as finals they would
 *     stand for the publication.
 *   - Drafts then attach to their base as editions (status
 *     "in-development" while open for comment, else "withdrawn"). A draft
 *     without any final becomes the record itself, "in-development" if
 *     active ("a revision in progress"), "withdrawn" if abandoned.
 * Status of a final: substage "active" -> published; "withdrawn" with a
 * superseded-by -> superseded; "withdrawn"/"retired" otherwise ->
 * withdrawn. supersedes/superseded-by become relations between bases
 * (a link from a revision to its own base is dropped). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "parser.h"

/* series -> record type. */
static const struct {
    const char *series;
    const char *type;
} series_map[] = {
    {"nist-sp", "SP"},
    {"nist-fips", "FIPS"},
    {"nist-ir", "IR"},
    {"nistir", "IR"},
    {"csrc-white-paper", "CSWP"},
    {"nist-cswp", "CSWP"},
    {"nist-itl-bulletin", "ITL Bulletin"},
};

/* (status, substage) of a final -> record status; superseded-by present
 * turns "withdrawn" into "superseded". */
static const struct {
    const char *substage;
    const char *final_status;
    const char *draft_status;
} substage_map[] = {
    {"active", "published", "in-development"},
    {"withdrawn", "withdrawn", "withdrawn"},
    {"retired", "withdrawn", "withdrawn"},
};

/* Edition markers at the end of a docidentifier. */
static const char *const edition_markers[] = {" Rev. ", " Revision ", " Version ", " E"};

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : NULL;
}

/* Splits "SP 800-53 Rev. 5" into base "SP 800-53" and edition "Rev. 5". */
static void split_edition(const char *docid, char *base, size_t blen, char *edition, size_t elen)
{
    snprintf(base, blen, "%s", docid);
    edition[0] = '\0';
    for (size_t i = 0; i < sizeof edition_markers / sizeof edition_markers[0]; i++) {
        const char *m = strstr(base, edition_markers[i]);
        if (!m)
            continue;
        const char *rest = m + strlen(edition_markers[i]);
        /* " E2" only when followed by digits to the end. */
        if (strcmp(edition_markers[i], " E") == 0 && (!*rest || strspn(rest, "0123456789") != strlen(rest)))
            continue;
        snprintf(edition, elen, "%s", m + 1);
        base[m - base] = '\0';
        return;
    }
}

/* The docidentifier with the part its uri names when it lacks one: the
 * export gives Parts 1-3 of SP 800-73-5 the one docidentifier "SP
 * 800-73-5" (uris .../800/73/pt1/5/final, .../pt2/..., .../pt3/...) and
 * the Part 1 Rev. 6 draft of SP 800-57 "SP 800-57 Rev. 6"; taken as
 * given, each part replaced the others. The part goes before the edition
 * marker: "SP 800-73-5 Part 2", "SP 800-57 Part 1 Rev. 6". docid itself
 * when there is nothing to add (or no room in buf). */
static const char *with_part(const char *docid, const char *uri, char *buf, size_t len)
{
    const char *pt = uri ? strstr(uri, "/pt") : NULL;
    if (!pt || strstr(docid, " Part ") || strstr(docid, " Pt"))
        return docid;
    pt += 3;
    size_t nd = strspn(pt, "0123456789");
    if (nd == 0 || nd > 3 || pt[nd] != '/')
        return docid;
    char base[SECSTD_IDENT_MAX], edition[64];
    split_edition(docid, base, sizeof base, edition, sizeof edition);
    int n = snprintf(buf, len, "%s Part %.*s%s%s", base, (int)nd, pt, edition[0] ? " " : "", edition);
    return n > 0 && (size_t)n < len ? buf : docid;
}

static secstd_status base_ident(const char *docid, const char *type, secstd_ident *id,
                                char *edition, size_t elen)
{
    char base[SECSTD_IDENT_MAX];
    split_edition(docid, base, sizeof base, edition, elen);
    char text[SECSTD_IDENT_MAX + 8];
    snprintf(text, sizeof text, "NIST %s", base);
    secstd_status st = secstd_ident_or_fallback(text, "NIST", "", type, id);
    if (st == SECSTD_OK && id->edition[0] && !edition[0])
        snprintf(edition, elen, "%s", id->edition);
    return st;
}

static const char *type_of(const char *series)
{
    for (size_t i = 0; series && i < sizeof series_map / sizeof series_map[0]; i++)
        if (strcasecmp(series, series_map[i].series) == 0)
            return series_map[i].type;
    return "SP";
}

static secstd_status add_people(json_t *rec, const json_t *list)
{
    size_t i;
    json_t *p;
    json_array_foreach(list, i, p) {
        const char *name = str(p, "fullName");
        if (name && strlen(name) < 200 && secstd_rec_add(rec, "authors", name) != SECSTD_OK)
            return SECSTD_ERR_NOMEM;
    }
    return SECSTD_OK;
}

static secstd_status add_relations(json_t *rec, const char *self, const json_t *list,
                                   const char *kind, const char *type)
{
    size_t i;
    json_t *r;
    json_array_foreach(list, i, r) {
        const char *other = str(r, "docidentifier");
        secstd_ident id;
        char ed[64], parted[SECSTD_IDENT_MAX];
        if (other)
            other = with_part(other, str(r, "uri"), parted, sizeof parted);
        if (!other || base_ident(other, type, &id, ed, sizeof ed) != SECSTD_OK)
            continue;
        if (strcmp(id.id, self) == 0)
            continue; /* an earlier/later iteration of this same publication */
        if (secstd_rec_relate(rec, kind, id.id) != SECSTD_OK)
            return SECSTD_ERR_NOMEM;
    }
    return SECSTD_OK;
}

/* "Supplement N" when pub is a supplement to a publication (its uri ends
 * in /sup/final, its title may start "[Supplement 1]"): the export gives it
 * the publication's own docidentifier, so as a final it would stand for
 * the publication (SP 800-63B showed its 2024 supplement's title). It is
 * kept as an edition of the publication instead. "" otherwise. */
static void supplement_of(const json_t *pub, const char *title, char *buf, size_t len)
{
    const char *uri = str(pub, "uri");
    buf[0] = '\0';
    int n = 0;
    if (strncasecmp(title, "[Supplement", 11) == 0)
        n = (int)strtol(title + 11, NULL, 10);
    else if (!uri || !strstr(uri, "/sup/"))
        return;
    if (n > 0)
        snprintf(buf, len, "Supplement %d", n);
    else
        snprintf(buf, len, "Supplement");
}

/* One element of the export as a record (draft, supplement or final). */
static secstd_status pub_record(const json_t *pub, size_t index, json_t **out, int *is_draft,
                                char *err, size_t errlen)
{
    *out = NULL;
    const char *docid = str(pub, "docidentifier");
    const char *title = str(pub, "title-main");
    if (!json_is_object(pub) || !docid || !title) {
        secstd_errf(err, errlen, "element %zu: publication without %s", index,
                    !json_is_object(pub) ? "object form" : !docid ? "docidentifier" : "title-main");
        return SECSTD_ERR_PARSE;
    }
    char parted[SECSTD_IDENT_MAX];
    docid = with_part(docid, str(pub, "uri"), parted, sizeof parted);
    const char *type = type_of(str(pub, "series"));
    secstd_ident id;
    char edition[64];
    if (base_ident(docid, type, &id, edition, sizeof edition) != SECSTD_OK) {
        secstd_errf(err, errlen, "element %zu: unusable docidentifier '%.60s'", index, docid);
        return SECSTD_ERR_PARSE;
    }
    const char *status = str(pub, "status");
    const char *iteration = str(pub, "iteration");
    *is_draft = (status && strncmp(status, "draft", 5) == 0) ||
                (iteration && strcmp(iteration, "final") != 0);
    char supplement[32];
    supplement_of(pub, title, supplement, sizeof supplement);
    json_t *rec = secstd_rec_new(&id);
    if (!rec)
        return SECSTD_ERR_NOMEM;
    secstd_status st = SECSTD_OK;
    const char *sub = str(pub, "title-sub");
    if (sub) {
        char *full = NULL;
        size_t n = strlen(title) + strlen(sub) + 3;
        if ((full = malloc(n)) != NULL) {
            snprintf(full, n, "%s: %s", title, sub);
            st = secstd_rec_set(rec, "title", full);
            free(full);
        } else {
            st = SECSTD_ERR_NOMEM;
        }
    } else {
        st = secstd_rec_set(rec, "title", title);
    }
    /* Edition: revision marker, then the draft iteration ("Rev. 5 ipd"). */
    char ed[96];
    snprintf(ed, sizeof ed, "%s%s%s%s%s", edition, edition[0] && supplement[0] ? " " : "", supplement,
             (edition[0] || supplement[0]) && *is_draft && iteration ? " " : "",
             *is_draft && iteration ? iteration : "");
    if (strlen(ed) > 64)
        ed[64] = '\0';
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "edition", ed);
    char edition_id[SECSTD_IDENT_MAX + 48];
    snprintf(edition_id, sizeof edition_id, "NIST %s%s%s%s%s%s", docid, supplement[0] ? " " : "",
             supplement, *is_draft && iteration ? " (" : "", *is_draft && iteration ? iteration : "",
             *is_draft && iteration ? ")" : "");
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "edition_id", edition_id);
    const char *date = str(pub, "published-date");
    if (!date)
        date = str(pub, "issued-date");
    if (st == SECSTD_OK && date && strlen(date) >= 4)
        st = secstd_rec_set(rec, "date", date);
    const char *substage = str(pub, "substage");
    const char *rec_status = *is_draft ? "in-development" : "published";
    for (size_t i = 0; substage && i < sizeof substage_map / sizeof substage_map[0]; i++)
        if (strcasecmp(substage, substage_map[i].substage) == 0)
            rec_status = *is_draft ? substage_map[i].draft_status : substage_map[i].final_status;
    const json_t *sup_by = json_object_get(pub, "superseded-by");
    if (!*is_draft && strcmp(rec_status, "withdrawn") == 0 && json_array_size(sup_by) > 0)
        rec_status = "superseded";
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", rec_status);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "url", str(pub, "uri"));
    if (st == SECSTD_OK)
        st = add_people(rec, json_object_get(pub, "authors"));
    if (st == SECSTD_OK)
        st = add_people(rec, json_object_get(pub, "editors"));
    size_t i;
    json_t *kw;
    json_array_foreach(json_object_get(pub, "keywords"), i, kw) {
        const char *k = json_string_value(kw);
        /* The export leaks HTML padding ("&nbsp") between keywords. */
        if (st == SECSTD_OK && k && *k && strcmp(k, "&nbsp") != 0 && strcmp(k, "&nbsp;") != 0 &&
            strlen(k) <= 200)
            st = secstd_rec_add(rec, "keywords", k);
    }
    const char *doi = str(pub, "doi");
    if (st == SECSTD_OK && doi && strlen(doi) <= 128)
        st = secstd_rec_add(rec, "aliases", doi);
    if (st == SECSTD_OK)
        st = add_relations(rec, id.id, json_object_get(pub, "supersedes"), "supersedes", type);
    if (st == SECSTD_OK)
        st = add_relations(rec, id.id, sup_by, "superseded_by", type);
    if (st != SECSTD_OK) {
        json_decref(rec);
        secstd_errf(err, errlen, "element %zu (%s): cannot build record", index, docid);
        return st;
    }
    /* A supplement goes with the drafts: an edition of its publication. */
    if (supplement[0])
        *is_draft = 1;
    *out = rec;
    return SECSTD_OK;
}

/* The summary of a draft or supplement kept in its base record's
 * "editions"; a supplement keeps its own title (it is another text, and
 * the indexer makes edition titles searchable). */
static json_t *draft_edition(const json_t *rec)
{
    json_t *ed = json_object();
    const char *edition = json_string_value(json_object_get(rec, "edition"));
    if (edition && strstr(edition, "Supplement"))
        json_object_set(ed, "title", json_object_get(rec, "title"));
    static const char *const keys[] = {"date", "edition", "status", "url"};
    json_object_set(ed, "id", json_object_get(rec, "edition_id"));
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (json_object_get(rec, keys[i]))
            json_object_set(ed, keys[i], json_object_get(rec, keys[i]));
    return ed;
}

secstd_status secstd_parse_nist_json(const secstd_parse_input *in, secstd_collector *out, char *err,
                                     size_t errlen)
{
    if (in->len > SECSTD_JSON_MAX_BYTES) {
        secstd_errf(err, errlen, "JSON body of %zu bytes exceeds the limit", in->len);
        return SECSTD_ERR_TOO_LARGE;
    }
    json_error_t jerr;
    json_t *root = json_loadb(in->body, in->len, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        secstd_errf(err, errlen, "line %d, column %d: %s", jerr.line, jerr.column, jerr.text);
        return SECSTD_ERR_PARSE;
    }
    if (!json_is_array(root)) {
        secstd_errf(err, errlen, "line 1: top level is not an array of publications");
        json_decref(root);
        return SECSTD_ERR_PARSE;
    }
    secstd_status st = SECSTD_OK;
    json_t *drafts = json_array();
    size_t i;
    json_t *pub;
    json_array_foreach(root, i, pub) {
        json_t *rec;
        int is_draft = 0;
        st = pub_record(pub, i, &rec, &is_draft, err, errlen);
        if (st != SECSTD_OK)
            break;
        if (is_draft)
            json_array_append_new(drafts, rec);
        else if ((st = secstd_collector_add(out, rec)) != SECSTD_OK)
            break;
    }
    /* Drafts attach to their published base; a draft without one is the
     * record (drafts sorted by date so the newest stands for it). */
    json_t *d;
    json_array_foreach(drafts, i, d) {
        if (st != SECSTD_OK)
            break;
        const char *id = json_string_value(json_object_get(d, "id"));
        json_t *base = secstd_collector_get(out, id);
        if (base && !json_object_get(base, "draft_only")) {
            /* A supplement's DOI and keywords find its publication. */
            const char *edition = json_string_value(json_object_get(d, "edition"));
            if (edition && strstr(edition, "Supplement")) {
                static const char *const lists[] = {"aliases", "keywords"};
                for (size_t k = 0; k < 2 && st == SECSTD_OK; k++) {
                    size_t j;
                    json_t *v;
                    json_array_foreach(json_object_get(d, lists[k]), j, v) {
                        if (st == SECSTD_OK)
                            st = secstd_rec_add(base, lists[k], json_string_value(v));
                    }
                }
            }
            if (st == SECSTD_OK)
                st = secstd_collector_add_edition(out, id, draft_edition(d));
            continue;
        }
        json_t *copy = json_deep_copy(d);
        json_object_set_new(copy, "draft_only", json_true());
        st = secstd_collector_add(out, copy);
    }
    /* Remove the transient marker. */
    json_t *recs = secstd_collector_records(out);
    json_array_foreach(recs, i, d) json_object_del(d, "draft_only");
    json_decref(recs);
    json_decref(drafts);
    json_decref(root);
    return st;
}
