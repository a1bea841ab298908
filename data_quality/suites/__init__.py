"""Per-source suites: ``data_quality/suites/<source>.py`` declares ``SUITES``.

``SUITES`` maps a stream name to a list of checks from
``data_quality.expectations``.  Every stream also gets the default checks
(primary-key parts present and unique), whether or not its source has a file.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from data_quality.expectations import Check, required, unique

if TYPE_CHECKING:
    from extractors.engine.declarations import Source, Stream


def default_checks(stream: Stream) -> list[Check]:
    """Primary-key parts are non-null and, together, unique within the batch."""
    return [required(*stream.primary_key), unique(*stream.primary_key)]


def declared_checks(source: Source, stream: Stream) -> list[Check]:
    """``data_quality.suites.<source>.SUITES[stream]``, or ``[]`` without such a module."""
    module_name = f"{__name__}.{source.name}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        # Only a missing suites file means "no suites"; a broken import inside one must surface.
        if exc.name != module_name:
            raise
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
