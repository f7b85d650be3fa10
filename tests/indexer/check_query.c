/* check_query.c — the shared query module (indexer/query.c) on the
 * hand-written records: identifiers ranked first (alone and inside longer
 * queries), fielded syntax, synonyms on and off, filters (OR within a
 * field, AND across), date bounds and sorting, stable disjoint paging,
 * disjunctive facets, validation errors that name the parameter, the
 * syntax-error fallback, spelling suggestions, snippets and escaping,
 * plural acronyms, current standards before superseded ones. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "docmap.h"
#include "fixture.h"
#include "ident.h"
#include "index.h"
#include "query.h"
#include "schema.h"
#include "testutil.h"
#include "xap.h"

static char *g_dir;
static secstd_index *g_idx;

/* One index for the whole suite, built before the tests fork. */
static void suite_setup(void)
{
    g_dir = fx_data_dir();
    /* A record whose text needs escaping, for the snippet tests. */
    fx_write_records(g_dir, "escape.jsonl",
                     "{\"id\":\"RFC 7469\",\"sdo\":\"IETF\",\"title\":\"Public Key Pinning "
                     "Extension for HTTP\",\"abstract\":\"Pinning <script>alert(1)</script> & "
                     "\\\"quoted\\\" certificate keys so that a browser trusts only them.\","
                     "\"status\":\"historic\",\"date\":\"2015-04\",\"group\":\"websec\"}\n");
    /* One number, two bodies: a security standard and an RFC outside the
     * scope (bare numbers). */
    fx_write_records(g_dir, "numbers.jsonl",
                     "{\"id\":\"IEEE 1619\",\"sdo\":\"IEEE\",\"title\":\"IEEE Standard for "
                     "Cryptographic Protection of Data on Block-Oriented Storage Devices\","
                     "\"status\":\"published\",\"date\":\"2018-01\",\"editions\":[{\"id\":"
                     "\"IEEE 1619 Supplement 1\",\"title\":\"Wide-block tweakable ciphers\"}]}\n"
                     "{\"id\":\"RFC 1619\",\"sdo\":\"IETF\",\"title\":\"PPP over SONET/SDH\","
                     "\"status\":\"published\",\"date\":\"1994-05\"}\n");
    /* A multi-part standard with no part 0, and a text that mentions its
     * number more often than the parts do (bare numbers). */
    fx_write_records(g_dir, "parts.jsonl",
                     "{\"id\":\"ISO/IEC 29192-1\",\"sdo\":\"ISO/IEC\",\"title\":\"Lightweight "
                     "cryptography - Part 1: General\",\"status\":\"published\",\"date\":\"2012-06\"}\n"
                     "{\"id\":\"ISO/IEC 29192-2\",\"sdo\":\"ISO/IEC\",\"title\":\"Lightweight "
                     "cryptography - Part 2: Block ciphers\",\"status\":\"published\",\"date\":\"2012-11\"}\n"
                     "{\"id\":\"OASIS LWC v1.0\",\"sdo\":\"OASIS\",\"title\":\"Block cipher "
                     "profiles\",\"abstract\":\"Profiles the 29192 block ciphers: which 29192 "
                     "cipher, which mode of 29192 encryption.\",\"status\":\"published\","
                     "\"date\":\"2021-03\"}\n");
    /* An acronym in the singular only (plural acronyms). */
    fx_write_records(g_dir, "acronyms.jsonl",
                     "{\"id\":\"ISO/IEC 19790\",\"sdo\":\"ISO/IEC\",\"title\":\"Security "
                     "requirements for cryptographic modules\",\"abstract\":\"Requirements for "
                     "an HSM and other cryptographic modules.\",\"status\":\"published\","
                     "\"date\":\"2025-02\"}\n");
    /* Authors, and an abstract that says "tunnelled" (field stemming). */
    fx_write_records(g_dir, "fields.jsonl",
                     "{\"id\":\"OASIS GWT v1.0\",\"sdo\":\"OASIS\",\"title\":\"Security "
                     "of gateway links\",\"abstract\":\"Traffic between the gateways is "
                     "tunnelled end to end with IPsec.\",\"authors\":[\"Anja Jerichow\"],"
                     "\"status\":\"published\",\"date\":\"2016-03\"}\n");
    /* A rare title word next to a commoner one (spelling). */
    fx_write_records(g_dir, "spelling.jsonl",
                     "{\"id\":\"ISO/IEC 25706\",\"sdo\":\"ISO/IEC\",\"title\":\"SPDM "
                     "key exchange message formats\",\"status\":\"published\",\"date\":\"2024-01\"}\n"
                     "{\"id\":\"RFC 9901\",\"sdo\":\"IETF\",\"title\":\"Spam reporting "
                     "formats\",\"status\":\"published\",\"date\":\"2025-01\"}\n"
                     "{\"id\":\"RFC 9902\",\"sdo\":\"IETF\",\"title\":\"Spam folder "
                     "conventions\",\"status\":\"published\",\"date\":\"2025-02\"}\n"
                     "{\"id\":\"RFC 9903\",\"sdo\":\"IETF\",\"title\":\"Keys of mail "
                     "senders\",\"status\":\"published\",\"date\":\"2025-03\"}\n");
    secstd_build_summary sum;
    fx_build(g_dir, &sum);
    json_decref(sum.changes);
    g_idx = fx_open(g_dir);
}

static void suite_teardown(void)
{
    secstd_index_free(g_idx);
    tu_rmtree(g_dir);
    free(g_dir);
}

static json_t *search_req(const secstd_search_request *req)
{
    json_t *res = NULL;
    const char *param = NULL;
    char err[1024] = "";
    secstd_status st = secstd_search(g_idx, req, &res, &param, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "\"%s\": %s (%s)", req->q ? req->q : "", err,
                  param ? param : "-");
    ck_assert_ptr_nonnull(res);
    return res;
}

static json_t *search_q(const char *q)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = q;
    return search_req(&req);
}

static const char *result_id(const json_t *res, size_t i)
{
    return json_string_value(json_object_get(json_array_get(json_object_get(res, "results"), i), "id"));
}

static json_int_t total(const json_t *res) { return json_integer_value(json_object_get(res, "total")); }

static int has_id(const json_t *res, const char *id)
{
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(res, "results"), i, r) {
        if (strcmp(json_string_value(json_object_get(r, "id")), id) == 0)
            return 1;
    }
    return 0;
}

static void assert_first(const char *q, const char *want)
{
    json_t *res = search_q(q);
    ck_assert_msg(total(res) >= 1, "\"%s\" found nothing", q);
    ck_assert_msg(strcmp(result_id(res, 0), want) == 0, "\"%s\": first is %s, want %s", q,
                  result_id(res, 0), want);
    ck_assert_msg(json_is_true(json_object_get(json_array_get(json_object_get(res, "results"), 0), "exact")),
                  "\"%s\": first hit not marked exact", q);
    json_decref(res);
}

/* ---- identifiers ------------------------------------------------------------ */

START_TEST(test_identifier_first)
{
    static const struct {
        const char *q, *want;
    } cases[] = {
        {"X.509", "ITU-T X.509"},
        {"ITU-T X.509", "ITU-T X.509"},
        {"RFC 8446", "RFC 8446"},
        {"rfc8446", "RFC 8446"},
        {"TS 33.501", "3GPP TS 33.501"},
        {"ISO/IEC 27001", "ISO/IEC 27001"},
        {"ISO 27001", "ISO/IEC 27001"}, /* as people write it */
        {"x509", "ITU-T X.509"},
        {"SP 800-207", "NIST SP 800-207"},
        {"FIPS 203", "NIST FIPS 203"},
        /* The ITU-T text found by its ISO/IEC twin number. */
        {"ISO/IEC 27011", "ITU-T X.1051"},
        /* Inside longer queries. */
        {"tls RFC 8446 handshake", "RFC 8446"},
        {"X.509 certificate revocation", "ITU-T X.509"},
        {"5G security architecture TS 33.501", "3GPP TS 33.501"},
        {"controls ISO/IEC 27001", "ISO/IEC 27001"},
        {"zero trust SP 800-207", "NIST SP 800-207"},
        /* Bare numbers, as people type them: each body's series is tried. */
        {"27001", "ISO/IEC 27001"},
        {"27001:2022", "ISO/IEC 27001"},
        {"8446", "RFC 8446"},
        {"800-207", "NIST SP 800-207"},
        {"62443-3-3", "IEC 62443-3-3"},
        {"33.501", "3GPP TS 33.501"},
        {"140-3", "NIST FIPS 140-3"},
        {"303645", "ETSI EN 303 645"},
        {"1254", "ITU-T X.1254"},
        /* followed by other words: the whole, then the first word */
        {"800-207 rev 1", "NIST SP 800-207"},
        {"27001 annex A controls", "ISO/IEC 27001"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        assert_first(cases[i].q, cases[i].want);
    /* Only the identifiers the index holds are named; a year or a short
     * number is not an identifier. */
    json_t *bare = search_q("27002");
    json_t *bids = json_object_get(json_object_get(bare, "query"), "identifiers");
    ck_assert_uint_eq(json_array_size(bids), 1);
    ck_assert_str_eq(json_string_value(json_array_get(bids, 0)), "ISO/IEC 27002");
    json_decref(bare);
    static const char *const not_ids[] = {"2022", "645", "99999", "08446"};
    for (size_t i = 0; i < sizeof not_ids / sizeof *not_ids; i++) {
        bare = search_q(not_ids[i]);
        bids = json_object_get(json_object_get(bare, "query"), "identifiers");
        ck_assert_msg(json_array_size(bids) == 0, "%s read as an identifier", not_ids[i]);
        json_decref(bare);
    }
    /* A number two bodies use: the security standard alone (RFC 1619, PPP
     * over SONET, is outside the scope); every record: both. */
    bare = search_q("1619");
    bids = json_object_get(json_object_get(bare, "query"), "identifiers");
    ck_assert_uint_eq(json_array_size(bids), 1);
    ck_assert_str_eq(json_string_value(json_array_get(bids, 0)), "IEEE 1619");
    ck_assert_str_eq(result_id(bare, 0), "IEEE 1619");
    ck_assert(!has_id(bare, "RFC 1619"));
    json_decref(bare);
    secstd_search_request breq;
    secstd_search_request_init(&breq);
    breq.q = "1619";
    breq.all_records = 1;
    bare = search_req(&breq);
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(bare, "query"), "identifiers")), 2);
    json_decref(bare);
    /* The title of an edition that is a text of its own finds the
     * standard. */
    bare = search_q("tweakable");
    ck_assert_int_eq(total(bare), 1);
    ck_assert_str_eq(result_id(bare, 0), "IEEE 1619");
    json_decref(bare);
    /* A number that names only parts: the parts, first, named; the text
     * that mentions the number after them. */
    bare = search_q("29192");
    bids = json_object_get(json_object_get(bare, "query"), "identifiers");
    ck_assert_uint_eq(json_array_size(bids), 2);
    ck_assert_str_eq(json_string_value(json_array_get(bids, 0)), "ISO/IEC 29192-1");
    ck_assert_str_eq(json_string_value(json_array_get(bids, 1)), "ISO/IEC 29192-2");
    ck_assert_int_eq(total(bare), 3);
    ck_assert_str_eq(result_id(bare, 2), "OASIS LWC v1.0");
    ck_assert(json_is_true(json_object_get(json_array_get(json_object_get(bare, "results"), 0), "exact")));
    json_decref(bare);
    /* Only outside the scope: found rather than nothing (RFC 9110). */
    bare = search_q("9110");
    ck_assert_str_eq(result_id(bare, 0), "RFC 9110");
    json_decref(bare);

    /* The query says what it recognised. */
    json_t *res = search_q("tls RFC 8446 handshake");
    json_t *ids = json_object_get(json_object_get(res, "query"), "identifiers");
    ck_assert_uint_eq(json_array_size(ids), 1);
    ck_assert_str_eq(json_string_value(json_array_get(ids, 0)), "RFC 8446");
    json_decref(res);

    /* An identifier is found whatever its scope: RFC 9110 is not a
     * security standard, so its words alone find nothing by default. */
    assert_first("RFC 9110", "RFC 9110");
    res = search_q("HTTP Semantics");
    ck_assert(!has_id(res, "RFC 9110"));
    json_decref(res);
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "HTTP Semantics";
    req.all_records = 1;
    res = search_req(&req);
    ck_assert_str_eq(result_id(res, 0), "RFC 9110");
    /* Only one standard has both words: the search widens to standards
     * with some of them, after it, and says so. */
    json_t *qi = json_object_get(res, "query");
    ck_assert(json_is_true(json_object_get(qi, "relaxed")));
    ck_assert_int_eq(json_integer_value(json_object_get(qi, "all_words_total")), 1);
    ck_assert_int_gt(total(res), 1);
    json_decref(res);

    /* A query of identifiers alone is not widened to their loose words
     * ("rfc" OR "9110" would list every RFC); with other words, it is. */
    req.q = "RFC 9110";
    res = search_req(&req);
    ck_assert_str_eq(result_id(res, 0), "RFC 9110");
    ck_assert(json_is_false(json_object_get(json_object_get(res, "query"), "relaxed")));
    ck_assert_int_lt(total(res), 5);
    json_decref(res);
    req.q = "RFC 9110 semantics caching";
    res = search_req(&req);
    ck_assert_str_eq(result_id(res, 0), "RFC 9110");
    ck_assert(json_is_true(json_object_get(json_object_get(res, "query"), "relaxed")));
    json_decref(res);
}
END_TEST

/* ---- fielded syntax ---------------------------------------------------------- */

static void assert_ids(const char *q, const char *const *want, size_t nwant)
{
    json_t *res = search_q(q);
    ck_assert_msg(total(res) == (json_int_t)nwant, "\"%s\": %lld results, want %zu", q,
                  (long long)total(res), nwant);
    for (size_t i = 0; i < nwant; i++)
        ck_assert_msg(has_id(res, want[i]), "\"%s\" lacks %s", q, want[i]);
    json_decref(res);
}

START_TEST(test_fielded_syntax)
{
    static const char *const tls[] = {"RFC 8446", "RFC 5246"};
    assert_ids("title:tls", tls, 2);
    static const char *const etsi[] = {"ETSI TS 133 501", "ETSI EN 303 645", "ETSI TS 103 645",
                                       "ETSI GS QKD 014"};
    assert_ids("sdo:ETSI", etsi, 4);
    assert_ids("sdo:etsi", etsi, 4);
    static const char *const iot[] = {"ETSI EN 303 645", "ETSI TS 103 645"};
    assert_ids("area:iot", iot, 2);
    static const char *const sup[] = {"RFC 5246", "ETSI TS 103 645"};
    assert_ids("status:superseded", sup, 2);
    static const char *const y2019[] = {"ITU-T X.509", "ETSI TS 103 645", "NIST FIPS 140-3",
                                        "ETSI GS QKD 014"};
    assert_ids("year:2019", y2019, 4);
    static const char *const one[] = {"RFC 8446"};
    assert_ids("id:\"RFC 8446\"", one, 1);
    assert_ids("id:rfc8446", one, 1);
    /* Fields combine with words and with each other. */
    static const char *const cyber[] = {"ETSI EN 303 645"};
    assert_ids("sdo:etsi status:published consumer", cyber, 1);
    json_t *res = search_q("sdo:nosuchbody");
    ck_assert_int_eq(total(res), 0);
    json_decref(res);
}
END_TEST

/* Terms of a prefix, counted (xap_db_terms). */
static int count_term(void *ctx, const char *term, unsigned freq)
{
    (void)term;
    (void)freq;
    ++*(unsigned *)ctx;
    return 0;
}

static unsigned terms_with_prefix(const char *prefix)
{
    unsigned n = 0;
    ck_assert_int_eq(xap_db_terms(secstd_index_db(g_idx), prefix, count_term, &n), SECSTD_OK);
    return n;
}

START_TEST(test_field_stemming)
{
    /* The field table's stem column: the abstract's prefixed copy holds
     * stems alone, authors' names no stems. */
    const secstd_field *abs = secstd_field_get(SECSTD_FIELD_ABSTRACT);
    const secstd_field *au = secstd_field_get(SECSTD_FIELD_AUTHOR);
    char zabs[16], zau[16];
    snprintf(zabs, sizeof zabs, "Z%s", abs->prefix);
    snprintf(zau, sizeof zau, "Z%s", au->prefix);
    ck_assert_uint_gt(terms_with_prefix(zabs), 0);
    ck_assert_uint_eq(terms_with_prefix(abs->prefix), 0);
    ck_assert_uint_gt(terms_with_prefix(au->prefix), 0);
    ck_assert_uint_eq(terms_with_prefix(zau), 0);

    /* So the parser must look for what is there: an author's name however
     * typed (lower-case, the parser would stem it), an abstract's words by
     * stem however typed (capitalised, it would keep the word). */
    static const char *const gw[] = {"OASIS GWT v1.0"};
    static const char *const queries[] = {
        "author:jerichow",   "author:Jerichow",       "author:\"anja jerichow\"",
        "author:jer*",       "author:(anja jerichow)", "abstract:tunnelling",
        "abstract:Tunnelling", "abstract:TUNNELLED",  "abstract:tunnel*",
        "abstract:(Tunnels gateway)", "abstract:ipsec gateway",
    };
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++)
        assert_ids(queries[i], gw, 1);
    /* Operator words and other fields inside a group keep their case. */
    assert_ids("author:(jerichow OR nobody)", gw, 1);
    assert_ids("abstract:(tunnels AND title:gateway)", gw, 1);
    assert_ids("author:(jerichow AND nobody)", NULL, 0);
    /* A name is not stemmed: "jerichows" is another name. */
    assert_ids("author:jerichows", NULL, 0);
}
END_TEST

/* ---- synonyms ---------------------------------------------------------------- */

START_TEST(test_synonyms_on_off)
{
    /* FIPS 203 says "post-quantum", never "PQC": only the synonym table
     * connects them. */
    json_t *res = search_q("pqc");
    ck_assert(has_id(res, "NIST FIPS 203"));
    json_t *used = json_object_get(json_object_get(res, "query"), "synonyms");
    ck_assert_uint_ge(json_array_size(used), 1);
    json_decref(res);

    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "pqc";
    req.synonyms = 0;
    res = search_req(&req);
    ck_assert(!has_id(res, "NIST FIPS 203"));
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(res, "query"), "synonyms")), 0);
    json_decref(res);

    /* Quoted words are left alone. */
    res = search_q("\"qkd\"");
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(res, "query"), "synonyms")), 0);
    ck_assert(has_id(res, "ETSI GS QKD 014"));
    json_decref(res);
}
END_TEST

/* The function words the parser leaves out are listed in the answer's
 * query object, each once, in the order typed; those inside a phrase
 * (quoted, or a synonym's expansion: iot -> "internet of things") are
 * not. */
static void assert_ignored(const char *q, const char *want)
{
    json_t *res = search_q(q);
    json_t *ign = json_object_get(json_object_get(res, "query"), "ignored");
    ck_assert_msg(json_is_array(ign), "%s: no query.ignored", q);
    char got[128] = "";
    size_t i, len = 0;
    json_t *w;
    json_array_foreach(ign, i, w) {
        len += (size_t)snprintf(got + len, sizeof got - len, "%s%s", i ? "," : "", json_string_value(w));
        ck_assert_uint_lt(len, sizeof got);
    }
    ck_assert_msg(strcmp(got, want) == 0, "%s: ignored [%s], want [%s]", q, got, want);
    json_decref(res);
}

START_TEST(test_ignored_words)
{
    assert_ignored("security for the internet of things", "for,the,of");
    assert_ignored("iot security", "");
    assert_ignored("the security of the cloud", "the,of");
    assert_ignored("The Baseline Requirements For IoT", "the,for");
    assert_ignored("\"security for consumer internet of things\"", "");
    assert_ignored("baseline requirements", "");
    /* Kept by the parser (nothing else to search for, or required): not
     * listed, and found as words. */
    assert_ignored("the", "");
    assert_ignored("+for consumer", "");
    json_t *res = search_q("cyber security for the consumer");
    ck_assert(has_id(res, "ETSI EN 303 645"));
    json_decref(res);
}
END_TEST

START_TEST(test_plural_acronyms)
{
    /* "HSMs" finds the record that says "HSM": capitalised words are not
     * stemmed by the parser, so the singular is added (HSMs OR HSM). */
    json_t *res = search_q("HSMs");
    ck_assert_msg(has_id(res, "ISO/IEC 19790"), "HSMs: %d results", (int)total(res));
    json_decref(res);
    res = search_q("HSMs cryptographic");
    ck_assert(has_id(res, "ISO/IEC 19790"));
    json_decref(res);
    /* With synonyms off too: it is not a synonym. */
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "HSMs";
    req.synonyms = 0;
    res = search_req(&req);
    ck_assert(has_id(res, "ISO/IEC 19790"));
    json_decref(res);
    /* Quoted, it is the word as typed. */
    res = search_q("\"HSMs\"");
    ck_assert(!has_id(res, "ISO/IEC 19790"));
    json_decref(res);
    /* Not an operator's plural: "ORs" stays a word, no syntax fallback. */
    res = search_q("ORs");
    ck_assert(!json_is_true(json_object_get(json_object_get(res, "query"), "fallback")));
    json_decref(res);
}
END_TEST

/* ---- filters, dates, sorting, paging --------------------------------------------- */

START_TEST(test_filters_or_within_and_across)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "";
    req.per_page = 100;
    req.sdo.values[0] = "ETSI";
    req.sdo.values[1] = "3gpp"; /* case and alias are canonicalised */
    req.sdo.count = 2;
    json_t *res = search_req(&req);
    ck_assert_int_eq(total(res), 5); /* 4 ETSI + 1 3GPP */
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(res, "results"), i, r) {
        const char *sdo = json_string_value(json_object_get(r, "sdo"));
        ck_assert(strcmp(sdo, "ETSI") == 0 || strcmp(sdo, "3GPP") == 0);
    }
    json_decref(res);

    req.area.values[0] = "iot";
    req.area.count = 1;
    res = search_req(&req);
    ck_assert_int_eq(total(res), 2);
    json_decref(res);

    req.status.values[0] = "published";
    req.status.count = 1;
    res = search_req(&req);
    ck_assert_int_eq(total(res), 1);
    ck_assert_str_eq(result_id(res, 0), "ETSI EN 303 645");
    json_decref(res);
}
END_TEST

START_TEST(test_date_bounds_and_sort)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "";
    req.per_page = 100;
    req.from = "2024";
    json_t *res = search_req(&req);
    ck_assert_int_gt(total(res), 0);
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(res, "results"), i, r)
        ck_assert_str_ge(json_string_value(json_object_get(r, "date")), "2024");
    ck_assert(has_id(res, "3GPP TS 33.501"));
    json_decref(res);

    /* "to" is inclusive of the whole month/year it names. */
    req.from = "2008-05";
    req.to = "2008-08";
    res = search_req(&req);
    ck_assert_int_eq(total(res), 2);
    ck_assert(has_id(res, "RFC 5246") && has_id(res, "RFC 5280"));
    json_decref(res);
    req.from = NULL;
    req.to = "2008";
    res = search_req(&req);
    ck_assert_int_eq(total(res), 2);
    json_decref(res);
    req.from = "2019-02-01";
    req.to = "2019-02-28";
    res = search_req(&req);
    ck_assert_int_eq(total(res), 2); /* TS 103 645 and GS QKD 014, dated 2019-02 */
    json_decref(res);
    /* A month-precision date overlaps a range starting inside that month,
     * but not one that ends before the month is reached. */
    req.from = "2019-02-15";
    req.to = "2019-03-31";
    res = search_req(&req);
    ck_assert_int_eq(total(res), 3); /* + FIPS 140-3 (2019-03) */
    json_decref(res);
    req.from = "2019-01-01";
    req.to = "2019-01-31";
    res = search_req(&req);
    ck_assert_int_eq(total(res), 0);
    json_decref(res);
    req.from = "2022-06-30";
    req.to = NULL;
    res = search_req(&req);
    ck_assert(has_id(res, "ISO/IEC 27001"));   /* 2022-10 */
    ck_assert(!has_id(res, "ISO/IEC 27002"));  /* 2022-02 */
    json_decref(res);

    /* Newest first. */
    req.from = req.to = NULL;
    req.sort_by_date = 1;
    res = search_req(&req);
    const char *prev = "9999";
    json_array_foreach(json_object_get(res, "results"), i, r) {
        const char *d = json_string_value(json_object_get(r, "date"));
        ck_assert_msg(strcmp(d, prev) <= 0, "%s after %s", d, prev);
        prev = d;
    }
    ck_assert_str_eq(result_id(res, 0), "ETSI TS 133 501"); /* 2026-04 */
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "query"), "sort")),
                     "date");
    json_decref(res);
    /* No words to rank by: newest first without asking; with words,
     * relevance stays the default. */
    req.sort_by_date = 0;
    res = search_req(&req);
    ck_assert_str_eq(result_id(res, 0), "ETSI TS 133 501");
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "query"), "sort")),
                     "date");
    json_decref(res);
    req.q = "security";
    res = search_req(&req);
    ck_assert_str_eq(json_string_value(json_object_get(json_object_get(res, "query"), "sort")),
                     "relevance");
    json_decref(res);
}
END_TEST

START_TEST(test_paging_stable_disjoint)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "security";
    req.per_page = 4;
    json_t *first = search_req(&req);
    json_int_t n = total(first);
    ck_assert_int_gt(n, 8);
    json_t *seen = json_object();
    size_t got = 0;
    for (unsigned page = 1; (json_int_t)(page - 1) * 4 < n; page++) {
        req.page = page;
        json_t *res = search_req(&req);
        ck_assert_int_eq(total(res), n);
        json_t *again = search_req(&req);
        size_t i;
        json_t *r;
        json_array_foreach(json_object_get(res, "results"), i, r) {
            const char *id = json_string_value(json_object_get(r, "id"));
            ck_assert_msg(!json_object_get(seen, id), "%s on two pages", id);
            json_object_set_new(seen, id, json_true());
            ck_assert_str_eq(id, result_id(again, i)); /* same page, same order */
            got++;
        }
        json_decref(res);
        json_decref(again);
    }
    ck_assert_uint_eq(got, (size_t)n);
    /* Past the end: empty page, same total. */
    req.page = (unsigned)(n / 4) + 3;
    json_t *res = search_req(&req);
    ck_assert_uint_eq(json_array_size(json_object_get(res, "results")), 0);
    ck_assert_int_eq(total(res), n);
    json_decref(res);
    json_decref(seen);
    json_decref(first);
}
END_TEST

START_TEST(test_disjunctive_facets)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "";
    json_t *all = search_req(&req);
    json_t *all_sdo = json_object_get(json_object_get(all, "facets"), "sdo");
    ck_assert_int_eq(json_integer_value(json_object_get(all_sdo, "ETSI")), 4);

    req.sdo.values[0] = "ETSI";
    req.sdo.count = 1;
    json_t *res = search_req(&req);
    ck_assert_int_eq(total(res), 4);
    json_t *facets = json_object_get(res, "facets");
    /* The sdo facet ignores the sdo filter: every body still shows with
     * the counts it has without that filter. */
    ck_assert(json_equal(json_object_get(facets, "sdo"), all_sdo));
    ck_assert_int_gt(json_integer_value(json_object_get(json_object_get(facets, "sdo"), "IETF")), 0);
    /* The other facets do reflect it: ETSI has 3 published, 1 superseded. */
    json_t *status = json_object_get(facets, "status");
    ck_assert_int_eq(json_integer_value(json_object_get(status, "published")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(status, "superseded")), 1);
    ck_assert_ptr_null(json_object_get(status, "historic"));
    json_t *area = json_object_get(facets, "area");
    ck_assert_int_eq(json_integer_value(json_object_get(area, "iot")), 2);
    ck_assert_ptr_null(json_object_get(area, "pki"));
    json_decref(res);

    /* Two filters: each facet sees only the other one. */
    req.status.values[0] = "superseded";
    req.status.count = 1;
    res = search_req(&req);
    ck_assert_int_eq(total(res), 1);
    facets = json_object_get(res, "facets");
    json_t *sdo = json_object_get(facets, "sdo");
    ck_assert_int_eq(json_integer_value(json_object_get(sdo, "ETSI")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(sdo, "IETF")), 1); /* RFC 5246 */
    status = json_object_get(facets, "status");
    ck_assert_int_eq(json_integer_value(json_object_get(status, "published")), 3);
    ck_assert_int_eq(json_integer_value(json_object_get(status, "superseded")), 1);
    json_t *year = json_object_get(facets, "year");
    ck_assert_int_eq(json_integer_value(json_object_get(year, "2019")), 1);
    json_decref(res);

    /* Facets off: none computed. */
    req.facets = 0;
    res = search_req(&req);
    ck_assert_uint_eq(json_object_size(json_object_get(res, "facets")), 0);
    json_decref(res);
    json_decref(all);
}
END_TEST

/* ---- validation --------------------------------------------------------------- */

static void assert_invalid(const secstd_search_request *req, const char *want_param,
                           secstd_status want_st, const char *err_has)
{
    const char *param = NULL;
    char err[1024] = "";
    ck_assert_int_eq(secstd_search_validate(req, &param, err, sizeof err), want_st);
    ck_assert_ptr_nonnull(param);
    ck_assert_str_eq(param, want_param);
    ck_assert_msg(strstr(err, err_has) != NULL, "error \"%s\" lacks \"%s\"", err, err_has);
    /* secstd_search validates first, with the same answer. */
    json_t *res = (json_t *)1;
    param = NULL;
    ck_assert_int_eq(secstd_search(g_idx, req, &res, &param, err, sizeof err), want_st);
    ck_assert_ptr_null(res);
    ck_assert_str_eq(param, want_param);
}

START_TEST(test_validation_errors)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    ck_assert_int_eq(secstd_search_validate(&req, NULL, NULL, 0), SECSTD_OK);

    req.area.values[0] = "underwater";
    req.area.count = 1;
    assert_invalid(&req, "area", SECSTD_ERR_INVALID, "underwater");
    assert_invalid(&req, "area", SECSTD_ERR_INVALID, "pki"); /* lists the valid ones */
    assert_invalid(&req, "area", SECSTD_ERR_INVALID, "trust-services");
    req.area.count = 0;

    req.sdo.values[0] = "Acme";
    req.sdo.count = 1;
    assert_invalid(&req, "sdo", SECSTD_ERR_INVALID, "Acme");
    req.sdo.count = 0;
    req.status.values[0] = "lost";
    req.status.count = 1;
    assert_invalid(&req, "status", SECSTD_ERR_INVALID, "lost");
    req.status.count = 0;
    req.type.values[0] = "";
    req.type.count = 1;
    assert_invalid(&req, "type", SECSTD_ERR_INVALID, "type");
    req.type.count = SECSTD_QUERY_MAX_FILTERS + 1;
    assert_invalid(&req, "type", SECSTD_ERR_TOO_LARGE, "type");
    req.type.count = 0;

    req.per_page = 0;
    assert_invalid(&req, "per_page", SECSTD_ERR_INVALID, "per_page");
    req.per_page = 1000;
    assert_invalid(&req, "per_page", SECSTD_ERR_INVALID, "per_page");
    req.per_page = 100;
    req.page = 101;
    assert_invalid(&req, "page", SECSTD_ERR_TOO_LARGE, "page");
    req.page = 0;
    assert_invalid(&req, "page", SECSTD_ERR_INVALID, "page");
    req.page = 100; /* exactly the deepest allowed */
    ck_assert_int_eq(secstd_search_validate(&req, NULL, NULL, 0), SECSTD_OK);
    req.page = 1;
    req.per_page = 10;

    static const char *const bad_utf8[] = {"caf\xc3", "\xff\xfe", "a\xc0\xaf", "\xed\xa0\x80",
                                           "x\x01y"};
    for (size_t i = 0; i < sizeof bad_utf8 / sizeof *bad_utf8; i++) {
        req.q = bad_utf8[i];
        assert_invalid(&req, "q", SECSTD_ERR_INVALID, "UTF-8");
    }
    req.q = "a* b* c* d* e* f* g* h* i*";
    assert_invalid(&req, "q", SECSTD_ERR_INVALID, "prefix*");
    req.q = "a* b* c* d* e* f* g* h* i *";
    ck_assert_int_eq(secstd_search_validate(&req, NULL, NULL, 0), SECSTD_OK);
    req.q = "caf\xc3\xa9 \xe2\x82\xac"; /* good UTF-8 */
    ck_assert_int_eq(secstd_search_validate(&req, NULL, NULL, 0), SECSTD_OK);
    char *longq = malloc(SECSTD_QUERY_MAX_LEN + 2);
    memset(longq, 'a', SECSTD_QUERY_MAX_LEN + 1);
    longq[SECSTD_QUERY_MAX_LEN + 1] = '\0';
    req.q = longq;
    assert_invalid(&req, "q", SECSTD_ERR_TOO_LARGE, "longer");
    longq[SECSTD_QUERY_MAX_LEN] = '\0';
    ck_assert_int_eq(secstd_search_validate(&req, NULL, NULL, 0), SECSTD_OK);
    free(longq);
    req.q = NULL;

    static const char *const bad_dates[] = {"19",         "2019/10",    "2019-1",     "yesterday",
                                            "2019-10-5",  "2019-13",    "2019-00",    "2019-02-32",
                                            "2019-10-00", "2021-02-29", "2020-02-30", "2019-04-31",
                                            "0000",       "1900-02-29"};
    for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
        req.from = bad_dates[i];
        assert_invalid(&req, "from", SECSTD_ERR_INVALID, "YYYY");
        req.from = NULL;
        req.to = bad_dates[i];
        assert_invalid(&req, "to", SECSTD_ERR_INVALID, "YYYY");
        req.to = NULL;
    }
    req.from = "2000-02-29"; /* leap years: by 4, by 400, not by 100 */
    req.to = "2020-02-29";
    ck_assert_int_eq(secstd_search_validate(&req, NULL, NULL, 0), SECSTD_OK);
    /* An empty window is a mistake worth saying, at the precision given. */
    req.from = "2021";
    req.to = "2020-12-31";
    assert_invalid(&req, "from", SECSTD_ERR_INVALID, "later than");
    req.from = "2020-06";
    req.to = "2020";
    ck_assert_int_eq(secstd_search_validate(&req, NULL, NULL, 0), SECSTD_OK);
    req.from = "2020-06-02";
    req.to = "2020-06-01";
    assert_invalid(&req, "from", SECSTD_ERR_INVALID, "2020-06-01");
}
END_TEST

/* ---- fallback, spelling, snippets ------------------------------------------------ */

START_TEST(test_syntax_error_fallback)
{
    json_t *res = search_q("tls AND");
    json_t *q = json_object_get(res, "query");
    ck_assert(json_is_true(json_object_get(q, "fallback")));
    ck_assert_ptr_nonnull(json_string_value(json_object_get(q, "fallback_reason")));
    ck_assert_msg(strlen(json_string_value(json_object_get(q, "fallback_reason"))) > 0,
                  "the syntax error is not described");
    ck_assert(has_id(res, "RFC 8446"));
    /* The dangling operator is not searched as the word "and". */
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "tls";
    req.synonyms = 0;
    json_t *plain = search_req(&req);
    ck_assert_int_eq(total(res), total(plain));
    json_decref(plain);
    json_decref(res);
    res = search_q("tls protocol");
    ck_assert(json_is_false(json_object_get(json_object_get(res, "query"), "fallback")));
    json_decref(res);
    /* Nothing but operators: no crash, no error. */
    res = search_q("AND OR NOT");
    ck_assert(json_is_true(json_object_get(json_object_get(res, "query"), "fallback")));
    json_decref(res);
}
END_TEST

START_TEST(test_did_you_mean)
{
    json_t *res = search_q("certifcate");
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")), "certificate");
    json_decref(res);
    res = search_q("certificate");
    ck_assert(json_is_null(json_object_get(res, "did_you_mean")));
    json_decref(res);
    /* Several words, one misspelt: the search widens to the others, and
     * still offers the spelling. */
    res = search_q("certifcate management");
    ck_assert(json_is_true(json_object_get(json_object_get(res, "query"), "relaxed")));
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")),
                     "certificate management");
    json_decref(res);
    /* A word typed as a name (capitals: SPDM got "spam", IoT "iotp") is
     * left alone, the other words are still corrected; typed in lower case
     * it is a word like any other, and a word in capitals with letters left
     * out (CYBR, AUDT) is still a typo. */
    res = search_q("ciber");
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")), "cyber");
    json_decref(res);
    static const char *const names[] = {"CIBER", "CIBERs", "CIBER2", "CiBER", "\"CIBER\""};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        res = search_q(names[i]);
        ck_assert_msg(json_is_null(json_object_get(res, "did_you_mean")), "%s corrected to %s",
                      names[i], json_string_value(json_object_get(res, "did_you_mean")));
        json_decref(res);
    }
    res = search_q("certifcate CIBER");
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")), "certificate CIBER");
    json_decref(res);
    res = search_q("CYBR");
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")), "cyber");
    json_decref(res);
    /* A word of a title is no typo, whatever its case: "spdm" (one title)
     * is not offered "spam" (two). A word of no title still is, and the
     * other words of the query are still corrected. */
    static const char *const words[] = {"spdm", "SPDM", "spdm,", "(spdm)"};
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        res = search_q(words[i]);
        ck_assert_msg(json_is_null(json_object_get(res, "did_you_mean")), "%s corrected to %s",
                      words[i], json_string_value(json_object_get(res, "did_you_mean")));
        json_decref(res);
    }
    res = search_q("spamm");
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")), "spam");
    json_decref(res);
    res = search_q("certifcate spdm");
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")), "certificate spdm");
    json_decref(res);
    /* Words of fewer than four letters are not in the spelling table, so
     * Xapian offered "keys" for "key". */
    res = search_q("certifcate key");
    ck_assert_str_eq(json_string_value(json_object_get(res, "did_you_mean")), "certificate key");
    json_decref(res);
}
END_TEST

/* The total is exact when counted (facets), and says when it is Xapian's
 * estimate (facets off: only the page is checked). */
START_TEST(test_total_exact)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "security";
    req.per_page = 1;
    json_t *counted = search_req(&req);
    ck_assert(json_is_true(json_object_get(counted, "total_exact")));
    req.facets = 0;
    json_t *page = search_req(&req);
    json_t *te = json_object_get(page, "total_exact");
    ck_assert(json_is_boolean(te));
    if (json_is_true(te))
        ck_assert_int_eq(total(page), total(counted));
    else
        ck_assert_int_ne(total(page), 0);
    /* Few matches: every one is checked, so exact either way. */
    req.q = "pinning";
    json_t *few = search_req(&req);
    ck_assert(json_is_true(json_object_get(few, "total_exact")));
    ck_assert_int_eq(total(few), 1);
    json_decref(counted);
    json_decref(page);
    json_decref(few);
}
END_TEST

/* exact_facets bounds the matches counted one by one: past it and half as
 * many again the facets are estimated (a sample) and say so; within it
 * they are the same as the default's. */
START_TEST(test_exact_facets_bound)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "";
    req.all_records = 1;
    req.per_page = 1;
    json_t *ref = search_req(&req);
    json_int_t n = total(ref);
    ck_assert_int_gt(n, 20);
    ck_assert(json_is_true(json_object_get(ref, "facets_exact")));
    /* n - 1 checked, the last one counted after them: still exact. */
    req.exact_facets = (unsigned)n - 1;
    json_t *near = search_req(&req);
    ck_assert(json_is_true(json_object_get(near, "facets_exact")));
    ck_assert(json_is_true(json_object_get(near, "total_exact")));
    ck_assert_int_eq(total(near), n);
    ck_assert(json_equal(json_object_get(near, "facets"), json_object_get(ref, "facets")));
    /* 2 checked, 1 more counted, a share of the rest: estimates, said so,
     * of values there are. */
    req.exact_facets = 2;
    json_t *est = search_req(&req);
    ck_assert(json_is_false(json_object_get(est, "facets_exact")));
    const char *field;
    json_t *counts;
    json_object_foreach(json_object_get(est, "facets"), field, counts) {
        const char *v;
        json_t *c;
        json_object_foreach(counts, v, c) {
            ck_assert_msg(json_object_get(json_object_get(json_object_get(ref, "facets"), field), v),
                          "%s=%s estimated but not there", field, v);
        }
    }
    json_decref(ref);
    json_decref(near);
    json_decref(est);
}
END_TEST

START_TEST(test_snippets_escaped_and_marked)
{
    json_t *res = search_q("pinning");
    ck_assert_int_eq(total(res), 1);
    const char *s = json_string_value(json_object_get(json_array_get(json_object_get(res, "results"), 0), "snippet"));
    ck_assert_ptr_nonnull(s);
    ck_assert_msg(strstr(s, "<mark>Pinning</mark>") != NULL, "%s", s);
    /* Escaped once: no raw markup, no double escaping. */
    ck_assert_msg(strstr(s, "&lt;script&gt;") != NULL, "%s", s);
    ck_assert_ptr_null(strstr(s, "<script"));
    ck_assert_ptr_null(strstr(s, "&amp;lt;"));
    ck_assert_msg(strstr(s, " &amp; ") != NULL, "%s", s);
    ck_assert_msg(strstr(s, "&quot;quoted&quot;") != NULL, "%s", s);
    json_decref(res);

    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "pinning";
    req.snippets = 0;
    res = search_req(&req);
    ck_assert_ptr_null(json_object_get(json_array_get(json_object_get(res, "results"), 0), "snippet"));
    json_decref(res);
}
END_TEST

START_TEST(test_html_escape)
{
    char *s = secstd_html_escape("<a href=\"x\">'&'</a> \x01hit\x02");
    ck_assert_str_eq(s, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt; <mark>hit</mark>");
    free(s);
    s = secstd_html_escape("");
    ck_assert_str_eq(s, "");
    free(s);
    s = secstd_html_escape(NULL);
    ck_assert_str_eq(s, "");
    free(s);
    s = secstd_html_escape("caf\xc3\xa9");
    ck_assert_str_eq(s, "caf\xc3\xa9");
    free(s);
}
END_TEST

START_TEST(test_result_shape)
{
    json_t *res = search_q("X.509");
    ck_assert_int_eq(json_integer_value(json_object_get(res, "page")), 1);
    ck_assert_int_eq(json_integer_value(json_object_get(res, "per_page")), 10);
    ck_assert_int_eq(json_integer_value(json_object_get(res, "generation")), 1);
    json_t *r = json_array_get(json_object_get(res, "results"), 0);
    static const char *const keys[] = {"id", "sdo", "type", "title", "status", "date", "url",
                                       "areas", "score", "exact", "snippet"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        ck_assert_msg(json_object_get(r, keys[i]) != NULL, "result lacks %s", keys[i]);
    ck_assert_str_eq(json_string_value(json_object_get(r, "sdo")), "ITU-T");
    ck_assert(json_array_size(json_object_get(r, "areas")) > 0);
    static const char *const facets[] = {"sdo", "area", "status", "year"};
    for (size_t i = 0; i < 4; i++)
        ck_assert(json_is_object(json_object_get(json_object_get(res, "facets"), facets[i])));
    json_decref(res);
}
END_TEST

/* Date filters against an independent count: a record dated to the year,
 * month or day spans that year, month or day, and matches when the span
 * overlaps [from, to] (each bound taken as the whole period it names).
 * Forty years of records, so that short windows (answered with year
 * terms) and long ones (with the date slot's value range) both run, with
 * bounds inside a year, open ends, and a window past the last year. */
static long span_key(const char *date, int end)
{
    int y = 0, m = 0, d = 0;
    sscanf(date, "%d-%d-%d", &y, &m, &d);
    return (long)y * 10000 + (m ? m : end ? 12 : 1) * 100 + (d ? d : end ? 31 : 1);
}

START_TEST(test_date_windows_counted)
{
    char *dir = tu_mkdtemp();
    char *records = tu_strdupf("%s/records", dir);
    ck_assert_int_eq(mkdir(records, 0755), 0);
    free(records);
    char dates[120][16];
    size_t n = 0, len = 0;
    char *body = calloc(120, 200);
    ck_assert_ptr_nonnull(body);
    for (int y = 1990; y < 2030; y++) {
        snprintf(dates[n++], sizeof dates[0], "%d", y);
        snprintf(dates[n++], sizeof dates[0], "%d-%02d", y, y % 12 + 1);
        snprintf(dates[n++], sizeof dates[0], "%d-%02d-%02d", y, (y * 7) % 12 + 1, y % 28 + 1);
    }
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(body + len, 200, "{\"id\":\"RFC %zu\",\"sdo\":\"IETF\",\"title\":"
                                "\"Security of dated thing %zu\",\"date\":\"%s\"}\n",
                                20000 + i, i, dates[i]);
    fx_write_records(dir, "dated.jsonl", body);
    free(body);
    secstd_index *idx = fx_build_open(dir);

    static const char *const windows[][2] = {
        {"2023", "2023"},       {"2024-03", "2024-03"}, {"2019-02-15", "2019-03-31"},
        {"2020-06", "2024-02-10"}, {"2025", NULL},      {NULL, "1992-07"},
        {"2000", "2020"},       {"1990", NULL},         {"1992-07-04", "2027-11"},
        {NULL, "2010-05"},      {"2029-12-31", NULL},   {"2031", NULL},
        {"2011-08", "2011-08-15"}, {"1995-06", "2004"},
    };
    for (size_t w = 0; w < sizeof windows / sizeof *windows; w++) {
        const char *from = windows[w][0], *to = windows[w][1];
        long fs = from ? span_key(from, 0) : 0, te = to ? span_key(to, 1) : 99999999;
        int expect = 0;
        for (size_t i = 0; i < n; i++)
            expect += span_key(dates[i], 0) <= te && span_key(dates[i], 1) >= fs;
        secstd_search_request req;
        secstd_search_request_init(&req);
        req.q = "";
        req.all_records = 1;
        req.from = from;
        req.to = to;
        json_t *res = NULL;
        const char *param = NULL;
        char err[512] = "";
        ck_assert_int_eq(secstd_search(idx, &req, &res, &param, err, sizeof err), SECSTD_OK);
        ck_assert_msg(total(res) == expect, "from %s to %s: %lld, expected %d", from ? from : "-",
                      to ? to : "-", (long long)total(res), expect);
        /* The same window with a body filter as well. */
        req.sdo.values[0] = "IETF";
        req.sdo.count = 1;
        json_t *res2 = NULL;
        ck_assert_int_eq(secstd_search(idx, &req, &res2, &param, err, sizeof err), SECSTD_OK);
        ck_assert_int_eq(total(res2), expect);
        json_decref(res2);
        json_decref(res);
    }
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The answer to q on idx as JSON text (malloc'ed); it finds something. */
static char *answer_text(secstd_index *idx, const char *q)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = q;
    json_t *res = NULL;
    const char *param = NULL;
    char err[256];
    ck_assert_int_eq(secstd_search(idx, &req, &res, &param, err, sizeof err), SECSTD_OK);
    ck_assert_int_gt(json_array_size(json_object_get(res, "results")), 0);
    char *text = json_dumps(res, JSON_COMPACT);
    json_decref(res);
    return text;
}

/* Hits from an index whose documents hold their records as whole JSON
 * and no head (as the first schema stored them): the same answers as
 * from the binary head that secstd_record_hit reads in place. */
START_TEST(test_hits_from_whole_json_records)
{
    static const char *const queries[] = {"security", "RFC 5280", "certificate", "encryption"};
    enum { NQ = sizeof queries / sizeof *queries };
    char *dir = fx_data_dir();
    secstd_index *idx = fx_build_open(dir);
    char *before[NQ];
    for (size_t i = 0; i < NQ; i++)
        before[i] = answer_text(idx, queries[i]);
    secstd_index_free(idx);

    /* Every document rewritten with the same terms and values, its record
     * as whole JSON data and no head slot. */
    char *index = fx_path(dir, "index");
    char *gen = tu_strdupf("%s/gen-%06u", index, secstd_index_current_generation(index));
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(gen, &db), SECSTD_OK);
    unsigned count = 0;
    ck_assert_int_eq(xap_db_doccount(db, &count), SECSTD_OK);
    json_t *recs = json_array();
    for (unsigned docid = 1; json_array_size(recs) < count && docid < 10 * count + 10; docid++) {
        char *data = NULL;
        size_t len = 0;
        if (xap_db_get_data(db, docid, &data, &len) != SECSTD_OK)
            continue;
        json_t *rec = secstd_record_decode(data, len, 0);
        ck_assert_ptr_nonnull(rec);
        json_array_append_new(recs, rec);
        free(data);
    }
    xap_db_free(db);
    ck_assert_uint_eq(json_array_size(recs), count);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(gen, &w), SECSTD_OK);
    size_t i;
    json_t *rec;
    json_array_foreach(recs, i, rec) {
        char key[512], term[XAP_MAX_TERM + 1];
        secstd_ident_value(json_string_value(json_object_get(rec, "id")),
                           json_string_value(json_object_get(rec, "sdo")), key, sizeof key);
        xap_doc *doc = xap_doc_new();
        ck_assert_int_eq(secstd_doc_from_record_key(rec, key, doc), SECSTD_OK);
        char *whole = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
        ck_assert_int_eq(xap_doc_add_value(doc, XAP_HEAD_SLOT, ""), SECSTD_OK);   /* removed */
        ck_assert_int_eq(xap_doc_set_data(doc, whole, strlen(whole), 0), SECSTD_OK);
        ck_assert_int_eq(xap_writer_replace(w, secstd_term(SECSTD_FIELD_ID, key, term, sizeof term),
                                            doc),
                         SECSTD_OK);
        xap_doc_free(doc);
        free(whole);
    }
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    json_decref(recs);

    idx = fx_open(dir);
    ck_assert_int_eq(xap_db_open(gen, &db), SECSTD_OK);
    char *head = NULL;
    size_t hlen = 0;
    ck_assert_int_eq(xap_db_get_head(db, 1, &head, &hlen), SECSTD_OK);
    ck_assert_msg(hlen > 0 && head[0] == '{', "document 1 still has a head");
    free(head);
    xap_db_free(db);
    for (size_t q = 0; q < NQ; q++) {
        char *after = answer_text(idx, queries[q]);
        /* The generation number is the same; everything else must be. */
        ck_assert_msg(strcmp(before[q], after) == 0, "\"%s\":\n%s\n%s", queries[q], before[q], after);
        free(after);
        free(before[q]);
    }
    secstd_index_free(idx);
    tu_rmtree(dir);
    free(gen);
    free(index);
    free(dir);
}
END_TEST

/* Ranked by relevance, a current standard comes before a superseded one
 * of about the same relevance (SECSTD_CURRENT_WEIGHT); an identifier
 * still finds its standard first, and a status filter still finds it.
 * The superseded hit names its successor. */
static json_t *search_in(secstd_index *idx, const char *q, const char *status, const char *status2)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = q;
    req.status.values[0] = status;
    req.status.values[1] = status2;
    req.status.count = (status != NULL) + (status2 != NULL);
    json_t *res = NULL;
    const char *param = NULL;
    char err[1024] = "";
    ck_assert_msg(secstd_search(idx, &req, &res, &param, err, sizeof err) == SECSTD_OK, "%s: %s", q, err);
    return res;
}

static double result_score(const json_t *res, size_t i)
{
    return json_real_value(json_object_get(json_array_get(json_object_get(res, "results"), i), "score"));
}

START_TEST(test_current_first)
{
    char *dir = fx_data_dir();
    /* The same title; the superseded text says the words more often, so
     * BM25 alone ranks it first. Three more standards on quantum widgets,
     * not on escrow. */
    fx_write_records(dir, "editions.jsonl",
                     "{\"id\":\"ITU-T X.9901\",\"sdo\":\"ITU-T\",\"title\":\"Escrow of "
                     "cryptographic keys for quantum widgets\",\"abstract\":\"Escrow of keys for "
                     "quantum widgets: how a quantum widget puts its keys in escrow.\",\"status\":"
                     "\"superseded\",\"date\":\"2001-01\",\"relations\":{\"superseded_by\":"
                     "[\"ITU-T X.9902\"]}}\n"
                     "{\"id\":\"ITU-T X.9902\",\"sdo\":\"ITU-T\",\"title\":\"Escrow of "
                     "cryptographic keys for quantum widgets\",\"abstract\":\"Requirements for "
                     "the escrow service and its operators.\",\"status\":\"published\",\"date\":"
                     "\"2021-01\"}\n"
                     "{\"id\":\"ITU-T X.9903\",\"sdo\":\"ITU-T\",\"title\":\"Cryptographic "
                     "key management for quantum widget fleets\",\"status\":\"published\"}\n"
                     "{\"id\":\"ITU-T X.9904\",\"sdo\":\"ITU-T\",\"title\":\"Cryptographic "
                     "algorithms in a quantum widget\",\"status\":\"published\"}\n"
                     "{\"id\":\"ITU-T X.9905\",\"sdo\":\"ITU-T\",\"title\":\"Quantum widget "
                     "cryptographic module testing\",\"status\":\"in-development\"}\n");
    secstd_index *idx = fx_build_open(dir);

    /* Five standards have both words: ranked as they are. */
    json_t *res = search_in(idx, "quantum widget", NULL, NULL);
    ck_assert_int_eq(total(res), 5);
    ck_assert(!json_is_true(json_object_get(json_object_get(res, "query"), "relaxed")));
    size_t cur = 9, sup = 9;
    for (size_t i = 0; i < 5; i++) {
        if (strcmp(result_id(res, i), "ITU-T X.9902") == 0)
            cur = i;
        if (strcmp(result_id(res, i), "ITU-T X.9901") == 0)
            sup = i;
    }
    ck_assert_msg(cur < sup, "published at %zu, superseded at %zu", cur, sup);
    /* The superseded text is the better match: only the prior put the
     * published one ahead. */
    double current = result_score(res, cur), superseded = result_score(res, sup);
    ck_assert_msg(current - SECSTD_CURRENT_WEIGHT < superseded && current > superseded,
                  "scores %f (published) and %f (superseded)", current, superseded);
    /* The superseded hit names what replaced it; the current one has no
     * such key. */
    json_t *hits = json_object_get(res, "results");
    json_t *by = json_object_get(json_array_get(hits, sup), "superseded_by");
    ck_assert_int_eq(json_array_size(by), 1);
    ck_assert_str_eq(json_string_value(json_array_get(by, 0)), "ITU-T X.9902");
    ck_assert_ptr_null(json_object_get(json_array_get(hits, cur), "superseded_by"));
    json_decref(res);

    /* Two have all three words: widened to the others, those two first,
     * still in that order (the prior is weighted up with them). */
    res = search_in(idx, "quantum widget escrow", NULL, NULL);
    ck_assert(json_is_true(json_object_get(json_object_get(res, "query"), "relaxed")));
    ck_assert_int_ge(total(res), 5);
    ck_assert_str_eq(result_id(res, 0), "ITU-T X.9902");
    ck_assert_str_eq(result_id(res, 1), "ITU-T X.9901");
    json_decref(res);

    /* An identifier still finds its standard first; the status filter
     * still finds it. */
    res = search_in(idx, "ITU-T X.9901", NULL, NULL);
    ck_assert_str_eq(result_id(res, 0), "ITU-T X.9901");
    json_decref(res);
    res = search_in(idx, "quantum widget", "superseded", NULL);
    ck_assert_int_eq(total(res), 1);
    ck_assert_str_eq(result_id(res, 0), "ITU-T X.9901");
    json_decref(res);
    /* Both kinds let through: still the published one first. */
    res = search_in(idx, "escrow", "superseded", "published");
    ck_assert_int_eq(total(res), 2);
    ck_assert_str_eq(result_id(res, 0), "ITU-T X.9902");
    json_decref(res);

    secstd_index_free(idx);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* The same answers, searches and more-like-this, whether a generation's
 * hits are read from its heads file or from Xapian. */
START_TEST(test_answers_without_heads_file)
{
    static const char *const queries[] = {"security", "RFC 5280", "certificate", "encryption"};
    static const char *const similar[] = {"RFC 5280", "ISO/IEC 27001"};
    enum { NQ = sizeof queries / sizeof *queries, NS = sizeof similar / sizeof *similar };
    char *dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(dir, &sum);
    json_decref(sum.changes);
    char *texts[2][NQ + NS];
    char *file = fx_path(dir, "index/current/" XAP_HEADS_FILE);
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1)
            ck_assert_int_eq(unlink(file), 0);
        secstd_index *idx = fx_open(dir);
        if (pass == 0)
            ck_assert_uint_gt(xap_db_heads(secstd_index_db(idx)), 0);
        else
            ck_assert_uint_eq(xap_db_heads(secstd_index_db(idx)), 0);
        for (size_t i = 0; i < NQ; i++)
            texts[pass][i] = answer_text(idx, queries[i]);
        for (size_t i = 0; i < NS; i++) {
            json_t *out = NULL;
            ck_assert_int_eq(secstd_index_similar(idx, similar[i], 10, &out), SECSTD_OK);
            ck_assert_int_gt(json_array_size(json_object_get(out, "results")), 0);
            texts[pass][NQ + i] = json_dumps(out, JSON_COMPACT);
            json_decref(out);
        }
        secstd_index_free(idx);
    }
    for (size_t i = 0; i < NQ + NS; i++) {
        ck_assert_msg(strcmp(texts[0][i], texts[1][i]) == 0, "%s:\n%s\n%s",
                      i < NQ ? queries[i] : similar[i - NQ], texts[0][i], texts[1][i]);
        free(texts[0][i]);
        free(texts[1][i]);
    }
    free(file);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

static Suite *query_suite(void)
{
    Suite *s = suite_create("query");
    TCase *t = tcase_create("query");
    tcase_set_timeout(t, 120);
    tcase_add_unchecked_fixture(t, suite_setup, suite_teardown);
    tcase_add_test(t, test_identifier_first);
    tcase_add_test(t, test_fielded_syntax);
    tcase_add_test(t, test_field_stemming);
    tcase_add_test(t, test_synonyms_on_off);
    tcase_add_test(t, test_plural_acronyms);
    tcase_add_test(t, test_filters_or_within_and_across);
    tcase_add_test(t, test_date_bounds_and_sort);
    tcase_add_test(t, test_date_windows_counted);
    tcase_add_test(t, test_paging_stable_disjoint);
    tcase_add_test(t, test_disjunctive_facets);
    tcase_add_test(t, test_validation_errors);
    tcase_add_test(t, test_syntax_error_fallback);
    tcase_add_test(t, test_did_you_mean);
    tcase_add_test(t, test_total_exact);
    tcase_add_test(t, test_exact_facets_bound);
    tcase_add_test(t, test_snippets_escaped_and_marked);
    tcase_add_test(t, test_html_escape);
    tcase_add_test(t, test_result_shape);
    tcase_add_test(t, test_ignored_words);
    tcase_add_test(t, test_hits_from_whole_json_records);
    tcase_add_test(t, test_answers_without_heads_file);
    tcase_add_test(t, test_current_first);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(query_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
