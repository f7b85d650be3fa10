/* check_deflate_level.c — cli/deflate_level.c: the streams Xapian opens
 * (raw deflate, default level) get level 0 and the smallest hash table, and
 * no other stream changes;
 * a process linking it has Xapian's own calls bound to it (the count moves
 * when Xapian writes), and what it wrote reads back. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <check.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "deflate_level.h"
#include "testutil.h"
#include "xap.h"

START_TEST(test_levels)
{
    ck_assert_int_eq(secstd_deflate_level(Z_DEFAULT_COMPRESSION, -15), SECSTD_INDEX_DEFLATE_LEVEL);
    /* A level asked for, or a zlib/gzip stream (libcurl, libxml2), stays. */
    ck_assert_int_eq(secstd_deflate_level(9, -15), 9);
    ck_assert_int_eq(secstd_deflate_level(Z_DEFAULT_COMPRESSION, 15), Z_DEFAULT_COMPRESSION);
    ck_assert_int_eq(secstd_deflate_level(Z_DEFAULT_COMPRESSION, 31), Z_DEFAULT_COMPRESSION);
    ck_assert_int_eq(secstd_deflate_memlevel(Z_DEFAULT_COMPRESSION, -15, 9),
                     SECSTD_INDEX_DEFLATE_MEMLEVEL);
    ck_assert_int_eq(secstd_deflate_memlevel(9, -15, 9), 9);
    ck_assert_int_eq(secstd_deflate_memlevel(Z_DEFAULT_COMPRESSION, 15, 8), 8);
}
END_TEST

/* text deflated (raw, Xapian's window) through init; returns the size. */
static size_t deflate_with(int (*init)(z_streamp, int, int, int, int, int, const char *, int),
                           int level, int mem_level, const char *text, unsigned char *out,
                           size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    ck_assert_int_eq(init(&z, level, Z_DEFLATED, -15, mem_level, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                          (int)sizeof z),
                     Z_OK);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)strlen(text);
    z.next_out = out;
    z.avail_out = (uInt)cap;
    ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    size_t n = z.total_out;
    deflateEnd(&z);
    return n;
}

START_TEST(test_xapian_streams_take_the_index_level)
{
    /* Terms with shared beginnings, as in a term list: level 6 shrinks
     * them, the index's level must give what zlib gives at that level. */
    char text[6000];
    size_t len = 0;
    for (int i = 0; len + 48 < sizeof text; i++)
        len += (size_t)snprintf(text + len, sizeof text - len, "Zauthent%d XDcertif%03d Skey%d ",
                                i % 7, (i * 37) % 101, i % 13);
    void *sym = dlsym(RTLD_NEXT, "deflateInit2_");
    ck_assert_ptr_nonnull(sym);
    int (*zlib_init)(z_streamp, int, int, int, int, int, const char *, int);
    memcpy(&zlib_init, &sym, sizeof sym);

    static unsigned char ours[8192], want[8192], six[8192];
    /* Xapian's parameters: the default level, memLevel 9. */
    size_t n_ours = deflate_with(deflateInit2_, Z_DEFAULT_COMPRESSION, 9, text, ours, sizeof ours);
    size_t n_want = deflate_with(zlib_init, SECSTD_INDEX_DEFLATE_LEVEL,
                                 SECSTD_INDEX_DEFLATE_MEMLEVEL, text, want, sizeof want);
    size_t n_six = deflate_with(zlib_init, 6, 9, text, six, sizeof six);
    ck_assert_msg(n_want != n_six || memcmp(want, six, n_want) != 0,
                  "sample does not tell levels apart");
    ck_assert_uint_eq(n_ours, n_want);
    ck_assert(memcmp(ours, want, n_want) == 0);
    /* Level 0 stores: no smaller than the text, so glass keeps it as is. */
    if (SECSTD_INDEX_DEFLATE_LEVEL == 0)
        ck_assert_uint_ge(n_ours, len);

    char name[64], level[16];
    snprintf(level, sizeof level, "level %d", SECSTD_INDEX_DEFLATE_LEVEL);
    ck_assert_ptr_nonnull(strstr(secstd_index_compression(name, sizeof name), level));
}
END_TEST

START_TEST(test_xapian_binds_to_it)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/db", dir);
    unsigned long before = secstd_deflate_relevelled();
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    char data[3000];
    for (int i = 0; i < 20; i++) {
        xap_doc *d = xap_doc_new();
        ck_assert_ptr_nonnull(d);
        char id[32];
        snprintf(id, sizeof id, "Qdoc%d", i);
        ck_assert_int_eq(xap_doc_add_term(d, id, 0), SECSTD_OK);
        ck_assert_int_eq(xap_doc_index_text(d,
                                            "key management for certificate authorities and "
                                            "certificate revocation in public key infrastructures",
                                            1, ""),
                         SECSTD_OK);
        size_t n = 0;
        while (n + 40 < sizeof data)
            n += (size_t)snprintf(data + n, sizeof data - n, "record %d field %zu; ", i, n % 97);
        ck_assert_int_eq(xap_doc_set_data(d, data, n, 0), SECSTD_OK);
        ck_assert_int_eq(xap_writer_add(w, d), SECSTD_OK);
        xap_doc_free(d);
    }
    ck_assert_int_eq(xap_writer_commit(w), SECSTD_OK);
    xap_writer_free(w);
    /* libxapian's deflateInit2_ call came here, not to zlib directly. */
    ck_assert_uint_gt(secstd_deflate_relevelled(), before);

    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    unsigned count = 0;
    ck_assert_int_eq(xap_db_doccount(db, &count), SECSTD_OK);
    ck_assert_uint_eq(count, 20);
    char *got = NULL;
    size_t len = 0;
    ck_assert_int_eq(xap_db_get_data(db, 20, &got, &len), SECSTD_OK);
    ck_assert_uint_eq(len, strlen(data));
    ck_assert_str_eq(got, data);
    free(got);
    xap_db_free(db);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("deflate_level");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_levels);
    tcase_add_test(tc, test_xapian_streams_take_the_index_level);
    tcase_add_test(tc, test_xapian_binds_to_it);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
