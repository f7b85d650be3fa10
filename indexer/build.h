/* build.h — the indexer: records/<source>.jsonl -> a new index generation.
 *
 * It reads every records file, validates each line (a bad line is reported
 * as FILE:LINE: reason and skipped), merges records of the same standard
 * that several sources describe, assigns technology areas (classify.h),
 * and writes a new generation: a copy of the current one updated in place
 * (unchanged records are detected by digest and not rewritten; records that
 * disappeared are deleted), or a fresh database. The generation is then
 * published atomically (index.h) and old generations beyond `keep` are
 * removed. A crash at any point leaves the previous generation serving. */
#ifndef SECSTD_BUILD_H
#define SECSTD_BUILD_H

#include <jansson.h>
#include <stdio.h>

#include "status.h"

/* Below this many standards a generation may lose more than half at once
 * (small test or fresh data dirs). */
#define SECSTD_BUILD_REMOVAL_MIN 100

typedef struct secstd_build_opts {
    const char *records_dir;   /* DATA/records */
    const char *index_dir;     /* DATA/index */
    unsigned keep;             /* generations kept, >= 1 (default 3) */
    int full;                  /* 1: rebuild from scratch, ignore digests */
    int force_publish;         /* 1: publish even when nothing changed */
    int allow_removals;        /* 1: publish even when more than half of the
                                * index (of SECSTD_BUILD_REMOVAL_MIN or more
                                * standards) would be removed at once */
    FILE *progress;            /* progress lines (a terminal) or NULL */
    FILE *errors;              /* bad-line reports or NULL */
} secstd_build_opts;

/* The stages of a run, in the order they run. */
typedef enum secstd_build_stage {
    SECSTD_STAGE_READ,       /* reading and validating the records files */
    SECSTD_STAGE_CLASSIFY,   /* technology areas and digest of every record
                              * (after opening the current generation and,
                              * when lines were rejected, reading from it
                              * the standards they may hold) */
    SECSTD_STAGE_COMPARE,    /* against the current generation (and copying
                              * it, when it is updated in place) */
    SECSTD_STAGE_WRITE,      /* writing the documents: every writer, every shard */
    SECSTD_STAGE_MERGE,      /* merging a fresh build's shards into one database
                              * (0 with one writer) */
    SECSTD_STAGE_FINISH,     /* metadata, facet tables, heads file, sync,
                              * change report, publication */
    SECSTD_STAGE_COUNT
} secstd_build_stage;

/* "read", "classify", "compare", "write", "merge", "finish"; NULL past the last. */
const char *secstd_build_stage_name(secstd_build_stage stage);

typedef struct secstd_build_summary {
    unsigned long read;        /* records read (valid lines) */
    unsigned long rejected;    /* bad lines */
    unsigned long merged;      /* records folded into another source's record */
    unsigned long indexed;     /* documents added or replaced */
    unsigned long unchanged;   /* documents left as they were */
    unsigned long removed;     /* documents deleted */
    unsigned shards;           /* databases merged into the generation (the
                                * spelling shard one of them); 0: one writer */
    unsigned long kept;        /* standards missing from the records while
                                * lines were rejected, kept as the current
                                * generation has them */
    unsigned generation;       /* published generation (or current if none) */
    int published;             /* 1 if a new generation was published */
    double seconds;
    double stages[SECSTD_STAGE_COUNT];   /* wall seconds of each stage; they
                                          * add up to `seconds` (stages not
                                          * reached: 0) */
    json_t *changes;           /* change report (added/changed/removed ids), new ref */
} secstd_build_summary;

void secstd_build_opts_init(secstd_build_opts *opts);
/* 1 when generation g under index_dir was completed: its change report is
 * written just before it is published. A generation directory without one
 * was left by a run that did not finish. */
int secstd_generation_completed(const char *index_dir, unsigned g);
/* summary->stages as a JSON object {"read": seconds, ...}, new ref (NULL
 * when out of memory). */
json_t *secstd_build_stages_json(const secstd_build_summary *summary);
/* Runs the indexer. Returns SECSTD_OK (bad lines are counted in
 * summary->rejected, not an error), or an error with detail in err when no
 * generation could be published. summary->changes must be json_decref'd. */
secstd_status secstd_build(const secstd_build_opts *opts, secstd_build_summary *summary,
                           char *err, size_t errlen);

#endif
