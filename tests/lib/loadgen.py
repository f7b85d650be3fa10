#!/usr/bin/env python3
"""loadgen.py — steady query load on searchd for the shell integration
tests: THREADS clients send search, lookup and /healthz requests in a loop
until STOP-FILE appears or MAX-SECONDS pass, and count every answer. A
failed request is anything but HTTP 200 with a JSON body (a refused or
dropped connection, a timeout, a 5xx, a 503 "no index").

Prints one JSON line: {"requests", "failed", "errors": [first ten],
"generations": [generations seen in /healthz, in order of first sight],
"seconds"} and exits 0 (the test decides what counts as failure).
"""
import argparse
import json
import os
import threading
import time
import urllib.error
import urllib.request

QUERIES = [
    "api/search?q=RFC%208446",
    "api/search?q=TS%2033.501",
    "api/search?q=zero%20trust&per_page=5",
    "api/search?q=authentication&sdo=IETF",
    "api/standards/ISO%2FIEC%2027001",
    "healthz",
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--stop-file", required=True)
    ap.add_argument("--max-seconds", type=float, default=300)
    ap.add_argument("--threads", type=int, default=4)
    ap.add_argument("--ready-file")
    a = ap.parse_args()
    base = a.url if a.url.endswith("/") else a.url + "/"
    lock = threading.Lock()
    stats = {"requests": 0, "failed": 0, "errors": [], "generations": []}
    t0 = time.monotonic()

    def record(ok, what):
        with lock:
            stats["requests"] += 1
            if not ok:
                stats["failed"] += 1
                if len(stats["errors"]) < 10:
                    stats["errors"].append(what)

    def worker(n):
        i = n
        while not os.path.exists(a.stop_file) and time.monotonic() - t0 < a.max_seconds:
            path = QUERIES[i % len(QUERIES)]
            i += 1
            try:
                with urllib.request.urlopen(base + path, timeout=10) as r:
                    body = r.read()
                    doc = json.loads(body)
                    if path == "healthz":
                        g = doc.get("generation")
                        with lock:
                            if g not in stats["generations"]:
                                stats["generations"].append(g)
                    record(r.status == 200, "%s %s" % (r.status, path))
            except urllib.error.HTTPError as e:
                record(False, "%s %s %s" % (e.code, path, e.read()[:200]))
            except Exception as e:  # refused, reset, timeout, bad JSON
                record(False, "%s %s" % (type(e).__name__, path))

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(a.threads)]
    for t in threads:
        t.start()
    if a.ready_file:
        with open(a.ready_file, "w", encoding="utf-8") as f:
            f.write("started\n")
    for t in threads:
        t.join()
    stats["seconds"] = round(time.monotonic() - t0, 2)
    print(json.dumps(stats))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
