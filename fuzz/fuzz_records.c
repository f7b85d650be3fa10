/* fuzz_records.c — libFuzzer target for the records JSON Lines reader
 * (schema/record.h) and what the indexer does with each record it accepts:
 * classify it (indexer/classify.h) and map it to a Xapian document
 * (indexer/docmap.h), without a database.
 *
 * The reader opens a path, so each input is written to one temporary file
 * made at start-up (in $TMPDIR) and removed at exit. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "docmap.h"
#include "record.h"
#include "xap.h"

static char path[4096];

static void remove_file(void) { unlink(path); }

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *tmp = getenv("TMPDIR");
    snprintf(path, sizeof path, "%s/secstd-fuzz-records.XXXXXX", tmp && *tmp ? tmp : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    close(fd);
    atexit(remove_file);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    if (size && fwrite(data, 1, size, f) != size)
        abort();
    if (fclose(f) != 0)
        abort();
    secstd_records_reader *r = NULL;
    char err[512];
    if (secstd_records_reader_open(path, &r, err, sizeof err) != SECSTD_OK)
        abort();
    for (unsigned guard = 0; guard < 100000; guard++) {
        json_t *rec = NULL;
        secstd_status st = secstd_records_reader_next(r, &rec);
        if (st == SECSTD_OK && !rec)
            break;
        if (st != SECSTD_OK) {
            if (rec)
                abort();
            const char *e = secstd_records_reader_error(r);
            if (!e || !*e)
                abort();
            if (st == SECSTD_ERR_IO)
                break;
            continue;
        }
        (void)secstd_records_reader_line(r);
        json_t *areas = secstd_classify(rec);
        if (areas)
            json_object_set_new(rec, "areas", areas);
        xap_doc *doc = xap_doc_new();
        if (doc) {
            (void)secstd_doc_from_record(rec, doc);
            xap_doc_free(doc);
        }
        json_decref(rec);
    }
    secstd_records_reader_free(r);
    return 0;
}
