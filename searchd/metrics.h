/* metrics.h — request counters for /metrics (Prometheus text format 0.0.4).
 *
 * Counters are plain C11 atomics updated by every worker thread without a
 * lock: requests by route and status, a latency histogram by route, and
 * gauges for the index generation and record count last seen. Routes and
 * status codes are small fixed tables, so the whole set is one static
 * array per server and rendering it is a walk over the tables. */
#ifndef SEARCHD_METRICS_H
#define SEARCHD_METRICS_H

#include <stdatomic.h>
#include <stdint.h>

#include "buf.h"

/* Route labels; SD_ROUTE_OTHER counts requests that matched no route. */
typedef enum sd_route_id {
    SD_ROUTE_SEARCH,
    SD_ROUTE_STANDARD,
    SD_ROUTE_SIMILAR,
    SD_ROUTE_AREAS,
    SD_ROUTE_COVERAGE,
    SD_ROUTE_OVERLAP,
    SD_ROUTE_CHANGES,
    SD_ROUTE_FEED,
    SD_ROUTE_CSV,
    SD_ROUTE_COVERAGE_CSV,
    SD_ROUTE_OVERLAP_CSV,
    SD_ROUTE_OPENSEARCH,
    SD_ROUTE_HEALTHZ,
    SD_ROUTE_METRICS,
    SD_ROUTE_PAGE,
    SD_ROUTE_STATIC,
    SD_ROUTE_OTHER,
    SD_ROUTE_COUNT
} sd_route_id;

/* Status codes counted individually; anything else counts as "other". */
#define SD_METRIC_STATUSES 13
#define SD_METRIC_BUCKETS 12

typedef struct sd_metrics {
    _Atomic uint64_t requests[SD_ROUTE_COUNT][SD_METRIC_STATUSES + 1];
    _Atomic uint64_t latency_bucket[SD_ROUTE_COUNT][SD_METRIC_BUCKETS];
    _Atomic uint64_t latency_sum_us[SD_ROUTE_COUNT];
    _Atomic uint64_t latency_count[SD_ROUTE_COUNT];
    _Atomic uint64_t index_reopens;
    _Atomic unsigned slow_held;          /* slow-pool requests running or waiting */
    _Atomic uint64_t slow_refused;       /* slow requests refused (pool or address full) */
    _Atomic unsigned index_generation;
    _Atomic unsigned index_records;
    _Atomic long long index_built_at;
    long long started_at;
} sd_metrics;

void sd_metrics_init(sd_metrics *m);
/* The label of a route ("search", "standard", ...). */
const char *sd_route_label(sd_route_id r);
/* Counts one finished request. */
void sd_metrics_request(sd_metrics *m, sd_route_id route, unsigned status, uint64_t micros);
/* Records the generation a worker has open. */
void sd_metrics_index(sd_metrics *m, unsigned generation, unsigned records, long long built_at);
/* Appends the Prometheus text. Returns 0 or -1 when the buffer is full. */
int sd_metrics_render(const sd_metrics *m, sd_buf *out);

#endif
