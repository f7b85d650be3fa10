/* cmd_crawl.c — `secstd crawl`: fetch the bodies' listings into
 * DATA/records/<source>.jsonl. Option parsing, progress and the summary
 * table only; the crawl itself is secstd_crawl_run() (crawlers/crawl.h),
 * which `secstd refresh` shares. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "config.h"
#include "crawl.h"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: secstd crawl [--data DIR] [--config FILE] [--mirror DIR | --base-url URL]\n"
            "                    [--force] [--json] [--quiet] [SOURCE...]\n"
            "\n"
            "Fetches each source's listing, parses it and writes DATA/records/<source>.jsonl\n"
            "atomically. A source that fails (network, HTTP error, parse error, or a record\n"
            "count that drops by more than max_drop) keeps its previous records file\n"
            "untouched. A source with nothing new upstream (HTTP 304 or the same content)\n"
            "is \"unchanged\": not parsed, not rewritten. With no SOURCE, every enabled\n"
            "source is crawled.\n"
            "\n"
            "Options:\n"
            "  --data DIR      data directory (default: config data_dir, $SECSTD_DATA, ./var);\n"
            "                  records in DIR/records, crawl state in DIR/state/crawl-state.json\n"
            "  --config FILE   configuration file (default $SECSTD_CONFIG; see docs/CONFIG.md)\n"
            "  --mirror DIR    read every source from a local mirror, file://DIR/<path>\n"
            "                  (e.g. ../shared/data/sdo; default $SECSTD_MIRROR); overrides\n"
            "                  [crawl] mirror\n"
            "  --base-url URL  read every source from URL/<path> (a mirror served over HTTP)\n"
            "  --force         fetch and parse even when upstream is unchanged\n"
            "  --json          print a machine-readable report on stdout\n"
            "  --quiet         no progress lines, only failures and the summary\n"
            "  --help          this text\n"
            "\n"
            "Exit status: 0 every source fetched or unchanged (skipped ones aside),\n"
            "1 some sources failed (their previous records kept), 2 nothing usable\n"
            "(no source fetched or unchanged) or a usage/config error.\n"
            "\n"
            "Without --mirror, --base-url or $SECSTD_MIRROR the live URLs below are\n"
            "fetched. Sources marked (mirror) are aggregates of Relaton datasets or bulk\n"
            "deliveries with no single public listing: on a machine that cannot reach the\n"
            "bodies' sites, or for those sources, use --mirror ../shared/data/sdo.\n"
            "\n"
            "Sources (name, SDO, parser, help; then live URL and mirror path):\n");
    for (size_t i = 0; i < secstd_source_count(); i++) {
        const secstd_source *s = secstd_source_at(i);
        fprintf(out, "  %-13s %-8s %-13s %s\n", s->name, s->sdo, s->parser, s->help);
        size_t ulen = strcspn(s->live_urls, "|");
        size_t plen = strcspn(s->mirror_paths, "|");
        fprintf(out, "  %13s live:   %.*s%s\n", "", (int)ulen, *s->live_urls ? s->live_urls : "(none)",
                s->live_urls[ulen] ? " ..." : "");
        fprintf(out, "  %13s mirror: %.*s%s\n", "", (int)plen, s->mirror_paths,
                s->mirror_paths[plen] ? " ..." : "");
    }
}

typedef struct progress_ctx {
    int tty;
    int quiet;
    int json;
} progress_ctx;

static void on_progress(void *vctx, const secstd_source_report *r)
{
    progress_ctx *p = vctx;
    FILE *out = stderr;
    if (r->outcome == SECSTD_CRAWL_RUNNING) {
        if (p->quiet)
            return;
        if (p->tty) {
            /* "name ..." then, while it retries, what it is waiting for */
            fprintf(out, "\r\033[K%-13s ...%s%s", r->source->name, *r->reason ? " " : "", r->reason);
            fflush(out);
        } else if (*r->reason && !p->json) {
            fprintf(out, "%-13s %s\n", r->source->name, r->reason);
        }
        return;
    }
    if (p->quiet && r->outcome != SECSTD_CRAWL_FAILED)
        return;
    if (p->tty && !p->quiet)
        fputs("\r\033[K", out);
    else if (p->json && r->outcome != SECSTD_CRAWL_FAILED)
        return;   /* non-terminal + --json: the report says it all */
    fprintf(out, "%-13s %-9s %7zu records %6.1fs%s%s\n", r->source->name,
            secstd_crawl_outcome_name(r->outcome), r->records, r->seconds, *r->reason ? "  " : "",
            r->reason);
}

static void summary(FILE *out, const secstd_crawl_report *rep, int local)
{
    size_t counts[5] = {0};
    size_t records = 0;
    fprintf(out, "\n%-13s %-8s %-9s %8s %8s %7s %7s  %s\n", "SOURCE", "SDO", "OUTCOME", "RECORDS",
            "BEFORE", "INVALID", "TIME", "REASON");
    for (size_t i = 0; i < rep->n; i++) {
        const secstd_source_report *r = &rep->sources[i];
        counts[r->outcome]++;
        records += r->records;
        char before[24];
        if (r->previous_records >= 0)
            snprintf(before, sizeof before, "%ld", r->previous_records);
        else
            snprintf(before, sizeof before, "-");
        fprintf(out, "%-13s %-8s %-9s %8zu %8s %7zu %6.1fs  %s\n", r->source->name, r->source->sdo,
                secstd_crawl_outcome_name(r->outcome), r->records, before, r->invalid, r->seconds,
                r->reason);
    }
    fprintf(out, "\n%zu fetched, %zu unchanged, %zu failed, %zu skipped; %zu records; %.1fs\n",
            counts[SECSTD_CRAWL_FETCHED], counts[SECSTD_CRAWL_UNCHANGED], counts[SECSTD_CRAWL_FAILED],
            counts[SECSTD_CRAWL_SKIPPED], records, rep->seconds);
    if (*rep->warning)
        fprintf(out, "warning: %s\n", rep->warning);
    if (counts[SECSTD_CRAWL_FAILED] && !local)
        fprintf(out, "Failed sources kept their previous records. If this machine cannot reach the\n"
                     "bodies' sites, crawl a local mirror: secstd crawl --mirror ../shared/data/sdo\n");
}

int cmd_crawl(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},   {"config", required_argument, NULL, 'c'},
        {"mirror", required_argument, NULL, 'm'}, {"base-url", required_argument, NULL, 'b'},
        {"force", no_argument, NULL, 'f'},        {"json", no_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *config_path = getenv("SECSTD_CONFIG"), *mirror = NULL, *base_url = NULL;
    int force = 0, json = 0, quiet = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:c:m:b:fjqh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'c': config_path = optarg; break;
        case 'm': mirror = optarg; break;
        case 'b': base_url = optarg; break;
        case 'f': force = 1; break;
        case 'j': json = 1; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default:
            fprintf(stderr, "Try `secstd crawl --help`.\n");
            return 2;
        }
    }
    if (mirror && base_url) {
        fprintf(stderr, "secstd crawl: --mirror and --base-url exclude each other\n");
        return 2;
    }
    /* As for refresh: $SECSTD_MIRROR unless --mirror or --base-url. */
    if (!mirror && !base_url && getenv("SECSTD_MIRROR") && *getenv("SECSTD_MIRROR"))
        mirror = getenv("SECSTD_MIRROR");
    char err[1024] = "";
    secstd_config *cfg = NULL;
    if (config_path && *config_path) {
        if (secstd_config_load(config_path, &cfg, err, sizeof err) != SECSTD_OK) {
            fprintf(stderr, "secstd crawl: %s\n", err);
            return 2;
        }
    }
    secstd_crawl_options o;
    if (secstd_crawl_options_init(&o, cfg, err, sizeof err) != SECSTD_OK) {
        fprintf(stderr, "secstd crawl: %s\n", err);
        secstd_config_free(cfg);
        return 2;
    }
    int data_from_config = cfg && secstd_config_get(cfg, NULL, "data_dir");
    o.data_dir = data ? data : data_from_config ? o.data_dir : cli_data_dir(NULL);
    if (mirror) {
        o.mirror = mirror;
        o.base_url = NULL;
    } else if (base_url) {
        o.base_url = base_url;
        o.mirror = NULL;
    }
    o.force = force;

    progress_ctx pc = {cli_is_tty(STDERR_FILENO), quiet, json};
    secstd_crawl_report *rep = NULL;
    secstd_status st = secstd_crawl_run(&o, (const char *const *)argv + optind, (size_t)(argc - optind),
                                        on_progress, &pc, &rep, err, sizeof err);
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd crawl: %s\n", *err ? err : secstd_status_to_string(st));
        secstd_config_free(cfg);
        return 2;
    }
    int status = secstd_crawl_report_exit_status(rep);
    if (json) {
        json_t *j = secstd_crawl_report_json(rep);
        char *s = j ? json_dumps(j, JSON_INDENT(2)) : NULL;
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(j);
    } else {
        summary(stdout, rep, o.mirror != NULL || o.base_url != NULL);
    }
    secstd_crawl_report_free(rep);
    secstd_config_free(cfg);
    return status;
}
