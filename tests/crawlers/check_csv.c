/* check_csv.c — the RFC 4180 reader (crawlers/csv.c): quoting, doubled
 * quotes, embedded newlines and separators, CRLF, BOM, empty fields, the
 * semicolon separator, and the errors that must name the line. */
#include <check.h>
#include <string.h>

#include "csv.h"

static secstd_csv *open_text(const char *text, char sep)
{
    secstd_csv *r = secstd_csv_new(text, strlen(text), sep);
    ck_assert_ptr_nonnull(r);
    return r;
}

START_TEST(quoted_fields)
{
    const char *text = "\xEF\xBB\xBFid,name,scope\r\n"
                       "1,\"a, b\",\"say \"\"hi\"\"\"\r\n"
                       "2,,\"line one\nline two\n\"\n"
                       "3,x,\n";
    secstd_csv *r = open_text(text, ',');
    char err[200];
    size_t n;
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(secstd_csv_field(r, 0), "id");
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(secstd_csv_field(r, 1), "a, b");
    ck_assert_str_eq(secstd_csv_field(r, 2), "say \"hi\"");
    ck_assert_uint_eq(secstd_csv_line(r), 2);
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_str_eq(secstd_csv_field(r, 1), "");
    ck_assert_str_eq(secstd_csv_field(r, 2), "line one\nline two\n");
    ck_assert_uint_eq(secstd_csv_line(r), 3);
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(secstd_csv_line(r), 6); /* the quoted field spanned three lines */
    ck_assert_str_eq(secstd_csv_field(r, 2), "");
    ck_assert_ptr_null(secstd_csv_field(r, 3));
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 0);
    secstd_csv_free(r);
}
END_TEST

START_TEST(semicolons_and_no_final_newline)
{
    secstd_csv *r = open_text("a;b,c;\"d;e\"\n\n\nx;y;z", ';');
    char err[200];
    size_t n;
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_str_eq(secstd_csv_field(r, 1), "b,c");
    ck_assert_str_eq(secstd_csv_field(r, 2), "d;e");
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(secstd_csv_line(r), 4); /* blank lines skipped, counted */
    ck_assert_str_eq(secstd_csv_field(r, 2), "z");
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 0);
    secstd_csv_free(r);
}
END_TEST

START_TEST(unterminated_quote_names_line)
{
    secstd_csv *r = open_text("h1,h2\nok,1\nbad,\"never\nclosed\n", ',');
    char err[200];
    size_t n;
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "unterminated") && strstr(err, "line 3"), "%s", err);
    /* After an error the reader is at the end. */
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 0);
    secstd_csv_free(r);
}
END_TEST

START_TEST(stray_quotes_are_errors)
{
    char err[200];
    size_t n;
    secstd_csv *r = open_text("a,b\"c\n", ',');
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 1") && strstr(err, "quote"), "%s", err);
    secstd_csv_free(r);
    r = open_text("x\n\"a\"b,c\n", ',');
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 2") && strstr(err, "closing quote"), "%s", err);
    secstd_csv_free(r);
}
END_TEST

START_TEST(too_many_fields)
{
    char text[SECSTD_CSV_MAX_FIELDS * 2 + 8];
    size_t o = 0;
    for (int i = 0; i <= SECSTD_CSV_MAX_FIELDS; i++)
        text[o++] = ',';
    text[o] = '\0';
    secstd_csv *r = open_text(text, ',');
    char err[200];
    size_t n;
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_ERR_TOO_LARGE);
    ck_assert_msg(strstr(err, "line 1"), "%s", err);
    secstd_csv_free(r);
}
END_TEST

START_TEST(empty_input)
{
    secstd_csv *r = open_text("", ',');
    char err[10];
    size_t n = 99;
    ck_assert_int_eq(secstd_csv_next(r, &n, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(n, 0);
    secstd_csv_free(r);
    secstd_csv_free(NULL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, quoted_fields);
    tcase_add_test(tc, semicolons_and_no_final_newline);
    tcase_add_test(tc, unterminated_quote_names_line);
    tcase_add_test(tc, stray_quotes_are_errors);
    tcase_add_test(tc, too_many_fields);
    tcase_add_test(tc, empty_input);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
