/* check_parse_cen_html.c — CEN/CENELEC pages (cen-cenelec/, SOURCES.md).
 * Search results for "EN 1325": 48 rows; they collapse by deliverable
 * into 12 records (EN 1325-1, EN 1325-2, EN 1325, EN 13250 ... EN 13257,
 * EN 13258), amendments (/A1), corrigenda (/AC) and consolidated versions
 * (+A1) attaching to their base. Project pages: 9 files, 9 deliverables. */
#include "parsetest.h"

START_TEST(search_results)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("cen-html", "cen-cenelec/search-results.STAND_REF-EN_1325.html", NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 12);
    json_t *r = pt_get(c, "CEN EN 1325");
    ck_assert_str_eq(pt_str(r, "sdo"), "CEN");
    ck_assert_str_eq(pt_str(r, "type"), "EN");
    ck_assert_str_eq(pt_str(r, "title"), "Value Management - Vocabulary - Terms and definitions");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "group"), "CEN/TC 279");
    ck_assert_str_eq(pt_str(r, "date"), "2014");
    ck_assert_str_eq(pt_str(r, "edition"), "2014");
    ck_assert(strstr(pt_str(r, "url"), "FSP_PROJECT,FSP_ORG_ID:35546,6260") != NULL);
    ck_assert(strstr(pt_str(r, "url"), "&cs=") == NULL);
    json_t *w = pt_get(c, "CEN EN 1325-1");
    ck_assert_str_eq(pt_str(w, "status"), "withdrawn");
    /* EN 13254: 2000, 2000/A1, 2000/AC, 2014, 2014+A1, 2016 -> one record. */
    json_t *g = pt_get(c, "CEN EN 13254");
    ck_assert_str_eq(pt_str(g, "date"), "2016");
    ck_assert_str_eq(pt_str(g, "status"), "published");
    ck_assert_uint_eq(json_array_size(json_object_get(g, "editions")), 5);
    json_t *ac = pt_edition(g, "EN 13254:2000/AC:2003");
    ck_assert_ptr_nonnull(ac);
    ck_assert_str_eq(pt_str(ac, "status"), "withdrawn");
    ck_assert(strstr(pt_str(ac, "part"), "AC") != NULL);
    secstd_collector_free(c);
}
END_TEST

START_TEST(project_pages)
{
    static const char *const files[] = {
        "CEN_ISO_TS_21003-7_2019.html", "CR_12101-5_2000.html",  "CWA_14050-21_2000.html",
        "ENV_1613_1995.html",           "EN_10160_1999.html",    "EN_1325_2014.html",
        "EN_13306_2017.html",           "EN_285_2015+A1_2021.html", "HD_1215-2_1988.html",
    };
    secstd_collector *c = secstd_collector_new();
    for (size_t i = 0; i < 9; i++) {
        char *rel = tu_strdupf("cen-cenelec/project-pages/%s", files[i]);
        pt_run_shared("cen-html", rel, NULL, c);
        free(rel);
    }
    ck_assert_uint_eq(pt_validate_all(c), 9);
    json_t *r = pt_get(c, "CEN EN 1325");
    ck_assert_str_eq(pt_str(r, "title"), "Value Management - Vocabulary - Terms and definitions");
    ck_assert_str_eq(pt_str(r, "date"), "2014-03-26"); /* DAV */
    ck_assert_str_eq(pt_str(r, "group"), "CEN/TC 279");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert(pt_has(r, "relations.supersedes", "CEN EN 1325-2"));
    ck_assert(pt_has(r, "relations.supersedes", "CEN EN 1325-1"));
    const char *a = pt_str(r, "abstract");
    ck_assert(strncmp(a, "This European Standard defines language for optimising performance", 60) == 0);
    ck_assert(strstr(a, "\xE2\x80\x94") != NULL); /* the em dashes of the list, UTF-8 */
    ck_assert(strstr(a, "\xE2\x80\x9CValue Management (VM)") != NULL);
    json_t *cr = pt_get(c, "CEN CR 12101-5");
    ck_assert_str_eq(pt_str(cr, "status"), "withdrawn");
    ck_assert_uint_eq(json_array_size(json_object_get(json_object_get(cr, "relations"), "superseded_by")), 1);
    json_t *cwa = pt_get(c, "CEN CWA 14050-21");
    ck_assert_ptr_null(json_object_get(cwa, "abstract")); /* "No scope available" */
    ck_assert_str_eq(pt_str(cwa, "group"), "CEN/WS XFS");
    secstd_collector_free(c);
}
END_TEST

START_TEST(results_and_page_merge)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("cen-html", "cen-cenelec/search-results.STAND_REF-EN_1325.html", NULL, c);
    pt_run_shared("cen-html", "cen-cenelec/project-pages/EN_1325_2014.html", NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 12);
    json_t *r = pt_get(c, "CEN EN 1325");
    ck_assert_str_eq(pt_str(r, "date"), "2014-03-26");
    ck_assert(json_object_get(r, "abstract") != NULL);
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed)
{
    static const char *const bad[] = {
        "",
        "<html><body><p>nothing</p></body></html>",
        /* results table with a row lacking cells */
        "<table class=\"dashlist\"><thead><tr><th>Committee</th></tr></thead><tbody><tr><td>CEN/TC 1</td></tr></tbody></table>",
        /* results row with a reference that is not one */
        "<table class=\"dashlist\"><thead><tr><th>Committee</th></tr></thead><tbody><tr><td>CEN/TC 1</td>"
        "<td><strong><a href=\"f?p=1\">hello</a></strong><br/>Title</td><td>Published</td></tr></tbody></table>",
        /* project page without a title, truncated */
        "<table class=\"dashlist\"><tr><th class=\"detail\">Reference</th><td>EN 1:2000</td></tr><tr><th class=\"detail\">Tit",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        secstd_collector *c = secstd_collector_new();
        char err[300];
        secstd_status st = pt_run_text("cen-html", bad[i], c, err, sizeof err);
        ck_assert_msg(st == SECSTD_ERR_PARSE, "fixture %zu: %s", i, secstd_status_to_string(st));
        ck_assert(err[0] != '\0');
        secstd_collector_free(c);
    }
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_cen_html");
    TCase *tc = tcase_create("core");
    if (tu_have_shared()) {
        tcase_add_test(tc, search_results);
        tcase_add_test(tc, project_pages);
        tcase_add_test(tc, results_and_page_merge);
    }
    tcase_add_test(tc, malformed);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
