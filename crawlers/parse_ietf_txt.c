/* parse_ietf_txt.c — the RFC Editor's plain-text index (rfc-index.txt and
 * rfc-index-latest.txt) into one record per issued RFC.
 *
 * The file is a header followed by citations, one blank-line-separated
 * block per RFC, the first line starting with the number at column 0:
 *
 *   8446 The Transport Layer Security (TLS) Protocol Version 1.3. E.
 *        Rescorla. August 2018. (Format: TXT, HTML) (Obsoletes RFC5077,
 *        RFC5246, RFC6961) (Obsoleted by RFC9846) (Updates RFC5705,
 *        RFC6066) (Status: PROPOSED STANDARD) (DOI: 10.17487/RFC8446)
 *
 * "NNNN Not Issued." blocks are skipped. A block's lines are joined (a
 * line ending in '-' was wrapped at a hyphen and joins without a space);
 * the parenthesised groups are read by keyword; what precedes them is
 * "Title. Authors. [Day] Month Year.". Titles contain periods too, so the
 * title ends at the first ". " followed by an author initial ("E.",
 * "JL.", "S.D."), or, for corporate authors, at the first ". ". The XML
 * index says the same with less guessing; this parser exists because the
 * text index is the complete, cheap one. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "parse_util.h"
#include "parser.h"

/* Longest citation block accepted (RFC 8996's is ~2 KB). */
#define BLOCK_MAX (64 * 1024)

/* Parenthesised groups: keyword -> what it fills. */
enum group_kind { G_IGNORE, G_RELATION, G_ALSO, G_STATUS, G_DOI };
static const struct {
    const char *keyword;      /* text after '(' */
    enum group_kind kind;
    const char *relation;     /* relation kind for G_RELATION */
} groups[] = {
    {"Format:", G_IGNORE, NULL},
    {"Obsoleted by", G_RELATION, "superseded_by"},
    {"Obsoletes", G_RELATION, "supersedes"},
    {"Updated by", G_RELATION, "updated_by"},
    {"Updates", G_RELATION, "updates"},
    {"See Also", G_RELATION, "related"},
    {"Also", G_ALSO, NULL},
    {"Status:", G_STATUS, NULL},
    {"DOI:", G_DOI, NULL},
};

static int group_at(const char *s)
{
    if (*s != '(')
        return -1;
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        size_t n = strlen(groups[i].keyword);
        if (strncmp(s + 1, groups[i].keyword, n) == 0 &&
            (s[1 + n] == ' ' || s[1 + n] == ')' || groups[i].keyword[n - 1] == ':'))
            return (int)i;
    }
    return -1;
}

/* Joins the lines of a block into one line (see the file comment). */
static size_t join_lines(const char *src, size_t len, char *dst, size_t cap)
{
    size_t o = 0;
    int at_line_start = 0;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        char c = src[i];
        if (c == '\r')
            continue;
        if (c == '\n') {
            if (o > 0 && dst[o - 1] != '-')
                dst[o++] = ' ';
            at_line_start = 1;
            continue;
        }
        if (at_line_start && (c == ' ' || c == '\t'))
            continue;
        at_line_start = 0;
        dst[o++] = c;
    }
    dst[o] = '\0';
    return o;
}

/* Adds each "RFCnnnn" of a comma-separated list (with rec_add or relate). */
static secstd_status add_id_list(json_t *rec, const char *list, size_t len, const char *relation,
                                 const char *array)
{
    secstd_status st = SECSTD_OK;
    size_t i = 0;
    while (i < len && st == SECSTD_OK) {
        while (i < len && (list[i] == ' ' || list[i] == ','))
            i++;
        size_t start = i;
        while (i < len && list[i] != ',')
            i++;
        char item[32];
        size_t n = i - start;
        if (n == 0 || n >= sizeof item)
            continue;
        memcpy(item, list + start, n);
        item[n] = '\0';
        secstd_ident id;
        if (secstd_ietf_ident(item, &id) != SECSTD_OK)
            continue; /* e.g. "NIC..." or "IEN..." in very old entries */
        st = relation ? secstd_rec_relate(rec, relation, id.id) : secstd_rec_add(rec, array, id.id);
    }
    return st;
}

/* "E. Rescorla" / "R. Parekh, Ed., D. Voyer, Ed., C. Filsfils": ", Ed."
 * belongs to the name before it. */
static secstd_status add_authors(json_t *rec, const char *s, size_t len)
{
    secstd_status st = SECSTD_OK;
    size_t i = 0;
    while (i < len && st == SECSTD_OK) {
        while (i < len && (s[i] == ' ' || s[i] == ','))
            i++;
        size_t start = i;
        while (i < len && s[i] != ',')
            i++;
        size_t end = i;
        if (i + 5 <= len && strncmp(s + i, ", Ed.", 5) == 0) {
            end = i + 5;
            i += 5;
        }
        if (end > start && end - start < 200) {
            char name[200];
            memcpy(name, s + start, end - start);
            name[end - start] = '\0';
            st = secstd_rec_add(rec, "authors", name);
        }
    }
    return st;
}

/* An author list starts with an initial: "E.", "JL.", "S.D.", "Th.". */
static int initial_at(const char *s)
{
    size_t n = 0;
    if (!isupper((unsigned char)s[0]))
        return 0;
    n = 1;
    while (n < 3 && isalpha((unsigned char)s[n]))
        n++;
    return s[n] == '.';
}

/* One citation: number, then "Title. Authors. Date." and the groups. */
static secstd_status citation(char *s, size_t line, secstd_collector *out, size_t *skipped,
                              char *err, size_t errlen)
{
    char *p = s;
    while (isdigit((unsigned char)*p))
        p++;
    char numbuf[16];
    size_t nlen = (size_t)(p - s);
    if (nlen == 0 || nlen >= sizeof numbuf || *p != ' ') {
        secstd_errf(err, errlen, "line %zu: citation does not start with an RFC number", line);
        return SECSTD_ERR_PARSE;
    }
    memcpy(numbuf, s, nlen);
    numbuf[nlen] = '\0';
    unsigned long num = strtoul(numbuf, NULL, 10);
    p++;
    if (strncmp(p, "Not Issued", 10) == 0) {
        (*skipped)++;
        return SECSTD_OK;
    }
    /* The groups start at the first " (" + known keyword. */
    char *groups_start = NULL;
    for (char *q = strstr(p, " ("); q; q = strstr(q + 1, " (")) {
        if (group_at(q + 1) >= 0) {
            groups_start = q;
            break;
        }
    }
    size_t pre_len = groups_start ? (size_t)(groups_start - p) : strlen(p);
    while (pre_len > 0 && p[pre_len - 1] == ' ')
        pre_len--;
    /* Date: "[Day] Month Year." at the end of pre. */
    if (pre_len < 10 || p[pre_len - 1] != '.') {
        secstd_errf(err, errlen, "line %zu: RFC %lu: no date before the groups", line, num);
        return SECSTD_ERR_PARSE;
    }
    size_t y_end = pre_len - 1, y_start = y_end;
    while (y_start > 0 && isdigit((unsigned char)p[y_start - 1]))
        y_start--;
    size_t m_end = y_start > 0 ? y_start - 1 : 0, m_start = m_end;
    while (m_start > 0 && isalpha((unsigned char)p[m_start - 1]))
        m_start--;
    int month = secstd_month_number(p + m_start, m_end - m_start);
    if (y_end - y_start != 4 || p[m_end] != ' ' || !month || m_start == 0 ||
        p[m_start - 1] != ' ') {
        secstd_errf(err, errlen, "line %zu: RFC %lu: cannot read the date in '%.*s'", line, num,
                    (int)(pre_len > 60 ? 60 : pre_len), p + (pre_len > 60 ? pre_len - 60 : 0));
        return SECSTD_ERR_PARSE;
    }
    size_t body_end = m_start - 1; /* the space before the month */
    int day = 0;
    size_t d_start = body_end;
    while (d_start > 0 && isdigit((unsigned char)p[d_start - 1]))
        d_start--;
    if (body_end - d_start >= 1 && body_end - d_start <= 2 && d_start > 0 && p[d_start - 1] == ' ') {
        day = (int)strtol(p + d_start, NULL, 10);
        body_end = d_start - 1;
    }
    char date[16];
    if (day >= 1 && day <= 31)
        snprintf(date, sizeof date, "%.4s-%02d-%02d", p + y_start, month, day);
    else
        snprintf(date, sizeof date, "%.4s-%02d", p + y_start, month);
    /* body = "Title. Authors." */
    size_t blen = body_end;
    if (blen > 0 && p[blen - 1] == '.')
        blen--;
    size_t split = 0;
    for (size_t i = 0; i + 2 < blen; i++) {
        if (p[i] == '.' && p[i + 1] == ' ' && initial_at(p + i + 2)) {
            split = i;
            break;
        }
    }
    if (!split) {
        char *dot = memchr(p, '.', blen);
        while (dot && !(dot[1] == ' '))
            dot = memchr(dot + 1, '.', blen - (size_t)(dot + 1 - p));
        split = dot ? (size_t)(dot - p) : blen;
    }
    if (split == 0) {
        secstd_errf(err, errlen, "line %zu: RFC %lu: empty title", line, num);
        return SECSTD_ERR_PARSE;
    }
    char idtext[32];
    snprintf(idtext, sizeof idtext, "RFC %lu", num);
    secstd_ident id;
    if (secstd_ietf_ident(idtext, &id) != SECSTD_OK) {
        secstd_errf(err, errlen, "line %zu: bad RFC number %s", line, numbuf);
        return SECSTD_ERR_PARSE;
    }
    json_t *rec = secstd_rec_new(&id);
    if (!rec)
        return SECSTD_ERR_NOMEM;
    char saved = p[split];
    p[split] = '\0';
    secstd_status st = secstd_rec_set(rec, "title", p);
    p[split] = saved;
    if (st == SECSTD_OK && split + 2 < blen)
        st = add_authors(rec, p + split + 2, blen - split - 2);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "date", date);
    /* Groups. */
    char *status = NULL;
    int obsoleted = 0;
    for (char *g = groups_start ? groups_start + 1 : NULL; g && *g && st == SECSTD_OK;) {
        while (*g == ' ')
            g++;
        if (!*g)
            break;
        int k = group_at(g);
        char *close = strchr(g, ')');
        if (k < 0 || !close) {
            secstd_errf(err, errlen, "line %zu: RFC %lu: unexpected text '%.30s'", line, num, g);
            st = SECSTD_ERR_PARSE;
            break;
        }
        const char *val = g + 1 + strlen(groups[k].keyword);
        while (*val == ' ')
            val++;
        size_t vlen = (size_t)(close - val);
        switch (groups[k].kind) {
        case G_IGNORE:
            break;
        case G_RELATION:
            if (strcmp(groups[k].relation, "superseded_by") == 0)
                obsoleted = 1;
            st = add_id_list(rec, val, vlen, groups[k].relation, NULL);
            break;
        case G_ALSO:
            st = add_id_list(rec, val, vlen, NULL, "aliases");
            break;
        case G_STATUS:
            free(status);
            status = secstd_text_clean(val, vlen);
            break;
        case G_DOI: {
            char *doi = secstd_text_clean(val, vlen);
            if (doi && strlen(doi) <= 128)
                st = secstd_rec_add(rec, "aliases", doi);
            free(doi);
            break;
        }
        }
        g = close + 1;
    }
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "status", secstd_ietf_status(status, obsoleted));
    if (st == SECSTD_OK && status && *status) {
        char hint[64];
        snprintf(hint, sizeof hint, "ietf-status:%s", status);
        for (char *h = hint; *h; h++)
            *h = *h == ' ' ? '-' : (char)tolower((unsigned char)*h);
        st = secstd_rec_add(rec, "hints", hint);
    }
    free(status);
    char url[64];
    snprintf(url, sizeof url, "https://www.rfc-editor.org/info/rfc%lu", num);
    if (st == SECSTD_OK)
        st = secstd_rec_set(rec, "url", url);
    if (st != SECSTD_OK) {
        json_decref(rec);
        return st;
    }
    return secstd_collector_add(out, rec);
}

/* A citation block: lines [start, end) of the body, first line at line. */
static secstd_status block(const char *b, size_t start, size_t end, size_t line,
                           secstd_collector *out, size_t *entries, size_t *skipped, char *err,
                           size_t errlen)
{
    if (!isdigit((unsigned char)b[start]))
        return SECSTD_OK; /* header text and separators */
    size_t blen = end - start;
    if (blen > BLOCK_MAX) {
        secstd_errf(err, errlen, "line %zu: citation block of %zu bytes is too long", line, blen);
        return SECSTD_ERR_TOO_LARGE;
    }
    char *joined = malloc(blen + 1);
    if (!joined)
        return SECSTD_ERR_NOMEM;
    size_t jl = join_lines(b + start, blen, joined, blen + 1);
    char *clean = secstd_text_clean(joined, jl);
    free(joined);
    if (!clean)
        return SECSTD_ERR_NOMEM;
    (*entries)++;
    secstd_status st = citation(clean, line, out, skipped, err, errlen);
    free(clean);
    return st;
}

secstd_status secstd_parse_ietf_txt(const secstd_parse_input *in, secstd_collector *out, char *err,
                                    size_t errlen)
{
    if (in->len > SECSTD_JSON_MAX_BYTES) {
        secstd_errf(err, errlen, "text index of %zu bytes exceeds the limit", in->len);
        return SECSTD_ERR_TOO_LARGE;
    }
    const char *b = in->body;
    size_t len = in->len, pos = 0, line = 0;
    size_t entries = 0, skipped = 0;
    size_t bstart = 0, bline = 0;
    int in_block = 0;
    secstd_status st = SECSTD_OK;
    /* Walk line by line; a blank line (or the end) closes a block. */
    while (pos <= len && st == SECSTD_OK) {
        const char *nl = pos < len ? memchr(b + pos, '\n', len - pos) : NULL;
        size_t eol = nl ? (size_t)(nl - b) : len;
        line++;
        int blank = 1;
        for (size_t i = pos; i < eol && blank; i++)
            if (b[i] != ' ' && b[i] != '\t' && b[i] != '\r')
                blank = 0;
        if (!blank && !in_block) {
            in_block = 1;
            bstart = pos;
            bline = line;
        }
        if ((blank || !nl) && in_block) {
            st = block(b, bstart, blank ? pos : eol, bline, out, &entries, &skipped, err, errlen);
            in_block = 0;
        }
        if (!nl)
            break;
        pos = eol + 1;
    }
    if (st == SECSTD_OK && entries == 0) {
        secstd_errf(err, errlen, "line 1: no RFC citations found: not an RFC text index");
        return SECSTD_ERR_PARSE;
    }
    return st;
}
