"""Temporary JSON-lines files a batch is streamed into before it is loaded.

One line per record: ``seq`` (arrival order in the batch), ``key``,
``cursor``, ``record``, ``context``, ``page``, ``index``, ``request``,
``extracted_at``.  Records that cannot be landed go to a second file with
their reason.  Only one page is ever held in memory.
"""
from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Mapping

from extractors.engine.declarations import Stream
from extractors.engine.errors import MalformedRecord
from extractors.engine.incremental import dotted, parse_instant
from extractors.engine.runner import cursor_value, record_key

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


def _dumps(value: Any) -> str:
    # NaN/Infinity are not JSON; refusing them here keeps the file loadable.
    return json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))


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
        self._records = self.records_path.open("w", encoding="utf-8")
        self._quarantine = self.quarantine_path.open("w", encoding="utf-8")
        self.records = 0
        self.quarantined = 0
        self.pages = 0

    def write_page(
        self,
        stream: Stream,
        records: Iterable[Any],
        *,
        request: str,
        context: Mapping[str, Any] | None,
        number: int,
        extracted_at: datetime,
    ) -> None:
        """Append a page's records; malformed ones go to quarantine with their reason."""
        self.pages += 1
        context_json = _dumps(dict(context or {}))
        stamp = extracted_at.isoformat()
        for index, record in enumerate(records):
            reason = None
            if not isinstance(record, dict):
                reason = f"record is not a JSON object but {type(record).__name__}"
            else:
                try:
                    key = record_key(stream, record, self.source)
                    cursor = cursor_value(stream, record)
                    record_json = _dumps(record)
                except MalformedRecord as exc:
                    reason = str(exc)
                except (TypeError, ValueError) as exc:
                    reason = f"record is not representable as JSON: {exc}"
                else:
                    # Cursors are instants; one the engine cannot read would silently not count.
                    if cursor is not None and parse_instant(dotted(record, stream.cursor_field)) is None:
                        reason = f"cursor field {stream.cursor_field!r} holds {cursor!r}, which is not a timestamp"
            if reason is not None:
                self.quarantine(reason, _raw_text(record), request)
                continue
            self.records += 1
            # Pre-serialised parts are spliced in so each record is encoded once.
            self._records.write(
                f'{{"seq":{self.records},"key":{_dumps(key)},"cursor":{_dumps(cursor)},'
                f'"record":{record_json},"context":{context_json},"page":{number},"index":{index},'
                f'"request":{_dumps(request)},"extracted_at":{_dumps(stamp)}}}\n'
            )
        # Page by page on disk: a crashed load leaves its progress inspectable.
        self._records.flush()

    def quarantine(self, reason: str, raw: str, request: str | None) -> None:
        self.quarantined += 1
        self._quarantine.write(_dumps({"reason": reason, "record": raw, "request": request}) + "\n")

    def close(self) -> None:
        self._records.close()
        self._quarantine.close()

    def remove(self) -> None:
        self.close()
        shutil.rmtree(self.directory, ignore_errors=True)
