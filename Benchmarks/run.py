#!/usr/bin/env python3
"""Benchmark harness for `monitor` (issue 8): each scenario against a baseline measured in the same run.

It builds the release product (unless --monitor names a binary), generates its own data in a
temporary folder, runs every scenario several times after one unmeasured warm-up run of each
contender, and prints a Markdown table (median and min, peak memory, ratio, target, met/missed).
A full run (no --only, no explicit counts) also writes docs/performance.md, which says how each scenario is measured.

Standard library only, plus PyYAML with its libyaml C loader for the `check` baseline.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import http.server
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ["check", "apply", "scan", "scan-postgres", "first-scan", "anomaly", "promotion", "api", "memory", "dashboard", "scrub", "relink",
             "ping"]
MiB = 1 << 20

# Sizes: (check jobs, plan+apply jobs, scan jobs, promotion MiB, promotion files, api jobs, memory jobs,
# dashboard jobs, scrub MiB of kept versions, repetitions, wrk seconds)
SIZES = {
    "smoke": dict(check_jobs=50, apply_jobs=50, scan_jobs=40, promotion_mib=8, promotion_files=8, api_jobs=20,
                  memory_jobs=40, dashboard_jobs=40, scrub_mib=16, repeat=2, wrk_seconds=1,
                  relink_mib=8),
    "small": dict(check_jobs=1000, apply_jobs=1000, scan_jobs=1000, promotion_mib=128, promotion_files=8, api_jobs=1000,
                  memory_jobs=1000, dashboard_jobs=1000, scrub_mib=1024, repeat=3, wrk_seconds=5,
                  relink_mib=128),
    "full": dict(check_jobs=10000, apply_jobs=10000, scan_jobs=10000, promotion_mib=1024, promotion_files=8, api_jobs=1000,
                 memory_jobs=10000, dashboard_jobs=10000, scrub_mib=10240, repeat=5, wrk_seconds=10,
                  relink_mib=1024),
}
# The dashboard's browser driver (DevTools protocol over a pipe), shared with the browser tests.
BROWSER = ROOT / "Tests" / "Servers" / "browser.py"


class BenchError(Exception):
    pass


# --------------------------------------------------------------------------------------------
# Running and measuring commands


@dataclass
class Run:
    seconds: float
    max_rss_kib: int
    user: float
    system: float
    stdout: str


def run(argv: list[str] | str, *, cwd: Path | None = None, env: dict | None = None, shell: bool = False,
        check: bool = True, capture: bool = False) -> Run:
    """Runs a setup command (not measured for memory) to its end; fails with its standard error."""
    out = subprocess.PIPE if capture else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, shell=shell, stdout=out, stderr=subprocess.PIPE,
                               executable="/bin/bash" if shell else None)
    stdout, stderr = process.communicate()
    seconds = time.perf_counter() - started
    if check and process.returncode != 0:
        shown = argv if isinstance(argv, str) else " ".join(map(str, argv))
        raise BenchError(f"command failed ({process.returncode}): {shown}\n{(stderr or b'').decode(errors='replace')[-2000:]}")
    return Run(seconds, 0, 0.0, 0.0, (stdout or b"").decode(errors="replace"))


def measured(argv: list[str] | str, *, cwd: Path | None = None, env: dict | None = None, shell: bool = False) -> Run:
    """Like `run`, but reaps the child itself with os.wait4 to read its own peak RSS and CPU time.

    For a shell pipeline (`shell=True`), ru_maxrss is that of the largest process in the
    tree that was waited for (Linux reports the maximum over reaped descendants)."""
    stderr_file = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(argv, cwd=cwd, env=env, shell=shell, stdout=subprocess.DEVNULL, stderr=stderr_file,
                               executable="/bin/bash" if shell else None)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        stderr_file.seek(0)
        shown = argv if isinstance(argv, str) else " ".join(map(str, argv))
        raise BenchError(f"command failed ({process.returncode}): {shown}\n{stderr_file.read().decode(errors='replace')[-2000:]}")
    return Run(seconds, usage.ru_maxrss, usage.ru_utime, usage.ru_stime, "")


@dataclass
class Samples:
    runs: list[Run] = field(default_factory=list)

    def add(self, r: Run) -> None:
        self.runs.append(r)

    @property
    def median(self) -> float:
        return statistics.median(r.seconds for r in self.runs)

    @property
    def min(self) -> float:
        return min(r.seconds for r in self.runs)

    @property
    def max_rss_mib(self) -> float:
        return max(r.max_rss_kib for r in self.runs) / 1024

    @property
    def cpu_median(self) -> float:
        return statistics.median(r.user + r.system for r in self.runs)

    def text(self) -> str:
        return f"{fmt_s(self.median)} (min {fmt_s(self.min)}; CPU {fmt_s(self.cpu_median)})"


def fmt_s(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def combined(*parts: Run) -> Run:
    return Run(sum(p.seconds for p in parts), max(p.max_rss_kib for p in parts), sum(p.user for p in parts),
               sum(p.system for p in parts), "")


@dataclass
class Row:
    scenario: str
    product: str
    memory: str
    baseline: str
    ratio: str
    target: str
    met: bool | None  # None: informational, no target
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# Generated data


SCHEDULES = [
    ("0 2 * * *", "3h"), ("30 1 * * *", "2h"), ("15 */6 * * *", "1h30m"), ("@daily", "6h"),
    ("0 3 * * MON", "4h"), ("45 23 * * 1-5", "2h"), ("@weekly", "12h"), ("10 4 1 * *", "1d"),
    ("*/30 * * * *", "20m"), ("0 */2 * * *", "1h"),
]
TIMEZONES = ["UTC", "Europe/Paris", "America/New_York", "Asia/Tokyo", "Australia/Sydney"]
TEAMS = ["data", "web", "infra", "billing", "search", "mobile", "ml", "security"]
ENVS = ["prod", "staging", "dev"]


def job_name(i: int) -> str:
    return f"job-{i:05d}"


def write_config(folder: Path, jobs: int, *, destinations: int = 10, routes: bool = True,
                 scan_interval: str = "15m") -> Path:
    """A configuration of `jobs` jobs spread over destinations, schedules, timezones and labels."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["version: 1", "", "settings:", "  state: state.sqlite", f"  scan_interval: {scan_interval}",
             "  timezone: UTC", "", "destinations:"]
    for d in range(destinations):
        (folder / "backups" / f"d{d}").mkdir(parents=True, exist_ok=True)
        lines += [f"  nas-{d}:", f"    path: backups/d{d}", f"    keep_versions: {2 + d % 3}"]
    if routes:
        lines += ["", "alert_routes:",
                  "  ops-email:", "    email:", "      to: [ops@example.com, oncall@example.com]",
                  "      from: monitor@example.com", "      smtp_url: smtp://127.0.0.1:2525", "      tls: none",
                  "    on: [FAILED, MISSING, HASH_MISMATCH]", "    repeat_interval: 12h",
                  "  chat:", "    webhook:", "      url: http://127.0.0.1:9/hook", "      format: slack",
                  "    on: [FAILED, MISSING]"]
    lines += ["", "jobs:"]
    for i in range(jobs):
        schedule, window = SCHEDULES[i % len(SCHEDULES)]
        lines += [f"  {job_name(i)}:", f"    destination: nas-{i % destinations}", f'    schedule: "{schedule}"',
                  f"    window: {window}"]
        if i % 3 == 0:
            lines.append(f"    timezone: {TIMEZONES[i % len(TIMEZONES)]}")
        if i % 7 == 0:
            lines.append("    verify: none")
        if routes and i % 4 == 0:
            lines.append("    routes: [ops-email, chat]" if i % 8 == 0 else "    routes: [chat]")
        lines.append(f"    labels: {{team: {TEAMS[i % len(TEAMS)]}, env: {ENVS[i % len(ENVS)]}, shard: \"{i % 16}\"}}")
        lines.append(f"    description: Nightly dump number {i} of the {TEAMS[i % len(TEAMS)]} team's database")
    path = folder / "monitor.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def rfc3339(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def write_status(staging: Path, *, job: str | None, status: str, files: list[tuple[str, int, str]],
                 finished_at: dt.datetime, message: str | None = None) -> None:
    """STATUS.json per SPEC §3, written last and atomically (a temporary name, then rename)."""
    document: dict = {"status": status, "finished_at": rfc3339(finished_at),
                      "started_at": rfc3339(finished_at - dt.timedelta(minutes=7))}
    if job:
        document["job"] = job
    if files:
        document["files"] = [{"path": p, "size": s, "sha256": h} for p, s, h in files]
    if message:
        document["message"] = message
    document["producer"] = "monitor benchmark"
    temporary = staging / ".STATUS.json.tmp"
    temporary.write_text(json.dumps(document, indent=2) + "\n")
    os.replace(temporary, staging / "STATUS.json")


def write_tree(folder: Path, jobs: int, finished_at: dt.datetime, failed_every: int = 10) -> None:
    """A sealed staging folder per job: mostly SUCCESS with two small files, every 10th FAILED (or every `failed_every`th)."""
    rng = random.Random(8)
    for i in range(jobs):
        name = job_name(i)
        staging = folder / "backups" / f"d{i % 10}" / name / "staging"
        staging.mkdir(parents=True, exist_ok=True)
        if i % failed_every == failed_every - 1:
            write_status(staging, job=name, status="FAILED", files=[], finished_at=finished_at,
                         message="pg_dump: connection refused")
            continue
        files = []
        for part, size in (("dump.sql.gz", 1024 + rng.randrange(3072)), ("globals/roles.sql", 200 + rng.randrange(300))):
            data = rng.randbytes(size)
            target = staging / part
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            files.append((part, size, hashlib.sha256(data).hexdigest()))
        write_status(staging, job=name if i % 2 == 0 else None, status="SUCCESS", files=files, finished_at=finished_at)


# --------------------------------------------------------------------------------------------
# The harness


class Bench:
    def __init__(self, args: argparse.Namespace, monitor: Path, work: Path):
        self.args = args
        self.monitor = str(monitor)
        self.work = work
        self.rows: list[Row] = []
        self.facts: list[str] = []
        self.env = dict(os.environ, MONITOR_LOG_LEVEL="error")
        self.env.pop("MONITOR_STATE", None)
        self.env.pop("MONITOR_CONFIG", None)
        self._trees: dict[tuple[int, int], tuple[Path, Path]] = {}

    def m(self, *argv: str) -> list[str]:
        return [self.monitor, *argv]

    def log(self, text: str) -> None:
        print(f"bench: {text}", file=sys.stderr, flush=True)

    def add(self, row: Row) -> None:
        if self.args.smoke and row.met is not None:  # tiny sizes: the targets mean nothing there
            row.met, row.target = None, f"{row.target} (not judged in a smoke run)"
        self.rows.append(row)
        verdict = {True: "met", False: "MISSED", None: "-"}[row.met]
        self.log(f"{row.scenario}: {row.product} [{row.memory}] vs {row.baseline} ratio {row.ratio} -> {verdict}")

    # -- check ---------------------------------------------------------------------------------
    def check(self) -> None:
        n = self.args.check_jobs
        folder = self.work / "check"
        config = write_config(folder, n)
        self.log(f"check: {n} jobs, {config.stat().st_size / MiB:.1f} MiB of YAML")
        baseline_script = folder / "pyyaml_load.py"
        baseline_script.write_text(
            "import sys, yaml\n"
            "with open(sys.argv[1], 'rb') as f:\n"
            "    document = yaml.load(f, Loader=yaml.CSafeLoader)\n"
            "assert len(document['jobs']) == int(sys.argv[2])\n")
        product_cmd = self.m("check", "--config", str(config))
        baseline_cmd = [sys.executable, str(baseline_script), str(config), str(n)]
        product, baseline = Samples(), Samples()
        measured(product_cmd, env=self.env)  # warm-up, unmeasured
        measured(baseline_cmd)
        for _ in range(self.args.repeat):
            product.add(measured(product_cmd, env=self.env))
            baseline.add(measured(baseline_cmd))
        ratio = product.median / baseline.median
        self.add(Row(f"`check`, {n:,} jobs", product.text(), f"{product.max_rss_mib:.0f} MiB",
                     f"PyYAML CSafeLoader {baseline.text()}, {baseline.max_rss_mib:.0f} MiB", f"{ratio:.2f}×",
                     "≤ 2× and < 1 s", ratio <= 2 and product.median < 1))

    # -- plan + apply --------------------------------------------------------------------------
    def apply(self) -> None:
        n = self.args.apply_jobs
        folder = self.work / "apply"
        config = write_config(folder, n)
        plan_, apply_, total = Samples(), Samples(), Samples()
        for round_ in range(self.args.repeat + 1):  # round 0 warms up, unmeasured
            state = folder / f"state-{round_}.sqlite"
            p = measured(self.m("plan", "--config", str(config), "--state", str(state)), env=self.env)
            a = measured(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
            if round_:
                plan_.add(p), apply_.add(a), total.add(combined(p, a))
        row = Row(f"`plan` + `apply`, {n:,} jobs, new state", total.text(), f"{total.max_rss_mib:.0f} MiB", "—", "—",
                  "< 2 s", total.median < 2)
        row.notes.append(f"plan {fmt_s(plan_.median)}, apply {fmt_s(apply_.median)} (medians)")
        self.add(row)

    # -- steady-state scan ---------------------------------------------------------------------
    def scan_tree(self, n: int, failed_every: int = 10) -> tuple[Path, Path]:
        """A tree of n sealed jobs, applied and scanned once (everything promoted): steady state."""
        if (n, failed_every) in self._trees:
            return self._trees[(n, failed_every)]
        folder = self.work / f"tree-{n}-{failed_every}"
        config = write_config(folder, n, routes=False, scan_interval="1h")
        now = dt.datetime.now(dt.timezone.utc)
        self.log(f"tree of {n} jobs: writing staging folders")
        write_tree(folder, n, finished_at=now - dt.timedelta(minutes=20), failed_every=failed_every)
        state = folder / "state.sqlite"
        run(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
        self.log(f"tree of {n} jobs: first scan (promotes every SUCCESS)")
        first = measured(self.m("scan", "--state", str(state)), env=self.env)
        self.facts.append(f"First scan of {n:,} new jobs (promotes {n - n // 10:,} versions, flushed per batch): "
                          f"{fmt_s(first.seconds)}, {first.max_rss_kib / 1024:.0f} MiB peak.")
        self._trees[(n, failed_every)] = (folder, state)
        return folder, state

    def scan(self) -> None:
        n = self.args.scan_jobs
        folder, state = self.scan_tree(n)
        product_cmd = self.m("scan", "--state", str(state))
        baseline_cmd = f"find {folder / 'backups'} -name STATUS.json -printf '%p %T@\\n' > /dev/null"
        product, baseline = Samples(), Samples()
        measured(product_cmd, env=self.env)
        measured(baseline_cmd, shell=True)
        for _ in range(self.args.repeat):
            product.add(measured(product_cmd, env=self.env))
            baseline.add(measured(baseline_cmd, shell=True))
        listed = int(subprocess.run(f"find {folder / 'backups'} -name STATUS.json | wc -l", shell=True,
                                    capture_output=True, text=True).stdout)
        ratio = product.median / baseline.median
        row = Row(f"steady-state `scan`, {n:,} jobs", product.text(), f"{product.max_rss_mib:.0f} MiB",
                  f"`find` {baseline.text()}", f"{ratio:.2f}×", "≤ 3×", ratio <= 3)
        row.notes.append(f"find lists {listed:,} STATUS.json (staging and promoted versions)")
        self.add(row)

    # -- the shared PostgreSQL state ----------------------------------------------------------------
    def scan_postgres(self) -> None:
        """The steady-state scan of the same tree with a PostgreSQL state (issue 14: ≤ 2× the SQLite scan),
        on a throwaway server of this machine (scripts/postgres-test-server), alternating the two."""
        n = self.args.scan_jobs
        _, sqlite_state = self.scan_tree(n)
        # Its own folder, open to the unprivileged user the server runs as when this runs as root.
        parent = Path(tempfile.mkdtemp(prefix="monitor-bench-postgres-"))
        os.chmod(parent, 0o755)
        server = parent / "server"
        url = run([str(ROOT / "scripts/postgres-test-server"), "start", str(server), "--watch", str(os.getpid())],
                  capture=True).stdout.strip()
        try:
            env = dict(self.env, PGPASSWORD=(server / "password").read_text().strip())
            psql = sorted(Path("/usr/lib/postgresql").glob("*/bin/psql"))[-1]
            run([str(psql), "-X", "-q", url, "-c", "CREATE DATABASE bench"], env=env)
            state = url.rsplit("/", 1)[0] + "/bench?sslmode=disable"
            folder = self.work / f"tree-postgres-{n}"
            config = write_config(folder, n, routes=False, scan_interval="1h")
            # Every destination on one host, whose agent the scans are.
            config.write_text(config.read_text().replace("  timezone: UTC\n", "  timezone: UTC\n  default_host: bench\n", 1))
            env["MONITOR_HOST"] = "bench"
            write_tree(folder, n, finished_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20))
            run(self.m("apply", "--config", str(config), "--state", state), env=env)
            first = measured(self.m("scan", "--state", state), env=env)
            self.facts.append(f"First scan of {n:,} new jobs with a PostgreSQL state: {fmt_s(first.seconds)}.")
            postgres_cmd, sqlite_cmd = self.m("scan", "--state", state), self.m("scan", "--state", str(sqlite_state))
            on_postgres, on_sqlite = Samples(), Samples()
            measured(postgres_cmd, env=env)
            measured(sqlite_cmd, env=self.env)
            for _ in range(self.args.repeat):
                on_sqlite.add(measured(sqlite_cmd, env=self.env))
                on_postgres.add(measured(postgres_cmd, env=env))
            ratio = on_postgres.median / on_sqlite.median
            self.add(Row(f"steady-state `scan`, {n:,} jobs, PostgreSQL state", on_postgres.text(), f"{on_postgres.max_rss_mib:.0f} MiB",
                         f"same scan, SQLite state {on_sqlite.text()}", f"{ratio:.2f}×", "≤ 2×", ratio <= 2))
            self.agents_at_once(psql, url, env)
        finally:
            run([str(ROOT / "scripts/postgres-test-server"), "stop", str(server)], check=False)
            shutil.rmtree(parent, ignore_errors=True)

    def agents_at_once(self, psql: Path, url: str, env: dict) -> None:
        """Three agents of one PostgreSQL state, each with its host's share of the jobs (3 × 3,000 at full size),
        scanning and delivering at once: every scan must succeed and no notification may be claimed twice."""
        per = max(20, self.args.scan_jobs * 3 // 10)
        folder = self.work / "tree-agents"
        # Every job's problems go to one webhook, answered at once by a receiver here that counts them.
        received: list[bytes] = []

        class Receiver(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                received.append(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: object) -> None:
                pass

        receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        config = write_config(folder, 3 * per, destinations=3, routes=False, scan_interval="1h")
        text = config.read_text()
        for d in range(3):
            text = text.replace(f"  nas-{d}:\n", f"  nas-{d}:\n    host: h{d}\n", 1)
        text = text.replace("\njobs:\n", f"\nalert_routes:\n  hook:\n    webhook:\n      url: http://127.0.0.1:{receiver.server_port}/hook\n"
                            "    on: [FAILED, MISSING, HASH_MISMATCH]\n\njobs:\n", 1)
        text = text.replace("\n    labels:", "\n    routes: [hook]\n    labels:")
        config.write_text(text)
        write_tree(folder, 3 * per, finished_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20))
        run([str(psql), "-X", "-q", url, "-c", "CREATE DATABASE agents"], env=env)
        state = url.rsplit("/", 1)[0] + "/agents?sslmode=disable"
        # Applied two days ago: each job has expected runs to judge, and its problems notifications to queue.
        applied_at = rfc3339(dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2))
        run(self.m("apply", "--config", str(config), "--state", state, "--now", applied_at), env=env)
        started = time.perf_counter()
        processes = [subprocess.Popen(self.m("scan", "--state", state, "--host", f"h{d}"), env=env, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE) for d in range(3)]
        outcomes = [(p.wait(), p.stderr.read().decode(errors="replace")) for p in processes]
        seconds = time.perf_counter() - started
        receiver.shutdown()
        counts = run([str(psql), "-X", "-A", "-t", state, "-c",
                      "SELECT count(*), count(DISTINCT dedup_key), count(*) FILTER (WHERE delivered_at IS NOT NULL), "
                      "count(*) FILTER (WHERE attempts > 1), (SELECT count(*) FROM agent), (SELECT count(*) FROM occurrence) FROM outbox"],
                     env=env, capture=True).stdout.strip().split("|")
        rows, keys, delivered, twice, agents, occurrences = map(int, counts)
        failed = [f"h{d}: exit {code}: {err.strip()[-300:]}" for d, (code, err) in enumerate(outcomes) if code != 0]
        # Each notification reached the receiver exactly once: as many requests as rows, all delivered, none twice.
        ok = (not failed and rows > 0 and rows == keys == delivered == len(received) and twice == 0 and agents == 3
              and occurrences >= 3 * per)
        row = Row(f"3 agents × {per:,} jobs scanning at once, PostgreSQL state", f"{fmt_s(seconds)} (all three)", "",
                  "—", "", "no error, no duplicate", ok)
        row.notes.append(f"{occurrences:,} occurrences decided; {rows:,} notifications queued, {delivered:,} delivered, "
                         f"{len(received):,} received by the webhook, {twice} attempted twice; {agents} agents reported; "
                         + ("; ".join(failed) or "every scan exited 0"))
        self.add(row)

    # -- anomaly detection ---------------------------------------------------------------------
    def anomaly(self) -> None:
        """The steady-state scan with anomaly detection on (the default) against the same scan of
        the same tree with `anomaly: false` on every job, alternating blocks (issue 16: ≤ 1.2×)."""
        n = self.args.scan_jobs
        folder, state = self.scan_tree(n)
        on_config = folder / "monitor.yaml"
        off_config = folder / "monitor-anomaly-off.yaml"
        off_config.write_text(on_config.read_text().replace("\n    window:", "\n    anomaly: false\n    window:"))
        scan_cmd = self.m("scan", "--state", str(state))
        on, off = Samples(), Samples()
        for _ in range(max(1, self.args.repeat // 2)):
            for config, samples in ((off_config, off), (on_config, on)):
                run(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
                measured(scan_cmd, env=self.env)  # warm
                for _ in range(2):
                    samples.add(measured(scan_cmd, env=self.env))
        ratio = on.median / off.median
        self.add(Row(f"steady-state `scan`, {n:,} jobs, anomaly detection on", on.text(), f"{on.max_rss_mib:.0f} MiB",
                     f"same scan, `anomaly: false` {off.text()}", f"{ratio:.2f}×", "≤ 1.2×", ratio <= 1.2))

    # -- promotion -----------------------------------------------------------------------------
    def promotion(self) -> None:
        """Promotion by `monitor scan` against its physical bound (issue 19): it must flush every byte to disk
        (`cp` + `sync` of the same files) and hash every byte (OpenSSL's SHA-256, the fastest there is, its CPU
        time spread over the cores when there are several files; one file's hash runs on one core). Three cases:
        8 files and one file on the temporary folder's file system (copied), and 8 files on a loop-mounted XFS
        image (cloned, then read once to hash), when this machine allows mounting one."""
        total_mib, count = self.args.promotion_mib, self.args.promotion_files
        self.promotion_case(self.work / "promotion", total_mib, count, target=1.25, cpu_target=1.3)
        self.promotion_case(self.work / "promotion-one", total_mib, 1, target=1.5, cpu_target=None)
        xfs, reason = self.mount_xfs(self.work / "xfs", total_mib)
        if xfs is None:
            self.facts.append(f"Promotion on XFS (clone): not measured: {reason}.")
            return
        try:
            self.promotion_case(xfs / "promotion", total_mib, count, target=None, cpu_target=None, fs="XFS")
        finally:
            run(["umount", "-l", str(xfs)], check=False)

    def mount_xfs(self, folder: Path, total_mib: int) -> tuple[Path | None, str]:
        """A sparse XFS image (reflink on, mkfs.xfs's default) loop-mounted under `folder`, or why not."""
        if os.geteuid() != 0:
            return None, "mounting a loop device needs root"
        if not shutil.which("mkfs.xfs"):
            return None, "mkfs.xfs is not installed (xfsprogs; scripts/setup-test-deps installs it)"
        folder.mkdir(parents=True)
        image, mount = folder / "xfs.img", folder / "mnt"
        mount.mkdir()
        with open(image, "wb") as f:
            f.truncate(max(4 * total_mib, 1024) * MiB)
        made = subprocess.run(["mkfs.xfs", "-q", "-f", str(image)], capture_output=True, text=True)
        if made.returncode != 0:
            return None, f"mkfs.xfs failed: {made.stderr.strip()[-200:]}"
        mounted = subprocess.run(["mount", "-o", "loop", str(image), str(mount)], capture_output=True, text=True)
        if mounted.returncode != 0 or fs_type(mount) != "xfs":
            return None, f"loop mounting is not permitted here (mount -o loop: {mounted.stderr.strip()[-200:]})"
        return mount, ""

    def promotion_case(self, folder: Path, total_mib: int, count: int, *, target: float | None,
                       cpu_target: float | None, fs: str | None = None) -> None:
        cores = os.cpu_count() or 1
        job = folder / "backups" / "d0" / "promo"
        staging = job / "staging"
        staging.mkdir(parents=True)
        fs = fs or fs_type(folder)
        self.log(f"promotion ({fs}): writing {total_mib} MiB in {count} file{'s' if count > 1 else ''}")
        names = []
        for i in range(count):
            path = staging / f"part-{i}.bin"
            with open(path, "wb") as f:  # random-ish: 1 MiB random blocks, each made unique
                block = bytearray(os.urandom(MiB))
                for k in range(total_mib // count):
                    block[:8] = (i * 1_000_003 + k).to_bytes(8, "little")
                    f.write(block)
            names.append(str(path))
        config_lines = ["version: 1", "settings:", "  scan_interval: 1h", "destinations:", "  nas-0:",
                        f"    path: {folder / 'backups' / 'd0'}", "    keep_versions: 100", "jobs:", "  promo:",
                        "    destination: nas-0", '    schedule: "0 2 * * *"', "    window: 3h"]
        config = folder / "monitor.yaml"
        config.write_text("\n".join(config_lines) + "\n")
        sources = " ".join(names)
        copy = folder / "copy"

        def fresh() -> None:  # sources in the page cache, no copy left, no write-back pending
            run(f"cat {sources} > /dev/null; rm -rf {copy} {job / 'versions'} {job / 'current_version'}; sync", shell=True)

        contenders = {
            "cp + sync": f"mkdir {copy} && cp {sources} {copy}/ && sync",
            "openssl": f"openssl dgst -sha256 {sources} > /dev/null",
        }
        samples = {name: Samples() for name in [*contenders, "seal", "promote"]}
        freed = []
        # Each contender in a block of its own runs (the first unmeasured): on a virtual machine the cost of
        # writing into the page cache depends on how the pages freed just before were last written.
        for name, command in contenders.items():
            for round_ in range(self.args.repeat + 1):
                fresh()
                r = measured(command, shell=True)
                if round_:
                    samples[name].add(r)
        for round_ in range(self.args.repeat + 1):
            # The producer's side: `monitor seal` hashes every byte with the product's SHA-256.
            finished = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1 + round_)
            r = measured(self.m("seal", str(staging), "--status", "SUCCESS", "--job", "promo",
                                "--message", f"round {round_}", "--finished-at", rfc3339(finished)), env=self.env)
            if round_:
                samples["seal"].add(r)
            state = folder / f"state-{round_}.sqlite"
            run(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
            fresh()
            free = shutil.disk_usage(folder).free
            r = measured(self.m("scan", "--state", str(state), "--now", rfc3339(dt.datetime.now(dt.timezone.utc))),
                         env=self.env)
            freed.append(free - shutil.disk_usage(folder).free)
            if not (job / "current_version").exists():
                raise BenchError("promotion: the scan did not promote (no current_version)")
            if round_:
                samples["promote"].add(r)
        fresh()
        promote, cp_sync, openssl = samples["promote"], samples["cp + sync"], samples["openssl"]
        spread = min(cores, count)  # one file's SHA-256 is one stream, on one core
        hash_bound = openssl.cpu_median / spread
        bound = max(cp_sync.median, hash_bound)
        ratio = promote.median / bound
        cpu_bound = cp_sync.cpu_median + openssl.cpu_median
        cpu_ratio = promote.cpu_median / cpu_bound
        label = f"{total_mib / 1024:g} GiB" if total_mib >= 1024 else f"{total_mib} MiB"
        files = f"{count} files" if count > 1 else "one file"
        how = "clone + hashing read" if fs == "XFS" else "copy, hashed as written"
        row = Row(f"promotion by `scan`, {label} in {files}, {fs} ({how})", promote.text(), f"{promote.max_rss_mib:.0f} MiB",
                  f"bound {fmt_s(bound)}: max(`cp` + `sync` {cp_sync.text()}, OpenSSL SHA-256 CPU "
                  f"{fmt_s(openssl.cpu_median)} ÷ {spread})", f"{ratio:.2f}×",
                  f"≤ {target}× the bound" if target else "— (shown beside the copy)", ratio <= target if target else None)
        row.notes.append(f"disk space taken by each new version: {max(freed) / MiB:.0f} MiB at most")
        self.add(row)
        if cpu_target:
            self.add(Row("", f"CPU {fmt_s(promote.cpu_median)}", "",
                         f"`cp` CPU {fmt_s(cp_sync.cpu_median)} + OpenSSL CPU {fmt_s(openssl.cpu_median)}",
                         f"{cpu_ratio:.2f}×", f"CPU ≤ {cpu_target}×", cpu_ratio <= cpu_target))
        seal = samples["seal"]
        gib = total_mib / 1024
        self.facts.append(
            f"Promotion, {label} in {files} on {fs}: `cp` + `sync` {cp_sync.text()}; OpenSSL SHA-256 "
            f"{openssl.text()}, {gib / openssl.cpu_median:.2f} GiB per CPU second; `monitor seal` (the product's "
            f"SHA-256, Swift Crypto over BoringSSL, one thread) {seal.text()}, {gib / seal.cpu_median:.2f} GiB per CPU "
            f"second. The product took {fmt_s(promote.cpu_median)} of CPU ({cpu_ratio:.2f}× `cp` + OpenSSL).")

    # -- first scan ------------------------------------------------------------------------------
    def first_scan(self) -> None:
        """The first scan of a tree of new jobs (9 in 10 SUCCESS with two small files, every one promoted)
        against copying the same staging folders with `cp -r` and flushing them with `sync`."""
        n = self.args.scan_jobs
        folder = self.work / f"first-scan-{n}"
        config = write_config(folder, n, routes=False, scan_interval="1h")
        self.log(f"first scan: writing {n} staging folders")
        write_tree(folder, n, finished_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20))
        backups, copy = folder / "backups", folder / "copy"
        # Every job's versions/ and current_version gone, and nothing left to write back.
        reset = (f"find {backups} -mindepth 3 -maxdepth 3 \\( -name versions -o -name current_version \\) "
                 f"-exec rm -rf {{}} +; rm -rf {copy}; sync")
        product, baseline = Samples(), Samples()
        promoted = 0
        for round_ in range(min(3, self.args.repeat) + 1):  # round 0 warms up, unmeasured
            run(reset, shell=True)
            b = measured(f"cp -r {backups} {copy} && sync", shell=True)
            state = folder / f"state-{round_}.sqlite"
            run(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
            run(reset, shell=True)
            p = measured(self.m("scan", "--state", str(state)), env=self.env)
            promoted = sum(1 for _ in backups.glob("d*/*/current_version"))
            if round_:
                product.add(p), baseline.add(b)
        expected = n - n // 10
        if promoted != expected:
            raise BenchError(f"first scan: {promoted} jobs promoted, expected {expected}")
        ratio = product.median / baseline.median
        row = Row(f"first `scan`, {n:,} new jobs", product.text(), f"{product.max_rss_mib:.0f} MiB",
                  f"`cp -r` + `sync` {baseline.text()}", f"{ratio:.2f}×", "≤ 3×", ratio <= 3)
        row.notes.append(f"promotes {expected:,} versions of two small files; flushed once per batch of promotions")
        self.add(row)

    # -- scrub ---------------------------------------------------------------------------------
    def scrub(self) -> None:
        """Re-reading kept versions against their recorded SHA-256s (`monitor verify`, the code the daemon's scrub
        runs within its budget) against `openssl dgst -sha256` of the same files, both from the page cache."""
        total_mib, versions, per_version = self.args.scrub_mib, 4, 4
        folder = self.work / "scrub"
        job = folder / "backups" / "scrub"
        staging = job / "staging"
        config = folder / "monitor.yaml"
        config.parent.mkdir(parents=True)
        config.write_text("\n".join([
            "version: 1", "settings:", "  scan_interval: 1h", "destinations:", "  nas:", f"    path: {folder / 'backups'}",
            f"    keep_versions: {versions}", "jobs:", "  scrub:", "    destination: nas", '    schedule: "0 2 * * *"',
            "    window: 3h"]) + "\n")
        state = folder / "state.sqlite"
        run(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
        self.log(f"scrub: promoting {versions} versions of {total_mib / versions:g} MiB")
        now = dt.datetime.now(dt.timezone.utc)
        file_mib = max(1, total_mib // (versions * per_version))
        for v in range(versions):
            shutil.rmtree(staging, ignore_errors=True)
            staging.mkdir(parents=True)
            for i in range(per_version):
                with open(staging / f"part-{i}.bin", "wb") as f:
                    block = bytearray(os.urandom(MiB))
                    for k in range(file_mib):
                        block[:8] = (v * 1_000_003 + i * 10_007 + k).to_bytes(8, "little")
                        f.write(block)
            finished = now - dt.timedelta(minutes=versions - v)
            run(self.m("seal", str(staging), "--status", "SUCCESS", "--job", "scrub", "--finished-at", rfc3339(finished)),
                env=self.env)
            run(self.m("scan", "--state", str(state), "--now", rfc3339(now)), env=self.env)
        shutil.rmtree(staging, ignore_errors=True)
        files = sorted(str(p) for p in (job / "versions").glob("*/part-*.bin"))
        if len(files) != versions * per_version:
            raise BenchError(f"scrub: expected {versions * per_version} promoted files, found {len(files)}")
        gib = sum(os.path.getsize(f) for f in files) / (1 << 30)
        product_cmd = self.m("verify", "--state", str(state))
        baseline_cmd = ["openssl", "dgst", "-sha256", *files]
        warm = f"cat {' '.join(files)} > /dev/null"
        product, baseline = Samples(), Samples()
        run(warm, shell=True)
        measured(product_cmd, env=self.env)  # warm-up, unmeasured
        measured(baseline_cmd)
        for _ in range(self.args.repeat):
            product.add(measured(product_cmd, env=self.env))
            baseline.add(measured(baseline_cmd))
        ratio = product.median / baseline.median
        label = f"{gib:.3g} GiB"
        row = Row(f"scrub (`verify`), {label} of kept versions", product.text(), f"{product.max_rss_mib:.0f} MiB",
                  f"`openssl dgst -sha256` {baseline.text()}", f"{ratio:.2f}×", "≤ 1.2×", ratio <= 1.2)
        row.notes.append(f"{versions} versions of {per_version} files; {gib / product.median:.2f} GiB/s")
        self.add(row)
        self.facts.append(
            f"Scrub, {label}: `monitor verify` reads every file of every kept version once and compares its SHA-256 with "
            f"the one recorded at promotion (the daemon's scrub runs the same code, {fmt_s(product.median)} of it spread "
            f"over scans by `settings.scrub.budget`); `openssl dgst -sha256` of the same files {baseline.text()}.")

    # -- the daemon ----------------------------------------------------------------------------
    # -- re-promotion with link_unchanged ------------------------------------------------------
    def relink(self) -> None:
        """Re-promotion of an unchanged backup with `promote: link_unchanged` (SPEC §14): the scan reads and
        hashes every staged byte, then hard-links every file from the current version. Against `openssl dgst
        -sha256` of the same bytes, the files divided among the cores (one openssl per core, in parallel), both
        from the page cache; and the data blocks the new version adds (none)."""
        total_mib, count = self.args.relink_mib, 8
        cores = os.cpu_count() or 1
        folder = self.work / "relink"
        job = folder / "backups" / "relink"
        staging = job / "staging"
        staging.mkdir(parents=True)
        self.log(f"relink: writing {total_mib} MiB in {count} files")
        files = []
        for i in range(count):
            path = staging / f"part-{i}.bin"
            with open(path, "wb") as f:
                block = bytearray(os.urandom(MiB))
                for k in range(max(1, total_mib // count)):
                    block[:8] = (i * 1_000_003 + k).to_bytes(8, "little")
                    f.write(block)
            files.append(str(path))
        config = folder / "monitor.yaml"
        config.write_text("\n".join([
            "version: 1", "settings:", "  scan_interval: 1h", "destinations:", "  nas:", f"    path: {folder / 'backups'}",
            "    keep_versions: 100", "    promote: link_unchanged", "jobs:", "  relink:", "    destination: nas",
            '    schedule: "0 2 * * *"', "    window: 3h"]) + "\n")
        state = folder / "state.sqlite"
        run(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
        now = dt.datetime.now(dt.timezone.utc)

        def seal_and_scan(minute: int, measure: bool) -> Run | None:
            run(self.m("seal", str(staging), "--status", "SUCCESS", "--job", "relink", "--message", f"round {minute}",
                       "--finished-at", rfc3339(now - dt.timedelta(minutes=100 - minute))), env=self.env)
            run(f"cat {' '.join(files)} > /dev/null; sync", shell=True)
            command = self.m("scan", "--state", str(state), "--now", rfc3339(now))
            if measure:
                return measured(command, env=self.env)
            run(command, env=self.env)
            return None

        def data_inodes() -> dict[int, int]:  # inode -> 512-byte blocks, of every promoted part file
            inodes = {}
            for p in (job / "versions").glob("*/part-*.bin"):
                info = p.stat()
                inodes[info.st_ino] = info.st_blocks
            return inodes

        seal_and_scan(0, False)  # the first version: copied
        first = data_inodes()
        if len(first) != count:
            raise BenchError(f"relink: the first scan promoted {len(first)} files, expected {count}")
        groups = [files[i::cores] for i in range(cores)]
        baseline_cmd = " & ".join(f"openssl dgst -sha256 {' '.join(g)} > /dev/null" for g in groups if g) + " & wait"
        product, baseline = Samples(), Samples()
        measured(baseline_cmd, shell=True)  # warm-up, unmeasured
        du_added = []
        for round_ in range(1, self.args.repeat + 2):  # round 1 warms up, unmeasured
            before = int(run(["du", "-sk", str(job / "versions")], capture=True).stdout.split()[0])
            r = seal_and_scan(round_, True)
            du_added.append(int(run(["du", "-sk", str(job / "versions")], capture=True).stdout.split()[0]) - before)
            if round_ > 1:
                product.add(r)
                baseline.add(measured(baseline_cmd, shell=True))
        inodes = data_inodes()
        versions = len([p for p in (job / "versions").iterdir() if not p.name.startswith(".")])
        new_blocks = sum(blocks for inode, blocks in inodes.items() if inode not in first)
        if versions != self.args.repeat + 2:
            raise BenchError(f"relink: expected {self.args.repeat + 2} versions, found {versions}")
        ratio = product.median / baseline.median
        gib = total_mib / 1024
        label = f"{gib:g} GiB" if total_mib >= 1024 else f"{total_mib} MiB"
        row = Row(f"re-promotion of an unchanged {label} backup (`link_unchanged`)", product.text(),
                  f"{product.max_rss_mib:.0f} MiB", f"`openssl dgst -sha256` on {cores} cores {baseline.text()}",
                  f"{ratio:.2f}×", "≤ 1.25×", ratio <= 1.25)
        row.notes.append(f"{count} files; data blocks added: {new_blocks}; `du` growth per version: {max(du_added)} KiB")
        self.add(row)
        self.add(Row("", f"{new_blocks} data blocks added", "", "", "", "0", new_blocks == 0 and len(inodes) == count))
        self.facts.append(
            f"Re-promotion, {label} unchanged with `promote: link_unchanged`: every staged byte is read and hashed (two "
            f"files at a time), then each file is hard-linked from the current version; {versions} versions share "
            f"{len(inodes)} inodes; each new version grew `du` by {max(du_added)} KiB at most (its folder and STATUS.json). "
            f"Baseline: `openssl dgst -sha256` of the same files split among {cores} parallel processes.")

    def start_daemon(self, state: Path, log: Path, extra_env: dict | None = None) -> tuple[subprocess.Popen, str]:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        started = time.time()
        env = dict(self.env, MONITOR_LOG_LEVEL="warning", **(extra_env or {}))
        process = subprocess.Popen(self.m("run", "--state", str(state), "--listen", f"127.0.0.1:{port}"), env=env,
                                   stdout=subprocess.DEVNULL, stderr=open(log, "wb"), start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        floor = dt.datetime.fromtimestamp(int(started), dt.timezone.utc)
        deadline = time.time() + self.args.daemon_timeout
        while time.time() < deadline:
            if process.poll() is not None:
                raise BenchError(f"the daemon exited ({process.returncode}): {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
                    health = json.load(answer)
            except urllib.error.HTTPError as error:
                health = json.load(error)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                health = {}
            last = health.get("last_scan_at")
            if last and dt.datetime.fromisoformat(last.replace("Z", "+00:00")) >= floor:
                return process, base
            time.sleep(0.1)
        self.stop_daemon(process)
        raise BenchError(f"the daemon did not finish its first scan within {self.args.daemon_timeout} s")

    @staticmethod
    def stop_daemon(process: subprocess.Popen) -> None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.returncode not in (0, -signal.SIGKILL):
            raise BenchError(f"the daemon did not stop cleanly: exit {process.returncode}")

    @staticmethod
    def memory(pid: int) -> dict[str, int]:
        values = {}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0])  # KiB
        return values

    def memory_scenario(self) -> None:
        n = self.args.memory_jobs
        folder, state = self.scan_tree(n)
        time.sleep(1.2)  # the daemon's first scan must finish in a later second than the last one
        process, base = self.start_daemon(state, self.work / f"daemon-memory-{n}.log")
        try:
            after_scan = self.memory(process.pid)
            with urllib.request.urlopen(base + "/api/jobs", timeout=60) as answer:
                jobs = len(json.load(answer)["jobs"])
            after_get = self.memory(process.pid)
        finally:
            self.stop_daemon(process)
        if jobs != n:
            raise BenchError(f"memory: /api/jobs listed {jobs} jobs, expected {n}")
        rss, hwm = after_scan["VmRSS"] / 1024, after_scan["VmHWM"] / 1024
        row = Row(f"daemon memory, {n:,} jobs, after its first scan", f"RSS {rss:.0f} MiB, peak {hwm:.0f} MiB",
                  f"{hwm:.0f} MiB", "—", "—", "peak RSS ≤ 100 MiB", hwm <= 100)
        row.notes.append(f"after one GET /api/jobs: RSS {after_get['VmRSS'] / 1024:.0f} MiB, peak {after_get['VmHWM'] / 1024:.0f} MiB")
        self.add(row)

    def api(self) -> None:
        if not shutil.which("wrk"):
            raise BenchError("wrk is not installed (scripts/setup-test-deps installs it)")
        n = self.args.api_jobs
        folder, state = self.scan_tree(n)
        time.sleep(1.2)
        process, base = self.start_daemon(state, self.work / f"daemon-api-{n}.log")
        try:
            url = base + "/api/jobs"
            started = time.perf_counter()
            with urllib.request.urlopen(url, timeout=60) as answer:
                body = answer.read()
            cold = time.perf_counter() - started
            if len(json.loads(body)["jobs"]) != n:
                raise BenchError(f"api: /api/jobs did not list {n} jobs")
            run(["wrk", "-t2", "-c16", "-d1s", url])  # warm-up, unmeasured
            seconds = self.args.wrk_seconds
            out = run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url], capture=True).stdout
            memory = self.memory(process.pid)
        finally:
            self.stop_daemon(process)
        rps, p99, errors = parse_wrk(out)
        row = Row(f"`GET /api/jobs`, {n:,} jobs (`wrk -t2 -c16 -d{seconds}s`)", f"{rps:,.0f} req/s, p99 {fmt_s(p99)}",
                  f"{memory['VmHWM'] / 1024:.0f} MiB", "—", "—", "≥ 1,000 req/s, p99 ≤ 50 ms",
                  rps >= 1000 and p99 <= 0.050 and not errors)
        row.notes.append(f"first (cold) GET {fmt_s(cold)}, {len(body) / 1024:.0f} KiB")
        if errors:
            row.notes.append(f"wrk: {errors}")
        self.add(row)


    # -- pings (source: ping) while scans run ---------------------------------------------------
    PING_JOBS = 10
    PING_LUA = """
-- POST pings round the ping jobs, each connection at most one request per `pace` ms.
local key, jobs, pace = "%(key)s", %(jobs)d, %(pace)d
local counter = 0
local body = string.rep("backup finished: 1234 files, 5.6 GiB\\n", 4)
request = function()
  counter = counter + 1
  local path = string.format("/ping/%%s/ping-%%03d", key, counter %% jobs)
  return wrk.format("POST", path, {["Content-Type"] = "text/plain"}, body)
end
delay = function() return pace end
"""

    def ping(self) -> None:
        """Pings answered while full scans of a status-file tree run back to back: wrk at a paced
        1,000+ pings/s against the same pace on `GET /healthz` (a read of the state), both during scans."""
        if not shutil.which("wrk"):
            raise BenchError("wrk is not installed (scripts/setup-test-deps installs it)")
        n = self.args.api_jobs
        folder = self.work / f"ping-{n}"
        config = write_config(folder, n, routes=False, scan_interval="1h")
        text = config.read_text().replace("  timezone: UTC\n", "  timezone: UTC\n  ping_key_env: MONITOR_PING_KEY\n"
                                          "  api_token_env: MONITOR_API_TOKEN\n", 1)
        for i in range(self.PING_JOBS):
            text += (f"  ping-{i:03d}:\n    source: ping\n    destination: nas-0\n    schedule: \"*/5 * * * *\"\n"
                     f"    window: 1h\n")
        config.write_text(text)
        write_tree(folder, n, finished_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=20))
        state = folder / "state.sqlite"
        run(self.m("apply", "--config", str(config), "--state", str(state)), env=self.env)
        run(self.m("scan", "--state", str(state)), env=self.env)
        time.sleep(1.2)
        key, token = "bench-ping-key", "bench-token"
        process, base = self.start_daemon(state, self.work / "daemon-ping.log",
                                          {"MONITOR_PING_KEY": key, "MONITOR_API_TOKEN": token})
        connections, pace = 25, 20  # at most 25 / 20 ms = 1,250 requests/s; about 1,000 with the time answers take (the rate)
        script = folder / "ping.lua"
        script.write_text(self.PING_LUA % {"key": key, "jobs": self.PING_JOBS, "pace": pace})
        healthz = folder / "healthz.lua"
        healthz.write_text(f"delay = function() return {pace} end\n")
        seconds = max(self.args.wrk_seconds, 5) if not self.args.smoke else 1
        scans: list[float] = []
        stop = False

        def scan_loop() -> None:  # full scans back to back, through the daemon's own queue
            while not stop:
                started = time.perf_counter()
                request = urllib.request.Request(base + "/api/scan", method="POST", headers={"Authorization": f"Bearer {token}"})
                with urllib.request.urlopen(request, timeout=300) as answer:
                    answer.read()
                scans.append(time.perf_counter() - started)

        try:
            run(["wrk", "-t2", "-c4", "-d1s", "-s", str(script), base])  # warm-up, unmeasured
            load_before = load()
            scanner = threading.Thread(target=scan_loop, daemon=True)
            scanner.start()
            time.sleep(0.5)
            ping_out = run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), base],
                           capture=True).stdout
            base_out = run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(healthz),
                            base + "/healthz"], capture=True).stdout
            stop = True
            scanner.join(timeout=300)
            load_after = load()
            memory = self.memory(process.pid)
            # Every answered ping is recorded as a run once the judge has caught up.
            time.sleep(2)
            request = urllib.request.Request(base + "/api/scan", method="POST", headers={"Authorization": f"Bearer {token}"})
            urllib.request.urlopen(request, timeout=300).read()
        finally:
            stop = True
            self.stop_daemon(process)
        rps, p99, errors = parse_wrk(ping_out)
        base_rps, base_p99, base_errors = parse_wrk(base_out)
        answered = sum(int(x) for x in re.findall(r"(\d+) requests in", ping_out))
        with sqlite3.connect(state) as db:
            recorded = db.execute("SELECT count(*) FROM status_file WHERE job LIKE 'ping-%'").fetchone()[0]
            kept = db.execute("SELECT count(*) FROM ping").fetchone()[0]
        ratio = p99 / base_p99 if base_p99 else float("inf")
        row = Row(f"pings (`POST /ping/KEY/JOB`, 148-byte body) while full scans of {n:,} jobs run back to back "
                  f"(`wrk -t2 -c{connections} -d{seconds}s`, each connection paced at {pace} ms)",
                  f"{rps:,.0f} pings/s, p99 {fmt_s(p99) if p99 >= 0.001 else f'{p99 * 1e6:.0f} µs'}",
                  f"{memory['VmHWM'] / 1024:.0f} MiB",
                  f"`GET /healthz` at the same pace: {base_rps:,.0f} req/s, p99 "
                  f"{fmt_s(base_p99) if base_p99 >= 0.001 else f'{base_p99 * 1e6:.0f} µs'}",
                  f"{ratio:.2f}× (p99)", "≥ 1,000 pings/s, p99 ≤ 20 ms, none lost",
                  rps >= 1000 and p99 <= 0.020 and not errors and recorded >= answered)
        row.notes.append(f"{len(scans)} full scans during the runs (median {fmt_s(statistics.median(scans)) if scans else '—'}); "
                         f"{answered:,} pings answered, {recorded:,} runs recorded, {kept:,} pings kept in the state; "
                         f"load average {load_before} before, {load_after} after")
        if errors or base_errors:
            row.notes.append(f"wrk: {errors or base_errors}")
        self.add(row)

    # -- the dashboard: conditional polls, filters, rendering -----------------------------------
    def dashboard(self) -> None:
        if not shutil.which("wrk"):
            raise BenchError("wrk is not installed (scripts/setup-test-deps installs it)")
        if not (shutil.which("chromium") or shutil.which("chromium-browser")):
            raise BenchError("chromium is not installed (scripts/setup-test-deps installs it)")
        n = self.args.dashboard_jobs
        failed_every = 100 if n >= 1000 else 10
        folder, state = self.scan_tree(n, failed_every)
        time.sleep(1.2)
        process, base = self.start_daemon(state, self.work / f"daemon-dashboard-{n}.log")
        port = int(base.rsplit(":", 1)[1])
        seconds = self.args.wrk_seconds
        try:
            whole = http_exchange(port, dashboard_request(port))
            packed = http_exchange(port, dashboard_request(port, gzip=True))
            etag = packed.headers.get("etag")
            if whole.status != 200 or packed.status != 200 or not etag:
                raise BenchError(f"dashboard: GET /api/jobs answered {whole.status}/{packed.status}, ETag {etag!r}")
            if len(json.loads(whole.body)["jobs"]) != n:
                raise BenchError(f"dashboard: /api/jobs did not list {n} jobs")
            poll_request = dashboard_request(port, gzip=True, etag=etag)
            poll = http_exchange(port, poll_request)
            if poll.status != 304 or poll.body:
                raise BenchError(f"dashboard: a poll with If-None-Match answered {poll.status} with {len(poll.body)} bytes")
            filtered_url = base + "/api/jobs?status=FAILED"
            filtered = http_exchange(port, dashboard_request(port, path="/api/jobs?status=FAILED"))
            failed = len(json.loads(filtered.body)["jobs"])
            if failed != n // failed_every:
                raise BenchError(f"dashboard: ?status=FAILED listed {failed} jobs, expected {n // failed_every}")

            url = base + "/api/jobs"
            run(["wrk", "-t2", "-c16", "-d1s", url])  # warm-up, unmeasured
            plain_out = run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", url], capture=True).stdout
            poll_out = run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", "-H", f"If-None-Match: {etag}",
                            "-H", "Accept-Encoding: gzip, deflate, br, zstd", url], capture=True).stdout
            filter_out = run(["wrk", "-t2", "-c16", f"-d{seconds}s", "--latency", filtered_url], capture=True).stdout

            # Chromium: the dashboard until its rows and counts show, against fetching and parsing
            # the same document in a page that renders nothing (the cost of the data alone).
            render, data = [], []
            for round_ in range(self.args.repeat + 1):  # round 0 warms up, unmeasured
                shown = browser_eval(base + "/", RENDERED_JS % n)
                alone = browser_eval(base + "/healthz", FETCH_PARSE_JS)
                if shown["rows"] < 1 or alone["jobs"] != n:
                    raise BenchError(f"dashboard: the page showed {shown}, the fetch read {alone}")
                if round_:
                    render.append(shown["ms"] / 1000)
                    data.append(alone["ms"] / 1000)
            rows_shown = shown["rows"]
            memory = self.memory(process.pid)
        finally:
            self.stop_daemon(process)
        plain_rps, plain_p99, plain_errors = parse_wrk(plain_out)
        poll_rps, poll_p99, poll_errors = parse_wrk(poll_out)
        filter_rps, filter_p99, filter_errors = parse_wrk(filter_out)
        wire = len(poll_request) + poll.wire_bytes
        baseline = (f"unconditional `GET /api/jobs` {plain_rps:,.0f} req/s, p99 {fmt_s(plain_p99)}; "
                    f"{whole.wire_bytes / 1024:,.0f} KiB per poll ({packed.wire_bytes / 1024:,.0f} KiB gzipped)")
        row = Row(f"dashboard poll of an unchanged document, {n:,} jobs (`If-None-Match`, `wrk -t2 -c16 -d{seconds}s`)",
                  f"{poll_rps:,.0f} req/s, p99 {fmt_s(poll_p99)}", f"{memory['VmHWM'] / 1024:.0f} MiB", baseline,
                  f"{poll_rps / plain_rps:.1f}× req/s", "≤ 1 KiB on the wire, ≥ 5,000 req/s",
                  wire <= 1024 and poll_rps >= 5000 and not poll_errors)
        row.notes.append(f"304 on the wire: request {len(poll_request)} B + answer {poll.wire_bytes} B = {wire} B")
        if poll_errors:
            row.notes.append(f"wrk: {poll_errors}")
        self.add(row)
        row = Row(f"`GET /api/jobs?status=FAILED`, {failed:,} of {n:,} jobs", f"{filter_rps:,.0f} req/s, p99 {fmt_s(filter_p99)}",
                  "", f"unconditional `GET /api/jobs` (above) {plain_rps:,.0f} req/s", f"{filter_rps / plain_rps:.1f}×",
                  "≥ 2,000 req/s, p99 ≤ 20 ms", filter_rps >= 2000 and filter_p99 <= 0.020 and not filter_errors)
        row.notes.append(f"{filtered.wire_bytes / 1024:,.0f} KiB per answer")
        if filter_errors or plain_errors:
            row.notes.append(f"wrk: {filter_errors or plain_errors}")
        self.add(row)
        r, d = Samples(), Samples()
        for seconds_ in render:
            r.add(Run(seconds_, 0, 0.0, 0.0, ""))
        for seconds_ in data:
            d.add(Run(seconds_, 0, 0.0, 0.0, ""))
        row = Row(f"headless Chromium renders the dashboard, {n:,} jobs", f"{fmt_s(r.median)} (min {fmt_s(r.min)})", "",
                  f"fetch + `JSON.parse` of `/api/jobs` alone {fmt_s(d.median)} (min {fmt_s(d.min)})",
                  f"{r.median / d.median:.2f}×", "≤ 2 s", r.median <= 2)
        row.notes.append(f"from navigation to the first {rows_shown} rows and the status counts painted")
        self.add(row)


# A realistic request of the dashboard's poll (headers as Chromium sends them for fetch()).
def dashboard_request(port: int, *, path: str = "/api/jobs", gzip: bool = False, etag: str | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: keep-alive", "Accept: application/json",
             "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 "
             "Safari/537.36", "Sec-Fetch-Site: same-origin", "Sec-Fetch-Mode: cors", "Sec-Fetch-Dest: empty",
             "Accept-Language: en-US,en;q=0.9"]
    if gzip:
        lines.append("Accept-Encoding: gzip, deflate, br, zstd")
    if etag:
        lines.append(f"If-None-Match: {etag}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@dataclass
class Exchange:
    status: int
    headers: dict
    body: bytes
    wire_bytes: int  # the whole answer: status line, headers and body


def http_exchange(port: int, request: bytes) -> Exchange:
    """One request on a fresh connection; the answer read by its Content-Length (none for a 304)."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                raise BenchError(f"the daemon closed the connection: {data[:200]!r}")
            data += chunk
        head, _, rest = data.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = 0 if status in (204, 304) else int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = s.recv(1 << 20)
            if not chunk:
                break
            rest += chunk
        return Exchange(status, headers, rest[:length], len(head) + 4 + length)


RENDERED_JS = """(async () => {
  const ready = () => document.querySelectorAll('#job-rows tr').length > 0
    && document.getElementById('summary').textContent.startsWith('%d jobs')
    && document.querySelectorAll('#counts button').length > 0;
  const deadline = performance.now() + 120000;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error('not rendered: ' + document.getElementById('summary').textContent);
    await new Promise((r) => setTimeout(r, 5));
  }
  await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  return { ms: performance.now(), rows: document.querySelectorAll('#job-rows tr').length };
})()"""

FETCH_PARSE_JS = """(async () => {
  const answer = await fetch('/api/jobs', { cache: 'no-store', headers: { Accept: 'application/json' } });
  const document_ = await answer.json();
  return { ms: performance.now(), jobs: document_.jobs.length };
})()"""


def browser_eval(url: str, expression: str) -> dict:
    out = run([sys.executable, str(BROWSER), url, "--timeout", "180", "--eval", expression], capture=True).stdout
    return json.loads(out)[0]


def parse_wrk(out: str) -> tuple[float, float, str]:
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p99 = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
    if not rps or not p99:
        raise BenchError(f"cannot read wrk's output:\n{out}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0}[p99.group(2)]
    errors = "; ".join(line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line)
    return float(rps.group(1)), float(p99.group(1)) * scale, errors


# --------------------------------------------------------------------------------------------
# Machine, report, main


def machine() -> dict[str, str]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown")
    mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    try:
        swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    except (OSError, IndexError):
        swift = "unknown"
    sha_ni = "sha_ni" in Path("/proc/cpuinfo").read_text()
    return {"CPU": f"{cpu} ({'with' if sha_ni else 'without'} SHA extensions)", "cores": str(os.cpu_count()),
            "memory": f"{mem_kib / 1024 / 1024:.1f} GiB", "kernel": platform.release(), "Swift": swift,
            "file system of the temporary folder": fs_type(Path(tempfile.gettempdir()))}


def fs_type(path: Path) -> str:
    out = subprocess.run(["df", "--output=fstype", str(path)], capture_output=True, text=True).stdout.split()
    return out[-1] if out else "unknown"


def table(rows: list[Row]) -> str:
    lines = ["| scenario | product (median, min) | product peak memory | baseline (median, min) | ratio | target | result |",
             "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        result = {True: "met", False: "**missed**", None: "—"}[r.met]
        product = r.product + "".join(f"<br>{n}" for n in r.notes)
        lines.append(f"| {r.scenario} | {product} | {r.memory} | {r.baseline} | {r.ratio} | {r.target} | {result} |")
    return "\n".join(lines)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def build(args: argparse.Namespace) -> Path:
    if args.monitor:
        path = Path(args.monitor).resolve()
        if not os.access(path, os.X_OK):
            raise BenchError(f"--monitor {args.monitor}: not an executable file")
        return path
    configuration = "debug" if args.smoke else "release"
    scratch = args.scratch_path or (".build" if args.smoke else ".build-release")
    print(f"bench: building monitor ({configuration}, --scratch-path {scratch})", file=sys.stderr, flush=True)
    subprocess.run(["swift", "build", "-c", configuration, "--scratch-path", scratch, "--product", "monitor"],
                   cwd=ROOT, check=True)
    return ROOT / scratch / configuration / "monitor"


def require_pyyaml() -> str:
    try:
        import yaml
    except ImportError:
        raise BenchError("PyYAML is not installed: run scripts/setup-test-deps (pip install PyYAML)")
    if not hasattr(yaml, "CSafeLoader"):
        raise BenchError(f"PyYAML {yaml.__version__} has no yaml.CSafeLoader (built without libyaml): the baseline "
                         "must be the C loader; reinstall PyYAML from a wheel (pip install --force-reinstall PyYAML)")
    return yaml.__version__


def document(args, rows, facts, info, load_before, load_after, started, elapsed, pyyaml, wrk) -> str:
    met = sum(1 for r in rows if r.met is True)
    judged = sum(1 for r in rows if r.met is not None)
    command = "scripts/bench" + ("" if args.size == "full" else f" --size {args.size}")
    parts = [
        "# Performance", "",
        "Measured by `scripts/bench` (the harness is `Benchmarks/run.py`): each scenario runs against a "
        "baseline in the same run, on data the harness generates in a temporary folder. Every contender runs "
        f"once unmeasured (to warm the page cache alike), then {args.repeat} times; times are the median and the "
        "minimum of wall-clock time, CPU is the median of user + system time, memory is the peak resident set (`wait4` for commands, `/proc/PID/status` "
        "VmRSS and VmHWM for the daemon). Other work on the machine shows in the load average below: "
        "numbers measured under load are slower than on a quiet machine.", "",
        f"Run of {started:%Y-%m-%d %H:%M} UTC, size `{args.size}`, {elapsed / 60:.1f} minutes. "
        f"Targets met: {met} of {judged}.", "",
        table(rows), "",
        "## Notes", "",
        *[f"- {f}" for f in facts], "",
        "## Machine", "",
        *[f"- {k}: {v}" for k, v in info.items()],
        f"- load average (1, 5, 15 min) before: {load_before}; after: {load_after}",
        f"- baselines: Python {platform.python_version()}, PyYAML {pyyaml} (yaml.CSafeLoader), "
        f"{subprocess.run(['find', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}, "
        f"{subprocess.run(['cp', '--version'], capture_output=True, text=True).stdout.splitlines()[0]}, {wrk}", "",
        "## Scenarios", "",
        "- `check`: `monitor check --config monitor.yaml` of a generated file (jobs over 10 destinations, 10 schedules, "
        "5 timezones, labels, two alert routes) against `python3` loading the same file with `yaml.load(..., "
        "Loader=yaml.CSafeLoader)`; both include their process start.",
        "- `plan` + `apply`: `monitor plan` then `monitor apply` of the same configuration into a new state file.",
        "- steady-state `scan`: a tree with a sealed `staging/STATUS.json` per job (9 in 10 SUCCESS with two small files, "
        "1 in 10 FAILED), applied and scanned once (everything promoted); then `monitor scan` with nothing new, against "
        "`find ROOT -name STATUS.json -printf '%p %T@\\n'` over the same tree.",
        "- promotion: files of random data in `staging/`, sealed by `monitor seal`, promoted by `monitor scan --now T` "
        "into a new state (copy, hash while copying, flush, rename, switch). Before each contender the sources are read "
        "into the page cache, the previous copy removed and `sync` run. The bound is what no promotion can beat: "
        "max(`cp` of the files then `sync`, OpenSSL's SHA-256 CPU time over the files ÷ the cores they can be spread "
        "over — one file's hash is one stream); the CPU row compares with `cp`'s CPU plus OpenSSL's. The XFS row runs "
        "on a loop-mounted XFS image, where promotion clones each file and reads the clone once to hash it (`cp` "
        "clones there too).",
        "- first `scan`: the steady-state tree before its first scan (every `versions/` and `current_version` removed, "
        "`sync`), scanned into a freshly applied state, against `cp -r` of the same `backups/` tree then `sync`.",
        "- `GET /api/jobs`: `monitor run` over a steady-state tree, after its first scan; one cold request, "
        "a 1 s `wrk` warm-up, then `wrk -t2 -c16 -dNs --latency`.",
        "- daemon memory: `monitor run` over a steady-state tree; VmRSS and VmHWM once its first scan has finished "
        "(`/healthz` reports a scan newer than the daemon's start).",
        "- dashboard: `monitor run` over a steady-state tree in which 1 job in 100 FAILED. A poll whose document did not "
        "change: the dashboard's request with the `ETag` of the last answer in `If-None-Match` (bytes counted on a "
        "socket, request and `304` answer), then `wrk` with the same headers; against `wrk` fetching the whole "
        "document as a poll without a tag would. `?status=FAILED`: `wrk` of the filtered answer. Rendering: headless "
        "Chromium driven over the DevTools protocol (`Tests/Servers/browser.py`) from navigation until the first rows "
        "and the status counts are painted (`performance.now()`), against the same browser fetching and parsing the "
        "document in a page that renders nothing.",
        "- scrub: 4 kept versions of 4 files of random data each, promoted by `monitor scan`; `monitor verify --state S` "
        "(every file of every kept version read and hashed, compared with the recorded SHA-256s, the check recorded in "
        "the state) against `openssl dgst -sha256` of the same files; both read them from the page cache.",
        "- pings: `monitor run` over a steady-state tree plus 10 `source: ping` jobs; full scans are asked for back to back "
        "(`POST /api/scan`) while `wrk` POSTs pings round the ping jobs (a Lua script; each of 25 connections waits 20 ms "
        "between requests, so about 1,200 pings/s are offered), then the same paced load on `GET /healthz` (a read of the "
        "state) as the baseline. After the runs the state must hold a recorded run for every ping answered.", "",
        "## Reproduce", "",
        "```sh",
        "scripts/setup-test-deps          # wrk and PyYAML among the test dependencies",
        f"{command}                    # builds the release product, runs every scenario, writes this page",
        "scripts/bench --only scan --scan-jobs 2000   # one scenario, explicit size; prints the table only",
        "scripts/bench --smoke --monitor .build/debug/monitor   # tiny sizes, no targets (part of scripts/test)",
        "```", "",
        "The older in-process promotion benchmark (promotion through `Promoter` directly, no process start or "
        "state) is still there: `MONITOR_PROMOTION_BENCHMARK=1 swift test -c release -Xswiftc -enable-testing "
        "--filter PromotionBenchmark` (see `Tests/MonitorRuntimeTests/PromotionBenchmark.swift`).", "",
    ]
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=["small", "full"], default="full", help="data sizes (default full: the issue's)")
    parser.add_argument("--smoke", action="store_true",
                        help="tiny sizes, debug build unless --monitor; no targets enforced, writes no docs")
    parser.add_argument("--monitor", help="benchmark this binary instead of building one")
    parser.add_argument("--scratch-path", help="swift build scratch folder (default .build-release; .build with --smoke)")
    parser.add_argument("--only", action="append", choices=SCENARIOS, help="run only this scenario (repeatable)")
    for key, value in SIZES["full"].items():
        parser.add_argument("--" + key.replace("_", "-"), type=int, help=f"override the size (full: {value})")
    parser.add_argument("--daemon-timeout", type=float, default=300, help="seconds to wait for the daemon's first scan")
    parser.add_argument("--output", default=str(ROOT / "docs" / "performance.md"), help="the Markdown page to write")
    parser.add_argument("--no-docs", action="store_true", help="print the table, write no page")
    parser.add_argument("--keep", action="store_true", help="keep the generated data (its folder is printed)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if args.smoke:
        args.size = "smoke"
    for key, value in SIZES[args.size].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    custom = any(getattr(args, k) != v for k, v in SIZES[args.size].items())
    write_docs = not (args.smoke or args.no_docs or args.only or custom)

    try:
        pyyaml = require_pyyaml() if not args.only or "check" in args.only else "-"
        if (not args.only or {"api", "dashboard", "ping"} & set(args.only)) and not shutil.which("wrk"):
            raise BenchError("wrk is not installed: run scripts/setup-test-deps (apt-get install wrk)")
        monitor = build(args)
        started = dt.datetime.now(dt.timezone.utc)
        t0 = time.perf_counter()
        load_before = load()
        work = Path(tempfile.mkdtemp(prefix="monitor-bench-"))
        bench = Bench(args, monitor, work)
        try:
            bench.log(f"{monitor} on data in {work}; load average {load_before}")
            steps = {"check": bench.check, "apply": bench.apply, "scan": bench.scan, "scan-postgres": bench.scan_postgres, "first-scan": bench.first_scan, "anomaly": bench.anomaly, "promotion": bench.promotion,
                     "api": bench.api, "memory": bench.memory_scenario, "dashboard": bench.dashboard,
                     "scrub": bench.scrub, "relink": bench.relink, "ping": bench.ping}
            for name in SCENARIOS:
                if not args.only or name in args.only:
                    steps[name]()
            load_after = load()
            elapsed = time.perf_counter() - t0
            report(args, bench, pyyaml, started, elapsed, load_before, load_after, write_docs)
        finally:
            if args.keep:
                bench.log(f"data kept in {work}")
            else:
                bench.log(f"removing {work}")
                shutil.rmtree(work, ignore_errors=True)
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    if args.smoke:
        return 0
    missed = [r for r in bench.rows if r.met is False]
    return 1 if args.strict and missed else 0


def report(args, bench: Bench, pyyaml: str, started, elapsed: float, load_before: str, load_after: str,
           write_docs: bool) -> None:
    print(table(bench.rows))
    for fact in bench.facts:
        print(f"- {fact}")
    print(f"- load average before: {load_before}; after: {load_after}; {elapsed:.0f} s", flush=True)
    if write_docs:
        wrk = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        wrk_version = (wrk.stdout or wrk.stderr).split(" [")[0].strip() or "wrk"
        text = document(args, bench.rows, bench.facts, machine(), load_before, load_after, started, elapsed, pyyaml,
                        wrk_version)
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        Path(args.output).write_text(text)
        print(f"bench: wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
