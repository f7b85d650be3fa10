/* check_xap.c — the C wrapper over Xapian (indexer/xap.cc): every exception
 * mapping that can be provoked from outside (missing database, a second
 * writer, a query-syntax error, a discarded revision, corrupt and truncated
 * tables), the last-error text, term fitting, and the basics of documents,
 * terms, values, searching, facets, snippets, spelling and expansion.
 *
 * Not provoked here: std::bad_alloc -> SECSTD_ERR_NOMEM and unknown C++
 * exceptions -> SECSTD_ERR_UNKNOWN (no input makes Xapian throw them on
 * demand; the mapping is one catch clause each in map_exception()). */
#define _XOPEN_SOURCE 700   /* nftw */
#include <check.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "status.h"
#include "testutil.h"
#include "xap.h"

/* ---- helpers ---------------------------------------------------------------- */

static void add_doc(xap_writer *w, const char *id, const char *text, const char *sdo,
                    const char *areas, const char *date)
{
    xap_doc *d = xap_doc_new();
    ck_assert_ptr_nonnull(d);
    char idterm[128];
    snprintf(idterm, sizeof idterm, "Q%s", id);
    ck_assert_int_eq(xap_doc_add_term(d, idterm, 0), SECSTD_OK);
    ck_assert_int_eq(xap_doc_index_text(d, text, 1, ""), SECSTD_OK);
    ck_assert_int_eq(xap_doc_increase_termpos(d), SECSTD_OK);
    if (sdo) {
        char t[64];
        snprintf(t, sizeof t, "XO%s", sdo);
        ck_assert_int_eq(xap_doc_add_term(d, t, 0), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_value(d, 2, sdo), SECSTD_OK);
    }
    if (areas)
        ck_assert_int_eq(xap_doc_add_value(d, 4, areas), SECSTD_OK);
    if (date)
        ck_assert_int_eq(xap_doc_add_value(d, 0, date), SECSTD_OK);
    ck_assert_int_eq(xap_doc_set_data(d, id, strlen(id), 0), SECSTD_OK);
    ck_assert_int_eq(xap_writer_replace(w, idterm, d), SECSTD_OK);
    xap_doc_free(d);
}

/* A small database of five documents in a new temporary directory. */
static char *make_db(void)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/db", dir);
    free(dir);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    ck_assert_ptr_nonnull(w);
    add_doc(w, "a", "Public-key certificate frameworks and certificate revocation lists", "itu-t",
            "pki\nidentity", "20191000");
    add_doc(w, "b", "Transport layer security protocol with certificate based authentication",
            "ietf", "network\npki", "20180800");
    add_doc(w, "c", "Security architecture for the 5G system", "3gpp", "mobile", "20260300");
    add_doc(w, "d", "Consumer internet of things baseline security requirements", "etsi", "iot",
            "20240900");
    add_doc(w, "e", "Information security management systems <requirements> & controls", "iso/iec",
            "management", "20221000");
    ck_assert_int_eq(xap_writer_set_metadata(w, "k", "v1"), SECSTD_OK);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    return path;
}

static void drop_db(char *path)
{
    char *slash = strrchr(path, '/');
    *slash = '\0';
    tu_rmtree(path);
    free(path);
}

static int valid_utf8(const unsigned char *p)
{
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : (*p & 0xF8) == 0xF0 ? 3 : -1;
        if (n < 0)
            return 0;
        for (int i = 1; i <= n; i++)
            if ((p[i] & 0xC0) != 0x80)
                return 0;
        p += n + 1;
    }
    return 1;
}

static xap_results *run(xap_db *db, const char *text, unsigned flags, const xap_search_opts *o)
{
    xap_query *q = NULL;
    ck_assert_int_eq(xap_query_parse(db, text, flags, &q, NULL), SECSTD_OK);
    xap_results *r = NULL;
    ck_assert_int_eq(xap_search(db, q, o, &r), SECSTD_OK);
    xap_query_free(q);
    return r;
}

/* ---- exception mappings ------------------------------------------------------ */

START_TEST(test_open_missing)
{
    xap_db *db = (xap_db *)1;
    ck_assert_int_eq(xap_db_open("/nonexistent/secstd/db", &db), SECSTD_ERR_XAPIAN_OPENING);
    ck_assert_ptr_null(db);
    ck_assert_str_ne(xap_last_error(), "");

    /* An existing directory that holds no database is not one either. */
    char *dir = tu_mkdtemp();
    db = (xap_db *)1;
    ck_assert_int_eq(xap_db_open(dir, &db), SECSTD_ERR_XAPIAN_OPENING);
    ck_assert_ptr_null(db);
    ck_assert_str_ne(xap_last_error(), "");
    tu_rmtree(dir);
    free(dir);
}
END_TEST

START_TEST(test_last_error_cleared_on_success)
{
    xap_db *db = NULL;
    ck_assert_int_ne(xap_db_open("/nonexistent/secstd/db", &db), SECSTD_OK);
    ck_assert_str_ne(xap_last_error(), "");
    char *path = make_db();
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    ck_assert_str_eq(xap_last_error(), "");
    xap_db_free(db);
    drop_db(path);
}
END_TEST

START_TEST(test_two_writers_lock)
{
    char *path = make_db();
    xap_writer *w1 = NULL, *w2 = (xap_writer *)1;
    ck_assert_int_eq(xap_writer_open(path, &w1), SECSTD_OK);
    ck_assert_int_eq(xap_writer_open(path, &w2), SECSTD_ERR_XAPIAN_LOCK);
    ck_assert_ptr_null(w2);
    ck_assert_str_ne(xap_last_error(), "");
    /* Readers are not blocked by the writer. */
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    xap_db_free(db);
    /* Once the first writer is gone, the lock is free again. */
    ck_assert_int_eq(xap_writer_close(w1), SECSTD_OK);
    xap_writer_free(w1);
    ck_assert_int_eq(xap_writer_open(path, &w2), SECSTD_OK);
    xap_writer_free(w2);
    drop_db(path);
}
END_TEST

/* Strings that make QueryParser throw with BOOLEAN|PHRASE|LOVEHATE: a
 * boolean operator without an operand on one side. */
START_TEST(test_query_syntax_error)
{
    static const char *const bad[] = {"AND", "a AND", "OR b", "a OR OR b", "a AND NOT", "NOT", "x XOR"};
    const unsigned flags = XAP_PARSE_BOOLEAN | XAP_PARSE_PHRASE | XAP_PARSE_LOVEHATE;
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        xap_query *q = (xap_query *)1;
        ck_assert_msg(xap_query_parse(NULL, bad[i], flags, &q, NULL) == SECSTD_ERR_QUERY_SYNTAX,
                      "\"%s\" should be a syntax error", bad[i]);
        ck_assert_ptr_null(q);
        ck_assert_msg(strstr(xap_last_error(), "QueryParserError") != NULL, "%s", xap_last_error());
    }
    /* Without FLAG_BOOLEAN the same words are plain terms. */
    xap_query *q = NULL;
    ck_assert_int_eq(xap_query_parse(NULL, "a AND", XAP_PARSE_PHRASE, &q, NULL), SECSTD_OK);
    ck_assert_ptr_nonnull(q);
    ck_assert_str_eq(xap_last_error(), "");
    xap_query_free(q);
    /* Unbalanced brackets and quotes are forgiven by Xapian. */
    ck_assert_int_eq(xap_query_parse(NULL, "(a \"b", flags, &q, NULL), SECSTD_OK);
    xap_query_free(q);
}
END_TEST

/* Glass reuses the blocks of old revisions: a reader still at revision 1
 * whose blocks were rewritten by several later commits gets
 * DatabaseModifiedError, deterministically for this sequence. */
static void rewrite_all(xap_writer *w, int round)
{
    for (int i = 0; i < 3000; i++) {
        char text[128], id[32];
        snprintf(text, sizeof text, "word%d round%d shared filler text lorem ipsum dolor", i, round);
        snprintf(id, sizeof id, "%d", i);
        add_doc(w, id, text, NULL, NULL, NULL);
    }
    ck_assert_int_eq(xap_writer_commit(w), SECSTD_OK);
}

START_TEST(test_database_modified)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/db", dir);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    rewrite_all(w, 0);
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    for (int round = 1; round <= 4; round++)
        rewrite_all(w, round);
    char *data = NULL;
    secstd_status st = xap_db_get_data(db, 5, &data, NULL);
    ck_assert_msg(st == SECSTD_ERR_XAPIAN_MODIFIED, "expected MODIFIED, got %d (%s)", st,
                  xap_last_error());
    ck_assert_ptr_null(data);
    ck_assert_msg(strstr(xap_last_error(), "DatabaseModifiedError") != NULL, "%s", xap_last_error());
    /* The cure: reopen and retry, which sees the latest revision. */
    ck_assert_int_eq(xap_db_reopen(db), SECSTD_OK);
    ck_assert_int_eq(xap_db_get_data(db, 5, &data, NULL), SECSTD_OK);
    ck_assert_str_eq(data, "4");
    free(data);
    unsigned freq = 0;
    ck_assert_int_eq(xap_db_termfreq(db, "round4", &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 3000);
    xap_db_free(db);
    xap_writer_free(w);
    tu_rmtree(dir);
    free(dir);
    free(path);
}
END_TEST

static void garble(const char *path, off_t at)
{
    int fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    char junk[8192];
    memset(junk, 0xA5, sizeof junk);
    ck_assert_int_eq(pwrite(fd, junk, sizeof junk, at), (ssize_t)sizeof junk);
    close(fd);
}

START_TEST(test_corrupt_version_file)
{
    char *path = make_db();
    char *f = tu_strdupf("%s/iamglass", path);
    garble(f, 0);
    xap_db *db = (xap_db *)1;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_ERR_XAPIAN_CORRUPT);
    ck_assert_ptr_null(db);
    ck_assert_str_ne(xap_last_error(), "");
    free(f);
    drop_db(path);
}
END_TEST

START_TEST(test_corrupt_table_at_search)
{
    char *path = make_db();
    char *f = tu_strdupf("%s/postlist.glass", path);
    garble(f, 0);
    xap_db *db = NULL;
    /* The version file is intact; depending on where the table's root
     * block lies, opening or the first read of the garbled table fails —
     * as DatabaseCorruptError, never a crash. */
    secstd_status st = xap_db_open(path, &db);
    xap_query *q = xap_query_term("certificate", 1);
    if (st == SECSTD_OK) {
        xap_search_opts o = {0, 10, -1, 0, 0, NULL, 0};
        xap_results *r = (xap_results *)1;
        st = xap_search(db, q, &o, &r);
        ck_assert_ptr_null(r);
        char *data = NULL;
        ck_assert_int_ne(xap_db_get_data(db, 1, &data, NULL), SECSTD_OK);
        ck_assert_ptr_null(data);
    } else {
        ck_assert_ptr_null(db);
    }
    ck_assert_int_eq(st, SECSTD_ERR_XAPIAN_CORRUPT);
    ck_assert_str_ne(xap_last_error(), "");
    xap_query_free(q);
    xap_db_free(db);
    free(f);
    drop_db(path);
}
END_TEST

START_TEST(test_truncated_table_other_error)
{
    char *path = make_db();
    char *f = tu_strdupf("%s/postlist.glass", path);
    ck_assert_int_eq(truncate(f, 0), 0);
    xap_db *db = (xap_db *)1;
    /* Xapian reports a short read as a plain DatabaseError. */
    secstd_status st = xap_db_open(path, &db);
    ck_assert_msg(st == SECSTD_ERR_XAPIAN || st == SECSTD_ERR_XAPIAN_CORRUPT, "got %d", st);
    ck_assert_ptr_null(db);
    ck_assert_str_ne(xap_last_error(), "");
    free(f);
    drop_db(path);
}
END_TEST

START_TEST(test_status_strings)
{
    const secstd_status xs[] = {SECSTD_ERR_XAPIAN_MODIFIED, SECSTD_ERR_XAPIAN_LOCK,
                                SECSTD_ERR_XAPIAN_OPENING,  SECSTD_ERR_XAPIAN_CORRUPT,
                                SECSTD_ERR_QUERY_SYNTAX,    SECSTD_ERR_XAPIAN,
                                SECSTD_ERR_NOMEM,           SECSTD_ERR_UNKNOWN};
    for (size_t i = 0; i < sizeof xs / sizeof *xs; i++) {
        ck_assert_ptr_nonnull(secstd_status_to_string(xs[i]));
        for (size_t j = 0; j < i; j++)
            ck_assert_str_ne(secstd_status_to_string(xs[i]), secstd_status_to_string(xs[j]));
    }
}
END_TEST

/* ---- term fitting ------------------------------------------------------------- */

START_TEST(test_term_fit_short_unchanged)
{
    char buf[XAP_MAX_TERM + 1];
    xap_term_fit("XIrfc 8446", buf, sizeof buf);
    ck_assert_str_eq(buf, "XIrfc 8446");
    char exact[XAP_MAX_TERM + 1];
    memset(exact, 'a', XAP_MAX_TERM);
    exact[XAP_MAX_TERM] = '\0';
    xap_term_fit(exact, buf, sizeof buf);
    ck_assert_str_eq(buf, exact);
}
END_TEST

START_TEST(test_term_fit_long_hashed_unique)
{
    char a[1001], b[1001], fa[XAP_MAX_TERM + 1], fb[XAP_MAX_TERM + 1], fa2[XAP_MAX_TERM + 1];
    memset(a, 'x', 1000);
    a[0] = 'Q';
    a[1000] = '\0';
    memcpy(b, a, sizeof a);
    b[999] = 'y'; /* differs only in the last byte: far beyond what is kept */
    xap_term_fit(a, fa, sizeof fa);
    xap_term_fit(b, fb, sizeof fb);
    xap_term_fit(a, fa2, sizeof fa2);
    ck_assert_uint_le(strlen(fa), XAP_MAX_TERM);
    ck_assert_uint_le(strlen(fb), XAP_MAX_TERM);
    ck_assert_str_ne(fa, fb);
    ck_assert_str_eq(fa, fa2); /* stable */
    ck_assert_int_eq(fa[0], 'Q');  /* prefix kept */
    ck_assert_ptr_nonnull(strchr(fa, '#'));

    /* 241 bytes: just over the limit is hashed too. */
    char c[XAP_MAX_TERM + 2];
    memset(c, 'c', XAP_MAX_TERM + 1);
    c[XAP_MAX_TERM + 1] = '\0';
    xap_term_fit(c, fa, sizeof fa);
    ck_assert_uint_le(strlen(fa), XAP_MAX_TERM);
    ck_assert_str_ne(fa, c);
}
END_TEST

START_TEST(test_term_fit_utf8_not_cut)
{
    /* "XI" then 2-byte and 3-byte characters at every alignment. */
    for (int shift = 0; shift < 3; shift++) {
        char t[2000];
        size_t n = 0;
        t[n++] = 'X';
        t[n++] = 'I';
        for (int i = 0; i < shift; i++)
            t[n++] = 'a';
        while (n + 4 < sizeof t) {
            memcpy(t + n, "\xc3\xa9", 2); /* é */
            n += 2;
            memcpy(t + n, "\xe2\x82\xac", 3); /* € */
            n += 3;
        }
        t[n] = '\0';
        char out[XAP_MAX_TERM + 1];
        xap_term_fit(t, out, sizeof out);
        ck_assert_uint_le(strlen(out), XAP_MAX_TERM);
        ck_assert_msg(valid_utf8((const unsigned char *)out), "cut UTF-8 at shift %d", shift);
        ck_assert_int_eq(strncmp(out, t, 2 + (size_t)shift), 0);
    }
}
END_TEST

START_TEST(test_term_fit_small_buffer)
{
    char longterm[600];
    memset(longterm, 'z', sizeof longterm - 1);
    longterm[sizeof longterm - 1] = '\0';
    char small[12];
    memset(small, 0x7f, sizeof small);
    xap_term_fit(longterm, small, 10);
    ck_assert_uint_le(strlen(small), 9);
    ck_assert_int_eq(small[10], 0x7f); /* nothing written past len */
    char one[1] = {'q'};
    xap_term_fit("abc", one, 0); /* len 0: nothing written */
    ck_assert_int_eq(one[0], 'q');
}
END_TEST

/* ---- documents, terms, values --------------------------------------------------- */

static int count_terms(void *ctx, const char *term, unsigned freq)
{
    (void)term;
    (void)freq;
    ++*(int *)ctx;
    return 0;
}

static int first_doc(void *ctx, unsigned docid)
{
    *(unsigned *)ctx = docid;
    return 1;
}

START_TEST(test_doc_terms_values_metadata)
{
    char *path = make_db();
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    unsigned count = 0;
    ck_assert_int_eq(xap_writer_doccount(w, &count), SECSTD_OK);
    ck_assert_uint_eq(count, 5);

    /* replace_document on an existing unique term replaces, not adds. */
    add_doc(w, "a", "Replaced text about directories", "itu-t", "pki", "20191001");
    ck_assert_int_eq(xap_writer_doccount(w, &count), SECSTD_OK);
    ck_assert_uint_eq(count, 5);
    char *v = NULL;
    ck_assert_int_eq(xap_writer_get_value(w, "Qa", 0, &v), SECSTD_OK);
    ck_assert_str_eq(v, "20191001");
    free(v);
    ck_assert_int_eq(xap_writer_get_value(w, "Qnone", 0, &v), SECSTD_OK);
    ck_assert_ptr_null(v);

    /* An overlong unique term works: fitted the same way on write and read. */
    char longid[700];
    memset(longid, 'L', sizeof longid - 1);
    longid[0] = 'Q';
    longid[sizeof longid - 1] = '\0';
    xap_doc *d = xap_doc_new();
    ck_assert_int_eq(xap_doc_add_term(d, longid, 0), SECSTD_OK);
    ck_assert_int_eq(xap_doc_index_text(d, "long identifier document", 1, ""), SECSTD_OK);
    ck_assert_int_eq(xap_writer_replace(w, longid, d), SECSTD_OK);
    ck_assert_int_eq(xap_writer_replace(w, longid, d), SECSTD_OK);
    xap_doc_free(d);
    ck_assert_int_eq(xap_writer_doccount(w, &count), SECSTD_OK);
    ck_assert_uint_eq(count, 6);

    ck_assert_int_eq(xap_writer_delete(w, "Qe"), SECSTD_OK);
    ck_assert_int_eq(xap_writer_set_metadata(w, "k", "v2"), SECSTD_OK);
    int nq = 0;
    ck_assert_int_eq(xap_writer_terms(w, "Q", count_terms, &nq), SECSTD_OK);
    ck_assert_int_eq(nq, 5);
    ck_assert_int_eq(xap_writer_add_spelling(w, "certificate", 3), SECSTD_OK);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);

    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    ck_assert_int_eq(xap_db_doccount(db, &count), SECSTD_OK);
    ck_assert_uint_eq(count, 5);
    unsigned freq = 9;
    ck_assert_int_eq(xap_db_termfreq(db, longid, &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 1);
    ck_assert_int_eq(xap_db_termfreq(db, "Qe", &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 0);
    ck_assert_int_eq(xap_db_termfreq(db, "XOietf", &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 1);
    /* Text is stemmed (STEM_SOME: Z-prefixed stems) and kept unstemmed. */
    ck_assert_int_eq(xap_db_termfreq(db, "Zcertif", &freq), SECSTD_OK);
    ck_assert_uint_ge(freq, 1);

    char *m = NULL;
    ck_assert_int_eq(xap_db_get_metadata(db, "k", &m), SECSTD_OK);
    ck_assert_str_eq(m, "v2");
    free(m);
    ck_assert_int_eq(xap_db_get_metadata(db, "unset", &m), SECSTD_OK);
    ck_assert_str_eq(m, "");
    free(m);

    unsigned docid = 0;
    ck_assert_int_eq(xap_db_postings(db, "Qb", first_doc, &docid), SECSTD_OK);
    ck_assert_uint_ne(docid, 0);
    char *data = NULL;
    size_t len = 0;
    ck_assert_int_eq(xap_db_get_data(db, docid, &data, &len), SECSTD_OK);
    ck_assert_str_eq(data, "b");
    ck_assert_uint_eq(len, 1);
    free(data);
    ck_assert_int_eq(xap_db_get_value(db, docid, 4, &v), SECSTD_OK);
    ck_assert_str_eq(v, "network\npki");
    free(v);
    ck_assert_int_eq(xap_db_get_value(db, docid, 99, &v), SECSTD_OK);
    ck_assert_str_eq(v, "");
    free(v);
    /* A document that does not exist is an error, not a crash. */
    ck_assert_int_eq(xap_db_get_data(db, 9999, &data, NULL), SECSTD_ERR_XAPIAN);
    ck_assert_ptr_null(data);
    ck_assert_str_ne(xap_last_error(), "");

    int nxo = 0;
    ck_assert_int_eq(xap_db_terms(db, "XO", count_terms, &nxo), SECSTD_OK);
    ck_assert_int_eq(nxo, 4); /* itu-t ietf 3gpp etsi: iso/iec went with "e" */

    char *sugg = NULL;
    ck_assert_int_eq(xap_db_spelling(db, "certifcate", &sugg), SECSTD_OK);
    ck_assert_ptr_nonnull(sugg);
    ck_assert_str_eq(sugg, "certificate");
    free(sugg);
    ck_assert_int_eq(xap_db_spelling(db, "certificate", &sugg), SECSTD_OK);
    ck_assert_ptr_null(sugg);
    xap_db_free(db);
    drop_db(path);
}
END_TEST

/* ---- queries and searching ---------------------------------------------------------- */

START_TEST(test_query_builders)
{
    xap_query *a = xap_query_term("Zcertif", 1), *b = xap_query_term("XOietf", 1);
    xap_query *f = xap_query_combine(XAP_OP_FILTER, a, b);
    ck_assert_ptr_nonnull(f);
    char *desc = xap_query_describe(f);
    ck_assert_ptr_nonnull(strstr(desc, "FILTER"));
    ck_assert_ptr_nonnull(strstr(desc, "XOietf"));
    free(desc);
    ck_assert_ptr_null(xap_query_combine((xap_op)99, a, b));

    /* Fielded syntax from the field table: boolean fields are filters,
     * and the sdo value is canonicalised whatever its case. */
    xap_query *q1 = NULL, *q2 = NULL;
    ck_assert_int_eq(xap_query_parse(NULL, "sdo:etsi", XAP_PARSE_BOOLEAN, &q1, NULL), SECSTD_OK);
    ck_assert_int_eq(xap_query_parse(NULL, "sdo:ETSI", XAP_PARSE_BOOLEAN, &q2, NULL), SECSTD_OK);
    char *d1 = xap_query_describe(q1), *d2 = xap_query_describe(q2);
    ck_assert_ptr_nonnull(strstr(d1, "XOetsi"));
    ck_assert_str_eq(d1, d2);
    free(d1);
    free(d2);
    xap_query_free(q1);
    xap_query_free(q2);
    ck_assert_int_eq(xap_query_parse(NULL, "title:security", 0, &q1, NULL), SECSTD_OK);
    d1 = xap_query_describe(q1);
    ck_assert_msg(strstr(d1, "ZSsecur") != NULL, "%s", d1);
    free(d1);
    xap_query_free(q1);

    /* DEFAULT_AND changes the default operator. */
    ck_assert_int_eq(xap_query_parse(NULL, "alpha beta", 0, &q1, NULL), SECSTD_OK);
    ck_assert_int_eq(xap_query_parse(NULL, "alpha beta", XAP_PARSE_DEFAULT_AND, &q2, NULL), SECSTD_OK);
    d1 = xap_query_describe(q1);
    d2 = xap_query_describe(q2);
    ck_assert_ptr_nonnull(strstr(d1, " OR "));
    ck_assert_ptr_nonnull(strstr(d2, " AND "));
    free(d1);
    free(d2);
    xap_query_free(q1);
    xap_query_free(q2);
    xap_query_free(a);
    xap_query_free(b);
    xap_query_free(f);
}
END_TEST

/* Function words: documents hold them as words (with positions), never
 * as stems; the parser drops them from a query outside phrases, and one
 * it keeps (a query of them alone, +must, AND) is looked for as the
 * word. */
START_TEST(test_function_words)
{
    static const char *const stop[] = {"a",  "an", "and", "are",  "be",  "by",    "for",   "from",
                                       "in", "into", "is", "its", "of",  "on",    "that",  "the",
                                       "their", "these", "this", "to", "which", "with"};
    for (size_t i = 0; i < sizeof stop / sizeof *stop; i++)
        ck_assert_msg(xap_is_stop_word(stop[i]), "%s", stop[i]);
    /* Acronyms users type, the parser's operators, content words. */
    static const char *const kept[] = {"it", "as", "can", "at", "or", "not", "5g", "iot",
                                       "thee", "ton", "", "security", "whichever"};
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
        ck_assert_msg(!xap_is_stop_word(kept[i]), "%s", kept[i]);
    ck_assert(!xap_is_stop_word(NULL));

    char *path = make_db();
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    /* c: "Security architecture for the 5G system"; d: "Consumer internet
     * of things baseline security requirements". */
    static const struct {
        const char *term;
        unsigned freq;
    } terms[] = {{"the", 1}, {"for", 1}, {"of", 1}, {"Zthe", 0}, {"Zfor", 0}, {"Zof", 0},
                 {"Zsecur", 4}, {"Zthing", 1}};
    for (size_t i = 0; i < sizeof terms / sizeof *terms; i++) {
        unsigned freq = 99;
        ck_assert_int_eq(xap_db_termfreq(db, terms[i].term, &freq), SECSTD_OK);
        ck_assert_msg(freq == terms[i].freq, "%s: %u", terms[i].term, freq);
    }

    static const struct {
        const char *q;
        unsigned total;
        const char *first;
    } cases[] = {
        /* "of" and "the" are not in c, "for" is not in d: dropped, not required. */
        {"architecture of the 5g system", 1, "c"},
        {"security for the internet of things", 1, "d"},
        /* In a phrase they count, as words with positions. */
        {"\"internet of things\"", 1, "d"},
        {"\"internet for things\"", 0, NULL},
        /* Kept by the parser: looked for as the word. */
        {"the", 1, "c"},
        {"+the security", 1, "c"},
        {"security AND of", 1, "d"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        xap_search_opts o = {0, 10, -1, 0, 10, NULL, 0};
        xap_results *r =
            run(db, cases[i].q,
                XAP_PARSE_BOOLEAN | XAP_PARSE_PHRASE | XAP_PARSE_LOVEHATE | XAP_PARSE_DEFAULT_AND, &o);
        ck_assert_msg(xap_results_total(r) == cases[i].total, "%s: %u", cases[i].q,
                      xap_results_total(r));
        if (cases[i].first)
            ck_assert_str_eq(xap_results_data(r, 0), cases[i].first);
        xap_results_free(r);
    }
    xap_db_free(db);
    drop_db(path);
}
END_TEST

START_TEST(test_search_sort_range_facets)
{
    char *path = make_db();
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);

    /* Relevance: two documents mention certificates. */
    xap_search_opts o = {0, 10, -1, 0, 100, NULL, 0};
    xap_results *r = run(db, "certificate", 0, &o);
    ck_assert_uint_eq(xap_results_total(r), 2);
    ck_assert_uint_eq(xap_results_count(r), 2);
    ck_assert_str_eq(xap_results_data(r, 0), "a"); /* twice in a */
    /* Stored without a head: the head is the whole data. */
    size_t hlen = 0;
    ck_assert_str_eq(xap_results_head(r, 0, &hlen), "a");
    ck_assert_uint_eq(hlen, 1);
    ck_assert(xap_results_weight(r, 0) >= xap_results_weight(r, 1));
    xap_results_free(r);

    /* Sort by the date slot, newest first, then oldest first. */
    xap_facet_spec facets[2] = {{2, 0}, {4, 1}};
    xap_search_opts so = {0, 10, 0, 1, 100, facets, 2};
    xap_query *all = xap_query_match_all();
    ck_assert_int_eq(xap_search(db, all, &so, &r), SECSTD_OK);
    ck_assert_uint_eq(xap_results_count(r), 5);
    static const char *const newest[] = {"c", "d", "e", "a", "b"};
    for (unsigned i = 0; i < 5; i++)
        ck_assert_str_eq(xap_results_data(r, i), newest[i]);
    /* Single-valued facet: five SDOs once each. Multi-valued: "pki" is in
     * two documents' '\n'-separated lists, and is the most frequent. */
    ck_assert_uint_eq(xap_results_facet_size(r, 0), 5);
    ck_assert_uint_eq(xap_results_facet_size(r, 1), 6);
    const char *val;
    unsigned cnt;
    xap_results_facet_at(r, 1, 0, &val, &cnt);
    ck_assert_str_eq(val, "pki");
    ck_assert_uint_eq(cnt, 2);
    ck_assert_uint_eq(xap_results_facet_size(r, 7), 0); /* out of range: none */
    xap_results_free(r);
    so.sort_descending = 0;
    so.nfacets = 0;
    ck_assert_int_eq(xap_search(db, all, &so, &r), SECSTD_OK);
    ck_assert_str_eq(xap_results_data(r, 0), "b");
    xap_results_free(r);

    /* Paging: offset 2, limit 2 gives the third and fourth. */
    so.sort_descending = 1;
    so.offset = 2;
    so.limit = 2;
    ck_assert_int_eq(xap_search(db, all, &so, &r), SECSTD_OK);
    ck_assert_uint_eq(xap_results_count(r), 2);
    ck_assert_str_eq(xap_results_data(r, 0), "e");
    ck_assert_str_eq(xap_results_data(r, 1), "a");
    xap_results_free(r);

    /* Value ranges, closed and open. */
    xap_query *range = xap_query_value_range(0, "20190000", "20221231");
    xap_search_opts ro = {0, 10, 0, 1, 100, NULL, 0};
    ck_assert_int_eq(xap_search(db, range, &ro, &r), SECSTD_OK);
    ck_assert_uint_eq(xap_results_total(r), 2); /* e (2022-10), a (2019-10) */
    xap_results_free(r);
    xap_query_free(range);
    range = xap_query_value_range(0, "20240000", NULL);
    ck_assert_int_eq(xap_search(db, range, &ro, &r), SECSTD_OK);
    ck_assert_uint_eq(xap_results_total(r), 2); /* c, d */
    xap_results_free(r);
    xap_query_free(range);
    range = xap_query_value_range(0, NULL, "20181231");
    ck_assert_int_eq(xap_search(db, range, &ro, &r), SECSTD_OK);
    ck_assert_uint_eq(xap_results_total(r), 1); /* b */
    xap_results_free(r);
    xap_query_free(range);

    /* A NULL query is MatchNothing. */
    ck_assert_int_eq(xap_search(db, NULL, &ro, &r), SECSTD_OK);
    ck_assert_uint_eq(xap_results_total(r), 0);
    xap_results_free(r);
    xap_query_free(all);
    xap_db_free(db);
    drop_db(path);
}
END_TEST

/* The docids a query matches, sorted, as "1,4,9," (at most 400). */
static void docids_of(xap_db *db, const xap_query *q, char *out, size_t len)
{
    xap_search_opts o = {0, 400, -1, 0, 400, NULL, 0};
    xap_results *r = NULL;
    ck_assert_int_eq(xap_search(db, q, &o, &r), SECSTD_OK);
    unsigned ids[400];
    unsigned n = xap_results_count(r);
    for (unsigned i = 0; i < n; i++)
        ids[i] = xap_results_docid(r, i);
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && ids[j - 1] > ids[j]; j--) {
            unsigned t = ids[j];
            ids[j] = ids[j - 1];
            ids[j - 1] = t;
        }
    size_t used = 0;
    out[0] = '\0';
    for (unsigned i = 0; i < n && used + 12 < len; i++)
        used += (size_t)snprintf(out + used, len - used, "%u,", ids[i]);
    xap_results_free(r);
}

/* The in-memory filters match exactly what Xapian's own would. The slot
 * table's ranges match what the same value ranges match:
 * alone, ANDed with a term (Xapian then calls its check/skip_to), ORed,
 * and as the right side of AND_NOT; documents without a value never. */
START_TEST(test_slot_ranges_equal_value_ranges)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/db", dir);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    unsigned seed = 12345;
    for (int i = 0; i < 300; i++) {
        xap_doc *d = xap_doc_new();
        ck_assert_int_eq(xap_doc_add_term(d, i % 2 ? "odd" : "even", 1), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_term(d, i % 3 ? "many" : "third", 1), SECSTD_OK);
        seed = seed * 1103515245u + 12345u;
        if (seed % 7 != 0) {   /* a sixth or so have no date */
            char date[9];
            snprintf(date, sizeof date, "%04u%02u%02u", 1990 + (seed >> 8) % 40, (seed >> 4) % 13,
                     (seed >> 12) % 29);
            ck_assert_int_eq(xap_doc_add_value(d, 0, date), SECSTD_OK);
        }
        ck_assert_int_eq(xap_writer_add(w, d), SECSTD_OK);
        xap_doc_free(d);
    }
    /* And the ends of the ranges below, exactly. */
    static const char *const ends[] = {"20000000", "19991231", "20190215", "20190200",
                                       "20190000", "20201231", "20100000", "20109999"};
    for (size_t i = 0; i < sizeof ends / sizeof *ends; i++) {
        xap_doc *d = xap_doc_new();
        ck_assert_int_eq(xap_doc_add_term(d, i % 2 ? "odd" : "even", 1), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_term(d, "third", 1), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_value(d, 0, ends[i]), SECSTD_OK);
        ck_assert_int_eq(xap_writer_add(w, d), SECSTD_OK);
        xap_doc_free(d);
    }
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);

    /* ... the last two: a range whose ends are the wrong way round (none),
     * and overlapping ranges. */
    static const char *const los[][3] = {{"20000000", NULL, NULL}, {NULL, NULL, NULL},
                                         {"20190215", "20190200", "20190000"}, {"20300000", NULL, NULL},
                                         {"19950000", "20100000", NULL}, {"20100000", NULL, NULL},
                                         {"20000000", "20050000", NULL}};
    static const char *const his[][3] = {{"20209999", NULL, NULL}, {"19991231", NULL, NULL},
                                         {"20201231", "20190200", "20190000"}, {NULL, NULL, NULL},
                                         {"19969999", NULL, NULL}, {"20000000", NULL, NULL},
                                         {"20109999", "20209999", NULL}};
    static const size_t nr[] = {1, 1, 3, 1, 2, 1, 2};
    xap_query *even = xap_query_term("even", 1), *third = xap_query_term("third", 1);
    for (size_t c = 0; c < sizeof nr / sizeof *nr; c++) {
        xap_query *ranges = NULL;
        for (size_t i = 0; i < nr[c]; i++) {
            xap_query *r = xap_query_value_range(0, los[c][i], his[c][i]);
            xap_query *o = ranges ? xap_query_combine(XAP_OP_OR, ranges, r) : r;
            if (ranges) {
                xap_query_free(ranges);
                xap_query_free(r);
            }
            ranges = o;
        }
        xap_query *table = xap_query_slot_ranges(db, 0, los[c], his[c], nr[c]);
        ck_assert_ptr_nonnull(table);
        /* Its estimate, asked without matching (check_at_least 0), is
         * the number of documents it matches: each counted once. */
        char matched[4096];
        docids_of(db, table, matched, sizeof matched);
        unsigned nmatched = 0;
        for (const char *p = matched; *p; p++)
            nmatched += *p == ',';
        xap_search_opts est = {0, 0, -1, 0, 0, NULL, 0};
        xap_results *er = NULL;
        ck_assert_int_eq(xap_search(db, table, &est, &er), SECSTD_OK);
        ck_assert_uint_eq(xap_results_total(er), nmatched);
        xap_results_free(er);
        struct {
            xap_op op;
            const xap_query *other;
            int filter_left;
        } shapes[] = {{XAP_OP_OR, NULL, 0},       {XAP_OP_FILTER, even, 1}, {XAP_OP_AND, third, 0},
                      {XAP_OP_OR, even, 0},       {XAP_OP_AND_NOT, third, 1}};
        for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
            xap_query *a, *b;
            if (!shapes[k].other) {
                a = xap_query_combine(XAP_OP_OR, ranges, NULL);
                b = xap_query_combine(XAP_OP_OR, table, NULL);
            } else if (shapes[k].filter_left) {
                a = xap_query_combine(shapes[k].op, shapes[k].other, ranges);
                b = xap_query_combine(shapes[k].op, shapes[k].other, table);
            } else {
                a = xap_query_combine(shapes[k].op, ranges, shapes[k].other);
                b = xap_query_combine(shapes[k].op, table, shapes[k].other);
            }
            char want[4096], got[4096];
            docids_of(db, a, want, sizeof want);
            docids_of(db, b, got, sizeof got);
            ck_assert_msg(strcmp(want, got) == 0, "case %zu shape %zu:\n want %s\n got  %s", c, k,
                          want, got);
            if (c == 0 && k == 0)
                ck_assert(strlen(want) > 100);   /* the set is not trivially empty */
            xap_query_free(a);
            xap_query_free(b);
        }
        xap_query_free(ranges);
        xap_query_free(table);
    }
    /* A term's in-memory document set matches what the term matches, as
     * a filter of a term, of a range, and on its own; twice (the second
     * time from the handle's cache). */
    for (int round = 0; round < 2; round++) {
        xap_query *set = xap_query_term_set(db, "third");
        ck_assert_ptr_nonnull(set);
        xap_query *range = xap_query_value_range(0, "20000000", NULL);
        const xap_query *left[] = {even, range, NULL};
        for (size_t k = 0; k < 3; k++) {
            xap_query *a = left[k] ? xap_query_combine(XAP_OP_FILTER, left[k], third)
                                   : xap_query_combine(XAP_OP_OR, third, NULL);
            xap_query *b = left[k] ? xap_query_combine(XAP_OP_FILTER, left[k], set)
                                   : xap_query_combine(XAP_OP_OR, set, NULL);
            char want[4096], got[4096];
            docids_of(db, a, want, sizeof want);
            docids_of(db, b, got, sizeof got);
            ck_assert_msg(strcmp(want, got) == 0, "term set %zu:\n want %s\n got  %s", k, want, got);
            ck_assert(strlen(want) > 20);
            xap_query_free(a);
            xap_query_free(b);
        }
        xap_query_free(range);
        xap_query_free(set);
    }
    /* Sets per handle are bounded: past the limit a new term gets NULL
     * (callers then use the term), a kept one still its set. */
    size_t made = 1;   /* "third" */
    for (int i = 0; i < 200; i++) {
        char t[32];
        snprintf(t, sizeof t, "XGgroup%d", i);
        xap_query *q = xap_query_term_set(db, t);
        if (!q)
            break;
        made++;
        xap_query_free(q);
    }
    ck_assert_uint_eq(made, 128);
    xap_query *kept = xap_query_term_set(db, "third");
    ck_assert_ptr_nonnull(kept);
    xap_query_free(kept);
    xap_query_free(even);
    xap_query_free(third);
    xap_db_free(db);
    free(path);
    tu_rmtree(dir);
    free(dir);
}
END_TEST

/* "v=n,v=n" of facet k of a match-all search with facets on slots 2 and 4. */
static void facet_string(const char *path, size_t k, char *out, size_t len)
{
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    xap_facet_spec facets[2] = {{2, 0}, {4, 1}};
    xap_search_opts so = {0, 10, -1, 0, 100, facets, 2};
    xap_query *all = xap_query_match_all();
    xap_results *r = NULL;
    ck_assert_int_eq(xap_search(db, all, &so, &r), SECSTD_OK);
    out[0] = '\0';
    for (size_t j = 0; j < xap_results_facet_size(r, k); j++) {
        const char *v;
        unsigned c;
        xap_results_facet_at(r, k, j, &v, &c);
        size_t used = strlen(out);
        snprintf(out + used, len - used, "%s%s=%u", j ? "," : "", v, c);
    }
    xap_results_free(r);
    xap_query_free(all);
    xap_db_free(db);
}

/* A writer on a new database "db" in a new temporary directory (*dir,
 * *path: malloc'ed). */
static xap_writer *new_writer(char **dir, char **path)
{
    *dir = tu_mkdtemp();
    *path = tu_strdupf("%s/db", *dir);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(*path, &w), SECSTD_OK);
    return w;
}

/* Closes w and opens what it wrote. */
static xap_db *close_and_open(xap_writer *w, const char *path)
{
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    return db;
}

/* A ranked page is the same whether every match is checked (facets, an
 * exact total: xap_search then has Xapian compare each match with the
 * worst hit kept) or only the page: same documents, same order, ties of
 * equal weight by docid, same weights; the facets count every match. */
START_TEST(test_ranked_page_same_when_every_match_checked)
{
    char *dir, *path;
    xap_writer *w = new_writer(&dir, &path);
    /* 400 documents: "alpha" with wdf 1..4 and lengths from "pad" (many
     * ties of equal weight), "beta" in one in three; slot 0 a facet. */
    for (unsigned i = 0; i < 400; i++) {
        xap_doc *d = xap_doc_new();
        ck_assert_int_eq(xap_doc_add_term(d, "alpha", 1 + i % 4), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_term(d, "pad", 1 + (i / 4) % 3), SECSTD_OK);
        if (i % 3 == 0)
            ck_assert_int_eq(xap_doc_add_term(d, "beta", 1 + i % 2), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_value(d, 0, i % 5 ? "common" : "rare"), SECSTD_OK);
        ck_assert_int_eq(xap_writer_add(w, d), SECSTD_OK);
        xap_doc_free(d);
    }
    xap_db *db = close_and_open(w, path);
    xap_query *alpha = xap_query_term("alpha", 1), *beta = xap_query_term("beta", 1);
    xap_query *either = xap_query_combine(XAP_OP_OR, alpha, beta);
    const xap_query *queries[] = {alpha, either};
    xap_facet_spec facet = {0, 0};
    for (size_t qi = 0; qi < 2; qi++)
        for (unsigned offset = 0; offset <= 30; offset += 15) {
            xap_search_opts page = {offset, 10, -1, 0, offset + 11, NULL, 0};
            xap_search_opts every = {offset, 10, -1, 0, 1000, &facet, 1};
            xap_results *a = NULL, *b = NULL;
            ck_assert_int_eq(xap_search(db, queries[qi], &page, &a), SECSTD_OK);
            ck_assert_int_eq(xap_search(db, queries[qi], &every, &b), SECSTD_OK);
            ck_assert_uint_eq(xap_results_count(a), 10);
            ck_assert_uint_eq(xap_results_count(b), 10);
            int ties = 0;
            for (unsigned i = 0; i < 10; i++) {
                ck_assert_msg(xap_results_docid(a, i) == xap_results_docid(b, i),
                              "query %zu offset %u hit %u: docid %u, %u when every match is checked",
                              qi, offset, i, xap_results_docid(a, i), xap_results_docid(b, i));
                ck_assert(xap_results_weight(a, i) == xap_results_weight(b, i));
                ties += i > 0 && xap_results_weight(b, i) == xap_results_weight(b, i - 1);
            }
            ck_assert_int_gt(ties, 0);   /* the order of equal weights is tested */
            ck_assert_uint_eq(xap_results_total(b), 400);
            ck_assert(xap_results_total_exact(b));
            ck_assert_uint_eq(xap_results_facet_size(b, 0), 2);
            const char *v;
            unsigned c0, c1;
            xap_results_facet_at(b, 0, 0, &v, &c0);
            ck_assert_str_eq(v, "common");
            xap_results_facet_at(b, 0, 1, &v, &c1);
            ck_assert_str_eq(v, "rare");
            ck_assert_uint_eq(c0, 320);
            ck_assert_uint_eq(c1, 80);
            xap_results_free(a);
            xap_results_free(b);
        }
    xap_query_free(alpha);
    xap_query_free(beta);
    xap_query_free(either);
    xap_db_free(db);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

/* Facet counts of slot 0 ("first", "second") and the total of one search. */
static void facets_of(xap_db *db, const xap_query *q, unsigned limit, unsigned check,
                      unsigned *first, unsigned *second, unsigned *total, int *exact)
{
    xap_facet_spec facet = {0, 0};
    xap_search_opts o = {0, limit, -1, 0, check, &facet, 1};
    xap_results *r = NULL;
    ck_assert_int_eq(xap_search(db, q, &o, &r), SECSTD_OK);
    *first = *second = 0;
    for (size_t j = 0; j < xap_results_facet_size(r, 0); j++) {
        const char *v;
        unsigned c;
        xap_results_facet_at(r, 0, j, &v, &c);
        if (strcmp(v, "first") == 0)
            *first = c;
        else if (strcmp(v, "second") == 0)
            *second = c;
    }
    *total = xap_results_total(r);
    *exact = xap_results_facets_exact(r);
    /* Facets counted in full count the total too (an estimated total can
     * still be exact: a term's frequency is known). */
    ck_assert(!*exact || xap_results_total_exact(r));
    xap_results_free(r);
}

/* Past check_at_least matches the facets are not the first matches in
 * docid order scaled up (these follow the order records were read, one
 * body after another): the next half check_at_least are counted too
 * (exact), and beyond that a pseudo-random share of the rest is
 * (estimated, the same each time). 4,000 documents: "alpha" in all,
 * "beta" in every other one; slot 0 "first" for the first half of the
 * docids, "second" for the rest. */
START_TEST(test_facets_past_check_at_least)
{
    char *dir, *path;
    xap_writer *w = new_writer(&dir, &path);
    for (unsigned i = 0; i < 4000; i++) {
        xap_doc *d = xap_doc_new();
        ck_assert_int_eq(xap_doc_add_term(d, "alpha", 1 + i % 3), SECSTD_OK);
        if (i % 2)
            ck_assert_int_eq(xap_doc_add_term(d, "beta", 1), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_value(d, 0, i < 2000 ? "first" : "second"), SECSTD_OK);
        ck_assert_int_eq(xap_writer_add(w, d), SECSTD_OK);
        xap_doc_free(d);
    }
    xap_db *db = close_and_open(w, path);
    xap_query *alpha = xap_query_term("alpha", 1), *beta = xap_query_term("beta", 1);
    unsigned a, b, total;
    int exact;
    /* 3,000 checked and the 1,000 after them counted: exact, ranked or
     * counting alone. */
    for (unsigned limit = 0; limit <= 10; limit += 10) {
        facets_of(db, alpha, limit, 3000, &a, &b, &total, &exact);
        ck_assert_msg(a == 2000 && b == 2000 && total == 4000 && exact,
                      "limit %u: first %u, second %u, total %u, exact %d", limit, a, b, total,
                      exact);
    }
    /* 1,000 checked, 500 more counted, a fifth of the last 2,500 taken:
     * an estimate near the truth (the first matches alone had no
     * "second"). */
    for (unsigned limit = 0; limit <= 10; limit += 10) {
        facets_of(db, alpha, limit, 1000, &a, &b, &total, &exact);
        ck_assert_msg(!exact && a > 1800 && a < 2200 && b > 1800 && b < 2200 && total == 4000,
                      "limit %u: first %u, second %u, total %u, exact %d", limit, a, b, total,
                      exact);
        unsigned a2, b2, total2;
        int exact2;
        facets_of(db, alpha, limit, 1000, &a2, &b2, &total2, &exact2);
        ck_assert(a2 == a && b2 == b && total2 == total && exact2 == exact);
    }
    /* Every other document: 500 checked, 250 more, a fifth of the rest
     * (about 250: within a quarter). */
    facets_of(db, beta, 10, 500, &a, &b, &total, &exact);
    ck_assert_msg(!exact && a > 750 && a < 1250 && b > 750 && b < 1250 && total == 2000,
                  "beta: first %u, second %u, total %u", a, b, total);
    /* Fewer matches than checked: exact, and no second pass needed. */
    facets_of(db, beta, 10, 2001, &a, &b, &total, &exact);
    ck_assert(a == 1000 && b == 1000 && total == 2000 && exact);
    xap_query_free(alpha);
    xap_query_free(beta);
    xap_db_free(db);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_facet_tables_stored)
{
    char *path = make_db();
    char walked_sdo[512], walked_area[512], s[512];
    facet_string(path, 0, walked_sdo, sizeof walked_sdo);
    facet_string(path, 1, walked_area, sizeof walked_area);
    ck_assert_ptr_nonnull(strstr(walked_area, "pki=2"));

    /* Stored tables give the same counts as walking the value streams. */
    unsigned slots[2] = {2, 4};
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    ck_assert_int_eq(xap_writer_store_facet_tables(w, slots, 2), SECSTD_OK);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    xap_db *db = NULL;
    char *blob = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    ck_assert_int_eq(xap_db_get_metadata(db, "secstd.facets.4", &blob), SECSTD_OK);
    ck_assert_int_eq(strncmp(blob, "SFT1", 4), 0);
    free(blob);
    xap_db_free(db);
    facet_string(path, 0, s, sizeof s);
    ck_assert_str_eq(s, walked_sdo);
    facet_string(path, 1, s, sizeof s);
    ck_assert_str_eq(s, walked_area);

    /* A table is read, not recomputed: re-index document "a" under another
     * SDO in place (same docid, so the table still fits) without storing
     * the tables again, and the counts are the stored ones. (The indexer
     * stores them at the end of every build, so this never happens there.) */
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    add_doc(w, "a", "Public-key certificate frameworks", "ansi", "pki\nidentity", "20191000");
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    facet_string(path, 0, s, sizeof s);
    ck_assert_str_eq(s, walked_sdo);
    ck_assert_ptr_null(strstr(s, "ansi"));

    /* A stale table (documents added since) is ignored: the new SDO is
     * counted. */
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    add_doc(w, "f", "Cryptographic module validation", "nist", "crypto", "20250100");
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    facet_string(path, 0, s, sizeof s);
    ck_assert_ptr_nonnull(strstr(s, "nist=1"));
    facet_string(path, 1, s, sizeof s);
    ck_assert_ptr_nonnull(strstr(s, "crypto=1"));

    /* A damaged table is ignored too: the walk sees "a" under its new SDO. */
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    ck_assert_int_eq(xap_writer_set_metadata(w, "secstd.facets.2", "SFT1\x06garbage"), SECSTD_OK);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    facet_string(path, 0, s, sizeof s);
    ck_assert_ptr_nonnull(strstr(s, "nist=1"));
    ck_assert_ptr_nonnull(strstr(s, "ansi=1"));
    ck_assert_ptr_null(strstr(s, "itu-t"));
    drop_db(path);
}
END_TEST

/* The docids, weights, total and facet of one search, as text. */
static char *search_text(xap_db *db, const xap_query *q, unsigned limit)
{
    xap_facet_spec facet = {0, 0};
    xap_search_opts o = {0, limit, -1, 0, 1000, &facet, 1};
    xap_results *r = NULL;
    ck_assert_int_eq(xap_search(db, q, &o, &r), SECSTD_OK);
    char *s = tu_strdupf("total %u exact %d:", xap_results_total(r), xap_results_total_exact(r));
    for (unsigned i = 0; i < xap_results_count(r); i++) {
        char *t = tu_strdupf("%s %u/%.17g", s, xap_results_docid(r, i), xap_results_weight(r, i));
        free(s);
        s = t;
    }
    for (size_t j = 0; j < xap_results_facet_size(r, 0); j++) {
        const char *v;
        unsigned c;
        xap_results_facet_at(r, 0, j, &v, &c);
        char *t = tu_strdupf("%s %s=%u", s, v, c);
        free(s);
        s = t;
    }
    /* Highlighting: the phrase marked as one, not its words anywhere. */
    const char *text = "Security of the transport layer; transport layer security (TLS) for "
                       "things on the internet and the internet of things";
    char *snip = NULL;
    if (limit > 0) {
        ck_assert_int_eq(xap_results_snippet(r, text, strlen(text), 400, &snip), SECSTD_OK);
        char *t = tu_strdupf("%s snippet %s", s, snip);
        free(s);
        s = t;
        free(snip);
    }
    xap_results_free(r);
    return s;
}

/* The synonym table's phrases answered from their sets: the same
 * matches, weights, totals, facets and snippets as the phrases
 * themselves, ranked (every match checked) and counted. 300 documents:
 * the phrase "transport layer security" in a quarter of them (its set a
 * bit per document), its words apart in others, "tls" alone in some;
 * "internet of things" in four (its set a list of docids), its words
 * apart in others. */
START_TEST(test_phrase_sets_same_answers)
{
    char *dir, *path;
    xap_writer *w = new_writer(&dir, &path);
    static const char *const texts[] = {
        "transport layer security for web services",
        "security of the transport layer and the session layer",
        "tls profiles and transport layer security versions transport layer security",
        "layer two transport with security associations",
        "internet of things device security",
        "things to secure on the internet",
        "the internet of things and tls",
        "key derivation functions",
    };
    for (unsigned i = 0; i < 300; i++) {
        xap_doc *d = xap_doc_new();
        const char *text = texts[i % 8];
        if (i >= 16 && (i % 8 == 4 || i % 8 == 6))
            text = "security of things on the internet of ours";
        ck_assert_int_eq(xap_doc_index_text(d, text, 1 + i % 3, ""), SECSTD_OK);
        ck_assert_int_eq(xap_doc_add_value(d, 0, i % 5 ? "common" : "rare"), SECSTD_OK);
        ck_assert_int_eq(xap_writer_add(w, d), SECSTD_OK);
        xap_doc_free(d);
    }
    xap_db *db = close_and_open(w, path);
    static const char *const queries[] = {
        "tls OR \"transport layer security\"", "(iot OR \"internet of things\") security",
        "\"internet of things\" OR tls",
        "\"transport layer security\" -session", "\"key derivation\"", "\"transport layer\"",
    };
    unsigned flags = XAP_PARSE_BOOLEAN | XAP_PARSE_PHRASE | XAP_PARSE_LOVEHATE | XAP_PARSE_DEFAULT_AND;
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        xap_query *plain = NULL, *sets = NULL;
        ck_assert_int_eq(xap_query_parse(db, queries[i], flags, &plain, NULL), SECSTD_OK);
        ck_assert_int_eq(xap_query_parse(db, queries[i], flags | XAP_PARSE_PHRASE_SETS, &sets, NULL),
                         SECSTD_OK);
        /* As parsed, whatever answers it. */
        char *d1 = xap_query_describe(plain), *d2 = xap_query_describe(sets);
        ck_assert_str_eq(d1, d2);
        free(d1);
        free(d2);
        /* Alone, weighted up, and under a filter: the forms follow. */
        xap_query *scaled[2] = {xap_query_scale(plain, 2.5), xap_query_scale(sets, 2.5)};
        xap_query *rare = xap_query_term("rare", 1);
        xap_query *under[2] = {xap_query_combine(XAP_OP_AND_NOT, scaled[0], rare),
                               xap_query_combine(XAP_OP_AND_NOT, scaled[1], rare)};
        const xap_query *pairs[][2] = {{plain, sets}, {scaled[0], scaled[1]}, {under[0], under[1]}};
        for (size_t k = 0; k < 3; k++)
            for (unsigned limit = 0; limit <= 10; limit += 10) {
                char *a = search_text(db, pairs[k][0], limit), *b = search_text(db, pairs[k][1], limit);
                ck_assert_msg(strcmp(a, b) == 0, "%s (form %zu, limit %u):\n  phrase: %s\n  set:    %s",
                              queries[i], k, limit, a, b);
                ck_assert_msg(strstr(a, "total 0 ") == NULL, "%s: nothing found", queries[i]);
                free(a);
                free(b);
            }
        xap_query_free(scaled[0]);
        xap_query_free(scaled[1]);
        xap_query_free(under[0]);
        xap_query_free(under[1]);
        xap_query_free(rare);
        xap_query_free(plain);
        xap_query_free(sets);
    }
    /* Only the synonym table's phrases have sets ("key derivation" and
     * "transport layer" are not in it), one per phrase, kept. */
    ck_assert_uint_eq(xap_db_phrase_sets(db), 2);
    ck_assert_int_eq(xap_db_reopen(db), SECSTD_OK);
    ck_assert_uint_eq(xap_db_phrase_sets(db), 0);
    xap_db_free(db);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

START_TEST(test_snippet_markers)
{
    char *path = make_db();
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    xap_search_opts o = {0, 10, -1, 0, 100, NULL, 0};
    xap_results *r = run(db, "management", 0, &o);
    ck_assert_uint_eq(xap_results_count(r), 1);
    const char *text = "Information security management systems <requirements> & controls &amp;";
    char *s = NULL;
    ck_assert_int_eq(xap_results_snippet(r, text, strlen(text), 200, &s), SECSTD_OK);
    ck_assert_msg(strstr(s, "\x01management\x02") != NULL, "snippet: %s", s);
    /* The raw text is left for the caller to escape. */
    ck_assert_msg(strstr(s, "<requirements> & controls &amp") != NULL, "snippet: %s", s);
    free(s);
    /* A short maximum cuts the text. */
    ck_assert_int_eq(xap_results_snippet(r, text, strlen(text), 30, &s), SECSTD_OK);
    ck_assert_uint_le(strlen(s), 30 + 2 * 3 + 2);
    ck_assert_ptr_nonnull(strchr(s, '\x01'));
    free(s);
    xap_results_free(r);
    xap_db_free(db);
    drop_db(path);
}
END_TEST

START_TEST(test_expand_free_text_only)
{
    char *path = make_db();
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    unsigned docid = 0;
    ck_assert_int_eq(xap_db_postings(db, "Qa", first_doc, &docid), SECSTD_OK);
    char **terms = NULL;
    size_t n = 0;
    ck_assert_int_eq(xap_expand(db, &docid, 1, 10, &terms, &n), SECSTD_OK);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_le(n, 10);
    int has_cert = 0;
    for (size_t i = 0; i < n; i++) {
        ck_assert_msg(!(terms[i][0] >= 'A' && terms[i][0] <= 'Z'), "prefixed term %s", terms[i]);
        ck_assert_str_ne(terms[i], "and");
        has_cert |= strncmp(terms[i], "certif", 6) == 0;
    }
    ck_assert(has_cert);
    xap_strings_free(terms, n);
    xap_strings_free(NULL, 0);
    xap_db_free(db);
    drop_db(path);
}
END_TEST

START_TEST(test_free_null_noop)
{
    xap_db_free(NULL);
    xap_writer_free(NULL);
    xap_doc_free(NULL);
    xap_query_free(NULL);
    xap_results_free(NULL);
}
END_TEST

/* Stems come from a per-thread cache (indexer/xap.cc): a word seen before
 * gets the same stem as the first time, and words first seen after the
 * cache is full (20,000 words) are still stemmed. */
START_TEST(test_stems_cached_and_past_the_bound)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/db", dir);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    add_doc(w, "1", "connections connecting generally", NULL, NULL, NULL);
    add_doc(w, "2", "connected connection generally", NULL, NULL, NULL);
    size_t cap = 25000 * 8 + 1, len = 0;
    char *filler = malloc(cap);
    ck_assert_ptr_nonnull(filler);
    for (int i = 0; i < 25000; i++)
        len += (size_t)snprintf(filler + len, cap - len, "qz%d ", i);
    add_doc(w, "3", filler, NULL, NULL, NULL);
    free(filler);
    add_doc(w, "4", "generalizations connections", NULL, NULL, NULL);
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);

    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    unsigned freq = 0;
    ck_assert_int_eq(xap_db_termfreq(db, "Zconnect", &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 3);
    ck_assert_int_eq(xap_db_termfreq(db, "Zgeneral", &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 3);
    ck_assert_int_eq(xap_db_termfreq(db, "Zqz24999", &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 1);
    ck_assert_int_eq(xap_db_termfreq(db, "Zconnections", &freq), SECSTD_OK);
    ck_assert_uint_eq(freq, 0);
    xap_db_free(db);
    tu_rmtree(dir);
    free(path);
    free(dir);
}
END_TEST

/* Snippets skip the stemmer for words that start with a letter or digit
 * no stem of the query starts with (xap.cc, CachedEnglishStem): that
 * holds only if the English stemmer never changes a word's first letter
 * or digit. Checked here on every distinct word of the real listings in
 * ../shared/data/sdo (titles, abstracts, markup and all), plus the
 * stemmer's own exceptions. */
static char **stem_words;
static size_t stem_nwords, stem_cap;

static void add_words(const char *text, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        unsigned char prev = i ? (unsigned char)text[i - 1] : ' ';
        int prev_word = (prev >= 'a' && prev <= 'z') || (prev >= 'A' && prev <= 'Z') ||
                        (prev >= '0' && prev <= '9') || prev >= 0x80 || prev == '\'';
        if (!alnum || prev_word) {
            i++;
            continue;
        }
        size_t j = i;
        char word[64];
        size_t n = 0;
        while (j < len) {
            unsigned char d = (unsigned char)text[j];
            if (!((d >= 'a' && d <= 'z') || (d >= 'A' && d <= 'Z') || (d >= '0' && d <= '9') ||
                  d >= 0x80 || d == '\''))
                break;
            if (n < sizeof word - 1)
                word[n++] = (char)(d >= 'A' && d <= 'Z' ? d + 32 : d);
            j++;
        }
        while (n && word[n - 1] == '\'')
            n--;
        word[n] = '\0';
        if (n && n < sizeof word - 1) {
            if (stem_nwords == stem_cap) {
                stem_cap = stem_cap ? stem_cap * 2 : 65536;
                stem_words = realloc(stem_words, stem_cap * sizeof *stem_words);
                ck_assert_ptr_nonnull(stem_words);
            }
            stem_words[stem_nwords++] = strdup(word);
        }
        i = j;
    }
}

static int add_file_words(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)ftw;
    if (flag != FTW_F)
        return 0;
    size_t len = 0;
    char *text = tu_read_file(path, &len);
    if (text)
        add_words(text, len);
    free(text);
    return 0;
}

static int cmp_words(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

START_TEST(test_stem_first_byte)
{
    static const char *const exceptions[] = {
        "dying", "lying", "tying", "skies", "skis", "idly", "gently", "ugly", "early", "only",
        "singly", "news", "howe", "atlas", "cosmos", "bias", "andes", "yelling", "ies", "ied",
        "sses", "y", "ys", "3gpp's", "generalizations", "organization", "x.509"};
    for (size_t i = 0; i < sizeof exceptions / sizeof *exceptions; i++)
        add_words(exceptions[i], strlen(exceptions[i]));
    if (tu_have_shared()) {
        char *root = tu_shared("");
        ck_assert_int_eq(nftw(root, add_file_words, 16, FTW_PHYS), 0);
        free(root);
        ck_assert_uint_gt(stem_nwords, 100000);
    }
    qsort(stem_words, stem_nwords, sizeof *stem_words, cmp_words);
    size_t distinct = 0, changed = 0;
    for (size_t i = 0; i < stem_nwords; i++) {
        if (i && strcmp(stem_words[i], stem_words[i - 1]) == 0)
            continue;
        distinct++;
        char stem[128];
        ck_assert_uint_gt(xap_stem_word(stem_words[i], stem, sizeof stem), 0);
        ck_assert_msg(stem[0] == stem_words[i][0], "%s stems to %s", stem_words[i], stem);
        changed += strcmp(stem, stem_words[i]) != 0;
    }
    /* The check saw real stemming: "dying" -> "die" and the like. */
    char stem[16];
    ck_assert_uint_eq(xap_stem_word("dying", stem, sizeof stem), 3);
    ck_assert_str_eq(stem, "die");
    ck_assert_uint_eq(xap_stem_word("generalizations", stem, 4), 7);
    ck_assert_str_eq(stem, "gen");
    ck_assert_uint_gt(changed, distinct / 10);
    if (tu_have_shared())
        ck_assert_uint_gt(distinct, 20000);
    for (size_t i = 0; i < stem_nwords; i++)
        free(stem_words[i]);
    free(stem_words);
    stem_words = NULL;
    stem_nwords = stem_cap = 0;
}
END_TEST

/* A snippet highlights words by stem whatever their case and whatever
 * the other words of the text start with, and no word whose first letter
 * no query stem shares. */
START_TEST(test_snippet_stems_by_first_letter)
{
    char *path = make_db();
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    xap_search_opts o = {0, 10, -1, 0, 100, NULL, 0};
    xap_results *r = run(db, "managing", 0, &o);
    const char *text = "Managed keys: key management, mentors and the manage-ment of Management.";
    char *s = NULL;
    ck_assert_int_eq(xap_results_snippet(r, text, strlen(text), 200, &s), SECSTD_OK);
    ck_assert_msg(strstr(s, "\x01Managed\x02") && strstr(s, "\x01management\x02") &&
                      strstr(s, "\x01Management\x02") && strstr(s, "\x01manage\x02"),
                  "snippet: %s", s);
    ck_assert_msg(!strstr(s, "\x01key") && !strstr(s, "\x01ment") && !strstr(s, "\x01the"),
                  "snippet: %s", s);
    free(s);
    xap_results_free(r);
    /* After a snippet, the thread's stemmer stems every word again (the
     * index and query parser share it). */
    char stem[32];
    ck_assert_uint_eq(xap_stem_word("keys", stem, sizeof stem), 3);
    ck_assert_str_eq(stem, "key");
    xap_db_free(db);
    drop_db(path);
}
END_TEST

/* A prefix* expands to the XAP_WILDCARD_MAX most frequent words, not to
 * every word it starts (thousands for "a*" in a real index). */
START_TEST(test_wildcard_expansion_capped)
{
    char *dir = tu_mkdtemp();
    char *path = tu_strdupf("%s/db", dir);
    free(dir);
    xap_writer *w = NULL;
    ck_assert_int_eq(xap_writer_open(path, &w), SECSTD_OK);
    /* XAP_WILDCARD_MAX words "zqN" in two documents each, and 30 more in
     * one document each: the cap keeps the frequent ones. */
    int ndocs = 0;
    for (int i = 0; i < XAP_WILDCARD_MAX + 30; i++)
        for (int copy = 0; copy < (i < XAP_WILDCARD_MAX ? 2 : 1); copy++) {
            char id[16], text[64];
            snprintf(id, sizeof id, "d%d", ndocs++);
            snprintf(text, sizeof text, "zq%d", i);
            add_doc(w, id, text, "ietf", NULL, NULL);
        }
    ck_assert_int_eq(xap_writer_close(w), SECSTD_OK);
    xap_writer_free(w);
    xap_db *db = NULL;
    ck_assert_int_eq(xap_db_open(path, &db), SECSTD_OK);
    xap_query *q = NULL;
    ck_assert_int_eq(xap_query_parse(db, "zq*", XAP_PARSE_WILDCARD, &q, NULL), SECSTD_OK);
    xap_search_opts o = {0, 10, -1, 0, 1000, NULL, 0};
    xap_results *r = NULL;
    ck_assert_int_eq(xap_search(db, q, &o, &r), SECSTD_OK);
    ck_assert_uint_eq(xap_results_total(r), 2 * XAP_WILDCARD_MAX);
    xap_results_free(r);
    xap_query_free(q);
    xap_db_free(db);
    drop_db(path);
}
END_TEST

static Suite *xap_suite(void)
{
    Suite *s = suite_create("xap");
    TCase *e = tcase_create("exceptions");
    tcase_set_timeout(e, 120);
    tcase_add_test(e, test_open_missing);
    tcase_add_test(e, test_last_error_cleared_on_success);
    tcase_add_test(e, test_two_writers_lock);
    tcase_add_test(e, test_query_syntax_error);
    tcase_add_test(e, test_database_modified);
    tcase_add_test(e, test_corrupt_version_file);
    tcase_add_test(e, test_corrupt_table_at_search);
    tcase_add_test(e, test_truncated_table_other_error);
    tcase_add_test(e, test_status_strings);
    suite_add_tcase(s, e);
    TCase *t = tcase_create("terms");
    tcase_add_test(t, test_term_fit_short_unchanged);
    tcase_add_test(t, test_term_fit_long_hashed_unique);
    tcase_add_test(t, test_term_fit_utf8_not_cut);
    tcase_add_test(t, test_term_fit_small_buffer);
    suite_add_tcase(s, t);
    TCase *d = tcase_create("basics");
    tcase_add_test(d, test_doc_terms_values_metadata);
    tcase_add_test(d, test_query_builders);
    tcase_add_test(d, test_wildcard_expansion_capped);
    tcase_add_test(d, test_function_words);
    tcase_add_test(d, test_search_sort_range_facets);
    tcase_add_test(d, test_slot_ranges_equal_value_ranges);
    tcase_add_test(d, test_ranked_page_same_when_every_match_checked);
    tcase_add_test(d, test_facets_past_check_at_least);
    tcase_add_test(d, test_facet_tables_stored);
    tcase_add_test(d, test_snippet_markers);
    tcase_add_test(d, test_phrase_sets_same_answers);
    tcase_add_test(d, test_expand_free_text_only);
    tcase_add_test(d, test_free_null_noop);
    tcase_add_test(d, test_stems_cached_and_past_the_bound);
    tcase_add_test(d, test_snippet_stems_by_first_letter);
    suite_add_tcase(s, d);
    /* Reads and stems every word of ../shared/data/sdo: about 2 s, more
     * under the sanitizers. */
    TCase *st = tcase_create("stems");
    tcase_set_timeout(st, 120);
    tcase_add_test(st, test_stem_first_byte);
    suite_add_tcase(s, st);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xap_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
