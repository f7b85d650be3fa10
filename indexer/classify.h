/* classify.h — assigns technology areas (schema/taxonomy.def) to a record.
 *
 * Evidence: the area's phrases (case-insensitive) and acronyms
 * (case-sensitive) found as whole tokens in the title (weight 3), keywords
 * (2) and abstract (1), each phrase counted once per field; and the area's
 * source hints matched against the record's group (weight 3). An area with
 * a score of 3 or more is assigned. A record gets areas only if it is about
 * security at all (a security word in its text, a security group or ICS
 * hint, or an area hint from its source): most RFCs about HTTP are not web
 * security standards. Areas a source gave in "areas" are kept. */
#ifndef SECSTD_CLASSIFY_H
#define SECSTD_CLASSIFY_H

#include <jansson.h>

/* The area ids for rec, as a new JSON array (taxonomy order). Never NULL
 * unless out of memory. */
json_t *secstd_classify(const json_t *rec);

/* Per-area scores for rec into scores[secstd_area_count()] (for the
 * evaluation script and tests). Returns 1 if the security gate passed. */
int secstd_classify_scores(const json_t *rec, int *scores);

#endif
