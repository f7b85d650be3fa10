/* check_parse_etsi_csv.c — the ETSI standards-search CSV export
 * (etsi/etsi-standards-search.export.sample.csv, SOURCES.md: 10 rows, 10
 * distinct deliverables, so 10 records; multi-line quoted Scope values). */
#include "parsetest.h"

START_TEST(real_export)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("etsi-csv", "etsi/etsi-standards-search.export.sample.csv", NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 10);

    json_t *r = pt_get(c, "ETSI TS 102 508");
    ck_assert_str_eq(pt_str(r, "sdo"), "ETSI");
    ck_assert_str_eq(pt_str(r, "type"), "TS");
    ck_assert_str_eq(pt_str(r, "edition"), "V1.1.1");
    ck_assert_str_eq(pt_str(r, "date"), "2006-03");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "group"), "TISPAN Services");
    ck_assert(strncmp(pt_str(r, "title"), "Telecommunications and Internet converged Services", 50) == 0);
    ck_assert(strncmp(pt_str(r, "abstract"), "To define the service description of the Multimedia", 50) == 0);
    ck_assert_str_eq(pt_str(r, "url"), "http://webapp.etsi.org/workprogram/Report_WorkItem.asp?WKI_ID=23304");
    ck_assert(pt_has(r, "keywords", "MULTIMEDIA"));
    ck_assert(pt_has(r, "keywords", "STAGE 1"));

    /* A multi-line quoted Scope, joined into one line. */
    json_t *e = pt_get(c, "ETSI ETS 300 679");
    ck_assert_str_eq(pt_str(e, "date"), "1996-09");
    ck_assert_str_eq(pt_str(e, "abstract"),
                     "To specify characteristics & related test methods for an electrical interface "
                     "between telephone receivers & hearing aids. Applicable to both analogue telephony "
                     "terminals & digital telephony terminals.");
    ck_assert(pt_has(e, "keywords", "HEARING AID"));

    /* A 3GPP transposition; its Scope is only a meeting reference. */
    json_t *t = pt_get(c, "ETSI TS 136 521-1");
    ck_assert(pt_has(t, "relations.transposes", "3GPP TS 36.521-1"));
    ck_assert_ptr_null(json_object_get(t, "abstract"));
    ck_assert_str_eq(pt_str(t, "edition"), "V12.4.0");
    ck_assert(pt_has(pt_get(c, "ETSI TS 124 229"), "relations.transposes", "3GPP TS 24.229"));
    pt_get(c, "ETSI TS 101 377-2-6");
    secstd_collector_free(c);
}
END_TEST

#define HEADER "id,ETSI.deliverable,title,Status,Details.link,PDF.link,Scope,Technical.body,Keywords\n"

START_TEST(versions_collapse)
{
    const char *csv = HEADER
        "1,ETSI EN 303 645 V2.1.1 (2020-06),Cyber Security for Consumer IoT: Baseline Requirements,Published,,,\"Baseline, \"\"IoT\"\"\",Cyber Security,\"IOT,SECURITY\"\n"
        "2,ETSI EN 303 645 V3.1.3 (2024-09),Cyber Security for Consumer IoT: Baseline Requirements,Published,,,Baseline,Cyber Security,IOT\n"
        "3,ETSI EN 303 645 V1.1.1 (2019-02),Cyber Security for Consumer IoT,Published,,,,Cyber Security,\n";
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("etsi-csv", csv, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "ETSI EN 303 645");
    ck_assert_str_eq(pt_str(r, "edition"), "V3.1.3");
    ck_assert_str_eq(pt_str(r, "date"), "2024-09");
    ck_assert_uint_eq(json_array_size(json_object_get(r, "editions")), 2);
    ck_assert_ptr_nonnull(pt_edition(r, "ETSI EN 303 645 V2.1.1 (2020-06)"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed)
{
    static const struct {
        const char *csv;
        const char *want;
    } bad[] = {
        {"", "empty"},
        {"a,b,c\n1,2,3\n", "line 1"},                                   /* no deliverable column */
        {HEADER "1,ETSI TS 102 508 V1.1.1 (2006-03),T,Published,,,\"open\n", "line 2: unterminated"},
        {HEADER "1,ETSI TS 102 508 V1.1.1 (2006-03),T,Published\n", "line 2: 4 fields"},
        {HEADER "1,not an id,T,Published,,,,,\n", "line 2"},
        {HEADER "1,ETSI TS 102 508 V1.1.1 (2006-03),,Published,,,,,\n", "no title"},
        {HEADER "1,\"ETSI TS 102 508\"x,T,Published,,,,,\n", "closing quote"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        secstd_collector *c = secstd_collector_new();
        char err[300];
        ck_assert_int_eq(pt_run_text("etsi-csv", bad[i].csv, c, err, sizeof err), SECSTD_ERR_PARSE);
        ck_assert_msg(strstr(err, bad[i].want) != NULL, "%zu: %s", i, err);
        secstd_collector_free(c);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_etsi_csv");
    TCase *tc = tcase_create("core");
    if (tu_have_shared())
        tcase_add_test(tc, real_export);
    tcase_add_test(tc, versions_collapse);
    tcase_add_test(tc, malformed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
