#!/usr/bin/env python3
"""gen_corpus.py — derive a benchmark corpus of N records from real records.

Usage: gen_corpus.py SRC_RECORDS_DIR DEST_RECORDS_DIR N [--seed S]

Reads the crawled records (SRC/*.jsonl, one JSON object per line, as
`secstd crawl` writes them), keeps one record per (sdo, id), and writes N
records to DEST/<source>.jsonl:

  * copy 0 is the real records themselves (so identifier queries such as
    X.509 or RFC 8446 find the real standard), cut to N if N is smaller;
  * further copies take a real record of the same source as a template
    (sdo, type, group, status, source hints) and give it a new identifier in
    that body's style (RFC 8446 -> RFC 18446, ITU-T X.509 -> ITU-T X.509.3,
    3GPP TS 33.501 -> 3GPP TS 33.501-3, ETSI EN 303 645 -> ETSI EN 303 645-3,
    ISO/IEC 27001 -> ISO/IEC 27001-3, oneM2M TS-0003 -> oneM2M TS-4127, ...),
    a title mixed from two records of that source, an abstract and keywords
    of other records (any source), a jittered date; relations and aliases
    are dropped (they would name real documents).

Nothing derived from the real data is ever written outside DEST; the output
is deterministic for a given input and seed. Prints the number of records
per source to stderr and the total to stdout.
"""
import json
import os
import random
import re
import sys


def load(src):
    by_source = {}
    seen = set()
    for name in sorted(os.listdir(src)):
        if not name.endswith(".jsonl") or name.startswith("."):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line:
                    continue
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(rec, dict) or "id" not in rec or "sdo" not in rec:
                    continue
                key = (rec["sdo"], rec["id"].lower())
                if key in seen:
                    continue
                seen.add(key)
                src_name = (rec.get("source") or {}).get("name") or name[:-6]
                by_source.setdefault(src_name, []).append(rec)
    return by_source


LAST_NUM = re.compile(r"^(.*?\d[0-9A-Za-z]*)(\D*)$")


def new_id(rec, copy, rng, used):
    """An unused identifier in the style of rec's body."""
    rid, sdo = rec["id"], rec["sdo"]
    for attempt in range(50):
        if sdo == "IETF":
            m = re.match(r"^(RFC|BCP|STD|FYI) ?0*(\d+)$", rid)
            if m:
                cand = "%s %d" % (m.group(1), int(m.group(2)) + 10000 * copy + attempt * 1000003)
            else:
                cand = "%s-%d" % (rid, copy + attempt * 1000)
        elif sdo == "oneM2M":
            m = re.match(r"^(oneM2M (TS|TR))-(\d{4})(.*)$", rid)
            if m:
                cand = "%s-%04d" % (m.group(1), rng.randrange(1000, 10000))
            else:
                cand = "%s-%d" % (rid, copy + attempt * 1000)
        else:
            sep = "." if sdo == "ITU-T" else "-"
            m = LAST_NUM.match(rid)
            n = copy + attempt * 1000
            if m:
                cand = "%s%s%d%s" % (m.group(1), sep, n, m.group(2))
            else:
                cand = "%s%s%d" % (rid, sep, n)
        k = (sdo, cand.lower())
        if k not in used:
            used.add(k)
            return cand
    raise SystemExit("gen_corpus: cannot find a free identifier for %r" % rid)


TITLE_SPLIT = re.compile(r"\s*(?:;|:| - | -- )\s*")


def mixed_title(a, b, rng):
    pa = [p for p in TITLE_SPLIT.split(a.get("title") or "") if p]
    pb = [p for p in TITLE_SPLIT.split(b.get("title") or "") if p]
    if not pa:
        return b.get("title") or "Untitled"
    if not pb or rng.random() < 0.3:
        return a["title"]
    if len(pa) > 1 and len(pb) > 1:
        return "%s; %s" % (pa[0], pb[-1])
    # One-part titles: first half of one, second half of the other.
    wa, wb = pa[0].split(), pb[-1].split()
    ha, hb = max(1, len(wa) // 2), len(wb) // 2
    return " ".join(wa[:ha] + wb[hb:]) or a["title"]


def jitter_date(d, rng):
    m = re.match(r"^(\d{4})(.*)$", d or "")
    if not m:
        return d
    y = int(m.group(1)) + rng.randint(-3, 3)
    y = max(1970, min(2026, y))
    return "%04d%s" % (y, m.group(2))


def main():
    args = sys.argv[1:]
    seed = 17
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 3:
        sys.exit(__doc__)
    src, dest, n = args[0], args[1], int(args[2])
    rng = random.Random(seed)
    by_source = load(src)
    sources = sorted(by_source)
    real_total = sum(len(v) for v in by_source.values())
    if real_total == 0:
        sys.exit("gen_corpus: no records in %s" % src)
    abstracts = [r["abstract"] for s in sources for r in by_source[s] if r.get("abstract")]
    keywords = [r["keywords"] for s in sources for r in by_source[s] if r.get("keywords")]
    have_abstract = len(abstracts) / real_total
    have_keywords = len(keywords) / real_total
    used = {(r["sdo"], r["id"].lower()) for s in sources for r in by_source[s]}
    os.makedirs(dest, exist_ok=True)
    out = {s: open(os.path.join(dest, s.replace("/", "_") + ".jsonl"), "w", encoding="utf-8")
           for s in sources}
    written = {s: 0 for s in sources}
    # Interleave sources in proportion to their size: record k of the corpus
    # is the (k // real_total)-th copy of real record (k % real_total).
    order = [(s, i) for s in sources for i in range(len(by_source[s]))]
    rng.shuffle(order)
    for k in range(n):
        copy, (s, i) = divmod(k, real_total)[0], order[k % real_total]
        tmpl = by_source[s][i]
        if copy == 0:
            rec = tmpl
        else:
            pool = by_source[s]
            other = pool[rng.randrange(len(pool))]
            rec = {key: tmpl[key] for key in ("sdo", "type", "group", "status", "edition", "hints",
                                              "source", "url", "authors") if key in tmpl}
            rec["id"] = new_id(tmpl, copy, rng, used)
            rec["title"] = mixed_title(tmpl, other, rng)
            if abstracts and rng.random() < have_abstract:
                rec["abstract"] = abstracts[rng.randrange(len(abstracts))]
            if keywords and rng.random() < have_keywords:
                kw = list(keywords[rng.randrange(len(keywords))])
                if rng.random() < 0.5:
                    kw += keywords[rng.randrange(len(keywords))]
                rec["keywords"] = sorted(set(kw))[:12]
            if tmpl.get("date"):
                rec["date"] = jitter_date(tmpl["date"], rng)
        out[s].write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
        written[s] += 1
    for f in out.values():
        f.close()
    for s in sources:
        if written[s] == 0:
            os.unlink(os.path.join(dest, s.replace("/", "_") + ".jsonl"))
    sys.stderr.write("gen_corpus: %d records from %d real ones: %s\n" % (
        n, real_total, ", ".join("%s %d" % (s, written[s]) for s in sources if written[s])))
    print(n)


if __name__ == "__main__":
    main()
