/* loopback.h — a tiny HTTP server on 127.0.0.1 (port 0) for crawler tests:
 * routes with canned answers and injected faults (status codes, failures
 * before success, delays, slow drip, truncated bodies, redirects, gzip,
 * ETag / 304), and a directory served read-only (the real SDO listings).
 * libmicrohttpd, one thread per connection, so a slow route never blocks
 * another. Used by check_fetch.c and check_crawl.c. */
#ifndef SECSTD_TEST_LOOPBACK_H
#define SECSTD_TEST_LOOPBACK_H

#include <stddef.h>

typedef struct lb_route {
    const char *path;           /* exact request path, e.g. "/x.json" */
    int status;                 /* 0 means 200 */
    const char *content_type;   /* NULL: application/octet-stream */
    const char *body;
    size_t len;                 /* 0: strlen(body) */
    const char *header;         /* one extra "Name: value" header, or NULL */
    int fail_times;             /* first N requests answer fail_status */
    int fail_status;
    const char *fail_header;    /* extra header on those failures (Retry-After) */
    long delay_ms;              /* sleep before answering */
    long drip_ms;               /* send one byte every drip_ms */
    size_t truncate_at;         /* announce len, send this many bytes, close */
    const char *location;       /* Location for 3xx */
    const char *encoding;       /* Content-Encoding (body is pre-encoded) */
    const char *etag;           /* ETag; a matching If-None-Match gets 304 */
} lb_route;

typedef struct lb_server lb_server;

/* Starts a server; aborts the test run on failure. */
lb_server *lb_start(void);
void lb_stop(lb_server *s);
unsigned lb_port(const lb_server *s);
/* "http://127.0.0.1:PORT<path>"; caller free()s. */
char *lb_url(const lb_server *s, const char *path);
/* Adds (or replaces) a route; strings are copied. */
void lb_add(lb_server *s, const lb_route *r);
/* Serves files under dir for paths starting with prefix ("/mirror"),
 * with an ETag from size+mtime and 304 to a matching If-None-Match. */
void lb_serve_dir(lb_server *s, const char *prefix, const char *dir);
/* Requests seen for path (any route, including 404s). */
int lb_hits(lb_server *s, const char *path);

/* A gzip member whose content is n zero bytes (a "gzip bomb" for large n);
 * deflate with fixed Huffman codes, no zlib needed. Caller free()s. */
unsigned char *lb_gzip_zeros(size_t n, size_t *outlen);
/* A valid gzip member of data (stored blocks). Caller free()s. */
unsigned char *lb_gzip_stored(const void *data, size_t len, size_t *outlen);

#endif
