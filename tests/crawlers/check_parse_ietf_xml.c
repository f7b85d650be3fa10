/* check_parse_ietf_xml.c — the ietf-xml parser (crawlers/parse_ietf_xml.c)
 * on the real rfc-index.xml excerpt and on hand-written fixtures:
 * old-style ids, status mapping, malformed and hostile XML. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parsetest.h"

#define NS "xmlns=\"https://www.rfc-editor.org/rfc-index\""

/* SOURCES.md: 47 rfc-entry + 14 bcp-entry + 11 std-entry. Sub-series
 * entries are aliases of their member RFCs, not records: 47 records. */
START_TEST(real_excerpt)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("ietf-xml", "ietf/rfc-index.excerpt.xml", PT_FIXTURE_URL, c);
    ck_assert_uint_eq(pt_validate_all(c), 47);

    json_t *r = pt_get(c, "RFC 8446");
    ck_assert_str_eq(pt_str(r, "sdo"), "IETF");
    ck_assert_str_eq(pt_str(r, "type"), "RFC");
    ck_assert_str_eq(pt_str(r, "title"), "The Transport Layer Security (TLS) Protocol Version 1.3");
    ck_assert_str_eq(pt_str(r, "date"), "2018-08");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "group"), "tls");
    ck_assert_str_eq(pt_str(r, "url"), "https://www.rfc-editor.org/info/rfc8446");
    ck_assert(pt_has(r, "authors", "E. Rescorla"));
    ck_assert(pt_has(r, "keywords", "authentication"));
    ck_assert(pt_has(r, "hints", "ietf-area:sec"));
    ck_assert(pt_has(r, "hints", "ietf-wg:tls"));
    ck_assert(pt_has(r, "aliases", "10.17487/RFC8446"));
    ck_assert(pt_has(r, "relations.supersedes", "RFC 5077"));
    ck_assert(pt_has(r, "relations.supersedes", "RFC 5246"));
    ck_assert(pt_has(r, "relations.supersedes", "RFC 6961"));
    ck_assert(pt_has(r, "relations.updates", "RFC 5705"));
    ck_assert(pt_has(r, "relations.updates", "RFC 6066"));
    ck_assert(strncmp(pt_str(r, "abstract"), "This document specifies version 1.3", 35) == 0);
    /* paragraphs kept apart */
    ck_assert_ptr_nonnull(strstr(pt_str(r, "abstract"), "message forgery.\n\nThis document updates"));

    r = pt_get(c, "RFC 5280");
    ck_assert_str_eq(pt_str(r, "group"), "pkix");
    ck_assert_str_eq(pt_str(r, "date"), "2008-05");
    ck_assert(pt_has(r, "relations.supersedes", "RFC 3280"));
    ck_assert(pt_has(r, "relations.supersedes", "RFC 4630"));
    ck_assert(pt_has(r, "relations.updated_by", "RFC 6818"));
    ck_assert(strstr(pt_str(r, "title"), "X.509 Public Key Infrastructure") != NULL);

    /* std-entry STD78 lists RFC5343: the alias lands on the RFC. */
    ck_assert(pt_has(pt_get(c, "RFC 5343"), "aliases", "STD 78"));
    /* The newest entry of the current generator (unpadded id). */
    ck_assert_str_eq(pt_str(pt_get(c, "RFC 10008"), "title"), "The HTTP QUERY Method");
    ck_assert_ptr_null(secstd_collector_get(c, "BCP 14")); /* aliases only */
    secstd_collector_free(c);
}
END_TEST

/* Old generator: padded ids, double-quoted declaration, no namespace
 * prefix issues; HISTORIC and obsoleted-by; Editor titles; BCP alias. */
START_TEST(old_style_ids_and_status)
{
    const char *doc =
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<rfc-index " NS ">\n"
        "<bcp-entry><doc-id>BCP0195</doc-id><is-also><doc-id>RFC0002</doc-id></is-also></bcp-entry>\n"
        "<rfc-entry><doc-id>RFC0001</doc-id><title>Host Software</title>\n"
        " <author><name>S. Crocker</name></author><date><month>April</month><year>1969</year></date>\n"
        " <obsoleted-by><doc-id>RFC0002</doc-id></obsoleted-by>\n"
        " <current-status>UNKNOWN</current-status></rfc-entry>\n"
        "<rfc-entry><doc-id>RFC0002</doc-id><title>Caf\xc3\xa9 protocol</title>\n"
        " <author><name>A. Editor</name><title>Editor</title></author>\n"
        " <date><day>1</day><month>April</month><year>1970</year></date>\n"
        " <obsoletes><doc-id>RFC0001</doc-id></obsoletes>\n"
        " <current-status>HISTORIC</current-status><wg_acronym>NON WORKING GROUP</wg_acronym></rfc-entry>\n"
        "</rfc-index>\n";
    secstd_collector *c = secstd_collector_new();
    char err[256];
    ck_assert_int_eq(pt_run_text("ietf-xml", doc, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 2);
    json_t *r1 = pt_get(c, "RFC 1"), *r2 = pt_get(c, "RFC 2");
    ck_assert_str_eq(pt_str(r1, "status"), "superseded");
    ck_assert_str_eq(pt_str(r1, "date"), "1969-04");
    ck_assert(pt_has(r1, "relations.superseded_by", "RFC 2"));
    ck_assert_str_eq(pt_str(r2, "status"), "historic");
    ck_assert_str_eq(pt_str(r2, "date"), "1970-04-01");
    ck_assert_str_eq(pt_str(r2, "title"), "Caf\xc3\xa9 protocol");
    ck_assert(pt_has(r2, "authors", "A. Editor, Ed."));
    ck_assert(pt_has(r2, "aliases", "BCP 195"));
    ck_assert_ptr_null(json_object_get(r2, "group"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed_names_line)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    /* unclosed element */
    const char *bad = "<?xml version='1.0'?>\n<rfc-index " NS ">\n<rfc-entry>\n<doc-id>RFC1</doc-id>\n"
                      "<title>x</titel>\n</rfc-entry></rfc-index>";
    ck_assert_int_eq(pt_run_text("ietf-xml", bad, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 5") != NULL, "err: %s", err);
    /* entry without a doc-id: the error names the entry's line */
    const char *noid = "<?xml version='1.0'?>\n<rfc-index " NS ">\n\n<rfc-entry><title>x</title></rfc-entry></rfc-index>";
    ck_assert_int_eq(pt_run_text("ietf-xml", noid, c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 4") && strstr(err, "doc-id"), "err: %s", err);
    secstd_collector_free(c);
}
END_TEST

START_TEST(truncated_real_file)
{
    char *path = tu_shared("ietf/rfc-index.excerpt.xml");
    size_t len;
    char *body = tu_read_file(path, &len);
    ck_assert_ptr_nonnull(body);
    secstd_collector *c = secstd_collector_new();
    char err[256];
    ck_assert_int_eq(pt_run("ietf-xml", body, len / 2, PT_FIXTURE_URL, c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_msg(strncmp(err, "line ", 5) == 0, "err: %s", err);
    secstd_collector_free(c);
    free(body);
    free(path);
}
END_TEST

START_TEST(wrong_format)
{
    char err[256];
    secstd_collector *c = secstd_collector_new();
    ck_assert_int_eq(pt_run_text("ietf-xml", "[{\"docidentifier\": \"SP 800-207\"}]", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_int_eq(pt_run_text("ietf-xml", "<?xml version='1.0'?><modsCollection/>", c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "modsCollection") != NULL, "err: %s", err);
    ck_assert_int_eq(pt_run("ietf-xml", "", 0, PT_FIXTURE_URL, c, err, sizeof err),
                     SECSTD_ERR_PARSE);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
}
END_TEST

START_TEST(billion_laughs_rejected)
{
    char *doc = tu_strdupf("%s<rfc-index " NS "><rfc-entry><doc-id>RFC1</doc-id><title>&lol9;</title>"
                           "</rfc-entry></rfc-index>\n", pt_billion_laughs);
    secstd_collector *c = secstd_collector_new();
    char err[256];
    ck_assert_int_eq(pt_run_text("ietf-xml", doc, c, err, sizeof err), SECSTD_ERR_TOO_LARGE);
    ck_assert_msg(strstr(err, "line 3") && strstr(err, "entity"), "err: %s", err);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
    free(doc);
}
END_TEST

START_TEST(xxe_rejected)
{
    char *dir;
    char *secret = pt_secret_file(&dir, "TOP-SECRET-42");
    char *doc = pt_xxe_doc(secret, "<rfc-index " NS "><rfc-entry><doc-id>RFC1</doc-id><title>",
                           "</title></rfc-entry></rfc-index>");
    secstd_collector *c = secstd_collector_new();
    char err[256];
    secstd_status st = pt_run_text("ietf-xml", doc, c, err, sizeof err);
    ck_assert_int_ne(st, SECSTD_OK);
    ck_assert_msg(strstr(err, "external entity") != NULL, "err: %s", err);
    ck_assert_ptr_null(strstr(err, "TOP-SECRET"));
    ck_assert(!pt_any_contains(c, "TOP-SECRET"));
    secstd_collector_free(c);
    free(doc);
    free(secret);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(deep_nesting_rejected)
{
    char *doc = pt_deep_doc("rfc-index", 200);
    secstd_collector *c = secstd_collector_new();
    char err[256];
    ck_assert_int_eq(pt_run_text("ietf-xml", doc, c, err, sizeof err), SECSTD_ERR_TOO_LARGE);
    secstd_collector_free(c);
    free(doc);
}
END_TEST

/* Fuzzing found libxml2 printing "encoding error : input conversion
 * failed" and "I/O error : encoder error" to stderr for bytes invalid in
 * the declared encoding: a library never prints, and a hostile listing
 * must not be able to flood the crawler's log. The parse fails quietly. */
START_TEST(encoding_errors_silent)
{
    static const char doc[] = "<?xml version=\"1.0\" encoding=\"EUC-JP\"?>"
                              "<rfc-index>\xff\xff\xff\xff</rfc-index>";
    FILE *cap = tmpfile();
    ck_assert_ptr_nonnull(cap);
    fflush(stderr);
    int saved = dup(2);
    ck_assert_int_ge(saved, 0);
    ck_assert_int_ge(dup2(fileno(cap), 2), 0);
    secstd_collector *c = secstd_collector_new();
    char err[256];
    secstd_status st = pt_run_text("ietf-xml", doc, c, err, sizeof err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    ck_assert_int_ne(st, SECSTD_OK);
    ck_assert_msg(ftell(cap) == 0, "libxml2 printed %ld bytes to stderr", ftell(cap));
    fclose(cap);
    secstd_collector_free(c);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_ietf_xml");
    TCase *tc = tcase_create("ietf-xml");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, real_excerpt);
    tcase_add_test(tc, old_style_ids_and_status);
    tcase_add_test(tc, malformed_names_line);
    tcase_add_test(tc, truncated_real_file);
    tcase_add_test(tc, wrong_format);
    tcase_add_test(tc, billion_laughs_rejected);
    tcase_add_test(tc, xxe_rejected);
    tcase_add_test(tc, deep_nesting_rejected);
    tcase_add_test(tc, encoding_errors_silent);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
