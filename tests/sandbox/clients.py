"""Small HTTP helpers the sandbox contract tests share."""
from __future__ import annotations

from datetime import datetime

import requests


def bearer_session(token: str) -> requests.Session:
    """A session that sends ``Authorization: Bearer <token>`` with every request."""
    session = requests.Session()
    session.headers["Authorization"] = "Bearer " + token
    return session


def walk_graph(session: requests.Session, url: str, params: dict | None) -> tuple[int, list[dict]]:
    """Follow a Graph list's ``paging.next`` to its end: (pages read, every record)."""
    pages, records = 0, []
    while url:
        body = session.get(url, params=params, timeout=10).json()
        pages += 1
        records += body["data"]
        url, params = body.get("paging", {}).get("next"), None
    return pages, records


def graph_ts(text: str) -> float:
    """A Graph timestamp (``2026-06-29T07:00:00+0000``) as epoch seconds."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S%z").timestamp()
