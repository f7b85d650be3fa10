/* parsers.c — the parser table of parsers.def and its lookups. */
#include <string.h>

#include "parser.h"

#define PARSER(name, format, version, fn, help) \
    secstd_status fn(const secstd_parse_input *, secstd_collector *, char *, size_t);
#include "parsers.def"
#undef PARSER

static const secstd_parser parsers[] = {
#define PARSER(name, format, version, fn, help) {name, format, version, fn, help},
#include "parsers.def"
#undef PARSER
    {NULL, NULL, NULL, NULL, NULL},
};

size_t secstd_parser_count(void) { return sizeof parsers / sizeof parsers[0] - 1; }

const secstd_parser *secstd_parser_at(size_t i)
{
    return i < secstd_parser_count() ? &parsers[i] : NULL;
}

const secstd_parser *secstd_parser_lookup(const char *name)
{
    for (size_t i = 0; name && i < secstd_parser_count(); i++)
        if (strcmp(parsers[i].name, name) == 0)
            return &parsers[i];
    return NULL;
}
