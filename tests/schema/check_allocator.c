/* check_allocator.c — schema/allocator.h: the malloc the build says it
 * links is the one malloc() calls reach (jemalloc's counters move when this
 * process allocates), and its name is what --version prints. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "allocator.h"

#ifdef SECSTD_HAVE_JEMALLOC
#include <jemalloc/jemalloc.h>
#include <sys/types.h>

static ssize_t decay_ms(const char *name)
{
    ssize_t ms = -2;
    size_t len = sizeof ms;
    ck_assert_int_eq(mallctl(name, &ms, &len, NULL, 0), 0);
    return ms;
}
#endif

START_TEST(test_malloc_is_the_named_allocator)
{
    char name[128];
    secstd_allocator(name, sizeof name);
#ifdef SECSTD_HAVE_JEMALLOC
    ck_assert_msg(strncmp(name, "jemalloc 5.", 11) == 0, "allocator named \"%s\"", name);
    long long before = secstd_allocator_thread_allocated();
    ck_assert_int_ge(before, 0);
    void *volatile p = malloc(1 << 20);
    ck_assert_ptr_nonnull(p);
    long long after = secstd_allocator_thread_allocated();
    /* Not jemalloc's malloc (linked too late, or dropped by the linker):
     * its counter would not see this megabyte. */
    ck_assert_int_ge(after - before, 1 << 20);
    free(p);
#elif defined(SECSTD_SANITIZER_MALLOC)
    ck_assert_str_eq(name, "sanitizer malloc");
    ck_assert_int_eq(secstd_allocator_thread_allocated(), -1);
#else
    ck_assert_str_eq(name, "glibc malloc");
    ck_assert_int_eq(secstd_allocator_thread_allocated(), -1);
#endif
    /* A short buffer is cut, terminated. */
    char tiny[4];
    ck_assert_int_eq((int)strlen(secstd_allocator(tiny, sizeof tiny)), 3);
    secstd_allocator_trim();   /* callable whatever the allocator */
}
END_TEST

/* searchd's setting: free pages handed back after 1 s, for the arena in
 * use and those made later; an operator's MALLOC_CONF left alone. (Each
 * test runs in a process of its own.) */
START_TEST(test_server_tuning)
{
#ifdef SECSTD_HAVE_JEMALLOC
    unsetenv("MALLOC_CONF");
    ck_assert_int_eq(decay_ms("arenas.dirty_decay_ms"), 10000);   /* jemalloc's default */
    secstd_allocator_tune_for_workers(4);
    ck_assert_int_eq(decay_ms("arenas.dirty_decay_ms"), SECSTD_SERVER_DECAY_MS);
    ck_assert_int_eq(decay_ms("arena.0.dirty_decay_ms"), SECSTD_SERVER_DECAY_MS);
#else
    secstd_allocator_tune_for_workers(4);   /* glibc's arenas: nothing to read back */
#endif
}
END_TEST

START_TEST(test_server_tuning_leaves_malloc_conf)
{
#ifdef SECSTD_HAVE_JEMALLOC
    setenv("MALLOC_CONF", "dirty_decay_ms:10000", 1);
    secstd_allocator_tune_for_workers(4);
    ck_assert_int_eq(decay_ms("arenas.dirty_decay_ms"), 10000);
    ck_assert_int_eq(decay_ms("arena.0.dirty_decay_ms"), 10000);
#endif
}
END_TEST

int main(void)
{
    Suite *s = suite_create("allocator");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_malloc_is_the_named_allocator);
    tcase_add_test(tc, test_server_tuning);
    tcase_add_test(tc, test_server_tuning_leaves_malloc_conf);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
