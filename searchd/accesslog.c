/* accesslog.c — Combined Log Format lines (accesslog.h). */
#include "accesslog.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sd_access_log {
    char *path;
    int fd;
    int owns_fd;
    pthread_mutex_t lock;
};

/* Appends s escaped for a quoted log field, cut at SD_ACCESS_MAX_FIELD. */
static void put_escaped(sd_buf *out, const char *s)
{
    if (!s) {
        sd_buf_putc(out, '-');
        return;
    }
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p && n < SD_ACCESS_MAX_FIELD; p++, n++) {
        if (*p == '"' || *p == '\\') {
            sd_buf_putc(out, '\\');
            sd_buf_putc(out, (char)*p);
        } else if (*p < 0x20 || *p == 0x7f) {
            sd_buf_printf(out, "\\x%02x", *p);
        } else {
            sd_buf_putc(out, (char)*p);
        }
    }
    if (s[n])
        sd_buf_puts(out, "...");
}

int sd_access_format(sd_buf *out, const sd_access_entry *e)
{
    char when[64];
    struct tm tm;
    localtime_r(&e->when, &tm);
    if (strftime(when, sizeof(when), "%d/%b/%Y:%H:%M:%S %z", &tm) == 0)
        when[0] = '\0';
    sd_buf_printf(out, "%s - - [%s] \"", e->client && *e->client ? e->client : "-", when);
    put_escaped(out, e->method ? e->method : "-");
    sd_buf_putc(out, ' ');
    put_escaped(out, e->uri ? e->uri : "-");
    sd_buf_putc(out, ' ');
    put_escaped(out, e->version ? e->version : "-");
    if (e->status)
        sd_buf_printf(out, "\" %u ", e->status);
    else
        sd_buf_puts(out, "\" - ");
    if (e->bytes >= 0)
        sd_buf_printf(out, "%lld \"", e->bytes);
    else
        sd_buf_puts(out, "- \"");
    put_escaped(out, e->referer);
    sd_buf_puts(out, "\" \"");
    put_escaped(out, e->user_agent);
    sd_buf_puts(out, "\"\n");
    return out->overflow ? -1 : 0;
}

static int open_fd(const char *path, char *err, size_t errlen)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
    if (fd < 0 && err)
        snprintf(err, errlen, "cannot open access log %s: %s", path, strerror(errno));
    return fd;
}

int sd_access_log_open(const char *path, sd_access_log **out, char *err, size_t errlen)
{
    *out = NULL;
    sd_access_log *log = calloc(1, sizeof(*log));
    if (!log || !(log->path = strdup(path))) {
        free(log);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (strcmp(path, "-") == 0) {
        log->fd = STDOUT_FILENO;
    } else {
        log->fd = open_fd(path, err, errlen);
        log->owns_fd = 1;
        if (log->fd < 0) {
            free(log->path);
            free(log);
            return -1;
        }
    }
    pthread_mutex_init(&log->lock, NULL);
    *out = log;
    return 0;
}

int sd_access_log_reopen(sd_access_log *log)
{
    if (!log || !log->owns_fd)
        return 0;
    int fd = open_fd(log->path, NULL, 0);
    if (fd < 0)
        return -1;
    pthread_mutex_lock(&log->lock);
    close(log->fd);
    log->fd = fd;
    pthread_mutex_unlock(&log->lock);
    return 0;
}

void sd_access_log_write(sd_access_log *log, const sd_access_entry *e)
{
    if (!log)
        return;
    sd_buf line;
    sd_buf_init(&line, 4 * SD_ACCESS_MAX_FIELD * 4 + 512);
    sd_access_format(&line, e);
    if (line.data && !line.overflow) {
        pthread_mutex_lock(&log->lock);
        ssize_t rc = write(log->fd, line.data, line.len);
        (void)rc;   /* a full disk must not fail the request */
        pthread_mutex_unlock(&log->lock);
    }
    sd_buf_free(&line);
}

void sd_access_log_close(sd_access_log *log)
{
    if (!log)
        return;
    if (log->owns_fd)
        close(log->fd);
    pthread_mutex_destroy(&log->lock);
    free(log->path);
    free(log);
}
