/* config.h — the secstd configuration file: a small INI-like reader shared
 * by `secstd crawl`, `secstd refresh` and searchd.
 *
 * Format (docs/CONFIG.md is the reference):
 *
 *     # comment (also after whitespace; a '#' inside a value is kept)
 *     key = value              top-level keys belong to section ""
 *     [crawl]                  a plain section
 *     timeout = 120
 *     [source ietf-txt]        a named section, stored as "source ietf-txt"
 *     enabled = no
 *
 * Keys are [A-Za-z0-9_.-]+ and case-sensitive; values are trimmed and may
 * be wrapped in double quotes to keep leading/trailing blanks. A later
 * assignment of the same key in the same section wins. Every entry keeps
 * the file and line it came from, so typed getters and the unknown-key
 * check report "FILE:LINE: reason". The reader only reads; it never
 * interprets keys (each component owns its own). */
#ifndef SECSTD_CONFIG_H
#define SECSTD_CONFIG_H

#include <stddef.h>

#include "status.h"

/* Largest config file accepted, and longest line. */
#define SECSTD_CONFIG_MAX_SIZE (1024 * 1024)
#define SECSTD_CONFIG_MAX_LINE 4096

typedef struct secstd_config secstd_config;

/* An empty configuration (every getter returns its default). NULL on
 * allocation failure. */
secstd_config *secstd_config_new(void);
void secstd_config_free(secstd_config *cfg);

/* Reads and parses path into a new configuration. Returns SECSTD_OK,
 * SECSTD_ERR_IO (cannot read; err says why), SECSTD_ERR_INVALID (syntax
 * error; err is "FILE:LINE: reason"), SECSTD_ERR_TOO_LARGE, SECSTD_ERR_NOMEM.
 * *out is NULL on failure. */
secstd_status secstd_config_load(const char *path, secstd_config **out, char *err, size_t errlen);

/* Parses text (len bytes) into cfg, adding to what it holds; name is used
 * in messages ("FILE"). Same statuses as secstd_config_load. */
secstd_status secstd_config_parse(secstd_config *cfg, const char *text, size_t len, const char *name,
                                  char *err, size_t errlen);

/* Sets section/key to value (copied), e.g. from a command-line flag; the
 * origin is reported as "<command line>". Returns SECSTD_OK or
 * SECSTD_ERR_NOMEM / SECSTD_ERR_INVALID (bad key). */
secstd_status secstd_config_set(secstd_config *cfg, const char *section, const char *key,
                                const char *value);

/* The value of key in section ("" or NULL for top level; "source NAME"
 * for a named section), borrowed, or NULL when unset. */
const char *secstd_config_get(const secstd_config *cfg, const char *section, const char *key);

/* "FILE:LINE" where key was set (borrowed), or NULL when unset. */
const char *secstd_config_origin(const secstd_config *cfg, const char *section, const char *key);

/* Typed getters: *out gets def when the key is unset. Returns SECSTD_OK or
 * SECSTD_ERR_INVALID with "FILE:LINE: key: reason" in err when the value is
 * not of the type or outside [min, max]. cfg may be NULL.
 * Integers accept an optional unit suffix: k/M/G (x1024) for sizes. */
secstd_status secstd_config_get_long(const secstd_config *cfg, const char *section, const char *key,
                                     long def, long min, long max, long *out, char *err,
                                     size_t errlen);
secstd_status secstd_config_get_double(const secstd_config *cfg, const char *section,
                                       const char *key, double def, double min, double max,
                                       double *out, char *err, size_t errlen);
/* yes/no, true/false, on/off, 1/0. */
secstd_status secstd_config_get_bool(const secstd_config *cfg, const char *section, const char *key,
                                     int def, int *out, char *err, size_t errlen);

/* Number of sections (including "" when top-level keys exist) and the
 * name of section i (borrowed), in first-seen order. */
size_t secstd_config_section_count(const secstd_config *cfg);
const char *secstd_config_section_at(const secstd_config *cfg, size_t i);

/* Checks that every key of section is in known (a NULL-terminated list).
 * Returns SECSTD_OK or SECSTD_ERR_INVALID with "FILE:LINE: unknown key
 * 'k' in [section]" in err: typos must not be silently ignored. */
secstd_status secstd_config_check_keys(const secstd_config *cfg, const char *section,
                                       const char *const *known, char *err, size_t errlen);

#endif
