/* assist.h — a second thread for the one search in progress.
 *
 * A search ranks its page and counts its facets: two walks of the same
 * matches that need not wait for each other. While a server answers one
 * search at a time, its other core has nothing to do; with the helper
 * enabled, a search hands the counting to it (secstd_search) and ranks
 * its page meanwhile; then both build the page's hits. When searches
 * overlap, every core already has one, and each search does all of it
 * itself.
 *
 * The helper has its own index handle (Xapian handles belong to one
 * thread), opened in the background when it starts and moved to each
 * newly published generation when a search finds it behind; until it is
 * there, or while it is busy, a search does the work itself. Either way
 * the answer is the same: the helper runs the very code the caller
 * would. */
#ifndef SECSTD_ASSIST_H
#define SECSTD_ASSIST_H

#include "index.h"

/* Starts the helper for the index in index_dir: 1 when started, 0 when
 * one runs already (this call changes nothing), -1 when the thread cannot
 * start (searches then do everything themselves). busy, if not NULL,
 * tells whether anything else is in progress (busy(ctx) != 0: the helper
 * is not used, and does not stay awake after a job; a server passes its
 * requests in flight). It is called from the caller's threads and from
 * the helper's, so it must be safe to call from any thread. */
int secstd_assist_enable(const char *index_dir, int (*busy)(void *ctx), void *ctx);
/* Stops the helper and waits for it (a no-op when not enabled); only the
 * caller whose secstd_assist_enable returned 1. */
void secstd_assist_disable(void);

typedef void (*secstd_assist_fn)(secstd_index *idx, void *arg);

/* Hands fn(helper's handle, arg) to the helper if it is enabled, idle and
 * on the index and generation of idx (the caller's handle); returns 1 when
 * handed (call secstd_assist_wait before arg goes away), 0 when not (do
 * the work yourself). A helper on another generation moves to the
 * published one in the background. */
int secstd_assist_start(const secstd_index *idx, secstd_assist_fn fn, void *arg);
/* Waits for the work handed by secstd_assist_start. */
void secstd_assist_wait(void);
/* Makes the helper open its handle afresh (a server's SIGHUP reopens
 * every handle): it is not used again until it has. */
void secstd_assist_reopen(void);
/* Spins while *flag == value, for at most usec microseconds, pausing the
 * core (or yielding it when yield is not 0); 1 when the flag changed,
 * 0 when the time ran out. For waits of a few microseconds that sleeping
 * would lengthen. */
int secstd_spin_while(const _Atomic int *flag, int value, unsigned usec, int yield);
/* Works handed to the helper since the process started. */
unsigned long long secstd_assist_handed(void);

#endif
