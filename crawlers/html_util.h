/* html_util.h — helpers of the ITU/OASIS/CEN HTML, IEEE, ETSI/3GPP CSV and
 * ITU MWS JSON parsers: safe libxml2 reading (HTML and XML, with size caps,
 * no network, no entity substitution, no DTD loading), charset sniffing
 * so that every string reaching a record is valid UTF-8 (libxml2 decodes
 * windows-1252 Word HTML when told the encoding), white-space
 * normalisation (including U+00A0), month names, Unix dates, and jansson
 * conveniences for building records.
 *
 * (parse_util.h / charset.h are the other parser group's equivalents;
 * these names are prefixed secstd_util_ so both can link together.) */
#ifndef SECSTD_HTML_UTIL_H
#define SECSTD_HTML_UTIL_H

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stddef.h>

#include "ident.h"
#include "status.h"

/* Largest listing body the HTML/XML helpers accept (the fetch layer has
 * its own limit; this one protects a parser called directly). */
#define SECSTD_UTIL_MAX_MARKUP (32u * 1024u * 1024u)

/* 1 if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points above U+10FFFF). */
int secstd_util_utf8_valid(const char *s, size_t len);

/* The character set a markup body declares in its first 4 KiB (<meta
 * charset=...>, http-equiv Content-Type, or an XML declaration), mapped to
 * a name libxml2/iconv know ("UTF-8", "windows-1252", "ISO-8859-15").
 * ISO-8859-1 and US-ASCII labels mean windows-1252 (WHATWG). Without a
 * declaration: "UTF-8" if the body is valid UTF-8, else "windows-1252".
 * Never NULL; the string is static. */
const char *secstd_util_sniff_charset(const char *body, size_t len);

/* Parses an HTML body with libxml2's HTML parser in the given encoding
 * (NULL: sniffed as above), with HTML_PARSE_NONET | HTML_PARSE_NOERROR |
 * HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS. Returns SECSTD_OK and a
 * document the caller frees with xmlFreeDoc(); SECSTD_ERR_TOO_LARGE when
 * len exceeds SECSTD_UTIL_MAX_MARKUP; SECSTD_ERR_PARSE when nothing could
 * be parsed. err gets a one-line reason. */
secstd_status secstd_util_html_read(const char *body, size_t len, const char *url,
                                    const char *encoding, htmlDocPtr *out, char *err,
                                    size_t errlen);

/* Parses an XML body safely: XML_PARSE_NONET, never XML_PARSE_NOENT or
 * XML_PARSE_DTDLOAD (external entities and DTDs are not fetched, entities
 * are not substituted), no XML_PARSE_HUGE (libxml2's own depth and
 * entity-amplification limits stay on); additionally refuses bodies longer
 * than max_len or nested deeper than max_depth elements. Returns
 * SECSTD_OK, SECSTD_ERR_TOO_LARGE or SECSTD_ERR_PARSE (libxml2's message
 * and line in err). Caller frees with xmlFreeDoc(). */
secstd_status secstd_util_xml_read(const char *body, size_t len, const char *url,
                                   size_t max_len, int max_depth, xmlDocPtr *out, char *err,
                                   size_t errlen);

/* The text content of node and its descendants with runs of white space
 * (ASCII and U+00A0) collapsed to one space and trimmed. Newly allocated
 * (free()); "" for a NULL node; NULL only on allocation failure. */
char *secstd_util_node_text(const xmlNode *node);

/* The text of an HTML fragment (as found in JSON fields: "a<br/>b &amp;
 * c"), tags dropped, entities decoded, white space collapsed; newly
 * allocated; NULL only on allocation failure. */
char *secstd_util_html_fragment_text(const char *html);

/* s with white space collapsed and trimmed, as above; newly allocated. */
char *secstd_util_norm_space(const char *s);

/* The value of attribute name of node, newly allocated, or NULL. */
char *secstd_util_attr(const xmlNode *node, const char *name);

/* 1 if node is an element called name (ASCII case-insensitive). */
int secstd_util_is_element(const xmlNode *node, const char *name);

/* The first element named name in document order under (and including)
 * node, or NULL. Iterative: deep trees cannot overflow the stack. */
xmlNode *secstd_util_find_element(xmlNode *node, const char *name);

/* Node after node in document order (children first), staying within
 * root; NULL at the end. For iterative tree walks. */
xmlNode *secstd_util_next_in_tree(xmlNode *node, const xmlNode *root);

/* 1 if the class attribute of node contains the token cls. */
int secstd_util_has_class(const xmlNode *node, const char *cls);

/* Month number 1..12 of an English month name or a prefix of at least
 * three letters ("Aug", "august", "Sept"); 0 if not a month. Compares
 * the first len bytes of name. */
int secstd_util_month(const char *name, size_t len);

/* Finds the first date in free text and writes it in the schema form
 * (YYYY-MM-DD, YYYY-MM or YYYY) into out (>= 11 bytes): "2021-08-22",
 * "Approved on 22 Aug 2021", "August 22, 2021", "(08/2021)", "2006-03",
 * "June 2010", else a lone plausible year. Returns 0, or -1 if none. */
int secstd_util_parse_date(const char *text, char *out, size_t outlen);

/* Writes "YYYY-MM-DD" for a Unix time (UTC) into buf (at least 11 bytes).
 * Returns 0, or -1 if out of range (before 1900 or after 9999). */
int secstd_util_unix_date(long long t, char *buf, size_t len);

/* Sets obj[key] to a new string when value is non-NULL and non-empty.
 * Returns 0 or -1. */
int secstd_util_set_str(json_t *obj, const char *key, const char *value);

/* Appends value to the array obj[key] (created when absent) unless NULL,
 * empty or already present. Returns 0 or -1. */
int secstd_util_add_unique(json_t *obj, const char *key, const char *value);

/* Appends value to rec.relations[kind] like secstd_util_add_unique. */
int secstd_util_add_relation(json_t *rec, const char *kind, const char *value);

/* Maps a status word as written by a body ("In force", "Superseded",
 * "Withdrawn", "Published", "Active", "Inactive", "Draft", "Under
 * development", ...) to the schema vocabulary, or NULL when unknown. */
const char *secstd_util_map_status(const char *text);

/* Copies src into dst (NUL-terminated when dstlen > 0), truncating;
 * returns strlen(src) (like strlcpy). */
size_t secstd_util_copy(char *dst, size_t dstlen, const char *src);

/* Removes entries with the same "id" from rec.editions, merging each
 * duplicate's fields into the first; a longer (more precise) "date" wins.
 * For sources whose documents describe the same edition twice. */
void secstd_util_dedupe_editions(json_t *rec);

/* Removes from rec.editions the entries that describe the record's own
 * edition (same "edition", no "part"): a source whose documents each
 * describe the current edition would otherwise list it twice. */
void secstd_util_drop_own_edition(json_t *rec);

/* ITU-T names as the ITU pages and API write them ("H.264 (V14)
 * (08/2021)", "ITU-T H.264 (2007) Cor. 1 (01/2009)", "Z.100 Annex F3
 * (06/2021)", "H Suppl. 1 (05/1999)"): the identifier through
 * secstd_ident_parse() with "ITU-T " prefixed when missing (retried with
 * the number alone when the identifier module does not know the full
 * form), and the part (Amd./Cor./Add./Err./Annex/App./Suppl.) taken from
 * the text between the number and the final date when the identifier
 * module leaves it empty. full (may be NULL) gets "ITU-T <name>" with
 * white space collapsed. Returns 0, or -1 when not an ITU-T identifier. */
int secstd_util_itu_ident(const char *name, secstd_ident *id, char *full, size_t fulllen);

#endif
