/* check_classify.c — technology areas (indexer/classify.c, driven by
 * schema/taxonomy.def): records that must and must not get areas, the
 * security gate, field weights and the threshold, case-sensitive acronyms,
 * group hints and areas given by the source. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "schema.h"

static json_t *areas_of(const char *json)
{
    json_error_t e;
    json_t *rec = json_loads(json, 0, &e);
    ck_assert_msg(rec != NULL, "bad test JSON: %s", e.text);
    json_t *areas = secstd_classify(rec);
    json_decref(rec);
    ck_assert_ptr_nonnull(areas);
    ck_assert(json_is_array(areas));
    return areas;
}

static int has_area(const json_t *areas, const char *id)
{
    size_t i;
    json_t *a;
    json_array_foreach(areas, i, a) {
        if (strcmp(json_string_value(a), id) == 0)
            return 1;
    }
    return 0;
}

static int score_of(const char *json, const char *area, int *gate)
{
    json_t *rec = json_loads(json, 0, NULL);
    ck_assert_ptr_nonnull(rec);
    int *scores = calloc(secstd_area_count(), sizeof *scores);
    *gate = secstd_classify_scores(rec, scores);
    const secstd_area *a = secstd_area_lookup(area);
    ck_assert_ptr_nonnull(a);
    int s = scores[a - secstd_area_at(0)];
    free(scores);
    json_decref(rec);
    return s;
}

START_TEST(test_http_rfc_without_security_gets_none)
{
    json_t *a = areas_of("{\"id\":\"RFC 9110\",\"sdo\":\"IETF\",\"title\":\"HTTP Semantics\","
                         "\"abstract\":\"Describes the overall architecture of HTTP, common "
                         "terminology, and the semantics of request methods, status codes and "
                         "header fields.\",\"group\":\"httpbis\"}");
    ck_assert_uint_eq(json_array_size(a), 0);
    json_decref(a);
    int gate;
    score_of("{\"title\":\"HTTP Semantics\"}", "web", &gate);
    ck_assert_int_eq(gate, 0);
}
END_TEST

START_TEST(test_tls13_is_network)
{
    json_t *a = areas_of("{\"id\":\"RFC 8446\",\"sdo\":\"IETF\",\"title\":\"The Transport Layer "
                         "Security (TLS) Protocol Version 1.3\",\"abstract\":\"Specifies version "
                         "1.3 of TLS, which lets client/server applications communicate over the "
                         "Internet in a way designed to prevent eavesdropping and tampering.\","
                         "\"group\":\"tls\"}");
    ck_assert(has_area(a, "network"));
    ck_assert(!has_area(a, "iot"));
    ck_assert(!has_area(a, "ehealth"));
    /* "Transport" here is a protocol layer, not road or rail. */
    ck_assert(!has_area(a, "its"));
    json_decref(a);
}
END_TEST

/* Words shared with other meanings: SDP is also the Session Description
 * Protocol (RFC 4568 was "zero trust"); transport modes are IPsec's. */
START_TEST(test_homonyms_not_areas)
{
    json_t *a = areas_of("{\"id\":\"RFC 4568\",\"sdo\":\"IETF\",\"title\":\"Session Description "
                         "Protocol (SDP) Security Descriptions for Media Streams\",\"abstract\":"
                         "\"Defines an SDP cryptographic attribute for unicast media streams, "
                         "used with the Secure Real-time Transport Protocol.\",\"group\":\"mmusic\"}");
    ck_assert(!has_area(a, "zero-trust"));
    ck_assert(!has_area(a, "its"));
    json_decref(a);
    /* IKEv2's Child SAs are not children online. */
    a = areas_of("{\"id\":\"RFC 9611\",\"sdo\":\"IETF\",\"title\":\"Internet Key Exchange "
                 "Protocol Version 2 (IKEv2) Support for Per-Resource Child Security Associations "
                 "(SAs)\",\"group\":\"ipsecme\"}");
    ck_assert(!has_area(a, "child-protection"));
    json_decref(a);
}
END_TEST

/* Title-only records of security work (rfc-index.txt has no abstracts;
 * many ITU-T entries neither) pass the security gate. */
START_TEST(test_title_only_security_work)
{
    json_t *a = areas_of("{\"id\":\"RFC 8205\",\"sdo\":\"IETF\",\"title\":\"BGPsec Protocol "
                         "Specification\"}");
    ck_assert_uint_gt(json_array_size(a), 0);
    json_decref(a);
    a = areas_of("{\"id\":\"RFC 5869\",\"sdo\":\"IETF\",\"title\":\"HMAC-based Extract-and-Expand "
                 "Key Derivation Function (HKDF)\"}");
    ck_assert(has_area(a, "crypto"));
    json_decref(a);
    /* an SG17 Recommendation is security work by mandate: at least the
     * general area when its title names no specific one */
    a = areas_of("{\"id\":\"ITU-T X.1524\",\"sdo\":\"ITU-T\",\"title\":\"Common weakness "
                 "enumeration\",\"group\":\"SG17\",\"hints\":[\"group:SG17\"]}");
    ck_assert_uint_gt(json_array_size(a), 0);
    json_decref(a);
    /* and a title with none of it stays out */
    a = areas_of("{\"id\":\"RFC 9110\",\"sdo\":\"IETF\",\"title\":\"HTTP Semantics\"}");
    ck_assert_uint_eq(json_array_size(a), 0);
    json_decref(a);
    a = areas_of("{\"id\":\"ETSI TS 102 940\",\"sdo\":\"ETSI\",\"title\":\"Intelligent Transport "
                 "Systems (ITS); Security; ITS communications security architecture and security "
                 "management\",\"group\":\"TC ITS\"}");
    ck_assert(has_area(a, "its"));
    json_decref(a);
    a = areas_of("{\"id\":\"NIST SP 800-207\",\"sdo\":\"NIST\",\"title\":\"Zero Trust "
                 "Architecture\",\"abstract\":\"Zero trust (ZT) is the term for an evolving set of "
                 "cybersecurity paradigms.\"}");
    ck_assert(has_area(a, "zero-trust"));
    json_decref(a);
}
END_TEST

START_TEST(test_en303645_is_iot)
{
    json_t *a = areas_of("{\"id\":\"ETSI EN 303 645\",\"sdo\":\"ETSI\",\"title\":\"CYBER; Cyber "
                         "Security for Consumer Internet of Things: Baseline Requirements\","
                         "\"abstract\":\"Baseline security provisions for consumer IoT devices "
                         "connected to network infrastructure.\",\"group\":\"TC CYBER\"}");
    ck_assert(has_area(a, "iot"));
    ck_assert(!has_area(a, "finance"));
    json_decref(a);
}
END_TEST

START_TEST(test_areas_in_taxonomy_order)
{
    json_t *a = areas_of("{\"title\":\"Zero trust architecture for Internet of Things "
                         "deployments\",\"abstract\":\"Security of IoT with zero trust.\"}");
    ck_assert_uint_ge(json_array_size(a), 2);
    size_t prev = 0, i;
    json_t *v;
    json_array_foreach(a, i, v) {
        const secstd_area *area = secstd_area_lookup(json_string_value(v));
        ck_assert_ptr_nonnull(area);
        size_t pos = (size_t)(area - secstd_area_at(0));
        ck_assert(i == 0 || pos > prev);
        prev = pos;
    }
    json_decref(a);
}
END_TEST

START_TEST(test_group_hint)
{
    /* No network words at all: only the IETF working group says where it
     * belongs. */
    const char *with = "{\"title\":\"Protocol security considerations\",\"group\":\"ipsecme\"}";
    const char *without = "{\"title\":\"Protocol security considerations\"}";
    int gate;
    ck_assert_int_ge(score_of(with, "network", &gate), 3);
    ck_assert_int_eq(gate, 1);
    ck_assert_int_eq(score_of(without, "network", &gate), 0);
    json_t *a = areas_of(with);
    ck_assert(has_area(a, "network"));
    json_decref(a);
    a = areas_of(without);
    ck_assert(!has_area(a, "network"));
    json_decref(a);
    /* Group hints compare case-insensitively. */
    a = areas_of("{\"title\":\"Protocol security considerations\",\"group\":\"IPSECME\"}");
    ck_assert(has_area(a, "network"));
    json_decref(a);
}
END_TEST

START_TEST(test_gate_by_hint_or_source_areas)
{
    /* No security word in the text: the gate is opened by an IETF security
     * area hint. */
    int gate;
    score_of("{\"title\":\"Widget registry\"}", "network", &gate);
    ck_assert_int_eq(gate, 0);
    score_of("{\"title\":\"Widget registry\",\"hints\":[\"ietf-area:sec\"]}", "network", &gate);
    ck_assert_int_eq(gate, 1);
    /* Areas a source gave are kept. */
    json_t *a = areas_of("{\"title\":\"Widget registry\",\"areas\":[\"ehealth\"]}");
    ck_assert_uint_eq(json_array_size(a), 1);
    ck_assert(has_area(a, "ehealth"));
    json_decref(a);
}
END_TEST

START_TEST(test_weights_and_threshold)
{
    int gate;
    /* One mention in the abstract (weight 1) is below the threshold ... */
    const char *weak = "{\"title\":\"Security guidance\",\"abstract\":\"Mentions a firewall "
                       "once.\"}";
    ck_assert_int_eq(score_of(weak, "network", &gate), 1);
    json_t *a = areas_of(weak);
    ck_assert(!has_area(a, "network"));
    json_decref(a);
    /* ... in the title (weight 3) it is enough; keywords weigh 2. */
    const char *strong = "{\"title\":\"Firewall security guidance\"}";
    ck_assert_int_eq(score_of(strong, "network", &gate), 3);
    a = areas_of(strong);
    ck_assert(has_area(a, "network"));
    json_decref(a);
    ck_assert_int_eq(score_of("{\"title\":\"Security\",\"keywords\":[\"firewall\"]}", "network", &gate), 2);
    /* Repetition in one field counts at most twice. */
    ck_assert_int_le(score_of("{\"title\":\"Security\",\"abstract\":\"firewall firewall firewall "
                              "firewall firewall\"}",
                              "network", &gate),
                     2);
}
END_TEST

START_TEST(test_acronyms_case_sensitive)
{
    int gate;
    /* "ESP" the IPsec payload is an acronym; "esp" in lower case is not. */
    ck_assert_int_eq(score_of("{\"title\":\"Security of ESP\"}", "network", &gate), 3);
    ck_assert_int_eq(score_of("{\"title\":\"Security of esp\"}", "network", &gate), 0);
    /* Phrases are whole tokens: "tlsx" is not TLS. */
    ck_assert_int_eq(score_of("{\"title\":\"Security of TLSX\"}", "network", &gate), 0);
}
END_TEST

START_TEST(test_empty_record)
{
    json_t *a = areas_of("{}");
    ck_assert_uint_eq(json_array_size(a), 0);
    json_decref(a);
    a = areas_of("{\"title\":\"\",\"abstract\":\"\",\"keywords\":[]}");
    ck_assert_uint_eq(json_array_size(a), 0);
    json_decref(a);
}
END_TEST

/* A title about security in general, with no specific area and no
 * group, lands in the general area instead of outside the scope; a title
 * with no security word stays out. */
START_TEST(test_general_security_title)
{
    json_t *a = areas_of("{\"id\":\"ITU-T X.1205\",\"sdo\":\"ITU-T\",\"title\":\"Overview of cybersecurity\"}");
    ck_assert_uint_eq(json_array_size(a), 1);
    ck_assert(has_area(a, "architecture"));
    json_decref(a);
    a = areas_of("{\"id\":\"RFC 9110\",\"sdo\":\"IETF\",\"title\":\"HTTP Semantics\"}");
    ck_assert_uint_eq(json_array_size(a), 0);
    json_decref(a);
}
END_TEST

static Suite *classify_suite(void)
{
    Suite *s = suite_create("classify");
    TCase *t = tcase_create("classify");
    tcase_add_test(t, test_http_rfc_without_security_gets_none);
    tcase_add_test(t, test_tls13_is_network);
    tcase_add_test(t, test_homonyms_not_areas);
    tcase_add_test(t, test_title_only_security_work);
    tcase_add_test(t, test_en303645_is_iot);
    tcase_add_test(t, test_areas_in_taxonomy_order);
    tcase_add_test(t, test_group_hint);
    tcase_add_test(t, test_gate_by_hint_or_source_areas);
    tcase_add_test(t, test_weights_and_threshold);
    tcase_add_test(t, test_acronyms_case_sensitive);
    tcase_add_test(t, test_empty_record);
    tcase_add_test(t, test_general_security_title);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(classify_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
