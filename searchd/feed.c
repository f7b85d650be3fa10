/* feed.c — GET /feeds/changes.atom: the change reports of the last
 * refreshes as an Atom 1.0 feed (RFC 4287), filterable like /api/changes
 * (?area=iot&sdo=ETSI&since=...), so an engineer can subscribe to "new IoT
 * security standards". One entry per added, changed, status-changed or
 * removed standard of each generation. The XML is written with libxml2's
 * xmlTextWriter, which escapes every value: titles from upstream listings
 * cannot inject markup. */
#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#include "changes.h"
#include "internal.h"
#include "query.h"
#include "schema.h"

static const struct entry_kind {
    const char *key;      /* list in the change report */
    const char *verb;     /* title prefix */
} entry_kinds[] = {
    {"added", "New"},
    {"status_changed", "Status changed"},
    {"changed", "Updated"},
    {"removed", "Removed"},
};

static const char *str(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s ? s : "";
}

/* The entry's summary: what changed, in words. */
static void summary_of(const char *kind, const json_t *e, char *buf, size_t len)
{
    size_t n = 0;
    if (strcmp(kind, "status_changed") == 0) {
        n = (size_t)snprintf(buf, len, "Status changed from %s to %s.", str(e, "from"), str(e, "to"));
    } else if (strcmp(kind, "changed") == 0) {
        n = (size_t)snprintf(buf, len, "Changed:");
        size_t i;
        json_t *f;
        json_array_foreach(json_object_get(e, "fields"), i, f) {
            if (n < len)
                n += (size_t)snprintf(buf + n, len - n, "%s %s", i ? "," : "", json_string_value(f));
        }
        if (n < len)
            snprintf(buf + n, len - n, ".");
        n = strlen(buf);
    } else if (strcmp(kind, "removed") == 0) {
        n = (size_t)snprintf(buf, len, "No longer listed by its standards body.");
    } else {
        n = (size_t)snprintf(buf, len, "New in the index.");
    }
    if (n < len && *str(e, "status") && strcmp(kind, "status_changed") != 0)
        n += (size_t)snprintf(buf + n, len - n, " Status: %s.", str(e, "status"));
    if (n < len && *str(e, "date"))
        snprintf(buf + n, len - n, " Date: %s.", str(e, "date"));
}

static int write_entry(xmlTextWriterPtr w, const json_t *gen, const char *kind,
                       const char *verb, const json_t *e)
{
    char title[600], id[700], summary[800];
    snprintf(title, sizeof title, "%s: %s — %s", verb, str(e, "id"), str(e, "title"));
    /* A stable IRI per (generation, kind, standard): the identifier is
     * percent-encoded (it has spaces and slashes). */
    size_t n = (size_t)snprintf(id, sizeof id, "urn:secstd:change:%lld:%s:",
                                (long long)json_integer_value(json_object_get(gen, "generation")), kind);
    if (n < sizeof id)
        sd_percent_encode(str(e, "id"), id + n, sizeof id - n, 0);
    summary_of(kind, e, summary, sizeof summary);
    const char *updated = str(gen, "built_at");
    int rc = xmlTextWriterStartElement(w, BAD_CAST "entry");
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST title);
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST id);
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "updated",
                                    BAD_CAST (*updated ? updated : "1970-01-01T00:00:00Z"));
    /* Only http(s) links: a listing cannot plant a javascript: URL here. */
    const char *url = str(e, "url");
    if (strncmp(url, "https://", 8) == 0 || strncmp(url, "http://", 7) == 0) {
        rc |= xmlTextWriterStartElement(w, BAD_CAST "link");
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST url);
        rc |= xmlTextWriterEndElement(w);
    }
    size_t i;
    json_t *a;
    json_array_foreach(json_object_get(e, "areas"), i, a) {
        rc |= xmlTextWriterStartElement(w, BAD_CAST "category");
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "term", BAD_CAST json_string_value(a));
        rc |= xmlTextWriterEndElement(w);
    }
    if (*str(e, "sdo")) {
        rc |= xmlTextWriterStartElement(w, BAD_CAST "category");
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "term", BAD_CAST str(e, "sdo"));
        rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "label", BAD_CAST "standards body");
        rc |= xmlTextWriterEndElement(w);
    }
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "summary", BAD_CAST summary);
    rc |= xmlTextWriterEndElement(w);
    return rc < 0 ? -1 : 0;
}

enum MHD_Result sd_handle_changes_atom(sd_request *rq)
{
    secstd_changes_filter f;
    const char *areas[SECSTD_QUERY_MAX_FILTERS], *sdos[SECSTD_QUERY_MAX_FILTERS];
    enum MHD_Result answer;
    if (sd_changes_filter_from_args(rq, &f, areas, sdos, &answer) < 0)
        return answer;
    json_t *changes = NULL;
    char err[512] = "";
    secstd_status st =
        secstd_changes_since(sd_server_config(rq->srv)->index_dir, &f, &changes, err, sizeof(err));
    if (st != SECSTD_OK)
        return sd_respond_status(rq, st, st == SECSTD_ERR_INVALID ? "since" : NULL, err);

    const char *base = searchd_url(rq->srv);
    char feed_title[400] = "secstd: changes to ICT security standards";
    size_t n = strlen(feed_title);
    for (size_t i = 0; i < f.n_areas && n < sizeof feed_title; i++) {
        const secstd_area *area = secstd_area_lookup(areas[i]);
        n += (size_t)snprintf(feed_title + n, sizeof feed_title - n, "%s%s", i ? ", " : " — ",
                              area ? area->label : areas[i]);
    }
    for (size_t i = 0; i < f.n_sdos && n < sizeof feed_title; i++)
        n += (size_t)snprintf(feed_title + n, sizeof feed_title - n, "%s%s",
                              i || f.n_areas ? ", " : " — ", sdos[i]);

    xmlBufferPtr buf = xmlBufferCreate();
    xmlTextWriterPtr w = buf ? xmlNewTextWriterMemory(buf, 0) : NULL;
    if (!w) {
        if (buf)
            xmlBufferFree(buf);
        json_decref(changes);
        return sd_respond_status(rq, SECSTD_ERR_NOMEM, NULL, NULL);
    }
    json_t *gens = json_object_get(changes, "generations");
    const char *updated = str(json_array_get(gens, 0), "built_at");
    char self[512];
    snprintf(self, sizeof self, "%sfeeds/changes.atom", base);
    int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL);
    rc |= xmlTextWriterStartElementNS(w, NULL, BAD_CAST "feed", BAD_CAST "http://www.w3.org/2005/Atom");
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "title", BAD_CAST feed_title);
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "id", BAD_CAST self);
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "updated",
                                    BAD_CAST (*updated ? updated : "1970-01-01T00:00:00Z"));
    rc |= xmlTextWriterStartElement(w, BAD_CAST "author");
    rc |= xmlTextWriterWriteElement(w, BAD_CAST "name", BAD_CAST "secstd");
    rc |= xmlTextWriterEndElement(w);
    rc |= xmlTextWriterStartElement(w, BAD_CAST "link");
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "rel", BAD_CAST "self");
    rc |= xmlTextWriterWriteAttribute(w, BAD_CAST "href", BAD_CAST self);
    rc |= xmlTextWriterEndElement(w);
    size_t g;
    json_t *gen;
    json_array_foreach(gens, g, gen) {
        for (size_t k = 0; k < sizeof entry_kinds / sizeof *entry_kinds; k++) {
            size_t i;
            json_t *e;
            json_array_foreach(json_object_get(gen, entry_kinds[k].key), i, e) {
                if (write_entry(w, gen, entry_kinds[k].key, entry_kinds[k].verb, e) < 0)
                    rc = -1;
            }
        }
    }
    rc |= xmlTextWriterEndElement(w);
    rc |= xmlTextWriterEndDocument(w);
    xmlFreeTextWriter(w);
    json_decref(changes);
    enum MHD_Result r;
    if (rc < 0)
        r = sd_respond_status(rq, SECSTD_ERR_NOMEM, NULL, "could not write the feed");
    else
        r = sd_respond_data(rq, 200, "application/atom+xml; charset=utf-8", SD_CACHE_API,
                            (const char *)xmlBufferContent(buf), (size_t)xmlBufferLength(buf));
    xmlBufferFree(buf);
    return r;
}
