"""Expectation declarations a suite file writes, and their Great Expectations form.

A suite is data: ``required("id")``, ``unique("id")``, ``timestamp("created_at")``,
``non_negative("like_count")``, ``one_of("media_type", {...})``.  Columns are
dotted paths into the raw record JSON.  Each declaration says which paths it
reads, which derived columns it adds to the validation frame (parsed
timestamps, numbers) and which real GX 1.x expectations check them.

Derived columns are named ``"<path> as timestamp"`` / ``"<path> as number"``
so validation results stay readable.  Parseability is "the parsed value is not
null wherever the raw value is present", so an absent optional field is not a
parse failure; presence is ``required``'s job.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable

import pandas as pd
from great_expectations import expectations as gxe
from great_expectations.expectations.expectation import Expectation

# Clocks and time zones of the sources differ; a day of slack avoids false alarms.
FUTURE_SLACK = timedelta(days=1)


def _present(path: str) -> str:
    # Backticks let pandas' query parser address a column named by a dotted path.
    return f"`{path}`.notnull()"


def _as_timestamp(path: str) -> str:
    return f"{path} as timestamp"


def _as_number(path: str) -> str:
    return f"{path} as number"


@dataclass(frozen=True)
class Check:
    """One declared rule over one or more record paths.

    blocking: a failure rejects the batch; otherwise it is only recorded.
    mostly: GX's tolerated share of passing values (1.0 = every value).
    """

    kind: str
    paths: tuple[str, ...]
    values: tuple[str, ...] = ()
    epoch_unit: str | None = None
    blocking: bool = True
    mostly: float = 1.0

    def derive(self, frame: pd.DataFrame) -> None:
        """Add the derived columns this check validates to ``frame`` in place."""
        for path in self.paths:
            if self.kind == "timestamp":
                frame[_as_timestamp(path)] = _parse_timestamps(frame[path], self.epoch_unit)
            elif self.kind == "non_negative":
                frame[_as_number(path)] = pd.to_numeric(frame[path], errors="coerce")

    def expectations(self, loaded_at: datetime, earliest: datetime) -> list[Expectation]:
        """The GX expectations that enforce this check for a batch loaded at ``loaded_at``;
        timestamps must lie between ``earliest`` (the source's plausibility floor) and then."""
        common = {"mostly": self.mostly} if self.mostly < 1.0 else {}
        if self.kind == "required":
            return [gxe.ExpectColumnValuesToNotBeNull(column=p, **common) for p in self.paths]
        if self.kind == "unique":
            if len(self.paths) == 1:
                return [gxe.ExpectColumnValuesToBeUnique(column=self.paths[0], **common)]
            return [gxe.ExpectCompoundColumnsToBeUnique(column_list=list(self.paths), **common)]
        if self.kind == "timestamp":
            latest = _utc(loaded_at) + FUTURE_SLACK
            out: list[Expectation] = []
            for p in self.paths:
                out.append(
                    gxe.ExpectColumnValuesToNotBeNull(
                        column=_as_timestamp(p), row_condition=_present(p), condition_parser="pandas", **common
                    )
                )
                out.append(
                    gxe.ExpectColumnValuesToBeBetween(
                        column=_as_timestamp(p), min_value=_utc(earliest), max_value=latest, **common
                    )
                )
            return out
        if self.kind == "non_negative":
            out = []
            for p in self.paths:
                out.append(
                    gxe.ExpectColumnValuesToNotBeNull(
                        column=_as_number(p), row_condition=_present(p), condition_parser="pandas", **common
                    )
                )
                out.append(gxe.ExpectColumnValuesToBeBetween(column=_as_number(p), min_value=0, **common))
            return out
        if self.kind == "one_of":
            return [gxe.ExpectColumnValuesToBeInSet(column=p, value_set=list(self.values), **common) for p in self.paths]
        raise ValueError(f"unknown check kind {self.kind!r}")

    @property
    def is_uniqueness(self) -> bool:
        return self.kind == "unique"


def required(*paths: str, blocking: bool = True, mostly: float = 1.0) -> Check:
    """Every record has a non-null value at each path."""
    return Check("required", _paths(paths), blocking=blocking, mostly=mostly)


def unique(*paths: str, blocking: bool = True) -> Check:
    """The value (or the combination of values) at the paths is unique within the batch."""
    return Check("unique", _paths(paths), blocking=blocking)


def timestamp(*paths: str, epoch_unit: str | None = None, blocking: bool = True, mostly: float = 1.0) -> Check:
    """Present values parse as timestamps (ISO 8601, or epoch numbers in ``epoch_unit``
    such as ``"s"``) and lie between the source's plausibility floor (``data_quality.suites.earliest_plausible``)
    and one day after the load time."""
    if epoch_unit not in (None, "s", "ms", "us"):
        raise ValueError(f"epoch_unit must be 's', 'ms' or 'us', not {epoch_unit!r}")
    return Check("timestamp", _paths(paths), epoch_unit=epoch_unit, blocking=blocking, mostly=mostly)


def non_negative(*paths: str, blocking: bool = True, mostly: float = 1.0) -> Check:
    """Present values are numbers >= 0 (counts, amounts)."""
    return Check("non_negative", _paths(paths), blocking=blocking, mostly=mostly)


def one_of(path: str, values: Iterable[object], *, blocking: bool = True, mostly: float = 1.0) -> Check:
    """Present values are in ``values``; non-string values compare by their JSON text."""
    texts = tuple(sorted(v if isinstance(v, str) else json.dumps(v) for v in values))
    if not texts:
        raise ValueError(f"one_of({path!r}) needs at least one allowed value")
    return Check("one_of", _paths((path,)), values=texts, blocking=blocking, mostly=mostly)


def _paths(paths: Iterable[str]) -> tuple[str, ...]:
    out = tuple(paths)
    if not out or not all(isinstance(p, str) and p and "`" not in p for p in out):
        raise ValueError(f"expected one or more dotted paths, got {out!r}")
    return out


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _parse_timestamps(raw: pd.Series, epoch_unit: str | None) -> pd.Series:
    if epoch_unit:
        return pd.to_datetime(pd.to_numeric(raw, errors="coerce"), unit=epoch_unit, utc=True, errors="coerce")
    return pd.to_datetime(raw, format="ISO8601", utc=True, errors="coerce")
