/* fuzz_config.c — libFuzzer target for the configuration reader
 * (schema/config.h): secstd_config_parse on arbitrary text, then every
 * section walked with the typed getters and the unknown-key check, the
 * way the components read it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static const char *const keys[] = {"timeout", "enabled", "url", "data_dir", "bind", "port",
                                   "threads", "max_body", "weight", "a", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size ? size : 1);
    if (!text)
        return 0;
    if (size)
        memcpy(text, data, size);
    secstd_config *cfg = secstd_config_new();
    if (!cfg) {
        free(text);
        return 0;
    }
    char err[512];
    err[0] = '\0';
    secstd_status st = secstd_config_parse(cfg, text, size, "fuzz.conf", err, sizeof err);
    if (memchr(err, '\0', sizeof err) == NULL)
        abort();
    (void)st;
    size_t ns = secstd_config_section_count(cfg);
    for (size_t i = 0; i < ns; i++) {
        const char *sec = secstd_config_section_at(cfg, i);
        if (!sec)
            abort();
        for (size_t k = 0; keys[k]; k++) {
            (void)secstd_config_get(cfg, sec, keys[k]);
            (void)secstd_config_origin(cfg, sec, keys[k]);
            long l;
            double d;
            int b;
            (void)secstd_config_get_long(cfg, sec, keys[k], 1, -1000000, 1000000000, &l, err,
                                         sizeof err);
            (void)secstd_config_get_double(cfg, sec, keys[k], 0.5, -1e9, 1e9, &d, err,
                                           sizeof err);
            (void)secstd_config_get_bool(cfg, sec, keys[k], 0, &b, err, sizeof err);
        }
        (void)secstd_config_check_keys(cfg, sec, keys, err, sizeof err);
    }
    (void)secstd_config_set(cfg, "crawl", "timeout", "5");
    secstd_config_free(cfg);
    free(text);
    return 0;
}
