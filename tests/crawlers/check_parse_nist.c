/* check_parse_nist.c — the nist-json (crawlers/parse_nist_json.c) and
 * nist-mods (crawlers/parse_nist_mods.c) parsers on the real CSRC export
 * and MODS sample, and on fixtures. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parsetest.h"

/* SOURCES.md: 924 publication iterations. They collapse to 493 records:
 * one per docidentifier after removing its edition marker (" Rev. N",
 * " Version N", " Revision (r)", " EN"): drafts (ipd/2pd/...), updates of
 * a final and revisions attach to their base as editions. (Checked
 * independently: 492 distinct bases in the file; the three parts of SP
 * 800-73-5 share one docidentifier and are three records, and the Part 1
 * Rev. 6 draft of SP 800-57, given "SP 800-57 Rev. 6", joins Part 1.) */
START_TEST(real_export)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("nist-json", "nist/csrc-pubs-export.json", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 493);

    json_t *r = pt_get(c, "NIST SP 800-207");
    ck_assert_str_eq(pt_str(r, "sdo"), "NIST");
    ck_assert_str_eq(pt_str(r, "title"), "Zero Trust Architecture");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2020-08-11");
    ck_assert_str_eq(pt_str(r, "url"), "https://csrc.nist.gov/pubs/sp/800/207/final");
    ck_assert(pt_has(r, "aliases", "10.6028/NIST.SP.800-207"));
    ck_assert(pt_has(r, "keywords", "zero trust"));
    ck_assert(pt_has(r, "authors", "Scott W. Rose"));
    ck_assert_uint_eq(json_array_size(json_object_get(r, "editions")), 2); /* ipd, 2pd */

    r = pt_get(c, "NIST SP 800-63-3");
    ck_assert_str_eq(pt_str(r, "status"), "superseded");
    ck_assert_str_eq(pt_str(r, "date"), "2020-03-02"); /* upd2, the newest final */
    ck_assert(pt_has(r, "relations.superseded_by", "NIST SP 800-63-4"));
    ck_assert(pt_has(r, "relations.supersedes", "NIST SP 800-63-2"));
    ck_assert(!pt_has(r, "keywords", "&nbsp"));

    r = pt_get(c, "NIST SP 800-63-4");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert(pt_has(r, "relations.supersedes", "NIST SP 800-63-3"));

    /* revisions collapse: Rev. 5 is the record, older ones are editions */
    r = pt_get(c, "NIST SP 800-53");
    ck_assert_str_eq(pt_str(r, "edition"), "Rev. 5");
    ck_assert_str_eq(pt_str(r, "status"), "published");

    /* A supplement (same docidentifier, uri .../sup/final, newer than the
     * publication's finals) is an edition, not the record. */
    r = pt_get(c, "NIST SP 800-63B");
    ck_assert_str_eq(pt_str(r, "title"),
                     "Digital Identity Guidelines: Authentication and Lifecycle Management");
    ck_assert_str_eq(pt_str(r, "date"), "2020-03-02");
    ck_assert_str_eq(pt_str(r, "url"), "https://csrc.nist.gov/pubs/sp/800/63/b/upd2/final");
    int found = 0;
    size_t k;
    json_t *ed;
    json_array_foreach(json_object_get(r, "editions"), k, ed) {
        const char *eid = json_string_value(json_object_get(ed, "id"));
        if (eid && strcmp(eid, "NIST SP 800-63B Supplement 1") == 0) {
            found = 1;
            ck_assert_str_eq(json_string_value(json_object_get(ed, "edition")), "Supplement 1");
            ck_assert_str_eq(json_string_value(json_object_get(ed, "date")), "2024-04-22");
            /* its own title stays on the edition (searchable there) */
            ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(ed, "title")),
                                         "Syncable Authenticators"));
        }
    }
    ck_assert_msg(found, "no Supplement 1 edition of NIST SP 800-63B");
    ck_assert(pt_has(r, "aliases", "10.6028/NIST.SP.800-63Bsup1")); /* its DOI finds it */
    r = pt_get(c, "NIST SP 800-38A");
    ck_assert_str_eq(pt_str(r, "url"), "https://csrc.nist.gov/pubs/sp/800/38/a/final");
    ck_assert_str_eq(pt_str(r, "title"),
                     "Recommendation for Block Cipher Modes of Operation: Methods and Techniques");

    /* Parts the export gives one docidentifier, told apart by their uri
     * (.../800/73/pt2/5/final): three records, each its own title, and
     * the publication they replace superseded by all three. */
    static const char *const parts[] = {"Part 1 – PIV Card Application Namespace",
                                        "Part 2 – PIV Card Application Card Command",
                                        "Part 3 – PIV Client Application Programming"};
    for (int i = 0; i < 3; i++) {
        char id[64], url[96];
        snprintf(id, sizeof id, "NIST SP 800-73-5 Part %d", i + 1);
        snprintf(url, sizeof url, "https://csrc.nist.gov/pubs/sp/800/73/pt%d/5/final", i + 1);
        r = pt_get(c, id);
        ck_assert_str_eq(pt_str(r, "url"), url);
        ck_assert_ptr_nonnull(strstr(pt_str(r, "title"), parts[i]));
        ck_assert_uint_eq(json_array_size(json_object_get(r, "editions")), 1); /* its ipd */
        ck_assert(pt_has(r, "relations.supersedes", "NIST SP 800-73-4"));
        ck_assert(pt_has(pt_get(c, "NIST SP 800-73-4"), "relations.superseded_by", id));
    }
    ck_assert_ptr_null(secstd_collector_get(c, "NIST SP 800-73-5"));
    /* The Part 1 Rev. 6 draft is an edition of Part 1, not a record "SP
     * 800-57" of its own. */
    ck_assert_ptr_null(secstd_collector_get(c, "NIST SP 800-57"));
    found = 0;
    json_array_foreach(json_object_get(pt_get(c, "NIST SP 800-57 Part 1"), "editions"), k, ed) {
        const char *eid = json_string_value(json_object_get(ed, "id"));
        found |= eid && strcmp(eid, "NIST SP 800-57 Part 1 Rev. 6 (ipd)") == 0;
    }
    ck_assert_msg(found, "no Rev. 6 draft edition of NIST SP 800-57 Part 1");

    /* withdrawn without successor */
    r = pt_get(c, "NIST SP 800-1");
    ck_assert_str_eq(pt_str(r, "status"), "withdrawn");
    ck_assert_str_eq(pt_str(pt_get(c, "NIST FIPS 140-2"), "status"), "published");
    ck_assert(pt_has(pt_get(c, "NIST FIPS 140-2"), "relations.superseded_by", "NIST FIPS 140-3"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(drafts_fixture)
{
    const char *doc =
        "[{\"series\":\"nist-sp\",\"docidentifier\":\"SP 800-999\",\"title-main\":\"Only a draft\","
        "\"iteration\":\"ipd\",\"status\":\"draft-public\",\"substage\":\"active\",\"published-date\":\"2025-01-02\","
        "\"uri\":\"https://csrc.nist.gov/pubs/sp/800/999/ipd\"},"
        "{\"series\":\"nist-fips\",\"docidentifier\":\"FIPS 999\",\"title-main\":\"Final\",\"title-sub\":\"Sub\","
        "\"iteration\":\"final\",\"status\":\"final\",\"substage\":\"active\",\"published-date\":\"2020-01-01\"},"
        "{\"series\":\"nist-fips\",\"docidentifier\":\"FIPS 999\",\"title-main\":\"Final draft rev\","
        "\"iteration\":\"ipd\",\"status\":\"draft-public\",\"substage\":\"active\",\"published-date\":\"2026-01-01\"}]";
    secstd_collector *c = secstd_collector_new();
    char err[256];
    ck_assert_int_eq(pt_run_text("nist-json", doc, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 2);
    ck_assert_str_eq(pt_str(pt_get(c, "NIST SP 800-999"), "status"), "in-development");
    json_t *f = pt_get(c, "NIST FIPS 999");
    ck_assert_str_eq(pt_str(f, "status"), "published"); /* the open draft does not take over */
    ck_assert_str_eq(pt_str(f, "title"), "Final: Sub");
    ck_assert_uint_eq(json_array_size(json_object_get(f, "editions")), 1);
    secstd_collector_free(c);
}
END_TEST

START_TEST(json_malformed_and_wrong_format)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    ck_assert_int_eq(pt_run_text("nist-json", "[{\"docidentifier\": \"SP 1\",\n \"title-main\": }]", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 2") != NULL, "err: %s", err);
    ck_assert_int_eq(pt_run_text("nist-json", "{\"shortname\": \"webauthn-3\"}", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_int_eq(pt_run_text("nist-json", "[{\"docidentifier\": \"SP 1\"}]", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "element 0") && strstr(err, "title-main"), "err: %s", err);
    ck_assert_int_eq(pt_run_text("nist-json", "<?xml version='1.0'?><x/>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    secstd_collector_free(c);
}
END_TEST

/* SOURCES.md: 2 <mods> records, NIST IR 6229 and 6230. */
START_TEST(real_mods)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("nist-mods", "nist/nist-tech-pubs-MODS.sample.xml", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 2);
    json_t *r = pt_get(c, "NIST IR 6229");
    ck_assert_str_eq(pt_str(r, "title"), "Lean flammability limit as a fundamental refrigerant property");
    ck_assert_str_eq(pt_str(r, "date"), "1998");
    ck_assert_str_eq(pt_str(r, "url"), "https://doi.org/10.6028/NIST.IR.6229");
    ck_assert(pt_has(r, "aliases", "10.6028/NIST.IR.6229"));
    ck_assert(pt_has(r, "authors", "Grosshandler, William Lytle"));
    ck_assert_uint_eq(json_array_size(json_object_get(r, "authors")), 3); /* main entry deduplicated */
    ck_assert(pt_has(r, "keywords", "Refrigerants"));
    ck_assert_ptr_nonnull(secstd_collector_get(c, "NIST IR 6230"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(mods_hostile_and_malformed)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    char *bl = tu_strdupf("%s<modsCollection><mods><titleInfo><title>&lol9;</title></titleInfo></mods></modsCollection>",
                          pt_billion_laughs);
    ck_assert_int_eq(pt_run_text("nist-mods", bl, c, err, sizeof err), SECSTD_ERR_TOO_LARGE);
    free(bl);
    char *dir;
    char *secret = pt_secret_file(&dir, "MODS-SECRET-7");
    char *xxe = pt_xxe_doc(secret, "<modsCollection><mods><titleInfo><title>",
                           "</title></titleInfo><location><url>https://doi.org/10.6028/NIST.IR.1</url></location></mods></modsCollection>");
    ck_assert_int_ne(pt_run_text("nist-mods", xxe, c, err, sizeof err), SECSTD_OK);
    ck_assert(!pt_any_contains(c, "MODS-SECRET"));
    ck_assert_ptr_null(strstr(err, "MODS-SECRET"));
    free(xxe);
    free(secret);
    tu_rmtree(dir);
    free(dir);
    const char *noseries = "<?xml version='1.0'?>\n<modsCollection>\n<mods><titleInfo><title>T</title></titleInfo></mods></modsCollection>";
    ck_assert_int_eq(pt_run_text("nist-mods", noseries, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 3") != NULL, "err: %s", err);
    ck_assert_int_eq(pt_run_text("nist-mods", "<?xml version='1.0'?><modsCollection><mods>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_int_eq(pt_run_text("nist-mods", "<?xml version='1.0'?><rfc-index/>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_nist");
    TCase *tc = tcase_create("nist");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, real_export);
    tcase_add_test(tc, drafts_fixture);
    tcase_add_test(tc, json_malformed_and_wrong_format);
    tcase_add_test(tc, real_mods);
    tcase_add_test(tc, mods_hostile_and_malformed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
