/* changes.c — the change feed (see changes.h).
 *
 * The indexer already writes one report per generation; this file only
 * lists INDEX_DIR/changes/, picks the reports a client asked for (newest
 * first, never past the served generation), filters their entries by area
 * and SDO, and bounds the answer. Nothing here writes. */
#include "changes.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "index.h"

static const char *const kinds[] = {"added", "changed", "status_changed", "removed"};
#define N_KINDS (sizeof kinds / sizeof *kinds)

void secstd_changes_filter_init(secstd_changes_filter *f)
{
    memset(f, 0, sizeof *f);
}

static secstd_status failf(char *err, size_t errlen, secstd_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static secstd_status failf(char *err, size_t errlen, secstd_status st, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* A parsed `since`: by generation or by time (or neither). */
struct since {
    int by_generation;
    int by_time;
    unsigned long generation;
    long long time;
};

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (*s < '0' || *s > '9')
            return 0;
    return 1;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return days[m - 1];
}

static secstd_status parse_since(const char *s, struct since *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    if (!s || !*s)
        return SECSTD_OK;
    size_t len = strlen(s);
    if (len > 64)
        return failf(err, errlen, SECSTD_ERR_INVALID, "since: too long");
    const char *num = strncmp(s, "gen-", 4) == 0 ? s + 4 : s;
    if (all_digits(num) && (num != s || len <= 9)) {
        errno = 0;
        char *end;
        unsigned long g = strtoul(num, &end, 10);
        if (errno || *end || g > 999999999UL)
            return failf(err, errlen, SECSTD_ERR_INVALID, "since: generation out of range");
        out->by_generation = 1;
        out->generation = g;
        return SECSTD_OK;
    }
    int y, mo, d, h = 0, mi = 0, se = 0, n = 0;
    int ok = 0;
    if (len == 10 && sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && (size_t)n == len)
        ok = 1;
    else if (len == 20 && sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2dZ%n", &y, &mo, &d, &h, &mi, &se, &n) == 6 &&
             (size_t)n == len)
        ok = 1;
    /* sscanf accepts signs and blanks inside fields: insist on the digits. */
    for (size_t i = 0; ok && i < len; i++) {
        char c = s[i];
        int digit_pos = !(i == 4 || i == 7 || i == 10 || i == 13 || i == 16 || i == 19);
        if (digit_pos && (c < '0' || c > '9'))
            ok = 0;
    }
    if (!ok)
        return failf(err, errlen, SECSTD_ERR_INVALID,
                     "since: expected a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) or a "
                     "generation number, got \"%s\"",
                     s);
    if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
        se > 59)
        return failf(err, errlen, SECSTD_ERR_INVALID, "since: \"%s\" is not a valid date", s);
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    out->by_time = 1;
    out->time = (long long)timegm(&tm);
    return SECSTD_OK;
}

secstd_status secstd_changes_check_since(const char *since, char *err, size_t errlen)
{
    struct since s;
    return parse_since(since, &s, err, errlen);
}

static int cmp_desc(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? 1 : x > y ? -1 : 0;
}

/* Generation numbers of INDEX_DIR/changes/NNNNNN.json, newest first. */
static secstd_status list_reports(const char *dir, unsigned **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    DIR *d = opendir(dir);
    if (!d)
        return SECSTD_OK;   /* no report yet */
    size_t cap = 0;
    struct dirent *de;
    secstd_status st = SECSTD_OK;
    while ((de = readdir(d))) {
        unsigned g;
        int used = 0;
        size_t len = strlen(de->d_name);
        /* Exactly NNNNNN.json: never the .tmp a crashed run left. */
        if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0 || de->d_name[0] < '0' ||
            de->d_name[0] > '9' || sscanf(de->d_name, "%u.json%n", &g, &used) != 1 ||
            (size_t)used != len)
            continue;
        if (*n == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            unsigned *nn = realloc(*out, ncap * sizeof *nn);
            if (!nn) {
                st = SECSTD_ERR_NOMEM;
                break;
            }
            *out = nn;
            cap = ncap;
        }
        (*out)[(*n)++] = g;
    }
    closedir(d);
    if (*n)
        qsort(*out, *n, sizeof **out, cmp_desc);
    return st;
}

static int in_list(const char *v, const char *const *list, size_t n)
{
    if (!v)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (list[i] && strcmp(v, list[i]) == 0)
            return 1;
    return 0;
}

static int entry_passes(const json_t *e, const secstd_changes_filter *f)
{
    if (!f)
        return 1;
    if (f->n_sdos && !in_list(json_string_value(json_object_get(e, "sdo")), f->sdos, f->n_sdos))
        return 0;
    if (f->n_areas) {
        size_t i;
        json_t *a;
        int any = 0;
        json_array_foreach(json_object_get(e, "areas"), i, a) any |= in_list(json_string_value(a), f->areas, f->n_areas);
        if (!any)
            return 0;
    }
    return 1;
}

static void iso_time(long long t, char out[32])
{
    time_t tt = (time_t)t;
    struct tm tm;
    out[0] = '\0';
    if (t > 0 && gmtime_r(&tt, &tm))
        strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Loads one report; NULL when missing, oversized or malformed. */
static json_t *load_report(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > SECSTD_CHANGES_MAX_FILE)
        return NULL;
    json_t *r = json_load_file(path, 0, NULL);
    if (r && !json_is_object(r)) {
        json_decref(r);
        return NULL;
    }
    return r;
}

secstd_status secstd_changes_since(const char *index_dir, const secstd_changes_filter *filter,
                                   json_t **out, char *err, size_t errlen)
{
    *out = NULL;
    if (!index_dir)
        return failf(err, errlen, SECSTD_ERR_INVALID, "no index directory");
    struct since since;
    secstd_status st = parse_since(filter ? filter->since : NULL, &since, err, errlen);
    if (st != SECSTD_OK)
        return st;
    size_t max_reports = filter && filter->max_reports ? filter->max_reports : SECSTD_CHANGES_DEFAULT_REPORTS;
    size_t max_entries = filter && filter->max_entries ? filter->max_entries : SECSTD_CHANGES_DEFAULT_ENTRIES;
    if (max_reports > SECSTD_CHANGES_MAX_REPORTS)
        max_reports = SECSTD_CHANGES_MAX_REPORTS;
    if (max_entries > SECSTD_CHANGES_MAX_ENTRIES)
        max_entries = SECSTD_CHANGES_MAX_ENTRIES;

    char dir[4096];
    if ((size_t)snprintf(dir, sizeof dir, "%s/changes", index_dir) >= sizeof dir)
        return failf(err, errlen, SECSTD_ERR_TOO_LARGE, "index path too long");
    unsigned current = secstd_index_current_generation(index_dir);
    unsigned *gens;
    size_t n;
    st = list_reports(dir, &gens, &n);
    if (st != SECSTD_OK) {
        free(gens);
        return failf(err, errlen, st, "out of memory listing %s", dir);
    }

    json_t *res = json_object();
    json_t *list = json_array();
    if (!res || !list) {
        json_decref(res);
        json_decref(list);
        free(gens);
        return failf(err, errlen, SECSTD_ERR_NOMEM, "out of memory");
    }
    json_object_set_new(res, "current_generation", json_integer(current));
    json_object_set_new(res, "since", filter && filter->since && *filter->since
                                          ? json_string(filter->since)
                                          : json_null());
    size_t entries = 0;
    int truncated = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned g = gens[i];
        if (g > current)
            continue;   /* rolled back over: not served */
        if (since.by_generation && g <= since.generation)
            break;      /* newest first: every later one is older */
        char path[4200];
        snprintf(path, sizeof path, "%s/%06u.json", dir, g);
        json_t *rep = load_report(path);
        if (!rep)
            continue;
        long long built = json_integer_value(json_object_get(rep, "built_at"));
        if (since.by_time && built < since.time) {
            json_decref(rep);
            break;
        }
        if (json_array_size(list) >= max_reports || entries >= max_entries) {
            truncated = 1;
            json_decref(rep);
            break;
        }
        json_t *o = json_object();
        char when[32];
        iso_time(built, when);
        json_object_set_new(o, "generation", json_integer(g));
        json_object_set_new(o, "previous_generation",
                            json_integer(json_integer_value(json_object_get(rep, "previous_generation"))));
        json_object_set_new(o, "built_at", *when ? json_string(when) : json_null());
        json_t *totals = json_object();
        for (size_t k = 0; k < N_KINDS; k++) {
            json_t *kept = json_array();
            size_t j;
            json_t *e;
            json_array_foreach(json_object_get(rep, kinds[k]), j, e) {
                if (!json_is_object(e) || !entry_passes(e, filter))
                    continue;
                if (entries >= max_entries) {
                    truncated = 1;
                    break;
                }
                json_array_append(kept, e);
                entries++;
            }
            json_object_set_new(totals, kinds[k], json_integer((json_int_t)json_array_size(kept)));
            json_object_set_new(o, kinds[k], kept);
        }
        json_object_set_new(o, "totals", totals);
        json_t *counts = json_object_get(rep, "counts");
        json_object_set_new(o, "counts", json_is_object(counts) ? json_incref(counts) : json_object());
        json_array_append_new(list, o);
        json_decref(rep);
    }
    free(gens);
    json_object_set_new(res, "truncated", json_boolean(truncated));
    json_object_set_new(res, "generations", list);
    *out = res;
    return SECSTD_OK;
}
