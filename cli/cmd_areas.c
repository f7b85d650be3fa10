/* cmd_areas.c — `secstd areas` (the taxonomy, with counts per area and
 * SDO when an index exists) and `secstd fields` (the field table). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "common.h"
#include "index.h"
#include "schema.h"

int cmd_areas(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"data", required_argument, NULL, 'd'}, {"index", required_argument, NULL, 'i'},
        {"json", no_argument, NULL, 'j'},       {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *data = NULL, *index = NULL;
    int json = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:i:jh", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': data = optarg; break;
        case 'i': index = optarg; break;
        case 'j': json = 1; break;
        case 'h':
            printf("usage: secstd areas [--data DIR] [--index DIR] [--json]\n\n"
                   "Lists the technology areas of schema/taxonomy.def with the number of\n"
                   "standards in each when an index exists (--json adds the counts per SDO).\n");
            return 0;
        default: return 2;
        }
    }
    char ibuf[4096];
    const char *index_dir = index ? index : cli_data_path(cli_data_dir(data), "index", ibuf, sizeof ibuf);
    secstd_index *idx = NULL;
    json_t *areas = NULL;
    if (secstd_index_open(index_dir, &idx, NULL, 0) == SECSTD_OK)
        secstd_index_areas(idx, &areas);
    secstd_index_free(idx);
    if (json) {
        if (!areas) {
            areas = json_array();
            for (size_t i = 0; i < secstd_area_count(); i++) {
                const secstd_area *a = secstd_area_at(i);
                json_array_append_new(areas, json_pack("{s:s,s:s,s:s}", "id", a->id, "label",
                                                       a->label, "scope", a->scope));
            }
        }
        char *s = json_dumps(areas, JSON_INDENT(2));
        if (s)
            printf("%s\n", s);
        free(s);
        json_decref(areas);
        return 0;
    }
    for (size_t i = 0; i < secstd_area_count(); i++) {
        const secstd_area *a = secstd_area_at(i);
        json_t *row = areas ? json_array_get(areas, i) : NULL;
        if (row)
            printf("%-20s %5lld  %s\n", a->id, (long long)json_integer_value(json_object_get(row, "count")),
                   a->label);
        else
            printf("%-20s %s\n", a->id, a->label);
        printf("%-20s        %s\n", "", a->scope);
    }
    json_decref(areas);
    return 0;
}

int cmd_fields(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        int help = strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0;
        FILE *out = help ? stdout : stderr;
        if (!help)
            fprintf(stderr, "secstd fields: unknown argument \"%s\"\n", argv[i]);
        fprintf(out, "usage: secstd fields\n\n"
                     "Lists the searchable fields of schema/fields.def: what to type before a\n"
                     "colon in a query (title:tls, sdo:ETSI, area:pki ...), their kind, and\n"
                     "whether searches return facet counts for them.\n");
        return help ? 0 : 2;
    }
    printf("%-10s %-8s %-6s %s\n", "FIELD", "KIND", "FACET", "MEANING");
    static const char *const kinds[] = {"text", "filter", "ident", "unique", "value"};
    for (int i = 0; i < SECSTD_FIELD_COUNT; i++) {
        const secstd_field *f = secstd_field_get((secstd_field_id)i);
        printf("%-10s %-8s %-6s %s\n", f->name, kinds[f->kind], f->facet ? "yes" : "", f->help);
    }
    return 0;
}
