/* cmd_generations.c — `secstd generations` lists the index generations
 * kept on disk; `secstd rollback [--to N]` points `current` back to an
 * older one (atomically, like a publication), for when a refresh published
 * something wrong. searchd picks the change up on its next request. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "build.h"
#include "index.h"

static int cmp_uint(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

/* Generation numbers kept under index_dir, ascending; returns count. A
 * directory without its change report (written just before publication)
 * was left by a run that did not finish: not a generation to list or roll
 * back to (the next run removes it). */
static size_t list_generations(const char *index_dir, unsigned *out, size_t max)
{
    DIR *d = opendir(index_dir);
    if (!d)
        return 0;
    unsigned cur = secstd_index_current_generation(index_dir);
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)) && n < max) {
        unsigned g;
        char tail;
        if (sscanf(de->d_name, "gen-%u%c", &g, &tail) == 1 &&
            (g == cur || secstd_generation_completed(index_dir, g)))
            out[n++] = g;
    }
    closedir(d);
    qsort(out, n, sizeof *out, cmp_uint);
    return n;
}

static int parse_common(int argc, char **argv, const char **data, const char **index, unsigned *to,
                        const char *usage)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'}, {"index", required_argument, NULL, 'i'},
        {"to", required_argument, NULL, 't'},   {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:i:t:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': *data = optarg; break;
        case 'i': *index = optarg; break;
        case 't': {
            char *end;
            long v = strtol(optarg, &end, 10);
            if (!to || *end || v < 1 || v > 999999) {
                fprintf(stderr, "secstd: --to wants a generation number (see `secstd generations`), "
                                "not \"%s\"\n%s", optarg, usage);
                return 2;
            }
            *to = (unsigned)v;
            break;
        }
        case 'h': printf("%s", usage); return 1;
        default: fprintf(stderr, "%s", usage); return 2;
        }
    }
    return 0;
}

int cmd_generations(int argc, char **argv)
{
    const char *data = NULL, *index = NULL;
    static const char usage[] = "usage: secstd generations [--data DIR] [--index DIR]\n\n"
                                "Lists the index generations kept on disk; * marks the one served.\n\n"
                                "Exit status: 0 listed, 1 no generation yet, 2 bad usage.\n";
    int rc = parse_common(argc, argv, &data, &index, NULL, usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    char ibuf[4096];
    const char *dir = index ? index : cli_data_path(cli_data_dir(data), "index", ibuf, sizeof ibuf);
    unsigned gens[1024];
    size_t n = list_generations(dir, gens, 1024);
    unsigned cur = secstd_index_current_generation(dir);
    if (n == 0) {
        printf("no generations in %s\n", dir);
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        char path[4200];
        struct stat sb;
        snprintf(path, sizeof path, "%s/gen-%06u", dir, gens[i]);
        char when[32] = "?";
        if (stat(path, &sb) == 0)
            strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime(&sb.st_mtime));
        printf("%c %6u  %s\n", gens[i] == cur ? '*' : ' ', gens[i], when);
    }
    return 0;
}

int cmd_rollback(int argc, char **argv)
{
    const char *data = NULL, *index = NULL;
    unsigned to = 0;
    static const char usage[] =
        "usage: secstd rollback [--data DIR] [--index DIR] [--to N]\n\n"
        "Serves an older index generation: the one before the current, or N.\n"
        "The next `secstd refresh` publishes a new generation on top again.\n\n"
        "Exit status: 0 now serving it; 2 no index, no such or no older\n"
        "generation kept (the kept ones are listed), it does not open, or bad usage.\n";
    int rc = parse_common(argc, argv, &data, &index, &to, usage);
    if (rc)
        return rc == 1 ? 0 : rc;
    char ibuf[4096];
    const char *dir = index ? index : cli_data_path(cli_data_dir(data), "index", ibuf, sizeof ibuf);
    unsigned gens[1024];
    size_t n = list_generations(dir, gens, 1024);
    unsigned cur = secstd_index_current_generation(dir);
    unsigned target = 0;
    for (size_t i = 0; i < n; i++) {
        if (to ? gens[i] == to : gens[i] < cur)
            target = gens[i];
    }
    if (!cur) {
        fprintf(stderr, "secstd rollback: no index in %s (secstd index builds one)\n", dir);
        return 2;
    }
    if (!target) {
        fprintf(stderr, "secstd rollback: %s (current is %u; kept:", to ? "no such generation" : "no older generation kept", cur);
        for (size_t i = 0; i < n; i++)
            fprintf(stderr, " %u", gens[i]);
        fprintf(stderr, ")\n");
        return 2;
    }
    /* Check it opens before serving it. */
    char path[4200];
    snprintf(path, sizeof path, "%s/gen-%06u", dir, target);
    xap_db *db;
    if (xap_db_open(path, &db) != SECSTD_OK) {
        fprintf(stderr, "secstd rollback: generation %u cannot be opened: %s\n", target, xap_last_error());
        return 2;
    }
    xap_db_free(db);
    char tmp[4200], link[4200], name[32];
    snprintf(name, sizeof name, "gen-%06u", target);
    snprintf(tmp, sizeof tmp, "%s/current.tmp.%ld", dir, (long)getpid());
    snprintf(link, sizeof link, "%s/current", dir);
    unlink(tmp);
    if (symlink(name, tmp) != 0 || rename(tmp, link) != 0) {
        fprintf(stderr, "secstd rollback: %s: %s\n", link, strerror(errno));
        unlink(tmp);
        return 2;
    }
    printf("now serving generation %u (was %u)\n", target, cur);
    return 0;
}
