/* charset.c — see charset.h. windows-1252 is decoded by a table (its 0x80-
 * 0x9F block differs from ISO-8859-1, and glibc's iconv rejects the five
 * undefined bytes, which real Word pages do contain); other charsets go
 * through iconv; whatever remains invalid becomes U+FFFD. */
#include "charset.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int secstd_utf8_valid(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < len) {
        unsigned c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF)
            n = 1, cp = c & 0x1F, min = 0x80;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 2, cp = c & 0x0F, min = 0x800;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 3, cp = c & 0x07, min = 0x10000;
        else
            return 0;
        if (len - i <= n)
            return 0;
        for (size_t k = 1; k <= n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += n + 1;
    }
    return 1;
}

size_t secstd_utf8_seq(const unsigned char *s, size_t len)
{
    size_t n = s[0] < 0x80 ? 1 : (s[0] >= 0xC2 && s[0] <= 0xDF) ? 2 : (s[0] >= 0xE0 && s[0] <= 0xEF) ? 3
                           : (s[0] >= 0xF0 && s[0] <= 0xF4) ? 4 : 0;
    if (n == 0 || n > len)
        return 0;
    return secstd_utf8_valid((const char *)s, n) ? n : 0;
}

size_t secstd_utf8_put(char *o, uint32_t cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
}

/* windows-1252 0x80..0x9F; the five undefined bytes map to their C1
 * control code points, as the WHATWG encoding standard does. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

uint32_t secstd_cp1252_to_cp(unsigned char c)
{
    return c >= 0x80 && c <= 0x9F ? cp1252_high[c - 0x80] : c;
}

static int is_latin_label(const char *cs)
{
    static const char *const labels[] = {
        "windows-1252", "cp1252", "x-cp1252", "iso-8859-1", "iso8859-1", "iso_8859-1",
        "latin1", "l1", "us-ascii", "ascii", "iso-ir-100", "csisolatin1", "ibm819", "cp819", "",
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcasecmp(cs, labels[i]) == 0)
            return 1;
    return 0;
}

static int is_utf8_label(const char *cs)
{
    return strcasecmp(cs, "utf-8") == 0 || strcasecmp(cs, "utf8") == 0 ||
           strcasecmp(cs, "unicode-1-1-utf-8") == 0;
}

/* Copies the value after "charset=" / "encoding=" at p into out. */
static void take_token(const char *p, const char *end, char *out, size_t outlen)
{
    while (p < end && (*p == ' ' || *p == '"' || *p == '\''))
        p++;
    size_t o = 0;
    while (p < end && o + 1 < outlen && (isalnum((unsigned char)*p) || *p == '-' || *p == '_' || *p == ':' || *p == '.'))
        out[o++] = (char)tolower((unsigned char)*p++);
    out[o] = '\0';
}

/* Case-insensitive search for needle in hay[0..len). */
static const char *find_ci(const char *hay, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; n <= len && i <= len - n; i++)
        if (strncasecmp(hay + i, needle, n) == 0)
            return hay + i;
    return NULL;
}

void secstd_sniff_charset(const char *body, size_t len, const char *content_type, char *out,
                          size_t outlen)
{
    if (!outlen)
        return;
    out[0] = '\0';
    if (content_type) {
        const char *cs = find_ci(content_type, strlen(content_type), "charset=");
        if (cs) {
            take_token(cs + 8, content_type + strlen(content_type), out, outlen);
            if (*out)
                return;
        }
    }
    if (!body)
        return;
    const unsigned char *u = (const unsigned char *)body;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        snprintf(out, outlen, "utf-8");
        return;
    }
    if (len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF))) {
        snprintf(out, outlen, "%s", u[0] == 0xFF ? "utf-16le" : "utf-16be");
        return;
    }
    size_t head = len < 8192 ? len : 8192;
    if (head >= 5 && strncmp(body, "<?xml", 5) == 0) {
        const char *decl_end = memchr(body, '>', head);
        const char *enc = find_ci(body, decl_end ? (size_t)(decl_end - body) : head, "encoding=");
        if (enc) {
            take_token(enc + 9, body + head, out, outlen);
            return;
        }
    }
    /* <meta charset="x"> and <meta http-equiv=... content="text/html; charset=x"> */
    const char *p = body, *end = body + head;
    while (p < end) {
        const char *meta = find_ci(p, (size_t)(end - p), "<meta");
        if (!meta)
            break;
        const char *close = memchr(meta, '>', (size_t)(end - meta));
        if (!close)
            break;
        const char *cs = find_ci(meta, (size_t)(close - meta), "charset=");
        if (cs) {
            take_token(cs + 8, close, out, outlen);
            if (*out)
                return;
        }
        p = close + 1;
    }
}

static secstd_status via_iconv(const char *body, size_t len, const char *cs, char **out,
                               size_t *outlen, int *done)
{
    *done = 0;
    iconv_t cd = iconv_open("UTF-8", cs);
    if (cd == (iconv_t)-1)
        return SECSTD_OK;
    size_t cap = len * 4 + 4;
    char *buf = malloc(cap);
    if (!buf) {
        iconv_close(cd);
        return SECSTD_ERR_NOMEM;
    }
    char *in = (char *)body, *o = buf;
    size_t inleft = len, oleft = cap - 1;
    size_t r = iconv(cd, &in, &inleft, &o, &oleft);
    iconv_close(cd);
    if (r == (size_t)-1 || inleft != 0 || !secstd_utf8_valid(buf, (size_t)(o - buf))) {
        free(buf);
        return SECSTD_OK;   /* fall back to the byte-wise rules */
    }
    *o = '\0';
    *out = buf;
    *outlen = (size_t)(o - buf);
    *done = 1;
    return SECSTD_OK;
}

secstd_status secstd_to_utf8(const char *body, size_t len, const char *charset, char **out,
                             size_t *outlen)
{
    *out = NULL;
    *outlen = 0;
    if (!body)
        len = 0;
    char sniffed[64];
    if (!charset || !*charset) {
        secstd_sniff_charset(body, len, NULL, sniffed, sizeof sniffed);
        charset = sniffed;
    }
    const unsigned char *u = (const unsigned char *)body;
    if (len >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        body += 3;
        u += 3;
        len -= 3;
        charset = "utf-8";
    }
    int valid = secstd_utf8_valid(body, len);
    if (!valid && !is_utf8_label(charset) && !is_latin_label(charset)) {
        int done = 0;
        secstd_status st = via_iconv(body, len, charset, out, outlen, &done);
        if (st != SECSTD_OK || done)
            return st;
    }
    char *buf = malloc(len * 3 + 1);
    if (!buf)
        return SECSTD_ERR_NOMEM;
    size_t o = 0;
    if (valid) {
        memcpy(buf, body, len);
        o = len;
    } else if (is_latin_label(charset)) {
        for (size_t i = 0; i < len; i++) {
            o += secstd_utf8_put(buf + o, secstd_cp1252_to_cp(u[i]));
        }
    } else {
        /* Declared UTF-8 (or unknown) but invalid: keep the good
         * sequences, replace each bad byte. */
        size_t i = 0;
        while (i < len) {
            size_t n = secstd_utf8_seq(u + i, len - i);
            if (n) {
                memcpy(buf + o, body + i, n);
                o += n;
                i += n;
            } else {
                o += secstd_utf8_put(buf + o, 0xFFFD);
                i++;
            }
        }
    }
    buf[o] = '\0';
    *out = buf;
    *outlen = o;
    return SECSTD_OK;
}

/* Charset labels the markup sniffer recognises, mapped to names libxml2
 * and iconv know. */
static const struct {
    const char *label;
    const char *name;
} markup_charsets[] = {
    {"utf-8", "UTF-8"},
    {"utf8", "UTF-8"},
    {"windows-1252", "windows-1252"},
    {"cp1252", "windows-1252"},
    {"x-cp1252", "windows-1252"},
    /* WHATWG: Latin-1 labels mean windows-1252 in practice. */
    {"iso-8859-1", "windows-1252"},
    {"latin1", "windows-1252"},
    {"us-ascii", "windows-1252"},
    {"iso-8859-15", "ISO-8859-15"},
};

const char *secstd_sniff_markup_charset(const char *body, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 8 <= n; i++) {
        /* "encoding=" is 9 bytes: compare it only when 9 are left (the body
         * is not NUL-terminated; found by fuzzing). */
        size_t skip;
        if (strncasecmp(body + i, "charset=", 8) == 0)
            skip = 8;
        else if (i + 9 <= n && strncasecmp(body + i, "encoding=", 9) == 0)
            skip = 9;
        else
            continue;
        size_t j = i + skip;
        while (j < n && (body[j] == '"' || body[j] == '\'' || body[j] == ' '))
            j++;
        size_t k = j;
        while (k < n && (isalnum((unsigned char)body[k]) || body[k] == '-' || body[k] == '_'))
            k++;
        for (size_t c = 0; c < sizeof markup_charsets / sizeof markup_charsets[0]; c++)
            if (strlen(markup_charsets[c].label) == k - j &&
                strncasecmp(body + j, markup_charsets[c].label, k - j) == 0)
                return markup_charsets[c].name;
    }
    return secstd_utf8_valid(body, len) ? "UTF-8" : "windows-1252";
}
