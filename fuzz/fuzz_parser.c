/* fuzz_parser.c — libFuzzer target for one listing parser of parsers.def.
 *
 * Built once per parser with -DFUZZ_PARSER="<name>" (fuzz/build.sh). The
 * input is a listing body exactly as an SDO site (or anyone between it and
 * us) could serve it. The parser must return a known status with a
 * NUL-terminated message, never crash, leak or read outside the body; the
 * records it produces are serialised and validated the way the crawl
 * driver does it (an invalid record is not a crash: the driver drops it).
 *
 * The body is copied into a buffer of exactly its length, so ASan catches
 * a parser that assumes NUL termination (parser.h says bodies are not). */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parser.h"
#include "record.h"

#ifndef FUZZ_PARSER
#error "build with -DFUZZ_PARSER=\"parser-name\""
#endif

static const secstd_parser *parser;
static int verbose; /* FUZZ_VERBOSE=1: print status and record count (checking seeds) */

/* ieee-titles only attaches editions to records already collected: give
 * it a few IEEE bases so its attach path runs. */
static void add_ieee_bases(secstd_collector *c)
{
    static const char *const ids[] = {"IEEE 802.1AE", "IEEE 802.11", "IEEE 1363", "IEEE 2030.5",
                                      "IEEE 1278.1", "IEEE 802.1X"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        json_t *rec = json_pack("{s:s, s:s, s:s, s:s}", "id", ids[i], "sdo", "IEEE", "type",
                                "Standard", "title", "A base standard");
        if (rec)
            secstd_collector_add(c, rec);
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    parser = secstd_parser_lookup(FUZZ_PARSER);
    if (!parser)
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* An exact-size copy (malloc(0) may return NULL: use size 1 then). */
    char *body = malloc(size ? size : 1);
    if (!body)
        return 0;
    if (size)
        memcpy(body, data, size);
    secstd_collector *c = secstd_collector_new();
    if (!c) {
        free(body);
        return 0;
    }
    if (strcmp(FUZZ_PARSER, "ieee-titles") == 0)
        add_ieee_bases(c);
    secstd_parse_input in = {body, size, "https://example.org/listing", FUZZ_PARSER};
    char err[512];
    memset(err, 'x', sizeof err);
    err[0] = '\0';
    secstd_status st = parser->parse(&in, c, err, sizeof err);
    if (verbose)
        fprintf(stderr, "%s: %s, %zu record(s)%s%s\n", FUZZ_PARSER, secstd_status_to_string(st),
                secstd_collector_count(c), err[0] ? ": " : "", err);
    if (memchr(err, '\0', sizeof err) == NULL)
        abort(); /* message not terminated */
    if (secstd_status_to_string(st) == NULL)
        abort();
    if (st == SECSTD_OK) {
        json_t *recs = secstd_collector_records(c);
        size_t i;
        json_t *rec;
        json_array_foreach(recs, i, rec) {
            char verr[300];
            (void)secstd_record_validate(rec, verr, sizeof verr);
            char *line = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS);
            free(line);
        }
        json_decref(recs);
    }
    secstd_collector_free(c);
    free(body);
    return 0;
}
