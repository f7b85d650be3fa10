/* loopback.c — see loopback.h. Everything a fault needs is decided from
 * the route table under one mutex; answering happens outside it. */
#include "loopback.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define LB_MAX_ROUTES 64
#define LB_MAX_HITS 256

typedef struct route_slot {
    lb_route r;
    char *strings[9];
    unsigned char *body;
    int served;
} route_slot;

struct lb_server {
    struct MHD_Daemon *d;
    unsigned port;
    pthread_mutex_t mu;
    route_slot routes[LB_MAX_ROUTES];
    size_t nroutes;
    struct {
        char *path;
        int n;
    } hits[LB_MAX_HITS];
    size_t nhits;
    char *dir_prefix, *dir;
    volatile int stopping;
};

static void nap(lb_server *s, long ms)
{
    while (ms > 0 && !s->stopping) {
        long step = ms < 20 ? ms : 20;
        struct timespec ts = {0, step * 1000000L};
        nanosleep(&ts, NULL);
        ms -= step;
    }
}

static char *dup_opt(const char *s) { return s ? strdup(s) : NULL; }

static void slot_clear(route_slot *sl)
{
    for (size_t i = 0; i < sizeof sl->strings / sizeof sl->strings[0]; i++)
        free(sl->strings[i]);
    free(sl->body);
    memset(sl, 0, sizeof *sl);
}

void lb_add(lb_server *s, const lb_route *r)
{
    pthread_mutex_lock(&s->mu);
    route_slot *sl = NULL;
    for (size_t i = 0; i < s->nroutes; i++)
        if (strcmp(s->routes[i].r.path, r->path) == 0) {
            sl = &s->routes[i];
            slot_clear(sl);
        }
    if (!sl) {
        if (s->nroutes == LB_MAX_ROUTES)
            abort();
        sl = &s->routes[s->nroutes++];
    }
    sl->r = *r;
    const char **fields[] = {&sl->r.path, &sl->r.content_type, &sl->r.header, &sl->r.fail_header,
                             &sl->r.location, &sl->r.encoding, &sl->r.etag};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        *fields[i] = sl->strings[i] = dup_opt(*fields[i]);
    size_t len = r->len ? r->len : (r->body ? strlen(r->body) : 0);
    sl->body = malloc(len + 1);
    if (!sl->body)
        abort();
    if (len)
        memcpy(sl->body, r->body, len);
    sl->r.body = (const char *)sl->body;
    sl->r.len = len;
    pthread_mutex_unlock(&s->mu);
}

void lb_serve_dir(lb_server *s, const char *prefix, const char *dir)
{
    pthread_mutex_lock(&s->mu);
    free(s->dir_prefix);
    free(s->dir);
    s->dir_prefix = strdup(prefix);
    s->dir = strdup(dir);
    pthread_mutex_unlock(&s->mu);
}

int lb_hits(lb_server *s, const char *path)
{
    int n = 0;
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->nhits; i++)
        if (strcmp(s->hits[i].path, path) == 0)
            n = s->hits[i].n;
    pthread_mutex_unlock(&s->mu);
    return n;
}

static void count_hit(lb_server *s, const char *path)
{
    for (size_t i = 0; i < s->nhits; i++)
        if (strcmp(s->hits[i].path, path) == 0) {
            s->hits[i].n++;
            return;
        }
    if (s->nhits < LB_MAX_HITS) {
        s->hits[s->nhits].path = strdup(path);
        s->hits[s->nhits++].n = 1;
    }
}

/* Streaming state for drip and truncation. */
typedef struct stream {
    lb_server *s;
    unsigned char *body;
    size_t len, stop_at;
    long drip_ms;
} stream;

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    stream *st = cls;
    if (pos >= st->stop_at)
        return MHD_CONTENT_READER_END_WITH_ERROR;   /* close: a truncated body */
    if (st->drip_ms) {
        nap(st->s, st->drip_ms);
        if (st->s->stopping)
            return MHD_CONTENT_READER_END_WITH_ERROR;
        max = 1;
    }
    size_t n = st->stop_at - (size_t)pos;
    if (n > max)
        n = max;
    memcpy(buf, st->body + pos, n);
    return (ssize_t)n;
}

static void stream_free(void *cls)
{
    stream *st = cls;
    free(st->body);
    free(st);
}

static void add_header_line(struct MHD_Response *resp, const char *line)
{
    if (!line)
        return;
    const char *colon = strchr(line, ':');
    if (!colon)
        return;
    char name[128];
    snprintf(name, sizeof name, "%.*s", (int)(colon - line), line);
    const char *v = colon + 1;
    while (*v == ' ')
        v++;
    MHD_add_response_header(resp, name, v);
}

static enum MHD_Result answer_plain(struct MHD_Connection *c, int status, const char *ctype,
                                    const void *body, size_t len, const char *etag)
{
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
    if (ctype)
        MHD_add_response_header(resp, "Content-Type", ctype);
    if (etag)
        MHD_add_response_header(resp, "ETag", etag);
    enum MHD_Result r = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return r;
}

static const char *type_of(const char *path)
{
    const char *dot = strrchr(path, '.');
    if (!dot)
        return "application/octet-stream";
    if (!strcmp(dot, ".html") || !strcmp(dot, ".htm"))
        return "text/html; charset=utf-8";
    if (!strcmp(dot, ".json"))
        return "application/json";
    if (!strcmp(dot, ".jsonl"))
        return "application/x-ndjson";
    if (!strcmp(dot, ".xml") || !strcmp(dot, ".rdf"))
        return "application/xml";
    if (!strcmp(dot, ".txt") || !strcmp(dot, ".csv"))
        return "text/plain; charset=utf-8";
    if (!strcmp(dot, ".yaml"))
        return "application/yaml";
    return "application/octet-stream";
}

static enum MHD_Result serve_file(lb_server *s, struct MHD_Connection *c, const char *dir, const char *rel)
{
    if (strstr(rel, ".."))
        return answer_plain(c, 403, "text/plain", "no", 2, NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    int fd = open(path, O_RDONLY);
    struct stat stt;
    if (fd < 0 || fstat(fd, &stt) != 0 || !S_ISREG(stt.st_mode)) {
        if (fd >= 0)
            close(fd);
        return answer_plain(c, 404, "text/plain", "not found", 9, NULL);
    }
    char etag[64];
    snprintf(etag, sizeof etag, "\"%llx-%llx\"", (unsigned long long)stt.st_size,
             (unsigned long long)stt.st_mtime);
    const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        close(fd);
        return answer_plain(c, 304, NULL, "", 0, etag);
    }
    (void)s;
    struct MHD_Response *resp = MHD_create_response_from_fd((uint64_t)stt.st_size, fd);
    MHD_add_response_header(resp, "Content-Type", type_of(rel));
    MHD_add_response_header(resp, "ETag", etag);
    enum MHD_Result r = MHD_queue_response(c, 200, resp);
    MHD_destroy_response(resp);
    return r;
}

static enum MHD_Result handler(void *cls, struct MHD_Connection *c, const char *url,
                               const char *method, const char *version, const char *upload,
                               size_t *upload_size, void **con_cls)
{
    (void)version;
    (void)upload;
    (void)upload_size;
    lb_server *s = cls;
    if (*con_cls == NULL) {
        *con_cls = (void *)1;   /* answer on the second call, as MHD expects */
        return MHD_YES;
    }
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        return answer_plain(c, 405, "text/plain", "GET only", 8, NULL);

    pthread_mutex_lock(&s->mu);
    count_hit(s, url);
    route_slot *sl = NULL;
    for (size_t i = 0; i < s->nroutes; i++)
        if (strcmp(s->routes[i].r.path, url) == 0)
            sl = &s->routes[i];
    if (!sl) {
        char dir[4096] = "", rel[4096] = "";
        if (s->dir_prefix && strncmp(url, s->dir_prefix, strlen(s->dir_prefix)) == 0) {
            snprintf(dir, sizeof dir, "%s", s->dir);
            snprintf(rel, sizeof rel, "%s", url + strlen(s->dir_prefix));
        }
        pthread_mutex_unlock(&s->mu);
        if (*dir)
            return serve_file(s, c, dir, rel);
        return answer_plain(c, 404, "text/plain", "not found", 9, NULL);
    }
    lb_route r = sl->r;   /* strings stay valid: routes are not removed while serving */
    int failing = sl->served < r.fail_times;
    sl->served++;
    size_t len = r.len;
    unsigned char *copy = malloc(len + 1);
    if (copy && len)
        memcpy(copy, r.body, len);
    pthread_mutex_unlock(&s->mu);
    if (!copy)
        return MHD_NO;

    if (r.delay_ms)
        nap(s, r.delay_ms);
    if (failing) {
        struct MHD_Response *resp = MHD_create_response_from_buffer(5, (void *)"error", MHD_RESPMEM_PERSISTENT);
        add_header_line(resp, r.fail_header);
        enum MHD_Result res = MHD_queue_response(c, (unsigned)r.fail_status, resp);
        MHD_destroy_response(resp);
        free(copy);
        return res;
    }
    if (r.etag) {
        const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
        if (inm && strcmp(inm, r.etag) == 0) {
            free(copy);
            return answer_plain(c, 304, NULL, "", 0, r.etag);
        }
    }
    struct MHD_Response *resp;
    if (r.drip_ms || r.truncate_at) {
        stream *st = calloc(1, sizeof *st);
        st->s = s;
        st->body = copy;
        st->len = len;
        st->stop_at = r.truncate_at ? r.truncate_at : len;
        st->drip_ms = r.drip_ms;
        resp = MHD_create_response_from_callback(len, 1024, stream_read, st, stream_free);
    } else {
        resp = MHD_create_response_from_buffer(len, copy, MHD_RESPMEM_MUST_FREE);
    }
    MHD_add_response_header(resp, "Content-Type", r.content_type ? r.content_type : "application/octet-stream");
    if (r.location)
        MHD_add_response_header(resp, "Location", r.location);
    if (r.encoding)
        MHD_add_response_header(resp, "Content-Encoding", r.encoding);
    if (r.etag)
        MHD_add_response_header(resp, "ETag", r.etag);
    add_header_line(resp, r.header);
    enum MHD_Result res = MHD_queue_response(c, (unsigned)(r.status ? r.status : 200), resp);
    MHD_destroy_response(resp);
    return res;
}

lb_server *lb_start(void)
{
    lb_server *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    pthread_mutex_init(&s->mu, NULL);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    s->d = MHD_start_daemon(MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD, 0, NULL,
                            NULL, handler, s, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_END);
    if (!s->d) {
        fprintf(stderr, "loopback: cannot start libmicrohttpd\n");
        abort();
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : 0;
    return s;
}

void lb_stop(lb_server *s)
{
    if (!s)
        return;
    s->stopping = 1;
    MHD_stop_daemon(s->d);
    for (size_t i = 0; i < s->nroutes; i++)
        slot_clear(&s->routes[i]);
    for (size_t i = 0; i < s->nhits; i++)
        free(s->hits[i].path);
    free(s->dir_prefix);
    free(s->dir);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

unsigned lb_port(const lb_server *s) { return s->port; }

char *lb_url(const lb_server *s, const char *path)
{
    size_t n = strlen(path) + 40;
    char *u = malloc(n);
    if (!u)
        abort();
    snprintf(u, n, "http://127.0.0.1:%u%s", s->port, path);
    return u;
}

/* ---- gzip without zlib ------------------------------------------------ */

static uint32_t crc_table[256];

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
}

static uint32_t crc32_of(const unsigned char *p, size_t n, size_t zeros)
{
    crc_init();
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; i++)
        c = crc_table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
    for (size_t i = 0; i < zeros; i++)
        c = crc_table[c & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

typedef struct bits {
    unsigned char *buf;
    size_t len;
    uint32_t acc;
    int nacc;
} bits;

static void put_bits(bits *b, uint32_t v, int n)
{
    b->acc |= v << b->nacc;
    b->nacc += n;
    while (b->nacc >= 8) {
        b->buf[b->len++] = (unsigned char)b->acc;
        b->acc >>= 8;
        b->nacc -= 8;
    }
}

/* Huffman codes are sent most significant bit first. */
static void put_code(bits *b, uint32_t code, int n)
{
    uint32_t r = 0;
    for (int i = 0; i < n; i++)
        r |= ((code >> i) & 1u) << (n - 1 - i);
    put_bits(b, r, n);
}

static void put_le32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

static const unsigned char gz_header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};

unsigned char *lb_gzip_zeros(size_t n, size_t *outlen)
{
    size_t matches = n > 0 ? (n - 1) / 258 : 0;
    size_t literals = n - matches * 258;
    unsigned char *out = calloc(1, 32 + (matches * 13 + literals * 8 + 16) / 8 + 8);
    if (!out)
        abort();
    memcpy(out, gz_header, 10);
    bits b = {out + 10, 0, 0, 0};
    put_bits(&b, 1, 1);   /* BFINAL */
    put_bits(&b, 1, 2);   /* BTYPE 01: fixed Huffman */
    if (n > 0)
        put_code(&b, 0x30, 8);   /* literal 0 */
    for (size_t i = 0; i < matches; i++) {
        put_code(&b, 0xC5, 8);   /* length 258 (code 285) */
        put_code(&b, 0, 5);      /* distance 1 */
    }
    for (size_t i = 1; i < literals; i++)
        put_code(&b, 0x30, 8);
    put_code(&b, 0, 7);          /* end of block */
    if (b.nacc)
        put_bits(&b, 0, 8 - b.nacc);
    size_t len = 10 + b.len;
    put_le32(out + len, crc32_of(NULL, 0, n));
    put_le32(out + len + 4, (uint32_t)n);
    *outlen = len + 8;
    return out;
}

unsigned char *lb_gzip_stored(const void *data, size_t len, size_t *outlen)
{
    size_t blocks = len / 65535 + 1;
    unsigned char *out = malloc(10 + len + blocks * 5 + 8);
    if (!out)
        abort();
    memcpy(out, gz_header, 10);
    size_t o = 10, pos = 0;
    const unsigned char *p = data;
    do {
        size_t n = len - pos > 65535 ? 65535 : len - pos;
        out[o++] = pos + n == len ? 1 : 0;
        out[o++] = (unsigned char)n;
        out[o++] = (unsigned char)(n >> 8);
        out[o++] = (unsigned char)~n;
        out[o++] = (unsigned char)(~n >> 8);
        memcpy(out + o, p + pos, n);
        o += n;
        pos += n;
    } while (pos < len);
    put_le32(out + o, crc32_of(p, len, 0));
    put_le32(out + o + 4, (uint32_t)len);
    *outlen = o + 8;
    return out;
}
