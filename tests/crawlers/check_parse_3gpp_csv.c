/* check_parse_3gpp_csv.c — the 3GPP status database CSV export. No real
 * export is in the shared data (SOURCES.md, "Known formats with no real
 * data"), so the fixture below is hand-written in the documented header
 * (relaton-3gpp's parser spec), semicolon-separated. */
#include "parsetest.h"

#define HEADER "Spec number;Title;Link;Version;Date;Is TS;Last Name;First Name;Organisation;" \
               "Responsible Primary;Responsible Secondary;Release;WPM Code 2G;WPM Code 3G;" \
               "Stage 1 Freeze;Stage 2 Freeze;Stage 3 Freeze;Close Meeting;Project Start;Project End\n"

static const char *fixture =
    HEADER
    "33.501;Security architecture and procedures for 5G System;https://portal.3gpp.org/desktopmodules/Specifications/SpecificationDetails.aspx?specificationId=3169;"
    "18.9.0;2025-03-28;1;Doe;Jane;ACME;SA3;;Rel-18;;;;;;;;\n"
    "33.501;Security architecture and procedures for 5G System;https://portal.3gpp.org/desktopmodules/Specifications/SpecificationDetails.aspx?specificationId=3169;"
    "19.4.0;2025-12-19;1;Doe;Jane;ACME;SA3;;Rel-19;;;;;;;;\n"
    "33.926;\"Security Assurance Specification (SCAS) threats; and critical assets\";;"
    "17.5.0;2023-06-23;0;;;;SA3;;Rel-17;;;;;;;;\n"
    "35.205;\"3G Security; Specification of the MILENAGE algorithm set\";;"
    "18.0.0;2024-03-22;0;;;;SA3;;Rel-18;;;;;;;;\n";

START_TEST(fixture_records)
{
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("3gpp-csv", fixture, c, err, sizeof err), SECSTD_OK);
    /* 4 rows, 3 specifications (33.501 in two releases). */
    ck_assert_uint_eq(pt_validate_all(c), 3);
    json_t *r = pt_get(c, "3GPP TS 33.501");
    ck_assert_str_eq(pt_str(r, "sdo"), "3GPP");
    ck_assert_str_eq(pt_str(r, "type"), "TS");
    ck_assert_str_eq(pt_str(r, "title"), "Security architecture and procedures for 5G System");
    ck_assert_str_eq(pt_str(r, "edition"), "19.4.0");
    ck_assert_str_eq(pt_str(r, "date"), "2025-12-19");
    ck_assert_str_eq(pt_str(r, "group"), "SA3");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert(pt_has(r, "hints", "3gpp-wg:SA3"));
    json_t *old = pt_edition(r, "3GPP TS 33.501:REL-18/18.9.0");
    ck_assert_ptr_nonnull(old);
    ck_assert_str_eq(pt_str(old, "date"), "2025-03-28");
    json_t *tr = pt_get(c, "3GPP TR 33.926");
    ck_assert_str_eq(pt_str(tr, "type"), "TR");
    ck_assert_str_eq(pt_str(tr, "title"), "Security Assurance Specification (SCAS) threats; and critical assets");
    pt_get(c, "3GPP TR 35.205");
    secstd_collector_free(c);
}
END_TEST

START_TEST(reordered_columns_and_status)
{
    const char *csv = "Title;Status;Spec number;Is TS;Version\r\n"
                      "Cryptographic algorithm;Withdrawn;35.999;1;1.0.0\r\n";
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("3gpp-csv", csv, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    ck_assert_str_eq(pt_str(pt_get(c, "3GPP TS 35.999"), "status"), "withdrawn");
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
        {"a;b\n1;2\n", "line 1"},
        {HEADER "33.501;\"open quote;;18.0.0\n", "unterminated"},
        {HEADER "33.501;T;;1.0.0\n", "line 2: 4 fields"},
        {HEADER "hello;T;;1.0.0;;1;;;;SA3;;Rel-18;;;;;;;;\n", "line 2"},
        {HEADER "33.501;;;1.0.0;;1;;;;SA3;;Rel-18;;;;;;;;\n", "no title"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        secstd_collector *c = secstd_collector_new();
        char err[300];
        ck_assert_int_eq(pt_run_text("3gpp-csv", bad[i].csv, c, err, sizeof err), SECSTD_ERR_PARSE);
        ck_assert_msg(strstr(err, bad[i].want) != NULL, "%zu: %s", i, err);
        secstd_collector_free(c);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_3gpp_csv");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, fixture_records);
    tcase_add_test(tc, reordered_columns_and_status);
    tcase_add_test(tc, malformed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
