/* server.h — searchd as a library: start the HTTP daemon, reload, stop.
 *
 * searchd serves the published index (indexer/index.h) over HTTP: the JSON
 * API, CSV export, OpenSearch description, health and metrics endpoints
 * and the web page of searchd/web/. The `searchd` program (main.c) is a
 * thin shell over this API (flags, config file, signals); tests start the
 * same server in-process on 127.0.0.1 port 0.
 *
 * Threads: libmicrohttpd runs a pool of `threads` workers (epoll); each
 * worker opens its own read-only index handle the first time it needs one
 * (Xapian handles are not thread-safe) and checks for a newly published
 * generation before every request, so a new generation is picked up
 * without a restart and without a failed request. searchd never writes to
 * the index. */
#ifndef SEARCHD_SERVER_H
#define SEARCHD_SERVER_H

#include <stddef.h>

typedef struct searchd_config {
    const char *bind;            /* listen address, IPv4 or IPv6 literal ("127.0.0.1") */
    unsigned port;               /* 0 = any free port (see searchd_port) */
    const char *index_dir;       /* directory holding gen-N/ and current */
    const char *web_dir;         /* web page files; NULL = installed or source copy */
    const char *access_log;      /* path, "-" for stdout, NULL for none */
    unsigned threads;            /* worker threads (1..256) */
    unsigned timeout;            /* seconds a connection may stay idle */
    unsigned max_connections;    /* open connections in total */
    unsigned max_per_ip;         /* open connections per client address */
    size_t connection_memory;    /* bytes of libmicrohttpd memory per connection */
    size_t max_url;              /* longest request target answered (else 414) */
    size_t max_header_bytes;     /* largest request header block (else 431) */
    unsigned max_headers;        /* most request header lines (else 431) */
    unsigned max_args;           /* most query-string arguments (else 414) */
    unsigned max_per_page;       /* largest per_page */
    unsigned max_depth;          /* deepest result served: page * per_page */
    unsigned max_query_len;      /* longest q, bytes */
    unsigned csv_max_rows;       /* rows of one CSV export */
    unsigned max_similar;        /* largest limit of /similar */
    unsigned exact_facets;       /* facets exact up to this many matches (and half again) */
    unsigned drain_seconds;      /* how long searchd_stop waits for requests in flight */
    unsigned max_index_age;      /* /healthz says "stale" past this many seconds (0: never) */
    unsigned assist;             /* 1: a lone search counts on a helper thread (assist.h) */
} searchd_config;

/* Defaults: 127.0.0.1:8080, index "data/index", searchd_default_threads()
 * workers, 15 s timeout, 512 connections, 32 per IP, 64 KiB per
 * connection, 4 KiB URLs, 8 KiB headers in at most 64 lines, 128
 * arguments, query.h's paging limits, 100000 CSV rows, 50 similar, facets
 * exact to 10,000 matches, 5 s drain, stale after 2 days, the helper
 * thread on. */
void searchd_config_init(searchd_config *cfg);

/* Worker threads by default: one per online core, at least 2 (one long
 * request must not hold every connection) and at most 16 (each holds an
 * index handle). More workers than cores only take turns on them: on 2
 * cores, 4 workers answered the bench's load at 16 connections with more
 * CPU a request and a longer tail than 2 (bench/RESULTS.md, thirteenth
 * round). */
unsigned searchd_default_threads(void);

typedef struct searchd_server searchd_server;

/* Starts serving (the config is copied). Returns 0, or -1 with the reason
 * in err (bad address, port in use, bad limits, unreadable access log).
 * A missing index is not an error: requests get 503 until one exists. */
int searchd_start(const searchd_config *cfg, searchd_server **out, char *err, size_t errlen);

/* The port actually bound (useful after port 0). */
unsigned searchd_port(const searchd_server *srv);

/* How many worker threads have served a request that read the index
 * (each keeps a handle): for tests of how connections are spread. */
unsigned searchd_workers_used(searchd_server *srv);

/* "http://ADDR:PORT/" (borrowed). */
const char *searchd_url(const searchd_server *srv);

/* SIGHUP: reopens the access log now and makes every worker reopen its
 * index handle before its next request. Returns 0, or -1 when the log
 * could not be reopened (the old one stays in use). */
int searchd_reload(searchd_server *srv);

/* Stops accepting new connections (requests in flight continue), waits up
 * to drain_seconds for open connections to finish, then shuts down and
 * frees everything. srv may be NULL. */
void searchd_stop(searchd_server *srv);

#endif
