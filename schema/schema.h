/* schema.h — the single source of truth, as C tables: the field table
 * (fields.def), the SDO registry (sdos.def), the technology-area taxonomy
 * (taxonomy.def), the synonym table (synonyms.def) and the record status
 * vocabulary. Everything here is static data: lookups borrow pointers that
 * stay valid for the life of the process. */
#ifndef SECSTD_SCHEMA_H
#define SECSTD_SCHEMA_H

#include <stddef.h>

/* Written by the indexer into the database metadata key "secstd.schema",
 * checked by every reader. Bump when terms, slots or the record change.
 * 2: the head of each document's data in a value slot (XAP_HEAD_SLOT);
 * version 1 indexes still read (their documents hold all of it as data).
 * 3: the abstract's prefixed copy holds stems only and authors no stems
 * (fields.def, "stem"); version 2 and 1 indexes, which hold both, still
 * read. 4: the stored record's head holds its relations (layout SR2,
 * indexer/docmap.h); the SR1 records of older indexes still decode.
 * Readers of an older version refuse a newer one instead of misreading
 * it. */
#define SECSTD_SCHEMA_VERSION "4"
/* The oldest version this program still reads: it reads that one to
 * SECSTD_SCHEMA_VERSION. */
#define SECSTD_SCHEMA_VERSION_OLDEST "1"

typedef enum secstd_field_kind {
    SECSTD_KIND_TEXT,
    SECSTD_KIND_BOOLEAN,
    SECSTD_KIND_IDENT,
    SECSTD_KIND_UNIQUE,
    SECSTD_KIND_NONE,
} secstd_field_kind;

/* Which terms a TEXT field's prefixed copy holds (fields.def, "stem"). */
typedef enum secstd_field_stem {
    SECSTD_STEM_SOME,   /* words as typed and their stems (Xapian's STEM_SOME) */
    SECSTD_STEM_ALL,    /* stems only, no positions */
    SECSTD_STEM_NONE,   /* words only, no stems */
} secstd_field_stem;

typedef enum secstd_field_id {
#define FIELD(E, name, prefix, kind, weight, stem, slot, maxlen, facet, help) SECSTD_FIELD_##E,
#include "fields.def"
#undef FIELD
    SECSTD_FIELD_COUNT
} secstd_field_id;

typedef struct secstd_field {
    secstd_field_id id;
    const char *name;       /* what users type before ':' */
    const char *prefix;     /* Xapian term prefix ("" for value-only) */
    secstd_field_kind kind;
    unsigned weight;        /* wdf increment for TEXT */
    secstd_field_stem stem; /* terms of a TEXT field's prefixed copy */
    int slot;               /* value slot or -1 */
    size_t maxlen;
    int facet;
    const char *help;
} secstd_field;

/* The field with this id; never NULL for a valid id. */
const secstd_field *secstd_field_get(secstd_field_id id);
/* The field users call `name` (case-insensitive), or NULL. */
const secstd_field *secstd_field_by_name(const char *name);

typedef struct secstd_sdo {
    const char *name;       /* canonical: "ITU-T" */
    const char *aliases;    /* '|'-separated, lower-case */
    const char *url;
    const char *full_name;
} secstd_sdo;

size_t secstd_sdo_count(void);
const secstd_sdo *secstd_sdo_at(size_t i);
/* Canonical SDO for a name or alias (case-insensitive), or NULL. */
const secstd_sdo *secstd_sdo_lookup(const char *name);

typedef struct secstd_area {
    const char *id;
    const char *label;
    const char *scope;
    const char *phrases;    /* '|'-separated, lower-case */
    const char *acronyms;   /* '|'-separated, case-sensitive */
    const char *hints;      /* '|'-separated "group:<name>" */
} secstd_area;

size_t secstd_area_count(void);
const secstd_area *secstd_area_at(size_t i);
/* The area with this id (case-insensitive), or NULL. */
const secstd_area *secstd_area_lookup(const char *id);

typedef struct secstd_synonym {
    const char *term;        /* lower-case word or phrase */
    const char *expansions;  /* '|'-separated */
} secstd_synonym;

size_t secstd_synonym_count(void);
const secstd_synonym *secstd_synonym_at(size_t i);
/* The synonym entry for a lower-case term, or NULL. */
const secstd_synonym *secstd_synonym_lookup(const char *term);

/* The record status vocabulary, in display order. */
size_t secstd_record_status_count(void);
const char *secstd_record_status_at(size_t i);
/* 1 if s is one of the statuses, else 0. */
int secstd_record_status_valid(const char *s);

/* Calls fn for each '|'-separated item of list (items are not
 * NUL-terminated: use len). Stops early and returns 1 when fn returns
 * non-zero; returns 0 otherwise. */
int secstd_list_each(const char *list, int (*fn)(void *ctx, const char *item, size_t len), void *ctx);

#endif
