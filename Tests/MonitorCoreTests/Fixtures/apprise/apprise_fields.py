#!/usr/bin/env python3
"""What Apprise reads from notification URLs: the oracle of the URL channel's parsing tests.

Reads a JSON array of URLs on stdin and prints a JSON array with, for each URL, either
{"url": U, "fields": {...}} (the fields named as monitor names them, every value a string) or
{"url": U, "error": "..."} when Apprise refuses the URL. The Swift test compares these fields
with monitor's, one by one; a disagreement fails it.

Defaults that Apprise fills in when the URL leaves a part out (PagerDuty's source "Apprise" and
component "Notification") are reported as "" (absent), as monitor reports them.
"""
import json
import sys

import apprise


def text(value):
    return "" if value is None else str(value)


def ntfy(p):
    fields = {"host": p.host, "port": text(p.port), "secure": "true" if p.secure else "false", "topic": ",".join(p.topics)}
    if p.mode == "cloud":
        # ntfy://topic: the public server, over HTTPS.
        fields.update(host="ntfy.sh", port="", secure="true")
    if p.auth == "token" and p.token:
        fields["token"] = p.token
    elif p.user:
        fields["user"] = p.user
        fields["password"] = text(p.password)
    return fields


def gotify(p):
    return {"host": p.host, "port": text(p.port), "secure": "true" if p.secure else "false", "path": p.fullpath, "token": p.token}


def telegram(p):
    return {"bot_token": p.bot_token, "chat": ",".join(str(t[0]) for t in p.targets)}


def discord(p):
    return {"webhook_id": p.webhook_id, "webhook_token": p.webhook_token, "botname": text(p.user)}


def pushover(p):
    devices = [d for d in p.devices if d != "ALL_DEVICES"]
    return {"user_key": p.user_key, "token": p.token, "device": ",".join(devices)}


def matrix(p):
    token = p.access_token or (p.password if not p.user else None)
    return {"host": p.host, "port": text(p.port), "secure": "true" if p.secure else "false", "access_token": text(token), "room": ",".join(p.rooms)}


def pagerduty(p):
    return {
        "integration_key": p.integration_key,
        "apikey": p.apikey,
        "source": "" if p.source == "Apprise" else p.source,
        "component": "" if p.component == "Notification" else p.component,
        "region": p.region_name,
    }


def workflows(p):
    return {
        "host": p.host,
        "port": text(p.port),
        "workflow": p.workflow,
        "signature": p.signature,
        "power_automate": "true" if p.power_automate else "false",
        "api_version": p.api_version,
    }


READERS = {
    "NotifyNtfy": ("ntfy", ntfy),
    "NotifyGotify": ("Gotify", gotify),
    "NotifyTelegram": ("Telegram", telegram),
    "NotifyDiscord": ("Discord", discord),
    "NotifyPushover": ("Pushover", pushover),
    "NotifyMatrix": ("Matrix", matrix),
    "NotifyPagerDuty": ("PagerDuty", pagerduty),
    "NotifyWorkflows": ("Teams Workflows", workflows),
}


def main():
    results = []
    for url in json.load(sys.stdin):
        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        if plugin is None:
            results.append({"url": url, "error": "Apprise cannot read this URL"})
            continue
        kind = type(plugin).__name__
        if kind not in READERS:
            results.append({"url": url, "error": f"Apprise reads it as {kind}"})
            continue
        name, reader = READERS[kind]
        fields = {key: text(value) for key, value in reader(plugin).items()}
        fields["service"] = name
        results.append({"url": url, "fields": fields})
    json.dump(results, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
