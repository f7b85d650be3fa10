/* common.c — see common.h. */
#include "common.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

const char *cli_data_dir(const char *flag)
{
    if (flag && *flag)
        return flag;
    const char *env = getenv("SECSTD_DATA");
    return env && *env ? env : "var";
}

char *cli_data_path(const char *data, const char *sub, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", data, sub);
    return buf;
}

int cli_is_tty(int fd) { return isatty(fd); }
