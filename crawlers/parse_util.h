/* parse_util.h — small helpers shared by the listing parsers: safe XML and
 * HTML reading (libxml2 with no entity substitution, no DTD loading, no
 * network, size and depth caps), text clean-up (UTF-8 repair, whitespace
 * collapsing, HTML tag stripping), month names and dates, HTML tree
 * walking, and record building (set-if-present, unique array append,
 * relations, editions, identifiers with a fallback when
 * secstd_ident_parse() does not know a form).
 *
 * Charset sniffing, conversion and UTF-8 checks live in charset.h.
 *
 * Everything here is pure: no I/O, no printing. */
#ifndef SECSTD_PARSE_UTIL_H
#define SECSTD_PARSE_UTIL_H

#include <jansson.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stddef.h>

#include "ident.h"
#include "status.h"

/* Largest XML listing accepted (the full rfc-index.xml is ~14 MB). */
#define SECSTD_XML_MAX_BYTES ((size_t)64 * 1024 * 1024)
/* Largest JSON listing accepted. */
#define SECSTD_JSON_MAX_BYTES ((size_t)64 * 1024 * 1024)
/* Deepest element nesting accepted (libxml2 itself stops at 256). */
#define SECSTD_XML_MAX_DEPTH 64

/* Parses an XML listing safely. Refuses (SECSTD_ERR_TOO_LARGE) bodies over
 * SECSTD_XML_MAX_BYTES, documents nested deeper than SECSTD_XML_MAX_DEPTH
 * and any document that declares entities (<!ENTITY ...>): no listing we
 * read needs them, and refusing them closes both the entity-expansion
 * ("billion laughs") and the external-entity (XXE) attacks. Parses with
 * XML_PARSE_NONET, without XML_PARSE_NOENT / XML_PARSE_DTDLOAD, and
 * silently (errors go to err as "line N: message", never to stderr).
 * On success *out is the document (xmlFreeDoc it). */
secstd_status secstd_xml_read(const char *body, size_t len, const char *url, xmlDocPtr *out,
                              char *err, size_t errlen);

/* secstd_xml_read, then SECSTD_ERR_PARSE ("line N: root element <x> is
 * not <root_label>") unless the root element is named root_name. */
secstd_status secstd_xml_read_root(const char *body, size_t len, const char *url,
                                   const char *root_name, const char *root_label,
                                   xmlDocPtr *out, char *err, size_t errlen);

/* Like secstd_xml_read, but with the caller's size and depth limits
 * (elements may sit at most max_depth levels below the root) and without
 * the entity-declaration refusal: entities stay unsubstituted references.
 * Returns SECSTD_OK, SECSTD_ERR_TOO_LARGE, SECSTD_ERR_PARSE ("malformed
 * XML at line N: ...") or SECSTD_ERR_NOMEM. Caller frees with
 * xmlFreeDoc(). */
secstd_status secstd_xml_read_limited(const char *body, size_t len, const char *url,
                                      size_t max_len, int max_depth, xmlDocPtr *out, char *err,
                                      size_t errlen);

/* 1 if node is an element named name (namespace ignored). */
int secstd_xml_is(const xmlNode *node, const char *name);
/* First child element named name, or NULL. */
xmlNode *secstd_xml_child(const xmlNode *node, const char *name);
/* Text content of node with whitespace collapsed, as valid UTF-8; caller
 * frees. NULL if node is NULL or the text is empty. */
char *secstd_xml_text(const xmlNode *node);
/* secstd_xml_text of the first child element named name. */
char *secstd_xml_child_text(const xmlNode *node, const char *name);
/* Attribute value (namespace ignored), whitespace-trimmed; caller frees. */
char *secstd_xml_attr(const xmlNode *node, const char *name);

/* (UTF-8 validation: secstd_utf8_valid() in charset.h.) */
/* A NUL-terminated, valid UTF-8 copy of s[0..len) with runs of white space
 * collapsed to one space and trimmed; bytes that are not valid UTF-8 are
 * read as windows-1252/Latin-1. Caller frees. NULL on allocation failure. */
char *secstd_text_clean(const char *s, size_t len);
/* Like secstd_text_clean, but drops HTML/XML tags and comments and decodes
 * the common character references (&amp; &lt; &gt; &quot; &#39; &nbsp;
 * &#NNN; &#xHH;). For HTML abstracts in JSON listings. */
char *secstd_html_to_text(const char *s);
/* s with only its character references decoded (as above; tags, white
 * space and anything else kept): for plain-text fields that carry HTML
 * escapes ("Software &amp; Systems", "IEEE 7002&#8482;"). Caller frees;
 * NULL if s is NULL or on allocation failure. */
char *secstd_html_unescape(const char *s);

/* 1..12 for an English month name or 3-letter abbreviation
 * (case-insensitive), 0 otherwise. */
int secstd_month_number(const char *name, size_t len);
/* Like secstd_month_number, but any prefix of at least three letters
 * ("Aug", "august", "Sept") is a month. */
int secstd_month_prefix(const char *name, size_t len);

/* Record building. Each sets nothing when value is NULL or empty and
 * returns SECSTD_OK, or SECSTD_ERR_NOMEM. Strings must be valid UTF-8. */
secstd_status secstd_rec_set(json_t *rec, const char *key, const char *value);
/* Appends value to the array rec[key] (created on demand) unless present. */
secstd_status secstd_rec_add(json_t *rec, const char *key, const char *value);
/* Appends value to rec.relations[kind] unless present. */
secstd_status secstd_rec_relate(json_t *rec, const char *kind, const char *value);

/* Canonical identifier of text, parsed with secstd_ident_parse(text,
 * sdo_hint). When the identifier module does not recognise the form,
 * falls back to "<fallback_prefix> <text>" with white space collapsed
 * (e.g. "NIST CSWP 11A"), type fallback_type, no edition. Returns
 * SECSTD_OK, or SECSTD_ERR_INVALID if text is empty or too long. */
secstd_status secstd_ident_or_fallback(const char *text, const char *sdo_hint,
                                       const char *fallback_prefix, const char *fallback_type,
                                       secstd_ident *out);

/* Canonical IETF document id from the forms the RFC Editor writes:
 * "RFC0001", "RFC1", "rfc 8446", "BCP195", "STD 7", "FYI1" -> "RFC 1",
 * "BCP 195" ... (through secstd_ident_parse, with this as the fallback).
 * Returns SECSTD_OK or SECSTD_ERR_INVALID (not such an id). */
secstd_status secstd_ietf_ident(const char *text, secstd_ident *out);

/* Record status of an RFC from its current status as the RFC Editor
 * writes it ("PROPOSED STANDARD", "HISTORIC", ...; NULL allowed) and
 * whether it has been obsoleted: "historic", "superseded" or "published". */
const char *secstd_ietf_status(const char *current, int obsoleted);

/* A new record {"id", "sdo", "type"} from an identifier; NULL on NOMEM. */
json_t *secstd_rec_new(const secstd_ident *id);

/* Largest listing body the HTML/XML helpers accept (the fetch layer has
 * its own limit; this one protects a parser called directly). */
#define SECSTD_HTML_MAX_BYTES (32u * 1024u * 1024u)

/* Parses an HTML body with libxml2's HTML parser in the given encoding
 * (NULL: secstd_sniff_markup_charset()), with HTML_PARSE_NONET | HTML_PARSE_NOERROR |
 * HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS. Returns SECSTD_OK and a
 * document the caller frees with xmlFreeDoc(); SECSTD_ERR_TOO_LARGE when
 * len exceeds SECSTD_HTML_MAX_BYTES; SECSTD_ERR_PARSE when nothing could
 * be parsed. err gets a one-line reason. */
secstd_status secstd_html_read(const char *body, size_t len, const char *url,
                                    const char *encoding, htmlDocPtr *out, char *err,
                                    size_t errlen);

/* The text content of node and its descendants with runs of white space
 * (ASCII and U+00A0) collapsed to one space and trimmed. Newly allocated
 * (free()); "" for a NULL node; NULL only on allocation failure. */
char *secstd_html_text(const xmlNode *node);

/* The text of an HTML fragment (as found in JSON fields: "a<br/>b &amp;
 * c"), tags dropped, entities decoded, white space collapsed; newly
 * allocated; NULL only on allocation failure. */
char *secstd_html_fragment_text(const char *html);

/* s with white space collapsed and trimmed, as above; newly allocated. */
char *secstd_text_collapse(const char *s);

/* The value of attribute name of node, newly allocated, or NULL. */
char *secstd_html_attr(const xmlNode *node, const char *name);

/* 1 if node is an element called name (ASCII case-insensitive). */
int secstd_html_is(const xmlNode *node, const char *name);

/* The first element named name in document order under (and including)
 * node, or NULL. Iterative: deep trees cannot overflow the stack. */
xmlNode *secstd_html_find(xmlNode *node, const char *name);

/* Node after node in document order (children first), staying within
 * root; NULL at the end. For iterative tree walks. */
xmlNode *secstd_xml_next_in_tree(xmlNode *node, const xmlNode *root);

/* 1 if the class attribute of node contains the token cls. */
int secstd_html_has_class(const xmlNode *node, const char *cls);

/* Finds the first date in free text and writes it in the schema form
 * (YYYY-MM-DD, YYYY-MM or YYYY) into out (>= 11 bytes): "2021-08-22",
 * "Approved on 22 Aug 2021", "August 22, 2021", "(08/2021)", "2006-03",
 * "June 2010", else a lone plausible year. Returns 0, or -1 if none. */
int secstd_text_date(const char *text, char *out, size_t outlen);

/* Writes "YYYY-MM-DD" for a Unix time (UTC) into buf (at least 11 bytes).
 * Returns 0, or -1 if out of range (before 1900 or after 9999). */
int secstd_unix_date(long long t, char *buf, size_t len);

/* Maps a status word as written by a body ("In force", "Superseded",
 * "Withdrawn", "Published", "Active", "Inactive", "Draft", "Under
 * development", ...) to the schema vocabulary, or NULL when unknown. */
const char *secstd_map_status(const char *text);

/* Copies src into dst (NUL-terminated when dstlen > 0), truncating;
 * returns strlen(src) (like strlcpy). */
size_t secstd_str_copy(char *dst, size_t dstlen, const char *src);

/* Removes entries with the same "id" from rec.editions, merging each
 * duplicate's fields into the first; a longer (more precise) "date" wins.
 * For sources whose documents describe the same edition twice. */
void secstd_rec_dedupe_editions(json_t *rec);

/* Removes from rec.editions the entries that describe the record's own
 * edition (same "edition", no "part"): a source whose documents each
 * describe the current edition would otherwise list it twice. */
void secstd_rec_drop_own_edition(json_t *rec);

/* ITU-T names as the ITU pages and API write them ("H.264 (V14)
 * (08/2021)", "ITU-T H.264 (2007) Cor. 1 (01/2009)", "Z.100 Annex F3
 * (06/2021)", "H Suppl. 1 (05/1999)"): the identifier through
 * secstd_ident_parse() with "ITU-T " prefixed when missing (retried with
 * the number alone when the identifier module does not know the full
 * form), and the part (Amd./Cor./Add./Err./Annex/App./Suppl.) taken from
 * the text between the number and the final date when the identifier
 * module leaves it empty. full (may be NULL) gets "ITU-T <name>" with
 * white space collapsed. Returns 0, or -1 when not an ITU-T identifier. */
int secstd_itu_ident(const char *name, secstd_ident *id, char *full, size_t fulllen);

/* For each item of a ","/";"-separated list of ISO/IEC identifiers (a
 * parenthesised date after each is ignored; text beyond 511 bytes is
 * not read), adds relations.identical_to and aliases to rec. For the
 * "common text with ISO/IEC ..." notes of ITU-T Recommendations. */
void secstd_rec_add_iso_twins(json_t *rec, const char *text);

/* Writes "what" into err (a bounded, printf-style one-liner). */
void secstd_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
