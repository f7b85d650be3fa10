/* check_parse_itu_mws.c — the ITU MWS JSON API parser on the real responses
 * in itu/mws-api (SOURCES.md: 4 files of the H.264 source, idrec 14659 and
 * its successor 16818) and on malformed fixtures.
 *
 * Expected count: the detail, the editions and the supplements of one
 * Recommendation give 1 record for ITU-T H.264 (its 21 editions,
 * amendments and corrigenda collapse into it: 20 "editions" entries plus
 * the V16 edition on top) + 12 supplement records (H Suppl. 1 ... 21:
 * documents of their own, related to H.264) = 13. */
#include "parsetest.h"

#define API "https://www.itu.int/mws/api/recommendations/"

static void run_all(secstd_collector *c, int editions_first)
{
    if (editions_first)
        pt_run_shared("itu-mws", "itu/mws-api/getRecEditions.idrec-16818.lang-en.json",
                      API "getRecEditions?idrec=16818&lang=en", c);
    pt_run_shared("itu-mws", "itu/mws-api/getRecHdrDetail.idrec-14659.lang-en.json",
                  API "getRecHdrDetail?idrec=14659&lang=en", c);
    if (!editions_first)
        pt_run_shared("itu-mws", "itu/mws-api/getRecEditions.idrec-14659.lang-en.json",
                      API "getRecEditions?idrec=14659&lang=en", c);
    pt_run_shared("itu-mws", "itu/mws-api/getRecSupplements.idrec-14659.lang-en.json",
                  API "getRecSupplements?idrec=14659&lang=en", c);
}

static void check_h264(const secstd_collector *c)
{
    ck_assert_uint_eq(pt_validate_all(c), 13);
    json_t *r = pt_get(c, "ITU-T H.264");
    ck_assert_str_eq(pt_str(r, "sdo"), "ITU-T");
    ck_assert_str_eq(pt_str(r, "type"), "Recommendation");
    ck_assert_str_eq(pt_str(r, "title"), "Advanced video coding for generic audiovisual services");
    /* The latest edition (V16, in force) is on top. */
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2026-06");
    ck_assert_str_eq(pt_str(r, "edition"), "06/2026");
    ck_assert_str_eq(pt_str(r, "group"), "SG21");
    ck_assert(pt_has(r, "relations.identical_to", "ISO/IEC 14496-10"));
    ck_assert(pt_has(r, "aliases", "ISO/IEC 14496-10"));
    ck_assert(strncmp(pt_str(r, "abstract"),
                      "Recommendation ITU-T H.264 | International Standard ISO/IEC 14496-10", 67) == 0);
    ck_assert_uint_eq(json_array_size(json_object_get(r, "editions")), 20);
    /* The detail's edition keeps its exact approval date (merged once). */
    json_t *v14 = pt_edition(r, "ITU-T H.264 (V14) (08/2021)");
    ck_assert_ptr_nonnull(v14);
    ck_assert_str_eq(pt_str(v14, "date"), "2021-08-22");
    ck_assert_str_eq(pt_str(v14, "status"), "superseded");
    ck_assert_str_eq(pt_str(v14, "url"),
                     "https://www.itu.int/ITU-T/recommendations/rec.aspx?rec=14659&lang=en");
    json_t *cor = pt_edition(r, "ITU-T H.264 (2007) Cor. 1 (01/2009)");
    ck_assert_ptr_nonnull(cor);
    ck_assert_str_eq(pt_str(cor, "date"), "2009-01");
    ck_assert(strncmp(pt_str(cor, "part"), "Cor", 3) == 0);
    ck_assert_ptr_nonnull(pt_edition(r, "ITU-T H.264 (05/2003)"));
    ck_assert_ptr_null(pt_edition(r, "ITU-T H.264 (V16) (06/2026)")); /* it is the record */
    /* A supplement: its own record, related both ways. */
    json_t *s = pt_get(c, "ITU-T H Suppl. 1");
    ck_assert_str_eq(pt_str(s, "type"), "Supplement");
    ck_assert_str_eq(pt_str(s, "date"), "1999-05");
    ck_assert_str_eq(pt_str(s, "status"), "published");
    ck_assert(strstr(pt_str(s, "title"), "Sign language and lip-reading") != NULL);
    ck_assert(strstr(pt_str(s, "title"), "\xE2\x80\x93") != NULL); /* U+2013 kept as UTF-8 */
    ck_assert(pt_has(s, "relations.related", "ITU-T H.264"));
    ck_assert(pt_has(r, "relations.related", "ITU-T H Suppl. 21"));
}

START_TEST(real_detail_then_editions)
{
    secstd_collector *c = secstd_collector_new();
    run_all(c, 0);
    check_h264(c);
    secstd_collector_free(c);
}
END_TEST

START_TEST(real_editions_then_detail)
{
    secstd_collector *c = secstd_collector_new();
    run_all(c, 1);
    check_h264(c);
    secstd_collector_free(c);
}
END_TEST

START_TEST(detail_alone)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("itu-mws", "itu/mws-api/getRecHdrDetail.idrec-14659.lang-en.json", NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "ITU-T H.264");
    /* Alone, the detail can only say what its own edition is. */
    ck_assert_str_eq(pt_str(r, "status"), "superseded");
    ck_assert_str_eq(pt_str(r, "date"), "2021-08-22");
    ck_assert_str_eq(pt_str(r, "edition"), "08/2021");
    ck_assert_str_eq(pt_str(r, "url"),
                     "https://www.itu.int/ITU-T/recommendations/rec.aspx?rec=14659&lang=en");
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed)
{
    static const char *const bad[] = {
        "",                                        /* empty */
        "{\"rec_name\": \"ITU-T X.509 (10/2019)\"", /* truncated */
        "{\"foo\": 1}",                            /* not an MWS response */
        "[{\"x\": 1}]",                            /* array of unknown objects */
        "{\"rec_name\": \"ITU-T X.509 (10/2019)\", \"rec_title\": \"\"}", /* no title */
        "{\"rec_name\": \"\", \"rec_title\": \"T\"}",                     /* no name */
        "[{\"rec_name\": \"X.509 (10/2019)\", \"title\": \"a\"}, {\"rec_name\": \"X.511 (10/2019)\"}]",
        "\"just a string\"",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        secstd_collector *c = secstd_collector_new();
        char err[300];
        secstd_status st = pt_run_text("itu-mws", bad[i], c, err, sizeof err);
        ck_assert_msg(st == SECSTD_ERR_PARSE, "fixture %zu: %s", i, secstd_status_to_string(st));
        ck_assert_msg(err[0] != '\0', "fixture %zu: no reason", i);
        secstd_collector_free(c);
    }
    /* An empty array is a valid answer (no editions). */
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("itu-mws", "[]", c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
}
END_TEST

START_TEST(small_fixture)
{
    const char *detail = "{\"idrec\": 1, \"rec_name\": \"ITU-T X.509 (10/2019)\", "
                         "\"rec_title\": \"Public-key and attribute certificate frameworks\", "
                         "\"summary\": \"Line one<br/>Line &amp; two\", "
                         "\"iso_number\": \"Equivalent standard: ISO/IEC 9594-8 (Common)\", "
                         "\"status\": \"In force\", \"approval_date\": \"Approved on 14 Oct 2019\", "
                         "\"sg\": \"ITU-T Study Group 17\"}";
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("itu-mws", detail, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "ITU-T X.509");
    ck_assert_str_eq(pt_str(r, "group"), "SG17");
    ck_assert_str_eq(pt_str(r, "date"), "2019-10-14");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "abstract"), "Line one Line & two");
    ck_assert(pt_has(r, "relations.identical_to", "ISO/IEC 9594-8"));
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_itu_mws");
    TCase *tc = tcase_create("core");
    if (tu_have_shared()) {
        tcase_add_test(tc, real_detail_then_editions);
        tcase_add_test(tc, real_editions_then_detail);
        tcase_add_test(tc, detail_alone);
    }
    tcase_add_test(tc, malformed);
    tcase_add_test(tc, small_fixture);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
