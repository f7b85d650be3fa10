/* check_parse_ietf_txt.c — the ietf-txt parser (crawlers/parse_ietf_txt.c)
 * on the real rfc-index.txt / rfc-index-latest.txt and on fixtures. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parsetest.h"

/* SOURCES.md: 10018 entries "incl. 189 Not Issued". grep counts 189
 * "Not Issued" lines, but one is the header's format example
 * ("  ####  Not Issued."): 188 entries are not issued, so
 * 10018 - 188 = 9830 records. */
START_TEST(real_full_index)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("ietf-txt", "ietf/rfc-index.txt", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 9830);

    json_t *r = pt_get(c, "RFC 8446");
    ck_assert_str_eq(pt_str(r, "title"), "The Transport Layer Security (TLS) Protocol Version 1.3");
    ck_assert(pt_has(r, "authors", "E. Rescorla"));
    ck_assert_str_eq(pt_str(r, "date"), "2018-08");
    ck_assert_str_eq(pt_str(r, "status"), "superseded"); /* obsoleted by RFC 9846 */
    ck_assert(pt_has(r, "relations.superseded_by", "RFC 9846"));
    ck_assert(pt_has(r, "relations.supersedes", "RFC 5077"));
    ck_assert(pt_has(r, "relations.supersedes", "RFC 6961"));
    ck_assert(pt_has(r, "relations.updates", "RFC 6066"));
    ck_assert(pt_has(r, "aliases", "10.17487/RFC8446"));
    ck_assert(pt_has(r, "hints", "ietf-status:proposed-standard"));

    r = pt_get(c, "RFC 5280");
    ck_assert_str_eq(pt_str(r, "title"),
                     "Internet X.509 Public Key Infrastructure Certificate and Certificate "
                     "Revocation List (CRL) Profile");
    ck_assert(pt_has(r, "authors", "D. Cooper"));
    ck_assert(pt_has(r, "authors", "W. Polk"));
    ck_assert(pt_has(r, "relations.updated_by", "RFC 10007"));
    ck_assert_str_eq(pt_str(r, "status"), "published");

    r = pt_get(c, "RFC 9325");
    ck_assert(pt_has(r, "aliases", "BCP 195"));
    ck_assert(pt_has(r, "authors", "P. Saint-Andre")); /* wrapped at the hyphen */

    ck_assert_str_eq(pt_str(pt_get(c, "RFC 1"), "title"), "Host Software");
    ck_assert_str_eq(pt_str(pt_get(c, "RFC 1"), "date"), "1969-04");
    ck_assert(pt_has(pt_get(c, "RFC 5339"), "authors", "JL. Le Roux, Ed."));
    ck_assert_str_eq(pt_str(pt_get(c, "RFC 10036"), "title"), "Incremental Forwarding of HTTP Messages");
    secstd_collector_free(c);
}
END_TEST

/* The text and XML indexes agree on the 47 RFCs of the XML excerpt. */
START_TEST(agrees_with_xml)
{
    secstd_collector *t = secstd_collector_new(), *x = secstd_collector_new();
    pt_run_shared("ietf-txt", "ietf/rfc-index.txt", PT_FIXTURE_URL, t);
    pt_run_shared("ietf-xml", "ietf/rfc-index.excerpt.xml", PT_FIXTURE_URL, x);
    json_t *recs = secstd_collector_records(x);
    size_t i;
    json_t *xr;
    json_array_foreach(recs, i, xr) {
        json_t *tr = pt_get(t, pt_str(xr, "id"));
        ck_assert_str_eq(pt_str(tr, "title"), pt_str(xr, "title"));
        ck_assert_str_eq(pt_str(tr, "date"), pt_str(xr, "date"));
    }
    json_decref(recs);
    secstd_collector_free(t);
    secstd_collector_free(x);
}
END_TEST

START_TEST(real_latest)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("ietf-txt", "ietf/rfc-index-latest.txt", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 17); /* SOURCES.md: 17 entries */
    ck_assert(pt_has(pt_get(c, "RFC 9991"), "relations.supersedes", "RFC 7489"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(fixture_day_not_issued_historic)
{
    const char *doc = "header\n\n"
                      "0748 Telnet randomly-lose option. M.R. Crispin. 1 April 1978. (Format:\n"
                      "     TXT, HTML) (Status: UNKNOWN) (DOI: 10.17487/RFC0748)\n\n"
                      "0749 Not Issued.\n\n"
                      "0750 Old thing. Network Information Center. Stanford Research Institute.\n"
                      "     May 1978. (Format: TXT) (Also STD0007) (Status: HISTORIC)\n";
    secstd_collector *c = secstd_collector_new();
    char err[256];
    ck_assert_int_eq(pt_run_text("ietf-txt", doc, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 2);
    ck_assert_str_eq(pt_str(pt_get(c, "RFC 748"), "date"), "1978-04-01");
    json_t *r = pt_get(c, "RFC 750");
    ck_assert_str_eq(pt_str(r, "title"), "Old thing");
    ck_assert_str_eq(pt_str(r, "status"), "historic");
    ck_assert(pt_has(r, "aliases", "STD 7"));
    ck_assert_ptr_null(secstd_collector_get(c, "RFC 749"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed_and_wrong_format)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    const char *nodate = "\n\n8446 The TLS Protocol. E. Rescorla. (Status: PROPOSED STANDARD)\n";
    ck_assert_int_eq(pt_run_text("ietf-txt", nodate, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 3") && strstr(err, "8446"), "err: %s", err);
    const char *badgroup = "1 Host Software. S. Crocker. April 1969. (Format: TXT) (Bogus x)\n";
    ck_assert_int_eq(pt_run_text("ietf-txt", badgroup, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 1") != NULL, "err: %s", err);
    ck_assert_int_eq(pt_run_text("ietf-txt", "<?xml version='1.0'?><rfc-index/>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_int_eq(pt_run("ietf-txt", "", 0, PT_FIXTURE_URL, c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    /* invalid UTF-8 bytes are repaired, not passed on */
    secstd_collector *c2 = secstd_collector_new();
    const char *latin1 = "5 Caf\xe9 notes. J. Doe. May 1970. (Status: UNKNOWN)\n";
    ck_assert_int_eq(pt_run_text("ietf-txt", latin1, c2, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c2), 1);
    ck_assert_str_eq(pt_str(pt_get(c2, "RFC 5"), "title"), "Caf\xc3\xa9 notes");
    secstd_collector_free(c2);
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_ietf_txt");
    TCase *tc = tcase_create("ietf-txt");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, real_full_index);
    tcase_add_test(tc, agrees_with_xml);
    tcase_add_test(tc, real_latest);
    tcase_add_test(tc, fixture_day_not_issued_historic);
    tcase_add_test(tc, malformed_and_wrong_format);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
