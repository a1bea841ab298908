"""Per-source suites: ``data_quality/suites/<source>.py`` declares ``SUITES``.

``SUITES`` maps a stream name to a list of checks from
``data_quality.expectations``.  Every stream also gets the default checks
(primary-key parts present and unique), whether or not its source has a file.

A suites file may also declare ``EARLIEST_PLAUSIBLE``, the oldest timestamp its
source can hold (the platform's launch where the platform stamps every time
itself); ``PANTAU_<SOURCE>_EARLIEST_PLAUSIBLE`` or ``PANTAU_EARLIEST_PLAUSIBLE``
overrides it, for a brand whose imported history is older still.
"""
from __future__ import annotations

import importlib
import os
import re
from datetime import datetime, timezone
from types import ModuleType
from typing import TYPE_CHECKING, Mapping

from data_quality.expectations import Check, required, unique

if TYPE_CHECKING:
    from extractors.engine.declarations import Source, Stream


def default_checks(stream: Stream) -> list[Check]:
    """Primary-key parts are non-null and, together, unique within the batch."""
    return [required(*stream.primary_key), unique(*stream.primary_key)]


# Sources whose APIs accept times supplied by an import (HubSpot createdate, Zendesk's
# ticket import, Mixpanel's import API, Mailchimp signup times) can hold any past date;
# older than this is a unit or parsing error (epoch 0, milliseconds read as seconds).
DEFAULT_EARLIEST_PLAUSIBLE = datetime(1980, 1, 1, tzinfo=timezone.utc)
EARLIEST_PLAUSIBLE_VAR = "PANTAU_EARLIEST_PLAUSIBLE"


class SettingsError(ValueError):
    """A data-quality setting is malformed; the message names the variable."""


def _suites_module(source_name: str) -> ModuleType | None:
    module_name = f"{__name__}.{source_name}"
    try:
        return importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing suites file means "no suites"; a broken import inside one must surface.
        if exc.name != module_name:
            raise
        return None


def earliest_plausible(source_name: str, environ: Mapping[str, str] | None = None) -> datetime:
    """The oldest timestamp a record of this source may carry (see the module docstring)."""
    environ = os.environ if environ is None else environ
    own_var = "PANTAU_" + re.sub(r"[^A-Z0-9]+", "_", f"{source_name}_EARLIEST_PLAUSIBLE".upper())
    for var in (own_var, EARLIEST_PLAUSIBLE_VAR):
        raw = environ.get(var, "").strip()
        if raw:
            try:
                moment = datetime.fromisoformat(raw)
            except ValueError:
                raise SettingsError(f"{var}={raw!r} is not an ISO-8601 date or timestamp (e.g. 1995-01-01)") from None
            return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment
    module = _suites_module(source_name)
    return getattr(module, "EARLIEST_PLAUSIBLE", DEFAULT_EARLIEST_PLAUSIBLE)


def declared_checks(source: Source, stream: Stream) -> list[Check]:
    """``data_quality.suites.<source>.SUITES[stream]``, or ``[]`` without such a module."""
    module_name = f"{__name__}.{source.name}"
    module = _suites_module(source.name)
    if module is None:
        return []
    suites = getattr(module, "SUITES", None)
    if not isinstance(suites, dict):
        raise TypeError(f"{module_name}.SUITES must be a dict of stream name -> list of checks")
    # A misspelt stream name would otherwise silently validate nothing.
    unknown = set(suites) - {s.name for s in source.streams}
    if unknown:
        raise ValueError(f"{module_name}.SUITES names streams {sorted(unknown)} that {source.name!r} does not declare")
    checks = list(suites.get(stream.name, []))
    for check in checks:
        if not isinstance(check, Check):
            raise TypeError(f"{module_name}.SUITES[{stream.name!r}] holds {check!r}, not a data_quality check")
    return checks


def checks_for(source: Source, stream: Stream) -> list[Check]:
    """The full suite of one raw stream: defaults first, then the declared checks."""
    return default_checks(stream) + declared_checks(source, stream)
