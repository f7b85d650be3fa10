/* parse_util.h — small helpers shared by the listing parsers: safe XML reading
 * (libxml2 with no entity substitution, no DTD loading, no network, size
 * and entity-declaration checks), text clean-up (UTF-8 repair, whitespace
 * collapsing, HTML tag stripping), month names, and record building
 * (set-if-present, unique array append, relations, identifiers with a
 * fallback when secstd_ident_parse() does not know a form).
 *
 * Everything here is pure: no I/O, no printing. */
#ifndef SECSTD_PARSE_UTIL_H
#define SECSTD_PARSE_UTIL_H

#include <jansson.h>
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

/* 1..12 for an English month name or 3-letter abbreviation
 * (case-insensitive), 0 otherwise. */
int secstd_month_number(const char *name, size_t len);

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

/* Writes "what" into err (a bounded, printf-style one-liner). */
void secstd_errf(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
