"""One folder per source system; each package exports ``SOURCE`` (a ``Source``).

Discovery is by folder, so adding a source touches no central file.
"""
from __future__ import annotations

import importlib
import pkgutil

from extractors.engine.declarations import Source


def all_sources() -> list[Source]:
    found = []
    for mod in pkgutil.iter_modules(__path__):
        if mod.ispkg:
            package = importlib.import_module(f"{__name__}.{mod.name}")
            source = getattr(package, "SOURCE", None)
            if isinstance(source, Source):
                found.append(source)
    return sorted(found, key=lambda s: s.name)


def get_source(name: str) -> Source:
    for source in all_sources():
        if source.name == name:
            return source
    raise KeyError(f"no source named {name!r}; known: {[s.name for s in all_sources()]}")
