/* check_parse_iso_opendata.c — the iso-opendata parser
 * (crawlers/parse_iso_opendata.c) on the real ISO Open Data deliverables
 * samples and on fixtures. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "parsetest.h"

/* SOURCES.md: the JSON Lines sample has 2 deliverables (ISO/TR 7035-2 and
 * the amendment ISO/IEC 19566-7:2022/Amd 1:2025, whose base is not in the
 * sample, so it stands for it): 2 records. Each single-record file: 1. */
START_TEST(real_samples)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("iso-opendata", "iso/iso_deliverables_metadata.sample.jsonl", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 2);
    /* The canonical form of "ISO/TR 7035-2:2024" is the identifier
     * module's decision (currently "ISO 7035-2", type TR). */
    secstd_ident tr;
    ck_assert_int_eq(secstd_ident_parse("ISO/TR 7035-2:2024", "ISO", &tr), SECSTD_OK);
    json_t *r = pt_get(c, tr.id);
    ck_assert_str_eq(pt_str(r, "sdo"), "ISO");
    ck_assert_str_eq(pt_str(r, "type"), "TR");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2024-09-30");
    ck_assert_str_eq(pt_str(r, "edition"), "1");
    ck_assert_str_eq(pt_str(r, "group"), "ISO/TC 5/SC 2");
    ck_assert_str_eq(pt_str(r, "url"), "https://www.iso.org/standard/88821.html");
    ck_assert(pt_has(r, "hints", "ics:23.040.10"));
    ck_assert(strncmp(pt_str(r, "abstract"), "The objective of this document", 30) == 0);
    ck_assert_ptr_null(strchr(pt_str(r, "abstract"), '<'));
    r = pt_get(c, "ISO/IEC 19566-7");
    ck_assert_str_eq(pt_str(r, "sdo"), "ISO/IEC");
    ck_assert_str_eq(pt_str(r, "group"), "JTC 1/SC 29");
    ck_assert_ptr_null(json_object_get(r, "abstract")); /* scope.en is null */
    secstd_collector_free(c);

    c = secstd_collector_new();
    pt_run_shared("iso-opendata", "iso/iso_deliverables_metadata.record-62085.json", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    r = pt_get(c, "ISO 9001");
    ck_assert_str_eq(pt_str(r, "status"), "published"); /* 90.92: to be revised */
    ck_assert_str_eq(pt_str(r, "edition"), "5");
    ck_assert(pt_has(r, "hints", "ics:03.100.70"));
    /* replacedBy 88464 is not in this one-record listing: left out */
    ck_assert_ptr_null(json_object_get(r, "relations"));
    secstd_collector_free(c);

    c = secstd_collector_new();
    pt_run_shared("iso-opendata", "iso/iso_deliverables_metadata.record-88821.json", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    secstd_collector_free(c);
}
END_TEST

/* Stages, relations resolved within the listing, supplements attached. */
START_TEST(fixture_stages_relations)
{
    const char *doc =
        "{\"id\":1,\"reference\":\"ISO/IEC 27001:2013\",\"deliverableType\":\"IS\",\"currentStage\":9599,"
        "\"replacedBy\":[2],\"publicationDate\":\"2013-10-01\",\"edition\":2,\"ownerCommittee\":\"ISO/IEC JTC 1/SC 27\"}\n"
        "{\"id\":2,\"reference\":\"ISO/IEC 27001:2022\",\"deliverableType\":\"IS\",\"currentStage\":6060,"
        "\"replaces\":[1],\"publicationDate\":\"2022-10-25\",\"edition\":3,\"ownerCommittee\":\"ISO/IEC JTC 1/SC 27\","
        "\"icsCode\":[\"35.030\"],\"scope\":{\"en\":\"<p>Requirements &amp; controls</p>\"}}\n"
        "\n"
        "{\"id\":3,\"reference\":\"ISO/IEC 27001:2022/Amd 1:2024\",\"deliverableType\":\"IS\",\"supplementType\":\"Amd\","
        "\"currentStage\":6060,\"publicationDate\":\"2024-02-01\",\"edition\":1}\n"
        "{\"id\":4,\"reference\":\"ISO/IEC DIS 99999\",\"deliverableType\":\"IS\",\"currentStage\":4020}\n"
        "{\"id\":5,\"reference\":\"ISO 1:2000\",\"deliverableType\":\"IS\",\"currentStage\":3098}\n";
    secstd_collector *c = secstd_collector_new();
    char err[256];
    ck_assert_int_eq(pt_run_text("iso-opendata", doc, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 3);
    json_t *r = pt_get(c, "ISO/IEC 27001");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2022-10-25");
    ck_assert_str_eq(pt_str(r, "abstract"), "Requirements & controls");
    ck_assert_str_eq(pt_str(r, "group"), "JTC 1/SC 27");
    ck_assert_uint_eq(json_array_size(json_object_get(r, "editions")), 2); /* 2013 and Amd 1 */
    ck_assert_str_eq(pt_str(pt_get(c, "ISO/IEC 99999"), "status"), "in-development");
    ck_assert_str_eq(pt_str(pt_get(c, "ISO 1"), "status"), "withdrawn"); /* 30.98 deleted */
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed_and_wrong_format)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    const char *bad = "{\"id\":1,\"reference\":\"ISO 1:2000\"}\n{\"id\":2,\"reference\":\n";
    ck_assert_int_eq(pt_run_text("iso-opendata", bad, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 2") != NULL, "err: %s", err);
    const char *noref = "{\"id\":1,\"reference\":\"ISO 1:2000\"}\n{\"id\":2}\n";
    ck_assert_int_eq(pt_run_text("iso-opendata", noref, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 2") && strstr(err, "reference"), "err: %s", err);
    char *nist = tu_shared("nist/csrc-pubs-export.json");
    size_t len;
    char *body = tu_read_file(nist, &len);
    secstd_collector *c2 = secstd_collector_new();
    ck_assert_int_eq(pt_run("iso-opendata", body, len, PT_FIXTURE_URL, c2, err, sizeof err),
                     SECSTD_ERR_PARSE);
    secstd_collector_free(c2);
    free(body);
    free(nist);
    ck_assert_int_eq(pt_run("iso-opendata", "", 0, PT_FIXTURE_URL, c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_int_eq(pt_run_text("iso-opendata", "<?xml version='1.0'?><x/>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_iso_opendata");
    TCase *tc = tcase_create("iso-opendata");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, real_samples);
    tcase_add_test(tc, fixture_stages_relations);
    tcase_add_test(tc, malformed_and_wrong_format);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
