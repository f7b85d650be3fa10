/* commands.h — the subcommands of `secstd`. Each lives in cli/cmd_<name>.c
 * and is listed once in the table of cli/main.c. A command parses its own
 * options (getopt_long), prints --help, and returns the process exit
 * status. */
#ifndef SECSTD_COMMANDS_H
#define SECSTD_COMMANDS_H

int cmd_index(int argc, char **argv);    /* records -> new index generation */
int cmd_search(int argc, char **argv);   /* query the published index */
int cmd_crawl(int argc, char **argv);    /* listings -> records/<source>.jsonl */
int cmd_refresh(int argc, char **argv);  /* crawl + index + publish, locked */
int cmd_areas(int argc, char **argv);    /* the taxonomy with counts */
int cmd_fields(int argc, char **argv);   /* the field table */
int cmd_generations(int argc, char **argv); /* list kept index generations */
int cmd_rollback(int argc, char **argv);    /* serve an older generation */
int cmd_overlap(int argc, char **argv);     /* cross-body overlap clusters of an area */
int cmd_coverage(int argc, char **argv);    /* area x SDO gap map */
int cmd_show(int argc, char **argv);        /* one standard, relations both ways */
int cmd_similar(int argc, char **argv);     /* more-like-this across bodies */
int cmd_eval(int argc, char **argv);        /* relation recovery and classifier figures */

#endif
