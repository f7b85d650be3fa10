/* cmd_refresh.c — `secstd refresh`: the unattended nightly job.
 *
 * Locked (flock on DATA/state/refresh.lock: released by the kernel when a
 * run dies, so a killed run never leaves a lock that blocks the next one),
 * it crawls every enabled source with conditional GET, indexes only what
 * changed into a new generation, publishes it atomically, keeps the last N
 * generations and stores a report. Exit status: 0 all sources fine, 1 some
 * failed (their previous records kept), 2 nothing could be published
 * (the previous generation still serves), 3 another refresh is running. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "commands.h"
#include "common.h"
#include "config.h"
#include "crawl.h"
#include "index.h"

#define EXIT_LOCKED 3

static int quiet;

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One timestamped log line on stderr (what cron mails or journald keeps). */
static void logf_(const char *fmt, ...)
{
    char stamp[32];
    time_t now = time(NULL);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(stderr, "%s refresh: ", stamp);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static void usage(FILE *out)
{
    fprintf(out,
            "usage: secstd refresh [--data DIR] [--config FILE] [--mirror DIR | --base-url URL]\n"
            "                      [--keep N] [--full] [--json] [--quiet]\n"
            "\n"
            "The nightly job: crawl every enabled source (conditional GET; unchanged sources\n"
            "are neither parsed nor rewritten), index what changed into a new generation,\n"
            "publish it atomically, keep the last N generations, and write a change report\n"
            "(DATA/index/changes/<generation>.json) and a run report\n"
            "(DATA/state/reports/refresh-<time>.json). Only one refresh runs at a time.\n"
            "\n"
            "  --data DIR      data directory (default: config data_dir, $SECSTD_DATA, ./var)\n"
            "  --config FILE   configuration file (default $SECSTD_CONFIG; docs/CONFIG.md)\n"
            "  --mirror DIR    crawl a local mirror, e.g. ../shared/data/sdo ($SECSTD_MIRROR)\n"
            "  --base-url URL  crawl a mirror served over HTTP\n"
            "  --keep N        index generations to keep (default 3)\n"
            "  --full          rebuild the index from scratch\n"
            "  --allow-removals  publish even when more than half of the standards would go\n"
            "  --json          print the run report as JSON on stdout\n"
            "  --quiet         log only failures (for cron)\n"
            "\n"
            "Exit status: 0 all sources fine; 1 some sources failed (their previous data\n"
            "kept, named in the report); 2 nothing could be published (the previous\n"
            "generation still serves); 3 another refresh holds the lock.\n");
}

/* Takes DATA/state/refresh.lock; returns its fd, or -1 (message printed). */
static int take_lock(const char *state_dir, int *locked_by_other)
{
    char path[4200];
    *locked_by_other = 0;
    if ((size_t)snprintf(path, sizeof path, "%s/refresh.lock", state_dir) >= sizeof path) {
        logf_("state directory path too long");
        return -1;
    }
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        logf_("cannot open lock %s: %s", path, strerror(errno));
        return -1;
    }
    char prev[128] = "";
    ssize_t n = pread(fd, prev, sizeof prev - 1, 0);
    prev[n > 0 ? n : 0] = '\0';
    prev[strcspn(prev, "\n")] = '\0';
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        *locked_by_other = errno == EWOULDBLOCK;
        if (*locked_by_other)
            fprintf(stderr,
                    "secstd refresh: another refresh is running (%s); exiting without doing "
                    "anything\n",
                    *prev ? prev : "pid unknown");
        else
            logf_("cannot lock %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    /* The lock file still names a run: that run died without cleaning up
     * (the kernel released its flock); say so and take over. */
    if (*prev && !quiet)
        logf_("previous run (%s) did not finish; taking over its lock", prev);
    char me[128];
    time_t now = time(NULL);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    int len = snprintf(me, sizeof me, "pid %ld since %s\n", (long)getpid(), stamp);
    if (ftruncate(fd, 0) != 0 || pwrite(fd, me, (size_t)len, 0) != len)
        logf_("warning: cannot record pid in %s", path);
    return fd;
}

static void release_lock(int fd)
{
    if (fd < 0)
        return;
    if (ftruncate(fd, 0) != 0)
        logf_("warning: cannot clear the lock file");
    close(fd);
}

/* A fingerprint of what an index build would read: every records file's
 * name, size and modification time, the generation it was built into, and
 * this program's own identity (a new binary may classify differently).
 * Returns 0, or -1 when something cannot be read (then never skip). */
static int records_fingerprint(const char *records_dir, unsigned generation, char *out, size_t len)
{
    unsigned long long h = 1469598103934665603ULL;
#define MIX(v)                                                                                     \
    do {                                                                                           \
        unsigned long long x_ = (unsigned long long)(v);                                           \
        for (int b_ = 0; b_ < 8; b_++) {                                                           \
            h ^= (x_ >> (8 * b_)) & 0xff;                                                          \
            h *= 1099511628211ULL;                                                                 \
        }                                                                                          \
    } while (0)
    DIR *d = opendir(records_dir);
    if (!d)
        return -1;
    struct dirent *de;
    unsigned long long files = 0, acc = 0;
    while ((de = readdir(d))) {
        size_t n = strlen(de->d_name);
        if (n < 7 || strcmp(de->d_name + n - 6, ".jsonl") != 0)
            continue;
        char path[4400];
        struct stat sb;
        snprintf(path, sizeof path, "%s/%s", records_dir, de->d_name);
        if (stat(path, &sb) != 0) {
            closedir(d);
            return -1;
        }
        /* Order-independent: readdir order is arbitrary. */
        unsigned long long f = 1469598103934665603ULL;
        for (const char *p = de->d_name; *p; p++)
            f = (f ^ (unsigned char)*p) * 1099511628211ULL;
        f ^= (unsigned long long)sb.st_size * 0x9E3779B97F4A7C15ULL;
        f ^= ((unsigned long long)sb.st_mtim.tv_sec * 1000000000ULL + (unsigned long long)sb.st_mtim.tv_nsec) * 0xC2B2AE3D27D4EB4FULL;
        acc += f;
        files++;
    }
    closedir(d);
    struct stat self;
    if (stat("/proc/self/exe", &self) != 0)
        return -1;
    MIX(acc);
    MIX(files);
    MIX(generation);
    MIX(self.st_size);
    MIX(self.st_mtim.tv_sec);
#undef MIX
    snprintf(out, len, "%016llx", h);
    return 0;
}

static int marker_matches(const char *path, const char *fingerprint)
{
    char buf[64] = "";
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return ok && strcmp(buf, fingerprint) == 0;
}

static void write_marker(const char *path, const char *fingerprint)
{
    char tmp[4300];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (!f)
        return;
    int ok = fprintf(f, "%s\n", fingerprint) > 0;
    ok &= fclose(f) == 0;
    if (!ok || rename(tmp, path) != 0)
        unlink(tmp);
}

static void on_progress(void *ctx, const secstd_source_report *r)
{
    (void)ctx;
    if (r->outcome == SECSTD_CRAWL_RUNNING) {
        /* a source retrying says so, each attempt a journal line */
        if (!quiet && *r->reason)
            logf_("crawl %-13s %s", r->source->name, r->reason);
        return;
    }
    if (quiet && r->outcome != SECSTD_CRAWL_FAILED)
        return;
    logf_("crawl %-13s %-9s %6zu records%s%s", r->source->name, secstd_crawl_outcome_name(r->outcome),
          r->records, *r->reason ? "  " : "", r->reason);
}

int cmd_refresh(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"mirror", required_argument, NULL, 'm'}, {"base-url", required_argument, NULL, 'b'},
        {"keep", required_argument, NULL, 'k'},   {"full", no_argument, NULL, 'f'},
        {"allow-removals", no_argument, NULL, 'A'},
        {"json", no_argument, NULL, 'j'},         {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *config_path = getenv("SECSTD_CONFIG");
    const char *mirror = NULL, *base_url = NULL;
    int json = 0, c;
    secstd_build_opts bopts;
    secstd_build_opts_init(&bopts);
    quiet = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:c:m:b:k:fjqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config_path = optarg; break;
        case 'm': mirror = optarg; break;
        case 'b': base_url = optarg; break;
        case 'k': {
            char *end;
            long k = strtol(optarg, &end, 10);
            if (*end || k < 1 || k > 1000) {
                fprintf(stderr, "secstd refresh: --keep needs a number from 1 to 1000\n");
                return 2;
            }
            bopts.keep = (unsigned)k;
            break;
        }
        case 'f': bopts.full = 1; break;
        case 'A': bopts.allow_removals = 1; break;
        case 'j': json = 1; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "secstd refresh: unexpected argument \"%s\"\n", argv[optind]);
        return 2;
    }
    /* $SECSTD_MIRROR unless --mirror or --base-url says otherwise. */
    if (!mirror && !base_url)
        mirror = getenv("SECSTD_MIRROR");
    char err[1024] = "";
    secstd_config *cfg = NULL;
    if (config_path && *config_path &&
        secstd_config_load(config_path, &cfg, err, sizeof err) != SECSTD_OK) {
        fprintf(stderr, "secstd refresh: %s\n", err);
        return 2;
    }
    secstd_crawl_options o;
    if (secstd_crawl_options_init(&o, cfg, err, sizeof err) != SECSTD_OK) {
        fprintf(stderr, "secstd refresh: %s\n", err);
        secstd_config_free(cfg);
        return 2;
    }
    int data_from_config = cfg && secstd_config_get(cfg, NULL, "data_dir");
    o.data_dir = data ? data : data_from_config ? o.data_dir : cli_data_dir(NULL);
    if (mirror && *mirror)
        o.mirror = mirror;
    if (base_url)
        o.base_url = base_url;

    char state_dir[4096], records_dir[4096], index_dir[4096];
    cli_data_path(o.data_dir, "state", state_dir, sizeof state_dir);
    cli_data_path(o.data_dir, "records", records_dir, sizeof records_dir);
    cli_data_path(o.data_dir, "index", index_dir, sizeof index_dir);
    mkdir(o.data_dir, 0755);
    mkdir(state_dir, 0755);
    int locked_by_other;
    int lock = take_lock(state_dir, &locked_by_other);
    if (lock < 0) {
        secstd_config_free(cfg);
        return locked_by_other ? EXIT_LOCKED : 2;
    }

    unsigned before = secstd_index_current_generation(index_dir);
    if (!quiet)
        logf_("start: data %s, %s%s, serving generation %u", o.data_dir,
              o.mirror ? "mirror " : o.base_url ? "base URL " : "live sites",
              o.mirror ? o.mirror : o.base_url ? o.base_url : "", before);

    /* 1. Crawl. */
    secstd_crawl_report *crawl = NULL;
    secstd_status st = secstd_crawl_run(&o, NULL, 0, on_progress, NULL, &crawl, err, sizeof err);
    int crawl_exit = 2;
    if (st != SECSTD_OK)
        logf_("crawl failed: %s", err);
    else
        crawl_exit = secstd_crawl_report_exit_status(crawl);

    /* 2. Index what changed (records of failed sources are the old ones). */
    secstd_build_summary sum;
    memset(&sum, 0, sizeof sum);
    secstd_status bst = SECSTD_ERR_NO_INDEX;
    int exit_code;
    char fingerprint[64] = "", marker[4200];
    int skipped = 0;
    snprintf(marker, sizeof marker, "%s/last-build", state_dir);
    if (st == SECSTD_OK) {
        bopts.records_dir = records_dir;
        bopts.index_dir = index_dir;
        bopts.errors = stderr;
        records_fingerprint(records_dir, before, fingerprint, sizeof fingerprint);
        if (before && !bopts.full && *fingerprint && marker_matches(marker, fingerprint)) {
            /* Nothing crawled anew and the records are those the current
             * generation was built from: re-reading them would only
             * confirm it. */
            bst = SECSTD_OK;
            skipped = 1;
            sum.generation = before;
            sum.changes = json_pack("{s:i,s:[],s:[],s:[],s:[]}", "generation", before, "added",
                                    "changed", "status_changed", "removed");
            if (!quiet)
                logf_("index: records unchanged since generation %u was built; nothing to do", before);
        } else {
            bst = secstd_build(&bopts, &sum, err, sizeof err);
            if (bst != SECSTD_OK)
                logf_("index failed: %s; generation %u still serving", err, before);
            else if (records_fingerprint(records_dir, sum.generation, fingerprint, sizeof fingerprint) == 0)
                write_marker(marker, fingerprint);
        }
    }
    if (bst != SECSTD_OK || (crawl_exit == 2 && !sum.published && !before))
        exit_code = 2;
    else
        exit_code = crawl_exit == 0 ? 0 : 1;
    if (crawl_exit == 2 && bst == SECSTD_OK)
        exit_code = 2; /* no source usable: nothing new could be published */
    /* Lines the indexer rejected (named FILE:LINE above) are data lost from
     * this generation: as `secstd index` does, say so in the status. */
    if (exit_code == 0 && bst == SECSTD_OK && sum.rejected > 0)
        exit_code = 1;

    if (bst == SECSTD_OK && !quiet && !skipped) {
        json_t *ch = sum.changes;
        char kept[80] = "";
        if (sum.kept)
            snprintf(kept, sizeof kept, " (%lu standards not in the records kept as they were)",
                     sum.kept);
        logf_("index: %lu records, %lu re-indexed, %lu unchanged, %lu removed, %lu bad lines%s; %s "
              "generation %u (added %zu, changed %zu, status changed %zu, removed %zu)",
              sum.read, sum.indexed, sum.unchanged, sum.removed, sum.rejected, kept,
              sum.published ? "published" : "nothing new, still serving", sum.generation,
              json_array_size(json_object_get(ch, "added")),
              json_array_size(json_object_get(ch, "changed")),
              json_array_size(json_object_get(ch, "status_changed")),
              json_array_size(json_object_get(ch, "removed")));
    }

    /* 3. The run report. */
    json_t *report = json_object();
    json_t *cr = crawl ? secstd_crawl_report_json(crawl) : json_null();
    json_t *failed = json_array();
    for (size_t i = 0; crawl && i < crawl->n; i++)
        if (crawl->sources[i].outcome == SECSTD_CRAWL_FAILED)
            json_array_append_new(failed, json_pack("{s:s,s:s}", "source", crawl->sources[i].source->name,
                                                    "reason", crawl->sources[i].reason));
    time_t now = time(NULL);
    char stamp[32];
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", gmtime(&now));
    json_object_set_new(report, "finished_at", json_string(stamp));
    json_object_set_new(report, "exit_status", json_integer(exit_code));
    json_object_set_new(report, "generation_before", json_integer(before));
    json_object_set_new(report, "generation", json_integer(bst == SECSTD_OK ? sum.generation : before));
    json_object_set_new(report, "published", json_boolean(bst == SECSTD_OK && sum.published));
    json_object_set_new(report, "failed_sources", failed);
    json_object_set_new(report, "crawl", cr);
    json_object_set_new(report, "index",
                        bst == SECSTD_OK
                            ? json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:f,s:o*}", "read", (json_int_t)sum.read,
                                        "indexed", (json_int_t)sum.indexed, "unchanged",
                                        (json_int_t)sum.unchanged, "removed", (json_int_t)sum.removed,
                                        "rejected", (json_int_t)sum.rejected, "kept",
                                        (json_int_t)sum.kept, "seconds", sum.seconds, "stages",
                                        secstd_build_stages_json(&sum))
                            : json_pack("{s:s}", "error", err));
    if (bst == SECSTD_OK && sum.changes)
        json_object_set(report, "changes", sum.changes);
    char reports_dir[4200], report_path[4300], tmp[4400];
    if ((size_t)snprintf(reports_dir, sizeof reports_dir, "%s/reports", state_dir) < sizeof reports_dir &&
        (mkdir(reports_dir, 0755) == 0 || errno == EEXIST) &&
        (size_t)snprintf(report_path, sizeof report_path, "%s/refresh-%s.json", reports_dir, stamp) <
            sizeof report_path &&
        (size_t)snprintf(tmp, sizeof tmp, "%s.tmp", report_path) < sizeof tmp) {
        if (json_dump_file(report, tmp, JSON_INDENT(1)) != 0 || rename(tmp, report_path) != 0)
            logf_("warning: cannot write %s", report_path);
    }
    if (json) {
        char *s = json_dumps(report, JSON_INDENT(2));
        if (s)
            printf("%s\n", s);
        free(s);
    }
    for (size_t i = 0; crawl && i < crawl->n; i++)
        if (crawl->sources[i].outcome == SECSTD_CRAWL_FAILED)
            logf_("FAILED %s: %s (previous records kept)", crawl->sources[i].source->name,
                  crawl->sources[i].reason);
    if (!quiet || exit_code != 0)
        logf_("done: exit %d (%s)", exit_code,
              exit_code == 0 ? "all sources fine"
              : exit_code == 1 && crawl_exit == 0
                  ? "some records lines were rejected (named above), the rest published"
              : exit_code == 1 ? "some sources failed, their previous data kept"
                               : "nothing published, previous generation still serving");
    json_decref(report);
    json_decref(sum.changes);
    secstd_crawl_report_free(crawl);
    secstd_config_free(cfg);
    release_lock(lock);
    return exit_code;
}
