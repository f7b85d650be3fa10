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

/* Fills doc from rec (which already carries its final "areas"). */
secstd_status secstd_doc_from_record(const json_t *rec, xap_doc *doc);

#endif
