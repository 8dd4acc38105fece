#!/usr/bin/env python3
"""Regenerate Tests/MonitorCoreTests/Fixtures/cron/table.json with croniter.

The table is the independent check of MonitorCore's cron engine (CronSchedule): for every
expression, time zone and start instant it records the next NEXT_COUNT instants after the
start and the PREV_COUNT instants before it, as croniter computes them. CronScheduleTests
replays each step (next(after:) from the previous instant, latest(atOrBefore:) from one second
before it) and fails on any difference that is not listed, one by one, in that test.

Pinned: croniter 7.0.0 (python-dateutil 2.9.0.post0, Python 3.11, tzdata 2025b from the
system zoneinfo). Other versions may handle daylight saving differently: regenerate with
the pinned one, and update the test's list of allowed differences only with a reason.

    python3 -m pip install 'croniter==7.0.0'
    python3 scripts/gen-cron-table.py            # writes the table next to the tests

croniter is built with implement_cron_bug=True: Vixie cron's day rule, which MonitorCore
follows (the day fields combine with OR only when neither starts with "*"; croniter alone
would also OR "*/2" with a weekday).
"""

import json
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import croniter as croniter_module
from croniter import croniter

CRONITER_VERSION = "7.0.0"
NEXT_COUNT = 10
PREV_COUNT = 6
YEAR = 2026

# Every syntax feature, each macro, the day-of-month/day-of-week rule, names, Feb 29, and the
# shapes that meet daylight saving (times in the skipped or repeated hour, dense steps).
EXPRESSIONS = [
    "* * * * *",
    "*/15 * * * *",
    "*/20 * * * *",
    "5,35 * * * *",
    "0-10/5 * * * *",
    "7/20 * * * *",
    "*/5 1-3 * * *",
    "0 * * * *",
    "30 */2 * * *",
    "0 */6 * * *",
    "0 0 * * *",
    "0 2 * * *",
    "30 2 * * *",
    "45 2 * * *",
    "1 2 * * *",
    "0,30 2 * * *",
    "15 2,3 * * *",
    "0 1-3 * * *",
    "59 1 * * *",
    "0 3 * * *",
    "0 22 * * 1-5",
    "0 9-17/2 * * MON-FRI",
    "10 2 * * 0",
    "0 0 * * 7",
    "0 0 * * sun",
    "0 12 * * 5-7",
    "0 0 * * 1/2",
    "0 0 * * 6,0",
    "0 0 1 * *",
    "0 0 1,15 * *",
    "0 0 31 * *",
    "0 0 30 * *",
    "0 0 1 */3 *",
    "0 0,12 1 */2 *",
    "0 0 * JAN-MAR,OCT *",
    "0 6 * jan,jul mon",
    "45 23 31 12 *",
    "0 0 29 2 *",
    "0 0 29 2 1",
    "0 0 29 2 */3",
    "0 12 13 * FRI",
    "0 0 1 * MON",
    "30 4 1-7 * 1",
    "0 0 */2 * MON",
    "0  2 *\t* *",
    "@yearly",
    "@annually",
    "@monthly",
    "@weekly",
    "@daily",
    "@midnight",
    "@hourly",
]

# UTC; a northern and a southern DST zone; a half-hour zone without DST; New York; and
# Chatham (+12:45/+13:45), whose transitions happen at :45 local.
ZONES = [
    "UTC",
    "Europe/Paris",
    "America/New_York",
    "Australia/Sydney",
    "Asia/Kolkata",
    "Pacific/Chatham",
]

# Start instants in every zone: ordinary moments of the year, second fractions aside.
COMMON_STARTS = [
    "2026-01-01T00:00:00Z",
    "2026-02-27T13:37:11Z",
    "2026-06-30T23:59:59Z",
    "2026-12-31T23:30:00Z",
]

# Around each transition T: the day before, the hours before, just before, just after.
TRANSITION_OFFSETS = [
    -timedelta(hours=26),
    -timedelta(minutes=95),
    -timedelta(minutes=5),
    timedelta(minutes=20),
]


def utc(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def transitions(zone, year):
    """The instants (UTC) where the zone's offset changes during `year`, to the second."""
    tz = ZoneInfo(zone)
    found = []
    moment = datetime(year, 1, 1, tzinfo=timezone.utc)
    end = datetime(year + 1, 1, 1, tzinfo=timezone.utc)
    step = timedelta(hours=1)
    while moment < end:
        after = moment + step
        if moment.astimezone(tz).utcoffset() != after.astimezone(tz).utcoffset():
            low, high = moment, after
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                if middle.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = middle
                else:
                    high = middle
            found.append(high)
        moment = after
    return found


def starts(zone):
    result = [utc(text) for text in COMMON_STARTS]
    for transition in transitions(zone, YEAR):
        result += [transition + offset for offset in TRANSITION_OFFSETS]
    return sorted(set(result))


def sequence(expression, zone, start, count, backwards):
    """count instants from croniter, as Unix seconds."""
    local_start = start.astimezone(ZoneInfo(zone))
    iterator = croniter(expression, local_start, implement_cron_bug=True)
    step = iterator.get_prev if backwards else iterator.get_next
    return [int(step(datetime).timestamp()) for _ in range(count)]


def tzdata_version():
    try:
        with open("/usr/share/zoneinfo/tzdata.zi", encoding="utf-8") as file:
            return file.readline().split()[-1]
    except OSError:
        return "unknown"


def main():
    installed = getattr(croniter_module, "__version__", None)
    if installed is None:
        from importlib.metadata import version

        installed = version("croniter")
    if installed != CRONITER_VERSION:
        sys.exit(f"croniter {installed} is installed; the table is pinned to {CRONITER_VERSION}")

    cases = []
    for expression in EXPRESSIONS:
        for zone in ZONES:
            for start in starts(zone):
                cases.append(
                    {
                        "expression": expression,
                        "zone": zone,
                        "start": int(start.timestamp()),
                        "next": sequence(expression, zone, start, NEXT_COUNT, backwards=False),
                        "prev": sequence(expression, zone, start, PREV_COUNT, backwards=True),
                    }
                )

    header = {
        "generator": "scripts/gen-cron-table.py",
        "croniter": CRONITER_VERSION,
        "python": sys.version.split()[0],
        "tzdata": tzdata_version(),
        "croniterOptions": "implement_cron_bug=True",
        "meaning": "next: croniter get_next from start, then from each result (strictly after). "
        "prev: get_prev from start, then from each result (strictly before). Unix seconds.",
        "expressions": len(EXPRESSIONS),
        "zones": ZONES,
        "cases": len(cases),
    }
    output = Path(__file__).resolve().parent.parent / "Tests/MonitorCoreTests/Fixtures/cron/table.json"
    output.parent.mkdir(parents=True, exist_ok=True)
    # One case per line: small diffs when the table is regenerated.
    lines = [json.dumps(case, separators=(",", ":")) for case in cases]
    text = '{"header":' + json.dumps(header, separators=(",", ":")) + ',\n"cases":[\n' + ",\n".join(lines) + "\n]}\n"
    output.write_text(text, encoding="utf-8")
    print(f"wrote {len(cases)} cases to {output} ({len(text)} bytes)")


if __name__ == "__main__":
    main()
