"""The life of a test server started by the Swift tests (`MonitorTestSupport.TestServer`): how
it hears a stop, how it says it is ready, and how it ends by itself, shared by every server here.
"""
import os
import signal
import threading
import time


def unblock_stop_signals():
    """A child inherits the signal mask of the thread that spawned it; Swift's test threads block
    SIGTERM, which would make the server deaf to the test's "stop"."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])


def announce(ready_path, port):
    """Writes the port to the ready file atomically, once the server accepts connections."""
    temporary = ready_path + ".tmp"
    with open(temporary, "w") as ready:
        ready.write(str(port))
    os.replace(temporary, ready_path)


class Lifetime:
    """Ends after `seconds`, or as soon as the process that started the server is gone, so that no
    server outlives a test run."""

    def __init__(self, seconds, clock=time.monotonic):
        self.clock = clock
        self.deadline = clock() + seconds
        self.parent = os.getppid()

    def alive(self):
        return self.clock() < self.deadline and os.getppid() == self.parent


def serve_http(handler, ready_path, lifetime_seconds):
    """Runs a threading HTTP server on 127.0.0.1 for `handler` until its lifetime ends."""
    from http.server import ThreadingHTTPServer

    unblock_stop_signals()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    announce(ready_path, server.server_address[1])
    lifetime = Lifetime(lifetime_seconds)
    while lifetime.alive():
        time.sleep(0.5)
    os._exit(0)
