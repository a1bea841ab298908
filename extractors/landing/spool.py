"""Temporary JSON-lines files a batch is streamed into before it is loaded.

One line per record: ``seq`` (arrival order in the batch), ``index``,
``key``, ``cursor``, ``record``, ``context``, ``page``, ``request``,
``extracted_at``.  Records that cannot be landed go to a second file with
their reason.  Only one page is ever held in memory.

Each record is encoded once (orjson); the parts shared by a page (request,
context, extraction time) are encoded once per page and spliced in.
"""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import orjson

from extractors.engine.declarations import Stream
from extractors.engine.errors import MalformedRecord
from extractors.engine.incremental import dotted, parse_instant
from extractors.engine.runner import record_key

# The column types of a spool line, for DuckDB's read_ndjson.
LINE_COLUMNS = {
    "seq": "BIGINT",
    "key": "VARCHAR",
    "cursor": "VARCHAR",
    "record": "JSON",
    "context": "JSON",
    "page": "INTEGER",
    "index": "INTEGER",
    "request": "VARCHAR",
    "extracted_at": "TIMESTAMPTZ",
}
QUARANTINE_COLUMNS = {"reason": "VARCHAR", "record": "VARCHAR", "request": "VARCHAR"}

# Anything but plain JSON types (datetimes, dataclasses, subclasses) goes to the
# standard encoder, which decides as it always did.
_ORJSON_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
# NaN/Infinity are not JSON; refusing them here keeps the file loadable.
_STRICT = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))


def _dumps(value: Any) -> str:
    return _STRICT.encode(value)


def encode(value: Any) -> bytes:
    """Compact UTF-8 JSON of ``value``; TypeError/ValueError when it is not representable as JSON.

    orjson writes NaN and ±Infinity as ``null`` instead of refusing them, so a
    value whose encoding holds a ``null`` is checked by the strict standard
    encoder (rarely needed: most records have no null).  orjson also refuses
    some JSON the standard library writes exactly (integers beyond 64 bits);
    those are encoded by the standard library.
    """
    try:
        out = orjson.dumps(value, option=_ORJSON_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError
        return _dumps(value).encode("utf-8")  # may raise TypeError, ValueError (incl. UnicodeEncodeError)
    if b"null" in out:
        _STRICT.encode(value)  # raises ValueError for a non-finite float orjson turned into null
    return out


def _raw_text(record: Any) -> str:
    try:
        return _dumps(record)
    except (TypeError, ValueError):
        return repr(record)


class BatchSpool:
    """The files of one batch under ``directory``, removed by ``remove()``."""

    def __init__(self, directory: Path, source: str) -> None:
        self.directory = directory
        self.source = source
        directory.mkdir(parents=True, exist_ok=False)
        self.records_path = directory / "fetched.jsonl"
        self.landing_path = directory / "landing.jsonl"
        self.quarantine_path = directory / "quarantine.jsonl"
        self.parents_path = directory / "parents.jsonl"
        self._records = self.records_path.open("wb")
        self._quarantine = self.quarantine_path.open("wb")
        self.records = 0
        self.quarantined = 0
        self.pages = 0
        # Longest line in bytes of each file, to size DuckDB's JSON reader to the data.
        self.longest_line = 0
        self.longest_quarantine_line = 0

    def write_page(
        self,
        stream: Stream,
        records: Iterable[Any],
        *,
        request: str,
        context: Mapping[str, Any] | None,
        number: int,
        extracted_at: datetime,
        record_contexts: Sequence[Mapping[str, Any] | None] | None = None,
    ) -> None:
        """Append a page's records; malformed ones go to quarantine with their reason.

        ``record_contexts`` (optional, one per record) overrides ``context`` for
        single records, e.g. the one parent of a batched fan-out request a
        record belongs to.
        """
        self.pages += 1
        page_context = encode(dict(context or {}))
        tail = (
            b',"page":%d,"request":%b,"extracted_at":%b}\n'
            % (number, encode(request), encode(extracted_at.isoformat()))
        )
        cursor_field = stream.cursor_field
        source = self.source
        lines: list[bytes] = []
        seq = self.records
        for index, record in enumerate(records):
            reason = None
            if not isinstance(record, dict):
                reason = f"record is not a JSON object but {type(record).__name__}"
            else:
                try:
                    key = record_key(stream, record, source)
                    cursor_raw = None if cursor_field is None else dotted(record, cursor_field)
                    cursor = None if cursor_raw is None else str(cursor_raw)
                    record_json = encode(record)
                    key_json = orjson.dumps(key)  # str: no NaN to look for
                    cursor_json = b"null" if cursor is None else orjson.dumps(cursor)
                    own = record_contexts[index] if record_contexts is not None else None
                    context_json = page_context if own is None else encode(dict(own))
                except MalformedRecord as exc:
                    reason = str(exc)
                except (TypeError, ValueError) as exc:
                    reason = f"record is not representable as JSON: {exc}"
                else:
                    # Cursors are instants; one the engine cannot read would silently not count.
                    if cursor is not None and parse_instant(cursor_raw) is None:
                        reason = f"cursor field {cursor_field!r} holds {cursor!r}, which is not a timestamp"
            if reason is not None:
                self.quarantine(reason, _raw_text(record), request)
                continue
            seq += 1
            lines.append(
                b'{"seq":%d,"index":%d,"key":%b,"cursor":%b,"record":%b,"context":%b%b'
                % (seq, index, key_json, cursor_json, record_json, context_json, tail)
            )
        self.records = seq
        if lines:
            self.longest_line = max(self.longest_line, max(map(len, lines)))
        # Page by page on disk: a crashed load leaves its progress inspectable.
        self._records.write(b"".join(lines))
        self._records.flush()

    def quarantine(self, reason: str, raw: str, request: str | None) -> None:
        self.quarantined += 1
        line = _dumps({"reason": reason, "record": raw, "request": request}) + "\n"
        # Text that is not valid Unicode (lone surrogates) is shown with "?" rather than lost with the load.
        data = line.encode("utf-8", errors="replace")
        self.longest_quarantine_line = max(self.longest_quarantine_line, len(data))
        self._quarantine.write(data)

    def close(self) -> None:
        self._records.close()
        self._quarantine.close()

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)
