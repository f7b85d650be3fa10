/* status.h — the one status enum every fallible secstd call returns.
 *
 * Libraries never print: a call returns one of these and keeps detail on its
 * handle (or, for calls that have no handle yet, in an out-parameter).
 * secstd_status_to_string() is a switch with no default so the compiler
 * flags a status that has no message. */
#ifndef SECSTD_STATUS_H
#define SECSTD_STATUS_H

typedef enum secstd_status {
    SECSTD_OK = 0,
    SECSTD_ERR_NOMEM,            /* allocation failed (std::bad_alloc too) */
    SECSTD_ERR_IO,               /* a file could not be read or written */
    SECSTD_ERR_INVALID,          /* bad argument or malformed input */
    SECSTD_ERR_NOT_FOUND,        /* no such record, field, area, file */
    SECSTD_ERR_TOO_LARGE,        /* input exceeds a configured limit */
    SECSTD_ERR_SCHEMA,           /* record does not follow record.schema.json */
    SECSTD_ERR_SCHEMA_VERSION,   /* index written with another schema version */
    SECSTD_ERR_NO_INDEX,         /* no published index generation */
    SECSTD_ERR_XAPIAN_MODIFIED,  /* Xapian::DatabaseModifiedError: reopen, retry */
    SECSTD_ERR_XAPIAN_LOCK,      /* Xapian::DatabaseLockError: another writer */
    SECSTD_ERR_XAPIAN_OPENING,   /* Xapian::DatabaseOpeningError / NotFound */
    SECSTD_ERR_XAPIAN_CORRUPT,   /* Xapian::DatabaseCorruptError */
    SECSTD_ERR_QUERY_SYNTAX,     /* Xapian::QueryParserError */
    SECSTD_ERR_XAPIAN,           /* any other Xapian::Error */
    SECSTD_ERR_UNKNOWN,          /* a C++ exception of unknown type */
    SECSTD_ERR_NETWORK,          /* connection failed, timeout, slow drip */
    SECSTD_ERR_HTTP,             /* an HTTP error status from upstream */
    SECSTD_ERR_PARSE,            /* upstream listing could not be parsed */
    SECSTD_ERR_LOCKED,           /* another run holds the lock */
    SECSTD_ERR_UNCHANGED,        /* not an error: nothing new upstream */
} secstd_status;

/* A short English message for status; never NULL. */
const char *secstd_status_to_string(secstd_status status);

#endif
