/* check_parse_oasis_html.c — OASIS standards-listing fragments
 * (oasis/standards-page-fragments, SOURCES.md: 5 files, one standard
 * each, so 5 records: AMQP v1.0, CIQ, CSAF v2.0, MQTT v5.0, OData JSON
 * Format v4.0). */
#include "parsetest.h"

static const char *const files[] = {"amqp-v10.html", "ciq-v10.html", "csaf-v20.html",
                                    "mqtt-v50.html", "odata-json-format-40.html"};

START_TEST(all_fragments)
{
    secstd_collector *c = secstd_collector_new();
    for (size_t i = 0; i < 5; i++) {
        char *rel = tu_strdupf("oasis/standards-page-fragments/%s", files[i]);
        pt_run_shared("oasis-html", rel, "https://www.oasis-open.org/standards/", c);
        free(rel);
    }
    ck_assert_uint_eq(pt_validate_all(c), 5);
    json_t *m = pt_get(c, "OASIS mqtt-v5.0");
    ck_assert(pt_has(m, "keywords", "Internet of Things"));
    ck_assert(pt_has(m, "keywords", "messaging"));
    ck_assert_str_eq(pt_str(m, "type"), "OASIS Standard");
    /* AMQP's six part labels: the first is the id, the others aliases. */
    json_t *a = pt_get(c, "OASIS amqp-core-overview-v1.0");
    ck_assert(pt_has(a, "aliases", "OASIS amqp-core-security-v1.0"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(csaf_v20)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("oasis-html", "oasis/standards-page-fragments/csaf-v20.html", NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "OASIS csaf-v2.0");
    ck_assert_str_eq(pt_str(r, "sdo"), "OASIS");
    ck_assert_str_eq(pt_str(r, "title"), "Common Security Advisory Framework Version 2.0");
    ck_assert_str_eq(pt_str(r, "date"), "2022-06-29"); /* data-approved_date 1656460800 */
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "type"), "Committee Specification");
    ck_assert_str_eq(pt_str(r, "group"), "Common Security Advisory Framework (CSAF) TC");
    ck_assert(pt_has(r, "keywords", "cybersecurity"));
    ck_assert(pt_has(r, "hints", "oasis-technology:cybersec"));
    ck_assert_str_eq(pt_str(r, "url"), "https://docs.oasis-open.org/csaf/csaf/v2.0/csaf-v2.0.html");
    ck_assert(strncmp(pt_str(r, "abstract"), "A language to exchange Security Advisories", 42) == 0);
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed)
{
    static const char *const bad[] = {
        "",
        "<html><body><p>no standards here</p></body></html>",
        /* an entry without a citation label */
        "<details data-title=\"X\" data-approved_date=\"1\" class=\"filterable__item standard\">"
        "<h2 class=\"standard__title\">X</h2></details>",
        /* truncated: the label never closes */
        "<details data-title=\"Y\" class=\"filterable__item standard\"><h2 class=\"standard__title\">Y</h2>"
        "<div class=\"standard__grid--cite-as\"><p><strong>[y-v1",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        secstd_collector *c = secstd_collector_new();
        char err[300];
        secstd_status st = pt_run_text("oasis-html", bad[i], c, err, sizeof err);
        ck_assert_msg(st == SECSTD_ERR_PARSE, "fixture %zu: %s", i, secstd_status_to_string(st));
        ck_assert(err[0] != '\0');
        secstd_collector_free(c);
    }
}
END_TEST

START_TEST(fixture_bad_date_ignored)
{
    const char *page = "<details data-title=\"SAML V2.0\" data-approved_date=\"soon\" "
                       "class=\"filterable__item standard technology-security project_committee-security\">"
                       "<h2 class=\"standard__title\">SAML V2.0</h2>"
                       "<div class=\"standard__grid--cite-as\"><p><strong>[saml-core-2.0-os]</strong></p></div>"
                       "</details>";
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("oasis-html", page, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    /* The stage suffix "-os" is an edition, not part of the id (ident.h). */
    json_t *r = pt_get(c, "OASIS saml-core-2.0");
    ck_assert_ptr_null(json_object_get(r, "date"));
    ck_assert_str_eq(pt_str(r, "group"), "security TC");
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_oasis_html");
    TCase *tc = tcase_create("core");
    if (tu_have_shared()) {
        tcase_add_test(tc, all_fragments);
        tcase_add_test(tc, csaf_v20);
    }
    tcase_add_test(tc, malformed);
    tcase_add_test(tc, fixture_bad_date_ignored);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
