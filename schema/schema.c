/* schema.c — the static tables of schema.h, generated from the .def files,
 * and their lookups. Tables over branches: every lookup is a loop. */
#include "schema.h"

#include <string.h>
#include <strings.h>

static const secstd_field fields[] = {
#define FIELD(E, name, prefix, kind, weight, stem, slot, maxlen, facet, help)                    \
    {SECSTD_FIELD_##E, name, prefix, SECSTD_KIND_##kind, weight, SECSTD_STEM_##stem, slot, maxlen, facet, help},
#include "fields.def"
#undef FIELD
};

static const secstd_sdo sdos[] = {
#define SDO(name, aliases, url, full) {name, aliases, url, full},
#include "sdos.def"
#undef SDO
};

static const secstd_area areas[] = {
#define AREA(id, label, scope, phrases, acronyms, hints) {id, label, scope, phrases, acronyms, hints},
#include "taxonomy.def"
#undef AREA
};

static const secstd_synonym synonyms[] = {
#define SYNONYM(term, expansions) {term, expansions},
#include "synonyms.def"
#undef SYNONYM
};

static const char *const statuses[] = {
    "published", "in-development", "superseded", "withdrawn", "historic",
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

const secstd_field *secstd_field_get(secstd_field_id id)
{
    if ((size_t)id >= COUNT(fields))
        return NULL;
    return &fields[id];
}

const secstd_field *secstd_field_by_name(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < COUNT(fields); i++)
        if (strcasecmp(fields[i].name, name) == 0)
            return &fields[i];
    return NULL;
}

size_t secstd_sdo_count(void) { return COUNT(sdos); }

const secstd_sdo *secstd_sdo_at(size_t i) { return i < COUNT(sdos) ? &sdos[i] : NULL; }

struct match_ctx {
    const char *want;
    size_t want_len;
};

static int item_equals(void *ctx, const char *item, size_t len)
{
    const struct match_ctx *m = ctx;
    return len == m->want_len && strncasecmp(item, m->want, len) == 0;
}

const secstd_sdo *secstd_sdo_lookup(const char *name)
{
    if (!name || !*name)
        return NULL;
    struct match_ctx m = {name, strlen(name)};
    for (size_t i = 0; i < COUNT(sdos); i++)
        if (strcasecmp(sdos[i].name, name) == 0)
            return &sdos[i];
    for (size_t i = 0; i < COUNT(sdos); i++)
        if (secstd_list_each(sdos[i].aliases, item_equals, &m))
            return &sdos[i];
    return NULL;
}

size_t secstd_area_count(void) { return COUNT(areas); }

const secstd_area *secstd_area_at(size_t i) { return i < COUNT(areas) ? &areas[i] : NULL; }

const secstd_area *secstd_area_lookup(const char *id)
{
    if (!id)
        return NULL;
    for (size_t i = 0; i < COUNT(areas); i++)
        if (strcasecmp(areas[i].id, id) == 0)
            return &areas[i];
    return NULL;
}

size_t secstd_synonym_count(void) { return COUNT(synonyms); }

const secstd_synonym *secstd_synonym_at(size_t i)
{
    return i < COUNT(synonyms) ? &synonyms[i] : NULL;
}

const secstd_synonym *secstd_synonym_lookup(const char *term)
{
    if (!term)
        return NULL;
    for (size_t i = 0; i < COUNT(synonyms); i++)
        if (strcasecmp(synonyms[i].term, term) == 0)
            return &synonyms[i];
    return NULL;
}

size_t secstd_record_status_count(void) { return COUNT(statuses); }

const char *secstd_record_status_at(size_t i) { return i < COUNT(statuses) ? statuses[i] : NULL; }

int secstd_record_status_valid(const char *s)
{
    if (!s)
        return 0;
    for (size_t i = 0; i < COUNT(statuses); i++)
        if (strcmp(statuses[i], s) == 0)
            return 1;
    return 0;
}

int secstd_list_each(const char *list, int (*fn)(void *ctx, const char *item, size_t len), void *ctx)
{
    if (!list)
        return 0;
    const char *p = list;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len > 0 && fn(ctx, p, len))
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}
