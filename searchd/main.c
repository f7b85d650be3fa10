/* main.c — the `searchd` program: options from flags and the [searchd]
 * section of the configuration file (flags win), then searchd_start() and
 * a signal loop: SIGTERM/SIGINT drain and exit 0, SIGHUP reopens the
 * access log and the index. The signals are blocked before the worker
 * threads start and taken synchronously with sigwait(), so no handler runs
 * inside libmicrohttpd or Xapian code. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocator.h"
#include "config.h"
#include "index.h"
#include "server.h"

typedef enum opt_type { OPT_STRING, OPT_UINT, OPT_SIZE } opt_type;

typedef struct option_def {
    const char *flag;        /* --flag; the config key is the same with '_' */
    opt_type type;
    size_t offset;           /* into searchd_config, or (size_t)-1 */
    const char *arg;
    const char *help;
} option_def;

#define NO_FIELD ((size_t)-1)
#define F(f) offsetof(searchd_config, f)
static const option_def OPTIONS[] = {
    {"bind", OPT_STRING, F(bind), "ADDR", "listen address (default 127.0.0.1; IPv6 literals work)"},
    {"port", OPT_UINT, F(port), "N", "TCP port (default 8080; 0 = any free port)"},
    {"data", OPT_STRING, NO_FIELD, "DIR",
     "data directory; the index is DIR/index (default: config data_dir, $SECSTD_DATA, ./var)"},
    {"index", OPT_STRING, F(index_dir), "DIR", "index directory (overrides --data)"},
    {"web-dir", OPT_STRING, F(web_dir), "DIR", "web page files (default: installed copy)"},
    {"access-log", OPT_STRING, F(access_log), "FILE",
     "append a Combined Log Format line per request ('-' = stdout)"},
    {"threads", OPT_UINT, F(threads), "N", "worker threads, each with its own index handle (one a core, 2-16)"},
    {"timeout", OPT_UINT, F(timeout), "SEC", "close connections idle this long (15)"},
    {"max-connections", OPT_UINT, F(max_connections), "N", "open connections in total (512)"},
    {"max-per-ip", OPT_UINT, F(max_per_ip), "N", "open connections per client address (32)"},
    {"connection-memory", OPT_SIZE, F(connection_memory), "BYTES",
     "memory per connection for request line, headers, arguments (64k)"},
    {"max-url", OPT_SIZE, F(max_url), "BYTES", "longest request target; longer gets 414 (4096)"},
    {"max-header-bytes", OPT_SIZE, F(max_header_bytes), "BYTES",
     "largest header block; larger gets 431 (8192)"},
    {"max-headers", OPT_UINT, F(max_headers), "N", "most header lines; more gets 431 (64)"},
    {"max-args", OPT_UINT, F(max_args), "N", "most query parameters; more gets 414 (128)"},
    {"max-per-page", OPT_UINT, F(max_per_page), "N", "largest per_page (100)"},
    {"max-depth", OPT_UINT, F(max_depth), "N", "deepest result served, page*per_page (10000)"},
    {"max-query-len", OPT_UINT, F(max_query_len), "BYTES", "longest q (1024)"},
    {"csv-max-rows", OPT_UINT, F(csv_max_rows), "N", "rows of one /search.csv export (100000)"},
    {"max-similar", OPT_UINT, F(max_similar), "N", "largest limit of /similar (50)"},
    {"exact-facets", OPT_UINT, F(exact_facets), "N",
     "facet counts and totals exact up to N matches and half as many again, estimated beyond (10000)"},
    {"drain-seconds", OPT_UINT, F(drain_seconds), "SEC",
     "on SIGTERM, wait this long for requests in flight (5)"},
    {"max-index-age", OPT_UINT, F(max_index_age), "SEC",
     "/healthz reports status \"stale\" when the index is older (172800 = 2 days; 0 = never)"},
    {"assist", OPT_UINT, F(assist), "0|1",
     "1: while one search runs alone, a helper thread counts its facets and builds part of its page on the other core (1)"},
};
#undef F
#define N_OPTIONS (sizeof(OPTIONS) / sizeof(OPTIONS[0]))
#define SECTION "searchd"

static void usage(FILE *f)
{
    fprintf(f, "usage: searchd [--config FILE] [options]\n\n"
               "Serves the secstd index over HTTP: the JSON API (/api/search,\n"
               "/api/standards/{id}, /api/standards/{id}/similar, /api/areas,\n"
               "/api/coverage, /api/overlap, /api/changes), CSV (/search.csv,\n"
               "/coverage.csv, /overlap.csv), the change feed /feeds/changes.atom,\n"
               "/opensearch.xml, /healthz, /metrics and the web page at /. Picks up\n"
               "newly published index generations by itself. SIGTERM drains and\n"
               "exits; SIGHUP reopens the log and index.\n\n"
               "options (each also a key of the [searchd] section of the config\n"
               "file, with '_' for '-'; flags win over the file):\n"
               "  --config FILE            read the [searchd] section of FILE\n");
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char left[64];
        snprintf(left, sizeof(left), "--%s %s", OPTIONS[i].flag, OPTIONS[i].arg);
        fprintf(f, "  %-24s %s\n", left, OPTIONS[i].help);
    }
    fprintf(f, "  --help                   this text\n"
               "  --version                print the version\n\n"
               "Sizes take k/M/G suffixes. On start searchd prints\n"
               "\"searchd: serving http://ADDR:PORT/\" on standard output.\n");
}

static void key_of(const char *flag, char *key, size_t len)
{
    snprintf(key, len, "%s", flag);
    for (char *p = key; *p; p++)
        if (*p == '-')
            *p = '_';
}

/* Flags become config entries, so one typed reading serves both. */
static int parse_flags(int argc, char **argv, secstd_config *flags, const char **config_path)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(a, "--version") == 0) {
            char alloc[128];
            printf("searchd (secstd) 0.1.0 (%s)\n", secstd_allocator(alloc, sizeof alloc));
            exit(0);
        }
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "searchd: unexpected argument '%s' (see --help)\n", a);
            return -1;
        }
        const char *name = a + 2;
        const char *eq = strchr(name, '=');
        size_t nlen = eq ? (size_t)(eq - name) : strlen(name);
        const char *value = eq ? eq + 1 : NULL;
        if (!value) {
            if (i + 1 >= argc) {
                fprintf(stderr, "searchd: %s needs a value (see --help)\n", a);
                return -1;
            }
            value = argv[++i];
        }
        if (nlen == 6 && strncmp(name, "config", 6) == 0) {
            *config_path = value;
            continue;
        }
        const option_def *opt = NULL;
        for (size_t k = 0; k < N_OPTIONS; k++)
            if (strlen(OPTIONS[k].flag) == nlen && strncmp(OPTIONS[k].flag, name, nlen) == 0)
                opt = &OPTIONS[k];
        if (!opt) {
            fprintf(stderr, "searchd: unknown option --%.*s (see --help)\n", (int)nlen, name);
            return -1;
        }
        char key[64];
        key_of(opt->flag, key, sizeof(key));
        if (secstd_config_set(flags, SECTION, key, value) != SECSTD_OK) {
            fprintf(stderr, "searchd: cannot set --%s\n", opt->flag);
            return -1;
        }
    }
    return 0;
}

/* Reads every option from cfg into sc. Strings are borrowed from cfg. */
static int read_options(const secstd_config *cfg, searchd_config *sc, char *err, size_t errlen)
{
    for (size_t i = 0; i < N_OPTIONS; i++) {
        const option_def *o = &OPTIONS[i];
        if (o->offset == NO_FIELD)
            continue;
        char key[64];
        key_of(o->flag, key, sizeof(key));
        char *field = (char *)sc + o->offset;
        long v;
        switch (o->type) {
        case OPT_STRING: {
            const char *s = secstd_config_get(cfg, SECTION, key);
            if (s)
                *(const char **)field = s;
            break;
        }
        case OPT_UINT:
            if (secstd_config_get_long(cfg, SECTION, key, (long)*(unsigned *)field, 0, 100000000L,
                                       &v, err, errlen) != SECSTD_OK)
                return -1;
            *(unsigned *)field = (unsigned)v;
            break;
        case OPT_SIZE:
            if (secstd_config_get_long(cfg, SECTION, key, (long)*(size_t *)field, 0,
                                       1024L * 1024 * 1024, &v, err, errlen) != SECSTD_OK)
                return -1;
            *(size_t *)field = (size_t)v;
            break;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    secstd_config *flags = secstd_config_new();
    secstd_config *cfg = NULL;
    const char *config_path = NULL;
    char err[1024] = "";
    if (!flags || parse_flags(argc, argv, flags, &config_path) < 0)
        return 2;
    if (config_path) {
        if (secstd_config_load(config_path, &cfg, err, sizeof(err)) != SECSTD_OK) {
            fprintf(stderr, "searchd: %s\n", err);
            return 2;
        }
    } else {
        cfg = secstd_config_new();
    }
    /* Flags override the file: set them on top of it. */
    for (size_t i = 0; i < N_OPTIONS; i++) {
        char key[64];
        key_of(OPTIONS[i].flag, key, sizeof(key));
        const char *v = secstd_config_get(flags, SECTION, key);
        if (v && secstd_config_set(cfg, SECTION, key, v) != SECSTD_OK) {
            fprintf(stderr, "searchd: out of memory\n");
            return 2;
        }
    }
    static const char *known[N_OPTIONS + 1];
    static char keys[N_OPTIONS][64];
    for (size_t i = 0; i < N_OPTIONS; i++) {
        key_of(OPTIONS[i].flag, keys[i], sizeof(keys[i]));
        known[i] = keys[i];
    }
    searchd_config sc;
    searchd_config_init(&sc);
    if (secstd_config_check_keys(cfg, SECTION, known, err, sizeof(err)) != SECSTD_OK ||
        read_options(cfg, &sc, err, sizeof(err)) < 0) {
        fprintf(stderr, "searchd: %s\n", err);
        return 2;
    }
    char index_dir[4096];
    if (!secstd_config_get(cfg, SECTION, "index")) {
        const char *data = secstd_config_get(cfg, SECTION, "data");
        if (!data)
            data = secstd_config_get(cfg, NULL, "data_dir");
        if (!data)
            data = getenv("SECSTD_DATA");
        if (!data || !*data)
            data = "var";
        snprintf(index_dir, sizeof(index_dir), "%s/index", data);
        sc.index_dir = index_dir;
    }

    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    secstd_allocator_tune_for_workers(sc.threads);   /* before any thread starts */
    searchd_server *srv = NULL;
    if (searchd_start(&sc, &srv, err, sizeof(err)) < 0) {
        fprintf(stderr, "searchd: %s\n", err);
        return 1;
    }
    unsigned gen = secstd_index_current_generation(sc.index_dir);
    if (gen)
        fprintf(stderr, "searchd: index %s, generation %u\n", sc.index_dir, gen);
    else
        fprintf(stderr, "searchd: no index under %s yet; answering 503 until one is published\n",
                sc.index_dir);
    printf("searchd: serving %s\n", searchd_url(srv));
    fflush(stdout);

    for (;;) {
        int sig = 0;
        if (sigwait(&sigs, &sig) != 0)
            continue;
        if (sig == SIGHUP) {
            if (searchd_reload(srv) < 0)
                fprintf(stderr, "searchd: cannot reopen the access log: %s\n", strerror(errno));
            else
                fprintf(stderr, "searchd: reopened the access log and the index\n");
            continue;
        }
        fprintf(stderr, "searchd: %s, draining (again to stop at once)\n",
                sig == SIGTERM ? "SIGTERM" : "SIGINT");
        break;
    }
    /* A second SIGTERM or Ctrl-C while draining ends the process. */
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &stop, NULL);
    searchd_stop(srv);
    secstd_config_free(cfg);
    secstd_config_free(flags);
    return 0;
}
