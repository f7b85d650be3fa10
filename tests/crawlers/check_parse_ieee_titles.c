/* check_parse_ieee_titles.c — IEEE normtitles (ieee/ieee-normtitles.txt,
 * SOURCES.md: 8767 designations, no titles). By design (see
 * crawlers/parse_ieee_titles.c) this listing yields no records of its
 * own: expected count 0 alone; with base records already collected, its
 * designations attach to them as editions. Bad lines name their line. */
#include "parsetest.h"

static json_t *base(const char *id, const char *title)
{
    json_t *r = json_pack("{s:s, s:s, s:s}", "id", id, "sdo", "IEEE", "title", title);
    ck_assert_ptr_nonnull(r);
    return r;
}

START_TEST(alone_no_records)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("ieee-titles", "ieee/ieee-normtitles.txt", NULL, c);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
}
END_TEST

START_TEST(attaches_to_known_bases)
{
    secstd_collector *c = secstd_collector_new();
    ck_assert_int_eq(secstd_collector_add(c, base("IEEE 802.1X", "Port-Based Network Access Control")),
                     SECSTD_OK);
    pt_run_shared("ieee-titles", "ieee/ieee-normtitles.txt", NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "IEEE 802.1X");
    json_t *d11 = pt_edition(r, "IEEE Std P802.1X/D11");
    ck_assert_ptr_nonnull(d11);
    ck_assert_str_eq(pt_str(d11, "edition"), "D11");
    ck_assert_str_eq(pt_str(d11, "status"), "draft");
    json_t *y2020 = pt_edition(r, "IEEE Std 802.1X-2020 (Revision of IEEE Std 802.1X-2010 "
                                  "Incorporating IEEE Std 802.1Xbx-2014 and IEEE Std 802.1Xck-2018)");
    ck_assert_ptr_nonnull(y2020);
    ck_assert_str_eq(pt_str(y2020, "edition"), "2020");
    ck_assert_uint_ge(json_array_size(json_object_get(r, "editions")), 5);
    secstd_collector_free(c);
}
END_TEST

START_TEST(bad_lines_named)
{
    static const struct {
        const char *text;
        const char *want;
    } bad[] = {
        {"IEEE Std 802.1X-2020\nIEEE Std P802\x01.1X\n", "line 2: control character"},
        {"IEEE Std 802.1X-2020\r\n\r\nIEEE \xff\xfe\n", "line 3: not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        secstd_collector *c = secstd_collector_new();
        char err[300];
        ck_assert_int_eq(pt_run_text("ieee-titles", bad[i].text, c, err, sizeof err),
                         SECSTD_ERR_PARSE);
        ck_assert_msg(strstr(err, bad[i].want) != NULL, "%zu: %s", i, err);
        secstd_collector_free(c);
    }
    char longline[400];
    memset(longline, 'A', sizeof longline - 1);
    longline[sizeof longline - 1] = '\0';
    char *text = tu_strdupf("IEEE Std 802.1X-2020\n\n\n%s\n", longline);
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("ieee-titles", text, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 4:") != NULL, "%s", err);
    free(text);
    secstd_collector_free(c);
    /* Unknown designations are skipped, not errors; empty input is fine. */
    c = secstd_collector_new();
    ck_assert_int_eq(pt_run_text("ieee-titles", "ANSI C57.12.10-1997\nnot an id\n", c, err, sizeof err),
                     SECSTD_OK);
    ck_assert_int_eq(pt_run_text("ieee-titles", "", c, err, sizeof err), SECSTD_OK);
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_ieee_titles");
    TCase *tc = tcase_create("core");
    if (tu_have_shared()) {
        tcase_add_test(tc, alone_no_records);
        tcase_add_test(tc, attaches_to_known_bases);
    }
    tcase_add_test(tc, bad_lines_named);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
