/* check_parse_ieee_idams.c — IEEE IDAMS Exchange XML
 * (ieee/ieee-idams-exchange.sample.xml, SOURCES.md: 1 record: the
 * 1998 draft P802.5t/D2.5). XML safety: entity declarations are never
 * expanded, external DTDs/entities never loaded, depth capped. */
#include "parsetest.h"

START_TEST(real_sample)
{
    secstd_collector *c = secstd_collector_new();
    pt_run_shared("ieee-idams", "ieee/ieee-idams-exchange.sample.xml", NULL, c);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    /* A draft of the 802.5t amendment: it attaches to the base standard
     * the identifier module names (see schema/ident.h). */
    secstd_ident id;
    ck_assert_int_eq(secstd_ident_parse("IEEE Std P802.5t/D2.5", "IEEE", &id), SECSTD_OK);
    json_t *r = pt_get(c, id.id);
    ck_assert_str_eq(pt_str(r, "sdo"), "IEEE");
    ck_assert(strncmp(pt_str(r, "title"), "IEEE Draft Supplement to Information technology ", 48) == 0);
    ck_assert(strstr(pt_str(r, "title"), "100 Mbit/s Dedicated Token Ring Operation") != NULL);
    ck_assert_str_eq(pt_str(r, "status"), "withdrawn"); /* an inactive draft */
    ck_assert_str_eq(pt_str(r, "date"), "1998");
    ck_assert_str_eq(pt_str(r, "edition"), "D2.5");
    ck_assert(pt_has(r, "hints", "ics:35.110"));
    ck_assert(pt_has(r, "hints", "ics:35.100.20"));
    ck_assert(pt_has(r, "keywords", "Local and Metropolitan Area Networks (LAN/MAN)"));
    ck_assert_str_eq(pt_str(r, "url"), "https://ieeexplore.ieee.org/document/4039945");
    secstd_collector_free(c);
}
END_TEST

static secstd_status run(const char *xml, char *err, size_t errlen, size_t *count)
{
    secstd_collector *c = secstd_collector_new();
    secstd_status st = pt_run_text("ieee-idams", xml, c, err, errlen);
    *count = secstd_collector_count(c);
    if (st == SECSTD_OK)
        pt_validate_all(c);
    secstd_collector_free(c);
    return st;
}

START_TEST(active_standard_fixture)
{
    const char *xml =
        "<?xml version=\"1.0\"?><publications><publication>"
        "<title>IEEE Std 802.1AE-2018</title><normtitle>IEEE Std 802.1AE-2018</normtitle>"
        "<publicationinfo><stdnumber>802.1AE-2018</stdnumber><standard_status>Active</standard_status>"
        "</publicationinfo><volume><article><title>IEEE Standard for Local and metropolitan area "
        "networks-Media Access Control (MAC) Security (adopted as ISO/IEC/IEEE 8802-1AE:2020)</title>"
        "<articleinfo><abstract>MAC security.</abstract><articledoi>10.1109/IEEESTD.2018.8585421</articledoi>"
        "<date datetype=\"OriginalPub\"><year>2018</year><month>Dec</month><day>26</day></date>"
        "</articleinfo></article></volume></publication></publications>";
    secstd_collector *c = secstd_collector_new();
    char err[300];
    ck_assert_int_eq(pt_run_text("ieee-idams", xml, c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(pt_validate_all(c), 1);
    json_t *r = pt_get(c, "IEEE 802.1AE");
    ck_assert_str_eq(pt_str(r, "status"), "published");
    ck_assert_str_eq(pt_str(r, "date"), "2018-12-26");
    ck_assert_str_eq(pt_str(r, "abstract"), "MAC security.");
    ck_assert_str_eq(pt_str(r, "url"), "https://doi.org/10.1109/IEEESTD.2018.8585421");
    ck_assert(pt_has(r, "relations.identical_to", "ISO/IEC/IEEE 8802-1AE"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(malformed_and_unsafe)
{
    char err[300];
    size_t n;
    /* Not well-formed / truncated. */
    ck_assert_int_eq(run("<publication><title>x</title>", err, sizeof err, &n), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line") != NULL, "%s", err);
    ck_assert_int_eq(run("", err, sizeof err, &n), SECSTD_ERR_PARSE);
    /* Wrong root. */
    ck_assert_int_eq(run("<rss><item/></rss>", err, sizeof err, &n), SECSTD_ERR_PARSE);
    /* No designation. */
    ck_assert_int_eq(run("<publication><title>t</title></publication>", err, sizeof err, &n),
                     SECSTD_ERR_PARSE);
    /* XXE: an external entity must not be read into the record. */
    const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE publication [<!ENTITY x SYSTEM "
                      "\"file:///etc/passwd\">]><publication><publicationinfo><stdnumber>802.1AE-2018"
                      "</stdnumber></publicationinfo><volume><article><title>T &x;</title></article>"
                      "</volume></publication>";
    secstd_collector *c = secstd_collector_new();
    secstd_status st = pt_run_text("ieee-idams", xxe, c, err, sizeof err);
    if (st == SECSTD_OK) {
        json_t *r = pt_get(c, "IEEE 802.1AE");
        ck_assert(strstr(pt_str(r, "title"), "root:") == NULL);
    }
    secstd_collector_free(c);
    /* Billion laughs: refused or left unexpanded, never blown up. */
    const char *lol = "<?xml version=\"1.0\"?><!DOCTYPE p [<!ENTITY a \"aaaaaaaaaa\">"
                      "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">"
                      "<!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">"
                      "<!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\">]>"
                      "<publication><publicationinfo><stdnumber>802.1AE-2018</stdnumber></publicationinfo>"
                      "<volume><article><title>&g;</title></article></volume></publication>";
    c = secstd_collector_new();
    st = pt_run_text("ieee-idams", lol, c, err, sizeof err);
    if (st == SECSTD_OK) {
        json_t *r = pt_get(c, "IEEE 802.1AE");
        ck_assert(strlen(pt_str(r, "title")) < 10000);
    }
    secstd_collector_free(c);
    /* Too deep. */
    char deep[4000];
    size_t o = 0;
    o += (size_t)snprintf(deep + o, sizeof deep - o, "<publication>");
    for (int i = 0; i < 60; i++)
        o += (size_t)snprintf(deep + o, sizeof deep - o, "<a>");
    for (int i = 0; i < 60; i++)
        o += (size_t)snprintf(deep + o, sizeof deep - o, "</a>");
    snprintf(deep + o, sizeof deep - o, "</publication>");
    ck_assert_int_eq(run(deep, err, sizeof err, &n), SECSTD_ERR_TOO_LARGE);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("parse_ieee_idams");
    TCase *tc = tcase_create("core");
    if (tu_have_shared())
        tcase_add_test(tc, real_sample);
    tcase_add_test(tc, active_standard_fixture);
    tcase_add_test(tc, malformed_and_unsafe);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? 1 : 0;
}
