/* cmd_index.c — `secstd index`: records -> a new, atomically published
 * index generation, with a summary and a non-zero exit when lines were
 * rejected. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "build.h"
#include "commands.h"
#include "common.h"

static void help(FILE *out)
{
    fprintf(out,
            "usage: secstd index [--data DIR] [--records DIR] [--index DIR] [--keep N] [--full]\n"
            "                    [--quiet] [--json]\n\n"
            "Reads every DATA/records/*.jsonl, validates each line (bad lines are reported as\n"
            "FILE:LINE: reason and skipped), assigns technology areas, and publishes a new\n"
            "index generation in DATA/index atomically. Unchanged records are not re-indexed;\n"
            "when nothing changed, nothing is published.\n\n"
            "  --data DIR     data directory (default $SECSTD_DATA or ./var)\n"
            "  --records DIR  records directory (default DATA/records)\n"
            "  --index DIR    index directory (default DATA/index)\n"
            "  --keep N       generations to keep (default 3)\n"
            "  --full         rebuild from scratch and always publish\n"
            "  --allow-removals  publish even when more than half of the standards would\n"
            "                 go at once (refused otherwise: an emptied records file?)\n"
            "  --quiet        no progress or summary\n"
            "  --json         print the summary as JSON (\"stages\": seconds by stage)\n\n"
            "The summary ends with the wall time of each stage: read (the records files),\n"
            "classify (areas, digests), compare (with the current generation, copied when\n"
            "it is updated), write (the documents), merge (a fresh build's shards, written\n"
            "in parallel), finish (facet tables, heads file, sync, publication).\n\n"
            "A bad records line is named as FILE:LINE: reason and the rest is indexed;\n"
            "while lines are rejected, no standard of the current generation is removed\n"
            "(the bad line may hold it): it is kept as it was until the line is fixed.\n\n"
            "Exit status: 0 published or up to date, 1 some lines were rejected,\n"
            "2 nothing could be published.\n");
}

int cmd_index(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'},   {"records", required_argument, NULL, 'r'},
        {"index", required_argument, NULL, 'i'},  {"keep", required_argument, NULL, 'k'},
        {"full", no_argument, NULL, 'f'},         {"quiet", no_argument, NULL, 'q'},
        {"json", no_argument, NULL, 'j'},         {"help", no_argument, NULL, 'h'},
        {"allow-removals", no_argument, NULL, 'A'}, {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *records = NULL, *index = NULL;
    int quiet = 0, json = 0;
    secstd_build_opts opts;
    secstd_build_opts_init(&opts);
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:r:i:k:fqjh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'r': records = optarg; break;
        case 'i': index = optarg; break;
        case 'k': {
            char *end;
            long k = strtol(optarg, &end, 10);
            if (*end || k < 1 || k > 1000) {
                fprintf(stderr, "secstd index: --keep needs a number from 1 to 1000\n");
                return 2;
            }
            opts.keep = (unsigned)k;
            break;
        }
        case 'f': opts.full = 1; break;
        case 'A': opts.allow_removals = 1; break;
        case 'q': quiet = 1; break;
        case 'j': json = 1; break;
        case 'h': help(stdout); return 0;
        default: help(stderr); return 2;
        }
    }
    char rbuf[4096], ibuf[4096];
    data = cli_data_dir(data);
    opts.records_dir = records ? records : cli_data_path(data, "records", rbuf, sizeof rbuf);
    opts.index_dir = index ? index : cli_data_path(data, "index", ibuf, sizeof ibuf);
    opts.progress = (!quiet && !json && cli_is_tty(2)) ? stderr : NULL;
    opts.errors = stderr;

    secstd_build_summary sum;
    char err[1024] = "";
    secstd_status st = secstd_build(&opts, &sum, err, sizeof err);
    if (st != SECSTD_OK) {
        fprintf(stderr, "secstd index: %s (%s)\n", err, secstd_status_to_string(st));
        json_decref(sum.changes);
        return 2;
    }
    if (json) {
        json_t *o = json_pack("{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:i,s:b,s:f}", "read", (json_int_t)sum.read,
                              "rejected", (json_int_t)sum.rejected, "merged", (json_int_t)sum.merged,
                              "indexed", (json_int_t)sum.indexed, "unchanged",
                              (json_int_t)sum.unchanged, "removed", (json_int_t)sum.removed,
                              "kept", (json_int_t)sum.kept,
                              "generation", (int)sum.generation, "published", sum.published,
                              "seconds", sum.seconds);
        json_object_set_new(o, "stages", secstd_build_stages_json(&sum));
        json_object_set_new(o, "shards", json_integer(sum.shards));
        char *s = json_dumps(o, JSON_INDENT(2) | JSON_SORT_KEYS);
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(o);
    } else if (!quiet) {
        char kept[96] = "";
        if (sum.kept)
            snprintf(kept, sizeof kept, ", kept %lu (not in the records while lines were rejected)",
                     sum.kept);
        printf("records read %lu, rejected %lu, merged %lu; documents indexed %lu, unchanged %lu, "
               "removed %lu%s; %s generation %u in %.2f s\n",
               sum.read, sum.rejected, sum.merged, sum.indexed, sum.unchanged, sum.removed, kept,
               sum.published ? "published" : "nothing changed, still serving", sum.generation,
               sum.seconds);
        /* Where the time went, stage by stage (build.h). */
        printf("stages:");
        for (int k = 0; k < SECSTD_STAGE_COUNT; k++)
            printf("%s %s %.2f s", k ? "," : "", secstd_build_stage_name((secstd_build_stage)k),
                   sum.stages[k]);
        if (sum.shards)
            printf(" (%u document shards and a spelling shard)", sum.shards - 1);
        printf("\n");
    }
    json_decref(sum.changes);
    return sum.rejected ? 1 : 0;
}
