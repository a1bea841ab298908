"""Read one export file row by row against its entity's contract.

CSV (a header line, then one row per record) and JSON lines (one object per
line) are read as UTF-8, a line at a time.  A row that breaks the contract
comes back with its problem, naming the file, the line and the column, so
the loader can quarantine it and land the rest.  A file that cannot be read
at all (not UTF-8, a header that lacks a required column or names a column
the contract does not have) raises ``BatchRefused`` naming the file.

Values are kept as text, exactly as written but for surrounding spaces; an
empty CSV cell or a JSON null is absent.  Staging types them.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from extractors.files.contract import Entity
from extractors.landing.loader import BatchRefused

CSV_SUFFIXES = (".csv",)
JSONL_SUFFIXES = (".jsonl", ".ndjson")


@dataclass(frozen=True)
class Row:
    """One record of a file: ``record`` when it fits the contract, else ``problem``."""

    line: int
    text: str
    record: dict[str, str | None] | None = None
    problem: str | None = None


def read_rows(path: Path, entity: Entity) -> Iterator[Row]:
    """The rows of ``path`` in file order; raises ``BatchRefused`` for an unreadable file."""
    suffix = path.suffix.lower()
    with path.open("rb") as binary:
        if suffix in CSV_SUFFIXES:
            yield from _csv_rows(binary, path.name, entity)
        elif suffix in JSONL_SUFFIXES:
            yield from _jsonl_rows(binary, path.name, entity)
        else:
            raise BatchRefused(f"{path.name}: not a .csv or .jsonl file")


def _decoded(binary: BinaryIO, name: str) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line; a byte sequence that is not UTF-8 refuses the file."""
    for number, raw in enumerate(binary, start=1):
        try:
            # A byte-order mark (spreadsheets write one) is not part of the first column's name.
            yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise BatchRefused(
                f"{name} line {number}: not UTF-8 text (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1}"
                " of the line); export the file as UTF-8"
            ) from None


def _check_header(header: list[str], name: str, entity: Entity) -> None:
    known = [c.name for c in entity.columns]
    duplicated = sorted({h for h in header if header.count(h) > 1})
    unknown = [h for h in header if h not in known]
    missing = [r for r in entity.required if r not in header]
    problems = []
    if duplicated:
        problems.append(f"column(s) {', '.join(duplicated)} appear more than once")
    if missing:
        problems.append(f"required column(s) {', '.join(missing)} missing")
    if unknown:
        problems.append(f"column(s) {', '.join(repr(u) for u in unknown)} not in the {entity.name} contract")
    if problems:
        raise BatchRefused(
            f"{name} line 1 (header): {'; '.join(problems)}. The {entity.name} columns are: {', '.join(known)}"
        )


def _csv_rows(binary: BinaryIO, name: str, entity: Entity) -> Iterator[Row]:
    consumed: list[tuple[int, str]] = []

    def lines() -> Iterator[str]:
        for number, text in _decoded(binary, name):
            consumed.append((number, text))
            yield text

    try:
        reader = csv.reader(lines(), strict=True)
        header_row = next(reader, None)
        if header_row is None:
            raise BatchRefused(f"{name}: the file is empty; a CSV export starts with a header line")
        header = [h.strip() for h in header_row]
        _check_header(header, name, entity)
        consumed.clear()
        for values in reader:
            line, text = consumed[0][0], "".join(t for _, t in consumed).rstrip("\r\n")
            consumed.clear()
            if not any(v.strip() for v in values):
                continue  # a blank line is no record
            if len(values) != len(header):
                yield Row(line, text, problem=f"{name} line {line}: {len(values)} values for the header's {len(header)}"
                                             " columns")
                continue
            yield _checked(name, line, text, entity, {h: _text(v) for h, v in zip(header, values)})
    except csv.Error as exc:
        number = consumed[0][0] if consumed else "?"
        raise BatchRefused(f"{name} line {number}: unreadable CSV ({exc})") from None


def _jsonl_rows(binary: BinaryIO, name: str, entity: Entity) -> Iterator[Row]:
    known = {c.name for c in entity.columns}
    for line, text in _decoded(binary, name):
        text = text.rstrip("\r\n")
        if not text.strip():
            continue
        try:
            # Decimals, not floats: an amount stays the digits that were written.
            value = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            yield Row(line, text, problem=f"{name} line {line}: not valid JSON at character {exc.colno} ({exc.msg})")
            continue
        if not isinstance(value, dict):
            yield Row(line, text, problem=f"{name} line {line}: a JSON {type(value).__name__}, not an object")
            continue
        unknown = [k for k in value if k not in known]
        if unknown:
            yield Row(line, text, problem=f"{name} line {line}, column {unknown[0]}: not in the {entity.name} contract")
            continue
        record: dict[str, str | None] = {}
        problem = None
        for key, item in value.items():
            if isinstance(item, (dict, list)):
                problem = f"{name} line {line}, column {key}: a JSON {type(item).__name__}, not a single value"
                break
            record[key] = _json_text(item)
        if problem is not None:
            yield Row(line, text, problem=problem)
            continue
        yield _checked(name, line, text, entity, record)


def _text(value: str) -> str | None:
    value = value.strip()
    return value or None


def _json_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _text(value)
    return str(value)


def _checked(name: str, line: int, text: str, entity: Entity, record: dict[str, str | None]) -> Row:
    """The row with the contract's problems, every column's in the contract's order."""
    problems = []
    for column in entity.columns:
        value = record.get(column.name)
        if value is None:
            if column.required:
                problems.append(f"column {column.name}: required but empty")
            continue
        problem = column.problem(value)
        if problem is not None:
            problems.append(f"column {column.name}: {problem}")
    if not problems:
        for rule in entity.rules:
            broken = rule(record)
            if broken is not None:
                problems.append(f"column {broken[0]}: {broken[1]}")
    if problems:
        return Row(line, text, problem=f"{name} line {line}, " + "; ".join(problems))
    # Contract order, so every file's records read alike whatever its column order.
    ordered = {c.name: record[c.name] for c in entity.columns if c.name in record}
    return Row(line, text, record=ordered)
