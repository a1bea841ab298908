"""Whether two warehouses hold the same data: the comparison of a night that was faulted,
killed or rerun with a clean night of the same world and clock."""
from __future__ import annotations

from pathlib import Path

import duckdb

# Columns whose values depend on when a load ran, not on what the APIs said: the batch a
# record landed in (batch ids keep counting across killed or faulted nights), its extraction instant
# (the run's clock plus the time the night had spent, so a rerun stamps other sub-seconds),
# and what dbt derives from that instant: an account or post snapshot's time (snapshot_at_*,
# metrics_*), the incremental facts' import/load watermarks. The sentiment's scored_at never
# leaves the enrichment schema.
LOAD_TIME_COLUMNS = frozenset({
    "batch_id", "extracted_at", "metrics_extracted_at", "metrics_counted_at_utc",
    "snapshot_at_utc", "snapshot_at_local", "imported_at_utc", "loaded_through_at_utc",
})


def tables(path: Path, schemas: tuple[str, ...]) -> list[tuple[str, str]]:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute(
            "select schema_name, table_name from duckdb_tables() where schema_name in (select unnest(?)) order by all",
            [list(schemas)],
        ).fetchall()


def differences(mine: Path, clean: Path, schemas: tuple[str, ...], ignored: frozenset[str]) -> list[str]:
    """Tables of ``schemas`` that are not the same multiset of rows in both files, over every
    column but ``ignored``; and tables only one of the files has."""
    found = []
    ours, theirs = tables(mine, schemas), tables(clean, schemas)
    found += [f"{s}.{t}: only in {mine}" for s, t in sorted(set(ours) - set(theirs))]
    found += [f"{s}.{t}: only in {clean}" for s, t in sorted(set(theirs) - set(ours))]
    with duckdb.connect(str(mine), read_only=True) as con:
        con.execute(f"attach '{clean}' as clean (read_only)")
        for schema, table in sorted(set(ours) & set(theirs)):
            columns = [c for (c,) in con.execute(
                "select column_name from duckdb_columns() where database_name = current_database()"
                " and schema_name = ? and table_name = ? order by column_index", [schema, table]).fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c not in ignored)
            name = f'"{schema}"."{table}"'
            extra = con.execute(f"select count(*) from (select {kept} from {name} except all select {kept} from clean.{name})").fetchone()[0]
            missing = con.execute(f"select count(*) from (select {kept} from clean.{name} except all select {kept} from {name})").fetchone()[0]
            if extra or missing:
                found.append(f"{schema}.{table}: {extra} rows only in {mine}, {missing} only in {clean}")
    return found
