/* metrics.c — the counters of metrics.h and their Prometheus rendering. */
#include "metrics.h"

#include <string.h>
#include <time.h>

#include "assist.h"
#include "query.h"

static const char *const ROUTE_LABELS[SD_ROUTE_COUNT] = {
    [SD_ROUTE_SEARCH] = "search",     [SD_ROUTE_STANDARD] = "standard",
    [SD_ROUTE_SIMILAR] = "similar",   [SD_ROUTE_AREAS] = "areas",
    [SD_ROUTE_COVERAGE] = "coverage", [SD_ROUTE_OVERLAP] = "overlap",
    [SD_ROUTE_CHANGES] = "changes",   [SD_ROUTE_FEED] = "feed",   [SD_ROUTE_CSV] = "csv",
    [SD_ROUTE_COVERAGE_CSV] = "coverage_csv", [SD_ROUTE_OVERLAP_CSV] = "overlap_csv",
    [SD_ROUTE_OPENSEARCH] = "opensearch", [SD_ROUTE_HEALTHZ] = "healthz",
    [SD_ROUTE_METRICS] = "metrics",   [SD_ROUTE_PAGE] = "page",
    [SD_ROUTE_STATIC] = "static",     [SD_ROUTE_OTHER] = "other",
};

/* 499: the client went away before the answer was sent (nginx's code). */
static const unsigned STATUSES[SD_METRIC_STATUSES] = {200, 204, 304, 400, 404, 405, 408,
                                                       413, 414, 431, 499, 500, 503};

/* Upper bounds of the latency buckets, seconds; the last is +Inf. */
static const char *const BUCKET_LABELS[SD_METRIC_BUCKETS] = {
    "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "+Inf"};
static const uint64_t BUCKET_US[SD_METRIC_BUCKETS] = {
    1000, 2500, 5000, 10000, 25000, 50000, 100000, 250000, 500000, 1000000, 2500000, UINT64_MAX};

void sd_metrics_init(sd_metrics *m)
{
    memset(m, 0, sizeof(*m));
    m->started_at = (long long)time(NULL);
}

const char *sd_route_label(sd_route_id r)
{
    return r < SD_ROUTE_COUNT ? ROUTE_LABELS[r] : "other";
}

static size_t status_slot(unsigned status)
{
    for (size_t i = 0; i < SD_METRIC_STATUSES; i++)
        if (STATUSES[i] == status)
            return i;
    return SD_METRIC_STATUSES;   /* "other" */
}

void sd_metrics_request(sd_metrics *m, sd_route_id route, unsigned status, uint64_t micros)
{
    if (route >= SD_ROUTE_COUNT)
        route = SD_ROUTE_OTHER;
    atomic_fetch_add_explicit(&m->requests[route][status_slot(status)], 1, memory_order_relaxed);
    /* Buckets are stored non-cumulative and summed when rendered. */
    for (size_t b = 0; b < SD_METRIC_BUCKETS; b++)
        if (micros <= BUCKET_US[b]) {
            atomic_fetch_add_explicit(&m->latency_bucket[route][b], 1, memory_order_relaxed);
            break;
        }
    atomic_fetch_add_explicit(&m->latency_sum_us[route], micros, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->latency_count[route], 1, memory_order_relaxed);
}

void sd_metrics_index(sd_metrics *m, unsigned generation, unsigned records, long long built_at)
{
    unsigned old = atomic_load_explicit(&m->index_generation, memory_order_relaxed);
    if (generation < old)
        return;   /* a lagging worker must not move the gauge back */
    atomic_store_explicit(&m->index_generation, generation, memory_order_relaxed);
    atomic_store_explicit(&m->index_records, records, memory_order_relaxed);
    atomic_store_explicit(&m->index_built_at, built_at, memory_order_relaxed);
}

int sd_metrics_render(const sd_metrics *cm, sd_buf *out)
{
    sd_metrics *m = (sd_metrics *)cm;   /* atomic loads take non-const pointers */
    sd_buf_puts(out, "# HELP searchd_requests_total HTTP requests answered, by route and status.\n"
                     "# TYPE searchd_requests_total counter\n");
    for (size_t r = 0; r < SD_ROUTE_COUNT; r++)
        for (size_t s = 0; s <= SD_METRIC_STATUSES; s++) {
            uint64_t v = atomic_load_explicit(&m->requests[r][s], memory_order_relaxed);
            if (!v)
                continue;
            if (s < SD_METRIC_STATUSES)
                sd_buf_printf(out, "searchd_requests_total{route=\"%s\",code=\"%u\"} %llu\n",
                              ROUTE_LABELS[r], STATUSES[s], (unsigned long long)v);
            else
                sd_buf_printf(out, "searchd_requests_total{route=\"%s\",code=\"other\"} %llu\n",
                              ROUTE_LABELS[r], (unsigned long long)v);
        }
    sd_buf_puts(out, "# HELP searchd_request_duration_seconds Time from the request line to the "
                     "response being queued.\n"
                     "# TYPE searchd_request_duration_seconds histogram\n");
    for (size_t r = 0; r < SD_ROUTE_COUNT; r++) {
        uint64_t count = atomic_load_explicit(&m->latency_count[r], memory_order_relaxed);
        if (!count)
            continue;
        uint64_t cumulative = 0;
        for (size_t b = 0; b < SD_METRIC_BUCKETS; b++) {
            cumulative += atomic_load_explicit(&m->latency_bucket[r][b], memory_order_relaxed);
            sd_buf_printf(out,
                          "searchd_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %llu\n",
                          ROUTE_LABELS[r], BUCKET_LABELS[b], (unsigned long long)cumulative);
        }
        uint64_t sum = atomic_load_explicit(&m->latency_sum_us[r], memory_order_relaxed);
        sd_buf_printf(out, "searchd_request_duration_seconds_sum{route=\"%s\"} %.6f\n",
                      ROUTE_LABELS[r], (double)sum / 1e6);
        sd_buf_printf(out, "searchd_request_duration_seconds_count{route=\"%s\"} %llu\n",
                      ROUTE_LABELS[r], (unsigned long long)count);
    }
    sd_buf_printf(out,
                  "# HELP searchd_index_generation Index generation being served.\n"
                  "# TYPE searchd_index_generation gauge\n"
                  "searchd_index_generation %u\n"
                  "# HELP searchd_index_records Records in the generation being served.\n"
                  "# TYPE searchd_index_records gauge\n"
                  "searchd_index_records %u\n"
                  "# HELP searchd_index_built_at_seconds Unix time the served generation was "
                  "built.\n"
                  "# TYPE searchd_index_built_at_seconds gauge\n"
                  "searchd_index_built_at_seconds %lld\n"
                  "# HELP searchd_index_reopens_total Times a worker reopened the index.\n"
                  "# TYPE searchd_index_reopens_total counter\n"
                  "searchd_index_reopens_total %llu\n"
                  "# HELP searchd_slow_requests Overlap, coverage and CSV requests the slow "
                  "pool holds (running or waiting).\n"
                  "# TYPE searchd_slow_requests gauge\n"
                  "searchd_slow_requests %u\n"
                  "# HELP searchd_slow_refused_total Slow requests refused with 503 (pool or "
                  "client address at its share).\n"
                  "# TYPE searchd_slow_refused_total counter\n"
                  "searchd_slow_refused_total %llu\n"
                  "# HELP searchd_search_assisted_total Searches whose counting passes the "
                  "helper thread shared (one search running alone).\n"
                  "# TYPE searchd_search_assisted_total counter\n"
                  "searchd_search_assisted_total %llu\n"
                  "# HELP searchd_search_assisted_hits_total Hits of result pages the "
                  "helper thread built (read, decoded, highlighted).\n"
                  "# TYPE searchd_search_assisted_hits_total counter\n"
                  "searchd_search_assisted_hits_total %llu\n"
                  "# HELP searchd_start_time_seconds Unix time searchd started.\n"
                  "# TYPE searchd_start_time_seconds gauge\n"
                  "searchd_start_time_seconds %lld\n",
                  atomic_load_explicit(&m->index_generation, memory_order_relaxed),
                  atomic_load_explicit(&m->index_records, memory_order_relaxed),
                  atomic_load_explicit(&m->index_built_at, memory_order_relaxed),
                  (unsigned long long)atomic_load_explicit(&m->index_reopens,
                                                           memory_order_relaxed),
                  atomic_load_explicit(&m->slow_held, memory_order_relaxed),
                  (unsigned long long)atomic_load_explicit(&m->slow_refused, memory_order_relaxed),
                  secstd_assist_handed(), secstd_search_helper_hits(), m->started_at);
    return out->overflow ? -1 : 0;
}
