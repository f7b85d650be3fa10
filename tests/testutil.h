/* testutil.h — small helpers shared by the Check suites: temporary
 * directories (tests write only there), the path of the real SDO data
 * (read-only, never copied) and whole-file reads. */
#ifndef SECSTD_TESTUTIL_H
#define SECSTD_TESTUTIL_H

#include <stddef.h>

/* A fresh directory under $TMPDIR (or /tmp); caller free()s the path.
 * Aborts the test run if it cannot be made. */
char *tu_mkdtemp(void);
/* rm -rf path (only ever called on tu_mkdtemp() results). */
void tu_rmtree(const char *path);
/* "<shared data>/<rel>" ($SECSTD_SHARED_DATA or the compiled-in default);
 * caller free()s. */
char *tu_shared(const char *rel);
/* 1 if the shared data directory exists. */
int tu_have_shared(void);
/* Whole file into a NUL-terminated buffer; *len gets its size. NULL on error. */
char *tu_read_file(const char *path, size_t *len);
/* Writes len bytes of data to path; 0 on success. */
int tu_write_file(const char *path, const char *data, size_t len);
/* malloc'ed printf. */
char *tu_strdupf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
