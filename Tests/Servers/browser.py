#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol over a pipe (--remote-debugging-pipe),
with the standard library only: opens a page, optionally with `prefers-color-scheme: dark`,
evaluates JavaScript expressions in it one after the other (promises are awaited) and prints
their values as one JSON array. A screenshot can be saved too.

Used by the dashboard's browser tests and by the benchmark harness (render time):

    browser.py URL [--dark] [--width 1200 --height 900] [--timeout 60]
               [--screenshot FILE.png] --eval EXPR [--eval EXPR ...]

An expression that throws (or a promise that rejects) makes the script exit 1 with the error.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


class Browser:
    def __init__(self, width, height, timeout):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="monitor-chromium-")
        # Chromium reads commands from fd 3 and writes answers to fd 4 (NUL-terminated JSON).
        to_chromium_r, self.to_chromium = os.pipe()
        self.from_chromium, from_chromium_w = os.pipe()

        def arrange_fds():
            # Copied out of the way first, in case either end already is fd 3 or 4.
            reading, writing = os.dup(to_chromium_r), os.dup(from_chromium_w)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        chromium = shutil.which("chromium") or shutil.which("chromium-browser")
        if chromium is None:
            sys.exit("browser.py: chromium is not installed (run scripts/setup-test-deps)")
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--remote-debugging-pipe",
             f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=arrange_fds, pass_fds=(3, 4), env={**os.environ, "HOME": self.profile})
        os.close(to_chromium_r)
        os.close(from_chromium_w)
        self.next_id = 0
        self.buffer = b""
        self.width, self.height = width, height

    def send(self, method, params=None, session=None):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chromium, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            while b"\0" not in self.buffer:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no answer to {method} within {self.timeout} s")
                chunk = os.read(self.from_chromium, 1 << 20)
                if not chunk:
                    raise RuntimeError("chromium closed the pipe")
                self.buffer += chunk
            raw, self.buffer = self.buffer.split(b"\0", 1)
            answer = json.loads(raw)
            if answer.get("id") == self.next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def open(self, url, dark):
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Emulation.setEmulatedMedia", {"features": [
            {"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]}, session)
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False}, session)
        self.send("Page.enable", {}, session)
        self.send("Runtime.enable", {}, session)
        self.send("Page.navigate", {"url": url}, session)
        # Evaluate only in the new document, once its scripts are parsed (deferred ones included).
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                state = self.evaluate(session, "location.href === 'about:blank' ? 'blank' : document.readyState")
            except RuntimeError:
                state = None  # the old document's context went away mid-call
            if state in ("interactive", "complete"):
                return session
            if time.monotonic() > deadline:
                raise TimeoutError(f"{url} did not load within {self.timeout} s")
            time.sleep(0.01)

    def evaluate(self, session, expression):
        result = self.send("Runtime.evaluate", {
            "expression": expression, "awaitPromise": True, "returnByValue": True,
            "timeout": int(self.timeout * 1000)}, session)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            text = details.get("exception", {}).get("description") or details.get("text")
            raise RuntimeError(f"{expression[:80]}…: {text}")
        return result["result"].get("value")

    def close(self):
        try:
            self.send("Browser.close")
        except Exception:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--dark", action="store_true")
    parser.add_argument("--width", type=int, default=1200)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--screenshot")
    parser.add_argument("--eval", action="append", default=[])
    args = parser.parse_args()
    browser = Browser(args.width, args.height, args.timeout)
    try:
        session = browser.open(args.url, args.dark)
        values = [browser.evaluate(session, expression) for expression in args.eval]
        if args.screenshot:
            import base64
            shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
            with open(args.screenshot, "wb") as f:
                f.write(base64.b64decode(shot["data"]))
        print(json.dumps(values))
    except Exception as error:  # reported to the test, which shows it
        print(f"browser.py: {error}", file=sys.stderr)
        sys.exit(1)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
