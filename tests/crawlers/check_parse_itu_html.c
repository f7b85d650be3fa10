/* check_parse_itu_html.c — ITU-T rec.aspx pages and T-REC summary pages
 * (itu/rec-pages, SOURCES.md: 6 rec.aspx pages + 4 windows-1252 summaries).
 *
 * Expected count: 10 pages describe 5 Recommendations — H.264 (pages
 * rec-14659 = V14 and rec-H.264 = V16), A.13, L.163, Y.3500, Z.100 (each
 * a rec.aspx page plus its summary page) — so 5 records. */
#include "parsetest.h"

static const char *const pages[] = {
    "itu/rec-pages/rec.aspx.lang-en.rec-12210.html", "itu/rec-pages/rec.aspx.lang-en.rec-13786.html",
    "itu/rec-pages/rec.aspx.lang-en.rec-13853.html", "itu/rec-pages/rec.aspx.lang-en.rec-14659.html",
    "itu/rec-pages/rec.aspx.lang-en.rec-14670.html", "itu/rec-pages/rec.aspx.lang-en.rec-H.264.html",
    "itu/rec-pages/T-REC-A.13-201909-I_SUM-HTM-E.htm", "itu/rec-pages/T-REC-L.163-201811-I_SUM-HTM-E.htm",
    "itu/rec-pages/T-REC-Y.3500-201408-I_SUM-HTM-E.htm", "itu/rec-pages/T-REC-Z.100-202106-I_SUM-HTM-E.htm",
};

START_TEST(all_pages_count)
{
    secstd_collector *c = secstd_collector_new();
    for (size_t i = 0; i < sizeof pages / sizeof pages[0]; i++)
        pt_run_shared("itu-html", pages[i], NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 5);
    static const char *const ids[] = {"ITU-T H.264", "ITU-T A.13", "ITU-T L.163", "ITU-T Y.3500",
                                      "ITU-T Z.100"};
    for (size_t i = 0; i < 5; i++)
        pt_get(c, ids[i]);
    json_t *z = pt_get(c, "ITU-T Z.100");
    ck_assert_str_eq(pt_str(z, "group"), "SG17");
    ck_assert_str_eq(pt_str(z, "date"), "2021-06-13");
    /* 53 rows in the editions table, minus the record's own edition. */
    ck_assert_uint_eq(json_array_size(json_object_get(z, "editions")), 52);
    json_t *annex = pt_edition(z, "ITU-T Z.100 Annex F3 (06/2021)");
    ck_assert_ptr_nonnull(annex);
    ck_assert(strncmp(pt_str(annex, "part"), "Annex F3", 8) == 0);
    json_t *y = pt_get(c, "ITU-T Y.3500");
    ck_assert(pt_has(y, "relations.identical_to", "ISO/IEC 17788"));
    secstd_collector_free(c);
}
END_TEST

/* The rec-14659 page (H.264 V14) alone, field by field. */
START_TEST(rec_14659)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("itu-html", "itu/rec-pages/rec.aspx.lang-en.rec-14659.html",
                  "https://www.itu.int/ITU-T/recommendations/rec.aspx?lang=en&rec=14659", c);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "ITU-T H.264");
    ck_assert_str_eq(pt_str(r, "sdo"), "ITU-T");
    ck_assert_str_eq(pt_str(r, "type"), "Recommendation");
    ck_assert_str_eq(pt_str(r, "title"), "Advanced video coding for generic audiovisual services");
    ck_assert_str_eq(pt_str(r, "group"), "SG21");
    ck_assert(pt_has(r, "relations.identical_to", "ISO/IEC 14496-10"));
    ck_assert(pt_has(r, "aliases", "ISO/IEC 14496-10"));
    ck_assert(strncmp(pt_str(r, "abstract"),
                      "Recommendation ITU-T H.264 | International Standard ISO/IEC 14496-10", 67) == 0);
    /* The page is V14 (superseded); its editions table shows V16 in force,
     * which the record carries on top. */
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2026-06");
    ck_assert_str_eq(pt_str(r, "url"),
                     "https://www.itu.int/ITU-T/recommendations/rec.aspx?rec=16818&lang=en");
    ck_assert_uint_eq(json_array_size(json_object_get(r, "editions")), 20);
    json_t *v14 = pt_edition(r, "ITU-T H.264 (V14) (08/2021)");
    ck_assert_ptr_nonnull(v14);
    ck_assert_str_eq(pt_str(v14, "date"), "2021-08-22");
    ck_assert_str_eq(pt_str(v14, "status"), "superseded");
    ck_assert(pt_has(r, "relations.related", "ITU-T H Suppl. 1"));
    secstd_collector_free(c);
}
END_TEST

/* windows-1252 summaries arrive as UTF-8: Y.3500's title has en dashes
 * (byte 0x96 in the page) and the page has no-break spaces (0xA0). */
START_TEST(summary_windows_1252)
{
    char *path = tu_shared("itu/rec-pages/T-REC-Y.3500-201408-I_SUM-HTM-E.htm");
    size_t len;
    char *body = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(body);
    ck_assert_ptr_nonnull(memchr(body, 0x96, len)); /* the raw page really is cp1252 */
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run("itu-html", body, len, path, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "ITU-T Y.3500");
    ck_assert_str_eq(pt_str(r, "title"),
                     "Information technology \xE2\x80\x93 Cloud computing \xE2\x80\x93 Overview and vocabulary");
    ck_assert_str_eq(pt_str(r, "date"), "2014-08");
    ck_assert_str_eq(pt_str(r, "edition"), "08/2014");
    const char *a = pt_str(r, "abstract");
    ck_assert(strncmp(a, "This Recommendation | International Standard provides an overview", 60) == 0);
    ck_assert(strstr(a, "\xE2\x80\x93 cover commonly used terms") != NULL);
    ck_assert(strchr(a, (char)0x96) == NULL);
    free(body);
    free(path);
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed)
{
    static const char *const bad[] = {
        "",
        "<html><body><p>hello</p></body></html>",
        "<html><head><title>Summary - no identifier here</title></head><body></body></html>",
        /* rec.aspx page without a title cell */
        "<html><body><span id=\"x_lbl_rec\">ITU-T X.509 (10/2019)</span></body></html>",
        /* truncated in the middle of the label table */
        "<html><body><h2><span id=\"a_lbl_rec\">ITU-T X.509 (10/2019)</span></h2><table><tr><td class=\"cell_left\">Status:",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        secstd_collector *c = secstd_collector_new();
        char err[300];
        secstd_status st = pt_run_text("itu-html", bad[i], c, err, sizeof err);
        ck_assert_msg(st == SECSTD_ERR_PARSE, "fixture %zu: %s", i, secstd_status_to_string(st));
        ck_assert(err[0] != '\0');
        secstd_collector_free(c);
    }
}
END_TEST

START_TEST(small_rec_page)
{
    const char *page =
        "<html><head><meta charset=\"utf-8\"></head><body>"
        "<h2><span id=\"ctl_lbl_rec\">ITU-T X.1252 (04/2021)</span></h2>"
        "<table><tr><td class=\"title\">Baseline identity management terms and definitions</td></tr>"
        "<tr><td><div class=\"summary\">Defines terms<br/>for IdM.</div></td></tr></table>"
        "<table><tr><td class=\"cell_left\">Approval date:</td><td class=\"cell_right\">2021-04-30</td></tr>"
        "<tr><td class=\"cell_left\">Status:</td><td class=\"cell_right\">In force</td></tr>"
        "<tr><td class=\"cell_left\">Maintenance&nbsp;responsibility:</td><td class=\"cell_right\">ITU-T Study Group 17</td></tr>"
        "</table></body></html>";
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("itu-html", page, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "ITU-T X.1252");
    ck_assert_str_eq(pt_str(r, "group"), "SG17");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2021-04-30");
    ck_assert_str_eq(pt_str(r, "abstract"), "Defines terms for IdM.");
    secstd_collector_free(c);
}
END_TEST

/* Fuzzing found the charset sniffer comparing "encoding=" (9 bytes) where
 * only 8 were left: a 1-byte read past a body that ends in "encoding"
 * (bodies are not NUL-terminated). Exact-size buffer: ASan builds catch a
 * regression; every build checks the page is refused cleanly. */
START_TEST(body_ending_in_encoding)
{
    static const char text[] = "<html><body>xx encoding";
    size_t len = sizeof text - 1;
    char *body = malloc(len);
    ck_assert_ptr_nonnull(body);
    memcpy(body, text, len);
    secstd_collector *c = secstd_collector_new();
    char err[300];
    secstd_status st = pt_run("itu-html", body, len, "http://127.0.0.1/x", c, err, sizeof err);
    ck_assert_int_eq(st, SECSTD_ERR_PARSE);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
    free(body);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_itu_html");
    TCase *tc = tcase_create("core");
    if (tu_have_shared()) {
        tcase_add_test(tc, all_pages_count);
        tcase_add_test(tc, rec_14659);
        tcase_add_test(tc, summary_windows_1252);
    }
    tcase_add_test(tc, malformed);
    tcase_add_test(tc, small_rec_page);
    tcase_add_test(tc, body_ending_in_encoding);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
