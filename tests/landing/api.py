"""A small paged JSON API on 127.0.0.1 and the test-only source that reads it.

``items`` pages with ``meta.next_token`` (X API style) and is incremental on
``updated_at`` through a ``start_time`` parameter; ``notes`` fans out over the
landed items.  A secret token travels as an ``access_token`` query parameter
so the tests can see it redacted.  Faults are switched on the ``ApiWorld``.
"""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from extractors.engine.auth import NoAuth
from extractors.engine.config import SourceConfig
from extractors.engine.declarations import ForEachRecordOf, Setting, Source, Stream
from extractors.engine.http import HttpClient
from extractors.engine.incremental import SinceParam
from extractors.engine.paginators import XNextToken
from extractors.engine.rate_limits import RateLimitPolicy

SECRET = "s3cr3t-t0ken-value"

SOURCE = Source(
    name="testapi",
    default_base_url="http://127.0.0.1:1",
    auth=NoAuth(),
    rate_limit=RateLimitPolicy(),
    settings=(Setting("token", "API token", secret=True),),
    streams=(
        Stream(
            name="items",
            path="/v1/items",
            params={"access_token": "{token}"},
            cursor_field="updated_at",
            paginator=XNextToken(),
            incremental=SinceParam(param="start_time", format="iso8601", lookback=timedelta(0), start=timedelta(days=30)),
        ),
        Stream(
            name="notes",
            path="/v1/items/{item_id}/notes",
            params={"access_token": "{token}"},
            fan_out=ForEachRecordOf("items", {"item_id": "id"}),
        ),
        Stream(
            name="batched_notes",
            path="/v1/notes",
            params={"access_token": "{token}", "item_id": ["{item_id}"]},
            fan_out=ForEachRecordOf("items", {"item_id": "id"}, batch_size=2, child_fields={"item_id": "item_id"}),
        ),
    ),
    read_timeout=30.0,
)


def item(id: Any, updated_at: str = "2026-06-01T00:00:00Z", **fields: Any) -> dict[str, Any]:
    return {"id": id, "updated_at": updated_at, **fields}


@dataclass
class ApiWorld:
    """What the server serves, and the faults it injects (page numbers are 1-based)."""

    items: list[Any] = field(default_factory=list)
    notes: dict[str, list[Any]] = field(default_factory=dict)
    page_size: int = 2
    fail_from_page: int | None = None
    drop_from_page: int | None = None
    block_page: int | None = None
    release: threading.Event = field(default_factory=threading.Event)
    received: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    def item_pages(self) -> list[dict[str, str]]:
        return [q for p, q in self.received if p == "/v1/items"]

    def note_requests(self) -> list[str]:
        return sorted(p.split("/")[3] for p, _ in self.received if p.endswith("/notes") and p != "/v1/notes")

    def batched_note_requests(self) -> int:
        return sum(1 for p, _ in self.received if p == "/v1/notes")


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _in_window(record: Any, since: datetime) -> bool:
    """Records whose updated_at cannot be read are served anyway, as a sloppy API would."""
    try:
        return _instant(str(record["updated_at"])) >= since
    except (TypeError, KeyError, ValueError):
        return True


class _Handler(BaseHTTPRequestHandler):
    world: ApiWorld

    def log_message(self, *args: Any) -> None:
        return None

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = dict(parse_qsl(parts.query))
        world = self.server.world  # type: ignore[attr-defined]
        world.received.append((parts.path, query))
        if query.get("access_token") != SECRET:
            return self._json(401, {"error": "bad token"})
        if parts.path == "/v1/items":
            return self._items(world, query)
        if parts.path == "/v1/notes":  # several items at once: ?item_id=a&item_id=b
            asked = [v for k, v in parse_qsl(parts.query) if k == "item_id"]
            return self._json(200, {"data": [{**n, "item_id": i} for i in asked for n in world.notes.get(i, [])]})
        segments = parts.path.split("/")
        if len(segments) == 5 and segments[4] == "notes":
            return self._json(200, {"data": world.notes.get(segments[3], [])})
        return self._json(404, {"error": "no such path"})

    def _items(self, world: ApiWorld, query: dict[str, str]) -> None:
        page = int(query.get("pagination_token", "1"))
        if world.block_page == page:
            world.release.wait(timeout=60)
        if world.fail_from_page is not None and page >= world.fail_from_page:
            return self._json(500, {"error": "internal error"})
        if world.drop_from_page is not None and page >= world.drop_from_page:
            # Close the connection without a response, as a crashed upstream would.
            self.close_connection = True
            self.connection.close()
            return None
        since = _instant(query["start_time"]) if "start_time" in query else None
        visible = [r for r in world.items if since is None or _in_window(r, since)]
        start = (page - 1) * world.page_size
        body: dict[str, Any] = {"data": visible[start : start + world.page_size], "meta": {}}
        if start + world.page_size < len(visible):
            body["meta"]["next_token"] = str(page + 1)
        return self._json(200, body)

    def _json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client is gone (a killed loader); nobody is left to answer


class ApiServer:
    """``with ApiServer(world) as base_url:`` serves ``world`` on a free port."""

    def __init__(self, world: ApiWorld) -> None:
        self.world = world
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.world = world  # type: ignore[attr-defined]
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self._thread.start()
        return self.base_url

    def __exit__(self, *exc: Any) -> None:
        self.world.release.set()
        self._server.shutdown()
        self._server.server_close()


def environ(base_url: str) -> dict[str, str]:
    return {"PANTAU_TESTAPI_TOKEN": SECRET, "PANTAU_TESTAPI_BASE_URL": base_url, "PANTAU_HTTP_MAX_ATTEMPTS": "3"}


def config(base_url: str) -> SourceConfig:
    return SourceConfig.from_env(SOURCE, environ(base_url))


def client(base_url: str) -> HttpClient:
    """A client that does not sleep between retries, so fault tests stay fast."""
    return HttpClient(SOURCE, config(base_url), sleep=lambda seconds: None)
