"""The Dagster entry point: merges every ``defs/<domain>/definitions.py``.

Nothing is listed here by name, so adding a domain touches no central file.
"""
from __future__ import annotations

import importlib
import pkgutil

import dagster as dg

import orchestration.defs


def _domain_definitions() -> list[dg.Definitions]:
    found = []
    for mod in pkgutil.iter_modules(orchestration.defs.__path__):
        if mod.ispkg:
            found.append(importlib.import_module(f"orchestration.defs.{mod.name}.definitions").defs)
    return found


defs = dg.Definitions.merge(*_domain_definitions())
