"""The file source's Dagster assets, materialized as the nightly job runs them."""
from __future__ import annotations

import dagster as dg
import pytest

from extractors.files import ENTITIES
from orchestration.defs.imports.definitions import defs as import_defs
from orchestration.resources import SourcesResource, WarehouseResource
from tests.files.conftest import EXPORT, MALFORMED, NOW, drop, query


def _materialize(warehouse):
    return dg.materialize(
        list(import_defs.assets),
        resources={"sources": SourcesResource(now_override=NOW.isoformat()),
                   "warehouse": WarehouseResource(path=str(warehouse))},
        instance=dg.DagsterInstance.ephemeral(),
        raise_on_error=False,
    )


def _checks(result, name="great_expectations_suite"):
    return {e.asset_key.path[-1]: e.passed for e in result.get_asset_check_evaluations() if e.check_name == name}


def test_without_an_import_folder_every_asset_succeeds_and_its_table_exists(tmp_path, monkeypatch):
    """GIVEN no PANTAU_IMPORT_DIR
    WHEN every import asset is materialized
    THEN each succeeds with its check passed, imports no file, and its raw table exists empty."""
    monkeypatch.delenv("PANTAU_IMPORT_DIR", raising=False)
    warehouse = tmp_path / "pantau.duckdb"
    result = _materialize(warehouse)
    assert result.success
    assert _checks(result) == {f"files__{e.name}": True for e in ENTITIES}
    for e in ENTITIES:
        assert query(warehouse, f'SELECT count(*) FROM raw."files__{e.name}"') == [(0,)]


@pytest.mark.parametrize(
    "files, failing",
    [
        pytest.param(list(EXPORT.iterdir()), set(), id="sample-exports"),
        pytest.param([EXPORT / "customers.csv", MALFORMED / "customers_missing_column.csv"], {"files__customers"},
                     id="a-rejected-file-fails-its-check"),
    ],
)
def test_the_assets_import_the_folder_and_a_rejected_file_fails_the_check(tmp_path, monkeypatch, files, failing):
    """GIVEN PANTAU_IMPORT_DIR holding export files
    WHEN every import asset is materialized
    THEN the files are imported, the suite and freshness checks fail exactly for an entity with a rejected
    file, the run still succeeds (the checks do not block), and the entity is recorded stale, with the file."""
    monkeypatch.setenv("PANTAU_IMPORT_DIR", str(drop(tmp_path / "in", *files)))
    warehouse = tmp_path / "pantau.duckdb"
    result = _materialize(warehouse)
    assert result.success
    assert {k for k, passed in _checks(result).items() if not passed} == failing
    assert {k for k, passed in _checks(result, "fresh").items() if not passed} == failing
    stale = query(warehouse, "SELECT 'files__' || stream, reason FROM audit.stream_freshness WHERE is_stale")
    assert {name for name, _ in stale} == failing
    assert all("customers_missing_column.csv" in reason for _, reason in stale)
    committed = {r[0] for r in query(warehouse, "SELECT stream FROM audit.imported_files")}
    assert committed == {f.name.split(".")[0] for f in files if f.parent == EXPORT}
