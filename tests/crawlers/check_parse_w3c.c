/* check_parse_w3c.c — the w3c-rdf (crawlers/parse_w3c_rdf.c) and w3c-api
 * (crawlers/parse_w3c_api.c) parsers on the real tr.rdf excerpt and W3C
 * API bodies, and on fixtures. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "parsetest.h"

/* SOURCES.md: 161 version elements (plus 2 rdf:Description statements).
 * They name 123 distinct doc:versionOf shortnames (34 shortnames have two
 * or more versions; the two Descriptions add relations, not records), so
 * 123 records. */
START_TEST(real_tr_rdf)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("w3c-rdf", "w3c/tr.rdf.2011-12.excerpt.rdf", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 123);

    json_t *r = pt_get(c, "W3C css3-selectors");
    ck_assert_str_eq(pt_str(r, "sdo"), "W3C");
    ck_assert_str_eq(pt_str(r, "title"), "Selectors Level 3");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2011-09-29");
    ck_assert_str_eq(pt_str(r, "url"), "http://www.w3.org/TR/css3-selectors/");
    ck_assert(pt_has(r, "authors", "Tantek \xc3\x87" "elik"));

    /* two versions (LastCall WD, then CR) collapse; the CR wins */
    r = pt_get(c, "W3C xmlenc-core1");
    ck_assert_str_eq(pt_str(r, "status"), "in-development");
    ck_assert_str_eq(pt_str(r, "date"), "2012-03-13");
    ck_assert_str_eq(pt_str(r, "edition"), "Candidate Recommendation");
    ck_assert_str_eq(pt_str(r, "group"), "2008/xmlsec");
    ck_assert(pt_has(r, "hints", "w3c-group:2008/xmlsec"));
    ck_assert_uint_eq(json_array_size(json_object_get(r, "editions")), 1);

    ck_assert_str_eq(pt_str(pt_get(c, "W3C webrtc"), "group"), "2011/04/webrtc");
    /* rdf:Description supersedes statements */
    r = pt_get(c, "W3C XMLHttpRequest");
    ck_assert(pt_has(r, "relations.supersedes", "W3C XMLHttpRequest2"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(rdf_hostile_and_malformed)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    const char *rdf = "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" "
                      "xmlns=\"http://www.w3.org/2001/02pd/rec54#\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">";
    char *bl = tu_strdupf("%s%s<REC rdf:about=\"http://www.w3.org/TR/2011/REC-x-20110101/\"><dc:title>&lol9;</dc:title></REC></rdf:RDF>",
                          pt_billion_laughs, rdf);
    ck_assert_int_eq(pt_run_text("w3c-rdf", bl, c, err, sizeof err), SECSTD_ERR_TOO_LARGE);
    free(bl);
    char *dir;
    char *secret = pt_secret_file(&dir, "RDF-SECRET-9");
    char *before = tu_strdupf("%s<REC rdf:about=\"http://www.w3.org/TR/2011/REC-x-20110101/\"><dc:title>", rdf);
    char *xxe = pt_xxe_doc(secret, before, "</dc:title></REC></rdf:RDF>");
    ck_assert_int_ne(pt_run_text("w3c-rdf", xxe, c, err, sizeof err), SECSTD_OK);
    ck_assert(!pt_any_contains(c, "RDF-SECRET"));
    ck_assert_ptr_null(strstr(err, "RDF-SECRET"));
    free(before);
    free(xxe);
    free(secret);
    tu_rmtree(dir);
    free(dir);
    /* a version without title: the error names line and element */
    char *notitle = tu_strdupf("%s\n<WD rdf:about=\"http://www.w3.org/TR/2011/WD-y-20110101/\"/></rdf:RDF>", rdf);
    ck_assert_int_eq(pt_run_text("w3c-rdf", notitle, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 2") && strstr(err, "<WD>"), "err: %s", err);
    free(notitle);
    ck_assert_int_eq(pt_run_text("w3c-rdf", "<?xml version='1.0'?><rfc-index/>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_int_eq(pt_run_text("w3c-rdf", "<rdf:RDF xmlns:rdf='x'><REC>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
}
END_TEST

static const char *const api_files[] = {
    "specifications.2dcontext.json",
    "specifications.2dcontext.versions.20151119.json",
    "specifications.2dcontext.versions.20151119.successors.json",
    "specifications.2dcontext.versions.20210128.deliverers.json",
    "specifications.2dcontext.versions.20210128.editors.json",
    "specifications.2dcontext.versions.20210128.json",
    "specifications.2dcontext.versions.20210128.predecessors.json",
    "specifications.2dcontext.versions.json",
    "specifications.page1.items2.json",
    "specifications.webrtc.versions.20210126.json",
    "specifications.webrtc.versions.20230301.json",
    "specifications.webrtc.versions.json",
};

/* SOURCES.md: 9 + 3 API bodies. They describe three specifications:
 * 2dcontext (specification, versions, history), 2dcontext2 (only in the
 * specification list page) and webrtc (versions, history); editors,
 * deliverers, predecessors and successors bodies yield no records. */
START_TEST(real_api)
{
    secstd_collector *c = secstd_collector_new();
    for (size_t i = 0; i < sizeof api_files / sizeof api_files[0]; i++) {
        char *rel = tu_strdupf("w3c/api/%s", api_files[i]);
        size_t before = secstd_collector_count(c);
        pt_run_shared("w3c-api", rel, PT_FIXTURE_URL, c);
        if (strstr(rel, "editors") || strstr(rel, "deliverers") || strstr(rel, "cessors"))
            ck_assert_uint_eq(secstd_collector_count(c), before);
        free(rel);
    }
    ck_assert_uint_eq(pt_validate_all(c), 3);
    json_t *r = pt_get(c, "W3C 2dcontext");
    ck_assert_str_eq(pt_str(r, "title"), "HTML Canvas 2D Context");
    ck_assert_str_eq(pt_str(r, "status"), "withdrawn"); /* latest version: Retired */
    ck_assert_str_eq(pt_str(r, "date"), "2021-01-28");
    ck_assert_str_eq(pt_str(r, "url"), "https://www.w3.org/TR/2dcontext/");
    ck_assert(strncmp(pt_str(r, "abstract"), "Defines the flat cartesian surface", 34) == 0);
    ck_assert_ptr_null(strchr(pt_str(r, "abstract"), '<'));
    ck_assert_uint_ge(json_array_size(json_object_get(r, "editions")), 2);
    r = pt_get(c, "W3C webrtc");
    ck_assert_str_eq(pt_str(r, "date"), "2025-03-13");
    ck_assert_str_eq(pt_str(r, "title"), "WebRTC: Real-Time Communication in Browsers");
    ck_assert_str_eq(pt_str(pt_get(c, "W3C 2dcontext2"), "title"), "HTML Canvas 2D Context, Level 2");
    secstd_collector_free(c);
}
END_TEST

START_TEST(api_malformed_and_wrong_format)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    ck_assert_int_eq(pt_run_text("w3c-api", "{\"shortname\": \"x\",\n\"title\": ", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 2") != NULL, "err: %s", err);
    ck_assert_int_eq(pt_run_text("w3c-api", "[1, 2]", c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_int_eq(pt_run_text("w3c-api", "{\"reference\": \"ISO 9001:2015\"}", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "_links") != NULL, "err: %s", err);
    ck_assert_int_eq(pt_run_text("w3c-api", "{\"shortname\": \"x\", \"_links\": {}}", c, err, sizeof err),
                     SECSTD_ERR_PARSE); /* no title */
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_w3c");
    TCase *tc = tcase_create("w3c");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, real_tr_rdf);
    tcase_add_test(tc, rdf_hostile_and_malformed);
    tcase_add_test(tc, real_api);
    tcase_add_test(tc, api_malformed_and_wrong_format);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
