/* html_util.c — helpers of the HTML/CSV/JSON parsers (see html_util.h): safe
 * libxml2 reading, charset sniffing, UTF-8 checks, white-space
 * normalisation, month names, and record-building conveniences. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "html_util.h"

/* libxml2 reports some errors (encoding conversion, I/O) through its
 * generic handler, which prints to stderr whatever the parse options say:
 * a hostile page could flood the log (found by fuzzing). Silenced before
 * every parse (the handler is per thread). */
static void generic_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

size_t secstd_util_copy(char *dst, size_t dstlen, const char *src)
{
    size_t n = strlen(src);
    if (dstlen == 0)
        return n;
    size_t k = n < dstlen - 1 ? n : dstlen - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
    return n;
}

int secstd_util_utf8_valid(const char *str, size_t len)
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
        unsigned cp, min;
        if ((c & 0xE0) == 0xC0) {
            n = 1, cp = c & 0x1F, min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            n = 2, cp = c & 0x0F, min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            n = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return 0;
        }
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

/* Charset labels seen in the wild, mapped to names iconv knows. */
static const struct {
    const char *label;
    const char *name;
} charsets[] = {
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

const char *secstd_util_sniff_charset(const char *body, size_t len)
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
        for (size_t c = 0; c < sizeof charsets / sizeof charsets[0]; c++)
            if (strlen(charsets[c].label) == k - j &&
                strncasecmp(body + j, charsets[c].label, k - j) == 0)
                return charsets[c].name;
    }
    return secstd_util_utf8_valid(body, len) ? "UTF-8" : "windows-1252";
}

secstd_status secstd_util_html_read(const char *body, size_t len, const char *url,
                                    const char *encoding, htmlDocPtr *out, char *err,
                                    size_t errlen)
{
    *out = NULL;
    if (len > SECSTD_UTIL_MAX_MARKUP || len > (size_t)INT32_MAX) {
        snprintf(err, errlen, "HTML body of %zu bytes exceeds the %u-byte limit", len,
                 SECSTD_UTIL_MAX_MARKUP);
        return SECSTD_ERR_TOO_LARGE;
    }
    if (!encoding)
        encoding = secstd_util_sniff_charset(body, len);
    xmlSetGenericErrorFunc(NULL, generic_silent);
    htmlDocPtr doc = htmlReadMemory(body, (int)len, url ? url : "noname.html", encoding,
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS);
    if (!doc || !xmlDocGetRootElement(doc)) {
        if (doc)
            xmlFreeDoc(doc);
        snprintf(err, errlen, "not parseable as HTML (%zu bytes)", len);
        return SECSTD_ERR_PARSE;
    }
    *out = doc;
    return SECSTD_OK;
}

secstd_status secstd_util_xml_read(const char *body, size_t len, const char *url,
                                   size_t max_len, int max_depth, xmlDocPtr *out, char *err,
                                   size_t errlen)
{
    *out = NULL;
    if (len > max_len || len > (size_t)INT32_MAX) {
        snprintf(err, errlen, "XML body of %zu bytes exceeds the %zu-byte limit", len, max_len);
        return SECSTD_ERR_TOO_LARGE;
    }
    xmlSetGenericErrorFunc(NULL, generic_silent);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return SECSTD_ERR_NOMEM;
    /* No NOENT, no DTDLOAD, no HUGE: entities stay references, no external
     * subset is fetched, libxml2's amplification limits apply. */
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, body, (int)len, url ? url : "noname.xml", NULL,
                                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                          XML_PARSE_NOCDATA);
    if (!doc || !ctxt->wellFormed) {
        const xmlError *e = xmlCtxtGetLastError(ctxt);
        if (e && e->message) {
            char msg[200];
            secstd_util_copy(msg, sizeof msg, e->message);
            size_t m = strlen(msg);
            while (m > 0 && (msg[m - 1] == '\n' || msg[m - 1] == ' '))
                msg[--m] = '\0';
            snprintf(err, errlen, "malformed XML at line %d: %s", e->line, msg);
        } else {
            snprintf(err, errlen, "malformed XML");
        }
        if (doc)
            xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return SECSTD_ERR_PARSE;
    }
    xmlFreeParserCtxt(ctxt);
    /* Depth check, iteratively. */
    xmlNode *root = xmlDocGetRootElement(doc);
    int depth = 0;
    for (xmlNode *n = root; n;) {
        if (n->type == XML_ELEMENT_NODE && depth > max_depth) {
            xmlFreeDoc(doc);
            snprintf(err, errlen, "XML nesting deeper than %d elements", max_depth);
            return SECSTD_ERR_TOO_LARGE;
        }
        if (n->children && n->type == XML_ELEMENT_NODE) {
            n = n->children;
            depth++;
            continue;
        }
        while (n && !n->next && n != root) {
            n = n->parent;
            depth--;
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    if (!root) {
        xmlFreeDoc(doc);
        snprintf(err, errlen, "XML document has no root element");
        return SECSTD_ERR_PARSE;
    }
    *out = doc;
    return SECSTD_OK;
}

char *secstd_util_norm_space(const char *s)
{
    if (!s)
        s = "";
    size_t n = strlen(s);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    int pending = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        int space = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        size_t skip = 1;
        if (c == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0) {
            space = 1;
            skip = 2;
        }
        if (space) {
            pending = o > 0;
            i += skip - 1;
            continue;
        }
        if (pending) {
            out[o++] = ' ';
            pending = 0;
        }
        out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

/* Elements whose boundaries separate words even without white space in
 * the markup ("2003-05.<br/>Corrigendum"). */
static const char *const block_elements[] = {"br", "p", "div", "li", "td", "th", "tr", "h1",
                                             "h2", "h3", "h4", "h5", "h6", "ul", "ol",
                                             "table", "dd", "dt", "summary", "details"};

static int is_block(const xmlNode *n)
{
    for (size_t i = 0; i < sizeof block_elements / sizeof block_elements[0]; i++)
        if (secstd_util_is_element(n, block_elements[i]))
            return 1;
    return 0;
}

/* Appends s to the growing buffer *buf. */
static int buf_add(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
    if (*len + n + 1 > *cap) {
        size_t c = *cap ? *cap : 256;
        while (*len + n + 1 > c)
            c *= 2;
        char *b = realloc(*buf, c);
        if (!b)
            return -1;
        *buf = b;
        *cap = c;
    }
    memcpy(*buf + *len, s, n);
    *len += n;
    (*buf)[*len] = '\0';
    return 0;
}

char *secstd_util_node_text(const xmlNode *node)
{
    if (!node)
        return secstd_util_norm_space("");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (buf_add(&buf, &len, &cap, "", 0) != 0)
        return NULL;
    xmlNode *root = (xmlNode *)node;
    for (xmlNode *n = root; n;) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            const char *t = n->content ? (const char *)n->content : "";
            if (buf_add(&buf, &len, &cap, t, strlen(t)) != 0) {
                free(buf);
                return NULL;
            }
        } else if (n->type == XML_ELEMENT_NODE && is_block(n)) {
            if (buf_add(&buf, &len, &cap, " ", 1) != 0) {
                free(buf);
                return NULL;
            }
        }
        /* Skip script and style content; descend into other elements. */
        if (n->type == XML_ELEMENT_NODE && n->children &&
            !secstd_util_is_element(n, "script") && !secstd_util_is_element(n, "style")) {
            n = n->children;
            continue;
        }
        while (n && n != root && !n->next) {
            n = n->parent;
            if (n && n->type == XML_ELEMENT_NODE && is_block(n) &&
                buf_add(&buf, &len, &cap, " ", 1) != 0) {
                free(buf);
                return NULL;
            }
        }
        if (!n || n == root)
            break;
        n = n->next;
    }
    char *s = secstd_util_norm_space(buf);
    free(buf);
    return s;
}

char *secstd_util_html_fragment_text(const char *html)
{
    if (!html)
        html = "";
    size_t n = strlen(html);
    if (n == 0 || n > SECSTD_UTIL_MAX_MARKUP)
        return secstd_util_norm_space(n == 0 ? "" : "");
    if (!memchr(html, '<', n) && !memchr(html, '&', n))
        return secstd_util_norm_space(html);
    /* Wrapped so that a fragment starting with text still gets a body. */
    xmlSetGenericErrorFunc(NULL, generic_silent);
    htmlDocPtr doc = htmlReadMemory(html, (int)n, "fragment.html", "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
    if (!doc)
        return secstd_util_norm_space(html);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (buf_add(&buf, &len, &cap, "", 0) != 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    for (xmlNode *c = doc->children; c; c = c->next) {
        if (c->type == XML_DTD_NODE)
            continue;
        char *t = secstd_util_node_text(c);
        if (!t || buf_add(&buf, &len, &cap, " ", 1) != 0 ||
            buf_add(&buf, &len, &cap, t, strlen(t)) != 0) {
            free(t);
            free(buf);
            xmlFreeDoc(doc);
            return NULL;
        }
        free(t);
    }
    xmlFreeDoc(doc);
    char *s = secstd_util_norm_space(buf);
    free(buf);
    return s;
}

char *secstd_util_attr(const xmlNode *node, const char *name)
{
    if (!node || node->type != XML_ELEMENT_NODE)
        return NULL;
    xmlChar *v = xmlGetProp(node, (const xmlChar *)name);
    if (!v)
        return NULL;
    char *s = strdup((const char *)v);
    xmlFree(v);
    return s;
}

int secstd_util_is_element(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->name &&
           strcasecmp((const char *)node->name, name) == 0;
}

xmlNode *secstd_util_next_in_tree(xmlNode *node, const xmlNode *root)
{
    if (node->children && node->type == XML_ELEMENT_NODE)
        return node->children;
    while (node && node != root) {
        if (node->next)
            return node->next;
        node = node->parent;
    }
    return NULL;
}

xmlNode *secstd_util_find_element(xmlNode *node, const char *name)
{
    for (xmlNode *n = node; n; n = secstd_util_next_in_tree(n, node))
        if (secstd_util_is_element(n, name))
            return n;
    return NULL;
}

int secstd_util_has_class(const xmlNode *node, const char *cls)
{
    char *v = secstd_util_attr(node, "class");
    if (!v)
        return 0;
    size_t cl = strlen(cls);
    int found = 0;
    for (const char *p = v; *p && !found;) {
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        const char *e = p;
        while (*e && *e != ' ' && *e != '\t' && *e != '\n')
            e++;
        if ((size_t)(e - p) == cl && strncmp(p, cls, cl) == 0)
            found = 1;
        p = e;
    }
    free(v);
    return found;
}

static const char *const month_names[12] = {"january", "february", "march",     "april",
                                            "may",     "june",     "july",      "august",
                                            "september", "october", "november", "december"};

int secstd_util_month(const char *name, size_t len)
{
    if (len < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]);
        if (len <= full && strncasecmp(name, month_names[m], len) == 0)
            return m + 1;
    }
    if (len == 4 && strncasecmp(name, "sept", 4) == 0)
        return 9;
    return 0;
}

int secstd_util_unix_date(long long t, char *buf, size_t len)
{
    /* 1900-01-01 .. 9999-12-31 */
    if (t < -2208988800LL || t > 253402300799LL || len < 11)
        return -1;
    time_t tt = (time_t)t;
    struct tm tm;
    if (!gmtime_r(&tt, &tm))
        return -1;
    snprintf(buf, len, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    return 0;
}

int secstd_util_set_str(json_t *obj, const char *key, const char *value)
{
    if (!value || !*value)
        return 0;
    return json_object_set_new(obj, key, json_string(value));
}

static int array_add_unique(json_t *arr, const char *value)
{
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        const char *s = json_string_value(v);
        if (s && strcmp(s, value) == 0)
            return 0;
    }
    return json_array_append_new(arr, json_string(value));
}

int secstd_util_add_unique(json_t *obj, const char *key, const char *value)
{
    if (!value || !*value)
        return 0;
    json_t *arr = json_object_get(obj, key);
    if (!json_is_array(arr)) {
        arr = json_array();
        if (!arr || json_object_set_new(obj, key, arr) != 0)
            return -1;
    }
    return array_add_unique(arr, value);
}

int secstd_util_add_relation(json_t *rec, const char *kind, const char *value)
{
    if (!value || !*value)
        return 0;
    json_t *rel = json_object_get(rec, "relations");
    if (!json_is_object(rel)) {
        rel = json_object();
        if (!rel || json_object_set_new(rec, "relations", rel) != 0)
            return -1;
    }
    return secstd_util_add_unique(rel, kind, value);
}

/* Status words of the bodies, lower-case, to the schema vocabulary. */
static const struct {
    const char *word;
    const char *status;
} status_words[] = {
    {"in force", "published"},
    {"published", "published"},
    {"active", "published"},
    {"approved", "published"},
    {"current", "published"},
    {"superseded", "superseded"},
    {"replaced", "superseded"},
    {"withdrawn", "withdrawn"},
    {"inactive", "withdrawn"},
    {"cancelled", "withdrawn"},
    {"historic", "historic"},
    {"historical", "historic"},
    {"archived", "historic"},
    {"draft", "in-development"},
    {"under development", "in-development"},
    {"in development", "in-development"},
    {"under approval", "in-development"},
    {"in progress", "in-development"},
    {"pre-published", "in-development"},
    {"prepublished", "in-development"},
    {"under drafting", "in-development"},
    {"on approval", "in-development"},
};

const char *secstd_util_map_status(const char *text)
{
    if (!text)
        return NULL;
    char *s = secstd_util_norm_space(text);
    if (!s)
        return NULL;
    const char *found = NULL;
    for (size_t i = 0; i < sizeof status_words / sizeof status_words[0] && !found; i++)
        if (strcasecmp(s, status_words[i].word) == 0)
            found = status_words[i].status;
    free(s);
    return found;
}

void secstd_util_dedupe_editions(json_t *rec)
{
    json_t *eds = json_object_get(rec, "editions");
    if (!json_is_array(eds))
        return;
    for (size_t i = 0; i < json_array_size(eds); i++) {
        json_t *a = json_array_get(eds, i);
        const char *ida = json_string_value(json_object_get(a, "id"));
        if (!ida)
            continue;
        for (size_t j = i + 1; j < json_array_size(eds);) {
            json_t *b = json_array_get(eds, j);
            const char *idb = json_string_value(json_object_get(b, "id"));
            if (!idb || strcmp(ida, idb) != 0) {
                j++;
                continue;
            }
            const char *key;
            json_t *v;
            json_object_foreach(b, key, v) {
                json_t *have = json_object_get(a, key);
                if (!have)
                    json_object_set(a, key, v);
                else if (strcmp(key, "date") == 0 && json_is_string(v) && json_is_string(have) &&
                         strlen(json_string_value(v)) > strlen(json_string_value(have)))
                    json_object_set(a, key, v);
            }
            json_array_remove(eds, j);
        }
    }
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return n > 0;
}

static int num(const char *s, size_t n)
{
    int v = 0;
    for (size_t i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* Splits text into words of letters or digits; fills at most max words. */
typedef struct {
    const char *p;
    size_t n;
    char after; /* the character that follows the word */
} word;

static size_t words_of(const char *text, word *w, size_t max)
{
    size_t k = 0;
    const char *p = text;
    while (*p && k < max) {
        while (*p && !isalnum((unsigned char)*p))
            p++;
        if (!*p)
            break;
        const char *s = p;
        if (isdigit((unsigned char)*p))
            while (isdigit((unsigned char)*p))
                p++;
        else
            while (isalpha((unsigned char)*p))
                p++;
        w[k].p = s;
        w[k].n = (size_t)(p - s);
        w[k].after = *p;
        k++;
    }
    return k;
}

static int plausible(int y, int m, int d)
{
    return y >= 1850 && y <= 2200 && m >= 0 && m <= 12 && d >= 0 && d <= 31 && !(d && !m);
}

static int emit(char *out, size_t outlen, int y, int m, int d)
{
    if (!plausible(y, m, d))
        return -1;
    if (d)
        snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
    else if (m)
        snprintf(out, outlen, "%04d-%02d", y, m);
    else
        snprintf(out, outlen, "%04d", y);
    return 0;
}

int secstd_util_parse_date(const char *text, char *out, size_t outlen)
{
    if (!text || outlen < 11)
        return -1;
    word w[64];
    size_t k = words_of(text, w, 64);
    for (size_t i = 0; i < k; i++) {
        /* YYYY-MM-DD, YYYY-MM */
        if (w[i].n == 4 && all_digits(w[i].p, 4) && i + 1 < k && w[i].after == '-' &&
            w[i + 1].n == 2 && all_digits(w[i + 1].p, 2)) {
            int d = 0;
            if (i + 2 < k && w[i + 1].after == '-' && w[i + 2].n == 2 && all_digits(w[i + 2].p, 2))
                d = num(w[i + 2].p, 2);
            if (emit(out, outlen, num(w[i].p, 4), num(w[i + 1].p, 2), d) == 0)
                return 0;
        }
        /* MM/YYYY */
        if (w[i].n == 2 && all_digits(w[i].p, 2) && w[i].after == '/' && i + 1 < k &&
            w[i + 1].n == 4 && all_digits(w[i + 1].p, 4))
            if (emit(out, outlen, num(w[i + 1].p, 4), num(w[i].p, 2), 0) == 0)
                return 0;
        /* DD Month YYYY */
        if (w[i].n <= 2 && all_digits(w[i].p, w[i].n) && i + 2 < k &&
            secstd_util_month(w[i + 1].p, w[i + 1].n) && w[i + 2].n == 4 &&
            all_digits(w[i + 2].p, 4))
            if (emit(out, outlen, num(w[i + 2].p, 4), secstd_util_month(w[i + 1].p, w[i + 1].n),
                     num(w[i].p, w[i].n)) == 0)
                return 0;
        /* Month DD, YYYY and Month YYYY */
        int m = secstd_util_month(w[i].p, w[i].n);
        if (m && i + 1 < k) {
            if (w[i + 1].n <= 2 && all_digits(w[i + 1].p, w[i + 1].n) && i + 2 < k &&
                w[i + 2].n == 4 && all_digits(w[i + 2].p, 4))
                if (emit(out, outlen, num(w[i + 2].p, 4), m, num(w[i + 1].p, w[i + 1].n)) == 0)
                    return 0;
            if (w[i + 1].n == 4 && all_digits(w[i + 1].p, 4))
                if (emit(out, outlen, num(w[i + 1].p, 4), m, 0) == 0)
                    return 0;
        }
    }
    /* A lone year as the last resort. */
    for (size_t i = 0; i < k; i++)
        if (w[i].n == 4 && all_digits(w[i].p, 4) && emit(out, outlen, num(w[i].p, 4), 0, 0) == 0)
            return 0;
    return -1;
}

int secstd_util_itu_ident(const char *name, secstd_ident *id, char *full, size_t fulllen)
{
    char buf[256];
    char *clean = secstd_util_norm_space(name);
    if (!clean)
        return -1;
    if (strncmp(clean, "ITU-T ", 6) == 0)
        secstd_util_copy(buf, sizeof buf, clean);
    else
        snprintf(buf, sizeof buf, "ITU-T %s", clean);
    free(clean);
    if (full)
        secstd_util_copy(full, fulllen, buf);
    if (strlen(buf) <= 6)
        return -1;
    /* The number is the first token after "ITU-T ". */
    const char *num = buf + 6;
    size_t nlen = strcspn(num, " (");
    if (secstd_ident_parse(buf, "ITU-T", id) != SECSTD_OK) {
        char base[80];
        snprintf(base, sizeof base, "ITU-T %.*s", (int)(nlen < 60 ? nlen : 60), num);
        if (secstd_ident_parse(base, "ITU-T", id) != SECSTD_OK)
            return -1;
    }
    if (!id->part[0]) {
        /* Rest after the number with parenthesised groups removed. */
        char part[64];
        size_t o = 0;
        int depth = 0;
        for (const char *p = num + nlen; *p && o + 1 < sizeof part; p++) {
            if (*p == '(')
                depth++;
            else if (*p == ')')
                depth = depth > 0 ? depth - 1 : 0;
            else if (!depth)
                part[o++] = *p;
        }
        part[o] = '\0';
        char *t = secstd_util_norm_space(part);
        if (t) {
            secstd_util_copy(id->part, sizeof id->part, t);
            free(t);
        }
    }
    return 0;
}

void secstd_util_drop_own_edition(json_t *rec)
{
    const char *own = json_string_value(json_object_get(rec, "edition"));
    json_t *eds = json_object_get(rec, "editions");
    if (!own || !json_is_array(eds))
        return;
    for (size_t i = 0; i < json_array_size(eds);) {
        json_t *e = json_array_get(eds, i);
        const char *ed = json_string_value(json_object_get(e, "edition"));
        if (ed && strcmp(ed, own) == 0 && !json_object_get(e, "part"))
            json_array_remove(eds, i);
        else
            i++;
    }
    if (json_array_size(eds) == 0)
        json_object_del(rec, "editions");
}
