#!/usr/bin/env python3
"""A stand-in for the eight services of the URL channel (ntfy, Gotify, Telegram, Discord,
Pushover, Matrix, PagerDuty, Teams Workflows), on 127.0.0.1, for the delivery tests.

Each request is checked against the service's documented API (method, path, headers, body
fields and their limits) and answered the way the service answers: its success body, its
error body for refused credentials, and a 429 with `Retry-After` (Telegram: only its
`parameters.retry_after` field). A request that breaks the documented shape is answered 400
with `{"receiver_problems": [...]}`. Every request is appended to --out as one JSON line:
method, path, query, headers, body, service, answer status and the problems found.

Credentials and targets choose the answer:
- valid credentials are the GOOD_* values below; any other value is refused (401, or the
  service's own code for it);
- a credential or target containing "ratelimited" (or Telegram chat -429, Discord webhook id
  429) is answered 429.
"""
import argparse
import base64
import json
import re
import threading
import time
import uuid
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, unquote, urlsplit

from server_life import serve_http

GOOD_NTFY_TOKEN = "tk_goodtoken"
GOOD_NTFY_BASIC = ("monitor", "s3cret")
GOOD_GOTIFY_TOKEN = "AgoodToken"
GOOD_TELEGRAM_TOKEN = "123456:good-token"
GOOD_DISCORD_TOKEN = "good-token"
GOOD_PUSHOVER_TOKEN = "azGoodToken"
GOOD_MATRIX_TOKEN = "syt_good"
GOOD_WORKFLOWS_SIG = "good-sig"


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ready", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--lifetime", type=float, default=120)
    parser.add_argument("--retry-after", default="7", help="seconds in Retry-After (and Telegram's retry_after) of 429 answers")
    return parser.parse_args()


ARGS = parse_args()
RETRY_AFTER = ARGS.retry_after
LOCK = threading.Lock()
MATRIX_EVENTS = {}


class TelegramHTML(HTMLParser):
    """Telegram's HTML parse mode: only its tags, balanced; anything else is refused."""

    ALLOWED = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "blockquote", "span", "tg-spoiler"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.problems = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.ALLOWED:
            self.problems.append(f"Telegram cannot parse the tag <{tag}>")
        self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")


class Answer(Exception):
    def __init__(self, status, body=None, headers=None):
        self.status, self.body, self.headers = status, body, headers or {}


def rate_limited(body):
    return Answer(429, body, {"Retry-After": RETRY_AFTER})


def require(problems, condition, message):
    if not condition:
        problems.append(message)


def ntfy(request, problems):
    require(problems, request["method"] == "POST", "ntfy JSON publishing is a POST")
    require(problems, request["headers"].get("content-type", "").startswith("application/json"), "Content-Type must be application/json")
    body = request["json"] or {}
    topic = body.get("topic", "")
    require(problems, re.fullmatch(r"[A-Za-z0-9_-]{1,64}", topic or ""), "topic missing or invalid")
    require(problems, isinstance(body.get("message"), str) and body["message"], "message missing")
    require(problems, isinstance(body.get("title", ""), str), "title must be a string")
    require(problems, body.get("priority", 3) in (1, 2, 3, 4, 5), "priority must be 1 to 5")
    require(problems, isinstance(body.get("tags", []), list), "tags must be a list")
    if "click" in body:
        require(problems, str(body["click"]).startswith("http"), "click must be a URL")
    auth = request["headers"].get("authorization")
    if auth:
        good = {f"Bearer {GOOD_NTFY_TOKEN}", "Basic " + base64.b64encode(":".join(GOOD_NTFY_BASIC).encode()).decode()}
        if "ratelimited" in auth or "cmF0ZWxpbWl0ZWQ" in auth:
            raise rate_limited({"code": 42901, "http": 429, "error": "limit reached: too many requests, please be nice"})
        if auth not in good:
            raise Answer(401, {"code": 40101, "http": 401, "error": "unauthorized", "link": "https://ntfy.sh/docs/publish/#authentication"})
    elif topic == "private":
        raise Answer(403, {"code": 40301, "http": 403, "error": "forbidden", "link": "https://ntfy.sh/docs/publish/#authentication"})
    if topic == "ratelimited":
        raise rate_limited({"code": 42901, "http": 429, "error": "limit reached: too many requests, please be nice"})
    return 200, {"id": uuid.uuid4().hex[:12], "time": int(time.time()), "event": "message", "topic": topic, "message": body.get("message")}


def gotify(request, problems):
    require(problems, request["method"] == "POST", "POST /message")
    key = request["headers"].get("x-gotify-key")
    require(problems, key, "X-Gotify-Key header missing")
    body = request["json"] or {}
    require(problems, isinstance(body.get("message"), str) and body["message"], "message missing")
    require(problems, isinstance(body.get("priority", 0), int), "priority must be an integer")
    if "extras" in body:
        require(problems, isinstance(body["extras"], dict), "extras must be an object")
    if key and "ratelimited" in key:
        raise rate_limited({"error": "Too Many Requests", "errorCode": 429, "errorDescription": "slow down"})
    if key != GOOD_GOTIFY_TOKEN:
        raise Answer(401, {"error": "Unauthorized", "errorCode": 401, "errorDescription": "you need to provide a valid access token or user credentials to access this api"})
    return 200, {"id": 1, "appid": 1, "message": body.get("message"), "title": body.get("title"), "priority": body.get("priority"), "date": "2026-11-24T01:00:00Z"}


def telegram(request, problems, token):
    require(problems, request["method"] == "POST", "sendMessage is a POST here")
    body = request["json"] or {}
    chat = str(body.get("chat_id", ""))
    require(problems, chat, "chat_id missing")
    text = body.get("text", "")
    require(problems, isinstance(text, str) and 0 < len(text) <= 4096, "text must be 1-4096 characters")
    if body.get("parse_mode") == "HTML":
        checker = TelegramHTML()
        checker.feed(text)
        checker.close()
        problems.extend(checker.problems)
        require(problems, not checker.stack, f"unclosed tags {checker.stack}")
    if token != GOOD_TELEGRAM_TOKEN:
        raise Answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
    if chat == "-429":
        # Telegram says how long to wait in its body.
        raise Answer(429, {"ok": False, "error_code": 429, "description": f"Too Many Requests: retry after {RETRY_AFTER}", "parameters": {"retry_after": int(RETRY_AFTER)}})
    if chat == "-404":
        raise Answer(400, {"ok": False, "error_code": 400, "description": "Bad Request: chat not found"})
    return 200, {"ok": True, "result": {"message_id": 42, "chat": {"id": chat}, "date": int(time.time()), "text": text}}


def discord(request, problems, webhook_id, token):
    require(problems, request["method"] == "POST", "execute webhook is a POST")
    require(problems, request["headers"].get("content-type", "").startswith("application/json"), "Content-Type must be application/json")
    body = request["json"] or {}
    embeds = body.get("embeds", [])
    require(problems, body.get("content") or embeds, "content or embeds required")
    require(problems, len(embeds) <= 10, "at most 10 embeds")
    for embed in embeds:
        require(problems, len(embed.get("title", "")) <= 256, "embed title over 256")
        require(problems, len(embed.get("description", "")) <= 4096, "embed description over 4096")
        require(problems, isinstance(embed.get("color", 0), int), "color must be an integer")
        fields = embed.get("fields", [])
        require(problems, len(fields) <= 25, "at most 25 fields")
        for field in fields:
            require(problems, 0 < len(field.get("name", "")) <= 256 and 0 < len(field.get("value", "")) <= 1024, "field name/value length")
    if webhook_id == "429":
        raise rate_limited({"message": "You are being rate limited.", "retry_after": 6.2, "global": False})
    if token != GOOD_DISCORD_TOKEN:
        raise Answer(401, {"message": "Invalid Webhook Token", "code": 50027})
    return 200, {"id": "1", "type": 0, "channel_id": "2", "webhook_id": webhook_id, "embeds": embeds}


def pushover(request, problems):
    require(problems, request["method"] == "POST", "messages.json is a POST")
    require(problems, request["headers"].get("content-type", "").startswith("application/x-www-form-urlencoded"), "form-encoded body expected")
    form = request["form"] or {}
    for key in ("token", "user", "message"):
        require(problems, form.get(key), f"{key} missing")
    require(problems, len(form.get("message", "")) <= 1024, "message over 1024 characters")
    require(problems, len(form.get("title", "")) <= 250, "title over 250 characters")
    require(problems, form.get("priority", "0") in ("-2", "-1", "0", "1", "2"), "priority must be -2 to 2")
    require(problems, len(form.get("url_title", "")) <= 100, "url_title over 100")
    if "ratelimited" in form.get("user", ""):
        raise rate_limited({"errors": ["message limit reached"], "status": 0, "request": uuid.uuid4().hex})
    if form.get("token") != GOOD_PUSHOVER_TOKEN:
        raise Answer(400, {"token": "invalid", "errors": ["application token is invalid, see https://pushover.net/api"], "status": 0, "request": uuid.uuid4().hex})
    return 200, {"status": 1, "request": uuid.uuid4().hex}


def matrix(request, problems, path):
    token = (request["headers"].get("authorization") or "").removeprefix("Bearer ")
    if request["method"] == "GET" and path.startswith("/_matrix/client/v3/directory/room/"):
        alias = unquote(path.rsplit("/", 1)[1])
        if alias == "#backups:example.org":
            return 200, {"room_id": "!room:example.org", "servers": ["example.org"]}
        raise Answer(404, {"errcode": "M_NOT_FOUND", "error": f"Room alias {alias} not found"})
    match = re.fullmatch(r"/_matrix/client/v3/rooms/([^/]+)/send/m\.room\.message/([^/]+)", path)
    require(problems, match, "expected PUT /_matrix/client/v3/rooms/ROOM/send/m.room.message/TXN")
    require(problems, request["method"] == "PUT", "sending a room event is a PUT")
    require(problems, "%21" in path or "!" not in path, "the room id must be percent-encoded in the path")
    body = request["json"] or {}
    require(problems, body.get("msgtype") in ("m.text", "m.notice"), "msgtype must be m.text or m.notice")
    require(problems, isinstance(body.get("body"), str) and body["body"], "body missing")
    if "format" in body or "formatted_body" in body:
        require(problems, body.get("format") == "org.matrix.custom.html" and body.get("formatted_body"), "format and formatted_body go together")
    if "ratelimited" in token:
        raise rate_limited({"errcode": "M_LIMIT_EXCEEDED", "error": "Too many requests", "retry_after_ms": 6500})
    if token != GOOD_MATRIX_TOKEN:
        raise Answer(401, {"errcode": "M_UNKNOWN_TOKEN", "error": "Invalid access token passed.", "soft_logout": False})
    if problems or not match:
        return 200, {}
    room, txn = unquote(match.group(1)), match.group(2)
    with LOCK:
        # The same transaction id gives the same event: a retry is not a second message.
        event = MATRIX_EVENTS.setdefault((token, txn), "$" + uuid.uuid4().hex)
    return 200, {"event_id": event}


def pagerduty(request, problems):
    require(problems, request["method"] == "POST" and request["path"] == "/v2/enqueue", "POST /v2/enqueue")
    body = request["json"] or {}
    key = body.get("routing_key", "")
    action = body.get("event_action")
    errors = []
    if len(key) != 32:
        errors.append("Length of 'routing_key' is incorrect (should be 32 characters)")
    if action not in ("trigger", "acknowledge", "resolve"):
        errors.append("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)")
    dedup = body.get("dedup_key")
    if action in ("acknowledge", "resolve") and not dedup:
        errors.append("'dedup_key' is required for acknowledge and resolve")
    if dedup is not None and len(dedup) > 255:
        errors.append("'dedup_key' is longer than 255 characters")
    if action == "trigger":
        payload = body.get("payload") or {}
        if not payload.get("summary") or len(payload["summary"]) > 1024:
            errors.append("'payload.summary' is missing or longer than 1024 characters")
        if not payload.get("source"):
            errors.append("'payload.source' is missing")
        if payload.get("severity") not in ("critical", "error", "warning", "info"):
            errors.append("'payload.severity' is invalid (must be one of: critical, error, warning, info)")
        if not isinstance(payload.get("custom_details", {}), dict):
            errors.append("'payload.custom_details' must be an object")
    if errors:
        problems.extend(errors)
        raise Answer(400, {"status": "invalid event", "message": "Event object is invalid", "errors": errors})
    if key.startswith("RATELIMITED"):
        raise Answer(429, b"", {"Retry-After": RETRY_AFTER})
    return 202, {"status": "success", "message": "Event processed", "dedup_key": dedup or uuid.uuid4().hex}


def workflows(request, problems, path):
    require(problems, request["method"] == "POST", "a workflow is triggered with a POST")
    require(problems, re.fullmatch(r"(/powerautomate/automations/direct)?/workflows/[A-Za-z0-9_-]+/triggers/manual/paths/invoke", path), "unexpected path")
    query = request["query"]
    for key, value in (("sp", "/triggers/manual/run"), ("sv", "1.0")):
        require(problems, query.get(key) == [value], f"query {key}={value} expected")
    require(problems, query.get("api-version"), "api-version missing")
    body = request["json"] or {}
    require(problems, body.get("type") == "message", "type must be message")
    attachments = body.get("attachments") or [{}]
    card = attachments[0]
    require(problems, card.get("contentType") == "application/vnd.microsoft.card.adaptive", "an Adaptive Card attachment expected")
    content = card.get("content") or {}
    require(problems, content.get("type") == "AdaptiveCard" and isinstance(content.get("body"), list) and content["body"], "card body missing")
    for element in content.get("body", []):
        require(problems, element.get("type") in ("TextBlock", "FactSet", "Container", "ColumnSet"), f"unexpected element {element.get('type')}")
    sig = (query.get("sig") or [""])[0]
    if "ratelimited" in sig:
        raise rate_limited({"error": {"code": "WorkflowRequestsThrottled", "message": "Number of requests exceeded the limit"}})
    if sig != GOOD_WORKFLOWS_SIG:
        raise Answer(401, {"error": {"code": "DirectApiAuthorizationRequired", "message": "The request must be authenticated only by Shared Access scheme."}})
    return 202, None


def route(request, problems):
    path = request["path"]
    if path == "/" or path.startswith("/ntfy"):
        request["path"] = path[len("/ntfy"):] or "/"
        return "ntfy", ntfy(request, problems)
    if path.startswith("/gotify/") and path.endswith("/message"):
        return "gotify", gotify(request, problems)
    match = re.fullmatch(r"/bot([^/]+)/sendMessage", path)
    if match:
        return "telegram", telegram(request, problems, unquote(match.group(1)))
    match = re.fullmatch(r"/api/webhooks/([^/]+)/([^/]+)", path)
    if match:
        require(problems, request["query"].get("wait") == ["true"], "wait=true expected (the answer then carries the message)")
        return "discord", discord(request, problems, match.group(1), match.group(2))
    if path == "/1/messages.json":
        return "pushover", pushover(request, problems)
    if path.startswith("/_matrix/"):
        return "matrix", matrix(request, problems, path)
    if path == "/v2/enqueue":
        return "pagerduty", pagerduty(request, problems)
    if "/workflows/" in path:
        return "workflows", workflows(request, problems, path)
    raise Answer(404, {"error": f"no service at {path}"})


class Receiver(BaseHTTPRequestHandler):
    def handle_request(self):
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        parts = urlsplit(self.path)
        headers = {k.lower(): v for k, v in self.headers.items()}
        request = {"method": self.command, "path": parts.path, "query": parse_qs(parts.query), "headers": headers, "body": raw.decode("utf-8", "replace")}
        try:
            request["json"] = json.loads(raw) if raw and headers.get("content-type", "").startswith("application/json") else None
        except ValueError:
            request["json"] = None
        form = parse_qs(raw.decode("utf-8", "replace")) if headers.get("content-type", "").startswith("application/x-www-form-urlencoded") else None
        request["form"] = {k: v[0] for k, v in form.items()} if form is not None else None
        problems = []
        service = None
        try:
            service, (status, body) = route(request, problems)
            headers_out = {}
            if problems:
                status, body = 400, {"receiver_problems": problems}
        except Answer as answer:
            status, body, headers_out = answer.status, answer.body, answer.headers
        record = dict(request, service=service, status=status, problems=problems)
        with LOCK, open(ARGS.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        payload = body if isinstance(body, bytes) else (b"" if body is None else json.dumps(body).encode())
        self.send_response(status)
        for key, value in headers_out.items():
            self.send_header(key, value)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = handle_request

    def log_message(self, format, *args):
        pass


def main():
    serve_http(Receiver, ARGS.ready, ARGS.lifetime)


if __name__ == "__main__":
    main()
