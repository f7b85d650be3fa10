/* common.h — what every `secstd` subcommand shares: where the data lives
 * (--data DIR, else $SECSTD_DATA, else ./var) and terminal detection. */
#ifndef SECSTD_CLI_COMMON_H
#define SECSTD_CLI_COMMON_H

#include <stddef.h>

/* The data directory: flag value if given, else $SECSTD_DATA, else "var". */
const char *cli_data_dir(const char *flag);
/* "<data>/<sub>" into buf; returns buf. */
char *cli_data_path(const char *data, const char *sub, char *buf, size_t len);
/* 1 if stream fd is a terminal (progress lines only then). */
int cli_is_tty(int fd);

#endif
