/* check_schema.c — the static tables of schema/: the field table, the SDO
 * registry and its aliases, the technology-area taxonomy, the synonyms,
 * the record status vocabulary and the status messages. These tables are
 * data other components trust blindly (prefixes, slots, canonical names),
 * so their invariants are checked here. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ident.h"
#include "schema.h"
#include "status.h"
#include "testutil.h"

START_TEST(test_field_table)
{
    int unique_fields = 0;
    for (int i = 0; i < SECSTD_FIELD_COUNT; i++) {
        const secstd_field *f = secstd_field_get((secstd_field_id)i);
        ck_assert_ptr_nonnull(f);
        ck_assert_int_eq(f->id, i);
        ck_assert_msg(f->name && *f->name, "field %d has no name", i);
        ck_assert_msg(f->help && *f->help, "field %s has no help", f->name);
        ck_assert_ptr_eq(secstd_field_by_name(f->name), f);
        unique_fields += f->kind == SECSTD_KIND_UNIQUE;
        if (f->kind == SECSTD_KIND_NONE)
            ck_assert_msg(f->slot >= 0 && f->prefix[0] == '\0', "%s: value-only field needs a slot", f->name);
        else
            ck_assert_msg(f->prefix[0] != '\0', "%s: no prefix", f->name);
        /* Omega conventions: single capitals are standard, our own start with X */
        if (strlen(f->prefix) > 1)
            ck_assert_msg(f->prefix[0] == 'X', "%s: own prefix %s must start with X", f->name, f->prefix);
        for (int j = 0; j < i; j++) {
            const secstd_field *g = secstd_field_get((secstd_field_id)j);
            ck_assert_msg(strcasecmp(f->name, g->name) != 0, "duplicate field name %s", f->name);
            if (f->prefix[0])
                ck_assert_msg(strcmp(f->prefix, g->prefix) != 0, "prefix %s used twice", f->prefix);
            if (f->slot >= 0)
                ck_assert_msg(f->slot != g->slot, "slot %d used by %s and %s", f->slot, f->name, g->name);
        }
    }
    ck_assert_int_eq(unique_fields, 1);
    ck_assert_str_eq(secstd_field_get(SECSTD_FIELD_ID)->prefix, "Q");
    ck_assert_ptr_null(secstd_field_get(SECSTD_FIELD_COUNT));
    ck_assert_ptr_null(secstd_field_get((secstd_field_id)-1));
}
END_TEST

START_TEST(test_field_by_name)
{
    ck_assert_ptr_eq(secstd_field_by_name("TITLE"), secstd_field_get(SECSTD_FIELD_TITLE));
    ck_assert_ptr_eq(secstd_field_by_name("Sdo"), secstd_field_get(SECSTD_FIELD_SDO));
    ck_assert_ptr_null(secstd_field_by_name("nosuchfield"));
    ck_assert_ptr_null(secstd_field_by_name(""));
    ck_assert_ptr_null(secstd_field_by_name(NULL));
    ck_assert_int_eq(secstd_field_get(SECSTD_FIELD_SDO)->facet, 1);
    ck_assert_int_eq(secstd_field_get(SECSTD_FIELD_SDO)->kind, SECSTD_KIND_BOOLEAN);
    ck_assert_int_eq(secstd_field_get(SECSTD_FIELD_TITLE)->kind, SECSTD_KIND_TEXT);
}
END_TEST

struct alias_ctx {
    const secstd_sdo *owner;
    int bad;
};

static int alias_resolves_to_owner(void *ctx, const char *item, size_t len)
{
    struct alias_ctx *a = ctx;
    char buf[128];
    ck_assert_uint_lt(len, sizeof buf);
    memcpy(buf, item, len);
    buf[len] = '\0';
    for (size_t i = 0; i < len; i++)
        ck_assert_msg(buf[i] < 'A' || buf[i] > 'Z', "alias \"%s\" of %s is not lower-case", buf, a->owner->name);
    if (secstd_sdo_lookup(buf) != a->owner)
        a->bad++;
    return 0;
}

START_TEST(test_sdo_registry)
{
    ck_assert_uint_ge(secstd_sdo_count(), 13);
    for (size_t i = 0; i < secstd_sdo_count(); i++) {
        const secstd_sdo *s = secstd_sdo_at(i);
        ck_assert_ptr_nonnull(s);
        /* must fit secstd_ident.sdo and the record's 16-byte sdo */
        ck_assert_uint_lt(strlen(s->name), sizeof(((secstd_ident *)0)->sdo));
        ck_assert_ptr_eq(secstd_sdo_lookup(s->name), s);
        ck_assert_msg(strncmp(s->url, "https://", 8) == 0, "%s url %s", s->name, s->url);
        ck_assert_msg(s->full_name && *s->full_name, "%s has no full name", s->name);
        struct alias_ctx a = {s, 0};
        secstd_list_each(s->aliases, alias_resolves_to_owner, &a);
        ck_assert_msg(a.bad == 0, "an alias of %s resolves elsewhere", s->name);
    }
    ck_assert_ptr_null(secstd_sdo_at(secstd_sdo_count()));
}
END_TEST

START_TEST(test_sdo_lookup)
{
    static const struct {
        const char *name, *canonical;
    } t[] = {
        {"ITU-T", "ITU-T"},     {"itu", "ITU-T"},        {"ITUT", "ITU-T"},         {"jtc 1", "ISO/IEC"},
        {"ISO/IEC", "ISO/IEC"}, {"iso-iec", "ISO/IEC"},  {"ISO/IEC/IEEE", "ISO/IEC"}, {"iso", "ISO"},
        {"IEC", "IEC"},         {"RFC Editor", "IETF"},  {"irtf", "IETF"},          {"3gpp", "3GPP"},
        {"ONEM2M", "oneM2M"},   {"CENELEC", "CEN"},      {"cen/cenelec", "CEN"},    {"csrc", "NIST"},
        {"IEEE-SA", "IEEE"},    {"oasis open", "OASIS"}, {"w3c", "W3C"},           {"ATIS", "ATIS"},
    };
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        const secstd_sdo *s = secstd_sdo_lookup(t[i].name);
        ck_assert_msg(s != NULL, "%s unknown", t[i].name);
        ck_assert_str_eq(s->name, t[i].canonical);
    }
    ck_assert_ptr_null(secstd_sdo_lookup("ANSI"));
    ck_assert_ptr_null(secstd_sdo_lookup("it"));
    ck_assert_ptr_null(secstd_sdo_lookup("itu-t "));
    ck_assert_ptr_null(secstd_sdo_lookup(""));
    ck_assert_ptr_null(secstd_sdo_lookup(NULL));
}
END_TEST

START_TEST(test_areas)
{
    ck_assert_uint_ge(secstd_area_count(), 20);
    for (size_t i = 0; i < secstd_area_count(); i++) {
        const secstd_area *a = secstd_area_at(i);
        ck_assert_ptr_nonnull(a);
        ck_assert_msg(a->id && *a->id && a->label && *a->label && a->scope && *a->scope, "area %zu incomplete", i);
        ck_assert_msg(a->phrases && *a->phrases, "area %s has no evidence phrases", a->id);
        for (const char *c = a->id; *c; c++)
            ck_assert_msg((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-',
                          "area id %s is not a lower-case slug", a->id);
        ck_assert_ptr_eq(secstd_area_lookup(a->id), a);
        for (size_t j = 0; j < i; j++)
            ck_assert_msg(strcasecmp(a->id, secstd_area_at(j)->id) != 0, "area %s twice", a->id);
    }
    ck_assert_ptr_nonnull(secstd_area_lookup("ZERO-TRUST"));
    ck_assert_ptr_null(secstd_area_lookup("no-such-area"));
    ck_assert_ptr_null(secstd_area_lookup(NULL));
    ck_assert_ptr_null(secstd_area_at(secstd_area_count()));
}
END_TEST

static int contains_item(void *ctx, const char *item, size_t len)
{
    const char *want = ctx;
    return strlen(want) == len && strncmp(item, want, len) == 0;
}

START_TEST(test_synonyms)
{
    ck_assert_uint_gt(secstd_synonym_count(), 10);
    for (size_t i = 0; i < secstd_synonym_count(); i++) {
        const secstd_synonym *s = secstd_synonym_at(i);
        for (const char *c = s->term; *c; c++)
            ck_assert_msg(*c < 'A' || *c > 'Z', "synonym term %s not lower-case", s->term);
        ck_assert_msg(s->expansions && *s->expansions, "%s has no expansions", s->term);
        ck_assert_ptr_eq(secstd_synonym_lookup(s->term), s);
        ck_assert_msg(!secstd_list_each(s->expansions, contains_item, (void *)s->term), "%s expands to itself",
                      s->term);
    }
    const secstd_synonym *g = secstd_synonym_lookup("5G");
    ck_assert_ptr_nonnull(g);
    ck_assert(secstd_list_each(g->expansions, contains_item, "imt-2020"));
    const secstd_synonym *back = secstd_synonym_lookup("imt-2020");
    ck_assert_ptr_nonnull(back);
    ck_assert(secstd_list_each(back->expansions, contains_item, "5g"));
    ck_assert_ptr_null(secstd_synonym_lookup("nosuchterm"));
    ck_assert_ptr_null(secstd_synonym_lookup(NULL));
    ck_assert_ptr_null(secstd_synonym_at(secstd_synonym_count()));
}
END_TEST

START_TEST(test_status_vocabulary)
{
    static const char *const want[] = {"published", "in-development", "superseded", "withdrawn", "historic"};
    ck_assert_uint_eq(secstd_record_status_count(), 5);
    for (size_t i = 0; i < 5; i++) {
        ck_assert_str_eq(secstd_record_status_at(i), want[i]);
        ck_assert_int_eq(secstd_record_status_valid(want[i]), 1);
    }
    ck_assert_ptr_null(secstd_record_status_at(5));
    ck_assert_int_eq(secstd_record_status_valid("Published"), 0);
    ck_assert_int_eq(secstd_record_status_valid("draft"), 0);
    ck_assert_int_eq(secstd_record_status_valid(""), 0);
    ck_assert_int_eq(secstd_record_status_valid(NULL), 0);
}
END_TEST

static int count_items(void *ctx, const char *item, size_t len)
{
    (void)item;
    ck_assert_uint_gt(len, 0);
    (*(int *)ctx)++;
    return 0;
}

START_TEST(test_list_each)
{
    int n = 0;
    ck_assert_int_eq(secstd_list_each("a|bb||c|", count_items, &n), 0);
    ck_assert_int_eq(n, 3); /* empty items are skipped */
    n = 0;
    ck_assert_int_eq(secstd_list_each("", count_items, &n), 0);
    ck_assert_int_eq(secstd_list_each(NULL, count_items, &n), 0);
    ck_assert_int_eq(n, 0);
    ck_assert_int_eq(secstd_list_each("x|y|z", contains_item, "y"), 1);
    ck_assert_int_eq(secstd_list_each("x|yy|z", contains_item, "y"), 0);
}
END_TEST

START_TEST(test_status_messages)
{
    const char *seen[SECSTD_ERR_UNCHANGED + 1];
    for (int s = SECSTD_OK; s <= SECSTD_ERR_UNCHANGED; s++) {
        seen[s] = secstd_status_to_string((secstd_status)s);
        ck_assert_ptr_nonnull(seen[s]);
        ck_assert_str_ne(seen[s], "unknown status");
        for (int t = 0; t < s; t++)
            ck_assert_str_ne(seen[s], seen[t]);
    }
    ck_assert_str_eq(secstd_status_to_string((secstd_status)999), "unknown status");
}
END_TEST

/* SCHEMA.md names every field with its prefix, and every value slot with
 * its field, in its two tables: the page and fields.def cannot drift. */
START_TEST(test_schema_page)
{
    size_t len = 0;
    char *page = tu_read_file(SECSTD_SOURCE_DIR "/schema/SCHEMA.md", &len);
    ck_assert_ptr_nonnull(page);
    for (int i = 0; i < SECSTD_FIELD_COUNT; i++) {
        const secstd_field *f = secstd_field_get((secstd_field_id)i);
        char row[128];
        if (f->prefix[0]) {
            snprintf(row, sizeof row, "| `%s` | `%s` |", f->name, f->prefix);
            ck_assert_msg(strstr(page, row) != NULL, "SCHEMA.md has no row \"%s\"", row);
        }
        if (f->slot >= 0) {
            snprintf(row, sizeof row, "| %d | `%s` |", f->slot, f->name);
            ck_assert_msg(strstr(page, row) != NULL, "SCHEMA.md has no row \"%s\"", row);
        }
    }
    free(page);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("schema");
    TCase *tc = tcase_create("tables");
    tcase_add_test(tc, test_field_table);
    tcase_add_test(tc, test_field_by_name);
    tcase_add_test(tc, test_sdo_registry);
    tcase_add_test(tc, test_sdo_lookup);
    tcase_add_test(tc, test_areas);
    tcase_add_test(tc, test_synonyms);
    tcase_add_test(tc, test_status_vocabulary);
    tcase_add_test(tc, test_list_each);
    tcase_add_test(tc, test_status_messages);
    tcase_add_test(tc, test_schema_page);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
