"""What the dbt manifest says about the warehouse's inputs: the raw tables dbt reads, and
which sources feed each metric family (METRICS.md E, C, R, ...).

Read from the lineage dbt already knows, so a new model or source needs no list here.
"""
from __future__ import annotations

import json
import re
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


@dataclass(frozen=True)
class FamilyInputs:
    """One metric family and the sources its marts columns descend from."""

    family: str
    title: str
    metric_ids: tuple[str, ...]
    sources: tuple[str, ...]


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
        source, _, stream = (node.get("identifier") or node["name"]).partition("__")
        if not stream:
            raise ValueError(f"dbt source {node['unique_id']} reads raw table {node.get('identifier')!r}, "
                             "which is not named <source>__<stream>")
        found.add(RawTable(source, stream))
    return sorted(found, key=lambda t: (t.source, t.stream))


def _family_titles(catalog: Path) -> dict[str, str]:
    titles = {}
    if catalog.exists():
        for line in catalog.read_text().splitlines():
            match = _FAMILY_HEADING.match(line)
            if match:
                titles[match.group(1)] = match.group(2).strip()
    return titles


def metric_family_inputs(manifest: dict, catalog: Path) -> list[FamilyInputs]:
    """Per METRICS.md family: its metric ids found in marts column meta, and the raw sources
    (``raw`` schema) upstream of the marts that carry them, not counting paths through
    identity resolution (``LINKING_FOLDER``)."""
    parents = manifest.get("parent_map", {})
    nodes = manifest.get("nodes", {})
    sources = manifest.get("sources", {})
    raw_source_of = {uid: n["source_name"] for uid, n in sources.items() if n.get("schema") == RAW_SCHEMA}

    upstream_cache: dict[str, frozenset[str]] = {}

    def upstream_sources(uid: str) -> frozenset[str]:
        if uid in upstream_cache:
            return upstream_cache[uid]
        upstream_cache[uid] = frozenset()  # a cycle cannot occur in dbt; this only guards recursion
        found: set[str] = set()
        for parent in parents.get(uid, []):
            if parent in raw_source_of:
                found.add(raw_source_of[parent])
            elif LINKING_FOLDER not in nodes.get(parent, {}).get("fqn", ()):
                found |= upstream_sources(parent)
        upstream_cache[uid] = frozenset(found)
        return upstream_cache[uid]

    ids: dict[str, set[str]] = {}
    feeding: dict[str, set[str]] = {}
    for uid, node in nodes.items():
        if node.get("resource_type") != "model":
            continue
        for column in node.get("columns", {}).values():
            metric_id = (column.get("meta") or {}).get("metric_id") or (column.get("config", {}).get("meta") or {}).get("metric_id")
            if not metric_id:
                continue
            family = metric_id[0]
            ids.setdefault(family, set()).add(metric_id)
            feeding.setdefault(family, set()).update(upstream_sources(uid))
    titles = _family_titles(catalog)
    order = list(titles) + sorted(set(ids) - set(titles))
    return [
        FamilyInputs(
            family=family,
            title=titles.get(family, family),
            metric_ids=tuple(sorted(ids[family], key=lambda m: (len(m), m))),
            sources=tuple(sorted(feeding.get(family, ()))),
        )
        for family in order
        if family in ids
    ]


@dataclass(frozen=True)
class FamilyStatus:
    """Where one metric family's inputs stand after a night: per upstream source, whether it
    has loaded data, is configured but has none yet, or is not configured at all."""

    family: str
    title: str
    metric_ids: tuple[str, ...]
    loaded: tuple[str, ...]
    without_data: tuple[str, ...]
    not_configured: tuple[str, ...]


def family_statuses(families: list[FamilyInputs], configured: set[str], loaded: set[str]) -> list[FamilyStatus]:
    return [
        FamilyStatus(
            family=f.family,
            title=f.title,
            metric_ids=f.metric_ids,
            loaded=tuple(s for s in f.sources if s in loaded),
            without_data=tuple(s for s in f.sources if s in configured and s not in loaded),
            not_configured=tuple(s for s in f.sources if s not in configured and s not in loaded),
        )
        for f in families
    ]


def sources_with_data(con) -> set[str]:  # noqa: ANN001 - a DuckDB connection to the working warehouse
    """Sources with at least one committed batch that landed records, ever."""
    return {source for (source,) in con.execute(
        "select distinct source from audit.load_batches where status = 'committed' and records > 0").fetchall()}


def night_family_statuses(con, manifest_path: Path, catalog: Path, configured: set[str]) -> list[FamilyStatus]:  # noqa: ANN001
    """Each metric family's sources after a night, ``configured`` being the sources this deployment loads."""
    families = metric_family_inputs(load_manifest(manifest_path), catalog)
    return family_statuses(families, configured, sources_with_data(con))
