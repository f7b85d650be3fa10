#!/usr/bin/env python3
"""coldstart.py — starts searchd and times launch -> first answered query.

Usage: coldstart.py LOGFILE PATH -- SEARCHD ARGS...
Starts the command (its stdout/stderr to LOGFILE), waits for the
"serving http://127.0.0.1:PORT/" line, then asks GET PATH until it answers
200 (1 ms apart), and prints "cold_ms=.. port=.. pid=..". searchd is left
running (the caller stops it by pid); on failure it is killed, exit 1.
"""
import http.client
import re
import subprocess
import sys
import time


def main():
    if len(sys.argv) < 5 or sys.argv[3] != "--":
        sys.exit(__doc__)
    log, path, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
    t0 = time.perf_counter()
    with open(log, "w") as out:
        p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    port = None
    deadline = t0 + 30
    try:
        while time.perf_counter() < deadline:
            if p.poll() is not None:
                raise RuntimeError("searchd exited with status %s" % p.returncode)
            if port is None:
                with open(log) as f:
                    m = re.search(r"serving http://127\.0\.0\.1:(\d+)/", f.read())
                if m:
                    port = int(m.group(1))
                else:
                    time.sleep(0.001)
                    continue
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                c.request("GET", path)
                r = c.getresponse()
                r.read()
                c.close()
                if r.status == 200:
                    ms = (time.perf_counter() - t0) * 1000
                    print("cold_ms=%.1f port=%d pid=%d" % (ms, port, p.pid))
                    return
            except OSError:
                pass
            time.sleep(0.001)
        raise RuntimeError("no answer within 30 s")
    except Exception as e:
        p.kill()
        p.wait()
        sys.exit("coldstart: %s (see %s)" % (e, log))


if __name__ == "__main__":
    main()
