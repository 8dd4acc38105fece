#!/usr/bin/env python3
"""A real SMTP server for the notification tests (aiosmtpd), on 127.0.0.1.

Modes: `plain` (no TLS, no AUTH), `starttls` (STARTTLS required, then AUTH LOGIN/PLAIN
required) and `smtps` (TLS from the first byte, then AUTH required). It listens on a port the
system picks, writes that port to --ready once it accepts connections, and appends one JSON
line per accepted message to --out: the envelope and the message as Python's e-mail parser
reads it (decoded headers, parts), so that tests check what a real mail client would see.

It stops by itself after --lifetime seconds, or when the process that started it is gone,
so that no server outlives a test run.
"""
import argparse
import asyncio
import email
import email.policy
import json
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from server_life import Lifetime, announce, unblock_stop_signals


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["plain", "starttls", "smtps"], default="plain")
    parser.add_argument("--ready", required=True, help="file to write the port to once listening")
    parser.add_argument("--out", required=True, help="file to append one JSON line per message to")
    parser.add_argument("--cert", help="PEM certificate (starttls, smtps)")
    parser.add_argument("--key", help="PEM private key (starttls, smtps)")
    parser.add_argument("--user", default="monitor")
    parser.add_argument("--password", default="s3cret")
    parser.add_argument("--reject", action="append", default=[], help="refuse this recipient with 550")
    parser.add_argument("--defer", action="append", default=[], help="refuse this recipient with 450 (try later)")
    parser.add_argument("--lifetime", type=float, default=120)
    parser.add_argument("--stall-data", type=int, default=0,
                        help="never answer the first N DATA commands (touching OUT.stalled), like a server that hangs mid-delivery")
    return parser.parse_args()


def describe(raw: bytes) -> dict:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    plain = message.get_body(("plain",))
    html = message.get_body(("html",))
    return {
        "header_names": [name for name, _ in message.items()],
        "headers": {name.lower(): str(value) for name, value in message.items()},
        "to_addresses": [address.addr_spec for address in message["to"].addresses] if message["to"] else [],
        "from_address": message["from"].addresses[0].addr_spec if message["from"] else None,
        "from_display_name": message["from"].addresses[0].display_name if message["from"] else None,
        "date_valid": message["date"] is not None and message["date"].datetime is not None,
        "content_type": message.get_content_type(),
        # Line ends as "\n", as a mail client shows them (the wire has CRLF, checked below).
        "text": plain.get_content().replace("\r\n", "\n") if plain is not None else None,
        "html": html.get_content().replace("\r\n", "\n") if html is not None else None,
        "defects": [type(defect).__name__ for defect in message.defects],
        "longest_line": max(len(line) for line in raw.split(b"\r\n")),
        "bare_line_feeds": raw.replace(b"\r\n", b"").count(b"\n"),
        "non_ascii_bytes": sum(1 for byte in raw if byte > 127),
    }


class Handler:
    def __init__(self, args):
        self.args = args
        self.stalled = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.args.reject:
            return f"550 5.1.1 <{address}>: mailbox unavailable"
        if address in self.args.defer:
            return f"450 4.2.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.stalled < self.args.stall_data:
            self.stalled += 1
            open(self.args.out + ".stalled", "a").close()
            await asyncio.sleep(3600)  # no reply: the message is never accepted
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "raw": envelope.original_content.decode("utf-8", "replace"),
            **describe(envelope.original_content),
        }
        # Written before the reply: once the client has its 250, the message is in the file.
        with open(self.args.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        return "250 Message accepted for delivery"


def authenticator(args):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == args.user.encode() and auth_data.password == args.password.encode())
        # handled=False: aiosmtpd then answers 535 itself (with True it would say nothing at all).
        return AuthResult(success=ok, handled=False)
    return check


async def main():
    unblock_stop_signals()
    args = parse_args()
    context = None
    if args.mode != "plain":
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.cert, args.key)
    handler = Handler(args)

    def factory():
        if args.mode == "plain":
            return SMTP(handler, enable_SMTPUTF8=True)
        if args.mode == "starttls":
            return SMTP(handler, tls_context=context, require_starttls=True, auth_required=True,
                        auth_require_tls=True, authenticator=authenticator(args))
        # smtps: the transport is already TLS, which aiosmtpd does not know; AUTH over it is fine.
        return SMTP(handler, auth_required=True, auth_require_tls=False, authenticator=authenticator(args))

    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, host="127.0.0.1", port=0,
                                      ssl=context if args.mode == "smtps" else None)
    port = server.sockets[0].getsockname()[1]
    announce(args.ready, port)

    lifetime = Lifetime(args.lifetime, clock=loop.time)
    while lifetime.alive():
        await asyncio.sleep(0.5)
    server.close()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)
