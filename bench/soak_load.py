#!/usr/bin/env python3
"""soak_load.py — the client side of bench/soak.sh (loopback only).

  soak_load.py paths URL QUERIES OUT
      Writes OUT: the valid request paths of the soak (the benchmark's query
      set, standards and their similar lists found through searches, areas,
      coverage, overlap, changes, the feed, the page), each checked to answer
      2xx before the load starts, so any later non-2xx is a real error.

  soak_load.py side URL SECONDS OUT [--paths FILE --workers N] [--timeout SEC]
                                    [--request-timeout SEC]
      Runs, for SECONDS, side by side:
        bad    hostile requests over raw sockets (invalid UTF-8, unknown
               parameters, per_page=1e9, overlong URLs, too many arguments
               or headers, bodies, binary junk, traversal, bad versions),
               each with the statuses it may get;
        slow   slowloris waves from 127.0.0.2: 40 connections send a
               partial header block and go quiet; the per-client limit
               drops the surplus at once, the rest must be timed out by
               the server within its --timeout (+10 s);
        csv    /search.csv, /coverage.csv, /overlap.csv exports read in full;
        health /healthz every second: the generations served;
        pool   (with --paths) N keep-alive clients over the valid paths, for
               machines without wrk.
      Writes OUT as JSON (counts, generations, first failures).
"""
import http.client
import json
import socket
import sys
import threading
import time
import urllib.parse

STOP = threading.Event()
REQ_TIMEOUT = 10.0   # a valid request not answered in time is an error
LOCK = threading.Lock()
R = {
    "valid_requests": 0, "valid_errors": 0, "valid_error_samples": [],
    "csv_requests": 0, "csv_rows": 0, "csv_bytes": 0,
    "pool_requests": 0,
    "health_requests": 0, "generations": [],
    "bad_requests": 0, "bad_expected": {}, "bad_unexpected": 0, "bad_unexpected_samples": [],
    "slow_waves": 0, "slow_held": 0, "slow_timed_out": 0, "slow_dropped_at_limit": 0,
    "slow_not_closed": 0, "slow_close_seconds_max": 0.0,
}


def count(key, n=1):
    with LOCK:
        R[key] += n


def valid_error(what):
    with LOCK:
        R["valid_errors"] += 1
        if len(R["valid_error_samples"]) < 10:
            R["valid_error_samples"].append(what[:300])


def split_url(url):
    u = urllib.parse.urlsplit(url)
    return u.hostname, u.port


def get(host, port, path, timeout=30, conn=None):
    """One GET; returns (status, body, conn) — conn kept for keep-alive."""
    if conn is None:
        conn = http.client.HTTPConnection(host, port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, body, conn, r.getheader("Content-Type", "")
    except Exception:
        conn.close()
        raise


# ---- paths ------------------------------------------------------------------

def make_paths(url, queries, out):
    host, port = split_url(url)
    paths = []
    with open(queries) as f:
        paths += [ln.strip() for ln in f if ln.startswith("/")]
    ids = []
    for q in ("tls", "key management", "X.509", "cryptography", "privacy", "iot security",
              "authentication", "5G security"):
        st, body, c, _ = get(host, port, "/api/search?per_page=5&q=" + urllib.parse.quote(q))
        c.close()
        if st == 200:
            ids += [r["id"] for r in json.loads(body)["results"]]
    seen = set()
    for i in ids:
        if i in seen:
            continue
        seen.add(i)
        e = urllib.parse.quote(i, safe="")
        paths += ["/api/standards/" + e, "/api/standards/" + e + "/similar"]
    st, body, c, _ = get(host, port, "/api/areas")
    c.close()
    areas = [a["id"] for a in json.loads(body)["areas"]] if st == 200 else []
    for a in areas[:6]:
        paths += ["/api/overlap?area=" + a, "/api/search?q=security&area=" + a + "&page=2&per_page=20"]
    paths += ["/api/areas", "/api/coverage", "/api/changes", "/feeds/changes.atom",
              "/healthz", "/opensearch.xml", "/", "/api/search?q=security&sdo=IETF&per_page=50",
              "/api/search?q=sicherheit+schl%C3%BCssel", "/api/search?q=%E5%AF%86%E7%A0%81"]
    good, dropped = [], []
    for p in paths:
        try:
            st, _, c, _ = get(host, port, p, timeout=180)   # first overlaps are slow
            c.close()
        except OSError as e:
            st = str(e)
        (good if isinstance(st, int) and 200 <= st < 300 else dropped).append(p)
        if p in dropped:
            print("soak: not a valid request here, left out: %s (%s)" % (p, st), file=sys.stderr)
    if len(good) < 20:
        sys.exit("soak: only %d valid paths; is the index empty?" % len(good))
    with open(out, "w") as f:
        f.write("".join(p + "\n" for p in good))
    print("soak: %d valid request paths (%d left out)" % (len(good), len(dropped)))


# ---- hostile requests --------------------------------------------------------

def junk(n, seed):
    out = bytearray()
    for _ in range(n):
        seed = (seed * 1103515245 + 12345) & 0x7FFFFFFF
        out.append((seed >> 16) & 0xFF)
    return bytes(out)


def bad_cases():
    def req(target, extra=b"", method=b"GET", version=b"HTTP/1.1"):
        return method + b" " + target + b" " + version + b"\r\nHost: 127.0.0.1\r\n" + extra + \
            b"Connection: close\r\n\r\n"
    many_args = b"/api/search?q=x" + b"".join(b"&a%d=1" % i for i in range(200))
    many_headers = b"".join(b"X-H%d: v\r\n" % i for i in range(100))
    c4xx = {400, 404, 405, 413, 414, 431}
    return [
        ("invalid_utf8_q", req(b"/api/search?q=%ff%fe%80"), {400}),
        ("invalid_utf8_path", req(b"/api/standards/%c3%28"), {400, 404}),
        ("control_chars_q", req(b"/api/search?q=a%00b%07"), {400}),
        ("unknown_param", req(b"/api/search?q=tls&bogus=1"), {400}),
        ("per_page_1e9", req(b"/api/search?q=tls&per_page=1e9"), {400}),
        ("per_page_huge", req(b"/api/search?q=tls&per_page=1000000000"), {400}),
        ("page_negative", req(b"/api/search?q=tls&page=-1"), {400}),
        ("deep_page", req(b"/api/search?q=tls&page=10000&per_page=100"), {400}),
        ("unknown_area", req(b"/api/overlap?area=%3Cscript%3E"), {400}),
        ("unknown_standard", req(b"/api/standards/NOPE%20999999"), {404}),
        ("overlong_url", req(b"/api/search?q=" + b"a" * 6000), {414}),
        ("too_many_args", req(many_args), {414}),
        ("too_many_headers", req(b"/api/search?q=tls", many_headers), {431}),
        ("huge_header", req(b"/api/search?q=tls", b"X-Big: " + b"b" * 9000 + b"\r\n"), {431}),
        ("post_body", req(b"/api/search?q=tls", b"Content-Length: 5\r\n", b"POST") + b"hello",
         c4xx),
        ("traversal", req(b"/static/..%2f..%2f..%2fetc%2fpasswd"), {404}),
        ("dotdot_path", req(b"/../../etc/passwd"), {400, 404}),
        ("unknown_route", req(b"/admin/reindex"), {404}),
        ("bad_version", req(b"/healthz", version=b"HTTP/9.9"), {400, 505}),
        # libmicrohttpd 0.9.75 answers an HTTP/1.1 request without Host.
        ("no_host_http11", b"GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n", {200, 400}),
        ("binary_junk", junk(4096, 12345), {400, 505, None}),
        ("binary_junk_crlf", junk(700, 777) + b"\r\n\r\n", {400, 505, None}),
        # The target ends at the NUL for libmicrohttpd: "/healthz", answered.
        ("nul_in_request_line", b"GET /healthz\x00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
         {200, 400, 505, None}),
    ]


def exchange(host, port, data, timeout=15.0):
    """Sends data, reads to close; status of the first response line, None
    when the server closed without answering. Raises on a timeout."""
    s = socket.create_connection((host, port), timeout=timeout)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        buf = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            buf += chunk
            if len(buf) > 1 << 20:
                break
        else:
            raise TimeoutError("no answer and no close within %.0f s" % timeout)
    finally:
        s.close()
    if not buf:
        return None
    line = buf.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else -1


def bad_loop(host, port):
    cases = bad_cases()
    i = 0
    while not STOP.is_set():
        name, data, allowed = cases[i % len(cases)]
        i += 1
        try:
            st = exchange(host, port, data)
        except OSError as e:
            st = "error: %s" % e
        with LOCK:
            R["bad_requests"] += 1
            if st in allowed:
                key = "%s %s" % (name, "closed" if st is None else st)
                R["bad_expected"][key] = R["bad_expected"].get(key, 0) + 1
            else:
                R["bad_unexpected"] += 1
                if len(R["bad_unexpected_samples"]) < 10:
                    R["bad_unexpected_samples"].append("%s: got %s, expected %s" %
                                                       (name, st, sorted(map(str, allowed))))
        STOP.wait(0.05)


# ---- slow clients ------------------------------------------------------------

def slow_loop(host, port, server_timeout):
    partial = b"GET /api/search?q=tls HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaa"
    while not STOP.is_set():
        socks = []
        for _ in range(40):
            try:
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.bind(("127.0.0.2", 0))
                s.settimeout(5)
                s.connect((host, port))
                s.sendall(partial)
                s.setblocking(False)
                socks.append(s)
            except OSError:
                count("slow_dropped_at_limit")
        start = time.monotonic()
        limit = server_timeout + 10
        open_ = list(socks)
        held = set(socks)
        # A connection over the per-client limit is closed at once.
        while open_ and not STOP.is_set() and time.monotonic() - start < limit:
            for s in list(open_):
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if not data:
                    open_.remove(s)
                    took = time.monotonic() - start
                    with LOCK:
                        if took < 1.0 and s in held:
                            R["slow_dropped_at_limit"] += 1
                            held.discard(s)
                        else:
                            R["slow_timed_out"] += 1
                            R["slow_close_seconds_max"] = max(R["slow_close_seconds_max"], took)
            STOP.wait(0.2)
        finished = not STOP.is_set()
        with LOCK:
            if finished:
                R["slow_waves"] += 1
                R["slow_held"] += len(held)
                R["slow_not_closed"] += len(open_)
        for s in socks:
            s.close()


# ---- CSV exports, health, the optional client pool -------------------------

CSV_PATHS = ["/search.csv?q=security", "/search.csv?q=tls&sdo=IETF", "/search.csv?q=cryptography",
             "/coverage.csv", "/overlap.csv?area=crypto", "/search.csv?q=privacy&area=privacy"]


def csv_loop(host, port):
    i = 0
    while not STOP.is_set():
        p = CSV_PATHS[i % len(CSV_PATHS)]
        i += 1
        try:
            st, body, c, ctype = get(host, port, p, timeout=REQ_TIMEOUT)
            c.close()
            if st != 200 or not ctype.startswith("text/csv") or not body.endswith(b"\n") or \
                    body.count(b"\n") < 2:
                valid_error("%s: status %s type %s, %d bytes" % (p, st, ctype, len(body)))
            else:
                count("csv_rows", body.count(b"\n") - 1)
                count("csv_bytes", len(body))
        except (OSError, http.client.HTTPException) as e:
            valid_error("%s: %s" % (p, e))
        count("csv_requests")
        count("valid_requests")
        STOP.wait(0.2)


def health_loop(host, port):
    conn = None
    while not STOP.is_set():
        try:
            st, body, conn, _ = get(host, port, "/healthz", timeout=REQ_TIMEOUT, conn=conn)
            if st != 200:
                valid_error("/healthz: status %s" % st)
            else:
                g = json.loads(body)["generation"]
                with LOCK:
                    if g not in R["generations"]:
                        R["generations"].append(g)
        except (OSError, http.client.HTTPException, ValueError) as e:
            valid_error("/healthz: %s" % e)
            conn = None
        count("health_requests")
        count("valid_requests")
        STOP.wait(1.0)
    if conn:
        conn.close()


def pool_loop(host, port, paths, k):
    conn = None
    i = k * 7
    while not STOP.is_set():
        p = paths[i % len(paths)]
        i += 1
        try:
            st, _, conn, _ = get(host, port, p, timeout=REQ_TIMEOUT, conn=conn)
            if not 200 <= st < 300:
                valid_error("%s: status %s" % (p, st))
        except (OSError, http.client.HTTPException) as e:
            valid_error("%s: %s" % (p, e))
            conn = None
        count("pool_requests")
        count("valid_requests")


def side(argv):
    url, seconds, out = argv[0], float(argv[1]), argv[2]
    opts = dict(zip(argv[3::2], argv[4::2]))
    host, port = split_url(url)
    global REQ_TIMEOUT
    REQ_TIMEOUT = float(opts.get("--request-timeout", REQ_TIMEOUT))
    threads = [threading.Thread(target=bad_loop, args=(host, port)),
               threading.Thread(target=slow_loop,
                                args=(host, port, float(opts.get("--timeout", 15)))),
               threading.Thread(target=csv_loop, args=(host, port)),
               threading.Thread(target=health_loop, args=(host, port))]
    if "--paths" in opts:
        with open(opts["--paths"]) as f:
            paths = [ln.strip() for ln in f if ln.startswith("/")]
        for k in range(int(opts.get("--workers", 8))):
            threads.append(threading.Thread(target=pool_loop, args=(host, port, paths, k)))
    for t in threads:
        t.daemon = True
        t.start()
    STOP.wait(seconds)
    STOP.set()
    for t in threads:
        t.join(30)
    with LOCK, open(out, "w") as f:
        json.dump(R, f, indent=1, sort_keys=True)


def main():
    if len(sys.argv) >= 5 and sys.argv[1] == "paths":
        make_paths(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 5 and sys.argv[1] == "side":
        side(sys.argv[2:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
