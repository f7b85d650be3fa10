/* status.c — messages for secstd_status. No default: a new status without a
 * message is a compile error under -Werror (-Wswitch). */
#include "status.h"

const char *secstd_status_to_string(secstd_status status)
{
    switch (status) {
    case SECSTD_OK: return "ok";
    case SECSTD_ERR_NOMEM: return "out of memory";
    case SECSTD_ERR_IO: return "input/output error";
    case SECSTD_ERR_INVALID: return "invalid argument or input";
    case SECSTD_ERR_NOT_FOUND: return "not found";
    case SECSTD_ERR_TOO_LARGE: return "input exceeds a limit";
    case SECSTD_ERR_SCHEMA: return "record does not follow the schema";
    case SECSTD_ERR_SCHEMA_VERSION: return "index schema version mismatch";
    case SECSTD_ERR_NO_INDEX: return "no index has been published";
    case SECSTD_ERR_XAPIAN_MODIFIED: return "index was modified while reading";
    case SECSTD_ERR_XAPIAN_LOCK: return "index is locked by another writer";
    case SECSTD_ERR_XAPIAN_OPENING: return "index could not be opened";
    case SECSTD_ERR_XAPIAN_CORRUPT: return "index is corrupt";
    case SECSTD_ERR_QUERY_SYNTAX: return "query syntax error";
    case SECSTD_ERR_XAPIAN: return "search engine error";
    case SECSTD_ERR_UNKNOWN: return "unknown internal error";
    case SECSTD_ERR_NETWORK: return "network error";
    case SECSTD_ERR_HTTP: return "HTTP error from upstream";
    case SECSTD_ERR_PARSE: return "listing could not be parsed";
    case SECSTD_ERR_LOCKED: return "another run holds the lock";
    case SECSTD_ERR_UNCHANGED: return "unchanged";
    }
    return "unknown status";
}
