"""A real HTTP server on 127.0.0.1 serving recorded responses, plus an injectable clock.

Routes are scripted per test: each route answers its replies in order and
repeats the last one; every request the server receives is recorded.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Callable
from urllib.parse import parse_qsl, urlsplit

import pytest

from extractors.engine.auth import Auth, NoAuth
from extractors.engine.config import SourceConfig
from extractors.engine.declarations import Setting, Source, Stream
from extractors.engine.http import HttpClient
from extractors.engine.rate_limits import RateLimitPolicy

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass
class Reply:
    status: int = 200
    fixture: str | None = None
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering; with ``delay_at``, a stall after that many body bytes
    delay_at: int | None = None
    cut_at: int | None = None  # send only this many body bytes of the promised Content-Length, then hang up


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)


@dataclass
class Route:
    method: str
    path: str
    replies: list[Reply]
    match: Callable[[Received], bool] | None


class FixtureServer:
    def __init__(self) -> None:
        self.routes: list[Route] = []
        self.received: list[Received] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                server._handle(self)

            def do_POST(self) -> None:
                server._handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
        self.thread.start()

    def route(
        self, method: str, path: str, *replies: Reply, match: Callable[[Received], bool] | None = None
    ) -> None:
        self.routes.append(Route(method, path, list(replies), match))

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        received = Received(
            handler.command,
            parts.path,
            dict(parse_qsl(parts.query, keep_blank_values=True)),
            dict(handler.headers.items()),
            json.loads(raw) if raw else None,
        )
        self.received.append(received)
        route = next(
            (
                r
                for r in self.routes
                if r.method == received.method and r.path == received.path and (r.match is None or r.match(received))
            ),
            None,
        )
        if route is None:
            reply = Reply(404, body={"error": f"no route for {received.method} {handler.path}"})
        else:
            reply = route.replies.pop(0) if len(route.replies) > 1 else route.replies[0]
        if reply.delay and reply.delay_at is None:
            time.sleep(reply.delay)
        payload = self._payload(reply)
        handler.send_response(reply.status)
        headers = {"Content-Type": "application/json", **reply.headers}
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        sent = payload if reply.cut_at is None else payload[: reply.cut_at]
        try:
            if reply.delay_at is not None:
                handler.wfile.write(sent[: reply.delay_at])
                handler.wfile.flush()
                time.sleep(reply.delay)
                sent = sent[reply.delay_at :]
            handler.wfile.write(sent)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def _payload(self, reply: Reply) -> bytes:
        if reply.fixture is not None:
            text = (FIXTURES / reply.fixture).read_text()
        elif isinstance(reply.body, (bytes, str)):
            text = reply.body.decode() if isinstance(reply.body, bytes) else reply.body
        elif reply.body is None:
            text = ""
        else:
            text = json.dumps(reply.body)
        # Recorded next-page URLs point at "{base}", the server the test runs.
        return text.replace("{base}", self.url).encode()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Any:
    fixture_server = FixtureServer()
    yield fixture_server
    fixture_server.close()


class FakeTime:
    """Wall clock that only moves when the code under test sleeps."""

    def __init__(self, start: float = 1_714_550_400.0) -> None:  # 2024-05-01T08:00:00Z
        self.now = start
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


def upper_bound(low: float, high: float) -> float:
    """Deterministic stand-in for random.uniform: the top of the jitter range."""
    return high


def make_source(
    base_url: str,
    *streams: Stream,
    name: str = "demo",
    auth: Auth | None = None,
    rate_limit: RateLimitPolicy | None = None,
    settings: tuple[Setting, ...] = (),
    read_timeout: float = 5.0,
) -> Source:
    return Source(
        name=name,
        default_base_url=base_url,
        auth=auth or NoAuth(),
        rate_limit=rate_limit or RateLimitPolicy(),
        settings=settings,
        streams=streams or (Stream(name="items", path="/items"),),
        connect_timeout=2.0,
        read_timeout=read_timeout,
    )


def make_client(
    source: Source, fake_time: FakeTime, env: dict[str, str] | None = None, **kwargs: Any
) -> HttpClient:
    config = SourceConfig.from_env(source, env or {})
    kwargs.setdefault("random", upper_bound)
    return HttpClient(source, config, sleep=fake_time.sleep, clock=fake_time.clock, **kwargs)
