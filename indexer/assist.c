/* assist.c — the helper thread of assist.h: one job slot, a mutex and two
 * condition variables. The slot's state says who acts next:
 *
 *   IDLE      nothing to do; a caller may hand a job (secstd_assist_start)
 *   PREPARING the helper opens its handle, or moves it to the generation
 *             published now
 *   RUNNING   the helper runs the caller's job
 *   DONE      the job is over; the caller's secstd_assist_wait makes the
 *             slot IDLE again
 *
 * Only the helper touches its handle, and only outside the lock. The state
 * is atomic so that the helper, after a job, and a caller waiting for one,
 * can spin on it briefly before sleeping on the conditions. */
#include "assist.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum slot_state { IDLE, PREPARING, RUNNING, DONE };

static _Atomic unsigned long long handed_total;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t work;    /* to the helper: a job, a generation, or stop */
    pthread_cond_t done;    /* to the caller: the job is over */
    int enabled;
    int stop;
    pthread_t thread;
    char *dir;
    int (*busy)(void *);
    void *busy_ctx;
    secstd_index *idx;      /* the helper's handle (helper thread only) */
    unsigned gen;           /* its generation, 0 = none yet */
    int fresh;              /* the next PREPARING opens a new handle */
    _Atomic int state;      /* enum slot_state; written under lock, read
                               outside it by the spins */
    secstd_assist_fn fn;
    void *arg;
} A = {.lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER, .done = PTHREAD_COND_INITIALIZER};

static long long elapsed_us(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)(t.tv_sec - t0->tv_sec) * 1000000LL + (t.tv_nsec - t0->tv_nsec) / 1000;
}

int secstd_spin_while(const _Atomic int *flag, int value, unsigned usec, int yield)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 1;; i++) {
        if (atomic_load_explicit(flag, memory_order_acquire) != value)
            return 1;
        if (i % 32 == 0 && elapsed_us(&t0) >= (long long)usec)
            return 0;
        if (yield)
            sched_yield();
#if defined(__x86_64__) || defined(__i386__)
        else
            __builtin_ia32_pause();
#endif
    }
}

/* After a job, the helper stays awake this long for the next one (a
 * client's next request), yielding its core to any other thread that
 * wants it, unless requests overlap (busy): a thread woken from sleep
 * started ≈ 26 µs late on the benchmark's virtual machine, a fifth of a
 * two-word search's counting (bench/RESULTS.md, fifteenth round). */
#define IDLE_SPIN_US 500
/* A search waiting for the helper's last hit spins this long first. */
#define WAIT_SPIN_US 200

/* Waits, awake, for work (RUNNING or PREPARING): at most IDLE_SPIN_US,
 * and not at all once another request is in flight (busy). */
static void idle_spin(void)
{
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (unsigned i = 1;; i++) {
        int st = atomic_load_explicit(&A.state, memory_order_acquire);
        if (st == RUNNING || st == PREPARING)
            return;
        if (A.busy && A.busy(A.busy_ctx))
            return;
        if (i % 16 == 0 && elapsed_us(&t0) >= IDLE_SPIN_US)
            return;
        sched_yield();
    }
}

/* Opens the handle, or moves it to the published generation. Returns the
 * generation it is on (0: none). */
static unsigned prepare(int fresh)
{
    if (A.idx && fresh) {
        secstd_index_free(A.idx);
        A.idx = NULL;
    }
    if (A.idx) {
        int changed;
        if (secstd_index_refresh(A.idx, &changed) != SECSTD_OK) {
            secstd_index_free(A.idx);
            A.idx = NULL;
        }
    }
    if (!A.idx) {
        char err[256];
        if (secstd_index_open(A.dir, &A.idx, err, sizeof err) != SECSTD_OK)
            A.idx = NULL;
    }
    return A.idx ? secstd_index_generation(A.idx) : 0;
}

static void *helper(void *unused)
{
    (void)unused;
    int spin = 0;
    pthread_mutex_lock(&A.lock);
    while (!A.stop) {
        if (A.state == PREPARING) {
            int fresh = A.fresh;
            A.fresh = 0;
            pthread_mutex_unlock(&A.lock);
            unsigned gen = prepare(fresh);
            pthread_mutex_lock(&A.lock);
            /* A reopen asked for meanwhile: prepare again. */
            A.gen = A.fresh ? 0 : gen;
            A.state = A.fresh ? PREPARING : IDLE;
        } else if (A.state == RUNNING) {
            secstd_assist_fn fn = A.fn;
            void *arg = A.arg;
            pthread_mutex_unlock(&A.lock);
            fn(A.idx, arg);
            pthread_mutex_lock(&A.lock);
            A.state = DONE;
            pthread_cond_signal(&A.done);
            spin = 1;
        } else if (spin) {
            spin = 0;
            pthread_mutex_unlock(&A.lock);
            idle_spin();
            pthread_mutex_lock(&A.lock);
        } else {
            pthread_cond_wait(&A.work, &A.lock);
        }
    }
    pthread_mutex_unlock(&A.lock);
    return NULL;
}

int secstd_assist_enable(const char *index_dir, int (*busy)(void *ctx), void *ctx)
{
    pthread_mutex_lock(&A.lock);
    int rc = 0;
    if (!A.enabled) {
        A.dir = strdup(index_dir);
        A.busy = busy;
        A.busy_ctx = ctx;
        A.stop = 0;
        A.gen = 0;
        A.fresh = 0;
        A.state = PREPARING;   /* open the handle now, before the first search */
        if (A.dir && pthread_create(&A.thread, NULL, helper, NULL) == 0) {
            A.enabled = 1;
            rc = 1;
        } else {
            free(A.dir);
            A.dir = NULL;
            rc = -1;
        }
    }
    pthread_mutex_unlock(&A.lock);
    return rc;
}

void secstd_assist_disable(void)
{
    pthread_mutex_lock(&A.lock);
    if (!A.enabled) {
        pthread_mutex_unlock(&A.lock);
        return;
    }
    A.stop = 1;
    pthread_cond_signal(&A.work);
    pthread_mutex_unlock(&A.lock);
    pthread_join(A.thread, NULL);
    pthread_mutex_lock(&A.lock);
    secstd_index_free(A.idx);
    A.idx = NULL;
    free(A.dir);
    A.dir = NULL;
    A.enabled = 0;
    A.state = IDLE;
    pthread_mutex_unlock(&A.lock);
}

int secstd_assist_start(const secstd_index *idx, secstd_assist_fn fn, void *arg)
{
    pthread_mutex_lock(&A.lock);
    int handed = 0;
    if (A.enabled && !A.stop && A.state == IDLE && strcmp(A.dir, secstd_index_dir(idx)) == 0 &&
        !(A.busy && A.busy(A.busy_ctx))) {
        if (A.gen == secstd_index_generation(idx)) {
            A.fn = fn;
            A.arg = arg;
            A.state = RUNNING;
            handed = 1;
            atomic_fetch_add_explicit(&handed_total, 1, memory_order_relaxed);
        } else {
            A.state = PREPARING;
        }
        pthread_cond_signal(&A.work);
    }
    pthread_mutex_unlock(&A.lock);
    return handed;
}

void secstd_assist_reopen(void)
{
    pthread_mutex_lock(&A.lock);
    if (A.enabled) {
        A.fresh = 1;
        A.gen = 0;   /* no job for the old handle from now on */
        if (A.state == IDLE) {
            A.state = PREPARING;
            pthread_cond_signal(&A.work);
        }
    }
    pthread_mutex_unlock(&A.lock);
}

void secstd_assist_wait(void)
{
    secstd_spin_while(&A.state, RUNNING, WAIT_SPIN_US, 0);
    pthread_mutex_lock(&A.lock);
    while (A.state == RUNNING)
        pthread_cond_wait(&A.done, &A.lock);
    A.state = IDLE;
    pthread_mutex_unlock(&A.lock);
}

unsigned long long secstd_assist_handed(void)
{
    return atomic_load_explicit(&handed_total, memory_order_relaxed);
}
