/* xap.h — the thin C wrapper over Xapian (the only C++ in secstd lives in
 * xap.cc). Opaque handles, _new/_free pairs (_free(NULL) is a no-op), every
 * fallible call returns a secstd_status, every C++ exception is caught at
 * this boundary and mapped: DatabaseModifiedError -> SECSTD_ERR_XAPIAN_MODIFIED,
 * DatabaseLockError -> SECSTD_ERR_XAPIAN_LOCK, DatabaseOpeningError (and
 * DatabaseNotFoundError) -> SECSTD_ERR_XAPIAN_OPENING, DatabaseCorruptError
 * -> SECSTD_ERR_XAPIAN_CORRUPT, QueryParserError -> SECSTD_ERR_QUERY_SYNTAX,
 * other Xapian::Error -> SECSTD_ERR_XAPIAN, std::bad_alloc ->
 * SECSTD_ERR_NOMEM, anything else -> SECSTD_ERR_UNKNOWN. The message of the
 * last failure in the calling thread is xap_last_error().
 *
 * Handles are not thread-safe (Xapian objects are not): one xap_db per
 * thread. Terms are passed fully formed (prefix + value); the field table
 * in schema/fields.def says which prefixes exist. */
#ifndef SECSTD_XAP_H
#define SECSTD_XAP_H

#include <stddef.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct xap_db xap_db;
typedef struct xap_writer xap_writer;
typedef struct xap_doc xap_doc;
typedef struct xap_query xap_query;
typedef struct xap_results xap_results;

/* Xapian terms longer than this are stored as a hash (xap_term_fit). */
#define XAP_MAX_TERM 240

/* Detail of the last failed xap_* call in this thread ("" if none). */
const char *xap_last_error(void);

/* Makes term fit Xapian's term length limit: terms longer than
 * XAP_MAX_TERM keep their prefix and first bytes and end in a hash of the
 * rest, so long identifiers stay unique. Writes to buf (size len). */
void xap_term_fit(const char *term, char *buf, size_t len);

/* ---- read-only database ------------------------------------------------ */

/* Opens the Xapian database at path read-only. */
secstd_status xap_db_open(const char *path, xap_db **out);
/* Moves to the latest committed revision (after DatabaseModifiedError). */
secstd_status xap_db_reopen(xap_db *db);
void xap_db_free(xap_db *db);
secstd_status xap_db_doccount(xap_db *db, unsigned *count);
/* Metadata value for key into *value (malloc'ed, "" when unset). */
secstd_status xap_db_get_metadata(xap_db *db, const char *key, char **value);
/* Number of documents indexed with term. */
secstd_status xap_db_termfreq(xap_db *db, const char *term, unsigned *freq);
/* Whether document docid holds term (*has 1/0): one skip in the posting
 * list, not a walk. */
secstd_status xap_db_has_term(xap_db *db, const char *term, unsigned docid, int *has);
/* Which of docids[0..n) (any order) hold term (has[i] 1/0): one walk of
 * its posting list for all of them. */
secstd_status xap_db_term_in_docs(xap_db *db, const char *term, const unsigned *docids, size_t n,
                                  int *has);
/* Calls fn for each document holding term, in docid order, until fn
 * returns non-zero. */
secstd_status xap_db_postings(xap_db *db, const char *term,
                              int (*fn)(void *ctx, unsigned docid), void *ctx);
/* The first document holding term in *docid (0 when none). */
secstd_status xap_db_first_posting(xap_db *db, const char *term, unsigned *docid);
/* Calls fn for each term starting with prefix (with its term frequency). */
secstd_status xap_db_terms(xap_db *db, const char *prefix,
                           int (*fn)(void *ctx, const char *term, unsigned freq), void *ctx);
/* A document's data is kept in two pieces (xap_doc_set_data): its head,
 * the part a result list reads, in value slot XAP_HEAD_SLOT, and the rest
 * as Xapian's document data. Glass inflates document data with zlib on
 * every read and keeps values as they are: reading the head of ten hits
 * from the value slot measured a third of the time of reading their data.
 * Field slots (schema/fields.def) must not use this one. */
#define XAP_HEAD_SLOT 15
/* The whole document data (head + rest; malloc'ed, NUL-terminated) of
 * docid. */
secstd_status xap_db_get_data(xap_db *db, unsigned docid, char **data, size_t *len);
/* Its head alone, or the whole data when it was stored without one. */
secstd_status xap_db_get_head(xap_db *db, unsigned docid, char **data, size_t *len);
/* The heads of a complete database copied into one file beside its tables,
 * which every handle opened on it reads a hit's head from (its offsets,
 * then its bytes: two small reads) instead of Xapian's value chunks (a
 * B-tree lookup and its blocks' decoding, often block reads, per hit). The
 * file names the database's UUID and revision; a handle uses it only
 * while they match, and reads from Xapian otherwise (an older generation
 * without the file, a file left from before a later commit, a damaged
 * file). */
#define XAP_HEADS_FILE "secstd.heads"
/* Writes path/XAP_HEADS_FILE from the database at path (closed by every
 * writer): through a temporary file renamed into place, not synced. */
secstd_status xap_heads_write(const char *path);
/* Docids the handle's heads file covers (last docid + 1), 0 when it reads
 * every head from Xapian. */
unsigned xap_db_heads(const xap_db *db);
/* Value slot of docid (malloc'ed, "" when empty). */
secstd_status xap_db_get_value(xap_db *db, unsigned docid, unsigned slot, char **value);
/* Phrase sets the handle holds (xap_query_parse, XAP_PARSE_PHRASE_SETS). */
size_t xap_db_phrase_sets(xap_db *db);
/* A spelling suggestion for word from the database's spelling table, or
 * NULL in *suggestion when none. */
secstd_status xap_db_spelling(xap_db *db, const char *word, char **suggestion);
/* How often word was added to the spelling table (0 when never). */
secstd_status xap_db_spelling_freq(xap_db *db, const char *word, unsigned *freq);

/* ---- writable database ------------------------------------------------- */

/* Opens or creates a writable database at path; one writer at a time
 * (SECSTD_ERR_XAPIAN_LOCK otherwise). */
secstd_status xap_writer_open(const char *path, xap_writer **out);
/* The same without fsync on commit (Xapian's DB_NO_SYNC): for a database
 * nobody reads until the caller has made it durable itself (a generation
 * being built, synced before it is published). */
secstd_status xap_writer_open_nosync(const char *path, xap_writer **out);
/* The same, and blocks rewritten in place rather than copied on write
 * (DB_DANGEROUS): for a scratch database that only this writer touches and
 * that is thrown away unless closed cleanly (the shards of a build). */
secstd_status xap_writer_open_scratch(const char *path, xap_writer **out);
/* Adds or replaces the document whose unique term is idterm. doc stays the
 * caller's. */
secstd_status xap_writer_replace(xap_writer *w, const char *idterm, const xap_doc *doc);
/* Adds doc as a new document without looking idterm up: only for a database
 * known not to hold idterm yet (a fresh build). Much cheaper than _replace,
 * which flushes buffered position lists to look the unique term up. */
secstd_status xap_writer_add(xap_writer *w, const xap_doc *doc);
secstd_status xap_writer_delete(xap_writer *w, const char *idterm);
secstd_status xap_writer_set_metadata(xap_writer *w, const char *key, const char *value);
/* Stores the facet table of each slot (a code per docid into
 * the slot's distinct values) in the metadata, where searches load it from
 * instead of walking the value stream. Call last, once every document of
 * the generation is in. */
secstd_status xap_writer_store_facet_tables(xap_writer *w, const unsigned *slots, size_t nslots);
/* Value slot of the document holding idterm (malloc'ed; NULL if absent). */
secstd_status xap_writer_get_value(xap_writer *w, const char *idterm, unsigned slot, char **value);
/* Calls fn for each term starting with prefix. */
secstd_status xap_writer_terms(xap_writer *w, const char *prefix,
                               int (*fn)(void *ctx, const char *term, unsigned freq), void *ctx);
secstd_status xap_writer_doccount(xap_writer *w, unsigned *count);
/* Adds word to the spelling dictionary with frequency freq. */
secstd_status xap_writer_add_spelling(xap_writer *w, const char *word, unsigned freq);
secstd_status xap_writer_commit(xap_writer *w);
/* Commits and closes; _free without _close discards uncommitted changes. */
secstd_status xap_writer_close(xap_writer *w);
void xap_writer_free(xap_writer *w);

/* Merges the n databases srcs (in order: docids are renumbered so srcs[0]'s
 * documents come first) into a new database at dest (a directory that does
 * not exist or is empty), with Xapian's compactor: postings, positions,
 * values, spellings and metadata (the first source's value wins for a key
 * present in several). The result is an ordinary multi-file database that
 * can be opened for writing later. */
secstd_status xap_compact(const char *const *srcs, size_t n, const char *dest);

/* ---- documents --------------------------------------------------------- */

/* A document being built; used and freed by the thread that made it (it
 * shares that thread's stemmer). */
xap_doc *xap_doc_new(void);
void xap_doc_free(xap_doc *d);
/* Stemmed (English) free text with positions; prefix "" for unprefixed.
 * Function words (xap_is_stop_word) get no stem. wdf_inc weights the
 * field; spelling words are recorded when the doc is
 * given a writer through xap_doc_set_spelling_writer. */
secstd_status xap_doc_index_text(xap_doc *d, const char *text, unsigned wdf_inc, const char *prefix);
/* Which terms xap_doc_index_field makes of each word. */
typedef enum xap_stem {
    XAP_STEM_SOME,   /* as xap_doc_index_text: the word (with its position) and
                      * 'Z' + prefix + its stem */
    XAP_STEM_ALL,    /* 'Z' + prefix + the stem only, without positions: words
                      * match by stem, phrases do not match */
    XAP_STEM_NONE,   /* the word only, with positions: no stems (names) */
} xap_stem;
/* The English stem of a lowercase word, as terms and snippets make it
 * (this thread's stemmer), into buf (NUL-terminated, cut to len - 1
 * bytes); returns the stem's whole length (0 for an empty word, or on
 * error). */
size_t xap_stem_word(const char *word, char *buf, size_t len);
/* Whether word (lowercase) is one of the function words ("the", "of",
 * "for" ...) that documents hold as words only, never as stems, and that
 * xap_query_parse drops from a query outside phrases. */
int xap_is_stop_word(const char *word);
/* A field's prefixed copy of free text, with the terms `stem` says (the
 * query parser must look for the same: xap_query_parse follows the field
 * table). */
secstd_status xap_doc_index_field(xap_doc *d, const char *text, unsigned wdf_inc, const char *prefix,
                                  xap_stem stem);
/* Leaves a gap in positions so phrases do not span fields. */
secstd_status xap_doc_increase_termpos(xap_doc *d);
/* Adds a full term (prefix + value) with within-document frequency wdf
 * (0 for pure filter terms); overlong terms are fitted (xap_term_fit). */
secstd_status xap_doc_add_term(xap_doc *d, const char *term, unsigned wdf);
secstd_status xap_doc_add_value(xap_doc *d, unsigned slot, const char *value);
/* Stores data[0, head) in value slot XAP_HEAD_SLOT and the rest as the
 * document data (head 0: all of it as the document data). */
secstd_status xap_doc_set_data(xap_doc *d, const char *data, size_t len, size_t head);

/* ---- queries ------------------------------------------------------------
 * Query handles are immutable; combinators take their inputs by reference
 * (the caller still frees them). A NULL xap_query* means MatchNothing. */

typedef enum xap_op {
    XAP_OP_AND,
    XAP_OP_OR,
    XAP_OP_AND_NOT,
    XAP_OP_FILTER,     /* left, restricted to docs matching right (no weight) */
    XAP_OP_AND_MAYBE,  /* left, weighted up by right */
    XAP_OP_SYNONYM,
} xap_op;

/* Every Xapian query flag secstd uses, as bits. */
enum {
    XAP_PARSE_BOOLEAN = 1 << 0,     /* AND OR NOT */
    XAP_PARSE_PHRASE = 1 << 1,      /* "quoted phrases" */
    XAP_PARSE_LOVEHATE = 1 << 2,    /* +must -mustnot */
    XAP_PARSE_WILDCARD = 1 << 3,    /* secur* */
    XAP_PARSE_SPELLING = 1 << 4,    /* compute a corrected query string */
    XAP_PARSE_DEFAULT_AND = 1 << 5, /* default operator AND instead of OR */
    XAP_PARSE_PHRASE_SETS = 1 << 6, /* the synonym table's phrases by their
                                       documents (needs db; see below) */
};

xap_query *xap_query_match_all(void);
/* A single term (prefix + value, fitted) with query frequency wqf. */
xap_query *xap_query_term(const char *term, unsigned wqf);
xap_query *xap_query_combine(xap_op op, const xap_query *a, const xap_query *b);
/* The query with its weight multiplied by factor. */
xap_query *xap_query_scale(const xap_query *q, double factor);
/* Documents whose value in slot is within [lo, hi] (lexicographic; NULL
 * bound = open). */
xap_query *xap_query_value_range(unsigned slot, const char *lo, const char *hi);
/* Documents whose value in slot lies in one of the byte-ordered ranges
 * [lo[i], hi[i]] (NULL = open end), n ranges; no value never matches. The
 * same set as the OR of n value ranges, answered from the slot's
 * in-memory table (as facets are): an array lookup per candidate instead
 * of a read of the slot's value stream. A filter (no weight). NULL on
 * error (xap_last_error). */
xap_query *xap_query_slot_ranges(xap_db *db, unsigned slot, const char *const *lo,
                                 const char *const *hi, size_t n);
/* Documents whose value in slot is one of values[0..n), each with the
 * fixed weight `weight`, answered from the slot's in-memory table like
 * xap_query_slot_ranges: combined with XAP_OP_AND_MAYBE, a prior that
 * ranks those documents up without changing what matches. NULL on error
 * (xap_last_error). */
xap_query *xap_query_slot_weight(xap_db *db, unsigned slot, const char *const *values, size_t n,
                                 double weight);
/* The documents indexed with term, as a filter answered from an in-memory
 * set of them (a bit per document, read from the posting list once per
 * handle and kept until reopen): for the filters of a search (the
 * security scope, bodies, areas, statuses, types, groups), a lookup per
 * candidate instead of a skip through the posting list. No weight. NULL on error, or when the handle already
 * keeps its most sets (128) and term is not one of them: use the term. */
xap_query *xap_query_term_set(xap_db *db, const char *term);
void xap_query_free(xap_query *q);
/* Human-readable form (Xapian's get_description), malloc'ed. */
char *xap_query_describe(const xap_query *q);

/* A prefix* matches at most this many words of the index: its most
 * frequent ones. */
#define XAP_WILDCARD_MAX 50

/* Parses free text with Xapian::QueryParser: English stemming (STEM_SOME),
 * function words (xap_is_stop_word) dropped outside phrases — one the
 * parser keeps (a query of them alone, +must) is looked for as the word —,
 * field prefixes from schema/fields.def (TEXT fields as prefixes, BOOLEAN
 * fields as boolean prefixes), flags from XAP_PARSE_*. db (may be NULL)
 * enables wildcards (each expanded to XAP_WILDCARD_MAX words at most) and
 * spelling. On success *out is the query and, if
 * corrected is non-NULL, *corrected a malloc'ed spelling-corrected query
 * string or NULL. Returns SECSTD_ERR_QUERY_SYNTAX for a syntax error.
 *
 * XAP_PARSE_PHRASE_SETS: each phrase of the synonym table
 * (schema/synonyms.def; "transport layer security", "internet of
 * things") in the query, unless under a weight scale, NEAR or the like, is
 * answered from the set of its documents, found once per handle by the
 * phrase itself and kept until reopen: ranked as its words ANDed and
 * filtered by the set (the same documents and weights), counted
 * (xap_search with limit 0) on the set alone, highlighted as the phrase
 * (xap_results_snippet). The same answers, without walking the words'
 * posting lists and positions in every pass. */
secstd_status xap_query_parse(xap_db *db, const char *text, unsigned flags, xap_query **out,
                              char **corrected);
/* The i-th function word the parse that made q dropped, as typed in
 * lower case, each word once, in the order typed; NULL past the last (and
 * for queries not made by xap_query_parse). */
const char *xap_query_ignored(const xap_query *q, size_t i);

/* ---- searching ----------------------------------------------------------- */

typedef struct xap_facet_spec {
    unsigned slot;
    int multi;        /* 1: value holds '\n'-separated values, each counted */
} xap_facet_spec;

typedef struct xap_search_opts {
    unsigned offset;
    unsigned limit;
    int sort_slot;             /* -1: relevance; else sort by this value slot */
    int sort_descending;       /* for sort_slot */
    unsigned check_at_least;   /* with facets: exact totals and counts up to
                                  this many matches and half as many again
                                  (a counting pass); beyond, estimated from
                                  a pseudo-random share of the rest, about
                                  half this many (xap_results_facets_exact) */
    const xap_facet_spec *facets;
    size_t nfacets;
} xap_search_opts;

secstd_status xap_search(xap_db *db, const xap_query *q, const xap_search_opts *opts,
                         xap_results **out);
void xap_results_free(xap_results *r);
/* Estimated total (exact when below check_at_least; beyond, with facets,
 * counted with them). */
unsigned xap_results_total(const xap_results *r);
/* 1 when the total is exact (counted with the facets, or Xapian's lower
 * and upper bounds agree). */
int xap_results_total_exact(const xap_results *r);
unsigned xap_results_count(const xap_results *r);
unsigned xap_results_docid(const xap_results *r, unsigned i);
double xap_results_weight(const xap_results *r, unsigned i);
/* Document data of hit i (borrowed, NUL-terminated; valid until free),
 * read from the database on first use; "" if that read fails (the error
 * is in xap_last_error()). */
const char *xap_results_data(const xap_results *r, unsigned i);
/* Its length in bytes (the data may hold NUL bytes: docmap.h). */
size_t xap_results_data_len(const xap_results *r, unsigned i);
/* The head of hit i's data alone (the whole data when it was stored
 * without one); borrowed like xap_results_data, *len its length. A later
 * xap_results_data of the same hit stays valid alongside it. */
const char *xap_results_head(const xap_results *r, unsigned i, size_t *len);
/* 1 if the facet counts cover every match, 0 if part of them were
 * estimated from a sample (a fixed pseudo-random subset of the docids:
 * the same counts for the same query). */
int xap_results_facets_exact(const xap_results *r);
/* Number of distinct values counted for facet k, and the j-th (most
 * frequent first). */
size_t xap_results_facet_size(const xap_results *r, size_t k);
void xap_results_facet_at(const xap_results *r, size_t k, size_t j, const char **value,
                          unsigned *count);
/* A snippet of text (textlen bytes) around the query's terms, at most maxlen bytes, with
 * matches wrapped in "\x01" ... "\x02" (the caller escapes and marks up).
 * malloc'ed. */
secstd_status xap_results_snippet(xap_results *r, const char *text, size_t textlen, size_t maxlen,
                                  char **out);
/* Results without hits, for xap_results_snippet alone: the statistics a
 * ranked search of q gathers (snippets weigh the query's terms by them),
 * no match walked. On another handle of the same generation, its
 * snippets are those of the ranked search's results. */
secstd_status xap_snippet_source(xap_db *db, const xap_query *q, xap_results **out);

/* More-like-this: the nterms most significant free-text terms (no prefix,
 * not stop words) of the documents in docids, as a relevance set
 * (Xapian ESet). terms receives a malloc'ed array of malloc'ed strings
 * (*nterms_out entries); free with xap_strings_free. */
secstd_status xap_expand(xap_db *db, const unsigned *docids, size_t ndocids, unsigned nterms,
                         char ***terms, size_t *nterms_out);
void xap_strings_free(char **strings, size_t n);

#ifdef __cplusplus
}
#endif

#endif
