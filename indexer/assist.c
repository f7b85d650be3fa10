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
 * Only the helper touches its handle, and only outside the lock. */
#include "assist.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

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
    enum slot_state state;
    secstd_assist_fn fn;
    void *arg;
} A = {.lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER, .done = PTHREAD_COND_INITIALIZER};

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
