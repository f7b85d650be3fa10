/* docmap.h — how a record becomes a Xapian document, driven by the field
 * table (schema/fields.def): which terms, values and data. Shared by the
 * indexer and the readers that must form the same terms (identifier
 * lookups, relation lookups, filters). */
#ifndef SECSTD_DOCMAP_H
#define SECSTD_DOCMAP_H

#include <jansson.h>
#include <stddef.h>

#include "schema.h"
#include "status.h"
#include "xap.h"

/* prefix(field) + lower-cased value into buf; returns buf. Overlong terms
 * are fitted (xap_term_fit). */
char *secstd_term(secstd_field_id field, const char *value, char *buf, size_t len);

/* The identifier term value for any identifier text: canonical key when
 * secstd_ident_parse() recognises it, else the lower-cased, single-spaced
 * text. */
void secstd_ident_value(const char *text, const char *sdo_hint, char *buf, size_t len);

/* "YYYY[-MM[-DD]]" -> sortable "YYYYMMDD" (missing parts as 00). */
void secstd_date_key(const char *date, char out[9]);

/* ---- stored records ------------------------------------------------------
 * A document's data is its record in parts: "\x1eSR2", then the fields a
 * result list shows (SECSTD_HIT_KEYS: id, sdo, type, title, status, date,
 * url, group, abstract as strings; areas, aliases as arrays of strings) in
 * a length-prefixed binary layout that is read without a JSON parser,
 * then the relations section (u32 length, then the record's "relations"
 * object as compact JSON with sorted keys; length 0 when it has none),
 * then the rest of the record as compact JSON with sorted keys. A hit
 * field of another type stays in the JSON part. Layout of each hit field,
 * in order: one byte 0 (absent), 1 (string: u32 length, bytes) or 2
 * (array: u32 count, then each string as u32 length, bytes); integers
 * little-endian. Older layouts decode too: "\x1eSR1" (no relations
 * section: relations are in the JSON part) and data without a marker (a
 * whole JSON record). Parsing a whole record with jansson was a sixth of
 * searchd's CPU under load, and most of more-like-this's record reading
 * (bench/RESULTS.md). */

/* rec's stored form (malloc'ed, *len bytes; not NUL-terminated: lengths
 * hold NUL bytes), or NULL when out of memory. *head_len (unless NULL) is
 * the length of the marker, hit fields and relations section: the head
 * that the index keeps in a value slot of its own (xap_doc_set_data) and
 * that decodes alone with SECSTD_DECODE_HIT or SECSTD_DECODE_RELATIONS. */
char *secstd_record_encode(const json_t *rec, size_t *len, size_t *head_len);

enum {
    SECSTD_DECODE_HIT = 1,     /* only the hit fields (no JSON parse) */
    SECSTD_DECODE_SORTED = 2,  /* whole record, keys in sorted order as stored */
    SECSTD_DECODE_RELATIONS = 4, /* the hit fields and "relations" (whole
                                  * record for data older than SR2) */
};
/* 1 when the head of a document (its data up to head_len) is all that
 * secstd_record_decode needs for flags; 0 when it needs the whole data
 * (SECSTD_DECODE_RELATIONS on data older than SR2, whole records). */
int secstd_record_head_holds(const char *head, size_t len, unsigned flags);
/* The record of stored data (new reference), or NULL when the data is
 * malformed. flags 0: the whole record, keys in any order. */
json_t *secstd_record_decode(const char *data, size_t len, unsigned flags);

/* A run of bytes inside other data (not NUL-terminated). */
typedef struct secstd_slice {
    const char *s;
    size_t len;
} secstd_slice;

/* A search hit straight from the head of stored data (SR1/SR2 form),
 * without the record object of secstd_record_decode: a new object with
 * keys[0..nkeys-1] in that order, each the record's value (strings and
 * arrays of strings; JSON null for a field it lacks or one that is no
 * hit field). *abstract points into data at the abstract ("" when none;
 * not checked as UTF-8), and *aliases, unless aliases is NULL, gets the
 * aliases array (new reference) or NULL. NULL when data is malformed,
 * not in that form (a whole JSON record: use secstd_record_decode) or
 * holds a string that is not UTF-8. */
json_t *secstd_record_hit(const char *data, size_t len, const char *const *keys, size_t nkeys,
                          secstd_slice *abstract, json_t **aliases);

/* 1 when rec (with its final "areas") is a security standard: in at least
 * one technology area. Its document carries the scope term that every
 * search filters on unless widened. */
int secstd_doc_in_scope(const json_t *rec);

/* Fills doc from rec (which already carries its final "areas"). */
secstd_status secstd_doc_from_record(const json_t *rec, xap_doc *doc);
/* The same with the record's id key (secstd_ident_value of its id and sdo)
 * already computed. */
secstd_status secstd_doc_from_record_key(const json_t *rec, const char *key, xap_doc *doc);

#endif
