"""What the dbt manifest says about the warehouse's inputs: the raw tables dbt reads, and
which sources feed each metric family (METRICS.md E, C, R, ...).

Read from the lineage dbt already knows, so a new model or source needs no list here.
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

RAW_SCHEMA = "raw"
# Identity resolution reads every source that knows people to say who is who; it links
# a metric's rows to customers but feeds no metric's values, so lineage does not pass
# through it (else every family would "descend" from every source).
LINKING_FOLDER = "identity"
# Family headings of METRICS.md: "## E — Social engagement (...)".
_FAMILY_HEADING = re.compile(r"^## ([A-Z]) — ([^(]+?)\s*(?:\(|$)")


@dataclass(frozen=True)
class RawTable:
    source: str
    stream: str

    @property
    def name(self) -> str:
        return f"{self.source}__{self.stream}"


@dataclass(frozen=True)
class FamilyInputs:
    """One metric family and the raw tables (so the sources) its marts columns descend from."""

    family: str
    title: str
    metric_ids: tuple[str, ...]
    sources: tuple[str, ...]
    streams: tuple[RawTable, ...]


@lru_cache(maxsize=4)
def _load(manifest_path: Path, mtime: float) -> dict:
    return json.loads(manifest_path.read_text())


def load_manifest(manifest_path: Path) -> dict:
    return _load(manifest_path, manifest_path.stat().st_mtime)


def raw_tables(manifest: dict) -> list[RawTable]:
    """Every ``raw.<source>__<stream>`` table a dbt source declares."""
    found = set()
    for node in manifest.get("sources", {}).values():
        if node.get("schema") != RAW_SCHEMA:
            continue
        found.add(_raw_table(node))
    return sorted(found, key=lambda t: (t.source, t.stream))


def _raw_table(node: dict) -> RawTable:
    source, _, stream = (node.get("identifier") or node["name"]).partition("__")
    if not stream:
        raise ValueError(f"dbt source {node['unique_id']} reads raw table {node.get('identifier')!r}, "
                         "which is not named <source>__<stream>")
    return RawTable(source, stream)


def _family_titles(catalog: Path) -> dict[str, str]:
    titles = {}
    if catalog.exists():
        for line in catalog.read_text().splitlines():
            match = _FAMILY_HEADING.match(line)
            if match:
                titles[match.group(1)] = match.group(2).strip()
    return titles


def raw_inputs(manifest: dict) -> Callable[[str], frozenset[RawTable]]:
    """For a dbt node's unique id, the raw tables (``raw`` schema) upstream of it, not counting
    paths through identity resolution (``LINKING_FOLDER``)."""
    parents = manifest.get("parent_map", {})
    nodes = manifest.get("nodes", {})
    raw_of = {uid: _raw_table(n) for uid, n in manifest.get("sources", {}).items() if n.get("schema") == RAW_SCHEMA}
    cache: dict[str, frozenset[RawTable]] = {}

    def upstream(uid: str) -> frozenset[RawTable]:
        if uid in cache:
            return cache[uid]
        cache[uid] = frozenset()  # a cycle cannot occur in dbt; this only guards recursion
        found: set[RawTable] = set()
        for parent in parents.get(uid, []):
            if parent in raw_of:
                found.add(raw_of[parent])
            elif LINKING_FOLDER not in nodes.get(parent, {}).get("fqn", ()):
                found |= upstream(parent)
        cache[uid] = frozenset(found)
        return cache[uid]

    return upstream


def metric_family_inputs(manifest: dict, catalog: Path) -> list[FamilyInputs]:
    """Per METRICS.md family: its metric ids found in marts column meta, and the raw tables
    upstream of the marts that carry them (``raw_inputs``)."""
    upstream = raw_inputs(manifest)
    ids: dict[str, set[str]] = {}
    feeding: dict[str, set[RawTable]] = {}
    for uid, node in manifest.get("nodes", {}).items():
        if node.get("resource_type") != "model":
            continue
        for column in node.get("columns", {}).values():
            metric_id = (column.get("meta") or {}).get("metric_id") or (column.get("config", {}).get("meta") or {}).get("metric_id")
            if not metric_id:
                continue
            family = metric_id[0]
            ids.setdefault(family, set()).add(metric_id)
            feeding.setdefault(family, set()).update(upstream(uid))
    titles = _family_titles(catalog)
    order = list(titles) + sorted(set(ids) - set(titles))
    return [
        FamilyInputs(
            family=family,
            title=titles.get(family, family),
            metric_ids=tuple(sorted(ids[family], key=lambda m: (len(m), m))),
            sources=tuple(sorted({t.source for t in feeding.get(family, ())})),
            streams=tuple(sorted(feeding.get(family, ()), key=lambda t: (t.source, t.stream))),
        )
        for family in order
        if family in ids
    ]


@dataclass(frozen=True)
class FamilyStatus:
    """Where one metric family's inputs stand after a night: per upstream source, whether it
    has loaded data, is configured but has none yet, or is not configured at all; and which
    of its raw tables the night left stale (``<source>__<stream>``), if any."""

    family: str
    title: str
    metric_ids: tuple[str, ...]
    loaded: tuple[str, ...]
    without_data: tuple[str, ...]
    not_configured: tuple[str, ...]
    stale: tuple[str, ...] = ()

    @property
    def is_stale(self) -> bool:
        return bool(self.stale)


def family_statuses(families: list[FamilyInputs], configured: set[str], loaded: set[str],
                    stale: set[str] = frozenset()) -> list[FamilyStatus]:
    """``stale``: the raw tables (``<source>__<stream>``) the night did not refresh."""
    return [
        FamilyStatus(
            family=f.family,
            title=f.title,
            metric_ids=f.metric_ids,
            loaded=tuple(s for s in f.sources if s in loaded),
            without_data=tuple(s for s in f.sources if s in configured and s not in loaded),
            not_configured=tuple(s for s in f.sources if s not in configured and s not in loaded),
            stale=tuple(t.name for t in f.streams if t.name in stale),
        )
        for f in families
    ]


def sources_with_data(con) -> set[str]:  # noqa: ANN001 - a DuckDB connection to the working warehouse
    """Sources with at least one committed batch that landed records, ever."""
    return {source for (source,) in con.execute(
        "select distinct source from audit.load_batches where status = 'committed' and records > 0").fetchall()}


def night_family_statuses(con, manifest_path: Path, catalog: Path, configured: set[str],  # noqa: ANN001
                          stale: set[str] = frozenset()) -> list[FamilyStatus]:
    """Each metric family's sources after a night, ``configured`` being the sources this deployment
    loads and ``stale`` the raw tables the night left stale."""
    families = metric_family_inputs(load_manifest(manifest_path), catalog)
    return family_statuses(families, configured, sources_with_data(con), stale)
