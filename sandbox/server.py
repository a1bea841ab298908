"""The sandbox's HTTP server: loopback only, every vendor API under its prefix.

Control endpoints under ``/_sandbox/`` let tests and the demo read the ground
truth and the extractor settings, move the clock and switch faults on.
"""
from __future__ import annotations

import importlib
import json
import logging
import pkgutil
import socket
import threading
import time
from datetime import date, datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import sandbox.api
from sandbox.api.base import Api, Request, Response
from sandbox.faults import FaultCounter, Faults
from sandbox.world.model import World
from sandbox.world.profiles import Profile
from sandbox.world.truth import ground_truth

log = logging.getLogger("pantau.sandbox")
LOOPBACK = "127.0.0.1"


def api_classes() -> list[type[Api]]:
    classes = []
    for mod in pkgutil.iter_modules(sandbox.api.__path__):
        if mod.name == "base":
            continue
        module = importlib.import_module(f"sandbox.api.{mod.name}")
        if hasattr(module, "API"):
            classes.append(module.API)
    return sorted(classes, key=lambda c: c.prefix, reverse=True)  # longest prefix wins


class Sandbox:
    """The world, its faults and the mounted APIs; swapped whole when the clock moves."""

    def __init__(self, profile: Profile, anchor: date, faults: Faults, as_of: datetime | None = None):
        self.profile = profile
        self.anchor = anchor
        self.faults = FaultCounter(faults)
        self._lock = threading.Lock()
        self.set_clock(as_of)

    def set_clock(self, as_of: datetime | None) -> None:
        world = World.build(self.profile, self.anchor, as_of)
        apis = [cls(world, self.faults) for cls in api_classes()]
        with self._lock:
            self.world, self.apis = world, apis

    def api_for(self, path: str) -> Api | None:
        for api in self.apis:
            if path == api.prefix or path.startswith(api.prefix + "/"):
                return api
        return None

    def extractor_settings(self, base_url: str) -> dict[str, str]:
        env: dict[str, str] = {}
        for api in self.apis:
            env.update(api.extractor_settings(base_url + api.prefix))
        return env

    def control(self, method: str, path: str, body: bytes, base_url: str) -> Response:
        if path == "/_sandbox/health":
            return Response.json({"status": "ok", "profile": self.profile.name})
        if path == "/_sandbox/truth":
            return Response.json(ground_truth(self.world))
        if path == "/_sandbox/settings":
            return Response.json(self.extractor_settings(base_url))
        if path == "/_sandbox/clock" and method == "POST":
            as_of = datetime.fromisoformat(json.loads(body)["as_of"]).astimezone(timezone.utc)
            self.set_clock(as_of)
            return Response.json({"as_of": self.world.timeline.as_of.isoformat()})
        if path == "/_sandbox/clock":
            return Response.json({"as_of": self.world.timeline.as_of.isoformat()})
        if path == "/_sandbox/faults" and method == "POST":
            self.faults.faults.update(json.loads(body or b"{}"))
            self.faults.reset()
            return Response.json(self.faults.faults.as_dict())
        if path == "/_sandbox/faults":
            return Response.json(self.faults.faults.as_dict())
        return Response.json({"error": f"unknown control path {path}"}, 404)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: clients reuse one connection per source
    # Buffer the status line, headers and body into one send and disable Nagle:
    # small separate writes on a kept-alive socket meet delayed ACKs (~40 ms each).
    wbufsize = 64 * 1024
    server: "SandboxServer"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # the access log would swamp the demo's output
        log.debug("%s " + fmt, self.address_string(), *args)

    def _serve(self) -> None:
        split = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}"
        sandbox = self.server.sandbox
        if split.path.startswith("/_sandbox/"):
            return self._send(sandbox.control(self.command, split.path, body, host), None)
        api = sandbox.api_for(split.path)
        if api is None:
            return self._send(Response.json({"error": f"no API at {split.path}"}, 404), None)
        req = Request(
            method=self.command,
            path=split.path[len(api.prefix):] or "/",
            query=Request.parse_query(split.query),
            headers={k: v for k, v in self.headers.items()},
            body=body,
            base_url=host + api.prefix,
        )
        try:
            resp, fault = api.handle(req)
        except Exception:  # a sandbox bug must look like a 500, not a hung socket
            log.exception("sandbox handler failed for %s %s", self.command, self.path)
            resp, fault = Response.json({"error": "internal sandbox error"}, 500), None
        self._send(resp, fault)

    def _send(self, resp: Response, fault: str | None) -> None:
        if fault == "slow":
            time.sleep(self.server.sandbox.faults.faults.slow_seconds)
        self.send_response(resp.status)
        for k, v in resp.headers.items():
            self.send_header(k, v)
        if fault == "drop":
            # Promise a body, send half of it, hang up: a dropped connection.
            payload = resp.body if not resp.streamed else b"".join(resp.body)
            self.send_header("Content-Length", str(len(payload) + 100))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if resp.streamed:
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for chunk in resp.body:
                if chunk:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(resp.body)))
            self.end_headers()
            self.wfile.write(resp.body)

    do_GET = do_POST = do_PUT = do_DELETE = _serve


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, sandbox: Sandbox, port: int = 0):
        super().__init__((LOOPBACK, port), _Handler)  # loopback only, by design
        self.sandbox = sandbox

    @property
    def base_url(self) -> str:
        return f"http://{self.server_address[0]}:{self.server_address[1]}"
