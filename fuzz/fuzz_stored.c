/* fuzz_stored.c — libFuzzer target for the stored record layout
 * (indexer/docmap.h): secstd_record_decode of arbitrary data with each
 * flag, as searchd reads a document's data.
 *
 * Checked: a whole record that decodes is an object whose re-encoding
 * decodes to an equal record (also sorted); the hit fields alone, and
 * with the relations, when they decode, agree with the whole record's. */
#include <stdint.h>
#include <stdlib.h>

#include "docmap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *text = (const char *)data;
    json_t *hit = secstd_record_decode(text, size, SECSTD_DECODE_HIT);
    json_t *rel = secstd_record_decode(text, size, SECSTD_DECODE_RELATIONS);
    json_t *rec = secstd_record_decode(text, size, 0);
    if (rec) {
        if (!json_is_object(rec))
            abort();
        size_t len = 0;
        char *again = secstd_record_encode(rec, &len, NULL);
        if (!again)
            abort();
        json_t *back = secstd_record_decode(again, len, 0);
        json_t *sorted = secstd_record_decode(again, len, SECSTD_DECODE_SORTED);
        if (!back || !json_equal(back, rec) || !sorted || !json_equal(sorted, rec))
            abort();
        const char *key;
        json_t *v;
        json_object_foreach(hit, key, v) {
            if (!json_equal(v, json_object_get(rec, key)))
                abort();
        }
        json_object_foreach(rel, key, v) {
            if (!json_equal(v, json_object_get(rec, key)))
                abort();
        }
        json_decref(back);
        json_decref(sorted);
        free(again);
    }
    json_decref(rec);
    json_decref(rel);
    json_decref(hit);
    return 0;
}
