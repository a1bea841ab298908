"""Importing export files into raw: bad rows quarantined by file, line and column, unreadable
files rejected whole, re-imports idempotent by content."""
from __future__ import annotations

import shutil

import duckdb
import pytest

from extractors.files import ENTITIES, entity, import_entity
from extractors.files.importer import LEDGER_DDL
from tests.files.conftest import EXPORT, MALFORMED, NOW, drop, import_all, query

# Hand-counted data rows of each sample export.
SAMPLE_ROWS = {
    "orders": 6,
    "customers": 5,
    "tickets": 4,
    "ticket_comments": 8,
    "social_messages": 6,
    "posts": 4,
    "followers": 6,
    "survey_responses": 5,
    "email_activities": 7,
}


def _quarantined(warehouse, stream):
    return [r[0] for r in query(warehouse, """
        SELECT q.reason FROM audit.quarantined_records AS q
        WHERE q.source = 'files' AND q.stream = ? ORDER BY q.reason""", [stream])]


def test_the_sample_export_of_every_entity_lands_in_raw(tmp_path):
    """GIVEN the sample export of every entity in the import folder
    WHEN each entity is imported
    THEN each file is one committed batch holding every row, with its file and line in context,
    and the ledger of imported files names each file once."""
    warehouse = tmp_path / "pantau.duckdb"
    outcomes = import_all(EXPORT, warehouse)
    assert {e.name for e in ENTITIES} == set(SAMPLE_ROWS)
    for name, rows in SAMPLE_ROWS.items():
        (outcome,) = outcomes[name]
        assert (outcome.status, outcome.records, outcome.quarantined) == ("committed", rows, 0), outcome
        assert query(warehouse, f'SELECT count(*) FROM raw."files__{name}"') == [(rows,)]
    assert query(warehouse, """
        SELECT record_key, cursor_value, context->>'file', (context->>'line')::INTEGER, context->>'timezone'
        FROM raw.files__ticket_comments WHERE record_key = 'TC-8'""") == [
        ("TC-8", "2025-12-02T09:00:00-05:00", "ticket_comments.csv", 9, "Asia/Jakarta")]
    assert query(warehouse, "SELECT record_key FROM raw.files__email_activities ORDER BY record_key LIMIT 1") == [
        ("CMP-11|Budi.Santoso@example.com|sent|2025-12-10T08:00:00+07:00",)]
    assert query(warehouse, "SELECT stream, file_name, records FROM audit.imported_files ORDER BY stream") == sorted(
        (name, f"{name}.jsonl" if name in ("social_messages", "email_activities") else f"{name}.csv", rows)
        for name, rows in SAMPLE_ROWS.items())
    assert query(warehouse, "SELECT DISTINCT status, source FROM audit.load_batches") == [("committed", "files")]


@pytest.mark.parametrize(
    "file, loaded, reasons",
    [
        pytest.param("orders_bad_rows.csv", ["ORD-2001", "ORD-2006"], [
            "orders_bad_rows.csv line 3, column total_amount: '12,50' is not an amount >= 0 such as 125000.00"
            " (a '.' and at most 2 decimals, no separators)",
            "orders_bad_rows.csv line 4, column currency: 'idr' is not an upper-case ISO 4217 currency code such as"
            " IDR; column ordered_at: '03/10/2025 10:00' is not an ISO 8601 timestamp such as"
            " 2024-03-01T14:05:00+07:00",
            "orders_bad_rows.csv line 5, column status: required but empty",
            "orders_bad_rows.csv line 6: 9 values for the header's 10 columns",
        ], id="csv-bad-values-and-short-row"),
        pytest.param("social_messages_bad_lines.jsonl", ["instagram|17900000000009001", "x|1850000000000009005"], [
            "social_messages_bad_lines.jsonl line 2: not valid JSON at character 133 (Expecting ',' delimiter)",
            "social_messages_bad_lines.jsonl line 3, column platform: 'tiktok' is not one of instagram, facebook, x;"
            " column is_brand: 'no' is not true or false",
            "social_messages_bad_lines.jsonl line 4, column likes: not in the social_messages contract",
        ], id="jsonl-broken-line-bad-values-unknown-column"),
        pytest.param("survey_responses_off_scale.csv", ["S-92"], [
            "survey_responses_off_scale.csv line 2, column score: '11' is outside 0-10, the NPS scale",
            "survey_responses_off_scale.csv line 3, column score: '0' is outside 1-5, the CSAT scale",
        ], id="score-off-its-survey-scale"),
    ],
)
def test_bad_rows_are_quarantined_with_file_line_and_column_and_the_rest_loads(tmp_path, file, loaded, reasons):
    """GIVEN an export file with some rows that break the contract
    WHEN its entity is imported
    THEN the good rows are committed, each bad row is quarantined with a reason naming the file,
    its line and the column, beside the row's text and the file it came from."""
    name = next(e.name for e in ENTITIES if file.startswith(e.name + "_"))
    warehouse = tmp_path / "pantau.duckdb"
    (outcome,) = import_entity(entity(name), drop(tmp_path / "in", MALFORMED / file), warehouse, NOW)
    assert (outcome.status, outcome.records, outcome.quarantined) == ("committed", len(loaded), len(reasons))
    assert [k for (k,) in query(warehouse, f'SELECT record_key FROM raw."files__{name}" ORDER BY 1')] == loaded
    assert _quarantined(warehouse, name) == sorted(reasons)
    assert {r for (r,) in query(warehouse, "SELECT request FROM audit.quarantined_records")} == {
        f"file {file} sha256:{outcome.sha256}"}


@pytest.mark.parametrize(
    "good, bad, message",
    [
        pytest.param("customers.csv", "customers_missing_column.csv",
                     "customers_missing_column.csv line 1 (header): required column(s) created_at missing;"
                     " column(s) 'signup_date' not in the customers contract. The customers columns are:"
                     " customer_id, email, full_name, phone, country_code, x_handle, instagram_handle, created_at",
                     id="missing-required-column"),
        pytest.param("tickets.csv", "tickets_latin1.csv",
                     "tickets_latin1.csv line 3: not UTF-8 text (byte 0xe9 at byte 21 of the line);"
                     " export the file as UTF-8",
                     id="not-utf-8"),
    ],
)
def test_an_unreadable_file_is_rejected_whole_and_earlier_loads_stay(tmp_path, good, bad, message):
    """GIVEN a good export already imported, then an unreadable file of the same entity dropped beside it
    WHEN the entity is imported again
    THEN the unreadable file is a rejected batch whose error names the file and what is wrong, none of
    its rows land, the earlier rows are intact, and it is not in the ledger (so it is retried once fixed)."""
    name = good.removesuffix(".csv")
    folder = drop(tmp_path / "in", EXPORT / good)
    warehouse = tmp_path / "pantau.duckdb"
    import_entity(entity(name), folder, warehouse, NOW)
    before = query(warehouse, f'SELECT * FROM raw."files__{name}" ORDER BY record_key')

    drop(folder, MALFORMED / bad)
    skipped, rejected = import_entity(entity(name), folder, warehouse, NOW)

    assert skipped.status == "skipped"
    assert (rejected.file, rejected.status, rejected.records, rejected.message) == (bad, "rejected", 0, message)
    assert query(warehouse, f'SELECT * FROM raw."files__{name}" ORDER BY record_key') == before
    assert query(warehouse, "SELECT status, records, error FROM audit.load_batches WHERE batch_id = ?",
                 [rejected.batch_id]) == [("rejected", 0, message)]
    assert query(warehouse, "SELECT file_name FROM audit.imported_files") == [(good,)]
    (again,) = [o for o in import_entity(entity(name), folder, warehouse, NOW) if o.file == bad]
    assert (again.status, again.message) == ("rejected", message)


def test_a_file_failing_its_suite_is_rejected_and_its_rows_quarantined(tmp_path):
    """GIVEN an orders export whose rows fit the contract but one order lies years in the future
    WHEN it is imported
    THEN the suite's timestamp bound rejects the batch: no row lands, every row is quarantined
    with the failed expectation, and the file is not in the ledger."""
    folder = tmp_path / "in"
    folder.mkdir()
    text = (EXPORT / "orders.csv").read_text().replace("2025-12-15T11:11:11+07:00", "2099-12-15T11:11:11+07:00")
    (folder / "orders_future.csv").write_text(text)
    warehouse = tmp_path / "pantau.duckdb"
    (outcome,) = import_entity(entity("orders"), folder, warehouse, NOW)
    assert (outcome.status, outcome.records, outcome.quarantined) == ("rejected", 0, 6)
    assert outcome.message.startswith("orders_future.csv failed the orders suite: expect_column_values_to_be_between(")
    assert query(warehouse, "SELECT count(*) FROM raw.files__orders") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM audit.imported_files") == [(0,)]


def test_reimporting_the_same_files_changes_nothing(tmp_path):
    """GIVEN every sample export imported once
    WHEN the same folder is imported again, and a copy of orders.csv under another name is added
    THEN every file is skipped as already imported (by content), and raw, the batch ledger and
    the file ledger are unchanged."""
    warehouse = tmp_path / "pantau.duckdb"
    import_all(EXPORT, warehouse)
    tables = ["audit.load_batches", "audit.imported_files", "audit.quarantined_records",
              *(f'raw."files__{e.name}"' for e in ENTITIES)]
    before = {t: query(warehouse, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}

    folder = drop(tmp_path / "in", *EXPORT.iterdir())
    shutil.copy(EXPORT / "orders.csv", folder / "orders_copy.csv")
    outcomes = import_all(folder, warehouse)

    statuses = {(o.file, o.status) for files in outcomes.values() for o in files}
    assert statuses == {(f.name, "skipped") for f in EXPORT.iterdir()} | {("orders_copy.csv", "skipped")}
    (copy,) = [o for o in outcomes["orders"] if o.file == "orders_copy.csv"]
    assert copy.message == "same content as orders.csv, imported in batch 1"
    assert {t: query(warehouse, f"SELECT * FROM {t} ORDER BY ALL") for t in tables} == before


def test_without_an_import_folder_nothing_is_imported_but_every_raw_table_exists(tmp_path):
    """GIVEN no PANTAU_IMPORT_DIR (directory None)
    WHEN every entity is imported
    THEN nothing is imported, no batch is opened, and every raw.files__<entity> table exists, empty."""
    warehouse = tmp_path / "pantau.duckdb"
    assert all(import_entity(e, None, warehouse, NOW) == [] for e in ENTITIES)
    for e in ENTITIES:
        assert query(warehouse, f'SELECT count(*) FROM raw."files__{e.name}"') == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM audit.load_batches") == [(0,)]


def test_a_file_lands_with_its_ledger_entry_or_not_at_all(tmp_path):
    """GIVEN a file ledger that refuses the entry of orders.csv (a CHECK constraint stands in for a crash)
    WHEN orders.csv is imported
    THEN the import fails, and none of its rows, quarantine, validation results or ledger entry were
    committed: the batch is marked failed, so the next run imports the file again."""
    warehouse = tmp_path / "pantau.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CREATE SCHEMA audit")
        con.execute(LEDGER_DDL.replace("file_name VARCHAR NOT NULL", "file_name VARCHAR CHECK (file_name <> 'orders.csv')"))
    with pytest.raises(duckdb.ConstraintException):
        import_entity(entity("orders"), drop(tmp_path / "in", EXPORT / "orders.csv"), warehouse, NOW)
    assert query(warehouse, "SELECT count(*) FROM raw.files__orders") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM audit.validation_results") == [(0,)]
    assert query(warehouse, "SELECT count(*) FROM audit.imported_files") == [(0,)]
    assert query(warehouse, "SELECT status, stream FROM audit.load_batches") == [("failed", "orders")]
