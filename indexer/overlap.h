/* overlap.h — cross-body overlap clusters of one technology area: groups
 * of standards from two or more bodies that cover the same subject, so an
 * SG17 coordinator sees duplication (and common texts) at a glance.
 *
 * Method (docs/OVERLAP.md has the reasoning and the figures):
 *   1. stated links first: every identical-text, transposition, adoption
 *      (and any other stated relation across bodies) of a standard in the
 *      area joins the two standards, whatever the partner's own areas; a
 *      twin known only as an alias of a record ("ISO/IEC 9594-8" of ITU-T
 *      X.509) is a member too;
 *   2. then similarity: for each standard of the area, its nearest
 *      standards of other bodies in the same area (the same Xapian
 *      relevance-set expansion as secstd_index_similar, free-text terms
 *      only), kept when their similarity (weight relative to the
 *      standard's own, see index.h) is at least SECSTD_OVERLAP_FLOOR;
 *      an edge needs both ways (mutual nearest neighbours) and a geometric
 *      mean of the two similarities of SECSTD_OVERLAP_THRESHOLD;
 *   3. edges strongest first, union-find with a size cap so that chains of
 *      merely related texts do not swallow an area;
 *   4. clusters with members of at least two bodies are kept and labelled
 *      by the expansion terms of their members together. */
#ifndef SECSTD_OVERLAP_H
#define SECSTD_OVERLAP_H

#include <jansson.h>

#include "index.h"
#include "status.h"

/* Neighbours of other bodies considered per standard, the similarity a
 * neighbour needs one way and an edge both ways (geometric mean), and the
 * largest cluster similarity edges may build. */
#define SECSTD_OVERLAP_NEIGHBOURS 5
#define SECSTD_OVERLAP_FLOOR 0.15
#define SECSTD_OVERLAP_THRESHOLD 0.30
#define SECSTD_OVERLAP_MAX_CLUSTER 12

/* Overlap clusters of area (an id of schema/taxonomy.def), at most limit
 * clusters (0: 50; at most 1000), most bodies first. *out (new reference,
 * NULL on failure):
 *   {area, label, standards: n in the area, clusters_total, method:{...},
 *    clusters: [{label, terms:[...], sdos:[...], stated: bool,
 *                members: [{id, sdo, title, status, date, in_area, found,
 *                           relation: "identical_to"|...|"similar",
 *                           score, links:[{id, kind, score}]}]}]}
 * A member's relation/score is its strongest link inside the cluster
 * (stated links score 1). Returns SECSTD_OK, SECSTD_ERR_NOT_FOUND (unknown
 * area), SECSTD_ERR_NOMEM, SECSTD_ERR_XAPIAN_* (MODIFIED: reopen, retry). */
secstd_status secstd_index_overlap(secstd_index *idx, const char *area, unsigned limit,
                                   json_t **out);

#endif
