"""Real parts for the delivery tests: HTTP receivers and an SMTP server on localhost.

Receivers are stdlib HTTP servers in a thread; each records what it got and answers as told
(fail N times, hang, redirect). The SMTP server is ``aiosmtpd``, keeping every message.
"""

import http.server
import json
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from workitems.notify.delivery import DeliveryConfig


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    received: list[Received] = field(default_factory=list)
    #: Answer 500 to the first ``fail_times`` requests.
    fail_times: int = 0
    #: Never answer (until the test ends).
    hang: bool = False
    status: int = 200
    location: str | None = None
    answer: bytes = b"ok"
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def ids(self) -> list[str]:
        with self.lock:
            return [r.headers["webhook-id"] for r in self.received]


def _handler(receiver: Receiver) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with receiver.lock:
                receiver.received.append(
                    Received({k.lower(): v for k, v in self.headers.items()}, body)
                )
                count = len(receiver.received)
            if receiver.hang:
                receiver.released.wait(30)
                return
            code = 500 if count <= receiver.fail_times else receiver.status
            self.send_response(code)
            if receiver.location:
                self.send_header("Location", receiver.location)
            self.send_header("Content-Length", str(len(receiver.answer)))
            self.end_headers()
            self.wfile.write(receiver.answer)

        def log_message(self, *_args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receivers() -> Iterator[Any]:
    """A factory of receivers; each is shut down after the test."""
    servers: list[tuple[http.server.ThreadingHTTPServer, Receiver]] = []

    def make(**kwargs: Any) -> Receiver:
        receiver = Receiver(url="", **kwargs)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
        server.daemon_threads = True
        receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append((server, receiver))
        return receiver

    yield make
    for server, receiver in servers:
        receiver.released.set()
        server.shutdown()
        server.server_close()


class Inbox:
    """What the SMTP server accepted."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, _server: SMTP, _session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.content if isinstance(envelope.content, bytes) else b""
        self.messages.append(message_from_bytes(raw, policy=policy.default))  # type: ignore[arg-type]
        self.envelopes.append((str(envelope.mail_from), list(envelope.rcpt_tos)))
        return "250 OK"


@dataclass
class SmtpServer:
    url: str
    inbox: Inbox


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    inbox = Inbox()
    with socket.socket() as probe:  # aiosmtpd needs a concrete port to check it started
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(f"smtp://127.0.0.1:{controller.port}", inbox)
    finally:
        controller.stop()


def fast_config(**overrides: Any) -> DeliveryConfig:
    """Short deadlines and backoff so retries happen within a test's second or two."""
    values: dict[str, Any] = {
        "timeout": 2.0,
        "allow_private": True,
        "backoff_base": 0.05,
        "backoff_max": 0.2,
        "public_url": "https://work.example.com",
        "mail_from": "Workitems <workitems@example.com>",
    }
    values.update(overrides)
    return DeliveryConfig(**values)
