/* main.c — the `secstd` command: a table of subcommands, each in its own
 * cli/cmd_<name>.c. */
#include <stdio.h>
#include <string.h>

#include "allocator.h"
#include "deflate_level.h"
#include "commands.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
#ifdef SECSTD_HAVE_CRAWL
    {"crawl", cmd_crawl, "fetch the bodies' listings into DATA/records/<source>.jsonl"},
    {"refresh", cmd_refresh, "the nightly job: crawl, index what changed, publish (locked)"},
#endif
    {"index", cmd_index, "build and publish a new index generation from DATA/records"},
    {"search", cmd_search, "search the published index"},
    {"areas", cmd_areas, "list the technology areas (with counts when an index exists)"},
    {"fields", cmd_fields, "list the searchable fields (field:value syntax)"},
    {"generations", cmd_generations, "list the index generations kept on disk"},
    {"rollback", cmd_rollback, "serve an older index generation"},
    {"show", cmd_show, "one standard with its relations resolved both ways"},
    {"similar", cmd_similar, "the most similar standards, other bodies first"},
    {"overlap", cmd_overlap, "cross-body overlap clusters of a technology area"},
    {"coverage", cmd_coverage, "the area x SDO coverage (gap) map"},
    {"eval", cmd_eval, "evaluate similarity (relation recovery) and the area classifier"},
};

static void usage(FILE *out)
{
    fprintf(out, "usage: secstd COMMAND [OPTIONS] [ARGS]\n\n"
                 "secstd builds and searches a database of ICT security standards.\n\n"
                 "Commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun `secstd COMMAND --help` for a command's options.\n"
                 "Data lives in --data DIR, $SECSTD_DATA, or ./var (records/, index/, state/).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        usage(stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        char alloc[128], deflate[64];
        printf("secstd 0.1.0 (%s; index written with %s)\n", secstd_allocator(alloc, sizeof alloc),
               secstd_index_compression(deflate, sizeof deflate));
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "secstd: unknown command \"%s\"\n\n", argv[1]);
    usage(stderr);
    return 2;
}
