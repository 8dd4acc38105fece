#!/usr/bin/env python3
"""An HTTP proxy on 127.0.0.1 that passes GET requests to --upstream, except those whose path
starts with --cut: for those it closes the connection without an answer, as a daemon that has
gone away would. The dashboard tests load the page through it to see what the page says when
the daemon cannot be reached.

Each request is appended to --out as one JSON line (path, cut). It listens on a port the
system picks, writes that port to --ready, and stops by itself after --lifetime seconds or when
the process that started it is gone.
"""
import argparse
import json
import socket
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler

from server_life import serve_http


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--lifetime", type=float, default=120)
    parser.add_argument("--upstream", required=True, help="e.g. http://127.0.0.1:8080")
    parser.add_argument("--cut", default="/api/")
    return parser.parse_args()


ARGS = parse_args()
LOCK = threading.Lock()


class Proxy(BaseHTTPRequestHandler):
    def do_GET(self):
        cut = self.path.startswith(ARGS.cut)
        with LOCK, open(ARGS.out, "a", encoding="utf-8") as out:
            out.write(json.dumps({"path": self.path, "cut": cut}) + "\n")
        if cut:
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        headers = {k: v for k, v in self.headers.items() if k.lower() in ("authorization", "accept")}
        try:
            with urllib.request.urlopen(urllib.request.Request(ARGS.upstream + self.path, headers=headers), timeout=10) as answer:
                status, body, answer_headers = answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            status, body, answer_headers = error.code, error.read(), error.headers
        self.send_response(status)
        for name in ("Content-Type", "Content-Security-Policy", "Cache-Control"):
            if answer_headers.get(name):
                self.send_header(name, answer_headers[name])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


def main():
    serve_http(Proxy, ARGS.ready, ARGS.lifetime)


if __name__ == "__main__":
    main()
