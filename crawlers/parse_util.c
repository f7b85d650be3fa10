/* parse_util.c — helpers shared by the listing parsers (see parse_util.h).
 *
 * The XML reader is the one place where libxml2 is configured for the
 * parsers, so the safety rules of DESIGN.md live here once: no entity
 * substitution, no DTD loading, no network, a size cap, a depth cap and a
 * refusal of entity declarations before libxml2 ever sees them. */
#include "parse_util.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <limits.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <libxml/HTMLparser.h>
#include <libxml/xmlerror.h>

#include "charset.h"

void secstd_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- text ---------------------------------------------------------- */

char *secstd_text_clean(const char *s, size_t len)
{
    /* Worst case: every byte becomes a 3-byte sequence. */
    if (len > (SIZE_MAX - 1) / 3)
        return NULL;
    char *out = malloc(len * 3 + 1);
    if (!out)
        return NULL;
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, i = 0;
    int pending_space = 0;
    while (i < len) {
        unsigned c = p[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
            pending_space = o > 0;
            i++;
            continue;
        }
        if (c < 0x20 || c == 0x7F) { /* control characters: dropped */
            i++;
            continue;
        }
        if (pending_space) {
            out[o++] = ' ';
            pending_space = 0;
        }
        size_t n = secstd_utf8_seq(p + i, len - i);
        if (n > 0) {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
            continue;
        }
        /* Not UTF-8: read as windows-1252; its undefined bytes (which
         * decode to C1 controls) become U+FFFD. */
        uint32_t cp = secstd_cp1252_to_cp((unsigned char)c);
        if (cp >= 0x80 && cp <= 0x9F)
            cp = 0xFFFD;
        o += secstd_utf8_put(out + o, cp);
        i++;
    }
    out[o] = '\0';
    return out;
}

static const struct {
    const char *name;
    unsigned cp;
} html_entities[] = {
    {"amp", '&'}, {"lt", '<'}, {"gt", '>'}, {"quot", '"'}, {"apos", '\''},
    {"nbsp", ' '}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"rsquo", 0x2019},
    {"lsquo", 0x2018}, {"ldquo", 0x201C}, {"rdquo", 0x201D}, {"hellip", 0x2026},
};

/* s with character references decoded and, when strip_tags, tags and
 * comments replaced by a space; *outlen bytes, NUL-terminated. */
static char *html_decode(const char *s, int strip_tags, size_t *outlen)
{
    size_t len = strlen(s);
    char *buf = malloc(len + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (strip_tags && strncmp(s + i, "<!--", 4) == 0) {
            const char *end = strstr(s + i + 4, "-->");
            i = end ? (size_t)(end - s) + 3 : len;
            buf[o++] = ' ';
            continue;
        }
        if (strip_tags && s[i] == '<') {
            const char *end = strchr(s + i, '>');
            i = end ? (size_t)(end - s) + 1 : len;
            buf[o++] = ' ';
            continue;
        }
        if (s[i] == '&') {
            const char *semi = memchr(s + i, ';', len - i < 12 ? len - i : 12);
            if (semi) {
                size_t nlen = (size_t)(semi - (s + i)) - 1;
                const char *name = s + i + 1;
                unsigned cp = 0;
                if (nlen > 1 && name[0] == '#') {
                    char *endp;
                    unsigned long v = (name[1] == 'x' || name[1] == 'X')
                                          ? strtoul(name + 2, &endp, 16)
                                          : strtoul(name + 1, &endp, 10);
                    if (endp == semi && v > 0 && v < 0x10000 && !(v >= 0xD800 && v <= 0xDFFF))
                        cp = (unsigned)v;
                } else {
                    for (size_t k = 0; k < sizeof html_entities / sizeof html_entities[0]; k++)
                        if (strlen(html_entities[k].name) == nlen &&
                            strncmp(html_entities[k].name, name, nlen) == 0)
                            cp = html_entities[k].cp;
                }
                /* A decoded reference is never longer than its source text
                 * (3 UTF-8 bytes for at least 4 source bytes). */
                if (cp) {
                    o += secstd_utf8_put(buf + o, cp);
                    i = (size_t)(semi - s) + 1;
                    continue;
                }
            }
        }
        buf[o++] = s[i++];
    }
    buf[o] = '\0';
    *outlen = o;
    return buf;
}

char *secstd_html_to_text(const char *s)
{
    if (!s)
        return NULL;
    size_t o;
    char *buf = html_decode(s, 1, &o);
    if (!buf)
        return NULL;
    char *clean = secstd_text_clean(buf, o);
    free(buf);
    return clean;
}

char *secstd_html_unescape(const char *s)
{
    size_t o;
    return s ? html_decode(s, 0, &o) : NULL;
}

/* ---- months ----------------------------------------------------------- */

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

/* 1..12 if name[0..len) is a case-insensitive prefix of at least three
 * letters of a month name: any such prefix when any_prefix, else only the
 * three-letter abbreviation or the full name. */
static int month_match(const char *name, size_t len, int any_prefix)
{
    if (!name || len < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]);
        if (len <= full && (any_prefix || len == 3 || len == full) &&
            strncasecmp(name, month_names[m], len) == 0)
            return m + 1;
    }
    return 0;
}

int secstd_month_number(const char *name, size_t len)
{
    return month_match(name, len, 0);
}

int secstd_month_prefix(const char *name, size_t len)
{
    return month_match(name, len, 1);
}

/* ---- XML ---------------------------------------------------------------- */

/* libxml2 reports some errors (encoding conversion, I/O) through its
 * generic handler, which prints to stderr whatever the parse options and
 * context handlers say: a hostile listing could flood the log (found by
 * fuzzing). Installed before every parse (the handler is per thread in
 * libxml2); nothing of ours wants it. */
static void xml_generic_silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

static void xml_silent(void *ctx, xmlErrorPtr error)
{
    (void)ctx;
    (void)error;
}

static size_t line_of(const char *body, size_t off)
{
    size_t line = 1;
    for (size_t i = 0; i < off; i++)
        if (body[i] == '\n')
            line++;
    return line;
}

static const char *find_bytes(const char *hay, size_t hlen, const char *needle)
{
    size_t nlen = strlen(needle);
    for (size_t i = 0; nlen <= hlen && i <= hlen - nlen; i++)
        if (hay[i] == needle[0] && memcmp(hay + i, needle, nlen) == 0)
            return hay + i;
    return NULL;
}

/* Refuses entity declarations: returns SECSTD_OK when there are none. */
static secstd_status check_entities(const char *body, size_t len, char *err, size_t errlen)
{
    const char *decl = find_bytes(body, len, "<!ENTITY");
    if (!decl)
        return SECSTD_OK;
    size_t off = (size_t)(decl - body);
    size_t rest = len - off;
    const char *close = memchr(decl, '>', rest);
    size_t dlen = close ? (size_t)(close - decl) : rest;
    if (find_bytes(decl, dlen, "SYSTEM") || find_bytes(decl, dlen, "PUBLIC")) {
        secstd_errf(err, errlen,
                    "line %zu: external entity declaration refused (XXE protection)",
                    line_of(body, off));
        return SECSTD_ERR_PARSE;
    }
    secstd_errf(err, errlen,
                "line %zu: entity declaration refused (entity expansion limit)",
                line_of(body, off));
    return SECSTD_ERR_TOO_LARGE;
}

/* Deepest element nesting of the tree (iterative: no recursion on input). */
static size_t tree_depth(const xmlNode *root)
{
    size_t depth = 0, max = 0;
    const xmlNode *n = root;
    while (n) {
        if (n->type == XML_ELEMENT_NODE && depth + 1 > max)
            max = depth + 1;
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
    return max;
}

/* Why libxml2 refused a body: its line, error code and message. */
typedef struct {
    int line;
    int code;
    char msg[200]; /* "" when libxml2 gave no message */
} xml_failure;

/* The one libxml2 configuration of the parsers: XML_PARSE_NONET, never
 * XML_PARSE_NOENT or XML_PARSE_DTDLOAD (entities are not substituted,
 * external subsets are not fetched), never XML_PARSE_HUGE (libxml2's own
 * depth and amplification limits stay on), errors kept on the context
 * rather than printed. Returns a well-formed document, or NULL with *f
 * filled (*nomem set when the context could not be allocated). */
static xmlDocPtr xml_parse_silently(const char *body, size_t len, const char *url,
                                    xml_failure *f, int *nomem)
{
    memset(f, 0, sizeof *f);
    *nomem = 0;
    xmlSetGenericErrorFunc(NULL, xml_generic_silent);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt) {
        *nomem = 1;
        return NULL;
    }
    /* Structured errors go to our no-op handler and stay in lastError:
     * a library never prints. */
    ctxt->sax->serror = xml_silent;
    ctxt->sax->warning = NULL;
    ctxt->sax->error = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    int options = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_NOCDATA;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, body, (int)len, url, NULL, options);
    if (!doc || !ctxt->wellFormed) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        if (e) {
            f->line = e->line;
            f->code = e->code;
            if (e->message)
                snprintf(f->msg, sizeof f->msg, "%s", e->message);
        }
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctxt);
    return doc;
}

/* msg without its trailing newlines and spaces, truncated to size - 1. */
static void trimmed_copy(char *out, size_t size, const char *msg)
{
    /* Truncation is the point here; the return value says by how much. */
    size_t n = (size_t)snprintf(out, size, "%s", msg);
    if (n >= size)
        n = size ? size - 1 : 0;
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' '))
        out[--n] = '\0';
}

secstd_status secstd_xml_read(const char *body, size_t len, const char *url, xmlDocPtr *out,
                              char *err, size_t errlen)
{
    *out = NULL;
    if (len > SECSTD_XML_MAX_BYTES || len > INT_MAX) {
        secstd_errf(err, errlen, "XML body of %zu bytes exceeds the %zu-byte limit", len,
                    SECSTD_XML_MAX_BYTES);
        return SECSTD_ERR_TOO_LARGE;
    }
    secstd_status st = check_entities(body, len, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xml_failure f;
    int nomem;
    xmlDocPtr doc = xml_parse_silently(body, len, url ? url : "listing.xml", &f, &nomem);
    if (nomem)
        return SECSTD_ERR_NOMEM;
    if (!doc) {
        char msg[160] = "not well-formed XML";
        if (f.msg[0])
            trimmed_copy(msg, sizeof msg, f.msg);
        secstd_errf(err, errlen, "line %d: %s", f.line, msg);
        return f.code == XML_ERR_ENTITY_LOOP ? SECSTD_ERR_TOO_LARGE : SECSTD_ERR_PARSE;
    }
    /* Belt and braces: a declaration that escaped the byte scan (e.g. in
     * another encoding) still ends here. */
    if (doc->intSubset && (doc->intSubset->entities || doc->intSubset->pentities)) {
        secstd_errf(err, errlen, "line 1: entity declaration refused (DTD internal subset)");
        xmlFreeDoc(doc);
        return SECSTD_ERR_TOO_LARGE;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!root) {
        secstd_errf(err, errlen, "line 1: no root element");
        xmlFreeDoc(doc);
        return SECSTD_ERR_PARSE;
    }
    size_t depth = tree_depth(root);
    if (depth > SECSTD_XML_MAX_DEPTH) {
        secstd_errf(err, errlen, "line %d: elements nested %zu deep (limit %d)", root->line,
                    depth, SECSTD_XML_MAX_DEPTH);
        xmlFreeDoc(doc);
        return SECSTD_ERR_TOO_LARGE;
    }
    *out = doc;
    return SECSTD_OK;
}

secstd_status secstd_xml_read_limited(const char *body, size_t len, const char *url,
                                      size_t max_len, int max_depth, xmlDocPtr *out, char *err,
                                      size_t errlen)
{
    *out = NULL;
    if (len > max_len || len > (size_t)INT32_MAX) {
        secstd_errf(err, errlen, "XML body of %zu bytes exceeds the %zu-byte limit", len,
                    max_len);
        return SECSTD_ERR_TOO_LARGE;
    }
    xml_failure f;
    int nomem;
    xmlDocPtr doc = xml_parse_silently(body, len, url ? url : "noname.xml", &f, &nomem);
    if (nomem)
        return SECSTD_ERR_NOMEM;
    if (!doc) {
        if (f.msg[0]) {
            char msg[200];
            trimmed_copy(msg, sizeof msg, f.msg);
            secstd_errf(err, errlen, "malformed XML at line %d: %s", f.line, msg);
        } else {
            secstd_errf(err, errlen, "malformed XML");
        }
        return SECSTD_ERR_PARSE;
    }
    xmlNode *root = xmlDocGetRootElement(doc);
    /* Elements at depth d (root 0) exist up to tree_depth - 1. */
    if (root && tree_depth(root) > (size_t)max_depth + 1) {
        xmlFreeDoc(doc);
        secstd_errf(err, errlen, "XML nesting deeper than %d elements", max_depth);
        return SECSTD_ERR_TOO_LARGE;
    }
    if (!root) {
        xmlFreeDoc(doc);
        secstd_errf(err, errlen, "XML document has no root element");
        return SECSTD_ERR_PARSE;
    }
    *out = doc;
    return SECSTD_OK;
}

secstd_status secstd_xml_read_root(const char *body, size_t len, const char *url,
                                   const char *root_name, const char *root_label,
                                   xmlDocPtr *out, char *err, size_t errlen)
{
    secstd_status st = secstd_xml_read(body, len, url, out, err, errlen);
    if (st != SECSTD_OK)
        return st;
    xmlNode *root = xmlDocGetRootElement(*out);
    if (!secstd_xml_is(root, root_name)) {
        secstd_errf(err, errlen, "line %d: root element <%s> is not <%s>", root->line,
                    (const char *)root->name, root_label);
        xmlFreeDoc(*out);
        *out = NULL;
        return SECSTD_ERR_PARSE;
    }
    return SECSTD_OK;
}

int secstd_xml_is(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE &&
           strcmp((const char *)node->name, name) == 0;
}

xmlNode *secstd_xml_child(const xmlNode *node, const char *name)
{
    if (!node)
        return NULL;
    for (xmlNode *c = node->children; c; c = c->next)
        if (secstd_xml_is(c, name))
            return c;
    return NULL;
}

char *secstd_xml_text(const xmlNode *node)
{
    if (!node)
        return NULL;
    xmlChar *raw = xmlNodeGetContent(node);
    if (!raw)
        return NULL;
    char *s = secstd_text_clean((const char *)raw, strlen((const char *)raw));
    xmlFree(raw);
    if (s && !*s) {
        free(s);
        return NULL;
    }
    return s;
}

char *secstd_xml_child_text(const xmlNode *node, const char *name)
{
    return secstd_xml_text(secstd_xml_child(node, name));
}

char *secstd_xml_attr(const xmlNode *node, const char *name)
{
    if (!node)
        return NULL;
    for (xmlAttr *a = node->properties; a; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        xmlChar *raw = xmlNodeGetContent((const xmlNode *)a);
        if (!raw)
            return NULL;
        char *s = secstd_text_clean((const char *)raw, strlen((const char *)raw));
        xmlFree(raw);
        return s;
    }
    return NULL;
}

/* ---- records ------------------------------------------------------------ */

secstd_status secstd_rec_set(json_t *rec, const char *key, const char *value)
{
    if (!value || !*value)
        return SECSTD_OK;
    json_t *s = json_string(value);
    if (!s)
        return SECSTD_ERR_INVALID;
    return json_object_set_new(rec, key, s) == 0 ? SECSTD_OK : SECSTD_ERR_NOMEM;
}

static secstd_status add_unique(json_t *obj, const char *key, const char *value)
{
    if (!value || !*value)
        return SECSTD_OK;
    json_t *arr = json_object_get(obj, key);
    if (!json_is_array(arr)) {
        arr = json_array();
        if (!arr || json_object_set_new(obj, key, arr) != 0)
            return SECSTD_ERR_NOMEM;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v) {
        if (strcmp(json_string_value(v) ? json_string_value(v) : "", value) == 0)
            return SECSTD_OK;
    }
    json_t *s = json_string(value);
    if (!s)
        return SECSTD_ERR_INVALID;
    return json_array_append_new(arr, s) == 0 ? SECSTD_OK : SECSTD_ERR_NOMEM;
}

secstd_status secstd_rec_add(json_t *rec, const char *key, const char *value)
{
    return add_unique(rec, key, value);
}

secstd_status secstd_rec_relate(json_t *rec, const char *kind, const char *value)
{
    if (!value || !*value)
        return SECSTD_OK;
    json_t *rel = json_object_get(rec, "relations");
    if (!json_is_object(rel)) {
        rel = json_object();
        if (!rel || json_object_set_new(rec, "relations", rel) != 0)
            return SECSTD_ERR_NOMEM;
    }
    return add_unique(rel, kind, value);
}

secstd_status secstd_ident_or_fallback(const char *text, const char *sdo_hint,
                                       const char *fallback_prefix, const char *fallback_type,
                                       secstd_ident *out)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return SECSTD_ERR_INVALID;
    if (secstd_ident_parse(text, sdo_hint, out) == SECSTD_OK && out->id[0])
        return SECSTD_OK;
    memset(out, 0, sizeof *out);
    char *clean = secstd_text_clean(text, strlen(text));
    if (!clean)
        return SECSTD_ERR_NOMEM;
    int n = snprintf(out->id, sizeof out->id, "%s%s%s", fallback_prefix ? fallback_prefix : "",
                     fallback_prefix && *fallback_prefix ? " " : "", clean);
    free(clean);
    if (n <= 0 || (size_t)n >= sizeof out->id) {
        memset(out, 0, sizeof *out);
        return SECSTD_ERR_INVALID;
    }
    snprintf(out->sdo, sizeof out->sdo, "%s", sdo_hint ? sdo_hint : "");
    snprintf(out->type, sizeof out->type, "%s", fallback_type ? fallback_type : "");
    return SECSTD_OK;
}

json_t *secstd_rec_new(const secstd_ident *id)
{
    json_t *rec = json_object();
    if (!rec)
        return NULL;
    if (secstd_rec_set(rec, "id", id->id) != SECSTD_OK ||
        secstd_rec_set(rec, "sdo", id->sdo) != SECSTD_OK ||
        secstd_rec_set(rec, "type", id->type) != SECSTD_OK) {
        json_decref(rec);
        return NULL;
    }
    return rec;
}

secstd_status secstd_ietf_ident(const char *text, secstd_ident *out)
{
    static const char *const series[] = {"RFC", "BCP", "STD", "FYI"};
    memset(out, 0, sizeof *out);
    if (!text)
        return SECSTD_ERR_INVALID;
    while (isspace((unsigned char)*text))
        text++;
    for (size_t k = 0; k < sizeof series / sizeof series[0]; k++) {
        if (strncasecmp(text, series[k], 3) != 0)
            continue;
        const char *p = text + 3;
        while (*p == ' ')
            p++;
        if (!isdigit((unsigned char)*p))
            return SECSTD_ERR_INVALID;
        char *end;
        unsigned long n = strtoul(p, &end, 10);
        while (isspace((unsigned char)*end))
            end++;
        if (*end || n == 0 || n > 999999)
            return SECSTD_ERR_INVALID;
        char plain[32];
        snprintf(plain, sizeof plain, "%s %lu", series[k], n);
        return secstd_ident_or_fallback(plain, "IETF", "", series[k], out);
    }
    return SECSTD_ERR_INVALID;
}

/* current-status -> record status. An RFC that has been obsoleted is
 * "superseded" whatever its maturity (except HISTORIC, which says more). */
static const struct {
    const char *ietf;
    const char *status;
} status_map[] = {
    {"HISTORIC", "historic"},
    {"PROPOSED STANDARD", "published"},
    {"DRAFT STANDARD", "published"},
    {"INTERNET STANDARD", "published"},
    {"BEST CURRENT PRACTICE", "published"},
    {"INFORMATIONAL", "published"},
    {"EXPERIMENTAL", "published"},
    {"UNKNOWN", "published"},
};

const char *secstd_ietf_status(const char *current, int obsoleted)
{
    const char *st = "published";
    for (size_t i = 0; current && i < sizeof status_map / sizeof status_map[0]; i++)
        if (strcasecmp(current, status_map[i].ietf) == 0)
            st = status_map[i].status;
    if (obsoleted && strcmp(st, "historic") != 0)
        return "superseded";
    return st;
}

/* ---- strings, HTML, dates, record helpers of the HTML/CSV/JSON parsers ---- */

size_t secstd_str_copy(char *dst, size_t dstlen, const char *src)
{
    size_t n = strlen(src);
    if (dstlen == 0)
        return n;
    size_t k = n < dstlen - 1 ? n : dstlen - 1;
    memcpy(dst, src, k);
    dst[k] = '\0';
    return n;
}

secstd_status secstd_html_read(const char *body, size_t len, const char *url,
                                    const char *encoding, htmlDocPtr *out, char *err,
                                    size_t errlen)
{
    *out = NULL;
    if (len > SECSTD_HTML_MAX_BYTES || len > (size_t)INT32_MAX) {
        snprintf(err, errlen, "HTML body of %zu bytes exceeds the %u-byte limit", len,
                 SECSTD_HTML_MAX_BYTES);
        return SECSTD_ERR_TOO_LARGE;
    }
    if (!encoding)
        encoding = secstd_sniff_markup_charset(body, len);
    xmlSetGenericErrorFunc(NULL, xml_generic_silent);
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

char *secstd_text_collapse(const char *s)
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
        if (secstd_html_is(n, block_elements[i]))
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

char *secstd_html_text(const xmlNode *node)
{
    if (!node)
        return secstd_text_collapse("");
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
            !secstd_html_is(n, "script") && !secstd_html_is(n, "style")) {
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
    char *s = secstd_text_collapse(buf);
    free(buf);
    return s;
}

char *secstd_html_fragment_text(const char *html)
{
    if (!html)
        html = "";
    size_t n = strlen(html);
    if (n == 0 || n > SECSTD_HTML_MAX_BYTES)
        return secstd_text_collapse(n == 0 ? "" : "");
    if (!memchr(html, '<', n) && !memchr(html, '&', n))
        return secstd_text_collapse(html);
    /* Wrapped so that a fragment starting with text still gets a body. */
    xmlSetGenericErrorFunc(NULL, xml_generic_silent);
    htmlDocPtr doc = htmlReadMemory(html, (int)n, "fragment.html", "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NOIMPLIED);
    if (!doc)
        return secstd_text_collapse(html);
    char *buf = NULL;
    size_t len = 0, cap = 0;
    if (buf_add(&buf, &len, &cap, "", 0) != 0) {
        xmlFreeDoc(doc);
        return NULL;
    }
    for (xmlNode *c = doc->children; c; c = c->next) {
        if (c->type == XML_DTD_NODE)
            continue;
        char *t = secstd_html_text(c);
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
    char *s = secstd_text_collapse(buf);
    free(buf);
    return s;
}

char *secstd_html_attr(const xmlNode *node, const char *name)
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

int secstd_html_is(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && node->name &&
           strcasecmp((const char *)node->name, name) == 0;
}

xmlNode *secstd_xml_next_in_tree(xmlNode *node, const xmlNode *root)
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

xmlNode *secstd_html_find(xmlNode *node, const char *name)
{
    for (xmlNode *n = node; n; n = secstd_xml_next_in_tree(n, node))
        if (secstd_html_is(n, name))
            return n;
    return NULL;
}

int secstd_html_has_class(const xmlNode *node, const char *cls)
{
    char *v = secstd_html_attr(node, "class");
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

int secstd_unix_date(long long t, char *buf, size_t len)
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

const char *secstd_map_status(const char *text)
{
    if (!text)
        return NULL;
    char *s = secstd_text_collapse(text);
    if (!s)
        return NULL;
    const char *found = NULL;
    for (size_t i = 0; i < sizeof status_words / sizeof status_words[0] && !found; i++)
        if (strcasecmp(s, status_words[i].word) == 0)
            found = status_words[i].status;
    free(s);
    return found;
}

void secstd_rec_dedupe_editions(json_t *rec)
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

int secstd_text_date(const char *text, char *out, size_t outlen)
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
            secstd_month_prefix(w[i + 1].p, w[i + 1].n) && w[i + 2].n == 4 &&
            all_digits(w[i + 2].p, 4))
            if (emit(out, outlen, num(w[i + 2].p, 4), secstd_month_prefix(w[i + 1].p, w[i + 1].n),
                     num(w[i].p, w[i].n)) == 0)
                return 0;
        /* Month DD, YYYY and Month YYYY */
        int m = secstd_month_prefix(w[i].p, w[i].n);
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

int secstd_itu_ident(const char *name, secstd_ident *id, char *full, size_t fulllen)
{
    char buf[256];
    char *clean = secstd_text_collapse(name);
    if (!clean)
        return -1;
    if (strncmp(clean, "ITU-T ", 6) == 0)
        secstd_str_copy(buf, sizeof buf, clean);
    else
        snprintf(buf, sizeof buf, "ITU-T %s", clean);
    free(clean);
    if (full)
        secstd_str_copy(full, fulllen, buf);
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
        char *t = secstd_text_collapse(part);
        if (t) {
            secstd_str_copy(id->part, sizeof id->part, t);
            free(t);
        }
    }
    return 0;
}

void secstd_rec_drop_own_edition(json_t *rec)
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

void secstd_rec_add_iso_twins(json_t *rec, const char *text)
{
    char buf[512];
    secstd_str_copy(buf, sizeof buf, text);
    for (char *item = buf; item && *item;) {
        char *sep = strpbrk(item, ",;");
        if (sep)
            *sep = '\0';
        char *paren = strchr(item, '(');
        if (paren)
            *paren = '\0';
        char *clean = secstd_text_collapse(item);
        secstd_ident twin;
        if (clean && *clean && secstd_ident_parse(clean, "ISO/IEC", &twin) == SECSTD_OK) {
            secstd_rec_relate(rec, "identical_to", twin.id);
            secstd_rec_add(rec, "aliases", twin.id);
        }
        free(clean);
        item = sep ? sep + 1 : NULL;
    }
}
