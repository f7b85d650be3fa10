/* parse_ieee_titles.c — IEEE "normtitles": one IEEE designation per line
 * as harvested from IEEE Xplore ("IEEE Std P802.11u/D-9.0", "IEEE Std
 * 1278.1-2012 (Revision of IEEE Std 1278.1-1995) - Redline", "ANSI C57.12.10-1997").
 *
 * Decision: this listing contributes edition links only, never records.
 * It has designations and nothing else — no title, no status, no date
 * beyond what the designation encodes — and about 85% of its lines are
 * drafts (P-numbers). A record needs a title (the schema requires one),
 * and a title made of the designation would invent a document description
 * and flood search results with thousands of empty drafts. So each line
 * whose designation secstd_ident_parse() recognises is attached, as an
 * "editions" entry (id = the designation as written, edition / part / a
 * draft flag from the identifier), to the base standard's record when
 * that record is already in the collector — i.e. this document is meant
 * to be the last document of the IEEE source, after the listings that
 * carry titles (IDAMS XML, Relaton). Lines whose base is not there, or
 * that the identifier module does not recognise (ANSI-only numbers, ISO
 * drafts), are skipped: they are not wrong, just not ours to place.
 *
 * A line that is not a designation at all — not UTF-8, control
 * characters, longer than IEEE_TITLES_MAX_LINE — fails the listing with
 * "line N: reason", since it means the file is not what we think it is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "charset.h"
#include "parse_util.h"
#include "ident.h"
#include "parser.h"

#define IEEE_TITLES_MAX_LINE 300
#define IEEE_TITLES_MAX_BODY (16u * 1024u * 1024u)

secstd_status secstd_parse_ieee_titles(const secstd_parse_input *in, secstd_collector *out,
                                       char *err, size_t errlen)
{
    if (in->len > IEEE_TITLES_MAX_BODY) {
        snprintf(err, errlen, "normtitles body of %zu bytes exceeds the %u-byte limit", in->len,
                 IEEE_TITLES_MAX_BODY);
        return SECSTD_ERR_TOO_LARGE;
    }
    size_t line = 0;
    const char *p = in->body, *end = in->body + in->len;
    if (in->len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
        p += 3;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *e = nl ? nl : end;
        line++;
        size_t n = (size_t)(e - p);
        if (n > 0 && p[n - 1] == '\r')
            n--;
        if (n > IEEE_TITLES_MAX_LINE) {
            snprintf(err, errlen, "line %zu: %zu bytes, longer than a designation can be (%d)",
                     line, n, IEEE_TITLES_MAX_LINE);
            return SECSTD_ERR_PARSE;
        }
        if (!secstd_utf8_valid(p, n)) {
            snprintf(err, errlen, "line %zu: not valid UTF-8", line);
            return SECSTD_ERR_PARSE;
        }
        for (size_t i = 0; i < n; i++)
            if ((unsigned char)p[i] < 0x20 && p[i] != '\t') {
                snprintf(err, errlen, "line %zu: control character 0x%02x at column %zu", line,
                         (unsigned)(unsigned char)p[i], i + 1);
                return SECSTD_ERR_PARSE;
            }
        char raw[IEEE_TITLES_MAX_LINE + 1];
        memcpy(raw, p, n);
        raw[n] = '\0';
        p = nl ? nl + 1 : end;
        char *text = secstd_text_collapse(raw);
        if (!text)
            return SECSTD_ERR_NOMEM;
        secstd_ident id;
        if (*text && secstd_ident_parse(text, "IEEE", &id) == SECSTD_OK &&
            strcmp(id.sdo, "IEEE") == 0 && secstd_collector_get(out, id.id)) {
            json_t *ed = json_object();
            if (!ed) {
                free(text);
                return SECSTD_ERR_NOMEM;
            }
            json_object_set_new(ed, "id", json_string(text));
            secstd_rec_set(ed, "edition", id.edition);
            secstd_rec_set(ed, "part", id.part);
            if (id.draft)
                json_object_set_new(ed, "status", json_string("draft"));
            secstd_status st = secstd_collector_add_edition(out, id.id, ed);
            if (st != SECSTD_OK && st != SECSTD_ERR_NOT_FOUND) {
                free(text);
                return st;
            }
        }
        free(text);
    }
    return SECSTD_OK;
}
