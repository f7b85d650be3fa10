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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void secstd_errf(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- UTF-8 ---------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (at most n bytes), 0 if invalid. */
static size_t utf8_seq(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80)
        return 1;
    size_t len;
    unsigned min;
    unsigned cp;
    if (c >= 0xC2 && c <= 0xDF) {
        len = 2, min = 0x80, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        len = 3, min = 0x800, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4, min = 0x10000, cp = c & 0x07;
    } else {
        return 0;
    }
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return len;
}

/* windows-1252 code points of bytes 0x80..0x9F (0 = undefined). */
static const unsigned cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
    0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

static size_t put_cp(char *o, unsigned cp)
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
        size_t n = utf8_seq(p + i, len - i);
        if (n > 0) {
            memcpy(out + o, p + i, n);
            o += n;
            i += n;
            continue;
        }
        unsigned cp = c;
        if (c >= 0x80 && c <= 0x9F)
            cp = cp1252_high[c - 0x80] ? cp1252_high[c - 0x80] : 0xFFFD;
        o += put_cp(out + o, cp);
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

char *secstd_html_to_text(const char *s)
{
    if (!s)
        return NULL;
    size_t len = strlen(s);
    char *buf = malloc(len + 1);
    if (!buf)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (strncmp(s + i, "<!--", 4) == 0) {
            const char *end = strstr(s + i + 4, "-->");
            i = end ? (size_t)(end - s) + 3 : len;
            buf[o++] = ' ';
            continue;
        }
        if (s[i] == '<') {
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
                    o += put_cp(buf + o, cp);
                    i = (size_t)(semi - s) + 1;
                    continue;
                }
            }
        }
        buf[o++] = s[i++];
    }
    char *clean = secstd_text_clean(buf, o);
    free(buf);
    return clean;
}

/* ---- months ----------------------------------------------------------- */

static const char *const month_names[12] = {
    "january", "february", "march",     "april",   "may",      "june",
    "july",    "august",   "september", "october", "november", "december",
};

int secstd_month_number(const char *name, size_t len)
{
    if (!name || len < 3)
        return 0;
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(month_names[m]);
        if ((len == 3 || len == full) && len <= full && strncasecmp(name, month_names[m], len) == 0)
            return m + 1;
    }
    return 0;
}

/* ---- XML ---------------------------------------------------------------- */

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
    /* Some libxml2 errors (encoding conversion, I/O) bypass the context's
     * handlers and go to the generic handler, which prints to stderr: a
     * hostile listing could flood the log (found by fuzzing). The handler
     * is per thread in libxml2; nothing of ours wants it. */
    xmlSetGenericErrorFunc(NULL, xml_generic_silent);
    xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
    if (!ctxt)
        return SECSTD_ERR_NOMEM;
    /* Structured errors go to our no-op handler and stay in lastError:
     * a library never prints. */
    ctxt->sax->serror = xml_silent;
    ctxt->sax->warning = NULL;
    ctxt->sax->error = NULL;
    ctxt->vctxt.error = NULL;
    ctxt->vctxt.warning = NULL;
    int options = XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR | XML_PARSE_NOCDATA;
    xmlDocPtr doc = xmlCtxtReadMemory(ctxt, body, (int)len, url ? url : "listing.xml", NULL, options);
    if (!doc || !ctxt->wellFormed) {
        xmlErrorPtr e = xmlCtxtGetLastError(ctxt);
        char msg[160] = "not well-formed XML";
        if (e && e->message) {
            snprintf(msg, sizeof msg, "%s", e->message);
            size_t n = strlen(msg);
            while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
                msg[--n] = '\0';
        }
        secstd_errf(err, errlen, "line %d: %s", e ? e->line : 0, msg);
        int entity_loop = e && (e->code == XML_ERR_ENTITY_LOOP);
        xmlFreeDoc(doc);
        xmlFreeParserCtxt(ctxt);
        return entity_loop ? SECSTD_ERR_TOO_LARGE : SECSTD_ERR_PARSE;
    }
    xmlFreeParserCtxt(ctxt);
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

