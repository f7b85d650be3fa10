#!/usr/bin/env python3
"""upstream.py — a loopback HTTP server standing in for the SDOs' sites in
the shell integration tests.

Serves ROOT read-only (GET/HEAD only) on 127.0.0.1, on a free port it writes
to --port-file once listening. Faults are switched at run time through files
in --control DIR, read on every request, so a test flips them without a
restart:
  CONTROL/fail   one path prefix per line ("/nist/"): answer 500
  CONTROL/drip   one path prefix per line: send the body 64 bytes every 0.2 s
                 (a slow upstream a test can kill a crawl during)
Every request is appended to CONTROL/requests.log ("CODE PATH").
"""
import argparse
import http.server
import os
import socketserver
import sys
import time


def prefixes(control, name):
    try:
        with open(os.path.join(control, name), encoding="utf-8") as f:
            return [line.strip() for line in f if line.strip()]
    except OSError:
        return []


class Handler(http.server.SimpleHTTPRequestHandler):
    control = "."

    def log_message(self, fmt, *args):  # quiet: the requests log says it all
        pass

    def note(self, code):
        try:
            with open(os.path.join(self.control, "requests.log"), "a", encoding="utf-8") as f:
                f.write("%s %s\n" % (code, self.path))
        except OSError:
            pass

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if any(path.startswith(p) for p in prefixes(self.control, "fail")):
            self.note(500)
            body = b"internal error (injected by upstream.py)\n"
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if any(path.startswith(p) for p in prefixes(self.control, "drip")):
            fpath = self.translate_path(path)
            try:
                with open(fpath, "rb") as f:
                    data = f.read()
            except OSError:
                self.send_error(404)
                return
            self.note(200)
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            try:
                for i in range(0, len(data), 64):
                    self.wfile.write(data[i:i + 64])
                    self.wfile.flush()
                    time.sleep(0.2)
            except OSError:
                pass
            return
        super().do_GET()
        self.note("GET")

    def do_POST(self):
        self.send_error(405)

    do_PUT = do_DELETE = do_POST


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--control", required=True)
    ap.add_argument("--port-file", required=True)
    a = ap.parse_args()
    os.chdir(a.root)
    Handler.control = os.path.abspath(a.control)
    Handler.directory = os.path.abspath(a.root)
    srv = Server(("127.0.0.1", 0), Handler)
    tmp = a.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(tmp, a.port_file)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
