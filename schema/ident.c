/* ident.c — identifier normalisation: one table of body patterns (POSIX
 * extended regular expressions) with output templates, walked by
 * secstd_ident_parse() and secstd_ident_scan().
 *
 * Each pattern says how one body writes its numbers and how to build the
 * canonical parts from the captured groups. Most bodies need nothing but
 * the templates; the few whose rules are not regular (IEEE amendments,
 * 3GPP draft versions, OASIS stage suffixes, W3C dated names) get a small
 * hook that runs after the templates.
 *
 * Canonical form decisions (see also ident.h):
 *  - ITU-T: "ITU-T X.509"; "bis"/"ter" Recommendations and series
 *    supplements ("ITU-T X Suppl. 5") are standards of their own. Edition is
 *    the date as ITU writes it ("10/2019", "1997"); amendments, corrigenda
 *    ("Technical Cor." is a Cor), errata, addenda and annexes go to part
 *    with their own date: "Cor 6 (04/2004)". Dual numbers: alias.
 *  - ISO, IEC, ISO/IEC: the deliverable type (TR, TS, PAS) is not part of
 *    the id, because ISO and IEC never reuse a number across types and a TS
 *    often becomes an IS under the same number; it goes to type. Guides
 *    have their own numbering and keep "Guide". Stages (DIS, CD, FDIS...)
 *    go to edition and set draft; "ISO/IEC/IEEE 8802-1AE" has sdo ISO/IEC,
 *    "ISO/IEEE 11073" sdo ISO, "IEC/IEEE 60802" sdo IEC. Parts: "Amd 1:2024",
 *    "Cor 1:2014", "CD Amd 1" (draft).
 *  - IEEE: "IEEE 802.1AE"; "P" (project) marks a draft, whose number goes to
 *    edition ("D1.4", "D13 (2012-03)"). A trailing run of lower-case letters
 *    marks an amendment ("802.11i", "802.1Qbv", "1363a"): id is the base
 *    ("IEEE 802.11", "IEEE 802.1Q") and part the amendment designation.
 *    An identifier written all in lower case (a typed query) cannot show
 *    this and is not split. ANSI N42/C-series from IEEE get sdo IEEE.
 *  - NIST: "NIST SP 800-53"; "Rev. 5" goes to edition, but hyphenated
 *    revisions ("SP 800-63-3", "FIPS 140-3") stay in the id, as NIST and
 *    everyone else cite them as distinct documents. Parts and volumes
 *    ("SP 800-57 Part 1") are documents of their own.
 *  - 3GPP: "3GPP TS 33.501", edition the version ("19.4.0"); versions below
 *    3.0.0 are drafts. ETSI: "ETSI TS 133 501", edition "V19.6.0
 *    (2026-04)"; secstd_ident_transposed_from() maps transpositions back.
 *  - OASIS and W3C keep the body's own name as published ("OASIS
 *    csaf-v2.0", "W3C webauthn-3"); OASIS stage suffixes (CS01, CSD02, OS)
 *    and W3C dates go to edition.
 *  - CEN/CENELEC: "CEN EN 1325", "CEN TS 16234-1", "CEN ISO/TS 21003-7";
 *    "+A1:2021" goes to part as "A1:2021".
 *  - Renderings of one edition (RLV, CSV, "(E)", Redline) and IEEE's
 *    trailing "(Revision of ...)" notes are dropped.
 */
#include "ident.h"

#include <ctype.h>
#include <pthread.h>
#include <regex.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "schema.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))
#define MAX_GROUPS 32
/* Longest text parse() accepts: identifiers are short; anything longer is
 * prose, not an identifier. */
#define MAX_TEXT 512

enum {
    SCAN = 1,       /* may be found inside free text */
    SCAN_UPPER = 2, /* ...but only when its leading letters are upper case */
};

typedef struct pattern pattern;
/* Runs after the templates; may rewrite out. Returns 0 to reject. */
typedef int (*pattern_hook)(const pattern *p, secstd_ident *out, const char *s,
                            const regmatch_t *m);

/* Templates: text is copied; "{N}" is group N, with modifiers "#" (strip
 * leading zeros), "^" (upper case), "_" (lower case), "~" (part kind: see
 * part_kinds); "{H}" is the hint SDO; "{?N}" / "{!N}" emit nothing but
 * require group N to be present / absent. "[...]" is emitted only when
 * every group it names directly is present (and every "{!N}" absent). */
struct pattern {
    const char *name;
    const char *hints; /* NULL, or '|'-list of SDOs this needs as hint */
    unsigned flags;
    const char *re;
    const char *sdo, *type, *id, *edition, *part, *alias;
    const char *draft; /* non-empty result marks a draft */
    pattern_hook hook;
};

static int hook_iso(const pattern *, secstd_ident *, const char *, const regmatch_t *);
static int hook_3gpp(const pattern *, secstd_ident *, const char *, const regmatch_t *);
static int hook_ieee(const pattern *, secstd_ident *, const char *, const regmatch_t *);
static int hook_oasis(const pattern *, secstd_ident *, const char *, const regmatch_t *);
static int hook_w3c(const pattern *, secstd_ident *, const char *, const regmatch_t *);

/* Shared pieces of the IEEE patterns: number, letters, year, draft,
 * corrigendum, date text (groups 6..24 in every IEEE pattern). */
#define IEEE_TAIL                                                                  \
    "(-([0-9]{4}))?(/D-?([0-9]+[A-Z]?(\\.[0-9]+)*))?(/Cor ?([0-9]+))?"              \
    "((-|, )([0-9]{4}(-[0-9]{2})?|[JFMASOND][a-z]{2,8}\\.? [0-9]{4})|/[JFMASOND][a-z]{2,8})?" \
    "(/Cor ?([0-9]+)(-([0-9]{4}))?)?"
#define NIST_DRAFT "(,? \\(?(Draft|Initial Public Draft|Second Public Draft|Final Public Draft|ipd|2pd|3pd|fpd)\\)?)?"
#define ISO_PREFIX "(ISO/IEC/IEEE|ISO/IEC|ISO/IEEE|IEC/IEEE|ISO/ASTM|ISO/SAE|ISO/CIE|ISO|IEC)"
#define CEN_REST                                                                        \
    "( (ISO/IEC|ISO|IEC)(/(TS|TR))?)? ([0-9]+(-[0-9]+)*)(:([0-9]{4}))?"                  \
    "((\\+| ?/ ?)(A|AC|AMD|Amd)([0-9]+)(:([0-9]{4}))?)?"

static const pattern patterns[] = {
    /* ITU-T document handles and their URLs: T-REC-X.509-201910-I!Amd1 */
    {"itu-t-handle", NULL, SCAN,
     "(https?://www\\.itu\\.int/rec/)?T-REC-([A-Z])\\.(Sup([0-9]+)|([0-9]+(\\.[0-9]+)*))-([0-9]{4})"
     "([0-9]{2})(-[A-Z])?(!(Amd|Cor|Sup|Err|Add)([0-9]+))?/?",
     "ITU-T", "[{?4}Supplement][{?5}Recommendation]", "ITU-T {2^}[ Suppl. {4}][.{5}]",
     "[{!10}{8}/{7}]", "[{11~} {12} ({8}/{7})]", "", "", NULL},
    /* ITU-T X.509, Rec. ITU-T X.509 (10/2019), X.1500 (2011) Amd. 1,
     * X Suppl. 5, X.371/Y.1402, X.509 (1997) Technical Cor. 6 (04/2004) */
    {"itu-t", NULL, SCAN,
     "((ITU-T|ITU|CCITT) )?((Rec\\.|Recommendation) )?((ITU-T|CCITT) )?([A-Z])(\\.([0-9]+(\\.[0-9]+)*)"
     "( ?(bis|ter))?| ?(Suppl?\\.|Sup|Supplement) ?([0-9]+))(/([A-Z]\\.[0-9]+(\\.[0-9]+)*))?"
     "( \\((([0-9]{2})/)?([0-9]{4})\\))?( (Amd|Amendment|Technical Cor|Cor|Corrigendum|Err|Erratum|"
     "Add|Addendum|Annex)\\.? ?([0-9A-Z]+)(/(Technical Cor|Cor|Amd)\\.? ?([0-9]+))?"
     "( \\((([0-9]{2}/)?[0-9]{4})\\))?)?",
     "ITU-T", "[{?9}Recommendation][{?14}Supplement]", "ITU-T {7^}[.{9}][ {12_}][ Suppl. {14}]",
     "[[{20}/]{21}]", "[{23~} {24}[/{26~} {27}][ ({29})]]", "[ITU-T {16^}]", "", NULL},
    /* X509, x1254: the X-series as often typed, without the dot */
    {"itu-t-x-nodot", NULL, SCAN, "((ITU-T|ITU) ?)?X([0-9]{3,4})", "ITU-T", "Recommendation",
     "ITU-T X.{3}", "", "", "", "", NULL},

    /* IETF: RFC 8446, RFC8446, rfc 8446, RFC0001, BCP 195, BCP0195, STD 7, FYI 1 */
    {"ietf", NULL, SCAN, "(IETF )?(RFC|BCP|STD|FYI|IEN)[ -]?([0-9]+)", "IETF", "{2^}", "{2^} {3#}", "",
     "", "", "", NULL},
    {"ietf-bare", "IETF", 0, "()()([0-9]+)", "IETF", "RFC", "RFC {3#}", "", "", "", "", NULL},
    {"ietf-doi", NULL, SCAN, "(doi:|https?://(dx\\.)?doi\\.org/)?10\\.17487/(RFC|BCP|STD|FYI)([0-9]+)",
     "IETF", "{3^}", "{3^} {4#}", "", "", "", "", NULL},
    {"ietf-url", NULL, SCAN,
     "https?://(www\\.)?(rfc-editor\\.org/(rfc|info)/|datatracker\\.ietf\\.org/doc/(html/)?|"
     "tools\\.ietf\\.org/html/|ietf\\.org/rfc/)(rfc|bcp|std|fyi)([0-9]+)(\\.(txt|html|pdf|xml))?/?",
     "IETF", "{5^}", "{5^} {6#}", "", "", "", "", NULL},
    {"ietf-draft", NULL, SCAN, "(draft-[a-z0-9]+(-[a-z0-9]+)*)-([0-9]{2})(\\.txt)?", "IETF",
     "Internet-Draft", "{1_}", "{3}", "", "", "1", NULL},
    {"ietf-draft-name", NULL, SCAN, "(draft-[a-z0-9]+(-[a-z0-9]+)*)", "IETF", "Internet-Draft", "{1_}",
     "", "", "", "1", NULL},

    /* ISO, IEC, ISO/IEC: ISO/IEC 27001:2013/Amd 1:2024, ISO/IEC DIS 27799,
     * ISO/TR 27019, IEC TS 62443-1-1, ISO/IEC/IEEE 8802-1AE:2020,
     * IEC 62443-2-4:2015+AMD1:2017, ISO/IEC 14888-2:2008/AWI Amd 1 */
    {"iso-iec", NULL, SCAN,
     ISO_PREFIX "(( |/)(AWI|NP|PWI|WD|CD|DIS|FDIS|PRF|DTS|DTR|DPAS|PDTS|PDTR))?(( |/)(TR|TS|PAS|IS|ISP|TTA))?"
     "( (Guide))? ([0-9]+(-[0-9A-Z]+)*)(\\.([0-9]+))?(:([0-9]{4}))?(( ?/ ?|\\+)((AWI|NP|WD|CD|DIS|FDIS|PRF) )?"
     "(Amd|AMD|Cor|COR|DAM|DAmd|FDAM|PDAM|DCOR|FDCOR|Suppl|Add|ISH)\\.? ?([0-9]+(\\.[0-9]+)?)(:([0-9]{4}))?)?"
     "(\\+(AMD|Amd) ?([0-9]+)(:([0-9]{4}))?)?",
     "{1^}", "[{7^}][{?9}Guide][{!7}{!9}IS]", "{1^}[ {9}] {10^}", "[{15}][ {4^}[.{13}]]",
     "[[{19^} ]{20~} {21}[:{24}]][+{26~} {27}[:{29}]]", "", "[{4}][{19}]", hook_iso},
    /* the IEEE listing's spelling of joint documents: ISO/IEC/IEEE 8802.1AE/Amd3-2013 */
    {"iso-iec-ieee-style", NULL, 0,
     "(ISO/IEC/IEEE|ISO/IEEE|IEC/IEEE) ([0-9]+)\\.([0-9]+[A-Z0-9]*)(/(Amd|Cor) ?([0-9]+))?(-([0-9]{4}))?", "{1^}",
     "IS", "{1^} {2}-{3^}", "[{!4}{8}]", "[{5~} {6}[:{8}]]", "", "", NULL},
    /* 27001 / 27001:2022 from an ISO or IEC listing */
    {"iso-iec-bare", "ISO|ISO/IEC|IEC", 0, "([0-9]+(-[0-9A-Z]+)*)(:([0-9]{4}))?", "{H}", "IS", "{H} {1^}",
     "[{4}]", "", "", "", NULL},

    /* 3GPP TS 33.501:REL-19/19.4.0, TR 33.20U:UMTS/3.0.0, 3GPP TS 33.501 version 19.4.0 Release 19 */
    {"3gpp", NULL, SCAN,
     "(3GPP )?(TS|TR) ([0-9]{2}\\.[0-9]{2}[0-9A-Z](-[0-9]+)?)(:(REL-[0-9]+|R[0-9]+|UMTS)/"
     "([0-9]+\\.[0-9]+\\.[0-9]+)|,? (version |V)([0-9]+\\.[0-9]+\\.[0-9]+)( Release ([0-9]+))?)?",
     "3GPP", "{2^}", "3GPP {2^} {3^}", "[{7}][{9}]", "", "", "", hook_3gpp},
    {"3gpp-bare", "3GPP", 0, "()([0-9]{2}\\.[0-9]{2}[0-9A-Z](-[0-9]+)?)", "3GPP", "", "", "", "", "", "",
     hook_3gpp},

    /* ETSI TS 133 501 V19.6.0 (2026-04), ETSI EN 303 645, ETSI GR NFV-SEC 003,
     * ETSI ETR 235 ed.1 (1995-11) */
    {"etsi", NULL, SCAN,
     "(ETSI )?(TS|TR|EN|ES|EG|SR|GS|GR|GTS|ETS|I-ETS|ETR|TCRTR|TBR|NET) ((([A-Z][A-Z0-9]*(-[A-Z0-9]+)*|"
     "[0-9]{3}) )?[0-9]{3}(-[0-9]+)*|(GSM )?[0-9]{2}\\.[0-9]{2,3}(-[A-Z0-9]+)?)(/A([0-9]+))?"
     "( V([0-9]+\\.[0-9]+\\.[0-9]+)| ed\\.? ?([0-9]+))?( \\(([0-9]{4}-[0-9]{2})\\))?",
     "ETSI", "{2^}", "ETSI {2^} {3^}", "[V{13}][ed.{14}][ ({16})]", "[A{11}]", "", "", NULL},

    /* EN 303645, TS 133501: ETSI's six-digit numbers typed without their
     * space (CEN's EN numbers have at most five digits) */
    {"etsi-nospace", NULL, SCAN, "(ETSI )?(TS|TR|EN|ES|EG|SR|GS|GR) ?([0-9]{3})([0-9]{3})((-[0-9]+)*)",
     "ETSI", "{2^}", "ETSI {2^} {3} {4}{5}", "", "", "", "", NULL},

    /* oneM2M TS-0003, oneM2M TS-0003-V4.1.0; bare TS-0003 is oneM2M's shape too */
    {"onem2m", NULL, SCAN, "(oneM2M )?(TS|TR)-([0-9]{4})(-V?([0-9]+(\\.[0-9]+)*)| V([0-9]+(\\.[0-9]+)*))?",
     "oneM2M", "{2^}", "oneM2M {2^}-{3}", "[{5}][{7}]", "", "", "", NULL},

    /* IEEE Std 802.1AE-2018, IEEE P802.1X/D-1.4, IEEE P1609.2/D-13-2012-03,
     * ANSI/IEEE Std 1003.1-1988, IEEE Std 802.1AE-2006/Cor 1-2008 */
    {"ieee", NULL, SCAN,
     "(ANSI/IEEE|IEEE/ANSI|IEEE|ANSI|AIEE)( Unapproved| Approved)?( Draft)?( Std\\.?| Standard)?( No\\.?)? ?(P)?"
     "([A-Z]{0,2}[0-9]+(\\.[0-9]+|-[0-9]{1,3}|-[0-9]{5,})*)([A-Z]*)" IEEE_TAIL,
     "IEEE", "Std", "", "", "", "", "", hook_ieee},
    /* bare 802.1AE, P802.11u/D-9.0: the 80x family is IEEE's alone */
    {"ieee-802", NULL, SCAN, "()()()()()(P)?(80[0-9](\\.[0-9]+)+)([A-Z]*)" IEEE_TAIL, "IEEE", "Std", "", "",
     "", "", "", hook_ieee},
    {"ieee-bare", "IEEE", 0, "()()()()()(P)?([A-Z]{0,2}[0-9]+(\\.[0-9]+|-[0-9]{1,3}|-[0-9]{5,})*)([A-Z]*)" IEEE_TAIL, "IEEE",
     "Std", "", "", "", "", "", hook_ieee},

    /* NIST SP 800-53 Rev. 5, SP 800-207, SP 800-57 Part 1 Rev. 5, NIST.SP.800-53r5 */
    {"nist-sp", NULL, SCAN,
     "((NIST|NBS) )?(SP|Special Publication|NIST\\.SP\\.) ?([0-9]+-[0-9]+[A-Z]?(-[0-9]+)?)"
     "(,? (Part|Pt\\.?) ?([0-9]+))?(,? (Vol\\.?|Volume) ?([0-9]+))?(,? (Rev\\.?|Revision) ?([0-9]+|"
     "\\(r\\)|[A-Z])|r([0-9]+)|,? (Version|Ver\\.?) ?([0-9.]*[0-9])| E([0-9]+))?" NIST_DRAFT,
     "NIST", "SP", "NIST SP {4^}[ Part {8}][ Vol. {11}]", "[Rev. {14}][Rev. {15}][Version {17}][E{18}]",
     "", "", "[{20}]", NULL},
    /* FIPS 140-3, FIPS PUB 197, NIST FIPS 186-5 (Draft) */
    {"nist-fips", NULL, SCAN,
     "((NIST )?FIPS( PUB| Pub\\.?| Publication)?|NIST\\.FIPS\\.) ?([0-9]+(-[0-9]+)?)" NIST_DRAFT, "NIST",
     "FIPS", "NIST FIPS {4}", "", "", "", "[{7}]", NULL},
    /* NIST IR 8259, NISTIR 8259A, NIST.IR.8259 */
    {"nist-ir", NULL, SCAN,
     "((NIST )?IR|NISTIR|NIST Interagency Report|NIST\\.IR\\.) ?([0-9]+[A-Z]?(-[0-9]+)?)(,? (Rev\\.?|r) ?"
     "([0-9]+)|r([0-9]+))?" NIST_DRAFT,
     "NIST", "IR", "NIST IR {3^}", "[Rev. {7}][Rev. {8}]", "", "", "[{10}]", NULL},
    /* CSWP 29, NIST CSWP 36A */
    {"nist-cswp", NULL, SCAN, "(NIST )?(CSWP|NIST\\.CSWP\\.) ?([0-9]+[A-Z]?)" NIST_DRAFT, "NIST", "CSWP",
     "NIST CSWP {3^}", "", "", "", "[{5}]", NULL},

    /* OASIS csaf-v2.0-CS01, OASIS DITA-v1.3-Errata02 */
    {"oasis", NULL, SCAN, "OASIS ([A-Z0-9][A-Z0-9._+-]*[A-Z0-9])", "OASIS", "Standard", "", "", "", "",
     "", hook_oasis},
    {"oasis-bare", "OASIS", 0, "([A-Z0-9][A-Z0-9._+-]*[A-Z0-9])", "OASIS", "Standard", "", "", "", "",
     "", hook_oasis},

    /* W3C webauthn-3, W3C xmldsig-requirements-990720.html, TR URLs */
    {"w3c", NULL, SCAN, "W3C ()()([A-Z][A-Z0-9._-]*[A-Z0-9])", "W3C", "", "", "", "", "", "", hook_w3c},
    {"w3c-url", NULL, SCAN, "https?://(www\\.)?w3\\.org/TR/([0-9]{4}/)?([A-Z0-9._-]*[A-Z0-9])/?", "W3C",
     "", "", "", "", "", "", hook_w3c},
    {"w3c-bare", "W3C", 0, "()()([A-Z][A-Z0-9._-]*[A-Z0-9])", "W3C", "", "", "", "", "", "", hook_w3c},

    /* CEN and CENELEC: EN 1325:2014, CEN/TS 16234-1, CEN ISO/TS 21003-7:2019, EN 285:2015+A1:2021 */
    {"cen", NULL, SCAN, "(CEN|CENELEC|CLC|CEN/CENELEC)(( |/)(EN|ENV|HD|CR|CWA|TS|TR|ES|PD))?" CEN_REST,
     "CEN", "[{4^}][{!4}[{8^}]]", "CEN[ {4^}][ {6^}[/{8^}]] {9}", "[{12}]", "[{15^}{16}[:{18}]]", "", "",
     NULL},
    {"cen-bare", NULL, SCAN | SCAN_UPPER, "()()()(EN|ENV|HD|CWA|CR)" CEN_REST, "CEN", "{4^}",
     "CEN {4^}[ {6^}[/{8^}]] {9}", "[{12}]", "[{15^}{16}[:{18}]]", "", "", NULL},
};

/* ---- compiled table --------------------------------------------------- */

/* Each pattern is compiled twice: anchored at both ends for parse(), at the
 * start only for scan(). glibc's regexec() locks the regex_t it runs for
 * the whole match, so threads running the table's patterns in the same
 * order on one compiled copy queue behind each other (two indexer threads
 * reading 260k records' identifiers took longer than one). Each thread
 * therefore borrows a copy of its own: RE_SETS copies, each with a lock,
 * compiled on first use (≈ 3 ms); a caller takes the first free one and
 * waits only when all are taken. */
#define RE_SETS 8

typedef struct re_set {
    pthread_mutex_t lock;
    int state;                 /* 0 not compiled yet, 1 ready, -1 failed */
    regex_t parse[COUNT(patterns)];
    regex_t scan[COUNT(patterns)];
} re_set;

static re_set re_sets[RE_SETS] = {
#define RE_SET_INIT {PTHREAD_MUTEX_INITIALIZER, 0, {{0}}, {{0}}}
    RE_SET_INIT, RE_SET_INIT, RE_SET_INIT, RE_SET_INIT,
    RE_SET_INIT, RE_SET_INIT, RE_SET_INIT, RE_SET_INIT,
#undef RE_SET_INIT
};

/* Compiles set (its lock held); state 1 or -1. */
static void compile_set(re_set *set)
{
    char buf[2048];
    for (size_t i = 0; i < COUNT(patterns); i++) {
        snprintf(buf, sizeof buf, "^(%s)$", patterns[i].re);
        int ok = regcomp(&set->parse[i], buf, REG_EXTENDED | REG_ICASE) == 0;
        if (ok) {
            snprintf(buf, sizeof buf, "^(%s)", patterns[i].re);
            ok = regcomp(&set->scan[i], buf, REG_EXTENDED | REG_ICASE) == 0;
            if (!ok)
                regfree(&set->parse[i]);
        }
        if (!ok) {
            while (i-- > 0) {
                regfree(&set->parse[i]);
                regfree(&set->scan[i]);
            }
            set->state = -1;
            return;
        }
    }
    set->state = 1;
}

/* A compiled set for this caller's sole use until re_set_release(), or
 * NULL when the patterns do not compile. */
static re_set *re_set_acquire(void)
{
    re_set *set = NULL;
    for (size_t i = 0; i < RE_SETS && !set; i++)
        if (pthread_mutex_trylock(&re_sets[i].lock) == 0)
            set = &re_sets[i];
    if (!set) {
        /* All taken: wait for one, the sets in turn. */
        static atomic_uint next;
        set = &re_sets[atomic_fetch_add(&next, 1) % RE_SETS];
        pthread_mutex_lock(&set->lock);
    }
    if (set->state == 0)
        compile_set(set);
    if (set->state != 1) {
        pthread_mutex_unlock(&set->lock);
        return NULL;
    }
    return set;
}

static void re_set_release(re_set *set)
{
    pthread_mutex_unlock(&set->lock);
}

/* ---- part kinds --------------------------------------------------------- */

/* How each body spells a kind of amendment, and the one spelling we keep.
 * Draft kinds (DAM, DCOR ...) mark the identifier as a draft. */
static const struct part_kind {
    const char *spelling;
    const char *canonical;
    int draft;
} part_kinds[] = {
    {"Amd", "Amd", 0},       {"Amendment", "Amd", 0},   {"Cor", "Cor", 0},
    {"Technical Cor", "Cor", 0}, {"Corrigendum", "Cor", 0}, {"Err", "Err", 0},
    {"Erratum", "Err", 0},   {"Add", "Add", 0},         {"Addendum", "Add", 0},
    {"Annex", "Annex", 0},   {"Sup", "Suppl.", 0},      {"Suppl", "Suppl.", 0},
    {"DAM", "DAM", 1},       {"DAmd", "DAmd", 1},       {"FDAM", "FDAM", 1},
    {"PDAM", "PDAM", 1},     {"ISH", "ISH", 0},     {"DCOR", "DCOR", 1},       {"FDCOR", "FDCOR", 1},
};

static const struct part_kind *part_kind_lookup(const char *s, size_t n)
{
    for (size_t i = 0; i < COUNT(part_kinds); i++)
        if (strlen(part_kinds[i].spelling) == n && strncasecmp(part_kinds[i].spelling, s, n) == 0)
            return &part_kinds[i];
    return NULL;
}

/* ---- templates ---------------------------------------------------------- */

typedef struct expand_ctx {
    const char *s;
    const regmatch_t *m;
    const char *hint;
    int draft; /* set by a draft part kind */
} expand_ctx;

typedef struct outbuf {
    char *p;
    size_t len, cap;
    int overflow;
} outbuf;

static void out_putc(outbuf *o, char c)
{
    if (o->len + 1 >= o->cap) {
        o->overflow = 1;
        return;
    }
    o->p[o->len++] = c;
    o->p[o->len] = '\0';
}

static int group_present(const expand_ctx *x, int g)
{
    /* the pattern is wrapped in one more group: pattern group N is N+1 */
    if (g < 0 || g + 1 >= MAX_GROUPS)
        return 0;
    const regmatch_t *r = &x->m[g + 1];
    return r->rm_so >= 0 && r->rm_eo > r->rm_so;
}

/* Expands t up to its end or the ']' closing the current section; returns
 * the position after it. *ok becomes 0 when a referenced group is absent. */
static const char *expand(const char *t, expand_ctx *x, outbuf *o, int *ok)
{
    while (*t && *t != ']') {
        if (*t == '[') {
            char tmp[SECSTD_IDENT_MAX * 2];
            outbuf sub = {tmp, 0, sizeof tmp, 0};
            tmp[0] = '\0';
            int sub_ok = 1;
            int saved_draft = x->draft;
            t = expand(t + 1, x, &sub, &sub_ok);
            if (*t == ']')
                t++;
            if (sub_ok) {
                for (size_t i = 0; i < sub.len; i++)
                    out_putc(o, tmp[i]);
                o->overflow |= sub.overflow;
            } else {
                x->draft = saved_draft;
            }
            continue;
        }
        if (*t != '{') {
            out_putc(o, *t++);
            continue;
        }
        t++;
        char test = 0;
        if (*t == '?' || *t == '!')
            test = *t++;
        if (*t == 'H') {
            t++;
            for (const char *h = x->hint ? x->hint : ""; *h; h++)
                out_putc(o, *h);
            if (!x->hint || !*x->hint)
                *ok = 0;
            while (*t && *t != '}')
                t++;
            if (*t == '}')
                t++;
            continue;
        }
        int g = 0;
        while (isdigit((unsigned char)*t))
            g = g * 10 + (*t++ - '0');
        char mod = 0;
        if (*t && *t != '}')
            mod = *t++;
        if (*t == '}')
            t++;
        int present = group_present(x, g);
        if (test == '?' || test == '!') {
            if ((test == '?') != present)
                *ok = 0;
            continue;
        }
        if (!present) {
            *ok = 0;
            continue;
        }
        const char *v = x->s + x->m[g + 1].rm_so;
        size_t n = (size_t)(x->m[g + 1].rm_eo - x->m[g + 1].rm_so);
        if (mod == '#') {
            while (n > 1 && *v == '0') {
                v++;
                n--;
            }
        } else if (mod == '~') {
            const struct part_kind *k = part_kind_lookup(v, n);
            if (k) {
                x->draft |= k->draft;
                v = k->canonical;
                n = strlen(v);
                mod = 0;
            }
        }
        for (size_t i = 0; i < n; i++) {
            char c = v[i];
            if (mod == '^')
                c = (char)toupper((unsigned char)c);
            else if (mod == '_')
                c = (char)tolower((unsigned char)c);
            out_putc(o, c);
        }
    }
    return t;
}

/* Trims and collapses runs of spaces in place. */
static void squeeze(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        if (*r == ' ' && (w == s || w[-1] == ' '))
            continue;
        *w++ = *r;
    }
    while (w > s && w[-1] == ' ')
        w--;
    *w = '\0';
}

static int fill(const char *tmpl, expand_ctx *x, char *dst, size_t cap)
{
    outbuf o = {dst, 0, cap, 0};
    dst[0] = '\0';
    int ok = 1;
    if (tmpl)
        expand(tmpl, x, &o, &ok);
    squeeze(dst);
    return !o.overflow;
}

/* ---- input normalisation ------------------------------------------------ */

/* Notes that follow an identifier but are not part of it. */
static const char *const trailing_notes[] = {
    " (Revision of", " (Revison of", " (Revision to", " (Revision o", " (Revision and",
    " (Amendment to", " (Amendment of", " (Corrigendum to", " (Corrigenda to", " (Supplement",
    " (ANSI", " (Reaff", " (Adoption of", " (Adopted by", " (Incorporat", " (Conformance to",
    " (Upgraded to", " (Published for", " (Previously", " (Issued for", " (First edition",
    " - Redline",
};
/* Markers of a rendering of an edition, not a different document. */
static const char *const variant_suffixes[] = {"(E)", " RLV", " CSV", " SER", " EXV", " CMV", " Redline", " PRV"};

static int ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strncasecmp(s + n - k, suffix, k) == 0;
}

/* Copies text into buf with whitespace collapsed, trademark signs removed,
 * trailing notes and variant markers cut. Returns 0 if it does not fit. */
static int normalise(const char *text, char *buf, size_t cap)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        if (p[0] == 0xE2 && p[1] == 0x84 && p[2] == 0xA2) { /* ™ */
            p += 2;
            continue;
        }
        if (p[0] == 0xC2 && p[1] == 0xAE) { /* ® */
            p += 1;
            continue;
        }
        char c = (char)*p;
        if (p[0] == 0xC2 && p[1] == 0xA0) { /* no-break space */
            p += 1;
            c = ' ';
        }
        if (c == '\t' || c == '\n' || c == '\r')
            c = ' ';
        if (n + 1 >= cap)
            return 0;
        buf[n++] = c;
    }
    buf[n] = '\0';
    squeeze(buf);
    for (size_t i = 0; i < COUNT(trailing_notes); i++) {
        char *hit = strstr(buf, trailing_notes[i]);
        if (hit)
            *hit = '\0';
    }
    for (int again = 1; again;) {
        again = 0;
        n = strlen(buf);
        for (size_t i = 0; i < COUNT(variant_suffixes); i++)
            if (ends_with_ci(buf, n, variant_suffixes[i])) {
                buf[n - strlen(variant_suffixes[i])] = '\0';
                squeeze(buf);
                again = 1;
                break;
            }
    }
    return 1;
}

/* ---- matching ----------------------------------------------------------- */

static int hint_allows(const pattern *p, const char *hint)
{
    if (!p->hints)
        return 1;
    if (!hint)
        return 0;
    size_t hl = strlen(hint);
    for (const char *h = p->hints; *h;) {
        const char *bar = strchr(h, '|');
        size_t n = bar ? (size_t)(bar - h) : strlen(h);
        if (n == hl && strncmp(h, hint, n) == 0)
            return 1;
        if (!bar)
            break;
        h = bar + 1;
    }
    return 0;
}

/* Canonical SDO for a template result: the name itself or an alias, else
 * the part before the first '/' ("ISO/IEEE" -> ISO, "IEC/IEEE" -> IEC). */
static const char *resolve_sdo(const char *name)
{
    const secstd_sdo *s = secstd_sdo_lookup(name);
    if (s)
        return s->name;
    const char *slash = strchr(name, '/');
    if (!slash)
        return NULL;
    char head[16];
    size_t n = (size_t)(slash - name);
    if (n >= sizeof head)
        return NULL;
    memcpy(head, name, n);
    head[n] = '\0';
    s = secstd_sdo_lookup(head);
    return s ? s->name : NULL;
}

static int build(const pattern *p, const char *s, const regmatch_t *m, const char *hint,
                 secstd_ident *out)
{
    memset(out, 0, sizeof *out);
    expand_ctx x = {s, m, hint, 0};
    char sdo[64], draft[32];
    int ok = fill(p->sdo, &x, sdo, sizeof sdo) && fill(p->type, &x, out->type, sizeof out->type) &&
             fill(p->id, &x, out->id, sizeof out->id) &&
             fill(p->edition, &x, out->edition, sizeof out->edition) &&
             fill(p->part, &x, out->part, sizeof out->part) &&
             fill(p->alias, &x, out->alias, sizeof out->alias) && fill(p->draft, &x, draft, sizeof draft);
    if (!ok)
        return 0;
    out->draft = x.draft || draft[0] != '\0';
    const char *canon = resolve_sdo(sdo);
    if (!canon || strlen(canon) >= sizeof out->sdo)
        return 0;
    memcpy(out->sdo, canon, strlen(canon) + 1);
    if (p->hook && !p->hook(p, out, s, m))
        return 0;
    return out->id[0] != '\0';
}

/* secstd_ident_parse with the compiled set the caller holds. */
static secstd_status parse_with(const re_set *set, const char *text, const char *sdo_hint,
                                secstd_ident *out)
{
    char buf[MAX_TEXT];
    if (!normalise(text, buf, sizeof buf) || !buf[0])
        return SECSTD_ERR_INVALID;
    const char *hint = NULL;
    if (sdo_hint && *sdo_hint) {
        const secstd_sdo *h = secstd_sdo_lookup(sdo_hint);
        hint = h ? h->name : NULL;
    }
    regmatch_t m[MAX_GROUPS];
    for (size_t i = 0; i < COUNT(patterns); i++) {
        if (!hint_allows(&patterns[i], hint))
            continue;
        if (regexec(&set->parse[i], buf, MAX_GROUPS, m, 0) != 0)
            continue;
        if (build(&patterns[i], buf, m, hint, out))
            return SECSTD_OK;
    }
    memset(out, 0, sizeof *out);
    return SECSTD_ERR_INVALID;
}

secstd_status secstd_ident_parse(const char *text, const char *sdo_hint, secstd_ident *out)
{
    if (out)
        memset(out, 0, sizeof *out);
    if (!text || !out)
        return SECSTD_ERR_INVALID;
    re_set *set = re_set_acquire();
    if (!set)
        return SECSTD_ERR_INVALID;
    secstd_status st = parse_with(set, text, sdo_hint, out);
    re_set_release(set);
    return st;
}

/* ---- hooks -------------------------------------------------------------- */

/* snprintf into a field of the result; 0 when it does not fit, so that an
 * identifier is rejected rather than cut. */
static int setf(char *dst, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int setf(char *dst, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(dst, cap, fmt, ap);
    va_end(ap);
    return n >= 0 && (size_t)n < cap;
}

static size_t group_copy(const char *s, const regmatch_t *m, int g, char *dst, size_t cap)
{
    dst[0] = '\0';
    const regmatch_t *r = &m[g + 1];
    if (r->rm_so < 0 || r->rm_eo <= r->rm_so)
        return 0;
    size_t n = (size_t)(r->rm_eo - r->rm_so);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, s + r->rm_so, n);
    dst[n] = '\0';
    return n;
}

/* ISO: a draft TS, TR or PAS says its type only in its stage (DTS 27103). */
static int hook_iso(const pattern *p, secstd_ident *out, const char *s, const regmatch_t *m)
{
    (void)p;
    char stage[8] = "";
    group_copy(s, m, 4, stage, sizeof stage);
    size_t n = strlen(stage);
    if (strcmp(out->type, "IS") == 0 && n >= 3 && (stage[n - 2] == 'T' || stage[n - 2] == 't'))
        setf(out->type, sizeof out->type, "%c%c", (char)toupper((unsigned char)stage[n - 2]),
             (char)toupper((unsigned char)stage[n - 1]));
    else if (strcmp(out->type, "IS") == 0 && strcasecmp(stage, "DPAS") == 0)
        setf(out->type, sizeof out->type, "PAS");
    return 1;
}

/* 3GPP: versions 0.x.y to 2.x.y are drafts (1.0.0 for information, 2.0.0
 * for approval). Bare numbers from a 3GPP listing: xx.7xx, xx.8xx and
 * xx.9xx are technical reports, the rest specifications. */
static int hook_3gpp(const pattern *p, secstd_ident *out, const char *s, const regmatch_t *m)
{
    if (out->edition[0] && isdigit((unsigned char)out->edition[0]))
        out->draft = out->edition[0] < '3' && out->edition[1] == '.';
    if (strcmp(p->name, "3gpp-bare") == 0) {
        char num[32] = "";
        if (group_copy(s, m, 2, num, sizeof num) < 5)
            return 0;
        const char *type = (num[3] >= '7' && num[3] <= '9') ? "TR" : "TS";
        for (char *c = num; *c; c++)
            *c = (char)toupper((unsigned char)*c);
        snprintf(out->type, sizeof out->type, "%s", type);
        snprintf(out->id, sizeof out->id, "3GPP %s %s", type, num);
    }
    return 1;
}

/* IEEE: base designation, amendment split, draft and corrigendum, from the
 * groups shared by all IEEE patterns (see IEEE_TAIL). */
static int hook_ieee(const pattern *p, secstd_ident *out, const char *s, const regmatch_t *m)
{
    (void)p;
    char num[48], letters[16], year[8], dno[24], cor1[8], datetext[32], cor2[8], coryear[8];
    group_copy(s, m, 7, num, sizeof num);
    group_copy(s, m, 9, letters, sizeof letters);
    group_copy(s, m, 11, year, sizeof year);
    int is_draft = group_copy(s, m, 13, dno, sizeof dno) > 0;
    group_copy(s, m, 16, cor1, sizeof cor1);
    group_copy(s, m, 19, datetext, sizeof datetext);
    group_copy(s, m, 22, cor2, sizeof cor2);
    group_copy(s, m, 24, coryear, sizeof coryear);
    int project = m[6 + 1].rm_so >= 0 && m[6 + 1].rm_eo > m[6 + 1].rm_so;
    int unapproved = (m[2 + 1].rm_eo > m[2 + 1].rm_so) || (m[3 + 1].rm_eo > m[3 + 1].rm_so);

    /* Lower-case trailing letters mark an amendment, unless the whole
     * identifier is lower case and shows nothing. */
    int any_upper = 0;
    for (const char *c = s + m[0].rm_so; c < s + m[0].rm_eo; c++)
        any_upper |= isupper((unsigned char)*c) != 0;
    size_t nl = strlen(letters), upper_run = 0;
    while (upper_run < nl && isupper((unsigned char)letters[upper_run]))
        upper_run++;
    int amendment = any_upper && upper_run < nl;
    for (char *c = num; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    /* A project for a revision may carry its year: "P2410.2021/D-10" is a
     * draft of IEEE 2410, not a standard 2410.2021. */
    char *dot = strrchr(num, '.');
    if (project && dot && dot != num && strlen(dot + 1) == 4 && isdigit((unsigned char)dot[1]) &&
        isdigit((unsigned char)dot[2]) && isdigit((unsigned char)dot[3]) && isdigit((unsigned char)dot[4])) {
        long y = strtol(dot + 1, NULL, 10);
        if (y >= 1980 && y <= 2099)
            *dot = '\0';
    }
    char base_letters[16];
    size_t keep = amendment ? upper_run : nl;
    for (size_t i = 0; i < keep; i++)
        base_letters[i] = (char)toupper((unsigned char)letters[i]);
    base_letters[keep] = '\0';
    if (!setf(out->id, sizeof out->id, "IEEE %s%s", num, base_letters))
        return 0;

    out->part[0] = '\0';
    if (amendment)
        snprintf(out->part, sizeof out->part, "%s%s", num, letters);
    const char *cor = cor1[0] ? cor1 : cor2;
    if (cor1[0] && !is_draft && !coryear[0] && datetext[0]) {
        /* "802.1AE/Cor1-2020": the date is the corrigendum's */
        snprintf(coryear, sizeof coryear, "%.4s", datetext);
        datetext[0] = '\0';
    }
    if (cor[0]) {
        size_t pl = strlen(out->part);
        snprintf(out->part + pl, sizeof out->part - pl, "%sCor %s%s%s", pl ? "/" : "", cor,
                 coryear[0] ? "-" : "", coryear);
    }
    if (is_draft) {
        snprintf(out->edition, sizeof out->edition, "D%s%s%s%s", dno, datetext[0] ? " (" : "",
                 datetext, datetext[0] ? ")" : "");
    } else {
        if (datetext[0] && !year[0])
            return 0; /* a date tail without a draft: not a form we know */
        snprintf(out->edition, sizeof out->edition, "%s", year);
    }
    out->draft = is_draft || project || unapproved;
    snprintf(out->type, sizeof out->type, "%s", "Std");
    return 1;
}

/* OASIS stage suffixes (committee specification, drafts, OASIS standard)
 * and errata go to edition and part; the rest is the name as published. */
static const struct {
    const char *prefix;
    int draft;
} oasis_stages[] = {
    {"CSPRD", 1}, {"CSD", 1}, {"CS", 0}, {"PSD", 1}, {"PRD", 1}, {"PS", 0}, {"COS", 0}, {"OS", 0},
    {"CND", 1},   {"CN", 0},  {"WD", 1},
};

static int oasis_stage(const char *seg, size_t n, int *draft)
{
    for (size_t i = 0; i < COUNT(oasis_stages); i++) {
        size_t k = strlen(oasis_stages[i].prefix);
        if (n < k || strncasecmp(seg, oasis_stages[i].prefix, k) != 0)
            continue;
        size_t j = k;
        while (j < n && isdigit((unsigned char)seg[j]))
            j++;
        if (j == n) {
            *draft = oasis_stages[i].draft;
            return 1;
        }
    }
    return 0;
}

static int hook_oasis(const pattern *p, secstd_ident *out, const char *s, const regmatch_t *m)
{
    (void)p;
    char name[SECSTD_IDENT_MAX];
    group_copy(s, m, 1, name, sizeof name);
    char id[SECSTD_IDENT_MAX] = "";
    size_t idl = 0;
    out->edition[0] = out->part[0] = '\0';
    /* walk '-'-separated segments, moving stage and errata segments out */
    for (const char *seg = name; *seg;) {
        const char *dash = strchr(seg, '-');
        size_t n = dash ? (size_t)(dash - seg) : strlen(seg);
        int draft = 0;
        if (oasis_stage(seg, n, &draft) && seg != name) {
            snprintf(out->edition, sizeof out->edition, "%.*s", (int)n, seg);
            out->draft = draft;
        } else if (n > 6 && strncasecmp(seg, "Errata", 6) == 0 && seg != name) {
            snprintf(out->part, sizeof out->part, "Errata %.*s", (int)(n - 6), seg + 6);
        } else if (n == 4 && strncasecmp(seg, "plus", 4) == 0 && seg != name) {
            /* "-plus-Errata01": the consolidated text, same document */
        } else {
            if (idl + n + 2 >= sizeof id)
                return 0;
            if (idl)
                id[idl++] = '-';
            memcpy(id + idl, seg, n);
            idl += n;
            id[idl] = '\0';
        }
        if (!dash)
            break;
        seg = dash + 1;
    }
    return setf(out->id, sizeof out->id, "OASIS %s", id);
}

/* W3C maturity prefixes of dated TR names; all but REC, NOTE and the
 * end-of-life states are drafts. */
static const struct {
    const char *prefix;
    int draft;
} w3c_stages[] = {
    {"REC", 0},  {"NOTE", 0}, {"PER", 0},  {"RSCND", 0}, {"SPSD", 0},  {"STMT", 0}, {"WD", 1},
    {"FPWD", 1}, {"LCWD", 1}, {"CR", 1},   {"CRD", 1},   {"PR", 1},    {"DNOTE", 1},
};

static int hook_w3c(const pattern *p, secstd_ident *out, const char *s, const regmatch_t *m)
{
    (void)p;
    char name[SECSTD_IDENT_MAX];
    group_copy(s, m, 3, name, sizeof name);
    size_t n = strlen(name);
    if (ends_with_ci(name, n, ".html")) {
        n -= 5;
        name[n] = '\0';
    }
    const char *start = name;
    char stage[8] = "";
    /* "CR-media-frags-20111201": only dated names carry a stage prefix */
    const char *dash = strchr(name, '-');
    if (dash) {
        for (size_t i = 0; i < COUNT(w3c_stages); i++) {
            size_t k = strlen(w3c_stages[i].prefix);
            if ((size_t)(dash - name) == k && strncmp(name, w3c_stages[i].prefix, k) == 0) {
                out->draft = w3c_stages[i].draft;
                snprintf(stage, sizeof stage, "%s", w3c_stages[i].prefix);
                start = dash + 1;
            }
        }
    }
    /* trailing "-20111201" or "-990720": the date of that version */
    char date[16] = "";
    const char *last = strrchr(start, '-');
    if (last) {
        size_t dl = strlen(last + 1), digits = 0;
        while (isdigit((unsigned char)last[1 + digits]))
            digits++;
        if (digits == dl && (dl == 6 || dl == 8)) {
            snprintf(date, sizeof date, "%s", last + 1);
            name[last - name] = '\0';
        }
    }
    if (!*start)
        return 0;
    setf(out->type, sizeof out->type, "%s", stage[0] ? stage : "Recommendation");
    return setf(out->id, sizeof out->id, "W3C %s", start) &&
           setf(out->edition, sizeof out->edition, "%s%s%s", stage, stage[0] && date[0] ? " " : "",
                date);
}

/* ---- keys, scanning, transpositions -------------------------------------- */

size_t secstd_ident_key(const char *canonical_id, char *buf, size_t len)
{
    if (!canonical_id || !buf || len == 0)
        return 0;
    size_t n = 0;
    int pending_space = 0;
    for (const char *p = canonical_id; *p; p++) {
        if (isspace((unsigned char)*p)) {
            pending_space = n > 0;
            continue;
        }
        if (pending_space) {
            if (n + 1 >= len)
                goto full;
            buf[n++] = ' ';
            pending_space = 0;
        }
        if (n + 1 >= len)
            goto full;
        buf[n++] = (char)tolower((unsigned char)*p);
    }
    buf[n] = '\0';
    return n;
full:
    buf[0] = '\0';
    return 0;
}

static int leading_letters_upper(const char *s, size_t n)
{
    for (size_t i = 0; i < n && isalpha((unsigned char)s[i]); i++)
        if (!isupper((unsigned char)s[i]))
            return 0;
    return 1;
}

/* Whether an identifier may start at s: every pattern of the table that
 * scan() tries either has a digit within its first 64 characters (the
 * longest lead-in, "ANSI/IEEE Unapproved Draft Std. No. P802", is 37) or
 * starts with one of these words. Most words of a query are neither, and
 * skip the table's regexec() calls (a few percent of searchd's CPU). */
static int may_start_ident(const char *s)
{
    static const char *const leads[] = {"draft-", "oasis ", "w3c ", "http"};
    for (size_t k = 0; k < sizeof leads / sizeof *leads; k++)
        if (strncasecmp(s, leads[k], strlen(leads[k])) == 0)
            return 1;
    for (size_t i = 0; i < 64 && s[i]; i++)
        if (isdigit((unsigned char)s[i]))
            return 1;
    return 0;
}

size_t secstd_ident_scan(const char *text, secstd_ident_found_fn fn, void *ctx)
{
    if (!text)
        return 0;
    re_set *set = re_set_acquire();
    if (!set)
        return 0;
    size_t len = strlen(text), found = 0;
    regmatch_t m[MAX_GROUPS];
    for (size_t i = 0; i < len;) {
        int starts_word = isalnum((unsigned char)text[i]) &&
                          (i == 0 || !isalnum((unsigned char)text[i - 1]));
        if (!starts_word) {
            i++;
            continue;
        }
        size_t best = 0;
        for (size_t k = 0; may_start_ident(text + i) && k < COUNT(patterns); k++) {
            const pattern *p = &patterns[k];
            if (!(p->flags & SCAN))
                continue;
            if (regexec(&set->scan[k], text + i, MAX_GROUPS, m, 0) != 0)
                continue;
            size_t n = (size_t)m[0].rm_eo;
            /* the identifier must end at a word boundary */
            if (n == 0 || (i + n < len && isalnum((unsigned char)text[i + n])))
                continue;
            if ((p->flags & SCAN_UPPER) && !leading_letters_upper(text + i, n))
                continue;
            if (n > best)
                best = n;
        }
        /* trailing punctuation of a sentence is not part of the identifier */
        while (best > 0 && strchr(".,;:/-", text[i + best - 1]))
            best--;
        secstd_ident id;
        if (best > 0 && best < MAX_TEXT) {
            char piece[MAX_TEXT];
            memcpy(piece, text + i, best);
            piece[best] = '\0';
            memset(&id, 0, sizeof id);
            if (parse_with(set, piece, NULL, &id) == SECSTD_OK) {
                found++;
                if (fn) {
                    /* fn may parse identifiers too: the set is not held
                     * while it runs. */
                    re_set_release(set);
                    if (fn(ctx, i, i + best, &id) || !(set = re_set_acquire()))
                        return found;
                }
                i += best;
                continue;
            }
        }
        while (i < len && isalnum((unsigned char)text[i]))
            i++;
    }
    re_set_release(set);
    return found;
}

secstd_status secstd_ident_transposed_from(const secstd_ident *etsi, secstd_ident *out)
{
    if (!out)
        return SECSTD_ERR_INVALID;
    memset(out, 0, sizeof *out);
    if (!etsi || strcmp(etsi->sdo, "ETSI") != 0)
        return SECSTD_ERR_NOT_FOUND;
    char type[4];
    unsigned series, number;
    int used = 0;
    if (sscanf(etsi->id, "ETSI %2[TSR] %3u %3u%n", type, &series, &number, &used) != 3 ||
        (strcmp(type, "TS") != 0 && strcmp(type, "TR") != 0))
        return SECSTD_ERR_NOT_FOUND;
    const char *rest = etsi->id + used; /* "-2" of a multi-part number */
    if (series >= 121 && series <= 155) {
        snprintf(out->sdo, sizeof out->sdo, "3GPP");
        snprintf(out->id, sizeof out->id, "3GPP %s %02u.%03u%s", type, series - 100, number, rest);
    } else if (series == 118 && !*rest &&
               ((strcmp(type, "TS") == 0 && number > 100 && number < 200) ||
                (strcmp(type, "TR") == 0 && number > 500 && number < 600))) {
        snprintf(out->sdo, sizeof out->sdo, "oneM2M");
        snprintf(out->id, sizeof out->id, "oneM2M %s-%04u", type, number % 100);
    } else {
        return SECSTD_ERR_NOT_FOUND;
    }
    snprintf(out->type, sizeof out->type, "%s", type);
    return SECSTD_OK;
}
