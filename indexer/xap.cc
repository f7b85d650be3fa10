/* xap.cc — the C wrapper over Xapian; the only C++ in secstd.
 *
 * Every extern "C" entry point is one try/catch through XAP_GUARD, which
 * maps each exception class to its secstd_status (see xap.h) and keeps the
 * message in a thread-local buffer for xap_last_error(). No C++ type
 * crosses the header: handles are structs that own Xapian objects. */
#include "xap.h"

#include <xapian.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <bitset>
#include <cctype>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

extern "C" {
#include "ident.h"
#include "schema.h"
}

namespace {

thread_local char last_error[512];

void set_error(const std::string &msg)
{
    std::snprintf(last_error, sizeof last_error, "%s", msg.c_str());
}

secstd_status map_exception()
{
    try {
        throw;
    } catch (const Xapian::DatabaseModifiedError &e) {
        set_error(e.get_description());
        return SECSTD_ERR_XAPIAN_MODIFIED;
    } catch (const Xapian::DatabaseLockError &e) {
        set_error(e.get_description());
        return SECSTD_ERR_XAPIAN_LOCK;
    } catch (const Xapian::DatabaseCorruptError &e) {
        set_error(e.get_description());
        return SECSTD_ERR_XAPIAN_CORRUPT;
    } catch (const Xapian::DatabaseOpeningError &e) {
        set_error(e.get_description());
        return SECSTD_ERR_XAPIAN_OPENING;
    } catch (const Xapian::QueryParserError &e) {
        set_error(e.get_description());
        return SECSTD_ERR_QUERY_SYNTAX;
    } catch (const Xapian::Error &e) {
        set_error(e.get_description());
        return SECSTD_ERR_XAPIAN;
    } catch (const std::bad_alloc &) {
        set_error("out of memory");
        return SECSTD_ERR_NOMEM;
    } catch (const std::exception &e) {
        set_error(e.what());
        return SECSTD_ERR_UNKNOWN;
    } catch (...) {
        set_error("unknown C++ exception");
        return SECSTD_ERR_UNKNOWN;
    }
}

char *dup_string(const std::string &s)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    return p;
}

std::string fit(const char *term)
{
    char buf[XAP_MAX_TERM + 1];
    xap_term_fit(term, buf, sizeof buf);
    return buf;
}

/* One value slot of every document, in memory: a code per docid (0 = no
 * value) into a table of the distinct values. Loaded once per database
 * handle (one per thread) from the slot's value stream on first use, and
 * dropped on reopen. Facet counting is then an array increment per match:
 * reading values from Xapian per match (Document::get_value, or even a
 * value-stream skip_to) costs a B-tree lookup and a block read for nearly
 * every match once they spread over a large index (measured at 260k
 * records: four fifths of a search's time). */
struct SlotCache {
    std::vector<uint32_t> code;
    std::vector<std::string> values;
    /* Documents per code, and the codes in the order of their values:
     * only date filters need both (their estimate; ranges found by binary
     * search rather than by comparing every distinct date), the status
     * prior the counts (its estimate), so they are made on their first
     * use, not on every table's load. */
    mutable std::vector<Xapian::doccount> count;
    mutable std::vector<uint32_t> sorted;
    /* What a facet counts for each code: the value itself, or (multi) each
     * item of its '\n'-separated list. items in sorted order; code c's
     * are item_ids[item_start[c] .. item_start[c + 1]). Made on first use
     * per kind (like count and sorted: a table belongs to one handle, one
     * thread), so a facet adds counts per item instead of splitting and
     * looking up strings for every value of every search. */
    struct Items {
        bool made = false;
        std::vector<std::string> items;
        std::vector<uint32_t> item_start, item_ids;
    };
    mutable Items items[2];

    const Items &items_of(bool multi) const
    {
        Items &m = items[multi ? 1 : 0];
        if (m.made)
            return m;
        std::vector<std::vector<std::string>> parts(values.size());
        for (size_t c = 1; c < values.size(); c++) {
            const std::string &v = values[c];
            if (!multi) {
                parts[c].push_back(v);
                continue;
            }
            size_t start = 0;
            while (start <= v.size()) {
                size_t nl = v.find('\n', start);
                if (nl == std::string::npos)
                    nl = v.size();
                if (nl > start)
                    parts[c].push_back(v.substr(start, nl - start));
                start = nl + 1;
            }
        }
        for (const auto &p : parts)
            m.items.insert(m.items.end(), p.begin(), p.end());
        std::sort(m.items.begin(), m.items.end());
        m.items.erase(std::unique(m.items.begin(), m.items.end()), m.items.end());
        m.item_start.assign(1, 0);
        for (const auto &p : parts) {
            for (const auto &item : p)
                m.item_ids.push_back(static_cast<uint32_t>(
                    std::lower_bound(m.items.begin(), m.items.end(), item) - m.items.begin()));
            m.item_start.push_back(static_cast<uint32_t>(m.item_ids.size()));
        }
        m.made = true;
        return m;
    }
};

/* Counts values of one slot over the match set; for multi-valued slots the
 * value is a '\n'-separated list and each item counts once. Xapian's own
 * ValueCountMatchSpy covers only single values. */
class MultiValueCountSpy : public Xapian::MatchSpy {
  public:
    /* Counts the first `cap` documents it is shown (0: all). */
    MultiValueCountSpy(const SlotCache &cache_, bool multi_, Xapian::doccount cap_ = 0)
        : cache(cache_), multi(multi_), by_code(cache_.values.size(), 0), cap(cap_)
    {
    }
    void operator()(const Xapian::Document &doc, double) override
    {
        /* Xapian shows every match until check_at_least are seen, in
         * docid order, and past that only the ones that rank among the
         * best so far: the first `cap` are all the matches up to `last`. */
        if (cap && seen >= cap)
            return;
        Xapian::docid did = doc.get_docid();
        ++seen;
        last = did > last ? did : last;
        if (did < cache.code.size())
            ++by_code[cache.code[did]];
    }
    /* Adds the counts of another spy (of other documents), each times
     * scale; rounded per value by finish(), not per code (a value's
     * count sums many codes: rounding each would bias it). */
    void add(const MultiValueCountSpy &other, double scale)
    {
        if (scaled.empty())
            scaled.assign(by_code.size(), 0.0);
        for (size_t c = 0; c < by_code.size() && c < other.by_code.size(); c++)
            scaled[c] += other.by_code[c] * scale;
    }
    /* Per-value counts of what was seen (and added), in value order. */
    void finish()
    {
        const SlotCache::Items &m = cache.items_of(multi);
        std::vector<double> sums(m.items.size(), 0.0);
        for (size_t c = 1; c < by_code.size() && c + 1 < m.item_start.size(); c++) {
            double n = by_code[c] + (scaled.empty() ? 0.0 : scaled[c]);
            if (n <= 0.0)
                continue;
            for (uint32_t j = m.item_start[c]; j < m.item_start[c + 1]; j++)
                sums[m.item_ids[j]] += n;
        }
        for (size_t i = 0; i < sums.size(); i++)
            if (sums[i] >= 0.5)
                counts.emplace_back(m.items[i], static_cast<unsigned>(sums[i] + 0.5));
    }
    const SlotCache &cache;
    bool multi;
    std::vector<unsigned> by_code;
    std::vector<double> scaled;   /* add()ed counts, by code */
    Xapian::doccount seen = 0;
    Xapian::doccount cap;
    Xapian::docid last = 0;   /* the highest docid counted */
    std::vector<std::pair<std::string, unsigned>> counts;
};

/* The same sort key for every document (see xap_search). */
class SameKey : public Xapian::KeyMaker {
  public:
    std::string operator()(const Xapian::Document &) const override { return std::string(); }
};

/* Xapian 1.4's MSet::snippet() escapes '&', '<' and '>' itself; the
 * wrapper returns raw text (plus the \x01/\x02 markers) so that the caller
 * escapes exactly once (secstd_html_escape). Every '&' in the output was
 * escaped by Xapian, so one left-to-right pass undoes it exactly. */
std::string unescape_xml(const std::string &s)
{
    static const struct {
        const char *entity;
        char c;
    } map[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}};
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        bool done = false;
        if (s[i] == '&')
            for (const auto &m : map) {
                size_t n = std::strlen(m.entity);
                if (s.compare(i, n, m.entity) == 0) {
                    out += m.c;
                    i += n;
                    done = true;
                    break;
                }
            }
        if (!done)
            out += s[i++];
    }
    return out;
}

/* Asked of every word the generator indexes: by length first (most words
 * are longer than five bytes), then against the few of that length. No
 * allocation, nothing to throw. */
template <typename... Words> static bool among(const char *w, size_t n, const Words... words)
{
    return ((memcmp(w, words, n) == 0) || ...);
}

static bool is_function_word(const char *w, size_t n)
{
    switch (n) {
    case 1:
        return w[0] == 'a';
    case 2:
        return among(w, n, "an", "be", "by", "in", "is", "of", "on", "to");
    case 3:
        return among(w, n, "and", "are", "for", "its", "the");
    case 4:
        return among(w, n, "from", "into", "that", "this", "with");
    case 5:
        return among(w, n, "their", "these", "which");
    default:
        return false;
    }
}

/* English function words, "the" to "which": in most titles and abstracts,
 * about nothing. The generator indexes them as words only, with their
 * positions, so phrases ("internet of things") still match, and makes no
 * stem of them (5 % of the crawled records' postings; in a 260k build's
 * size and time, within the noise: such dense posting lists pack small).
 * The parser drops them from a query outside phrases, so "security for
 * the internet of things" finds what "security internet things" finds
 * instead of only the texts that have every little word too. Kept short
 * on purpose: no word that is also an acronym users type ("IT", "AS",
 * "CAN", "AT"), and "or", "not" are the parser's operators. Const and
 * stateless: one object serves every thread (Xapian counts no references
 * to an object that was never release()d). */
class FunctionWords : public Xapian::Stopper {
  public:
    bool operator()(const std::string &word) const override
    {
        return is_function_word(word.data(), word.size());
    }
    std::string get_description() const override { return "function words"; }
};

static const FunctionWords function_words;

/* Only unprefixed free-text terms (lower-case words) take part in
 * more-like-this: boolean and identifier terms would dominate otherwise;
 * nor do the function words, or the words every standard's text uses
 * ("specifies", "requirements"). */
class FreeTextDecider : public Xapian::ExpandDecider {
  public:
    bool operator()(const std::string &term) const override
    {
        /* Short terms are noise, except tokens like "5g" or "3g" that
         * carry a digit: those name a technology. */
        bool has_digit = term.find_first_of("0123456789") != std::string::npos;
        if (term.size() < (has_digit ? 2u : 3u) || term[0] == 'Z')
            return false;
        unsigned char c = static_cast<unsigned char>(term[0]);
        if (c >= 'A' && c <= 'Z')
            return false;
        bool has_alpha = false;
        for (unsigned char ch : term)
            if (ch >= 'a' && ch <= 'z')
                has_alpha = true;
        return has_alpha && !is_function_word(term.data(), term.size()) && !boilerplate(term);
    }

  private:
    static bool boilerplate(const std::string &term)
    {
        static const char *const words[] = {
            "such", "can", "may", "also", "part", "use", "used", "using", "other", "between",
            "within", "based", "been", "has", "have", "not", "all", "any", "some", "document",
            "specification", "standard", "recommendation", "provides", "describes", "defines",
            "specifies", "international", "requirements",
        };
        static const Xapian::SimpleStopper stop(std::begin(words), std::end(words));
        return stop(term);
    }
};

/* field:value for boolean and identifier fields: values are lower-cased,
 * SDO names and area ids canonicalised, identifiers normalised, exactly as
 * the indexer forms its terms (indexer/docmap.c), so `sdo:etsi`,
 * `sdo:ETSI` and `id:"rfc8446"` all work. */
class FilterFieldProcessor : public Xapian::FieldProcessor {
  public:
    FilterFieldProcessor(const secstd_field *f, const secstd_field *ident) : field(f), ident_field(ident) {}
    Xapian::Query operator()(const std::string &text) override
    {
        std::string value = text;
        std::string prefix = field->prefix;
        if (field->kind == SECSTD_KIND_UNIQUE || field->kind == SECSTD_KIND_IDENT) {
            prefix = ident_field->prefix;
            secstd_ident id;
            char key[SECSTD_IDENT_MAX * 2];
            if (secstd_ident_parse(text.c_str(), nullptr, &id) == SECSTD_OK &&
                secstd_ident_key(id.id, key, sizeof key) > 0)
                value = key;
        } else if (field->id == SECSTD_FIELD_SDO) {
            const secstd_sdo *sdo = secstd_sdo_lookup(text.c_str());
            if (sdo)
                value = sdo->name;
        }
        for (auto &c : value)
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return Xapian::Query(fit((prefix + value).c_str()));
    }
    const secstd_field *field;
    const secstd_field *ident_field;
};

} // namespace

#define XAP_GUARD(...)                                                                         \
    try {                                                                                      \
        last_error[0] = '\0';                                                                  \
        __VA_ARGS__                                                                            \
    } catch (...) {                                                                            \
        return map_exception();                                                                \
    }

/* ---- heads file -----------------------------------------------------------
 * Layout (the writer's byte order, told by `order`): a header, then
 * ndocids + 1 offsets (uint64, from the start of the heads), then the heads
 * of docids 0 .. ndocids - 1 back to back; docid d's head is [off[d],
 * off[d + 1]), empty when the document has none (or does not exist). */
struct HeadsHeader {
    char magic[8];        /* "SECSTDH1" */
    uint32_t order;       /* 0x01020304 as written */
    uint32_t reserved;
    uint64_t revision;    /* Xapian::Database::get_revision() */
    char uuid[48];        /* get_uuid(), NUL-padded */
    uint64_t ndocids;     /* last docid + 1 */
};
static_assert(sizeof(HeadsHeader) % sizeof(uint64_t) == 0, "offsets follow the header aligned");
const char kHeadsMagic[8] = {'S', 'E', 'C', 'S', 'T', 'D', 'H', '1'};
const uint32_t kHeadsOrder = 0x01020304;

class HeadsFile {
  public:
    HeadsFile(const HeadsFile &) = delete;
    HeadsFile &operator=(const HeadsFile &) = delete;
    ~HeadsFile() { ::close(fd_); }

    /* The heads file of the database at dir, if it describes db as it is
     * now; nullptr otherwise, whatever went wrong (every head is then read
     * from Xapian: the file only saves reads). */
    static std::shared_ptr<const HeadsFile> open(const std::string &dir, const Xapian::Database &db) noexcept
    {
        try {
            int fd = ::open((dir + "/" XAP_HEADS_FILE).c_str(), O_RDONLY | O_CLOEXEC);
            if (fd < 0)
                return nullptr;
            HeadsFile *raw = new (std::nothrow) HeadsFile(fd);
            if (!raw) {
                ::close(fd);
                return nullptr;
            }
            std::shared_ptr<HeadsFile> f(raw);   /* closes fd from here on */
            return f->describes(db) ? f : nullptr;
        } catch (...) {
            return nullptr;
        }
    }

    uint64_t ndocids() const { return n_; }

    /* Docid did's head in out; false (out emptied) when the file has none
     * for it or cannot be read. Two reads (its offsets, then its bytes),
     * no mapping: the file's pages stay in the page cache, not in the
     * process (a mapping's pages count in its RSS, and the kernel maps
     * several around each one touched). */
    bool get(Xapian::docid did, std::string &out) const
    {
        out.clear();
        uint64_t off[2];
        if (did >= n_ || !read_at(off, sizeof off, sizeof(HeadsHeader) + (uint64_t)did * sizeof off[0]))
            return false;
        if (off[0] >= off[1] || off[1] > bloblen_ || off[1] - off[0] > (uint64_t)SSIZE_MAX)
            return false;
        out.resize((size_t)(off[1] - off[0]));
        if (read_at(&out[0], out.size(), blob_ + off[0]))
            return true;
        out.clear();
        return false;
    }

  private:
    explicit HeadsFile(int fd) : fd_(fd) {}

    bool read_at(void *buf, size_t len, uint64_t at) const
    {
        char *p = static_cast<char *>(buf);
        while (len > 0) {
            ssize_t r = pread(fd_, p, len, (off_t)at);
            if (r < 0 && errno == EINTR)
                continue;
            if (r <= 0)
                return false;
            p += r;
            len -= (size_t)r;
            at += (uint64_t)r;
        }
        return true;
    }

    bool describes(const Xapian::Database &db)
    {
        HeadsHeader h;
        struct stat st;
        if (fstat(fd_, &st) != 0 || st.st_size < (off_t)sizeof h || !read_at(&h, sizeof h, 0))
            return false;
        if (std::memcmp(h.magic, kHeadsMagic, sizeof h.magic) != 0 || h.order != kHeadsOrder)
            return false;
        h.uuid[sizeof h.uuid - 1] = '\0';
        if (h.revision != db.get_revision() || db.get_uuid() != h.uuid)
            return false;
        uint64_t size = (uint64_t)st.st_size, room = (size - sizeof h) / sizeof(uint64_t);
        if (h.ndocids == 0 || h.ndocids >= room)
            return false;
        uint64_t last;
        blob_ = sizeof h + (h.ndocids + 1) * sizeof(uint64_t);
        bloblen_ = size - blob_;
        if (!read_at(&last, sizeof last, sizeof h + h.ndocids * sizeof(uint64_t)) || last != bloblen_)
            return false;
        n_ = h.ndocids;
        return true;
    }

    int fd_;
    uint64_t n_ = 0;       /* docids covered; 0 until checked */
    uint64_t blob_ = 0;    /* where the heads start */
    uint64_t bloblen_ = 0;
};

struct xap_db {
    Xapian::Database db;
    std::string path;
    /* The heads file, when it describes db (shared with results). */
    std::shared_ptr<const HeadsFile> heads;
    /* Shared with the slot filters of queries made on this handle. */
    std::map<unsigned, std::shared_ptr<const SlotCache>> facet_cache;
    /* Documents of a filter term, a bit per docid (xap_query_term_set). */
    struct TermSet {
        std::vector<uint64_t> bits;
        size_t size = 0;           /* last docid + 1 */
        Xapian::doccount n = 0;
    };
    std::map<std::string, std::shared_ptr<const TermSet>> term_sets;
    /* Documents of each phrase of the synonym table a query used
     * (phrase_set): their docids in order, or a bit per docid when that
     * is smaller (at most a bit per document, whatever the phrase). */
    struct PhraseSet {
        std::shared_ptr<const std::vector<Xapian::docid>> docs;
        std::shared_ptr<const TermSet> bits;
    };
    std::map<std::string, PhraseSet> phrase_sets;
};

/* ---- facet tables --------------------------------------------------------
 * Per value slot: a code per docid into the slot's distinct values. The
 * indexer stores each table in the database's metadata (key
 * "secstd.facets.<slot>") once a generation is complete, so a worker loads
 * one blob instead of walking the value stream (at 260k records the walk
 * was most of the first answer after start or a generation switch). The
 * blob: "SFT1", u32 lastdocid, u32 nvalues, nvalues x (u32 length, bytes),
 * (lastdocid + 1) x u32 code; all little-endian. A blob that does not fit
 * the database (another lastdocid, a bad code, truncated) is ignored and
 * the stream walked. */

static std::string facet_key(unsigned slot) { return "secstd.facets." + std::to_string(slot); }

static void walk_slot(const Xapian::Database &db, unsigned slot, SlotCache &c)
{
    c.code.assign(static_cast<size_t>(db.get_lastdocid()) + 1, 0);
    c.values.assign(1, std::string());
    std::map<std::string, uint32_t> ids;
    const std::string *last = nullptr;  /* records of one source sit together */
    uint32_t last_code = 0;
    for (auto it = db.valuestream_begin(slot); it != db.valuestream_end(slot); ++it) {
        Xapian::docid did = it.get_docid();
        if (did >= c.code.size())
            continue;
        std::string v = *it;
        if (!last || v != *last) {
            auto ins = ids.emplace(v, static_cast<uint32_t>(c.values.size()));
            if (ins.second)
                c.values.push_back(v);
            last = &ins.first->first;
            last_code = ins.first->second;
        }
        c.code[did] = last_code;
    }
}

static void put_u32(std::string &out, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

static bool get_u32(const std::string &in, size_t &pos, uint32_t &v)
{
    if (pos > in.size() || in.size() - pos < 4)
        return false;
    v = 0;
    for (int i = 0; i < 4; i++)
        v |= static_cast<uint32_t>(static_cast<unsigned char>(in[pos + i])) << (8 * i);
    pos += 4;
    return true;
}

static std::string pack_slot(const SlotCache &c)
{
    std::string out("SFT1");
    put_u32(out, static_cast<uint32_t>(c.code.size() - 1));
    put_u32(out, static_cast<uint32_t>(c.values.size()));
    for (const auto &v : c.values) {
        put_u32(out, static_cast<uint32_t>(v.size()));
        out += v;
    }
    out.reserve(out.size() + 4 * c.code.size());
    for (uint32_t code : c.code)
        put_u32(out, code);
    return out;
}

static bool unpack_slot(const std::string &in, Xapian::docid lastdocid, SlotCache &c)
{
    size_t pos = 4;
    uint32_t last, nvalues;
    if (in.compare(0, 4, "SFT1") != 0 || !get_u32(in, pos, last) || last != lastdocid ||
        !get_u32(in, pos, nvalues) || nvalues == 0 || nvalues > in.size())
        return false;
    c.values.clear();
    c.values.reserve(nvalues);
    for (uint32_t i = 0; i < nvalues; i++) {
        uint32_t len;
        if (!get_u32(in, pos, len) || len > in.size() - pos)
            return false;
        c.values.emplace_back(in, pos, len);
        pos += len;
    }
    if ((in.size() - pos) / 4 != static_cast<size_t>(last) + 1 || (in.size() - pos) % 4 != 0)
        return false;
    c.code.resize(static_cast<size_t>(last) + 1);
    for (auto &code : c.code) {
        get_u32(in, pos, code);
        if (code >= nvalues)
            return false;
    }
    return true;
}

static std::shared_ptr<const SlotCache> slot_table(xap_db *d, unsigned slot)
{
    auto found = d->facet_cache.find(slot);
    if (found != d->facet_cache.end())
        return found->second;
    auto c = std::make_shared<SlotCache>();
    if (!unpack_slot(d->db.get_metadata(facet_key(slot)), d->db.get_lastdocid(), *c))
        walk_slot(d->db, slot, *c);
    d->facet_cache.emplace(slot, c);
    return c;
}

static const SlotCache &slot_cache(xap_db *d, unsigned slot) { return *slot_table(d, slot); }

/* A boolean filter answered from memory: the documents whose slot value
 * passes (pass[code], with a slot's table), or the documents of a set
 * (a bit per docid). Xapian asks it whether a candidate passes
 * (an array lookup) where a value range decodes the slot's value stream
 * for every candidate (measured at 260k records: a date filter doubled
 * the cost of a search, ~200 ns per candidate) and a filter term skips
 * through its posting list. With a weight, the same set is a prior (the
 * status prior, query.c: 1.0-1.4 % more instructions over the
 * benchmark's requests at 26k records, 2.4-3.3 % at 260k; from the
 * status terms' posting lists, Xapian's part alone grew 18-28 % at 26k). */
class TableFilterSource : public Xapian::PostingSource {
  public:
    /* Documents whose code in table passes: pass[code]; each weighs
     * `weight` (0: a filter; else a prior, xap_query_slot_weight). */
    TableFilterSource(std::shared_ptr<const SlotCache> table_, std::shared_ptr<const std::vector<char>> pass_,
                      Xapian::doccount npass_, double weight_ = 0)
        : table(std::move(table_)), pass(std::move(pass_)), npass(npass_), size(table->code.size()),
          weight(weight_)
    {
    }
    /* The documents of a set: bit docid of bits (size = last docid + 1). */
    TableFilterSource(std::shared_ptr<const std::vector<uint64_t>> bits_, size_t size_,
                      Xapian::doccount npass_)
        : bits(std::move(bits_)), npass(npass_), size(size_)
    {
    }
    Xapian::doccount get_termfreq_min() const override { return npass; }
    Xapian::doccount get_termfreq_est() const override { return npass; }
    Xapian::doccount get_termfreq_max() const override { return npass; }
    void init(const Xapian::Database &) override
    {
        did = 0;
        started = false;
        undetermined = false;
        set_maxweight(weight);
    }
    double get_weight() const override { return weight; }
    void next(double) override { advance(started ? did + 1 : 1); }
    void skip_to(Xapian::docid to, double) override
    {
        if (!started)
            advance(to);
        else if (undetermined)
            advance(to > did ? to : did + 1);
        else if (to > did)
            advance(to);
    }
    bool check(Xapian::docid to, double) override
    {
        started = true;
        did = to;
        /* Not a match: the position is undetermined, and the next move
         * goes past `to` (as PostingSource::check allows). */
        undetermined = !passes(to);
        return !undetermined;
    }
    bool at_end() const override { return did >= size; }
    Xapian::docid get_docid() const override { return did; }
    Xapian::PostingSource *clone() const override
    {
        return table ? new TableFilterSource(table, pass, npass, weight) : new TableFilterSource(bits, size, npass);
    }
    std::string get_description() const override { return "TableFilterSource"; }

  private:
    bool passes(Xapian::docid d) const
    {
        if (d >= size)
            return false;
        return table ? (*pass)[table->code[d]] != 0 : ((*bits)[d >> 6] >> (d & 63)) & 1;
    }
    void advance(Xapian::docid from)
    {
        started = true;
        undetermined = false;
        did = from;
        if (!table) {
            /* A set: a word of 64 documents at a time (the bits past
             * size are 0). */
            while (did < size) {
                uint64_t word = (*bits)[did >> 6] >> (did & 63);
                if (word) {
                    did += static_cast<Xapian::docid>(__builtin_ctzll(word));
                    return;
                }
                did = (did | 63) + 1;
            }
            did = static_cast<Xapian::docid>(size);
            return;
        }
        while (did < size && !passes(did))
            ++did;
    }
    std::shared_ptr<const SlotCache> table;
    std::shared_ptr<const std::vector<char>> pass;
    std::shared_ptr<const std::vector<uint64_t>> bits;
    Xapian::doccount npass;
    size_t size;
    double weight = 0;
    Xapian::docid did = 0;
    bool started = false;
    bool undetermined = false;
};

/* An empty set of the handle's documents (size: last docid + 1). */
static std::shared_ptr<xap_db::TermSet> new_set(size_t size)
{
    auto s = std::make_shared<xap_db::TermSet>();
    s->size = size;
    s->bits.assign((size + 63) / 64, 0);
    return s;
}

static void set_add(xap_db::TermSet &s, Xapian::docid d)
{
    if (d < s.size) {
        s.bits[d >> 6] |= uint64_t(1) << (d & 63);
        ++s.n;
    }
}

/* A weightless filter of the set's documents; the query keeps the set. */
static Xapian::Query set_filter(const std::shared_ptr<const xap_db::TermSet> &set)
{
    std::shared_ptr<const std::vector<uint64_t>> bits(set, &set->bits);
    return Xapian::Query((new TableFilterSource(bits, set->size, set->n))->release());
}

/* The documents from docid `first` on, or a fixed pseudo-random share of
 * them: those whose docid hashes below `threshold` (out of 2^32; kAll
 * takes every one). The same threshold gives the same sample, so the same
 * query gets the same counts. Facets past check_at_least matches are
 * counted on it (count_rest). */
class SampleSource : public Xapian::PostingSource {
  public:
    static constexpr uint64_t kAll = uint64_t{1} << 32;
    SampleSource(Xapian::docid first_, Xapian::docid last_, uint64_t threshold_)
        : first(first_ ? first_ : 1), last(last_), threshold(threshold_)
    {
    }
    static uint32_t mix(uint32_t x)
    {
        /* An integer hash with good avalanche (Wellons' "lowbias32"). */
        x ^= x >> 16;
        x *= 0x7feb352dU;
        x ^= x >> 15;
        x *= 0x846ca68bU;
        x ^= x >> 16;
        return x;
    }
    /* Docids past an update's removals are gaps: none is sure to exist. */
    Xapian::doccount get_termfreq_min() const override { return 0; }
    Xapian::doccount get_termfreq_est() const override
    {
        return static_cast<Xapian::doccount>(static_cast<double>(span()) * threshold / kAll);
    }
    Xapian::doccount get_termfreq_max() const override { return span(); }
    void init(const Xapian::Database &) override
    {
        did = 0;
        started = false;
    }
    void next(double) override { advance(started ? did + 1 : first); }
    void skip_to(Xapian::docid to, double) override
    {
        if (!started || to > did)
            advance(to > did + 1 ? to : did + 1);
    }
    bool at_end() const override { return did > last; }
    Xapian::docid get_docid() const override { return did; }
    Xapian::PostingSource *clone() const override { return new SampleSource(first, last, threshold); }
    std::string get_description() const override { return "SampleSource"; }

  private:
    Xapian::doccount span() const { return last >= first ? last - first + 1 : 0; }
    void advance(Xapian::docid from)
    {
        started = true;
        did = from < first ? first : from;
        while (did <= last && mix(did) >= threshold)
            ++did;
    }
    Xapian::docid first, last;
    uint64_t threshold;
    Xapian::docid did = 0;
    bool started = false;
};

struct xap_writer {
    Xapian::WritableDatabase db;
};

/* The English stemmer through a cache of the words already stemmed: the
 * same few thousand words recur in every title and abstract, and Snowball
 * took 4 % of indexing and 7 % of searchd under load at 26k (snippets stem
 * every word of a hit's text). Same stems, so the same terms and snippets.
 * One per thread (english_stem()): neither Snowball's state nor a Stem
 * handle's reference count may be shared between threads.
 *
 * While a snippet is made (SnippetStems), a word that starts with a
 * lowercase ASCII letter or digit no stemmed term of the query starts
 * with is returned as it is, neither looked up nor stemmed: the snippet
 * only asks whether "Z" + the stem is a term of the query, and the
 * English (Porter2) stemmer changes words at their end, never their first
 * letter or digit (only a leading apostrophe goes, and the tokeniser
 * starts no word with one; check_xap's test_stem_first_byte checks the
 * stemmer on every distinct word of the real listings in ../shared). Most
 * words of a hit share no first letter with the query's two or three
 * stems: 2 % fewer instructions for the benchmark's requests (the lookups
 * were 3-4 % of searchd's CPU in a profile under load; in time the gain is
 * below the VM's noise, bench/RESULTS.md, nineteenth round). */
class CachedEnglishStem : public Xapian::StemImplementation {
  public:
    std::string operator()(const std::string &word) override
    {
        if (firsts_ && !word.empty()) {
            unsigned char c = static_cast<unsigned char>(word[0]);
            if (((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) && !(*firsts_)[c])
                return word;
        }
        auto it = cache_.find(word);
        if (it != cache_.end())
            return it->second;
        std::string stem = real_(word);
        /* Bounded: words past the limit are stemmed each time. */
        if (cache_.size() < kMaxWords)
            cache_.emplace(word, stem);
        return stem;
    }
    std::string get_description() const override { return "english, cached"; }
    /* The first bytes of the query's stems while a snippet is made, else
     * null (every word stemmed). */
    const std::bitset<256> *firsts_ = nullptr;

  private:
    static constexpr size_t kMaxWords = 20000;
    Xapian::Stem real_{"english"};
    std::unordered_map<std::string, std::string> cache_;
};

static thread_local CachedEnglishStem *english_impl;

/* This thread's stemmer. Copies of the handle (in a TermGenerator, say)
 * must stay in the thread too. */
static const Xapian::Stem &english_stem()
{
    static thread_local Xapian::Stem stem(english_impl = new CachedEnglishStem);
    return stem;
}

/* The first bytes of the stems of q's stemmed terms ("Z" + stem, any
 * field prefix after the Z included: a superset is enough). */
static std::bitset<256> stem_firsts(const Xapian::Query &q)
{
    std::bitset<256> firsts;
    for (auto it = q.get_unique_terms_begin(); it != q.get_unique_terms_end(); ++it) {
        const std::string &t = *it;
        if (t.size() > 1 && t[0] == 'Z')
            firsts.set(static_cast<unsigned char>(t[1]));
    }
    return firsts;
}

/* This thread's stemmer skips the words no stem of the query can match
 * while it exists (a snippet of a hit, made with english_stem()). */
struct SnippetStems {
    explicit SnippetStems(const std::bitset<256> *firsts)
    {
        english_stem();
        english_impl->firsts_ = firsts;
    }
    ~SnippetStems() { english_impl->firsts_ = nullptr; }
    SnippetStems(const SnippetStems &) = delete;
    SnippetStems &operator=(const SnippetStems &) = delete;
};

int xap_is_stop_word(const char *word) { return word && is_function_word(word, strlen(word)) ? 1 : 0; }

/* Used and freed by the thread that made it (its stemmer is the thread's). */
struct xap_doc {
    Xapian::Document doc;
    Xapian::TermGenerator gen;
};

/* A query in up to three forms (xap_query_parse with
 * XAP_PARSE_PHRASE_SETS): q ranks; counting, for passes that only count
 * (BoolWeight), and shown, as parsed (snippets highlight its phrases), are
 * q itself unless forms is set. */
struct xap_query {
    explicit xap_query(const Xapian::Query &q_) : q(q_) {}
    Xapian::Query q;
    Xapian::Query counting;
    Xapian::Query shown;
    bool forms = false;
    /* The function words the parse dropped (xap_query_ignored). */
    std::vector<std::string> ignored;
};

struct xap_results {
    Xapian::MSet mset;
    /* The searched handle's heads file (xap_results_head), if any. */
    std::shared_ptr<const HeadsFile> heads;
    /* Document data and heads, read on first use: /similar looks at a few
     * of the hits it asks for, and each read is a B-tree lookup (plus zlib
     * for the data). */
    mutable std::vector<std::string> data, head;
    mutable std::vector<bool> loaded, head_loaded;
    std::vector<std::vector<std::pair<std::string, unsigned>>> facets;
    bool facets_exact = true;
    /* The total counted with the facets (count_rest; 0: Xapian's
     * estimate), and whether every match was counted. */
    Xapian::doccount total = 0;
    bool total_exact = false;
    /* The query as parsed, when it ranked in another form (xap_query):
     * snippets highlight with it, through results of its own
     * (snippet_mset, statistics alone, made on first use). */
    bool has_shown = false;
    Xapian::Database shown_db;
    Xapian::Query shown;
    Xapian::MSet snippet_mset;
    bool snippet_ready = false;
    /* The query mset ran (snippets highlight with it unless has_shown),
     * and stem_firsts() of the one they highlight with, made on first
     * use (SnippetStems). */
    Xapian::Query ranked;
    std::bitset<256> firsts;
    bool firsts_ready = false;
};

extern "C" {

const char *xap_last_error(void) { return last_error; }

void xap_term_fit(const char *term, char *buf, size_t len)
{
    if (!buf || len == 0)
        return;
    size_t n = std::strlen(term);
    size_t max = len - 1 < XAP_MAX_TERM ? len - 1 : XAP_MAX_TERM;
    if (n <= max) {
        std::memcpy(buf, term, n + 1);
        return;
    }
    /* FNV-1a over the whole term: stable across runs and builds. */
    unsigned long long h = 1469598103934665603ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= static_cast<unsigned char>(term[i]);
        h *= 1099511628211ULL;
    }
    char tail[24];
    std::snprintf(tail, sizeof tail, "#%016llx", h);
    size_t tlen = std::strlen(tail);
    /* A buffer too small for the hash gets as much of the hash as fits
     * (max - keep never underflows). */
    if (tlen > max)
        tlen = max;
    size_t keep = max - tlen;
    /* Do not cut a UTF-8 sequence in half. */
    while (keep > 0 && (static_cast<unsigned char>(term[keep]) & 0xC0) == 0x80)
        keep--;
    std::memcpy(buf, term, keep);
    std::memcpy(buf + keep, tail, tlen);
    buf[keep + tlen] = '\0';
}

/* ---- read-only database ------------------------------------------------ */

secstd_status xap_db_open(const char *path, xap_db **out)
{
    *out = nullptr;
    XAP_GUARD({
        xap_db *d = new xap_db{Xapian::Database(path), path, nullptr, {}, {}, {}};
        d->heads = HeadsFile::open(d->path, d->db);
        *out = d;
        return SECSTD_OK;
    })
}

secstd_status xap_db_reopen(xap_db *db)
{
    XAP_GUARD({
        db->db.reopen();
        db->heads = HeadsFile::open(db->path, db->db);
        db->facet_cache.clear();
        db->term_sets.clear();
        db->phrase_sets.clear();
        return SECSTD_OK;
    })
}

void xap_db_free(xap_db *db) { delete db; }

size_t xap_db_phrase_sets(xap_db *db) { return db->phrase_sets.size(); }

secstd_status xap_db_doccount(xap_db *db, unsigned *count)
{
    XAP_GUARD({
        *count = db->db.get_doccount();
        return SECSTD_OK;
    })
}

secstd_status xap_db_get_metadata(xap_db *db, const char *key, char **value)
{
    *value = nullptr;
    XAP_GUARD({
        *value = dup_string(db->db.get_metadata(key));
        return SECSTD_OK;
    })
}

secstd_status xap_db_termfreq(xap_db *db, const char *term, unsigned *freq)
{
    XAP_GUARD({
        *freq = db->db.get_termfreq(fit(term));
        return SECSTD_OK;
    })
}

secstd_status xap_db_has_term(xap_db *db, const char *term, unsigned docid, int *has)
{
    return xap_db_term_in_docs(db, term, &docid, 1, has);
}

secstd_status xap_db_term_in_docs(xap_db *db, const char *term, const unsigned *docids, size_t n,
                                  int *has)
{
    for (size_t i = 0; i < n; i++)
        has[i] = 0;
    XAP_GUARD({
        std::vector<std::pair<unsigned, size_t>> order;
        order.reserve(n);
        for (size_t i = 0; i < n; i++)
            order.emplace_back(docids[i], i);
        std::sort(order.begin(), order.end());
        std::string t = fit(term);
        Xapian::PostingIterator it = db->db.postlist_begin(t);
        const Xapian::PostingIterator end = db->db.postlist_end(t);
        for (const auto &o : order) {
            if (it == end)
                break;
            it.skip_to(o.first);
            has[o.second] = it != end && *it == o.first;
        }
        return SECSTD_OK;
    })
}

secstd_status xap_db_postings(xap_db *db, const char *term, int (*fn)(void *, unsigned),
                              void *ctx)
{
    XAP_GUARD({
        std::string t = fit(term);
        for (auto it = db->db.postlist_begin(t); it != db->db.postlist_end(t); ++it)
            if (fn(ctx, *it))
                break;
        return SECSTD_OK;
    })
}

secstd_status xap_db_first_posting(xap_db *db, const char *term, unsigned *docid)
{
    *docid = 0;
    XAP_GUARD({
        std::string t = fit(term);
        auto it = db->db.postlist_begin(t);
        if (it != db->db.postlist_end(t))
            *docid = *it;
        return SECSTD_OK;
    })
}

static secstd_status each_term(const Xapian::Database &db, const char *prefix,
                               int (*fn)(void *, const char *, unsigned), void *ctx)
{
    XAP_GUARD({
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
            std::string t = *it;
            if (fn(ctx, t.c_str(), it.get_termfreq()))
                break;
        }
        return SECSTD_OK;
    })
}

secstd_status xap_db_terms(xap_db *db, const char *prefix,
                           int (*fn)(void *, const char *, unsigned), void *ctx)
{
    return each_term(db->db, prefix, fn, ctx);
}

/* The whole stored data of doc: head (value slot) + rest (data). */
static std::string whole_data(const Xapian::Document &doc)
{
    std::string d = doc.get_value(XAP_HEAD_SLOT);
    d += doc.get_data();
    return d;
}

/* The head alone, or the whole data of a document stored without one. */
static std::string head_data(const Xapian::Document &doc)
{
    std::string h = doc.get_value(XAP_HEAD_SLOT);
    return h.empty() ? doc.get_data() : h;
}

secstd_status xap_db_get_data(xap_db *db, unsigned docid, char **data, size_t *len)
{
    *data = nullptr;
    XAP_GUARD({
        std::string d = whole_data(db->db.get_document(docid));
        *data = dup_string(d);
        if (len)
            *len = d.size();
        return SECSTD_OK;
    })
}

secstd_status xap_db_get_head(xap_db *db, unsigned docid, char **data, size_t *len)
{
    *data = nullptr;
    XAP_GUARD({
        std::string d;
        if (!db->heads || !db->heads->get(docid, d))
            d = head_data(db->db.get_document(docid));
        *data = dup_string(d);
        if (len)
            *len = d.size();
        return SECSTD_OK;
    })
}

unsigned xap_db_heads(const xap_db *db) { return db->heads ? (unsigned)db->heads->ndocids() : 0; }

secstd_status xap_db_get_value(xap_db *db, unsigned docid, unsigned slot, char **value)
{
    *value = nullptr;
    XAP_GUARD({
        *value = dup_string(db->db.get_document(docid).get_value(slot));
        return SECSTD_OK;
    })
}

secstd_status xap_db_spelling(xap_db *db, const char *word, char **suggestion)
{
    *suggestion = nullptr;
    XAP_GUARD({
        std::string s = db->db.get_spelling_suggestion(word);
        if (!s.empty())
            *suggestion = dup_string(s);
        return SECSTD_OK;
    })
}

secstd_status xap_db_spelling_freq(xap_db *db, const char *word, unsigned *freq)
{
    *freq = 0;
    XAP_GUARD({
        /* 1.4 has no direct lookup: the spelling words are a sorted list. */
        Xapian::TermIterator t = db->db.spellings_begin();
        t.skip_to(word);
        if (t != db->db.spellings_end() && *t == word)
            *freq = t.get_termfreq();
        return SECSTD_OK;
    })
}

/* ---- writable database ------------------------------------------------- */

secstd_status xap_writer_open(const char *path, xap_writer **out)
{
    *out = nullptr;
    XAP_GUARD({
        *out = new xap_writer{Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN)};
        return SECSTD_OK;
    })
}

secstd_status xap_writer_open_nosync(const char *path, xap_writer **out)
{
    *out = nullptr;
    XAP_GUARD({
        *out = new xap_writer{
            Xapian::WritableDatabase(path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_NO_SYNC)};
        return SECSTD_OK;
    })
}

secstd_status xap_writer_open_scratch(const char *path, xap_writer **out)
{
    *out = nullptr;
    XAP_GUARD({
        *out = new xap_writer{Xapian::WritableDatabase(
            path, Xapian::DB_CREATE_OR_OPEN | Xapian::DB_NO_SYNC | Xapian::DB_DANGEROUS)};
        return SECSTD_OK;
    })
}

secstd_status xap_writer_replace(xap_writer *w, const char *idterm, const xap_doc *doc)
{
    XAP_GUARD({
        w->db.replace_document(fit(idterm), doc->doc);
        return SECSTD_OK;
    })
}

secstd_status xap_writer_add(xap_writer *w, const xap_doc *doc)
{
    XAP_GUARD({
        w->db.add_document(doc->doc);
        return SECSTD_OK;
    })
}

secstd_status xap_writer_delete(xap_writer *w, const char *idterm)
{
    XAP_GUARD({
        w->db.delete_document(fit(idterm));
        return SECSTD_OK;
    })
}

secstd_status xap_heads_write(const char *path)
{
    const std::string final_path = std::string(path) + "/" XAP_HEADS_FILE, tmp = final_path + ".tmp";
    /* The temporary file, closed and removed unless renamed into place. */
    struct Out {
        FILE *f = nullptr;
        std::string path;
        ~Out()
        {
            if (f) {
                std::fclose(f);
                std::remove(path.c_str());
            }
        }
    } out;
    auto io_error = [&](const char *what) {
        set_error(std::string(what) + " " + tmp + ": " + std::strerror(errno));
        return SECSTD_ERR_IO;
    };
    XAP_GUARD({
        Xapian::Database db(path);
        HeadsHeader h{};
        std::memcpy(h.magic, kHeadsMagic, sizeof h.magic);
        h.order = kHeadsOrder;
        h.revision = db.get_revision();
        std::string uuid = db.get_uuid();
        std::snprintf(h.uuid, sizeof h.uuid, "%s", uuid.c_str());
        h.ndocids = (uint64_t)db.get_lastdocid() + 1;
        std::vector<uint64_t> off(h.ndocids + 1, 0);
        out.path = tmp;
        if (!(out.f = std::fopen(tmp.c_str(), "wb")))
            return io_error("creating");
        std::setvbuf(out.f, nullptr, _IOFBF, 1 << 20);
        const off_t start = (off_t)(sizeof h + off.size() * sizeof off[0]);
        if (fseeko(out.f, start, SEEK_SET) != 0)
            return io_error("writing");
        uint64_t at = 0;
        Xapian::docid next = 0;   /* first docid whose offset is not set yet */
        for (auto it = db.valuestream_begin(XAP_HEAD_SLOT); it != db.valuestream_end(XAP_HEAD_SLOT); ++it) {
            Xapian::docid did = it.get_docid();
            const std::string v = *it;
            while (next <= did)
                off[next++] = at;
            if (std::fwrite(v.data(), 1, v.size(), out.f) != v.size())
                return io_error("writing");
            at += v.size();
        }
        while (next < off.size())
            off[next++] = at;
        if (fseeko(out.f, 0, SEEK_SET) != 0 || std::fwrite(&h, sizeof h, 1, out.f) != 1 ||
            std::fwrite(off.data(), sizeof off[0], off.size(), out.f) != off.size() ||
            std::fflush(out.f) != 0)
            return io_error("writing");
        int rc = std::fclose(out.f);
        out.f = nullptr;
        if (rc != 0) {
            secstd_status st = io_error("writing");   /* before remove() changes errno */
            std::remove(tmp.c_str());
            return st;
        }
        if (std::rename(tmp.c_str(), final_path.c_str()) != 0) {
            secstd_status st = io_error("renaming");
            std::remove(tmp.c_str());
            return st;
        }
        return SECSTD_OK;
    })
}

secstd_status xap_writer_store_facet_tables(xap_writer *w, const unsigned *slots, size_t nslots)
{
    XAP_GUARD({
        /* No commit first: a WritableDatabase reads its own pending
         * changes, and one commit per generation keeps a replica's
         * catch-up to one changeset. */
        for (size_t i = 0; i < nslots; i++) {
            SlotCache c;
            walk_slot(w->db, slots[i], c);
            w->db.set_metadata(facet_key(slots[i]), pack_slot(c));
        }
        return SECSTD_OK;
    })
}

secstd_status xap_writer_set_metadata(xap_writer *w, const char *key, const char *value)
{
    XAP_GUARD({
        w->db.set_metadata(key, value);
        return SECSTD_OK;
    })
}

secstd_status xap_writer_get_value(xap_writer *w, const char *idterm, unsigned slot, char **value)
{
    *value = nullptr;
    XAP_GUARD({
        std::string t = fit(idterm);
        auto it = w->db.postlist_begin(t);
        if (it != w->db.postlist_end(t))
            *value = dup_string(w->db.get_document(*it).get_value(slot));
        return SECSTD_OK;
    })
}

secstd_status xap_writer_terms(xap_writer *w, const char *prefix,
                               int (*fn)(void *, const char *, unsigned), void *ctx)
{
    return each_term(w->db, prefix, fn, ctx);
}

secstd_status xap_writer_doccount(xap_writer *w, unsigned *count)
{
    XAP_GUARD({
        *count = w->db.get_doccount();
        return SECSTD_OK;
    })
}

secstd_status xap_writer_add_spelling(xap_writer *w, const char *word, unsigned freq)
{
    XAP_GUARD({
        w->db.add_spelling(word, freq);
        return SECSTD_OK;
    })
}

secstd_status xap_writer_commit(xap_writer *w)
{
    XAP_GUARD({
        w->db.commit();
        return SECSTD_OK;
    })
}

secstd_status xap_writer_close(xap_writer *w)
{
    XAP_GUARD({
        w->db.close();
        return SECSTD_OK;
    })
}

void xap_writer_free(xap_writer *w) { delete w; }

secstd_status xap_compact(const char *const *srcs, size_t n, const char *dest)
{
    XAP_GUARD({
        if (n == 0)
            throw Xapian::InvalidArgumentError("xap_compact: no source database");
        Xapian::Database all;
        for (size_t i = 0; i < n; i++)
            all.add_database(Xapian::Database(srcs[i]));
        all.compact(dest);
        return SECSTD_OK;
    })
}

/* ---- documents --------------------------------------------------------- */

xap_doc *xap_doc_new(void)
{
    try {
        xap_doc *d = new xap_doc;
        d->gen.set_stemmer(english_stem());
        d->gen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        d->gen.set_stopper(&function_words);
        d->gen.set_stopper_strategy(Xapian::TermGenerator::STOP_STEMMED);
        d->gen.set_document(d->doc);
        return d;
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

void xap_doc_free(xap_doc *d) { delete d; }

secstd_status xap_doc_index_text(xap_doc *d, const char *text, unsigned wdf_inc, const char *prefix)
{
    XAP_GUARD({
        d->gen.index_text(text, wdf_inc, prefix ? prefix : "");
        return SECSTD_OK;
    })
}

secstd_status xap_doc_index_field(xap_doc *d, const char *text, unsigned wdf_inc, const char *prefix,
                                  xap_stem stem)
{
    XAP_GUARD({
        /* The generator is the document's own: its strategy is put back
         * for the next field whatever happens. */
        struct Restore {
            Xapian::TermGenerator &gen;
            ~Restore() { gen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME); }
        } restore{d->gen};
        const std::string p = prefix ? prefix : "";
        switch (stem) {
        case XAP_STEM_SOME:
            d->gen.index_text(text, wdf_inc, p);
            break;
        case XAP_STEM_ALL:
            d->gen.set_stemming_strategy(Xapian::TermGenerator::STEM_ALL_Z);
            d->gen.index_text_without_positions(text, wdf_inc, p);
            break;
        case XAP_STEM_NONE:
            d->gen.set_stemming_strategy(Xapian::TermGenerator::STEM_NONE);
            d->gen.index_text(text, wdf_inc, p);
            break;
        }
        return SECSTD_OK;
    })
}

secstd_status xap_doc_increase_termpos(xap_doc *d)
{
    XAP_GUARD({
        d->gen.increase_termpos();
        return SECSTD_OK;
    })
}

secstd_status xap_doc_add_term(xap_doc *d, const char *term, unsigned wdf)
{
    XAP_GUARD({
        if (wdf == 0)
            d->doc.add_boolean_term(fit(term));
        else
            d->doc.add_term(fit(term), wdf);
        return SECSTD_OK;
    })
}

secstd_status xap_doc_add_value(xap_doc *d, unsigned slot, const char *value)
{
    XAP_GUARD({
        d->doc.add_value(slot, value);
        return SECSTD_OK;
    })
}

secstd_status xap_doc_set_data(xap_doc *d, const char *data, size_t len, size_t head)
{
    if (head > len)
        return SECSTD_ERR_INVALID;
    XAP_GUARD({
        if (head)
            d->doc.add_value(XAP_HEAD_SLOT, std::string(data, head));
        d->doc.set_data(std::string(data + head, len - head));
        return SECSTD_OK;
    })
}

/* ---- phrase sets ---------------------------------------------------------
 * The phrases synonyms add to a query ("tls" OR "transport layer
 * security") were its costliest part: Xapian checks a phrase by skipping
 * through its words' posting lists (at 260k records "security" is in most
 * documents) and reading their positions, once per pass. A handle keeps
 * the documents of each phrase of the synonym table a query used, found
 * once by the phrase itself; a query then ranks by the phrase's words
 * ANDed and filtered by that set (the same documents; a phrase weighs
 * what its words weigh, so the same weights), counts on the set alone,
 * and highlights with the phrase as parsed. */

/* The documents of a sorted docid list; no weight. */
class DocListSource : public Xapian::PostingSource {
  public:
    explicit DocListSource(std::shared_ptr<const std::vector<Xapian::docid>> docs_)
        : docs(std::move(docs_))
    {
    }
    Xapian::doccount get_termfreq_min() const override { return size(); }
    Xapian::doccount get_termfreq_est() const override { return size(); }
    Xapian::doccount get_termfreq_max() const override { return size(); }
    void init(const Xapian::Database &) override
    {
        i = 0;
        started = false;
    }
    void next(double) override
    {
        if (started)
            ++i;
        started = true;
    }
    void skip_to(Xapian::docid to, double) override
    {
        started = true;
        if (i < docs->size() && (*docs)[i] < to)
            i = static_cast<size_t>(std::lower_bound(docs->begin() + static_cast<std::ptrdiff_t>(i),
                                                     docs->end(), to) -
                                    docs->begin());
    }
    bool at_end() const override { return i >= docs->size(); }
    Xapian::docid get_docid() const override { return (*docs)[i]; }
    Xapian::PostingSource *clone() const override { return new DocListSource(docs); }
    std::string get_description() const override { return "DocListSource"; }

  private:
    Xapian::doccount size() const { return static_cast<Xapian::doccount>(docs->size()); }
    std::shared_ptr<const std::vector<Xapian::docid>> docs;
    size_t i = 0;
    bool started = false;
};

/* A phrase's key: its description without the words' query positions
 * ("(transport PHRASE 3 layer PHRASE 3 security)"), the same wherever the
 * phrase stands in a query. */
static std::string phrase_key(const Xapian::Query &phrase)
{
    std::string d = phrase.get_description(), key;
    key.reserve(d.size());
    for (size_t i = 0; i < d.size(); i++) {
        if (d[i] == '@' && i + 1 < d.size() && std::isdigit(static_cast<unsigned char>(d[i + 1]))) {
            while (i + 1 < d.size() && std::isdigit(static_cast<unsigned char>(d[i + 1])))
                i++;
            continue;
        }
        key += d[i];
    }
    return key;
}

static void collect_phrases(const Xapian::Query &q, std::set<std::string> &keys)
{
    if (q.get_type() == Xapian::Query::OP_PHRASE) {
        keys.insert(phrase_key(q));
        return;
    }
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        collect_phrases(q.get_subquery(i), keys);
}

/* The keys of the synonym table's phrases (schema/synonyms.def: its terms
 * and expansions of several words, or hyphenated), as the parser makes
 * them. */
static const std::set<std::string> &synonym_phrases()
{
    static const std::set<std::string> keys = [] {
        std::set<std::string> k;
        Xapian::QueryParser qp;
        auto add = [&](const char *text, size_t len) {
            try {
                collect_phrases(qp.parse_query("\"" + std::string(text, len) + "\"",
                                               Xapian::QueryParser::FLAG_PHRASE),
                                k);
            } catch (const Xapian::Error &) {
                /* Not a phrase the parser takes: it has no set. */
            }
        };
        for (size_t i = 0; i < secstd_synonym_count(); i++) {
            const secstd_synonym *s = secstd_synonym_at(i);
            add(s->term, std::strlen(s->term));
            for (const char *e = s->expansions; *e;) {
                const char *bar = std::strchr(e, '|');
                size_t len = bar ? static_cast<size_t>(bar - e) : std::strlen(e);
                add(e, len);
                if (!bar)
                    break;
                e = bar + 1;
            }
        }
        return k;
    }();
    return keys;
}

/* Collects every match's docid (a counting pass sees them all). */
class DocCollector : public Xapian::MatchSpy {
  public:
    explicit DocCollector(std::vector<Xapian::docid> &out_) : out(out_) {}
    void operator()(const Xapian::Document &doc, double) override { out.push_back(doc.get_docid()); }

  private:
    std::vector<Xapian::docid> &out;
};

/* The documents of phrase on this handle (found once by the phrase), as
 * a weightless query. */
static Xapian::Query phrase_set(xap_db *db, const std::string &key, const Xapian::Query &phrase)
{
    auto found = db->phrase_sets.find(key);
    if (found == db->phrase_sets.end()) {
        std::vector<Xapian::docid> docs;
        Xapian::Enquire enq(db->db);
        enq.set_query(phrase);
        enq.set_weighting_scheme(Xapian::BoolWeight());
        DocCollector spy(docs);
        enq.add_matchspy(&spy);
        enq.get_mset(0, 0, db->db.get_doccount());
        std::sort(docs.begin(), docs.end());
        docs.erase(std::unique(docs.begin(), docs.end()), docs.end());
        xap_db::PhraseSet set;
        size_t size = static_cast<size_t>(db->db.get_lastdocid()) + 1;
        if (docs.size() * 32 > size) {   /* 32 bits a docid against a bit a document */
            auto s = new_set(size);
            for (Xapian::docid d : docs)
                set_add(*s, d);
            set.bits = s;
        } else {
            set.docs = std::make_shared<const std::vector<Xapian::docid>>(std::move(docs));
        }
        found = db->phrase_sets.emplace(key, set).first;
    }
    const xap_db::PhraseSet &set = found->second;
    if (set.bits)
        return set_filter(set.bits);
    return Xapian::Query((new DocListSource(set.docs))->release());
}

/* Whether the API gives a query of this operator back whole (no window,
 * factor or range to rebuild): a rewrite of its subqueries can remake it. */
static bool remakeable(Xapian::Query::op op)
{
    switch (op) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_MAX:
        return true;
    default:
        return false;
    }
}

/* q's ranked and counted forms, each phrase of the synonym table
 * replaced: ranked by its words ANDed, filtered by its set; counted by its
 * set. Only under remakeable operators; phrases under others stay. true
 * when a phrase was replaced (else both forms are q). */
static bool with_phrase_sets(xap_db *db, const Xapian::Query &q, Xapian::Query &ranked,
                             Xapian::Query &counted)
{
    ranked = counted = q;
    if (q.get_type() == Xapian::Query::OP_PHRASE) {
        std::string key = phrase_key(q);
        if (!synonym_phrases().count(key))
            return false;
        counted = phrase_set(db, key, q);
        std::vector<Xapian::Query> words;
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            words.push_back(q.get_subquery(i));
        ranked = Xapian::Query(Xapian::Query::OP_FILTER,
                               Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()), counted);
        return true;
    }
    if (!remakeable(q.get_type()))
        return false;
    std::vector<Xapian::Query> rs, cs;
    bool any = false;
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        Xapian::Query r, c;
        any |= with_phrase_sets(db, q.get_subquery(i), r, c);
        rs.push_back(r);
        cs.push_back(c);
    }
    if (!any)
        return false;
    ranked = Xapian::Query(q.get_type(), rs.begin(), rs.end());
    counted = Xapian::Query(q.get_type(), cs.begin(), cs.end());
    return true;
}

/* q with each stem of a function word the parser kept ("Z" + field prefix
 * + word: a query of such words alone, "+the", "tls AND the") looked for
 * as the word with the same prefix, which documents hold (the generator
 * makes no stem of one). Only under remakeable operators. */
static Xapian::Query stop_stems_as_words(const Xapian::Query &q)
{
    if (q.get_type() == Xapian::Query::LEAF_TERM) {
        const std::string t = *q.get_terms_begin();
        if (t.size() < 2 || t[0] != 'Z')
            return q;
        size_t i = 1;
        while (i < t.size() && t[i] >= 'A' && t[i] <= 'Z')
            i++;
        if (!is_function_word(t.data() + i, t.size() - i))
            return q;
        return Xapian::Query(t.substr(1), q.get_length());
    }
    if (!remakeable(q.get_type()))
        return q;
    std::vector<Xapian::Query> subs;
    bool any = false;
    for (size_t i = 0; i < q.get_num_subqueries(); i++) {
        const Xapian::Query sub = q.get_subquery(i);
        subs.push_back(stop_stems_as_words(sub));
        any |= subs.back().internal.get() != sub.internal.get();
    }
    return any ? Xapian::Query(q.get_type(), subs.begin(), subs.end()) : q;
}

/* ---- queries ----------------------------------------------------------- */

static xap_query *wrap(const Xapian::Query &q)
{
    try {
        return new xap_query(q);
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

static Xapian::Query unwrap(const xap_query *q)
{
    return q ? q->q : Xapian::Query::MatchNothing;
}

static Xapian::Query counting_form(const xap_query *q)
{
    return q && q->forms ? q->counting : unwrap(q);
}

static Xapian::Query shown_form(const xap_query *q)
{
    return q && q->forms ? q->shown : unwrap(q);
}

static bool has_forms(const xap_query *a, const xap_query *b = nullptr)
{
    return (a && a->forms) || (b && b->forms);
}

/* A query of three forms, each built by make from the operands' same
 * form. */
static xap_query *wrap_forms(const xap_query *a, const xap_query *b,
                             const std::function<Xapian::Query(const Xapian::Query &, const Xapian::Query &)> &make)
{
    auto *r = new xap_query(make(unwrap(a), unwrap(b)));
    try {
        r->counting = make(counting_form(a), counting_form(b));
        r->shown = make(shown_form(a), shown_form(b));
        r->forms = true;
    } catch (...) {
        delete r;
        throw;
    }
    return r;
}

/* A fresh match-all query. Never copy the static Xapian::Query::MatchAll:
 * copies share its Internal, whose reference count is not atomic, so
 * searchd's worker threads raced on it (ThreadSanitizer, /search.csv with
 * no q from two workers) and could free it under each other. */
static Xapian::Query match_all() { return Xapian::Query(std::string()); }

xap_query *xap_query_match_all(void) { return wrap(match_all()); }

xap_query *xap_query_term(const char *term, unsigned wqf)
{
    try {
        return wrap(Xapian::Query(fit(term), wqf ? wqf : 1));
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

xap_query *xap_query_combine(xap_op op, const xap_query *a, const xap_query *b)
{
    static const Xapian::Query::op ops[] = {
        Xapian::Query::OP_AND,    Xapian::Query::OP_OR,        Xapian::Query::OP_AND_NOT,
        Xapian::Query::OP_FILTER, Xapian::Query::OP_AND_MAYBE, Xapian::Query::OP_SYNONYM,
    };
    if (static_cast<size_t>(op) >= sizeof ops / sizeof ops[0])
        return nullptr;
    const Xapian::Query::op xop = ops[op];
    try {
        if (has_forms(a, b))
            return wrap_forms(a, b, [xop](const Xapian::Query &x, const Xapian::Query &y) {
                return Xapian::Query(xop, x, y);
            });
        return wrap(Xapian::Query(xop, unwrap(a), unwrap(b)));
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

xap_query *xap_query_scale(const xap_query *q, double factor)
{
    try {
        if (has_forms(q))
            return wrap_forms(q, nullptr, [factor](const Xapian::Query &x, const Xapian::Query &) {
                return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, x, factor);
            });
        return wrap(Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, unwrap(q), factor));
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

/* The table's documents per code (made on first use). */
static void count_codes(const SlotCache &table)
{
    if (!table.count.empty())
        return;
    table.count.assign(table.values.size(), 0);
    for (uint32_t code : table.code)
        ++table.count[code];
}

xap_query *xap_query_slot_weight(xap_db *db, unsigned slot, const char *const *values, size_t n,
                                 double weight)
{
    try {
        auto table = slot_table(db, slot);
        count_codes(*table);
        auto pass = std::make_shared<std::vector<char>>(table->values.size(), 0);
        Xapian::doccount npass = 0;
        for (size_t code = 1; code < table->values.size(); code++)
            for (size_t i = 0; i < n; i++)
                if (table->values[code] == values[i]) {
                    (*pass)[code] = 1;
                    npass += table->count[code];
                    break;
                }
        return wrap(Xapian::Query((new TableFilterSource(table, pass, npass, weight))->release()));
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

xap_query *xap_query_slot_ranges(xap_db *db, unsigned slot, const char *const *lo,
                                 const char *const *hi, size_t n)
{
    try {
        auto table = slot_table(db, slot);
        const auto &values = table->values;
        count_codes(*table);
        if (table->sorted.size() != values.size() - 1) {
            /* Code 0 (no value) passes no range. */
            table->sorted.resize(values.size() - 1);
            for (size_t code = 1; code < values.size(); code++)
                table->sorted[code - 1] = static_cast<uint32_t>(code);
            std::sort(table->sorted.begin(), table->sorted.end(),
                      [&values](uint32_t a, uint32_t b) { return values[a] < values[b]; });
        }
        auto pass = std::make_shared<std::vector<char>>(values.size(), 0);
        Xapian::doccount npass = 0;
        const auto &sorted = table->sorted;
        for (size_t i = 0; i < n; i++) {
            auto first = sorted.begin(), last = sorted.end();
            if (lo[i])
                first = std::lower_bound(first, last, lo[i], [&values](uint32_t code, const char *key) {
                    return values[code].compare(key) < 0;
                });
            if (hi[i])
                last = std::upper_bound(first, last, hi[i], [&values](const char *key, uint32_t code) {
                    return values[code].compare(key) > 0;
                });
            for (auto it = first; it < last; ++it)
                if (!(*pass)[*it]) {
                    (*pass)[*it] = 1;
                    npass += table->count[*it];
                }
        }
        /* Owned by the query (release()); weightless, a pure filter like
         * the value range it stands for. */
        return wrap(Xapian::Query((new TableFilterSource(table, pass, npass))->release()));
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

/* Term sets kept per handle: the scope, bodies, areas, statuses, types a
 * user filters on; groups are open-ended, so the count is bounded. */
#define TERM_SETS_MAX 128

xap_query *xap_query_term_set(xap_db *db, const char *term)
{
    try {
        std::string t = fit(term);
        auto found = db->term_sets.find(t);
        std::shared_ptr<const xap_db::TermSet> set;
        if (found != db->term_sets.end()) {
            set = found->second;
        } else if (db->term_sets.size() >= TERM_SETS_MAX) {
            return nullptr;   /* the caller uses the term itself */
        } else {
            auto s = new_set(static_cast<size_t>(db->db.get_lastdocid()) + 1);
            for (auto it = db->db.postlist_begin(t); it != db->db.postlist_end(t); ++it)
                set_add(*s, *it);
            set = s;
            db->term_sets.emplace(t, set);
        }
        return wrap(set_filter(set));
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

xap_query *xap_query_value_range(unsigned slot, const char *lo, const char *hi)
{
    try {
        if (lo && hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        if (lo)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
        if (hi)
            return wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
        return wrap(match_all());
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

void xap_query_free(xap_query *q) { delete q; }

const char *xap_query_ignored(const xap_query *q, size_t i)
{
    return q && i < q->ignored.size() ? q->ignored[i].c_str() : nullptr;
}

char *xap_query_describe(const xap_query *q)
{
    try {
        return dup_string(shown_form(q).get_description());
    } catch (...) {
        map_exception();
        return nullptr;
    }
}

secstd_status xap_query_parse(xap_db *db, const char *text, unsigned flags, xap_query **out,
                              char **corrected)
{
    *out = nullptr;
    if (corrected)
        *corrected = nullptr;
    XAP_GUARD({
        Xapian::QueryParser qp;
        qp.set_stemmer(Xapian::Stem("english"));
        qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        qp.set_stopper(&function_words);
        if (db)
            qp.set_database(db->db);
        qp.set_default_op((flags & XAP_PARSE_DEFAULT_AND) ? Xapian::Query::OP_AND
                                                          : Xapian::Query::OP_OR);
        /* The field table drives the fielded syntax. */
        for (int i = 0; i < SECSTD_FIELD_COUNT; i++) {
            const secstd_field *f = secstd_field_get(static_cast<secstd_field_id>(i));
            if (!f || !f->prefix[0])
                continue;
            if (f->kind == SECSTD_KIND_TEXT) {
                qp.add_prefix(f->name, f->prefix);
                /* A field indexed by stems alone: its words are found as
                 * 'Z' + prefix + stem by the parser's stemming (query.c
                 * lower-cases them), its wildcards need the stems'
                 * prefix too ("abstract:encrypt*" expands Z...encrypt...). */
                if (f->stem == SECSTD_STEM_ALL)
                    qp.add_prefix(f->name, std::string("Z") + f->prefix);
            }
            else if (f->kind == SECSTD_KIND_BOOLEAN || f->kind == SECSTD_KIND_UNIQUE ||
                     f->kind == SECSTD_KIND_IDENT)
                qp.add_boolean_prefix(
                    f->name,
                    (new FilterFieldProcessor(f, secstd_field_get(SECSTD_FIELD_IDENT)))->release());
        }
        unsigned qflags = 0;
        if (flags & XAP_PARSE_BOOLEAN)
            qflags |= Xapian::QueryParser::FLAG_BOOLEAN | Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE;
        if (flags & XAP_PARSE_PHRASE)
            qflags |= Xapian::QueryParser::FLAG_PHRASE;
        if (flags & XAP_PARSE_LOVEHATE)
            qflags |= Xapian::QueryParser::FLAG_LOVEHATE;
        if ((flags & XAP_PARSE_WILDCARD) && db) {
            qflags |= Xapian::QueryParser::FLAG_WILDCARD;
            /* "a*" would OR every word starting with a (thousands: one such
             * query held a worker for minutes): the most frequent ones. */
            qp.set_max_expansion(XAP_WILDCARD_MAX, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT);
        }
        if ((flags & XAP_PARSE_SPELLING) && db)
            qflags |= Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
        Xapian::Query q = stop_stems_as_words(qp.parse_query(text, qflags));
        if (corrected && (flags & XAP_PARSE_SPELLING) && db) {
            std::string c = qp.get_corrected_query_string();
            if (!c.empty())
                *corrected = dup_string(c);
        }
        std::vector<std::string> ignored;
        for (auto it = qp.stoplist_begin(); it != qp.stoplist_end(); ++it)
            if (std::find(ignored.begin(), ignored.end(), *it) == ignored.end())
                ignored.push_back(*it);
        auto *r = new xap_query(q);
        r->ignored = std::move(ignored);
        if ((flags & XAP_PARSE_PHRASE_SETS) && db) {
            try {
                Xapian::Query ranked, counted;
                if (with_phrase_sets(db, q, ranked, counted)) {
                    r->counting = counted;
                    r->shown = q;
                    r->q = ranked;
                    r->forms = true;
                }
            } catch (...) {
                delete r;
                throw;
            }
        }
        *out = r;
        return SECSTD_OK;
    })
}

/* ---- searching --------------------------------------------------------- */

/* Spies like `like` counting the matches of q from docid `first` on (or
 * the share of them SampleSource's threshold takes), the first `cap` of
 * them when cap is not 0: a pass of counting alone. */
static std::vector<std::unique_ptr<MultiValueCountSpy>>
count_from(xap_db *db, const xap_query *q, const std::vector<MultiValueCountSpy *> &like,
           Xapian::docid first, uint64_t threshold, Xapian::doccount cap)
{
    Xapian::Enquire enq(db->db);
    enq.set_query(Xapian::Query(
        Xapian::Query::OP_FILTER, counting_form(q),
        Xapian::Query((new SampleSource(first, db->db.get_lastdocid(), threshold))->release())));
    enq.set_weighting_scheme(Xapian::BoolWeight());
    std::vector<std::unique_ptr<MultiValueCountSpy>> spies;
    for (auto *s : like) {
        spies.emplace_back(new MultiValueCountSpy(s->cache, s->multi, cap));
        enq.add_matchspy(spies.back().get());
    }
    enq.get_mset(0, 0, cap ? cap : db->db.get_doccount());
    return spies;
}

/* Counts the matches past those the spies saw (the first check_at_least
 * in docid order) into the spies: the next half check_at_least of them
 * one by one, and when there are more, a share of the rest sized to
 * about as many again (SampleSource) whose counts are scaled up. The
 * first matches alone are no sample: they follow the order the records
 * were read, one body after another (at 260k records the first 10,000
 * matches of "authentication" held no ITU-T standard of the 1,010 there
 * were). Sets the total and whether the counts are exact. */
static void count_rest(xap_db *db, const xap_query *q, const xap_search_opts *opts,
                       const std::vector<MultiValueCountSpy *> &spies, xap_results *r)
{
    Xapian::doccount budget = opts->check_at_least > 1 ? opts->check_at_least / 2 : 1;
    double lo = r->mset.get_matches_lower_bound(), hi = r->mset.get_matches_upper_bound();
    Xapian::docid from = spies[0]->last;
    double counted = spies[0]->seen;
    auto next = count_from(db, q, spies, from + 1, SampleSource::kAll, budget);
    for (size_t i = 0; i < spies.size(); i++)
        spies[i]->add(*next[i], 1.0);
    counted += next[0]->seen;
    bool exact = next[0]->seen < budget;
    double total = counted;
    if (!exact) {
        /* How many are left: the next ones' density over the docids
         * left, within Xapian's bounds. */
        Xapian::docid upto = next[0]->last, last = db->db.get_lastdocid();
        double left = static_cast<double>(budget) * (last - upto) / (upto - from);
        left = left < lo - counted ? lo - counted : left > hi - counted ? hi - counted : left;
        uint64_t threshold = SampleSource::kAll;
        if (left > budget)
            threshold = static_cast<uint64_t>(budget / left * static_cast<double>(SampleSource::kAll));
        threshold = threshold ? threshold : 1;
        auto rest = count_from(db, q, spies, upto + 1, threshold, 0);
        double scale = static_cast<double>(SampleSource::kAll) / static_cast<double>(threshold);
        for (size_t i = 0; i < spies.size(); i++)
            spies[i]->add(*rest[i], scale);
        total += rest[0]->seen * scale;
        exact = threshold == SampleSource::kAll;
    }
    total = total < lo ? lo : total > hi ? hi : total;
    r->total = static_cast<Xapian::doccount>(total + 0.5);
    r->facets_exact = exact;
    r->total_exact = exact || lo == hi;
}

secstd_status xap_search(xap_db *db, const xap_query *q, const xap_search_opts *opts,
                         xap_results **out)
{
    *out = nullptr;
    XAP_GUARD({
        Xapian::Enquire enq(db->db);
        /* Counting only (facets, totals): no weights, so no document
         * length lookup per match (BM25 needs one; ~60 % of such a pass),
         * and phrases by their sets alone. */
        Xapian::Query run = opts->limit == 0 ? counting_form(q) : unwrap(q);
        enq.set_query(run);
        if (opts->limit == 0)
            enq.set_weighting_scheme(Xapian::BoolWeight());
        if (opts->sort_slot >= 0) {
            enq.set_sort_by_value_then_relevance(static_cast<Xapian::valueno>(opts->sort_slot),
                                                 opts->sort_descending != 0);
        } else if (opts->limit > 0 && opts->check_at_least > opts->offset + opts->limit + 1) {
            /* Ranked and every match checked (for facets and an exact
             * total): sorted by relevance alone, Xapian's matcher takes
             * each match through its heap of best hits (a push and a pop,
             * with copies of the hit) until check_at_least matches are
             * seen. Sorted by relevance, then by a key the same for every
             * document, it compares a match with the worst hit kept first
             * and only counts one that ranks below: the same hits in the
             * same order (ties still by docid), 23 % fewer instructions
             * for a one-word search at 26k records. */
            static SameKey same_key;   /* stateless, never released: shared by every thread */
            enq.set_sort_by_relevance_then_key(&same_key, false);
        }
        std::vector<MultiValueCountSpy *> spies;
        struct SpyGuard {
            std::vector<MultiValueCountSpy *> &v;
            ~SpyGuard()
            {
                for (auto *s : v)
                    delete s;
            }
        } guard{spies};
        for (size_t i = 0; i < opts->nfacets; i++) {
            spies.push_back(new MultiValueCountSpy(slot_cache(db, opts->facets[i].slot),
                                                   opts->facets[i].multi != 0, opts->check_at_least));
            enq.add_matchspy(spies.back());
        }
        xap_results *r = new xap_results;
        r->heads = db->heads;
        r->ranked = run;
        try {
            if (has_forms(q) && opts->limit > 0) {
                r->shown_db = db->db;
                r->shown = shown_form(q);
                r->has_shown = true;
            }
            r->mset = enq.get_mset(opts->offset, opts->limit, opts->check_at_least);
            r->data.resize(r->mset.size());
            r->loaded.resize(r->mset.size(), false);
            r->head.resize(r->mset.size());
            r->head_loaded.resize(r->mset.size(), false);
            /* More matches than were checked (check_at_least): the spies
             * counted the first matches in docid order, which follow the
             * order the records were read, one body after another, so
             * they are no sample. Count the matches past them too, every
             * one while they are few (the counts stay exact), else a
             * fixed pseudo-random share of them (SampleSource), scaled. */
            if (!spies.empty() && opts->check_at_least > 0 &&
                spies[0]->last < db->db.get_lastdocid() &&
                (spies[0]->seen >= opts->check_at_least ||
                 r->mset.get_matches_estimated() > spies[0]->seen))
                count_rest(db, q, opts, spies, r);
            for (auto *s : spies) {
                s->finish();
                std::vector<std::pair<std::string, unsigned>> v(std::move(s->counts));
                std::stable_sort(v.begin(), v.end(), [](const auto &a, const auto &b) {
                    return a.second > b.second;
                });
                r->facets.push_back(std::move(v));
            }
        } catch (...) {
            delete r;
            throw;
        }
        *out = r;
        return SECSTD_OK;
    })
}

void xap_results_free(xap_results *r) { delete r; }

unsigned xap_results_total(const xap_results *r)
{
    return r->total ? r->total : r->mset.get_matches_estimated();
}

int xap_results_total_exact(const xap_results *r)
{
    if (r->total)
        return r->total_exact;
    return r->mset.get_matches_lower_bound() == r->mset.get_matches_upper_bound();
}

unsigned xap_results_count(const xap_results *r) { return r->mset.size(); }

unsigned xap_results_docid(const xap_results *r, unsigned i) { return *r->mset[i]; }

double xap_results_weight(const xap_results *r, unsigned i) { return r->mset[i].get_weight(); }

/* Hit i's whole data or head (read), loaded on first use into cache. */
static const std::string &load_hit(const xap_results *r, unsigned i, std::vector<std::string> &cache,
                                   std::vector<bool> &loaded,
                                   std::string (*read)(const Xapian::Document &))
{
    if (!loaded[i]) {
        try {
            cache[i] = read(r->mset[i].get_document());
        } catch (...) {
            /* The handle changed under us (a replica updated in place):
             * an empty record, which callers skip as unparseable. */
            map_exception();
            cache[i].clear();
        }
        loaded[i] = true;
    }
    return cache[i];
}

const char *xap_results_data(const xap_results *r, unsigned i)
{
    if (i >= r->data.size())
        return "";
    return load_hit(r, i, r->data, r->loaded, whole_data).c_str();
}

size_t xap_results_data_len(const xap_results *r, unsigned i)
{
    xap_results_data(r, i);
    return i < r->data.size() ? r->data[i].size() : 0;
}

const char *xap_results_head(const xap_results *r, unsigned i, size_t *len)
{
    *len = 0;
    if (i >= r->head.size())
        return "";
    if (r->heads && !r->head_loaded[i]) {
        try {
            r->head_loaded[i] = r->heads->get(*r->mset[i], r->head[i]);
        } catch (...) {
            map_exception();   /* out of memory: read from Xapian below */
        }
    }
    const std::string &h = load_hit(r, i, r->head, r->head_loaded, head_data);
    *len = h.size();
    return h.c_str();
}

int xap_results_facets_exact(const xap_results *r) { return r->facets_exact ? 1 : 0; }

size_t xap_results_facet_size(const xap_results *r, size_t k)
{
    return k < r->facets.size() ? r->facets[k].size() : 0;
}

void xap_results_facet_at(const xap_results *r, size_t k, size_t j, const char **value,
                          unsigned *count)
{
    const auto &f = r->facets[k][j];
    *value = f.first.c_str();
    *count = f.second;
}

size_t xap_stem_word(const char *word, char *buf, size_t len)
{
    if (len)
        buf[0] = '\0';
    try {
        std::string stem = english_stem()(word);
        if (len) {
            size_t n = stem.size() < len - 1 ? stem.size() : len - 1;
            std::memcpy(buf, stem.data(), n);
            buf[n] = '\0';
        }
        return stem.size();
    } catch (...) {
        map_exception();
        return 0;
    }
}

secstd_status xap_results_snippet(xap_results *r, const char *text, size_t textlen, size_t maxlen,
                                  char **out)
{
    *out = nullptr;
    XAP_GUARD({
        if (r->has_shown && !r->snippet_ready) {
            Xapian::Enquire enq(r->shown_db);
            enq.set_query(r->shown);
            r->snippet_mset = enq.get_mset(0, 0, Xapian::doccount(0));
            r->snippet_ready = true;
        }
        const Xapian::MSet &m = r->has_shown ? r->snippet_mset : r->mset;
        const Xapian::Query &hq = r->has_shown ? r->shown : r->ranked;
        if (!r->firsts_ready) {
            r->firsts = stem_firsts(hq);
            r->firsts_ready = true;
        }
        /* Without the query (results made elsewhere), every word stemmed. */
        SnippetStems only(hq.empty() ? nullptr : &r->firsts);
        std::string s = m.snippet(std::string(text, textlen), maxlen, english_stem(),
                                        /* No background model: it looks up
                                         * the frequency of every word of the
                                         * text (a B-tree lookup each; most
                                         * of a query's time at 26k). */
                                        Xapian::MSet::SNIPPET_EXHAUSTIVE,
                                        "\x01", "\x02", "...");
        *out = dup_string(unescape_xml(s));
        return SECSTD_OK;
    })
}

secstd_status xap_snippet_source(xap_db *db, const xap_query *q, xap_results **out)
{
    *out = nullptr;
    XAP_GUARD({
        Xapian::Enquire enq(db->db);
        Xapian::Query shown = shown_form(q);
        enq.set_query(shown);
        xap_results *r = new xap_results;
        r->ranked = shown;
        try {
            r->mset = enq.get_mset(0, 0, Xapian::doccount(0));
        } catch (...) {
            delete r;
            throw;
        }
        *out = r;
        return SECSTD_OK;
    })
}

secstd_status xap_expand(xap_db *db, const unsigned *docids, size_t ndocids, unsigned nterms,
                         char ***terms, size_t *nterms_out)
{
    *terms = nullptr;
    *nterms_out = 0;
    XAP_GUARD({
        Xapian::Enquire enq(db->db);
        Xapian::RSet rset;
        for (size_t i = 0; i < ndocids; i++)
            rset.add_document(docids[i]);
        FreeTextDecider decider;
        Xapian::ESet eset = enq.get_eset(nterms, rset, &decider);
        char **list = static_cast<char **>(std::calloc(eset.size() + 1, sizeof(char *)));
        if (!list)
            throw std::bad_alloc();
        size_t n = 0;
        try {
            for (auto it = eset.begin(); it != eset.end(); ++it)
                list[n++] = dup_string(*it);
        } catch (...) {
            xap_strings_free(list, n);
            throw;
        }
        *terms = list;
        *nterms_out = n;
        return SECSTD_OK;
    })
}

void xap_strings_free(char **strings, size_t n)
{
    if (!strings)
        return;
    for (size_t i = 0; i < n; i++)
        std::free(strings[i]);
    std::free(strings);
}

} // extern "C"
