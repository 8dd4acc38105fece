#!/usr/bin/env python3
"""A real HTTP receiver for the webhook tests, on 127.0.0.1.

Every request is appended to --out as one JSON line (method, path, headers, body) before the
answer is sent. The path chooses the answer: `/status/NNN` answers NNN with a short body,
`/hang` never answers (until the server stops), anything else answers 200.

It listens on a port the system picks, writes that port to --ready once it accepts
connections, and stops by itself after --lifetime seconds or when the process that started it
is gone, so that no server outlives a test run.
"""
import argparse
import json
import threading
import time
from http.server import BaseHTTPRequestHandler

from server_life import serve_http


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--lifetime", type=float, default=120)
    return parser.parse_args()


ARGS = parse_args()
LOCK = threading.Lock()


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        record = {"method": "POST", "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body}
        with LOCK, open(ARGS.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        if self.path == "/hang":
            time.sleep(ARGS.lifetime)
            return
        status = int(self.path.split("/")[2]) if self.path.startswith("/status/") else 200
        answer = f"answer {status} from the test receiver\n".encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):
        pass


def main():
    serve_http(Receiver, ARGS.ready, ARGS.lifetime)


if __name__ == "__main__":
    main()
