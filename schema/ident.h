/* ident.h — identifier normalisation.
 *
 * Every body writes its numbers several ways ("X.509", "ITU-T X.509
 * (10/2019)", "T-REC-X.509", "Rec. ITU-T X.509"; "RFC8446", "rfc 8446",
 * "RFC0001"; "3GPP TS 33.501:REL-19/19.4.0"; "ETSI TS 133 501 V19.6.0
 * (2026-04)"). This module maps each form to one canonical identifier of
 * the base standard, without edition, and keeps the edition, the
 * amendment/corrigendum/supplement part and the draft flag apart, so that
 * editions and amendments attach to their base standard.
 *
 * Canonical forms (the `id` of a record):
 *   ITU-T X.509          RFC 8446 / BCP 195 / STD 7 / FYI 1
 *   ISO/IEC 27001        ISO 21177          IEC 62443-3-3     ISO/IEC/IEEE 8802-1AE
 *   3GPP TS 33.501       ETSI EN 303 645    ETSI GR NFV-SEC 003
 *   IEEE 802.1AE         NIST SP 800-207    NIST FIPS 140-3   NIST IR 8259
 *   OASIS csaf-v2.0      W3C webauthn-3     oneM2M TS-0003    CEN EN 1325
 */
#ifndef SECSTD_IDENT_H
#define SECSTD_IDENT_H

#include <stddef.h>

#include "status.h"

#define SECSTD_IDENT_MAX 128

typedef struct secstd_ident {
    char sdo[16];                 /* canonical SDO name, as in sdos.def */
    char id[SECSTD_IDENT_MAX];    /* canonical base identifier */
    char type[24];                /* Recommendation, RFC, BCP, TS, TR, EN, IS, Std, SP, FIPS ... */
    char edition[64];             /* "10/2019", "2022", "19.4.0", "Rev. 5", "D1.4" or "" */
    char part[64];                /* "Amd 1", "Cor 1:2014", "Suppl. 5", "Add 2" or "" */
    int draft;                    /* 1 for drafts: ISO DIS/CD, IEEE P..., NIST draft */
    char alias[SECSTD_IDENT_MAX]; /* a second number of the same text written in the
                                   * same identifier ("ITU-T X.371/Y.1402" gives id
                                   * "ITU-T X.371", alias "ITU-T Y.1402"), or "" */
} secstd_ident;

/* Parses one identifier as written by any body. sdo_hint (may be NULL) is
 * the canonical SDO of the listing the text came from; it resolves bare
 * forms ("27001" from an ISO listing, "TS 33.501" from 3GPP). Leading and
 * trailing space and the words "Rec.", "Recommendation", "Std" are
 * tolerated.
 * Returns SECSTD_OK and fills *out, or SECSTD_ERR_INVALID (out zeroed) when
 * text is not a recognised identifier. */
secstd_status secstd_ident_parse(const char *text, const char *sdo_hint, secstd_ident *out);

/* Writes the term form of a canonical identifier (lower-case, single
 * spaces) into buf: "itu-t x.509". Returns the length, or 0 if it does not
 * fit. Used for Xapian identifier terms and record lookup keys. */
size_t secstd_ident_key(const char *canonical_id, char *buf, size_t len);

/* Callback of secstd_ident_scan: the identifier at text[start..end).
 * Return non-zero to stop scanning. */
typedef int (*secstd_ident_found_fn)(void *ctx, size_t start, size_t end, const secstd_ident *id);

/* Finds identifiers inside free text such as a query ("tls X.509 profile",
 * "RFC 8446 and TS 33.501"), left to right, non-overlapping, longest match
 * first. Recognises the SDO-prefixed forms and the unambiguous bare forms
 * (X.509, RFC 8446, TS 33.501, SP 800-207, ISO/IEC 27001, EN 303 645,
 * FIPS 140-3, 802.1AE); not bare numbers. Returns the number found. */
size_t secstd_ident_scan(const char *text, secstd_ident_found_fn fn, void *ctx);

/* The standard an ETSI deliverable transposes, derived from its number:
 * "ETSI TS 133 501" -> "3GPP TS 33.501" (ETSI 121..155 = 3GPP series
 * 21..55), "ETSI TS 118 103" -> "oneM2M TS-0003", "ETSI TR 118 508" ->
 * "oneM2M TR-0008". Fills *out (edition, part, draft cleared) and returns
 * SECSTD_OK, or SECSTD_ERR_NOT_FOUND (out zeroed) for any other id. */
secstd_status secstd_ident_transposed_from(const secstd_ident *etsi, secstd_ident *out);

#endif
