/* check_parse_relaton.c — the "relaton-yaml" parser (crawlers/parse_relaton.c)
 * on the real Relaton streams of ../shared/data/sdo (read at run time, never
 * copied) and on small hand-written YAML fixtures for the failure paths:
 * malformed YAML, alias bombs, deep nesting, documents without an
 * identifier, bytes that are not UTF-8.
 *
 * Expected record counts are "after collapsing": versions and editions of
 * one standard are one record; amendments, corrigenda, supplements, drafts
 * and redlines are editions of their base standard. Each count says why it
 * differs from the document count in SOURCES.md. Expected ids go through
 * secstd_ident_parse() so the test follows the canonical forms of
 * schema/ident.c rather than restating them. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ident.h"
#include "parser.h"
#include "record.h"
#include "testutil.h"

/* Records after collapsing, per listing (the why is next to each check). */
#define EXPECT_ITU 748
#define EXPECT_ISO 318
#define EXPECT_IEC 177
#define EXPECT_ISO_IEC 592
#define EXPECT_3GPP 319
#define EXPECT_ETSI 915
#define EXPECT_ONEM2M 64
#define EXPECT_OASIS 452
#define EXPECT_W3C 141
#define EXPECT_IEEE 95

static secstd_status parse_buf(const char *body, size_t len, secstd_collector **out, char *err,
                               size_t errlen)
{
    const secstd_parser *p = secstd_parser_lookup("relaton-yaml");
    ck_assert_ptr_nonnull(p);
    ck_assert_str_eq(p->format, "YAML");
    *out = secstd_collector_new();
    ck_assert_ptr_nonnull(*out);
    secstd_parse_input in = {body, len, "file:///test.yaml", "test"};
    err[0] = '\0';
    return p->parse(&in, *out, err, errlen);
}

static secstd_status parse_str(const char *yaml, secstd_collector **out, char *err, size_t errlen)
{
    return parse_buf(yaml, strlen(yaml), out, err, errlen);
}

/* Parses a shared listing; every record must pass the schema. */
static secstd_collector *parse_shared(const char *rel)
{
    char *path = tu_shared(rel);
    size_t len = 0;
    char *body = tu_read_file(path, &len);
    ck_assert_msg(body != NULL, "cannot read %s", path);
    secstd_collector *c = NULL;
    char err[256];
    secstd_status st = parse_buf(body, len, &c, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "%s: %s", rel, err);
    json_t *all = secstd_collector_records(c);
    size_t i;
    json_t *rec;
    json_array_foreach(all, i, rec) {
        char why[256];
        ck_assert_msg(secstd_record_validate(rec, why, sizeof why) == SECSTD_OK, "%s: %s: %s", rel,
                      json_string_value(json_object_get(rec, "id")), why);
    }
    json_decref(all);
    free(body);
    free(path);
    return c;
}

/* The canonical id of text as schema/ident.c writes it. */
static const char *canon(const char *text, const char *hint)
{
    static char buf[8][SECSTD_IDENT_MAX];
    static int slot;
    secstd_ident id;
    ck_assert_msg(secstd_ident_parse(text, hint, &id) == SECSTD_OK, "ident rejects %s", text);
    char *b = buf[slot++ % 8];
    snprintf(b, SECSTD_IDENT_MAX, "%s", id.id);
    return b;
}

static json_t *get(secstd_collector *c, const char *text, const char *hint)
{
    const char *id = canon(text, hint);
    json_t *rec = secstd_collector_get(c, id);
    ck_assert_msg(rec != NULL, "no record %s", id);
    return rec;
}

static const char *field(const json_t *rec, const char *key)
{
    const char *s = json_string_value(json_object_get(rec, key));
    return s ? s : "";
}

static int contains(const json_t *arr, const char *s)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) if (json_is_string(v) && strcmp(json_string_value(v), s) == 0) return 1;
    return 0;
}

static const json_t *rel(const json_t *rec, const char *kind)
{
    return json_object_get(json_object_get(rec, "relations"), kind);
}

static int has_edition(const json_t *rec, const char *id)
{
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(rec, "editions"), i, e) if (strcmp(field(e, "id"), id) == 0) return 1;
    return 0;
}

#define SKIP_WITHOUT_DATA()                                                                        \
    do {                                                                                           \
        if (!tu_have_shared())                                                                     \
            return;                                                                                \
    } while (0)

/* ---------------------------------------------------------------- ITU-T */
START_TEST(itu_x_series)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("itu/relaton-data-itu.X-series.yaml");
    /* SOURCES.md: 1637 documents, one per edition, amendment, corrigendum
     * and supplement of the X-series: 748 Recommendations (and
     * supplements) + 889 "editions" entries (earlier editions, Amd., Cor.)
     * = 1637, none skipped. */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_ITU);

    json_t *x509 = get(c, "ITU-T X.509", NULL);
    ck_assert_str_eq(field(x509, "sdo"), "ITU-T");
    ck_assert_str_eq(field(x509, "type"), "Recommendation");
    ck_assert_str_eq(field(x509, "group"), "SG17");
    ck_assert_str_eq(field(x509, "status"), "published");
    ck_assert_str_eq(field(x509, "date"), "2019-10-14");
    ck_assert_str_eq(field(x509, "url"), "https://www.itu.int/rec/T-REC-X.509-201910-I");
    ck_assert_ptr_nonnull(strstr(field(x509, "title"), "Public-key and attribute certificate"));
    /* X.1000-X.1999 are SG17's though the listing names no group for
     * most; other series keep what the listing says (or nothing). */
    ck_assert_str_eq(field(get(c, "ITU-T X.1524", NULL), "group"), "SG17");
    const char *twin = canon("ISO/IEC 9594-8", "ISO");
    ck_assert(contains(json_object_get(x509, "aliases"), twin));
    ck_assert(contains(rel(x509, "identical_to"), twin));
    ck_assert(has_edition(x509, "ITU-T X.509 (10/2016)"));
    ck_assert(has_edition(x509, "ITU-T X.509 (11/1988)"));
    ck_assert(has_edition(x509, "ITU-T X.509 (2019) Cor. 3 (07/2026)"));
    ck_assert(has_edition(x509, "ITU-T X.509 (2019) Amd. 1 (10/2024)"));

    json_t *x1051 = get(c, "ITU-T X.1051", NULL);
    const char *i27011 = canon("ISO/IEC 27011", "ISO");
    ck_assert(contains(rel(x1051, "identical_to"), i27011));
    ck_assert_str_eq(field(x1051, "date"), "2023-06-13");
    ck_assert_str_eq(field(x1051, "status"), "published");
    ck_assert_ptr_nonnull(strstr(field(x1051, "title"), "ISO/IEC 27002"));

    /* X.1 (03/2000) has no status in the listing: its URL state letter
     * ("-I", in force) gives it; the older editions are "Withdrawal". */
    json_t *x1 = get(c, "ITU-T X.1", NULL);
    ck_assert_str_eq(field(x1, "status"), "published");
    ck_assert_str_eq(field(x1, "date"), "2000-03-31");
    ck_assert(has_edition(x1, "ITU-T X.1 (03/1993)"));
    ck_assert_str_eq(field(json_array_get(json_object_get(x1, "editions"), 0), "status"),
                     "withdrawn");
    secstd_collector_free(c);
}
END_TEST

/* ------------------------------------------------------------------ ISO */
START_TEST(iso_sc27)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("iso/relaton-data-iso.jtc1-sc27-and-ics-35.030.yaml");
    /* SOURCES.md: 728 documents (editions, amendments, corrigenda, drafts
     * under development): 318 standards + 410 "editions" entries = 728,
     * none skipped. */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_ISO);
    json_t *r = get(c, "ISO/IEC 27001", NULL);
    ck_assert_str_eq(field(r, "sdo"), "ISO/IEC");
    ck_assert_str_eq(field(r, "group"), "JTC 1/SC 27");
    ck_assert_str_eq(field(r, "status"), "published");
    ck_assert_str_eq(field(r, "date"), "2022-10");
    ck_assert_str_eq(field(r, "edition"), "3");
    ck_assert_str_eq(field(r, "title"), "Information security, cybersecurity and privacy protection - "
                                         "Information security management systems - Requirements");
    ck_assert(contains(json_object_get(r, "hints"), "ics:35.030"));
    ck_assert(has_edition(r, "ISO/IEC 27001:2013"));
    ck_assert(has_edition(r, "ISO/IEC 27001:2013/Cor 1:2014"));
    ck_assert(strlen(field(r, "abstract")) > 100);
    secstd_collector_free(c);
}
END_TEST

/* ------------------------------------------------------------------ IEC */
START_TEST(iec_security)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("iec/relaton-data-iec.security-subset.yaml");
    /* SOURCES.md: 235 documents incl. all editions, amendments,
     * corrigenda and CSV/RLV/SER variants: 177 standards + 56 "editions"
     * entries; 2 skipped, "IEC Technology Report Cyber security:2019" and
     * "IEC White Paper IoT Platform:2016" (no standard identifier). */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_IEC);
    json_t *r = get(c, "IEC 62443-3-3", NULL);
    ck_assert_str_eq(field(r, "sdo"), "IEC");
    ck_assert_str_eq(field(r, "group"), "TC 65");
    ck_assert_str_eq(field(r, "status"), "published");
    ck_assert_str_eq(field(r, "title"), "Industrial communication networks - Network and system "
                                         "security - Part 3-3: System security requirements and "
                                         "security levels");
    ck_assert(has_edition(r, "IEC 62443-3-3:2013/COR1:2014"));
    json_t *p8 = get(c, "IEC 62351-8", NULL);
    ck_assert_str_eq(field(p8, "group"), "TC 57");
    ck_assert_ptr_nonnull(strstr(field(p8, "title"), "Role-based access control"));
    secstd_collector_free(c);
}
END_TEST

START_TEST(iso_iec_joint)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("iso-iec/relaton-data-iec.iso-iec-joint.security-subset.yaml");
    /* SOURCES.md: 603 documents, latest edition per designation: 592
     * standards + 10 documents that are another designation of the same
     * standard (ISO/IEC/IEEE forms, TS/TR renumbering) merged as editions;
     * 1 skipped ("ISO/IEC 30149/FRAG1", not an identifier ident knows). */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_ISO_IEC);
    json_t *r = get(c, "ISO/IEC 27001", NULL);
    ck_assert_str_eq(field(r, "sdo"), "ISO/IEC");
    ck_assert_str_eq(field(r, "group"), "JTC 1/SC 27");
    ck_assert_str_eq(field(r, "date"), "2022-10-25");
    /* Scopes given as HTML (539 of them) are stored as text. */
    const char *a = field(get(c, "ISO/IEC 10116", NULL), "abstract");
    ck_assert_ptr_null(strchr(a, '<'));
    ck_assert_ptr_nonnull(strstr(a, "message length information. NOTE 1 Methods"));
    json_t *all = secstd_collector_records(c);
    size_t i;
    json_t *x;
    json_array_foreach(all, i, x) {
        const char *t = json_string_value(json_object_get(x, "abstract"));
        ck_assert_msg(!t || (!strstr(t, "</p>") && !strstr(t, "&#")), "%s",
                      json_string_value(json_object_get(x, "id")));
    }
    json_decref(all);
    secstd_collector_free(c);
}
END_TEST

/* ----------------------------------------------------------------- 3GPP */
START_TEST(tgpp_series)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("3gpp/relaton-data-3gpp.33-35-55-series.latest.yaml");
    /* SOURCES.md: 319 documents, already the latest version per spec
     * number: 319 records, nothing to collapse. */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_3GPP);
    json_t *r = get(c, "3GPP TS 33.501", NULL);
    ck_assert_str_eq(field(r, "sdo"), "3GPP");
    ck_assert_str_eq(field(r, "type"), "TS");
    ck_assert_str_eq(field(r, "title"), "Security architecture and procedures for 5G System");
    ck_assert_str_eq(field(r, "group"), "SA3");
    ck_assert_str_eq(field(r, "edition"), "19.4.0");
    ck_assert_str_eq(field(r, "date"), "2025-09-26");
    ck_assert_str_eq(field(r, "status"), "published");
    ck_assert(contains(json_object_get(r, "authors"), "Alf Zugenmaier"));
    ck_assert(contains(json_object_get(r, "hints"), "radio:5G"));
    ck_assert_ptr_nonnull(strstr(field(r, "url"), "33501-j40.zip"));
    json_t *w = get(c, "3GPP TS 33.742", NULL);
    ck_assert_str_eq(field(w, "status"), "withdrawn");
    ck_assert_str_eq(field(w, "type"), "TS");
    ck_assert_str_eq(field(w, "group"), "SA3");
    secstd_collector_free(c);
}
END_TEST

/* ----------------------------------------------------------------- ETSI */
START_TEST(etsi_security)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("etsi/relaton-data-etsi.security-subset.yaml");
    /* SOURCES.md: 2211 documents, one per published version of a
     * deliverable (V15.19.0, V16.x, ... of TS 133 501): 915 deliverables
     * + 1296 older versions as "editions" = 2211, none skipped. */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_ETSI);

    json_t *en = get(c, "ETSI EN 303 645", NULL);
    ck_assert_str_eq(field(en, "type"), "EN");
    ck_assert_str_eq(field(en, "group"), "TC CYBER");
    ck_assert_str_eq(field(en, "edition"), "3.1.3");
    ck_assert_str_eq(field(en, "date"), "2024-09");
    ck_assert_ptr_nonnull(strstr(field(en, "title"), "Consumer Internet of Things"));
    ck_assert(contains(json_object_get(en, "keywords"), "IoT"));
    ck_assert(contains(rel(en, "transposes"), canon("ETSI TS 103 645", NULL)));
    ck_assert(has_edition(en, "ETSI EN 303 645 V2.1.1 (2020-06)"));
    json_t *ts645 = get(c, "ETSI TS 103 645", NULL);
    ck_assert_str_eq(field(ts645, "type"), "TS");

    json_t *t = get(c, "ETSI TS 133 501", NULL);
    ck_assert(contains(rel(t, "transposes"), canon("3GPP TS 33.501", NULL)));
    ck_assert_str_eq(field(t, "group"), "SA3");
    ck_assert_uint_ge(json_array_size(json_object_get(t, "editions")), 4);
    ck_assert(has_edition(t, "ETSI TS 133 501 V15.19.0 (2026-04)"));
    /* Same date: the higher version (natural order) is on top. */
    ck_assert_str_eq(field(t, "date"), "2026-04");
    ck_assert_str_eq(field(t, "edition"), "19.6.0");
    ck_assert_ptr_eq(strstr(field(t, "abstract"), "SA#"), NULL);
    secstd_collector_free(c);
}
END_TEST

START_TEST(onem2m_ts118)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("onem2m/relaton-data-etsi.onem2m-ts118.yaml");
    /* SOURCES.md: 109 documents (versions of ETSI TS/TR 118 xxx): 64
     * deliverables + 45 older versions = 109. */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_ONEM2M);
    json_t *r = get(c, "ETSI TS 118 103", NULL);
    ck_assert_str_eq(field(r, "sdo"), "ETSI");
    ck_assert_str_eq(field(r, "group"), "oneM2M");
    ck_assert(contains(rel(r, "transposes"), canon("oneM2M TS-0003", NULL)));
    ck_assert_ptr_nonnull(strstr(field(r, "title"), "Security Solutions"));
    secstd_collector_free(c);
}
END_TEST

/* ---------------------------------------------------------------- OASIS */
START_TEST(oasis_all)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("oasis/relaton-data-oasis.all.yaml");
    /* SOURCES.md: 585 documents; committee specifications (CS01, CS02),
     * errata and the OASIS Standard of one specification version are one
     * record: 452 + 130 "editions" entries; 3 skipped ("OASIS ECF v4.01",
     * "OASIS PLCS v1.0-CS01" and one more form ident does not read).
     * (CS03 is written "CSAF-v2.0-CS03" and stays apart until
     * identifiers are compared case-insensitively.) */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_OASIS);
    json_t *r = get(c, "OASIS csaf-v2.0", "OASIS");
    ck_assert_str_eq(field(r, "sdo"), "OASIS");
    ck_assert_str_eq(field(r, "title"), "Common Security Advisory Framework Version 2.0.");
    ck_assert_str_eq(field(r, "status"), "published");
    ck_assert_str_eq(field(r, "group"), "Common Security Advisory Framework (CSAF) TC");
    ck_assert(contains(json_object_get(r, "hints"), "technology:Cybersecurity"));
    ck_assert(has_edition(r, "OASIS csaf-v2.0-CS01"));
    ck_assert(contains(json_object_get(r, "authors"), "Stefan Hagen"));
    secstd_collector_free(c);
}
END_TEST

/* ------------------------------------------------------------------ W3C */
START_TEST(w3c_security)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("w3c/relaton-data-w3c.security-subset.yaml");
    /* SOURCES.md: 143 unversioned specification records (each level of a
     * spec, webauthn-1/-2/-3, is its own shortname): 141, because three
     * records are xmldsig-requirements (undated + two dated copies). */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_W3C);
    json_t *r2 = get(c, "W3C webauthn-2", "W3C");
    ck_assert_str_eq(field(r2, "status"), "published");
    ck_assert_str_eq(field(r2, "date"), "2021-04-08");
    ck_assert_str_eq(field(r2, "url"), "https://www.w3.org/TR/webauthn-2/");
    ck_assert(has_edition(r2, "W3C REC-webauthn-2-20210408"));
    json_t *r3 = get(c, "W3C webauthn-3", "W3C");
    ck_assert_str_eq(field(r3, "status"), "in-development");
    ck_assert_str_eq(field(r3, "date"), "2026-01-13");
    ck_assert_ptr_nonnull(strstr(field(r3, "title"), "Web Authentication"));
    secstd_collector_free(c);
}
END_TEST

/* ----------------------------------------------------------------- IEEE */
START_TEST(ieee_security)
{
    SKIP_WITHOUT_DATA();
    secstd_collector *c = parse_shared("ieee/relaton-data-ieee.security-subset.yaml");
    /* SOURCES.md: 416 documents: standards with their drafts (P...),
     * amendments (802.1AEbn), corrigenda and redlines, which attach to the
     * base standard: 95 standards with their "editions" (revision projects
     * named with their year, P2410.2020, P2410.2021, P1686.2022, are drafts
     * of IEEE 2410 and IEEE 1686, not standards of their own); 11 skipped:
     * placeholders ("IEEE and", "IEEE Cyber", "IEEE Conformity", "IEEE
     * PHD") and 7 draft designations ident does not read
     * ("P802.1AE_Rev/D-1.2-2018", "P1735_Cor1/D-2-2015", ...). */
    ck_assert_uint_eq(secstd_collector_count(c), EXPECT_IEEE);
    json_t *r = get(c, "IEEE 802.1AE", NULL);
    ck_assert_str_eq(field(r, "sdo"), "IEEE");
    ck_assert_str_eq(field(r, "status"), "published");
    ck_assert_ptr_nonnull(strstr(field(r, "title"), "MAC) Security"));
    const char *iso = canon("ISO/IEC/IEEE 8802-1AE", NULL);
    ck_assert(contains(rel(r, "identical_to"), iso));
    ck_assert(contains(rel(r, "adopted_by"), iso));
    ck_assert(has_edition(r, "IEEE Std 802.1AE-2006"));
    json_t *a = get(c, "ISO/IEC/IEEE 8802-1AE", NULL);
    ck_assert(contains(rel(a, "adopts"), canon("IEEE 802.1AE", NULL)));
    ck_assert(contains(rel(a, "identical_to"), canon("IEEE 802.1AE", NULL)));
    /* "Software &amp; Systems ..." in the listing: decoded, and whole
     * (escaped, it ran past the group's 80 bytes). */
    ck_assert_str_eq(field(get(c, "IEEE 7002", NULL), "group"),
                     "Software & Systems Engineering Standards Committee of the IEEE Computer "
                     "Society");
    secstd_collector_free(c);
}
END_TEST

/* ------------------------------------------------------------- fixtures */
START_TEST(fixture_malformed)
{
    secstd_collector *c;
    char err[256];
    const char *yaml = "---\nid: A\ndocid:\n- id: ITU-T X.1\n  type: [ITU\ntitle: x\n";
    ck_assert_int_eq(parse_str(yaml, &c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line ") != NULL, "%s", err);
    ck_assert_msg(strstr(err, "line 6") != NULL || strstr(err, "line 5") != NULL, "%s", err);
    secstd_collector_free(c);
    /* Not YAML at all. */
    ck_assert_int_eq(parse_str("---\n\"unterminated\n", &c, err, sizeof err), SECSTD_ERR_PARSE);
    secstd_collector_free(c);
}
END_TEST

START_TEST(fixture_alias_bomb)
{
    secstd_collector *c;
    char err[256];
    const char *bomb = "---\n"
                       "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n"
                       "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
                       "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
                       "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
                       "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n";
    ck_assert_int_eq(parse_str(bomb, &c, err, sizeof err), SECSTD_ERR_PARSE);
    ck_assert_msg(strstr(err, "line 2") && strstr(err, "anchor"), "%s", err);
    secstd_collector_free(c);
    ck_assert_int_eq(parse_str("---\nx: *undefined\n", &c, err, sizeof err), SECSTD_ERR_PARSE);
    secstd_collector_free(c);
}
END_TEST

START_TEST(fixture_deep_nesting)
{
    secstd_collector *c;
    char err[256];
    char yaml[4096] = "---\nx: ";
    size_t n = strlen(yaml);
    memset(yaml + n, '[', 1000);
    yaml[n + 1000] = '\0';
    ck_assert_int_eq(parse_str(yaml, &c, err, sizeof err), SECSTD_ERR_TOO_LARGE);
    ck_assert_msg(strstr(err, "nesting") != NULL, "%s", err);
    secstd_collector_free(c);
}
END_TEST

START_TEST(fixture_oversize)
{
    secstd_collector *c = secstd_collector_new();
    char err[256];
    const secstd_parser *p = secstd_parser_lookup("relaton-yaml");
    /* The size check comes before any byte is read. */
    secstd_parse_input in = {"", (size_t)65 * 1024 * 1024, "file:///big.yaml", "test"};
    ck_assert_int_eq(p->parse(&in, c, err, sizeof err), SECSTD_ERR_TOO_LARGE);
    secstd_collector_free(c);
}
END_TEST

/* Decision: a document without a docid (or with one secstd_ident_parse()
 * does not recognise) is skipped, not an error: the rest of the listing
 * is still good. */
static const char *const two_docs_one_bad =
    "---\n"
    "id: NoDocid\n"
    "title:\n- content: A record without identifier\n  language: en\n"
    "---\n"
    "id: ITUTX1\n"
    "title:\n- content: International user classes of service\n  type: main\n  language: en\n"
    "docidentifier:\n- content: ITU-T X.1 (10/1996)\n  type: ITU\n  primary: true\n"
    "date:\n- type: published\n  at: '1996-10-05'\n"
    "status:\n  stage:\n    content: Withdrawal\n"
    "ext:\n  doctype:\n    content: recommendation\n";

START_TEST(fixture_missing_docid)
{
    secstd_collector *c;
    char err[256];
    ck_assert_int_eq(parse_str(two_docs_one_bad, &c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(secstd_collector_count(c), 1);
    json_t *r = get(c, "ITU-T X.1", NULL);
    ck_assert_str_eq(field(r, "status"), "withdrawn");
    ck_assert_str_eq(field(r, "date"), "1996-10-05");
    ck_assert_ptr_null(json_object_get(r, "edition_id"));
    secstd_collector_free(c);
    /* An empty stream is a valid, empty listing. */
    ck_assert_int_eq(parse_str("", &c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(secstd_collector_count(c), 0);
    secstd_collector_free(c);
}
END_TEST

/* Text fields as the listings give them: HTML scopes (format text/html)
 * and character references in plain text. */
static const char *const html_escapes =
    "---\n"
    "id: ISOIEC99999\n"
    "title:\n- content: 'Widgets &amp; gadgets - Part 1: 100 MB&#x2F;s links&#8482;'\n"
    "  type: main\n  language: en\n"
    "docidentifier:\n- content: ISO/IEC 99999:2020\n  type: ISO\n  primary: true\n"
    "abstract:\n- content: \"<p class=\\\"MsoNormal\\\">Scope of &lt;this&gt;\n"
    "    document.</p><p>NOTE 1 a &amp; b</p>\"\n"
    "  language: en\n  format: text/html\n"
    "keyword:\n- content: Alpha&#8482;\n- content: 'a < b & c'\n"
    "---\n"
    "id: ISOIEC99998\n"
    "title:\n- content: Plain <scope> kept\n  type: main\n  language: en\n"
    "docidentifier:\n- content: ISO/IEC 99998:2021\n  type: ISO\n  primary: true\n"
    "abstract:\n- content: 'Uses <b> as text, not a tag: x &lt; y'\n"
    "  language: en\n  format: text/plain\n";

START_TEST(fixture_html_escapes)
{
    secstd_collector *c;
    char err[256];
    ck_assert_msg(parse_str(html_escapes, &c, err, sizeof err) == SECSTD_OK, "%s", err);
    ck_assert_uint_eq(secstd_collector_count(c), 2);
    json_t *r = get(c, "ISO/IEC 99999", NULL);
    ck_assert_str_eq(field(r, "title"), "Widgets & gadgets - Part 1: 100 MB/s links\u2122");
    /* Paragraphs joined by a space, tags gone, references decoded once. */
    ck_assert_str_eq(field(r, "abstract"), "Scope of <this> document. NOTE 1 a & b");
    ck_assert(contains(json_object_get(r, "keywords"), "Alpha\u2122"));
    ck_assert(contains(json_object_get(r, "keywords"), "a < b & c"));
    /* text/plain: what looks like a tag is text. */
    json_t *p = get(c, "ISO/IEC 99998", NULL);
    ck_assert_str_eq(field(p, "title"), "Plain <scope> kept");
    ck_assert_str_eq(field(p, "abstract"), "Uses <b> as text, not a tag: x < y");
    secstd_collector_free(c);
}
END_TEST

/* Versions collapse (newest on top, natural version order), a corrigendum
 * dated later does not take the base's place, Latin-1 bytes are repaired. */
START_TEST(fixture_editions_and_parts)
{
    const char *yaml = "---\n"
                       "docid:\n- id: ETSI TS 133 501 V9.9.0 (2020-01)\n  type: ETSI\n  primary: true\n"
                       "title:\n- content: Old (3GPP TS 33.501 version 9.9.0 Release 9)\n"
                       "version:\n- draft: 9.9.0\n"
                       "date:\n- type: published\n  value: 2020-01\n"
                       "---\n"
                       "docid:\n- id: ETSI TS 133 501 V10.1.0 (2020-01)\n  type: ETSI\n  primary: true\n"
                       "title:\n- content: Caf\xe9 (3GPP TS 33.501 version 10.1.0 Release 10)\n"
                       "version:\n- draft: 10.1.0\n"
                       "date:\n- type: published\n  value: 2020-01\n"
                       "---\n"
                       "docidentifier:\n- content: ITU-T X.509 (2019) Cor. 3 (07/2026)\n  type: ITU\n"
                       "  primary: true\n"
                       "date:\n- type: published\n  at: '2026-07-14'\n"
                       "ext:\n  doctype:\n    content: recommendation-corrigendum\n"
                       "---\n"
                       "docidentifier:\n- content: ITU-T X.509 (10/2019)\n  type: ITU\n  primary: true\n"
                       "- content: ISO/IEC 9594-8\n  type: ISO\n  primary: true\n"
                       "title:\n- content: Public-key and attribute certificate frameworks\n"
                       "  type: main\n  language: en\n"
                       "date:\n- type: published\n  at: '2019-10-14'\n"
                       "ext:\n  doctype:\n    content: recommendation\n";
    secstd_collector *c;
    char err[256];
    ck_assert_int_eq(parse_str(yaml, &c, err, sizeof err), SECSTD_OK);
    ck_assert_uint_eq(secstd_collector_count(c), 2);
    json_t *t = get(c, "ETSI TS 133 501", NULL);
    ck_assert_str_eq(field(t, "edition"), "10.1.0");
    ck_assert_str_eq(field(t, "title"), "Caf\xc3\xa9 (3GPP TS 33.501 version 10.1.0 Release 10)");
    ck_assert(has_edition(t, "ETSI TS 133 501 V9.9.0 (2020-01)"));
    ck_assert(contains(rel(t, "transposes"), canon("3GPP TS 33.501", NULL)));
    json_t *x = get(c, "ITU-T X.509", NULL);
    ck_assert_str_eq(field(x, "title"), "Public-key and attribute certificate frameworks");
    ck_assert_str_eq(field(x, "date"), "2019-10-14");
    ck_assert(has_edition(x, "ITU-T X.509 (2019) Cor. 3 (07/2026)"));
    json_t *all = secstd_collector_records(c);
    size_t i;
    json_t *rec;
    json_array_foreach(all, i, rec) {
        char why[256];
        ck_assert_msg(secstd_record_validate(rec, why, sizeof why) == SECSTD_OK, "%s", why);
    }
    json_decref(all);
    secstd_collector_free(c);
}
END_TEST

static Suite *relaton_suite(void)
{
    Suite *s = suite_create("parse_relaton");
    TCase *real = tcase_create("real");
    tcase_set_timeout(real, 300);
    tcase_add_test(real, itu_x_series);
    tcase_add_test(real, iso_sc27);
    tcase_add_test(real, iec_security);
    tcase_add_test(real, iso_iec_joint);
    tcase_add_test(real, tgpp_series);
    tcase_add_test(real, etsi_security);
    tcase_add_test(real, onem2m_ts118);
    tcase_add_test(real, oasis_all);
    tcase_add_test(real, w3c_security);
    tcase_add_test(real, ieee_security);
    suite_add_tcase(s, real);
    TCase *fx = tcase_create("fixtures");
    tcase_add_test(fx, fixture_malformed);
    tcase_add_test(fx, fixture_alias_bomb);
    tcase_add_test(fx, fixture_deep_nesting);
    tcase_add_test(fx, fixture_oversize);
    tcase_add_test(fx, fixture_missing_docid);
    tcase_add_test(fx, fixture_editions_and_parts);
    tcase_add_test(fx, fixture_html_escapes);
    suite_add_tcase(s, fx);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(relaton_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
