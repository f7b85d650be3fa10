/* build.c — the indexer (see build.h).
 *
 * Flow: read and validate records (runs of lines in parallel) -> merge by
 * id -> classify and digest (in parallel) -> compare digests with the
 * current generation -> if anything changed, copy the current generation
 * into a new directory (or, on a fresh build, write shards in parallel and
 * merge them), apply the changes there, commit, write the change report,
 * and publish by renaming a symlink.
 * Readers keep using the old generation until the rename; a crash leaves a
 * stray gen directory that the next run removes. */
#include "build.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "docmap.h"
#include "ident.h"
#include "index.h"
#include "record.h"
#include "schema.h"
#include "xap.h"

void secstd_build_opts_init(secstd_build_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->keep = 3;
}

static secstd_status failf(char *err, size_t errlen, secstd_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static secstd_status failf(char *err, size_t errlen, secstd_status st, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *secstd_build_stage_name(secstd_build_stage stage)
{
    static const char *const names[SECSTD_STAGE_COUNT] = {"read",  "classify", "compare",
                                                          "write", "merge",    "finish"};
    return (unsigned)stage < SECSTD_STAGE_COUNT ? names[stage] : NULL;
}

json_t *secstd_build_stages_json(const secstd_build_summary *summary)
{
    json_t *o = json_object();
    for (int k = 0; o && k < SECSTD_STAGE_COUNT; k++)
        json_object_set_new(o, secstd_build_stage_name((secstd_build_stage)k),
                            json_real(summary->stages[k]));
    return o;
}

/* The stage a run is in, and since when: stage_next charges the time since
 * to it and starts `next` (the same stage: the run ends there). */
struct stage_clock {
    secstd_build_summary *sum;
    secstd_build_stage cur;
    double since;
};

static void stage_next(struct stage_clock *c, secstd_build_stage next)
{
    double t = now_seconds();
    c->sum->stages[c->cur] += t - c->since;
    c->since = t;
    c->cur = next;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---- merging records of several sources --------------------------------- */

static void union_array(json_t *into, const json_t *from, const char *key)
{
    const json_t *src = json_object_get(from, key);
    if (!json_is_array(src) || !json_array_size(src))
        return;
    json_t *dst = json_object_get(into, key);
    if (!json_is_array(dst)) {
        json_object_set_new(into, key, json_deep_copy(src));
        return;
    }
    size_t i, j;
    json_t *s, *d;
    json_array_foreach(src, i, s) {
        int found = 0;
        json_array_foreach(dst, j, d) found |= json_equal(s, d);
        if (!found)
            json_array_append(dst, s);
    }
}

/* Folds a second source's record of the same standard into the first:
 * missing scalars are filled, a longer abstract wins, lists are unioned. */
static void merge_record(json_t *into, const json_t *from)
{
    static const char *const scalars[] = {"type", "status", "date", "edition", "group", "url"};
    for (size_t i = 0; i < sizeof scalars / sizeof *scalars; i++)
        if (!json_object_get(into, scalars[i]) && json_object_get(from, scalars[i]))
            json_object_set(into, scalars[i], json_object_get(from, scalars[i]));
    const json_t *fa = json_object_get(from, "abstract");
    if (json_string_length(fa) > json_string_length(json_object_get(into, "abstract")))
        json_object_set(into, "abstract", (json_t *)fa);
    static const char *const lists[] = {"keywords", "authors", "aliases", "hints", "areas", "editions"};
    for (size_t i = 0; i < sizeof lists / sizeof *lists; i++)
        union_array(into, from, lists[i]);
    const json_t *rel = json_object_get(from, "relations");
    if (json_is_object(rel)) {
        json_t *dst = json_object_get(into, "relations");
        if (!json_is_object(dst)) {
            json_object_set_new(into, "relations", json_deep_copy(rel));
        } else {
            const char *k;
            json_t *v;
            json_object_foreach((json_t *)rel, k, v) union_array(dst, rel, k);
        }
    }
}

/* ---- reading records -------------------------------------------------------
 * A records file is read whole and its lines parsed (JSON, validation, id
 * key) in parallel runs of lines; the runs are then merged into the map in
 * file order, so records, merges and error messages come out as if read
 * line by line (parsing was a tenth of a 26k build, in one thread). */

/* Bytes of lines per run. */
#define READ_RUN (256 * 1024)

/* Threads for parallel work: one per core, at most 4; SECSTD_INDEX_THREADS
 * overrides. */
static unsigned worker_count(void)
{
    const char *env = getenv("SECSTD_INDEX_THREADS");
    long want = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    return want < 1 ? 1 : want > 4 ? 4 : (unsigned)want;
}

/* Runs fn(arg) in this thread and in nthreads - 1 more (at most
 * worker_count()'s 4 in all), and returns when all are done. fn claims its
 * work from arg itself, so a thread that cannot start is not needed. */
static void run_parallel(unsigned nthreads, void *(*fn)(void *), void *arg)
{
    pthread_t tids[4];
    int started[4] = {0};
    if (nthreads > 4)
        nthreads = 4;
    for (unsigned t = 1; t < nthreads; t++)
        started[t] = pthread_create(&tids[t], NULL, fn, arg) == 0;
    fn(arg);
    for (unsigned t = 1; t < nthreads; t++)
        if (started[t])
            pthread_join(tids[t], NULL);
}

struct parsed_line {
    json_t *rec;               /* NULL: a bad line, see reason */
    char *key;                 /* id key (secstd_ident_value) */
    size_t line;               /* line number within its run, 1-based */
    char *reason;
};

struct read_run {
    const char *buf;           /* whole lines */
    size_t len;
    size_t lines;              /* lines in the run */
    struct parsed_line *out;   /* records and bad lines, in order */
    size_t nout;
    int nomem;
};

struct read_job {
    struct read_run *runs;
    size_t nruns;
    atomic_size_t next;
};

static void parse_run(struct read_run *run)
{
    size_t cap = 0;
    const char *p = run->buf, *end = run->buf + run->len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        run->lines++;
        json_t *rec;
        char reason[300];
        secstd_status st = secstd_record_parse_line(p, n, &rec, reason, sizeof reason);
        p += n;
        if (st == SECSTD_OK && !rec)
            continue;
        if (run->nout == cap) {
            size_t ncap = cap ? cap * 2 : 256;
            struct parsed_line *no = realloc(run->out, ncap * sizeof *no);
            if (!no) {
                json_decref(rec);
                run->nomem = 1;
                return;
            }
            run->out = no;
            cap = ncap;
        }
        struct parsed_line *pl = &run->out[run->nout++];
        *pl = (struct parsed_line){rec, NULL, run->lines, NULL};
        if (rec) {
            char key[512];
            secstd_ident_value(json_string_value(json_object_get(rec, "id")),
                               json_string_value(json_object_get(rec, "sdo")), key, sizeof key);
            pl->key = strdup(key);
        } else {
            pl->reason = strdup(reason);
        }
        if (rec ? !pl->key : !pl->reason)
            run->nomem = 1;
    }
}

static void *read_thread(void *arg)
{
    struct read_job *job = arg;
    size_t k;
    while ((k = atomic_fetch_add(&job->next, 1)) < job->nruns)
        parse_run(&job->runs[k]);
    return NULL;
}

/* The whole of path in *buf (malloc'd), or -1 with errno. */
static int slurp(const char *path, char **buf, size_t *len)
{
    *buf = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat stt;
    size_t cap = fstat(fd, &stt) == 0 && stt.st_size > 0 ? (size_t)stt.st_size + 1 : 65536;
    char *b = malloc(cap);
    size_t n = 0;
    for (;;) {
        if (!b) {
            close(fd);
            errno = ENOMEM;
            return -1;
        }
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb)
                free(b);
            b = nb;
            cap *= 2;
            continue;
        }
        ssize_t r = read(fd, b + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            int e = errno;
            free(b);
            close(fd);
            errno = e;
            return -1;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    *buf = b;
    *len = n;
    return 0;
}

/* Reads one records file into byid. Returns 0, or -1 when out of memory
 * (reported). */
static int read_file(const secstd_build_opts *opts, const char *path, json_t *byid,
                     secstd_build_summary *sum)
{
    char *buf;
    size_t len;
    if (slurp(path, &buf, &len) != 0) {
        int e = errno;
        if (opts->errors)
            fprintf(opts->errors, "%s: %s\n", path, strerror(e));
        sum->rejected++;
        return e == ENOMEM ? -1 : 0;
    }
    /* Runs of whole lines of about READ_RUN bytes. */
    size_t nruns = len / READ_RUN + 1;
    struct read_run *runs = calloc(nruns, sizeof *runs);
    if (!runs) {
        free(buf);
        return -1;
    }
    size_t k = 0;
    for (size_t at = 0; at < len && k < nruns; k++) {
        size_t end = at + READ_RUN < len ? at + READ_RUN : len;
        const char *nl = end < len ? memchr(buf + end, '\n', len - end) : NULL;
        end = nl ? (size_t)(nl - buf) + 1 : len;
        runs[k].buf = buf + at;
        runs[k].len = end - at;
        at = end;
    }
    nruns = k;
    struct read_job job = {runs, nruns, 0};
    unsigned nthreads = worker_count();
    run_parallel(nthreads < nruns ? nthreads : (unsigned)nruns, read_thread, &job);
    free(buf);

    int rc = 0;
    size_t first = 0; /* lines before the run */
    for (k = 0; k < nruns; k++) {
        struct read_run *run = &runs[k];
        rc |= -run->nomem;
        for (size_t i = 0; i < run->nout; i++) {
            struct parsed_line *pl = &run->out[i];
            if (!pl->rec) {
                if (opts->errors)
                    fprintf(opts->errors, "%s:%zu: %s\n", path, first + pl->line,
                            pl->reason ? pl->reason : "out of memory");
                sum->rejected++;
                free(pl->reason);
                continue;
            }
            if (!pl->key) {
                json_decref(pl->rec);
                continue;
            }
            sum->read++;
            json_t *old = json_object_get(byid, pl->key);
            if (old) {
                merge_record(old, pl->rec);
                sum->merged++;
                json_decref(pl->rec);
            } else {
                json_object_set_new(byid, pl->key, pl->rec);
            }
            free(pl->key);
        }
        first += run->lines;
        free(run->out);
    }
    free(runs);
    if (rc && opts->errors)
        fprintf(opts->errors, "%s: out of memory\n", path);
    return rc;
}

/* Reads every records file (DIR/<source>.jsonl, sorted by name) into
 * id-key -> record. */
static secstd_status read_records(const secstd_build_opts *opts, json_t *byid,
                                  secstd_build_summary *sum, char *err, size_t errlen)
{
    DIR *d = opendir(opts->records_dir);
    if (!d)
        return failf(err, errlen, SECSTD_ERR_IO, "%s: %s", opts->records_dir, strerror(errno));
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        size_t len = strlen(de->d_name);
        if (len < 7 || strcmp(de->d_name + len - 6, ".jsonl") != 0 || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *names);
            if (!nn)
                break;
            names = nn;
        }
        names[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_str);
    secstd_status st = SECSTD_OK;
    for (size_t i = 0; i < n && st == SECSTD_OK; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", opts->records_dir, names[i]);
        if (read_file(opts, path, byid, sum) != 0)
            st = failf(err, errlen, SECSTD_ERR_NOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return st;
}

/* ---- digests ------------------------------------------------------------- */

/* Digest of what the index holds for a record: everything but the crawl
 * provenance that changes on every fetch. */
static void digest_record(const json_t *rec, char out[33])
{
    json_t *copy = json_copy((json_t *)rec);
    json_t *src = json_object_get(copy, "source");
    if (src) {
        json_t *s = json_copy(src);
        json_object_del(s, "fetched_at");
        json_object_del(s, "etag");
        json_object_del(s, "last_modified");
        json_object_del(s, "first_generation");
        json_object_del(s, "changed_generation");
        json_object_set_new(copy, "source", s);
    }
    char *text = json_dumps(copy, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(copy);
    unsigned long long h1 = 1469598103934665603ULL, h2 = 0x9E3779B97F4A7C15ULL;
    for (const unsigned char *p = (const unsigned char *)(text ? text : ""); *p; p++) {
        h1 = (h1 ^ *p) * 1099511628211ULL;
        h2 = (h2 ^ *p) * 0x100000001B3ULL + (h2 >> 29);
    }
    free(text);
    snprintf(out, 33, "%016llx%016llx", h1, h2);
}

/* A record's share of the indexing work, for the split between shards:
 * the bytes of free text it indexes plus a fixed cost per document (ids,
 * values, stored data), which measured at 26k like 256 bytes of text. */
static size_t index_weight(const json_t *rec)
{
    size_t w = 256;
    const char *title = json_string_value(json_object_get(rec, "title"));
    const char *abstract = json_string_value(json_object_get(rec, "abstract"));
    w += title ? strlen(title) : 0;
    w += abstract ? strlen(abstract) : 0;
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(rec, "keywords"), i, v) w += json_string_length(v);
    return w;
}

/* ---- filesystem helpers ---------------------------------------------------- */

static int copy_file(const char *from, const char *to)
{
    int in = open(from, O_RDONLY);
    if (in < 0)
        return -1;
    int out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0) {
        close(in);
        return -1;
    }
    char buf[1 << 16];
    ssize_t n;
    int rc = 0, saved = 0;
    while ((n = read(in, buf, sizeof buf)) > 0) {
        errno = 0;
        ssize_t w = write(out, buf, (size_t)n);
        if (w != n) {
            /* a short write without an error is a full disk */
            saved = w < 0 && errno ? errno : ENOSPC;
            rc = -1;
            break;
        }
    }
    if (n < 0) {
        saved = errno;
        rc = -1;
    }
    close(in);
    if (close(out) != 0 && rc == 0) {
        saved = errno;
        rc = -1;
    }
    /* the caller reports errno: the first failure's, not a later close's */
    if (rc != 0)
        errno = saved;
    return rc;
}

static int copy_dir(const char *from, const char *to)
{
    DIR *d = opendir(from);
    if (!d)
        return -1;
    struct dirent *de;
    int rc = 0;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        /* The lock file belongs to the writer that made the generation;
         * the heads file is written anew for the new one (xap.h). */
        if (strcmp(de->d_name, "flintlock") == 0 || strcmp(de->d_name, XAP_HEADS_FILE) == 0)
            continue;
        char a[4096], b[4096];
        if ((size_t)snprintf(a, sizeof a, "%s/%s", from, de->d_name) >= sizeof a ||
            (size_t)snprintf(b, sizeof b, "%s/%s", to, de->d_name) >= sizeof b)
            rc = -1;
        else
            rc = copy_file(a, b);
    }
    int saved = errno;
    closedir(d);
    errno = saved;
    return rc;
}

/* fsyncs every file of a directory, then the directory. */
static int sync_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return -1;
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        char p[4096];
        if ((size_t)snprintf(p, sizeof p, "%s/%s", path, de->d_name) >= sizeof p) {
            rc = -1;
            continue;
        }
        int fd = open(p, O_RDONLY);
        if (fd < 0 || fsync(fd) != 0)
            rc = -1;
        if (fd >= 0)
            close(fd);
    }
    closedir(d);
    int dfd = open(path, O_RDONLY | O_DIRECTORY);
    if (dfd < 0 || fsync(dfd) != 0)
        rc = -1;
    if (dfd >= 0)
        close(dfd);
    return rc;
}

static void remove_dir(const char *path)
{
    DIR *d = opendir(path);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", path, de->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(path);
}

static int mkdir_p(const char *path)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return -1;
        *p = '/';
    }
    return (mkdir(buf, 0755) != 0 && errno != EEXIST) ? -1 : 0;
}

int secstd_generation_completed(const char *index_dir, unsigned g)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/changes/%06u.json", index_dir, g);
    return access(p, F_OK) == 0;
}

/* The highest completed generation (its change report exists): after a
 * rollback, the generations above current are still kept and their numbers
 * taken. A directory a crashed run left has no report; its number is
 * reused, the directory cleared first. */
static unsigned highest_generation(const char *index_dir)
{
    unsigned high = 0, g;
    char tail, p[4096];
    snprintf(p, sizeof p, "%s/changes", index_dir);
    DIR *d = opendir(p);
    if (!d)
        return 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (sscanf(de->d_name, "%u.jso%c", &g, &tail) == 2 && tail == 'n' && g > high)
            high = g;
    closedir(d);
    return high;
}

/* Removes generation directories older than the newest `keep` before
 * current, and what a crashed run left (shards, and directories above
 * current that were never completed). Completed generations above current
 * (current was rolled back) stay: `secstd rollback --to` can return to
 * them. */
static void prune_generations(const char *index_dir, unsigned current, unsigned keep)
{
    DIR *d = opendir(index_dir);
    if (!d)
        return;
    struct dirent *de;
    while ((de = readdir(d))) {
        unsigned g, k;
        char tail;
        /* Shards of a build (gen-N.shard-K) live only while it runs: any
         * found here were left by a crashed run. */
        int shard = sscanf(de->d_name, "gen-%u.shard-%u%c", &g, &k, &tail) == 2;
        if (!shard && sscanf(de->d_name, "gen-%u%c", &g, &tail) != 1)
            continue;
        if (shard || (g > current && !secstd_generation_completed(index_dir, g)) || g + keep <= current) {
            char p[4096];
            snprintf(p, sizeof p, "%s/%s", index_dir, de->d_name);
            remove_dir(p);
        }
    }
    closedir(d);
}

static secstd_status publish(const char *index_dir, unsigned gen, char *err, size_t errlen)
{
    char target[64], tmp[4096], link[4096];
    snprintf(target, sizeof target, "gen-%06u", gen);
    snprintf(tmp, sizeof tmp, "%s/current.tmp.%ld", index_dir, (long)getpid());
    snprintf(link, sizeof link, "%s/current", index_dir);
    unlink(tmp);
    if (symlink(target, tmp) != 0 || rename(tmp, link) != 0) {
        unlink(tmp);
        return failf(err, errlen, SECSTD_ERR_IO, "publishing %s: %s", link, strerror(errno));
    }
    /* Make the rename durable before reporting success. */
    int dfd = open(index_dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return SECSTD_OK;
}

/* ---- change report --------------------------------------------------------- */

static const char *const compared_fields[] = {
    "title", "abstract", "status", "date", "edition", "url", "group", "type",
    "keywords", "aliases", "relations", "areas", "editions",
};

static json_t *brief(const json_t *rec)
{
    json_t *b = json_object();
    static const char *const keys[] = {"id", "sdo", "title", "status", "date", "url", "areas"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        json_t *v = json_object_get(rec, keys[i]);
        if (v)
            json_object_set(b, keys[i], v);
    }
    return b;
}

static void count_change(json_t *counts, const char *kind, const json_t *rec)
{
    json_t *by_sdo = json_object_get(counts, "by_sdo");
    json_t *by_area = json_object_get(counts, "by_area");
    const char *sdo = json_string_value(json_object_get(rec, "sdo"));
    json_t *slot = json_object_get(by_sdo, sdo ? sdo : "?");
    if (!slot) {
        slot = json_object();
        json_object_set_new(by_sdo, sdo ? sdo : "?", slot);
    }
    json_object_set_new(slot, kind, json_integer(json_integer_value(json_object_get(slot, kind)) + 1));
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(rec, "areas"), i, a) {
        json_t *as = json_object_get(by_area, json_string_value(a));
        if (!as) {
            as = json_object();
            json_object_set_new(by_area, json_string_value(a), as);
        }
        json_object_set_new(as, kind, json_integer(json_integer_value(json_object_get(as, kind)) + 1));
    }
}

/* ---- main flow ------------------------------------------------------------- */

struct old_index {
    xap_db *db;
    unsigned generation;
};

/* The record stored in the old generation under idterm, or NULL. */
static json_t *old_record(struct old_index *old, const char *idterm)
{
    if (!old->db)
        return NULL;
    unsigned docid = 0;
    if (xap_db_first_posting(old->db, idterm, &docid) != SECSTD_OK || !docid)
        return NULL;
    char *data;
    size_t len = 0;
    if (xap_db_get_data(old->db, docid, &data, &len) != SECSTD_OK)
        return NULL;
    json_t *rec = secstd_record_decode(data, len, 0);
    free(data);
    return rec;
}

struct missing_ctx {
    const json_t *byid;
    size_t plen;     /* length of the id prefix */
    json_t *terms;   /* id terms not in byid */
};

static int note_missing(void *vctx, const char *term, unsigned freq)
{
    (void)freq;
    struct missing_ctx *c = vctx;
    if (!json_object_get(c->byid, term + c->plen))
        json_array_append_new(c->terms, json_string(term));
    return 0;
}

/* The id terms of the current generation that no record in byid has (new
 * reference), or NULL when out of memory. */
static json_t *missing_id_terms(struct old_index *old, const json_t *byid)
{
    const char *prefix = secstd_field_get(SECSTD_FIELD_ID)->prefix;
    struct missing_ctx c = {byid, strlen(prefix), json_array()};
    if (c.terms)
        xap_db_terms(old->db, prefix, note_missing, &c);
    return c.terms;
}

/* Lines were rejected: a standard the current generation holds and the
 * records no longer name may be on one of them, so it is kept as it is
 * rather than removed (a bad line loses nothing; the exit status and the
 * FILE:LINE messages say what to fix). Returns 0, or -1 out of memory. */
static int keep_missing(struct old_index *old, json_t *byid, secstd_build_summary *sum,
                        const secstd_build_opts *opts)
{
    json_t *missing = missing_id_terms(old, byid);
    if (!missing)
        return -1;
    size_t plen = strlen(secstd_field_get(SECSTD_FIELD_ID)->prefix);
    size_t i;
    json_t *t;
    int rc = 0;
    json_array_foreach(missing, i, t) {
        const char *term = json_string_value(t);
        json_t *prev = old_record(old, term);
        if (!prev)
            continue;
        if (json_object_set_new(byid, term + plen, prev) != 0) {
            rc = -1;
            break;
        }
        sum->kept++;
    }
    json_decref(missing);
    if (sum->kept && opts->errors)
        fprintf(opts->errors,
                "%lu standard%s of generation %u not in the records kept as they were: the %lu "
                "rejected line%s may hold them\n",
                sum->kept, sum->kept == 1 ? "" : "s", old->generation, sum->rejected,
                sum->rejected == 1 ? "" : "s");
    return rc;
}

static void progress(const secstd_build_opts *opts, const char *what, size_t done, size_t total)
{
    if (!opts->progress || total == 0)
        return;
    if (done % 500 == 0 || done == total)
        fprintf(opts->progress, "\r%s: %zu/%zu (%3.0f%%)%s", what, done, total,
                100.0 * (double)done / (double)total, done == total ? "\n" : "");
    fflush(opts->progress);
}

/* Calls fn for each word of a title that goes to the spelling table
 * (Xapian's "did you mean"): runs of ASCII letters, lower-cased, of 4 to
 * 63 letters. */
static void title_words(const char *title, void (*fn)(void *ctx, const char *word), void *ctx)
{
    if (!title)
        return;
    char word[64];
    size_t n = 0;
    for (const char *p = title;; p++) {
        unsigned char c = (unsigned char)*p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
            if (n + 1 < sizeof word)
                word[n++] = (char)(c | 0x20);
            continue;
        }
        if (n >= 4) {
            word[n] = '\0';
            fn(ctx, word);
        }
        n = 0;
        if (!c)
            break;
    }
}

static void spell_now(void *w, const char *word)
{
    xap_writer_add_spelling(w, word, 1);
}

/* Counts a word in a JSON object of word -> count. A word whose count
 * cannot be stored (out of memory) is left out, as a failed add_spelling
 * leaves it out of an update. */
static void spell_count(void *counts, const char *word)
{
    json_t *c = json_object_get(counts, word);
    if (c)
        json_integer_set(c, json_integer_value(c) + 1);
    else
        json_object_set_new(counts, word, json_integer(1));
}

/* ---- writing documents ------------------------------------------------------ */

/* Documents per commit while building (see write_docs). */
#define BATCH_DOCS 500

/* A record to (re)index: the record and its id key (both owned by the
 * caller's map), its digest, and its index_weight (for the split between
 * shards). */
struct todo {
    json_t *rec;
    const char *key;
    const char *digest;
    size_t weight;
};

/* Fresh builds number the security standards (those in a technology
 * area: the scope every search applies unless widened) first, in their
 * order, then the rest. A search's matches are then docids close
 * together, and Xapian's lookups that walk a chunk of the document-length
 * list from the last docid asked (one per match, for BM25) walk less:
 * measured at 26k records, 10 % fewer instructions for a one-word search,
 * 4 % over the benchmark's query set. The same matches, weights, totals
 * and facets; only standards of equal weight in a search of every record
 * (scope=all) come in another order, the security ones first. Updates
 * append new standards at the end; the next full build puts them back. */
static void scope_first(struct todo *todo, size_t n)
{
    struct todo *tmp = malloc(n * sizeof *tmp);
    if (!tmp)
        return;   /* the order as read: slower searches, the same answers */
    size_t k = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < n; i++)
            if (secstd_doc_in_scope(todo[i].rec) == (pass == 0))
                tmp[k++] = todo[i];
    memcpy(todo, tmp, n * sizeof *tmp);
    free(tmp);
}

/* When a job puts the words of its records' titles in the spelling table.
 * Xapian merges a batch's words into its spelling table at each commit:
 * every word list the new words touch is inflated, extended and deflated
 * again (at 26k records, 33,000 deflates and 27,000 inflates on top of the
 * documents' 52,000 deflates), and the compactor merges the shards' lists
 * once more. A fresh build counts each word instead and adds it once. */
enum spelling_mode {
    SPELL_EACH,      /* with each document (updates of an index) */
    SPELL_COUNTED,   /* counted, added once after the documents (fresh, one writer) */
    SPELL_NONE,      /* not at all: a document shard of a fresh build */
    SPELL_ONLY,      /* no documents, the words of [begin, end) counted and
                      * added: the spelling shard of a fresh build */
};

/* Records [begin, end) of `todo` written to one writer, in order: `next`
 * is the first not yet taken. A job of a shard pool shares the pool's
 * lock; under it, another thread may shorten `end` while the job runs
 * (build_shards: it takes the rest of the range as a shard of its own). */
struct shard_job {
    const secstd_build_opts *opts;
    const struct todo *todo;   /* shared, read-only while jobs run */
    int hash_slot;
    size_t begin, end;
    xap_writer *w;
    int add_only;              /* 1: fresh database, no id lookups */
    atomic_size_t *done;       /* documents written by all jobs, for progress */
    size_t total;              /* documents of all jobs */
    secstd_status st;
    unsigned long indexed;
    char err[512];
    enum spelling_mode spelling;
    size_t next;
    pthread_mutex_t *lock;     /* NULL: a job alone, `end` fixed */
    int running;               /* under lock: being written (its range may be split) */
};

/* The job's next record into *i; 0 when its range is done. */
static int take_record(struct shard_job *job, size_t *i)
{
    if (job->lock)
        pthread_mutex_lock(job->lock);
    int more = job->next < job->end;
    if (more)
        *i = job->next++;
    if (job->lock)
        pthread_mutex_unlock(job->lock);
    return more;
}

/* Adds the counted words to the job's writer. */
static void add_counted(struct shard_job *job, json_t *counts)
{
    const char *word;
    json_t *c;
    json_object_foreach(counts, word, c) {
        secstd_status st = xap_writer_add_spelling(job->w, word, (unsigned)json_integer_value(c));
        if (st != SECSTD_OK) {
            job->st = st;
            snprintf(job->err, sizeof job->err, "adding spellings: %.400s", xap_last_error());
            return;
        }
    }
}

static void write_docs(struct shard_job *job)
{
    json_t *counts = NULL;
    if (job->spelling == SPELL_COUNTED || job->spelling == SPELL_ONLY) {
        if (!(counts = json_object())) {
            job->st = SECSTD_ERR_NOMEM;
            snprintf(job->err, sizeof job->err, "out of memory");
            return;
        }
    }
    if (job->spelling == SPELL_ONLY) {
        for (size_t i = job->begin; i < job->end; i++)
            title_words(json_string_value(json_object_get(job->todo[i].rec, "title")), spell_count, counts);
        add_counted(job, counts);
        json_decref(counts);
        return;
    }
    size_t i;
    while (job->st == SECSTD_OK && take_record(job, &i)) {
        const struct todo *t = &job->todo[i];
        xap_doc *doc = xap_doc_new();
        if (!doc) {
            job->st = SECSTD_ERR_NOMEM;
            snprintf(job->err, sizeof job->err, "out of memory");
            break;
        }
        char idterm[XAP_MAX_TERM + 1];
        secstd_term(SECSTD_FIELD_ID, t->key, idterm, sizeof idterm);
        secstd_status st = secstd_doc_from_record_key(t->rec, t->key, doc);
        if (st == SECSTD_OK)
            st = xap_doc_add_value(doc, (unsigned)job->hash_slot, t->digest);
        if (st == SECSTD_OK)
            st = job->add_only ? xap_writer_add(job->w, doc) : xap_writer_replace(job->w, idterm, doc);
        xap_doc_free(doc);
        if (st != SECSTD_OK) {
            job->st = st;
            snprintf(job->err, sizeof job->err, "indexing %.200s: %.300s", t->key, xap_last_error());
            break;
        }
        const char *title = json_string_value(json_object_get(t->rec, "title"));
        if (job->spelling == SPELL_EACH)
            title_words(title, spell_now, job->w);
        else if (counts)
            title_words(title, spell_count, counts);
        job->indexed++;
        /* Small batches: Xapian's buffered changes grow costlier per
         * document as they grow (measured: 500 documents per batch index
         * 26k records in half the CPU time of the default 10,000). */
        if (job->indexed % BATCH_DOCS == 0 && (st = xap_writer_commit(job->w)) != SECSTD_OK) {
            job->st = st;
            snprintf(job->err, sizeof job->err, "committing a batch: %.400s", xap_last_error());
            break;
        }
        progress(job->opts, "indexing", atomic_fetch_add(job->done, 1) + 1, job->total);
    }
    if (counts && job->st == SECSTD_OK)
        add_counted(job, counts);
    json_decref(counts);
}

/* Documents per shard, about: a shard's commits cost more per document as
 * it grows (measured: 240 µs a document in shards of 13k, 315 µs in shards
 * of 130k), so a large build is cut into more shards than threads. 260k,
 * alternating runs: 2 shards median 52.3 s, 4 shards 49.2 s, 8 shards
 * 49.0 s (more merging, less writing). SECSTD_SHARD_DOCS overrides. */
#define SHARD_DOCS 65000
/* At most this many shards (the compactor merges them in one pass). */
#define MAX_SHARDS 16

/* Threads for n records of per-record work: one below 4,000 records (not
 * worth the threads, nor the merge of shards), else worker_count();
 * SECSTD_INDEX_THREADS applies at any size. */
static unsigned parallel_threads(size_t n)
{
    const char *env = getenv("SECSTD_INDEX_THREADS");
    return !(env && *env) && n < 4000 ? 1 : worker_count();
}

/* Shards for a fresh build of n documents: one per thread
 * (parallel_threads), more when they would exceed SHARD_DOCS; 1 = no
 * shards. */
static unsigned shard_count(size_t n)
{
    unsigned threads = parallel_threads(n);
    if (threads <= 1 || n <= 1)
        return 1;
    const char *env = getenv("SECSTD_SHARD_DOCS");
    long per = env && *env ? strtol(env, NULL, 10) : SHARD_DOCS;
    if (per < 1)
        per = SHARD_DOCS;
    size_t want = (n + (size_t)per - 1) / (size_t)per;
    /* A multiple of the threads: shards of equal weight claimed in turn,
     * so that no thread writes a last shard alone (9 shards on 2 threads
     * left one core idle for a ninth of a 260k build). */
    want = (want + threads - 1) / threads * threads;
    if (want > MAX_SHARDS)
        want = MAX_SHARDS / threads * threads;
    if (want > n)
        want = n;
    return (unsigned)want;
}

static void shard_path(char *buf, size_t len, const char *newpath, unsigned k)
{
    if ((size_t)snprintf(buf, len, "%.4000s.shard-%u", newpath, k) >= len)
        buf[0] = '\0';
}

/* Drops the last reference to a large JSON tree (all records read) in a
 * thread of its own while the build goes on: freeing 26k records took a
 * third of a second at the end of a build. release_join() waits for it. */
struct releaser {
    pthread_t tid;
    int started;
    json_t *tree;
};

static void *release_thread(void *arg)
{
    json_decref(((struct releaser *)arg)->tree);
    return NULL;
}

/* Takes over *tree (sets it to NULL). */
static void release_start(struct releaser *r, json_t **tree)
{
    r->tree = *tree;
    *tree = NULL;
    r->started = pthread_create(&r->tid, NULL, release_thread, r) == 0;
    if (!r->started) {
        json_decref(r->tree);
        r->tree = NULL;
    }
}

static void release_join(struct releaser *r)
{
    if (r->started)
        pthread_join(r->tid, NULL);
    r->started = 0;
    r->tree = NULL;
}

/* Where shard k of nshards begins: the shards are consecutive runs of
 * `todo` (docids follow its order) of about equal weight, since records
 * differ in size by sources (measured at 26k: split by count, one shard
 * took 40 % longer than the other; see index_weight). */
static size_t shard_begin(const struct todo *todo, size_t n, unsigned k, unsigned nshards,
                          double total)
{
    if (k == 0)
        return 0;
    if (k >= nshards)
        return n;
    double want = total * k / nshards, sum = 0;
    size_t i = 0;
    while (i < n && sum + (double)todo[i].weight <= want)
        sum += (double)todo[i++].weight;
    return i;
}

/* The shards of a build, claimed one at a time by the worker threads: each
 * is opened, written and closed by the thread that claims it. A thread
 * that finds none left takes the second half of what remains of the
 * running shard with the most left, as a shard of its own: shards run
 * at the speed of the core they get (on this VM the two cores' speeds
 * differ from moment to moment: two shards of equal weight ended up to
 * 0.6 s apart in a 4-s build), and the merge keeps the shards' order, so
 * the docids are the same whoever wrote what. */
struct shard_pool {
    struct shard_job *jobs;    /* room for MAX_JOBS */
    char (*paths)[4096];
    const char *newpath;
    size_t split_min;          /* records a split leaves each half, at least */
    unsigned njobs;            /* under lock, as the rest */
    unsigned next;             /* first job not yet claimed */
    pthread_mutex_t lock;
};

/* Jobs at most: the shards, the spelling shard, the halves taken. */
#define MAX_JOBS 48
/* build_shards fills a job for each shard and the spelling shard before
 * any is split (a 260k build with MAX_SHARDS raised to 128 overran the
 * table). */
_Static_assert(MAX_SHARDS + 1 <= MAX_JOBS, "MAX_JOBS must hold every shard and the spelling shard");
/* A running shard is split only when at least twice this many records
 * remain: a shard costs an open, a close and a source of the merge
 * (≈ 50 ms at 26k), these records ≈ 0.1 s of writing.
 * SECSTD_SPLIT_MIN overrides. */
#define SPLIT_MIN 200

static size_t split_min(void)
{
    const char *env = getenv("SECSTD_SPLIT_MIN");
    long v = env && *env ? strtol(env, NULL, 10) : SPLIT_MIN;
    return v >= 1 ? (size_t)v : SPLIT_MIN;
}

/* Under pool->lock: the next job to write, or -1. */
static int claim_job(struct shard_pool *pool)
{
    if (pool->next < pool->njobs) {
        pool->jobs[pool->next].running = 1;
        return (int)pool->next++;
    }
    if (pool->njobs >= MAX_JOBS)
        return -1;
    struct shard_job *victim = NULL;
    for (unsigned k = 0; k < pool->njobs; k++) {
        struct shard_job *j = &pool->jobs[k];
        if (j->running && j->spelling != SPELL_ONLY && j->end - j->next >= 2 * pool->split_min &&
            (!victim || j->end - j->next > victim->end - victim->next))
            victim = j;
    }
    if (!victim)
        return -1;
    /* The victim's writer, status and counts are its thread's: only the
     * fields fixed for the build are copied. */
    unsigned k = pool->njobs++;
    pool->next = pool->njobs;   /* claimed by this thread */
    size_t mid = victim->next + (victim->end - victim->next) / 2;
    pool->jobs[k] = (struct shard_job){victim->opts, victim->todo, victim->hash_slot, mid,
                                       victim->end, NULL, victim->add_only, victim->done,
                                       victim->total, SECSTD_OK, 0, "", victim->spelling, mid,
                                       victim->lock, 1};
    victim->end = mid;
    shard_path(pool->paths[k], sizeof pool->paths[k], pool->newpath, k);
    return (int)k;
}

static void *shard_worker(void *arg)
{
    struct shard_pool *pool = arg;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        int k = claim_job(pool);
        pthread_mutex_unlock(&pool->lock);
        if (k < 0)
            break;
        struct shard_job *job = &pool->jobs[k];
        remove_dir(pool->paths[k]);
        job->st = xap_writer_open_scratch(pool->paths[k], &job->w);
        if (job->st != SECSTD_OK) {
            snprintf(job->err, sizeof job->err, "%.200s: %.300s", pool->paths[k], xap_last_error());
        } else {
            write_docs(job);
            if (job->st == SECSTD_OK) {
                secstd_status cs = xap_writer_close(job->w);
                if (cs != SECSTD_OK) {
                    job->st = cs;
                    snprintf(job->err, sizeof job->err, "committing %.180s: %.300s", pool->paths[k],
                             xap_last_error());
                }
            }
            xap_writer_free(job->w);
            job->w = NULL;
        }
        pthread_mutex_lock(&pool->lock);
        job->running = 0;
        pthread_mutex_unlock(&pool->lock);
    }
    return NULL;
}

/* A shard's place in the merge: document shards by their first record,
 * the spelling shard last. */
struct merge_slot {
    int spelling;
    size_t begin;
    unsigned job;
};

static int by_begin(const void *a, const void *b)
{
    const struct merge_slot *x = a, *y = b;
    if (x->spelling != y->spelling)
        return x->spelling - y->spelling;
    return (x->begin > y->begin) - (x->begin < y->begin);
}

/* Builds `todo` into nshards (and more, split as they run) fresh
 * databases beside newpath, written by the worker threads, and merges
 * them into newpath with Xapian's compactor; docids follow the order of
 * `todo`. Once every record is written, *records (which owns them) is
 * handed to rel and freed during the merge. The shards are removed
 * whatever happens. */
static secstd_status build_shards(const secstd_build_opts *opts, const struct todo *todo, size_t n,
                                  int hash_slot, const char *newpath, unsigned nshards,
                                  json_t **records, struct releaser *rel,
                                  secstd_build_summary *sum, struct stage_clock *clock, char *err,
                                  size_t errlen)
{
    struct shard_job *jobs = calloc(MAX_JOBS, sizeof *jobs);
    char(*paths)[4096] = calloc(MAX_JOBS, sizeof *paths);
    if (!jobs || !paths) {
        free(jobs);
        free(paths);
        return failf(err, errlen, SECSTD_ERR_NOMEM, "out of memory");
    }
    struct shard_pool pool = {jobs, paths, newpath, split_min(), 0, 0, PTHREAD_MUTEX_INITIALIZER};
    atomic_size_t done = 0;
    secstd_status st = SECSTD_OK;
    if (nshards > MAX_SHARDS)
        nshards = MAX_SHARDS;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += (double)todo[i].weight;
    /* The document shards, then the spelling shard (no documents): last,
     * so the thread that finishes its shards first takes it; merged as a
     * database of no documents, it shifts no docids. */
    for (unsigned k = 0; k <= nshards; k++) {
        shard_path(paths[k], sizeof paths[k], newpath, k);
        size_t b = k < nshards ? shard_begin(todo, n, k, nshards, total) : 0;
        size_t e = k < nshards ? shard_begin(todo, n, k + 1, nshards, total) : n;
        jobs[k] = (struct shard_job){opts, todo, hash_slot, b, e, NULL, 1, &done, n, SECSTD_OK, 0, "",
                                     k < nshards ? SPELL_NONE : SPELL_ONLY, b, &pool.lock, 0};
    }
    pool.njobs = nshards + 1;
    unsigned nthreads = worker_count();
    run_parallel(nthreads < pool.njobs ? nthreads : pool.njobs, shard_worker, &pool);
    stage_next(clock, SECSTD_STAGE_MERGE);
    unsigned njobs = pool.njobs;
    struct merge_slot order[MAX_JOBS];
    const char *srcs[MAX_JOBS];
    for (unsigned k = 0; k < njobs; k++) {
        order[k] = (struct merge_slot){jobs[k].spelling == SPELL_ONLY, jobs[k].begin, k};
        sum->indexed += jobs[k].indexed;
        if (st == SECSTD_OK && jobs[k].st != SECSTD_OK)
            st = failf(err, errlen, jobs[k].st, "%s", jobs[k].err);
    }
    qsort(order, njobs, sizeof *order, by_begin);
    sum->shards = njobs;
    for (unsigned k = 0; k < njobs; k++)
        srcs[k] = paths[order[k].job];
    release_start(rel, records);
    if (st == SECSTD_OK) {
        if (opts->progress)
            fprintf(opts->progress, "merging %u shards\n", njobs - 1);
        st = xap_compact(srcs, njobs, newpath);
        if (st != SECSTD_OK)
            failf(err, errlen, st, "merging shards into %s: %s", newpath, xap_last_error());
    }
    for (unsigned k = 0; k < njobs; k++)
        remove_dir(paths[k]);
    stage_next(clock, SECSTD_STAGE_FINISH);
    pthread_mutex_destroy(&pool.lock);
    free(jobs);
    free(paths);
    return st;
}

/* ---- classification ---------------------------------------------------------
 * Areas and digest of every record read: pure per-record work (the
 * classifier's tables are built once, its scratch is per thread), so it is
 * split across the same threads as the shards; the comparison with the
 * current generation that follows stays in one thread, in record order. */

struct classify_job {
    json_t **recs;
    char (*digests)[33];
    size_t *weights;
    size_t n;
    atomic_size_t *next;       /* next unclaimed record, shared */
};

/* Records are claimed in small runs, so a thread that drew long records
 * does not hold the others up. */
#define CLASSIFY_RUN 64

static void *classify_thread(void *arg)
{
    struct classify_job *job = arg;
    for (;;) {
        size_t begin = atomic_fetch_add(job->next, CLASSIFY_RUN);
        if (begin >= job->n)
            break;
        size_t end = begin + CLASSIFY_RUN < job->n ? begin + CLASSIFY_RUN : job->n;
        for (size_t i = begin; i < end; i++) {
            json_object_set_new(job->recs[i], "areas", secstd_classify(job->recs[i]));
            digest_record(job->recs[i], job->digests[i]);
            job->weights[i] = index_weight(job->recs[i]);
        }
    }
    return NULL;
}

static void classify_all(json_t **recs, char (*digests)[33], size_t *weights, size_t n)
{
    atomic_size_t next = 0;
    struct classify_job job = {recs, digests, weights, n, &next};
    run_parallel(parallel_threads(n), classify_thread, &job);
}

secstd_status secstd_build(const secstd_build_opts *opts, secstd_build_summary *sum, char *err,
                           size_t errlen)
{
    memset(sum, 0, sizeof *sum);
    struct stage_clock clock = {sum, SECSTD_STAGE_READ, now_seconds()};
    const double t0 = clock.since;
    if (!opts->records_dir || !opts->index_dir)
        return failf(err, errlen, SECSTD_ERR_INVALID, "records and index directories are required");
    if (mkdir_p(opts->index_dir) != 0)
        return failf(err, errlen, SECSTD_ERR_IO, "%s: %s", opts->index_dir, strerror(errno));

    json_t *byid = json_object();
    struct releaser rel = {0};
    secstd_status st = read_records(opts, byid, sum, err, errlen);
    if (st != SECSTD_OK) {
        json_decref(byid);
        return st;
    }
    stage_next(&clock, SECSTD_STAGE_CLASSIFY);

    struct old_index old = {NULL, secstd_index_current_generation(opts->index_dir)};
    char oldpath[4096] = "";
    if (old.generation) {
        snprintf(oldpath, sizeof oldpath, "%s/gen-%06u", opts->index_dir, old.generation);
        if (xap_db_open(oldpath, &old.db) != SECSTD_OK)
            old.db = NULL;
    }
    unsigned high = highest_generation(opts->index_dir);
    unsigned gen = (high > old.generation ? high : old.generation) + 1;
    sum->generation = old.generation;
    if (sum->rejected && old.db && keep_missing(&old, byid, sum, opts) != 0) {
        xap_db_free(old.db);
        json_decref(byid);
        return failf(err, errlen, SECSTD_ERR_NOMEM, "out of memory");
    }

    /* Areas and digests, in parallel (classify_all). */
    size_t nall = json_object_size(byid);
    json_t **recs = calloc(nall ? nall : 1, sizeof *recs);
    char(*digests_of)[33] = calloc(nall ? nall : 1, sizeof *digests_of);
    size_t *weights = calloc(nall ? nall : 1, sizeof *weights);
    struct todo *todo = calloc(nall ? nall : 1, sizeof *todo);  /* records to (re)index */
    if (!recs || !digests_of || !weights || !todo) {
        free(recs);
        free(digests_of);
        free(weights);
        free(todo);
        json_decref(byid);
        xap_db_free(old.db);
        return failf(err, errlen, SECSTD_ERR_NOMEM, "out of memory");
    }
    {
        const char *k;
        json_t *r;
        size_t n = 0;
        json_object_foreach(byid, k, r)
            recs[n++] = r;
        classify_all(recs, digests_of, weights, n);
    }
    free(recs);
    stage_next(&clock, SECSTD_STAGE_COMPARE);

    /* Find what differs from the current generation. */
    size_t ntodo = 0;
    json_t *report = json_object();
    json_t *added = json_array(), *modified = json_array(), *status_changed = json_array(),
           *removed = json_array();
    json_t *counts = json_pack("{s:{},s:{}}", "by_sdo", "by_area");
    const int hash_slot = secstd_field_get(SECSTD_FIELD_HASH)->slot;
    size_t total = json_object_size(byid), done = 0;
    const char *key;
    json_t *rec;
    size_t nrec = 0;
    json_object_foreach(byid, key, rec) {
        const char *digest = digests_of[nrec];
        size_t weight = weights[nrec++];
        char idterm[XAP_MAX_TERM + 1];
        secstd_term(SECSTD_FIELD_ID, key, idterm, sizeof idterm);
        json_t *src = json_object_get(rec, "source");
        if (!json_is_object(src)) {
            src = json_object();
            json_object_set_new(rec, "source", src);
        }
        /* The digest slot answers "unchanged?" without loading the record. */
        unsigned olddoc = 0;
        if (old.db)
            xap_db_first_posting(old.db, idterm, &olddoc);
        int same = 0;
        if (olddoc) {
            char *prev_digest = NULL;
            same = xap_db_get_value(old.db, olddoc, (unsigned)hash_slot, &prev_digest) == SECSTD_OK &&
                   strcmp(prev_digest, digest) == 0;
            free(prev_digest);
            if (same && !opts->full) {
                sum->unchanged++;
                progress(opts, "classifying", ++done, total);
                continue;
            }
        }
        /* Changed now, unless a full rebuild re-indexes it as it was. */
        json_int_t changed_gen = gen;
        json_t *prev = olddoc ? old_record(&old, idterm) : NULL;
        if (prev) {
            json_t *psrc = json_object_get(prev, "source");
            json_t *pchanged = json_object_get(psrc, "changed_generation");
            if (same && json_is_integer(pchanged))
                changed_gen = json_integer_value(pchanged);
            json_t *first = json_object_get(psrc, "first_generation");
            json_object_set_new(src, "first_generation", json_integer(first ? json_integer_value(first) : old.generation));
            json_t *fields = json_array();
            for (size_t i = 0; i < sizeof compared_fields / sizeof *compared_fields; i++) {
                json_t *a = json_object_get(prev, compared_fields[i]);
                json_t *b = json_object_get(rec, compared_fields[i]);
                if (!(a == b || (a && b && json_equal(a, b))))
                    json_array_append_new(fields, json_string(compared_fields[i]));
            }
            /* A full rebuild re-indexes everything: only real differences
             * are news; the provenance above is kept either way. */
            int report_it = !opts->full || json_array_size(fields) > 0;
            json_t *entry = brief(rec);
            json_object_set_new(entry, "fields", fields);
            const char *ps = json_string_value(json_object_get(prev, "status"));
            const char *ns = json_string_value(json_object_get(rec, "status"));
            if ((ps || ns) && (!ps || !ns || strcmp(ps, ns) != 0)) {
                json_t *sc = brief(rec);
                json_object_set_new(sc, "from", json_string(ps ? ps : ""));
                json_object_set_new(sc, "to", json_string(ns ? ns : ""));
                json_array_append_new(status_changed, sc);
                count_change(counts, "status_changed", rec);
            }
            if (report_it) {
                json_array_append_new(modified, entry);
                count_change(counts, "changed", rec);
            } else {
                json_decref(entry);
            }
            json_decref(prev);
        } else {
            json_object_set_new(src, "first_generation", json_integer(gen));
            if (old.db) {
                json_array_append_new(added, brief(rec));
                count_change(counts, "added", rec);
            }
        }
        json_object_set_new(src, "changed_generation", json_integer(changed_gen));
        todo[ntodo++] = (struct todo){rec, key, digest, weight};
        progress(opts, "classifying", ++done, total);
    }

    /* Standards that disappeared from every records file. */
    json_t *gone = old.db ? missing_id_terms(&old, byid) : json_array();
    if (!gone)
        gone = json_array();
    size_t g_i;
    json_t *g_t;
    json_array_foreach(gone, g_i, g_t) {
        json_t *prev = old_record(&old, json_string_value(g_t));
        if (prev) {
            json_array_append_new(removed, brief(prev));
            count_change(counts, "removed", prev);
            json_decref(prev);
        }
    }

    /* Most of the index gone at once is a records file emptied or deleted
     * (by hand, a full disk), not the bodies withdrawing their work: nothing
     * is published unless asked. */
    unsigned oldcount = 0;
    if (old.db)
        xap_db_doccount(old.db, &oldcount);
    size_t ngone = json_array_size(gone);
    int refuse = !opts->allow_removals && oldcount >= SECSTD_BUILD_REMOVAL_MIN &&
                 ngone * 2 > oldcount;
    if (refuse)
        st = failf(err, errlen, SECSTD_ERR_INVALID,
                   "would remove %zu of the %u standards of generation %u (%.0f %%): is a records "
                   "file in %s empty or missing? Nothing published; to publish it anyway, index "
                   "with --allow-removals",
                   ngone, oldcount, old.generation, 100.0 * (double)ngone / oldcount, opts->records_dir);
    int nothing = ntodo == 0 && ngone == 0;
    if (refuse || (nothing && old.generation && !opts->force_publish && !opts->full)) {
        sum->published = 0;
        stage_next(&clock, clock.cur);
        sum->seconds = clock.since - t0;
        sum->changes = json_pack("{s:i,s:[],s:[],s:[],s:[]}", "generation", old.generation, "added",
                                 "changed", "status_changed", "removed");
        /* Still clear what a crashed run left behind (gen dirs newer than
         * current), so a leftover never outlives the next run. */
        prune_generations(opts->index_dir, old.generation, opts->keep ? opts->keep : 1);
        xap_db_free(old.db);
        json_decref(byid);
        free(todo);
        json_decref(gone);
        json_decref(report);
        json_decref(added);
        json_decref(modified);
        json_decref(status_changed);
        json_decref(removed);
        json_decref(counts);
        free(digests_of);
        free(weights);
        return st;
    }

    /* A fresh database (no copy of the current generation) cannot hold any
     * id yet: documents are added without the unique-term lookup, and a
     * large build is split into shards built in parallel and merged. */
    int fresh = !(old.db && !opts->full);
    if (fresh)
        scope_first(todo, ntodo);

    /* Build the new generation beside the current one. */
    char newpath[4096];
    snprintf(newpath, sizeof newpath, "%s/gen-%06u", opts->index_dir, gen);
    remove_dir(newpath);
    if (mkdir(newpath, 0755) != 0) {
        st = failf(err, errlen, SECSTD_ERR_IO, "%s: %s", newpath, strerror(errno));
        goto out;
    }
    if (old.db && !opts->full && copy_dir(oldpath, newpath) != 0) {
        st = failf(err, errlen, SECSTD_ERR_IO, "copying %s: %s", oldpath, strerror(errno));
        goto out;
    }
    unsigned nshards = fresh ? shard_count(ntodo) : 1;
    stage_next(&clock, SECSTD_STAGE_WRITE);
    xap_writer *w = NULL;
    if (nshards > 1) {
        st = build_shards(opts, todo, ntodo, hash_slot, newpath, nshards, &byid, &rel, sum, &clock,
                          err, errlen);
        if (st != SECSTD_OK)
            goto out;
    }
    st = xap_writer_open_nosync(newpath, &w);
    if (st != SECSTD_OK) {
        failf(err, errlen, st, "%s: %s", newpath, xap_last_error());
        goto out;
    }
    size_t i;
    if (nshards <= 1) {
        atomic_size_t done = 0;
        struct shard_job job = {opts, todo, hash_slot, 0, ntodo, w, fresh, &done, ntodo,
                                SECSTD_OK, 0, "", fresh ? SPELL_COUNTED : SPELL_EACH, 0, NULL, 0};
        write_docs(&job);
        st = job.st;
        sum->indexed += job.indexed;
        if (st != SECSTD_OK)
            failf(err, errlen, st, "%s", job.err);
        release_start(&rel, &byid);
    }
    json_t *g;
    json_array_foreach(gone, i, g) {
        if (st != SECSTD_OK)
            break;
        st = xap_writer_delete(w, json_string_value(g));
        sum->removed++;
    }
    if (clock.cur == SECSTD_STAGE_WRITE)   /* one writer: its documents are done */
        stage_next(&clock, SECSTD_STAGE_FINISH);
    if (st == SECSTD_OK) {
        char num[32];
        unsigned count = 0;
        xap_writer_doccount(w, &count);
        snprintf(num, sizeof num, "%u", gen);
        xap_writer_set_metadata(w, SECSTD_META_GENERATION, num);
        snprintf(num, sizeof num, "%lld", (long long)time(NULL));
        xap_writer_set_metadata(w, SECSTD_META_BUILT_AT, num);
        snprintf(num, sizeof num, "%u", count);
        xap_writer_set_metadata(w, SECSTD_META_RECORDS, num);
        xap_writer_set_metadata(w, SECSTD_META_SCHEMA, SECSTD_SCHEMA_VERSION);
        /* The facet fields' tables, and the date's (date filters), so a
         * search handle loads them at once. */
        unsigned slots[SECSTD_FIELD_COUNT];
        size_t nslots = 0;
        for (int f = 0; f < SECSTD_FIELD_COUNT; f++) {
            const secstd_field *fd = secstd_field_get((secstd_field_id)f);
            if (fd && (fd->facet || f == SECSTD_FIELD_DATE) && fd->slot >= 0)
                slots[nslots++] = (unsigned)fd->slot;
        }
        st = xap_writer_store_facet_tables(w, slots, nslots);
        if (st == SECSTD_OK)
            st = xap_writer_close(w);
        if (st != SECSTD_OK)
            failf(err, errlen, st, "committing %s: %s", newpath, xap_last_error());
    }
    xap_writer_free(w);
    /* The heads file, from the database as closed (xap.h). */
    if (st == SECSTD_OK && (st = xap_heads_write(newpath)) != SECSTD_OK)
        failf(err, errlen, st, "writing the heads of %s: %s", newpath, xap_last_error());
    /* Written without fsync per commit (batches, shards): made durable
     * once, here, before anything points at it. */
    if (st == SECSTD_OK && sync_dir(newpath) != 0)
        st = failf(err, errlen, SECSTD_ERR_IO, "syncing %s: %s", newpath, strerror(errno));
    if (st != SECSTD_OK)
        goto out;

    /* The change report of this generation, then publication. */
    json_object_set_new(report, "generation", json_integer(gen));
    json_object_set_new(report, "previous_generation", json_integer(old.generation));
    json_object_set_new(report, "built_at", json_integer((json_int_t)time(NULL)));
    json_object_set_new(report, "added", json_incref(added));
    json_object_set_new(report, "changed", json_incref(modified));
    json_object_set_new(report, "status_changed", json_incref(status_changed));
    json_object_set_new(report, "removed", json_incref(removed));
    json_object_set_new(report, "counts", json_incref(counts));
    char changes_dir[4096], changes_path[4096], changes_tmp[4200];
    if ((size_t)snprintf(changes_dir, sizeof changes_dir, "%s/changes", opts->index_dir) >= sizeof changes_dir ||
        (size_t)snprintf(changes_path, sizeof changes_path, "%s/%06u.json", changes_dir, gen) >= sizeof changes_path ||
        (size_t)snprintf(changes_tmp, sizeof changes_tmp, "%s.tmp", changes_path) >= sizeof changes_tmp) {
        st = failf(err, errlen, SECSTD_ERR_TOO_LARGE, "index path too long");
        goto out;
    }
    mkdir_p(changes_dir);
    if (json_dump_file(report, changes_tmp, JSON_INDENT(1) | JSON_SORT_KEYS) != 0 ||
        rename(changes_tmp, changes_path) != 0) {
        st = failf(err, errlen, SECSTD_ERR_IO, "%s: cannot write change report", changes_path);
        goto out;
    }
    st = publish(opts->index_dir, gen, err, errlen);
    if (st != SECSTD_OK)
        goto out;
    sum->published = 1;
    sum->generation = gen;
    sum->changes = json_incref(report);
    prune_generations(opts->index_dir, gen, opts->keep ? opts->keep : 1);

out:
    if (st != SECSTD_OK && !sum->published) {
        remove_dir(newpath);
        /* Xapian reports a full disk as whatever failed next ("cancel()
         * not supported under DB_DANGEROUS"): say what is behind it. */
        struct statvfs vfs;
        if (statvfs(opts->index_dir, &vfs) == 0 &&
            (unsigned long long)vfs.f_bavail * vfs.f_frsize < 4ull * 1024 * 1024) {
            size_t n = strlen(err);
            snprintf(err + n, errlen > n ? errlen - n : 0,
                     " (the file system of %s is full: %llu KiB free)", opts->index_dir,
                     (unsigned long long)vfs.f_bavail * vfs.f_frsize / 1024);
        }
    }
    release_join(&rel);
    stage_next(&clock, clock.cur);
    sum->seconds = clock.since - t0;
    xap_db_free(old.db);
    json_decref(byid);
    free(todo);
    json_decref(gone);
    json_decref(report);
    json_decref(added);
    json_decref(modified);
    json_decref(status_changed);
    json_decref(removed);
    json_decref(counts);
    free(digests_of);
    free(weights);
    return st;
}
