/* check_config.c — the config reader (schema/config.h): syntax, sections,
 * typed getters and errors that name FILE:LINE. */
#include <check.h>
#include <string.h>

#include "config.h"

static secstd_config *parse(const char *text, secstd_status want, char *err, size_t errlen)
{
    secstd_config *cfg = secstd_config_new();
    ck_assert_int_eq(secstd_config_parse(cfg, text, strlen(text), "t.conf", err, errlen), want);
    return cfg;
}

START_TEST(test_syntax)
{
    char err[256];
    secstd_config *cfg = parse("# c\ndata_dir = /var/x   # trailing\n; also a comment\n"
                               "[crawl]\n  timeout=100\nurl = https://x/#frag\nua = \"  spaced  \"\n"
                               "[ source   ietf-txt ]\nenabled = no\ntimeout = 200\n[crawl]\ntimeout = 300\n",
                               SECSTD_OK, err, sizeof err);
    ck_assert_str_eq(secstd_config_get(cfg, NULL, "data_dir"), "/var/x");
    ck_assert_str_eq(secstd_config_get(cfg, "crawl", "timeout"), "300");   /* last wins */
    ck_assert_str_eq(secstd_config_get(cfg, "crawl", "url"), "https://x/#frag");
    ck_assert_str_eq(secstd_config_get(cfg, "crawl", "ua"), "  spaced  ");
    ck_assert_str_eq(secstd_config_get(cfg, "source ietf-txt", "timeout"), "200");
    ck_assert_str_eq(secstd_config_origin(cfg, "source ietf-txt", "enabled"), "t.conf:9");
    ck_assert_ptr_null(secstd_config_get(cfg, "crawl", "nope"));
    int b;
    ck_assert_int_eq(secstd_config_get_bool(cfg, "source ietf-txt", "enabled", 1, &b, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(b, 0);
    long l;
    ck_assert_int_eq(secstd_config_get_long(cfg, "crawl", "timeout", 0, 0, 1000, &l, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(l, 300);
    ck_assert_int_eq(secstd_config_get_long(cfg, "crawl", "timeout", 0, 0, 10, &l, err, sizeof err), SECSTD_ERR_INVALID);
    ck_assert_str_eq(err, "t.conf:12: [crawl] 'timeout' must be between 0 and 10");
    ck_assert_int_eq(secstd_config_set(cfg, "crawl", "max_body", "2M"), SECSTD_OK);
    ck_assert_int_eq(secstd_config_get_long(cfg, "crawl", "max_body", 0, 0, 1L << 30, &l, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(l, 2 * 1024 * 1024);
    ck_assert_uint_eq(secstd_config_section_count(cfg), 3);
    static const char *const known[] = {"timeout", "url", NULL};
    ck_assert_int_eq(secstd_config_check_keys(cfg, "crawl", known, err, sizeof err), SECSTD_ERR_INVALID);
    ck_assert_str_eq(err, "t.conf:7: unknown key 'ua' in [crawl]");
    secstd_config_free(cfg);
}
END_TEST

START_TEST(test_errors_name_file_and_line)
{
    static const struct {
        const char *text, *err;
    } cases[] = {
        {"a = 1\njust words\n", "t.conf:2: expected 'key = value', '[section]' or '# comment'"},
        {"[crawl\n", "t.conf:1: section header without ']'"},
        {"[a b c]\n", "t.conf:1: section header has more than two words"},
        {"\n\nbad key = 1\n", "t.conf:3: bad key 'bad key' (letters, digits, '_', '.', '-')"},
        {"k = \"open\n", "t.conf:1: unterminated quoted value"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[256] = "";
        secstd_config *cfg = parse(cases[i].text, SECSTD_ERR_INVALID, err, sizeof err);
        ck_assert_str_eq(err, cases[i].err);
        secstd_config_free(cfg);
    }
    secstd_config *cfg = NULL;
    char err[256];
    ck_assert_int_eq(secstd_config_load("/nonexistent/secstd.conf", &cfg, err, sizeof err), SECSTD_ERR_IO);
    ck_assert_ptr_null(cfg);
    ck_assert_ptr_nonnull(strstr(err, "/nonexistent/secstd.conf"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("config");
    tcase_add_test(tc, test_syntax);
    tcase_add_test(tc, test_errors_name_file_and_line);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
