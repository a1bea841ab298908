"""The short report that ends a nightly run: what landed, what was checked, how long, which
streams are stale, and the exit code that tells a scheduler which of three nights it was."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb

from extractors.landing.freshness import StaleStream, stale_streams
from extractors.landing.warehouse import open_when_unlocked
from orchestration.lineage import FamilyStatus, night_family_statuses
from orchestration.settings import DBT_PROJECT_DIR

# What `python -m orchestration.run` exits with (README, "When a source fails").
EXIT_PUBLISHED = 0  # published, every stream fresh
EXIT_FAILED = 1  # nothing published: readers keep the last good publication
EXIT_PUBLISHED_STALE = 3  # published, but some streams kept their last committed batch


def _check_counts(result) -> tuple[int, int, list[str]]:
    passed, failed, names = 0, 0, []
    for evaluation in result.get_asset_check_evaluations():
        if evaluation.passed:
            passed += 1
        else:
            failed += 1
            names.append(f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}")
    return passed, failed, names


def _publication(result, published: Path) -> tuple[bool, str]:
    """Whether this run published, and the line saying so or which earlier publication readers still see."""
    if not published.exists():
        return False, f"published: nothing yet ({published} is made once a night passes every check)"
    with duckdb.connect(str(published), read_only=True) as con:
        run_id, at, tables, rows = con.execute(
            "select dagster_run_id, published_at, tables, total_rows from publication.info"
        ).fetchone()
    if run_id == result.run_id:
        return True, f"published: {tables} tables, {rows:,} rows -> {published}"
    return False, f"published: NOT this run; readers keep the publication of {at:%Y-%m-%d %H:%M %Z} in {published}"


def exit_code(published_this_run: bool, stale: list[StaleStream]) -> int:
    if not published_this_run:
        return EXIT_FAILED
    return EXIT_PUBLISHED_STALE if stale else EXIT_PUBLISHED


def _family_line(status: FamilyStatus) -> str:
    line = f"  {status.family} {status.title:<38} " + (", ".join(status.loaded) or "no source loaded")
    if status.without_data:
        line += f"; configured, no data yet: {', '.join(status.without_data)}"
    if status.not_configured:
        line += f"; not configured: {', '.join(status.not_configured)}"
    if status.is_stale:
        line += f"; STALE: {', '.join(status.stale)}"
    return line


def print_summary(result, warehouse: Path, published: Path, started: datetime, wall_seconds: float,
                  configured: set[str] | None = None, manifest: Path | None = None) -> int:
    """Print the summary and return the exit code (``EXIT_*``).  ``configured``: the sources this
    deployment loads; ``manifest``: dbt's, for the metric families' lineage (the per-family lines
    are left out without either)."""
    passed, failed, failed_names = _check_counts(result)
    with open_when_unlocked(warehouse, read_only=True, lock_timeout=60) as con:
        stale = stale_streams(con, result.run_id)
        families = (night_family_statuses(con, manifest, DBT_PROJECT_DIR / "METRICS.md", configured,
                                          {s.name for s in stale})
                    if manifest is not None and manifest.exists() and configured is not None else [])
        per_source = con.execute(
            """
            select source,
                   count(*) as batches,
                   sum(records) filter (where status = 'committed') as records,
                   count(*) filter (where status <> 'committed') as not_committed
            from audit.load_batches
            where started_at >= ?
            group by source
            order by source
            """,
            [started],
        ).fetchall()
        staging = dict(
            con.execute(
                """
                select split_part(table_name, '__', 1) as source, count(*)
                from information_schema.tables
                where table_schema = 'staging'
                group by 1
                """
            ).fetchall()
        )
        layers = dict(
            con.execute(
                "select table_schema, count(*) from information_schema.tables"
                " where table_schema in ('intermediate', 'core', 'marts', 'reference') group by 1"
            ).fetchall()
        )
    published_this_run, publication_line = _publication(result, published)
    code = exit_code(published_this_run and result.success, stale)
    print()
    print("Pantau nightly run: " + {EXIT_PUBLISHED: "SUCCESS", EXIT_PUBLISHED_STALE: "SUCCESS WITH STALE STREAMS",
                                    EXIT_FAILED: "FAILED"}[code])
    print(f"{'source':<12}{'streams':>8}{'records':>12}{'staging models':>16}")
    for source, batches, records, not_committed in per_source:
        note = f"  ({not_committed} not committed)" if not_committed else ""
        models = staging.get(f"stg_{source}", 0)
        print(f"{source:<12}{batches:>8}{records or 0:>12,}{models:>16}{note}")
    total = sum((r[2] or 0) for r in per_source)
    print(f"{'total':<12}{sum(r[1] for r in per_source):>8}{total:>12,}{sum(staging.values()):>16}")
    print("models: " + ", ".join(f"{layers.get(layer, 0)} {layer}" for layer in ("intermediate", "core", "marts"))
          + f", {layers.get('reference', 0)} seeds")
    if families:
        print("metric families, by the sources that fed them:")
        for status in families:
            print(_family_line(status))
    if stale:
        print(f"stale streams ({len(stale)}): their tables keep their last committed batch")
        for s in stale:
            print(f"  {s.describe()}")
    print(f"checks: {passed} passed, {failed} failed" + (f" ({', '.join(failed_names[:10])})" if failed_names else ""))
    print(f"wall time: {wall_seconds:.1f} s")
    print(f"warehouse: {warehouse}")
    print(publication_line)
    return code
