/* overlap_cache.c — the answers of secstd_index_overlap() kept per
 * (generation, area): one per area, cut to each request's limit.
 *
 * Overlap clusters cost up to about a second for a large area (a
 * more-like-this per member), and they depend only on the published
 * generation, which never changes once published. So the first request for
 * an area computes them and the following ones, from any worker thread,
 * get a copy. Entries of older generations are dropped as soon as a newer
 * generation is seen; the table is small and bounded. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "overlap.h"

#define CACHE_SLOTS 64

typedef struct slot {
    char dir[512];           /* index directory: tests run several servers */
    unsigned generation;
    unsigned limit;
    char area[64];
    char *json;              /* compact JSON of the answer; NULL = empty slot */
} slot;

static slot cache[CACHE_SLOTS];
static unsigned next_victim;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

/* Looks up (gen, area, limit); on a hit *out is a fresh copy. Caller holds
 * the lock. */
static int lookup(const char *dir, unsigned gen, const char *area, unsigned limit, json_t **out)
{
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        slot *s = &cache[i];
        if (s->json && s->generation == gen && s->limit == limit && strcmp(s->area, area) == 0 &&
            strcmp(s->dir, dir) == 0) {
            *out = json_loads(s->json, 0, NULL);
            return *out != NULL;
        }
    }
    return 0;
}

static void store(const char *dir, unsigned gen, const char *area, unsigned limit,
                  const json_t *answer)
{
    char *text = json_dumps(answer, JSON_COMPACT);
    if (!text || strlen(area) >= sizeof cache[0].area || strlen(dir) >= sizeof cache[0].dir) {
        free(text);
        return;
    }
    /* A newer generation makes every older answer stale. */
    for (size_t i = 0; i < CACHE_SLOTS; i++)
        if (cache[i].json && cache[i].generation < gen && strcmp(cache[i].dir, dir) == 0) {
            free(cache[i].json);
            cache[i].json = NULL;
        }
    size_t victim = CACHE_SLOTS;
    for (size_t i = 0; i < CACHE_SLOTS && victim == CACHE_SLOTS; i++)
        if (!cache[i].json)
            victim = i;
    if (victim == CACHE_SLOTS)
        victim = next_victim++ % CACHE_SLOTS;
    free(cache[victim].json);
    snprintf(cache[victim].dir, sizeof cache[victim].dir, "%s", dir);
    cache[victim].generation = gen;
    cache[victim].limit = limit;
    snprintf(cache[victim].area, sizeof cache[victim].area, "%s", area);
    cache[victim].json = text;
}

/* The clusters of an answer cut to the first limit (same order). */
static void cut_clusters(json_t *answer, unsigned limit)
{
    json_t *all = json_object_get(answer, "clusters");
    if (!json_is_array(all) || json_array_size(all) <= limit)
        return;
    json_t *first = json_array();
    for (size_t i = 0; i < limit && first; i++)
        json_array_append(first, json_array_get(all, i));
    if (first)
        json_object_set_new(answer, "clusters", first);
}

/* The clusters cost the same whatever the limit (all are computed, then
 * cut), so one answer per area is kept, with the most clusters any limit
 * can ask for, and each request gets its cut: a client varying limit
 * cannot make every request a new computation. */
#define LIMIT_KEPT 1000

secstd_status sd_overlap_cached(secstd_index *idx, const char *area, unsigned limit, json_t **out)
{
    unsigned gen = secstd_index_generation(idx);
    const char *dir = secstd_index_dir(idx);
    if (limit == 0)
        limit = 50;   /* secstd_index_overlap's defaults */
    if (limit > LIMIT_KEPT)
        limit = LIMIT_KEPT;
    *out = NULL;
    pthread_mutex_lock(&lock);
    int hit = lookup(dir, gen, area, LIMIT_KEPT, out);
    pthread_mutex_unlock(&lock);
    if (hit) {
        cut_clusters(*out, limit);
        return SECSTD_OK;
    }
    /* Computed outside the lock: other areas need not wait for this one. */
    secstd_status st = secstd_index_overlap(idx, area, LIMIT_KEPT, out);
    if (st == SECSTD_OK) {
        pthread_mutex_lock(&lock);
        store(dir, gen, area, LIMIT_KEPT, *out);
        pthread_mutex_unlock(&lock);
        cut_clusters(*out, limit);
    }
    return st;
}

void sd_overlap_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        free(cache[i].json);
        cache[i].json = NULL;
    }
    pthread_mutex_unlock(&lock);
}
