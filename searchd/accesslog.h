/* accesslog.h — the access log, in Combined Log Format:
 *
 *   127.0.0.1 - - [10/Oct/2025:13:55:36 +0000] "GET /api/search?q=tls HTTP/1.1" 200 2326 "-" "curl/7.88.1"
 *
 * the format every log tool reads. Client-supplied strings (request line,
 * referer, user agent) are escaped Apache-style (\" \\ \xHH) and cut at a
 * fixed length, so a hostile request cannot forge log lines or grow them
 * without bound. The file is opened in append mode and written with one
 * write(2) per line; SIGHUP reopens it (for logrotate). */
#ifndef SEARCHD_ACCESSLOG_H
#define SEARCHD_ACCESSLOG_H

#include <stddef.h>
#include <time.h>

#include "buf.h"

typedef struct sd_access_entry {
    const char *client;       /* address text */
    time_t when;
    const char *method;
    const char *uri;          /* raw request target, as sent */
    const char *version;      /* "HTTP/1.1" */
    unsigned status;          /* 0: no response was sent */
    long long bytes;          /* body bytes, < 0 for "-" */
    const char *referer;      /* NULL for "-" */
    const char *user_agent;
} sd_access_entry;

/* Longest client string kept in a line. */
#define SD_ACCESS_MAX_FIELD 2048

/* Appends one formatted line (with '\n'). */
int sd_access_format(sd_buf *out, const sd_access_entry *e);

typedef struct sd_access_log sd_access_log;

/* Opens path for appending ("-" is standard output). Returns 0, or -1 with
 * the reason in err. */
int sd_access_log_open(const char *path, sd_access_log **out, char *err, size_t errlen);
/* Reopens the same path (after rotation). Returns 0 or -1 (the old file
 * stays in use). */
int sd_access_log_reopen(sd_access_log *log);
/* Writes one line; thread-safe. log may be NULL (no log). */
void sd_access_log_write(sd_access_log *log, const sd_access_entry *e);
void sd_access_log_close(sd_access_log *log);

#endif
