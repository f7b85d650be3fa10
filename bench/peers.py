#!/usr/bin/env python3
"""peers.py — the benchmark's peers: SQLite FTS5 and Xapian Omega.

Both get the same corpus (the records files the bench derived) and the same
query set (bench/queries.txt, searchd API paths), translated here.

  peers.py areas CSV OUT            areas per id from searchd's /search.csv
  peers.py fts5-index RECORDS AREAS DB
        builds an FTS5 table (porter + unicode61; id, title, abstract,
        keywords indexed; sdo, status, year, areas stored) in one
        transaction; prints "records=N seconds=S"
  peers.py fts5-latency DB QUERIES SECONDS
        in-process: runs each query (match, bm25 top 10 with snippet, and
        the four facet counts over the match set) cycling the set for
        SECONDS; prints "p50_ms=.. p95_ms=.. p99_ms=.. queries=N errors=N"
  peers.py fts5-serve DB PORTFILE
        the same over HTTP: ThreadingHTTPServer on 127.0.0.1 (a thread per
        connection, one SQLite connection per thread), the searchd paths
  peers.py omega-input RECORDS AREAS OUT   scriptindex input (field=value)
  peers.py omega-latency DB QUERIES ROUNDS
        runs `quest` once per query (process start + database open + parse
        + top 10, no facets), ROUNDS times over the set; prints percentiles
"""
import csv
import glob
import http.server
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse

SCOPED_ONLY = True  # secstd answers only security-scoped records by default


def read_records(records_dir):
    for path in sorted(glob.glob(os.path.join(records_dir, "*.jsonl"))):
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if line:
                    yield json.loads(line)


def load_areas(path):
    areas = {}
    with open(path, encoding="utf-8") as f:
        for row in f:
            rid, _, a = row.rstrip("\n").partition("\t")
            areas[rid] = a
    return areas


def cmd_areas(csv_path, out):
    n = 0
    with open(csv_path, encoding="utf-8", newline="") as f, open(out, "w", encoding="utf-8") as o:
        for row in csv.DictReader(f):
            areas = " ".join(a for a in re.split(r"[;|, ]+", row.get("areas") or "") if a)
            o.write("%s\t%s\n" % (row["id"], areas))
            n += 1
    print(n)


def year_of(rec):
    m = re.match(r"^(\d{4})", rec.get("date") or "")
    return m.group(1) if m else ""


# ---- the query set ------------------------------------------------------------

def parse_path(path):
    """A queries.txt line -> dict(kind, q, sdo, area, status, from, to, id)."""
    u = urllib.parse.urlsplit(path)
    m = re.match(r"^/api/standards/(.+)/similar$", u.path)
    if m:
        return {"kind": "similar", "id": urllib.parse.unquote(m.group(1))}
    p = urllib.parse.parse_qs(u.query, keep_blank_values=True)
    return {"kind": "search", "q": (p.get("q") or [""])[0], "sdo": p.get("sdo", []),
            "area": p.get("area", []), "status": p.get("status", []),
            "from": (p.get("from") or [""])[0], "to": (p.get("to") or [""])[0]}


TOKEN = re.compile(r'(\w+):"([^"]*)"|(\w+):(\S+)|"([^"]*)"|(\S+)')
FTS_FIELDS = {"title": "title", "abstract": "abstract", "keyword": "keywords"}
FILTER_FIELDS = ("sdo", "status", "area", "year")


def split_query(q):
    """-> (list of (field|None, text, is_phrase, is_prefix), filters dict)."""
    terms, filters = [], {}
    for m in TOKEN.finditer(q):
        if m.group(1):
            field, text, phrase = m.group(1), m.group(2), True
        elif m.group(3):
            field, text, phrase = m.group(3), m.group(4), False
        elif m.group(5) is not None:
            field, text, phrase = None, m.group(5), True
        else:
            field, text, phrase = None, m.group(6), False
        if field in FILTER_FIELDS:
            filters.setdefault(field, []).append(text)
            continue
        if field not in FTS_FIELDS:
            field = None
        prefix = not phrase and text.endswith("*")
        terms.append((field, text.rstrip("*") if prefix else text, phrase, prefix))
    return terms, filters


def fts_match(terms):
    parts = []
    for field, text, _phrase, prefix in terms:
        text = text.replace('"', '""')
        if not text.strip():
            continue
        expr = '"%s"%s' % (text, "*" if prefix else "")
        parts.append("%s : %s" % (FTS_FIELDS[field], expr) if field else expr)
    return " AND ".join(parts)


class Fts5:
    FACETS = ("sdo", "status", "year")

    def __init__(self, db):
        self.con = sqlite3.connect(db, check_same_thread=False)
        self.con.execute("PRAGMA query_only=1")

    def where(self, req, filters):
        sql, args = [], []
        sdos = req.get("sdo", []) + filters.get("sdo", [])
        if sdos:
            sql.append("sdo IN (%s)" % ",".join("?" * len(sdos)))
            args += sdos
        sts = req.get("status", []) + filters.get("status", [])
        if sts:
            sql.append("status IN (%s)" % ",".join("?" * len(sts)))
            args += sts
        areas = req.get("area", []) + filters.get("area", [])
        if areas:
            sql.append("(%s)" % " OR ".join("instr(areas, ?) > 0" for _ in areas))
            args += [" %s " % a for a in areas]
        if req.get("from"):
            sql.append("year >= ?")
            args.append(req["from"][:4])
        if req.get("to"):
            sql.append("year <= ?")
            args.append(req["to"][:4])
        for y in filters.get("year", []):
            sql.append("year = ?")
            args.append(y)
        if SCOPED_ONLY:
            sql.append("areas != ''")
        return sql, args

    def search(self, req):
        if req["kind"] == "similar":
            return self.similar(req["id"])
        terms, filters = split_query(req["q"])
        match = fts_match(terms)
        conds, args = self.where(req, filters)
        if match:
            conds = ["docs MATCH ?"] + conds
            args = [match] + args
        where = " WHERE " + " AND ".join(conds) if conds else ""
        order = " ORDER BY bm25(docs, 5.0, 3.0, 1.0, 2.0)" if match else " ORDER BY date DESC"
        snip = "snippet(docs, 1, '<mark>', '</mark>', '...', 24)" if match else "title"
        rows = self.con.execute(
            "SELECT id, sdo, title, status, date, areas, %s FROM docs%s%s LIMIT 10" % (snip, where, order),
            args).fetchall()
        total = self.con.execute("SELECT count(*) FROM docs" + where, args).fetchone()[0]
        facets = {}
        for fct in self.FACETS:
            facets[fct] = dict(self.con.execute(
                "SELECT %s, count(*) FROM docs%s GROUP BY 1 ORDER BY 2 DESC" % (fct, where), args).fetchall())
        area_counts = {}
        for (a,) in self.con.execute("SELECT areas FROM docs" + where, args):
            for x in a.split():
                area_counts[x] = area_counts.get(x, 0) + 1
        facets["area"] = area_counts
        return {"total": total, "results": [
            {"id": r[0], "sdo": r[1], "title": r[2], "status": r[3], "date": r[4],
             "areas": r[5].split(), "snippet": r[6]} for r in rows], "facets": facets}

    def similar(self, rid):
        row = self.con.execute("SELECT rowid, sdo, title, keywords FROM docs WHERE id = ?",
                               (rid,)).fetchone()
        if not row:
            return None
        words = sorted({w.lower() for w in re.findall(r"[A-Za-z]{4,}", (row[2] or "") + " " + (row[3] or ""))})
        if not words:
            return {"results": []}
        match = " OR ".join('"%s"' % w for w in words[:24])
        rows = self.con.execute(
            "SELECT id, sdo, title FROM docs WHERE docs MATCH ? AND rowid != ? AND areas != '' "
            "ORDER BY (sdo = ?), bm25(docs) LIMIT 10", (match, row[0], row[1])).fetchall()
        return {"id": rid, "results": [{"id": r[0], "sdo": r[1], "title": r[2]} for r in rows]}


def cmd_fts5_index(records_dir, areas_path, db):
    areas = load_areas(areas_path)
    if os.path.exists(db):
        os.unlink(db)
    t0 = time.monotonic()
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(id, title, abstract, keywords, sdo UNINDEXED, "
                "status UNINDEXED, year UNINDEXED, date UNINDEXED, areas UNINDEXED, "
                "tokenize='porter unicode61')")
    n = 0
    with con:
        rows = []
        for rec in read_records(records_dir):
            a = areas.get(rec["id"], "")
            rows.append((rec["id"], rec.get("title") or "", rec.get("abstract") or "",
                         " ".join(rec.get("keywords") or []), rec.get("sdo") or "",
                         rec.get("status") or "", year_of(rec), rec.get("date") or "",
                         " %s " % a if a else ""))
            if len(rows) >= 5000:
                con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", rows)
                n += len(rows)
                rows = []
        con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?)", rows)
        n += len(rows)
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()
    print("records=%d seconds=%.3f" % (n, time.monotonic() - t0))


def read_queries(path):
    with open(path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.startswith("/")]


def percentiles(samples):
    s = sorted(samples)
    if not s:
        return 0.0, 0.0, 0.0

    def p(q):
        return s[min(len(s) - 1, int(q * len(s)))]
    return p(0.50), p(0.95), p(0.99)


def cmd_fts5_latency(db, queries_path, seconds):
    f = Fts5(db)
    reqs = [parse_path(q) for q in read_queries(queries_path)]
    samples, errors = [], 0
    end = time.monotonic() + float(seconds)
    i = 0
    while time.monotonic() < end or i < len(reqs):
        r = reqs[i % len(reqs)]
        i += 1
        t = time.perf_counter()
        try:
            out = f.search(r)
            if out is None:
                errors += 1
        except sqlite3.Error:
            errors += 1
        samples.append((time.perf_counter() - t) * 1000)
    p50, p95, p99 = percentiles(samples)
    print("p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f queries=%d errors=%d" % (p50, p95, p99, len(samples), errors))


def cmd_fts5_serve(db, portfile):
    local = threading.local()

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a):
            pass

        def setup(self):
            super().setup()
            # One write per response and no Nagle delay: without this every
            # keep-alive answer waits for the client's delayed ACK (40 ms).
            self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self):
            if not hasattr(local, "fts"):
                local.fts = Fts5(db)
            try:
                out = local.fts.search(parse_path(self.path))
                code = 200 if out is not None else 404
                body = json.dumps(out if out is not None else {"error": "not found"}).encode()
            except (sqlite3.Error, ValueError) as e:
                code, body = 400, json.dumps({"error": str(e)}).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self._headers_buffer.append(b"\r\n" + body)
            self.flush_headers()

    http.server.ThreadingHTTPServer.daemon_threads = True
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


# ---- Omega ----------------------------------------------------------------------

OMEGA_SCRIPT = """\
id : field boolean=Q unique=Q
sdo : field boolean=XO
status : field boolean=XS
year : boolean=Y
date : field
area : field boolean=XC
scope : boolean=XZ
title : field index=S index
abstract : index=XD index
keywords : index=K index
"""


def cmd_omega_input(records_dir, areas_path, out):
    areas = load_areas(areas_path)

    def val(s):
        return (s or "").replace("\n", "\n=")
    n = 0
    with open(out, "w", encoding="utf-8") as o, open(out + ".script", "w") as s:
        s.write(OMEGA_SCRIPT)
        for rec in read_records(records_dir):
            a = areas.get(rec["id"], "")
            o.write("id=%s\nsdo=%s\nstatus=%s\n" % (val(rec["id"]), val(rec.get("sdo")), val(rec.get("status"))))
            if year_of(rec):
                o.write("year=%s\ndate=%s\n" % (year_of(rec), val(rec.get("date"))))
            for x in a.split():
                o.write("area=%s\n" % x)
            if a:
                o.write("scope=security\n")
            o.write("title=%s\nabstract=%s\nkeywords=%s\n\n" % (
                val(rec.get("title")), val(rec.get("abstract")), val(" ".join(rec.get("keywords") or []))))
            n += 1
    print(n)


def quest_args(db, req):
    base = ["quest", "-d", db, "-m", "10", "-o", "and", "-f", "default,phrase,boolean,wildcard,lovehate",
            "-p", "title:S", "-p", "abstract:XD", "-p", "keyword:K",
            "-b", "sdo:XO", "-b", "status:XS", "-b", "area:XC", "-b", "year:Y", "-b", "scope:XZ", "-b", "id:Q"]
    if req["kind"] == "similar":
        # quest has no relevance-set expansion: search the standard's id.
        return base + ['id:"%s"' % req["id"]]
    q = req["q"]
    for k in ("sdo", "area", "status"):
        for v in req.get(k, []):
            q += ' %s:"%s"' % (k, v)
    if req.get("from") or req.get("to"):
        lo = int((req.get("from") or "1900")[:4])
        hi = int((req.get("to") or "2030")[:4])
        q += "".join(" year:%d" % y for y in range(lo, hi + 1))
    q += " scope:security"
    return base + [q.strip()]


def cmd_omega_latency(db, queries_path, rounds):
    reqs = [parse_path(q) for q in read_queries(queries_path)]
    samples, errors = [], 0
    for _ in range(int(rounds)):
        for r in reqs:
            t = time.perf_counter()
            p = subprocess.run(quest_args(db, r), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            samples.append((time.perf_counter() - t) * 1000)
            errors += p.returncode != 0
    p50, p95, p99 = percentiles(samples)
    print("p50_ms=%.3f p95_ms=%.3f p99_ms=%.3f queries=%d errors=%d" % (p50, p95, p99, len(samples), errors))


def main():
    a = sys.argv[1:]
    cmds = {"areas": (cmd_areas, 2), "fts5-index": (cmd_fts5_index, 3), "fts5-latency": (cmd_fts5_latency, 3),
            "fts5-serve": (cmd_fts5_serve, 2), "omega-input": (cmd_omega_input, 3),
            "omega-latency": (cmd_omega_latency, 3)}
    if not a or a[0] not in cmds or len(a) - 1 != cmds[a[0]][1]:
        sys.exit(__doc__)
    cmds[a[0]][0](*a[1:])


if __name__ == "__main__":
    main()
