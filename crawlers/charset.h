/* charset.h — turning listing bytes into valid UTF-8.
 *
 * The bodies' listings come in several encodings: ITU-T summary pages are
 * windows-1252 Word HTML, some older pages declare ISO-8859-1, and a few
 * servers send bytes that are not valid in any encoding. Nothing but valid
 * UTF-8 may reach a record, so parsers that read text themselves (HTML,
 * CSV, plain text) run their input through secstd_to_utf8() first. XML
 * parsers may instead let libxml2 honour the XML declaration. */
#ifndef SECSTD_CHARSET_H
#define SECSTD_CHARSET_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* 1 if s[0..len) is valid UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
int secstd_utf8_valid(const char *s, size_t len);

/* Length (1..4) of the valid UTF-8 sequence at s, reading at most len
 * (>= 1) bytes; 0 if the bytes there are not valid UTF-8. */
size_t secstd_utf8_seq(const unsigned char *s, size_t len);

/* Writes code point cp (< U+10000) as UTF-8 at o (room for 3 bytes);
 * returns the number of bytes written. */
size_t secstd_utf8_put(char *o, uint32_t cp);

/* The code point of windows-1252 byte c; the five undefined bytes (0x81,
 * 0x8D, 0x8F, 0x90, 0x9D) map to their C1 control code points, as the
 * WHATWG encoding standard does. */
uint32_t secstd_cp1252_to_cp(unsigned char c);

/* The character set a markup body declares in its first 4 KiB (the first
 * charset= or encoding= followed by a label known here), mapped to a name
 * libxml2/iconv know ("UTF-8", "windows-1252", "ISO-8859-15"). ISO-8859-1
 * and US-ASCII labels mean windows-1252 (WHATWG). Without a declaration:
 * "UTF-8" if the body is valid UTF-8, else "windows-1252". Never NULL;
 * the string is static. For handing an encoding to libxml2's HTML parser;
 * secstd_sniff_charset() is the general (content-type, BOM, meta) sniffer. */
const char *secstd_sniff_markup_charset(const char *body, size_t len);

/* The charset a body declares, lower-cased into out (e.g. "windows-1252"):
 * the charset= parameter of content_type (may be NULL) wins, then a byte
 * order mark, then an XML declaration's encoding="...", then an HTML
 * <meta charset=...> or <meta http-equiv="Content-Type" content="...;
 * charset=...">, looked for in the first 8 KiB. Empty string when none. */
void secstd_sniff_charset(const char *body, size_t len, const char *content_type, char *out,
                          size_t outlen);

/* Converts body (len bytes) to a new NUL-terminated UTF-8 string in *out
 * (caller free()s; *outlen gets its length without the NUL).
 * charset is the declared charset (NULL or "" to sniff with
 * secstd_sniff_charset()). Rules, in order:
 *   - a UTF-8 BOM is dropped;
 *   - bytes that are already valid UTF-8 are kept (a page that says
 *     ISO-8859-1 but is UTF-8 is common; the reverse cannot be valid UTF-8
 *     except for pure ASCII, where both agree);
 *   - windows-1252, ISO-8859-1/latin1, US-ASCII or no charset: decoded as
 *     windows-1252 (the WHATWG rule: ISO-8859-1 labels mean windows-1252);
 *   - any other charset known to iconv (UTF-16, Shift_JIS, ...): iconv;
 *   - otherwise, and for invalid sequences in UTF-8 input: each bad byte
 *     becomes U+FFFD.
 * Output is at most 3 * len + 1 bytes. Returns SECSTD_OK or SECSTD_ERR_NOMEM
 * (*out NULL). */
secstd_status secstd_to_utf8(const char *body, size_t len, const char *charset, char **out,
                             size_t *outlen);

#endif
