/* index.h — the published index as readers see it, and the layout of the
 * index directory.
 *
 * INDEX_DIR/gen-NNNNNN/   one Xapian database per generation (never
 *                          modified after publication)
 * INDEX_DIR/current        symlink -> gen-NNNNNN, replaced atomically by
 *                          rename(2): a reader sees the old or the new
 *                          generation, never a half-built one
 * INDEX_DIR/changes/NNNNNN.json  change report of each generation
 *
 * A secstd_index is one reader (one per thread: Xapian handles are not
 * thread-safe). secstd_index_refresh() notices a newly published generation
 * and reopens; calls that hit DatabaseModifiedError reopen and retry. */
#ifndef SECSTD_INDEX_H
#define SECSTD_INDEX_H

#include <jansson.h>
#include <stddef.h>

#include "status.h"
#include "xap.h"

/* Metadata keys written by the indexer (see schema/SCHEMA.md). */
#define SECSTD_META_SCHEMA "secstd.schema"
#define SECSTD_META_GENERATION "secstd.generation"
#define SECSTD_META_BUILT_AT "secstd.built_at"
#define SECSTD_META_RECORDS "secstd.records"

typedef struct secstd_index secstd_index;

/* Opens the current generation under index_dir. Returns SECSTD_OK,
 * SECSTD_ERR_NO_INDEX (nothing published yet), SECSTD_ERR_SCHEMA_VERSION
 * (written by another schema version), SECSTD_ERR_XAPIAN_*; detail in err. */
secstd_status secstd_index_open(const char *index_dir, secstd_index **out, char *err,
                                size_t errlen);
void secstd_index_free(secstd_index *idx);
/* Reopens if a new generation was published (then *changed = 1). */
secstd_status secstd_index_refresh(secstd_index *idx, int *changed);
/* Reopens the current generation unconditionally (after a modified error). */
secstd_status secstd_index_reopen(secstd_index *idx);
/* The Xapian handle of the open generation (borrowed). */
xap_db *secstd_index_db(secstd_index *idx);
unsigned secstd_index_generation(const secstd_index *idx);
unsigned secstd_index_doccount(const secstd_index *idx);
/* Unix time the open generation was built. */
long long secstd_index_built_at(const secstd_index *idx);
const char *secstd_index_dir(const secstd_index *idx);

/* Generation number "current" points to under index_dir, 0 if none. */
unsigned secstd_index_current_generation(const char *index_dir);

/* Looks up one standard by any identifier form ("X.509", "RFC 8446",
 * "ISO/IEC 9594-8"): canonical id first, then aliases. *record gets the
 * stored record plus "relations_resolved": every relation both ways, as
 * [{kind, label, id, found, title, sdo}], inverse links found by term
 * lookup. SECSTD_ERR_NOT_FOUND if no record. */
secstd_status secstd_index_get(secstd_index *idx, const char *ident, json_t **record);

/* More-like-this for the standard `ident`: up to limit similar standards,
 * other SDOs first, stated relations first and labelled, each with score
 * and the shared terms that explain it. */
secstd_status secstd_index_similar(secstd_index *idx, const char *ident, unsigned limit,
                                   json_t **out);

/* secstd_index_similar with options (bits):
 *   SECSTD_SIMILAR_NO_STATED  similarity only, no stated relations first
 *                             (the evaluation hides them this way; the
 *                             expansion never uses relation terms anyway)
 *   SECSTD_SIMILAR_OTHER_SDOS only standards of other bodies
 *   SECSTD_SIMILAR_ONE_PASS   every body ranked together by score
 * Similar (not stated) results also carry "similarity": their weight over
 * the weight the same query gives the standard itself (about 0..1,
 * comparable across standards), "date" and "areas". */
enum {
    SECSTD_SIMILAR_NO_STATED = 1u << 0,
    SECSTD_SIMILAR_OTHER_SDOS = 1u << 1,
    SECSTD_SIMILAR_ONE_PASS = 1u << 2,
};
secstd_status secstd_index_similar_flags(secstd_index *idx, const char *ident, unsigned limit,
                                         unsigned flags, json_t **out);

/* The taxonomy with counts: [{id,label,scope,count,by_sdo:{SDO:n}}]. */
secstd_status secstd_index_areas(secstd_index *idx, json_t **out);

/* The area x SDO matrix: {sdos:[...], areas:[{id,label,cells:{SDO:
 * {published:n, in_development:n, total:n}}, years:{YYYY:n}}]}. */
secstd_status secstd_index_coverage(secstd_index *idx, json_t **out);

#endif
