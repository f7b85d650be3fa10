/* check_assist.c — the helper thread that shares a search's counting
 * passes (indexer/assist.c, query.c): answers with the helper are the
 * same, byte for byte, as without it (words, phrases, identifiers, active
 * filters with their disjunctive passes, a widened search, browsing by
 * date, a second page, facets off), also when the helper builds part of
 * the page's hits; the helper is really used (its counters move); it is not used while the caller says it is busy, for
 * another index, or on another generation, and it follows a newly
 * published generation by itself, and opens its handle afresh when asked
 * (a generation replaced in place). Each test starts and stops the helper
 * in its own process (Check forks per test; threads do not survive a
 * fork). */
#include <check.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "assist.h"
#include "fixture.h"
#include "index.h"
#include "query.h"
#include "testutil.h"

static char *g_dir;

static void suite_setup(void)
{
    g_dir = fx_data_dir();
    secstd_build_summary sum;
    fx_build(g_dir, &sum);
    json_decref(sum.changes);
}

static void suite_teardown(void)
{
    tu_rmtree(g_dir);
    free(g_dir);
}

/* The caller's "something else is running" (assist.h's busy). */
static _Atomic int g_busy;
static int busy(void *ctx)
{
    (void)ctx;
    return g_busy;
}

static char *index_dir(void) { return fx_path(g_dir, "index"); }

static double ms_since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

static char *answer(secstd_index *idx, const secstd_search_request *req)
{
    json_t *out = NULL;
    const char *param = NULL;
    char err[512] = "";
    secstd_status st = secstd_search(idx, req, &out, &param, err, sizeof err);
    ck_assert_msg(st == SECSTD_OK, "search \"%s\": %s", req->q ? req->q : "", err);
    char *text = json_dumps(out, JSON_COMPACT);
    json_decref(out);
    return text;
}

static void nap(void)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

/* Searches until the helper takes part (it opens its handle in the
 * background after the first request); fails after 10 s. */
static void wait_until_used(secstd_index *idx)
{
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "security";
    for (int i = 0; i < 1000; i++) {
        unsigned long long before = secstd_assist_handed();
        free(answer(idx, &req));
        if (secstd_assist_handed() > before)
            return;
        nap();
    }
    ck_abort_msg("the helper never took part in a search");
}

/* A data directory of the test's own, built and opened, with the helper
 * started on its index (probe: assist.h's busy). */
static secstd_index *own_index(char **data, char **dir, int (*probe)(void *))
{
    secstd_index *idx = fx_built_index(data);
    *dir = fx_path(*data, "index");
    ck_assert_int_eq(secstd_assist_enable(*dir, probe, NULL), 1);
    return idx;
}

/* Adds one ETSI standard to DATA's records and builds. */
static void add_etsi_and_build(const char *data, const char *id, const char *title)
{
    char *line = tu_strdupf("{\"id\":\"%s\",\"sdo\":\"ETSI\",\"title\":\"%s\","
                            "\"status\":\"published\",\"date\":\"2024-05\"}\n",
                            id, title);
    fx_write_records(data, "more.jsonl", line);
    free(line);
    secstd_build_summary sum;
    fx_build(data, &sum);
    json_decref(sum.changes);
}

/* The same request with the helper kept out (busy) and with it; the two
 * answers must be the same text, and the helper must have taken part. */
static void assert_same(secstd_index *idx, const secstd_search_request *req, const char *what)
{
    g_busy = 1;
    unsigned long long before = secstd_assist_handed();
    char *alone = answer(idx, req);
    ck_assert_msg(secstd_assist_handed() == before, "%s: helper used while busy", what);
    g_busy = 0;
    char *helped = answer(idx, req);
    if (req->facets)
        ck_assert_msg(secstd_assist_handed() == before + 1, "%s: helper not used", what);
    else
        ck_assert_msg(secstd_assist_handed() == before, "%s: helper used without facets", what);
    ck_assert_msg(strcmp(alone, helped) == 0, "%s: answers differ\n  alone:  %s\n  helped: %s", what,
                  alone, helped);
    free(alone);
    free(helped);
}

START_TEST(test_same_answers)
{
    char *dir = index_dir();
    ck_assert_int_eq(secstd_assist_enable(dir, busy, NULL), 1);
    ck_assert_int_eq(secstd_assist_enable(dir, busy, NULL), 0);   /* one helper */
    secstd_index *idx = fx_open(g_dir);
    wait_until_used(idx);

    static const char *const words[] = {
        "certificate", "authentication framework", "\"public key infrastructure\"",
        "X.509", "RFC 8446", "tls", "title:security", "crypt*",
        /* AND finds nothing: widened to OR (the helper's strict counts are
         * dropped and counted again here). */
        "certificate zebra",
    };
    for (size_t i = 0; i < sizeof words / sizeof *words; i++) {
        secstd_search_request req;
        secstd_search_request_init(&req);
        req.q = words[i];
        assert_same(idx, &req, words[i]);
    }

    secstd_search_request req;
    secstd_search_request_init(&req);
    /* Three active filters: three disjunctive passes besides the first. */
    req.q = "security";
    req.sdo.values[0] = "ETSI";
    req.sdo.values[1] = "IETF";
    req.sdo.count = 2;
    req.status.values[0] = "published";
    req.status.count = 1;
    req.from = "2010";
    assert_same(idx, &req, "security, two bodies, published, from 2010");
    /* Browsing: no text, newest first. */
    req.q = "";
    assert_same(idx, &req, "browse, two bodies, published, from 2010");
    /* A second page of one hit per page. */
    secstd_search_request_init(&req);
    req.q = "security";
    req.per_page = 1;
    req.page = 2;
    assert_same(idx, &req, "security, page 2 of 1 per page");
    /* One hit a page: the ranking pass alone checks two matches, fewer
     * than a widened search's threshold, yet must tell the same searches
     * to widen. */
    static const char *const few[] = {"certificate revocation", "key management",
                                      "authentication assurance", "lightweight zebra",
                                      "tls", "security architecture"};
    for (size_t i = 0; i < sizeof few / sizeof *few; i++) {
        secstd_search_request_init(&req);
        req.q = few[i];
        req.per_page = 1;
        assert_same(idx, &req, few[i]);
    }
    /* Without facets there is nothing to count: no helper. */
    secstd_search_request_init(&req);
    req.q = "security";
    req.facets = 0;
    assert_same(idx, &req, "security without facets");

    secstd_index_free(idx);
    secstd_assist_disable();
    free(dir);
}
END_TEST

/* The helper builds a share of the page once its counting is done; its
 * hits (read, decoded and highlighted through its own handle) are the
 * same as the caller's. Which hits it gets is a matter of timing: search
 * until it has built some, comparing every answer. */
START_TEST(test_hits_on_helper)
{
    char *dir = index_dir();
    ck_assert_int_eq(secstd_assist_enable(dir, busy, NULL), 1);
    secstd_index *idx = fx_open(g_dir);
    wait_until_used(idx);

    static const char *const words[] = {"security", "authentication", "X.509 certificate",
                                        "\"key management\"", "crypt*"};
    enum { NW = sizeof words / sizeof *words };
    /* The answers without the helper first; then the searches follow one
     * another with it, as a lone client's do (the helper stays awake
     * between them). With other tests running on both cores the helper
     * may get no core before the search is done, search after search:
     * keep searching for up to 30 s. */
    char *alone[NW];
    g_busy = 1;
    for (size_t w = 0; w < NW; w++) {
        secstd_search_request req;
        secstd_search_request_init(&req);
        req.q = words[w];
        req.per_page = 50;
        alone[w] = answer(idx, &req);
    }
    g_busy = 0;
    unsigned long long before = secstd_search_helper_hits(), handed = secstd_assist_handed();
    int rounds = 0;
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (; (rounds < 2000 || ms_since(&t0) < 30000.0) && secstd_search_helper_hits() == before;
         rounds++) {
        secstd_search_request req;
        secstd_search_request_init(&req);
        req.q = words[rounds % NW];
        req.per_page = 50;
        char *helped = answer(idx, &req);
        ck_assert_msg(strcmp(alone[rounds % NW], helped) == 0,
                      "%s: answers differ\n  alone:  %s\n  helped: %s", req.q, alone[rounds % NW],
                      helped);
        free(helped);
    }
    ck_assert_msg(secstd_search_helper_hits() > before,
                  "the helper built no hit in %d searches (%llu handed to it)", rounds,
                  secstd_assist_handed() - handed);
    for (size_t w = 0; w < NW; w++)
        free(alone[w]);
    /* Without snippets: no statistics of the helper's own needed. */
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "security";
    req.per_page = 50;
    req.snippets = 0;
    for (int i = 0; i < 20; i++)
        assert_same(idx, &req, "security without snippets");

    secstd_index_free(idx);
    secstd_assist_disable();
    free(dir);
}
END_TEST

START_TEST(test_not_for_another_index)
{
    /* A second index of the same records: same generation number, other
     * directory. */
    char *other, *dir;
    secstd_index *other_idx = own_index(&other, &dir, NULL);
    secstd_index *idx = fx_open(g_dir);
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "security";
    unsigned long long before = secstd_assist_handed();
    for (int i = 0; i < 20; i++) {
        free(answer(idx, &req));
        nap();
    }
    ck_assert(secstd_assist_handed() == before);
    secstd_index_free(idx);
    secstd_assist_disable();
    /* Disabled: never used, whatever the index. */
    free(answer(other_idx, &req));
    ck_assert(secstd_assist_handed() == before);
    secstd_index_free(other_idx);
    tu_rmtree(other);
    free(other);
    free(dir);
}
END_TEST

START_TEST(test_follows_new_generation)
{
    /* A data directory of its own: this test publishes a generation. */
    char *data, *dir;
    secstd_index *idx = own_index(&data, &dir, NULL);
    wait_until_used(idx);
    unsigned gen = secstd_index_generation(idx);

    /* A new generation with one more ETSI standard: the counts change. */
    add_etsi_and_build(data, "ETSI TS 199 001", "Security of test harnesses");
    int changed = 0;
    ck_assert_int_eq(secstd_index_refresh(idx, &changed), SECSTD_OK);
    ck_assert_int_eq(changed, 1);
    ck_assert_uint_gt(secstd_index_generation(idx), gen);

    /* The helper is still on the old generation: not used for this search
     * (which counts itself, on the new one), then it moves. */
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "security";
    unsigned long long before = secstd_assist_handed();
    char *first = answer(idx, &req);
    ck_assert(secstd_assist_handed() == before);
    wait_until_used(idx);
    char *later = answer(idx, &req);
    ck_assert_msg(strcmp(first, later) == 0, "answers differ\n  first: %s\n  later: %s", first,
                  later);
    ck_assert_msg(strstr(later, "ETSI TS 199 001") != NULL, "the new standard is missing: %s",
                  later);
    free(first);
    free(later);
    secstd_index_free(idx);
    secstd_assist_disable();
    tu_rmtree(data);
    free(data);
    free(dir);
}
END_TEST

/* A job for the helper: how many records its handle holds. */
static void count_docs(secstd_index *helper_idx, void *arg)
{
    *(unsigned *)arg = secstd_index_doccount(helper_idx);
}

START_TEST(test_reopen)
{
    char *data, *dir;
    secstd_index *idx = own_index(&data, &dir, busy);
    wait_until_used(idx);

    /* The generation replaced in place, under the same number (what an
     * operator restoring a backup might do before a SIGHUP): the records
     * plus one more ETSI standard. */
    char *other = fx_data_dir();
    add_etsi_and_build(other, "ETSI TS 199 002", "Security of restored backups");
    unsigned gen = secstd_index_generation(idx);
    char *live = tu_strdupf("%s/gen-%06u", dir, gen);
    char *moved = tu_strdupf("%s/replaced", data);
    char *fresh = tu_strdupf("%s/index/gen-%06u", other, gen);
    ck_assert_int_eq(rename(live, moved), 0);
    ck_assert_int_eq(rename(fresh, live), 0);
    secstd_index_free(idx);
    idx = fx_open(data);
    ck_assert_uint_eq(secstd_index_generation(idx), gen);

    /* Reopened (in the background: when it is used again is a matter of
     * timing), the helper's handle holds the new records (the old one
     * would hold one fewer), and the answers are the caller's. */
    secstd_assist_reopen();
    unsigned helper_docs = 0;
    int ran = 0;
    for (int i = 0; i < 1000 && !ran; i++) {
        ran = secstd_assist_start(idx, count_docs, &helper_docs);
        if (ran)
            secstd_assist_wait();
        else
            nap();
    }
    ck_assert_msg(ran, "the helper never took a job after the reopen");
    ck_assert_uint_eq(helper_docs, secstd_index_doccount(idx));
    secstd_search_request req;
    secstd_search_request_init(&req);
    req.q = "security";
    req.sdo.values[0] = "ETSI";
    req.sdo.count = 1;
    assert_same(idx, &req, "security, ETSI, after a reopen");

    secstd_index_free(idx);
    secstd_assist_disable();
    tu_rmtree(other);
    tu_rmtree(data);
    free(other);
    free(data);
    free(dir);
    free(live);
    free(moved);
    free(fresh);
}
END_TEST

/* secstd_spin_while: sees a change another thread makes, and gives up
 * when its time is over. */
static _Atomic int spin_flag;

static void *set_flag_later(void *arg)
{
    (void)arg;
    struct timespec ts = {0, 2000000};   /* 2 ms */
    nanosleep(&ts, NULL);
    atomic_store(&spin_flag, 7);
    return NULL;
}

START_TEST(test_spin_while)
{
    for (int yield = 0; yield <= 1; yield++) {
        atomic_store(&spin_flag, 1);
        pthread_t t;
        ck_assert_int_eq(pthread_create(&t, NULL, set_flag_later, NULL), 0);
        /* Up to 10 s: the change comes long before. */
        ck_assert_int_eq(secstd_spin_while(&spin_flag, 1, 10000000, yield), 1);
        ck_assert_int_eq(atomic_load(&spin_flag), 7);
        pthread_join(t, NULL);

        /* Nothing changes: back after its 3 ms, not before. */
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        ck_assert_int_eq(secstd_spin_while(&spin_flag, 7, 3000, yield), 0);
        ck_assert_msg(ms_since(&t0) >= 3.0, "gave up after %.3f ms", ms_since(&t0));
        /* A flag that already differs: at once. */
        ck_assert_int_eq(secstd_spin_while(&spin_flag, 1, 3000, yield), 1);
    }
}
END_TEST

static Suite *assist_suite(void)
{
    Suite *s = suite_create("assist");
    TCase *t = tcase_create("core");
    tcase_set_timeout(t, 120);
    tcase_add_unchecked_fixture(t, suite_setup, suite_teardown);
    tcase_add_test(t, test_same_answers);
    tcase_add_test(t, test_hits_on_helper);
    tcase_add_test(t, test_not_for_another_index);
    tcase_add_test(t, test_follows_new_generation);
    tcase_add_test(t, test_reopen);
    tcase_add_test(t, test_spin_while);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(assist_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
