"""Each declared check catches its violation through Great Expectations, per batch file."""
from __future__ import annotations

import json
import sys
import types
from datetime import datetime, timezone

import pytest

from data_quality.expectations import non_negative, one_of, required, timestamp, unique
from data_quality.suites import checks_for, earliest_plausible
from data_quality.validate import validate_batch
from extractors.engine.auth import NoAuth
from extractors.engine.declarations import Source, Stream
from extractors.engine.rate_limits import RateLimitPolicy

LOADED_AT = datetime(2026, 6, 30, 12, tzinfo=timezone.utc)

STREAM = Stream(name="media", path="/media")
SOURCE = Source(
    name="dqtest",
    default_base_url="http://127.0.0.1:1",
    auth=NoAuth(),
    rate_limit=RateLimitPolicy(),
    settings=(),
    streams=(STREAM, Stream(name="pairs", path="/pairs", primary_key=("a", "b"))),
)


def batch_file(tmp_path, records):
    """A landing file as the loader writes it: one JSON object per line with the record under 'record'."""
    path = tmp_path / "landing.jsonl"
    with path.open("w") as out:
        for seq, record in enumerate(records, start=1):
            out.write(json.dumps({"seq": seq, "key": str(seq), "record": record, "page": 1}) + "\n")
    return path


def failed(outcome):
    return [(r.expectation_type, r.column_name, r.unexpected_count) for r in outcome.results if not r.success]


GOOD = {"id": "1", "timestamp": "2026-06-29T10:00:00+0000", "public_metrics": {"like_count": 3}, "media_type": "IMAGE"}


@pytest.mark.parametrize(
    "check, bad, expected",
    [
        pytest.param(required("id"), {"id": None}, ("expect_column_values_to_not_be_null", "id", 1), id="null-id"),
        pytest.param(required("id"), {"other": 1}, ("expect_column_values_to_not_be_null", "id", 1), id="missing-id"),
        pytest.param(unique("id"), {"id": "1"}, ("expect_column_values_to_be_unique", "id", 2), id="duplicate-id"),
        pytest.param(
            timestamp("timestamp"), {"id": "2", "timestamp": "last tuesday"},
            ("expect_column_values_to_not_be_null", "timestamp as timestamp", 1), id="unparseable-timestamp",
        ),
        pytest.param(
            timestamp("timestamp"), {"id": "2", "timestamp": "1979-12-31T23:59:59Z"},
            ("expect_column_values_to_be_between", "timestamp as timestamp", 1), id="timestamp-before-the-floor",
        ),
        pytest.param(
            timestamp("timestamp"), {"id": "2", "timestamp": "2026-07-01T12:00:01Z"},
            ("expect_column_values_to_be_between", "timestamp as timestamp", 1), id="timestamp-over-a-day-ahead",
        ),
        pytest.param(
            non_negative("public_metrics.like_count"), {"id": "2", "public_metrics": {"like_count": -1}},
            ("expect_column_values_to_be_between", "public_metrics.like_count as number", 1), id="negative-count",
        ),
        pytest.param(
            non_negative("public_metrics.like_count"), {"id": "2", "public_metrics": {"like_count": "many"}},
            ("expect_column_values_to_not_be_null", "public_metrics.like_count as number", 1), id="non-numeric-count",
        ),
        pytest.param(
            one_of("media_type", {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"}), {"id": "2", "media_type": "REEL"},
            ("expect_column_values_to_be_in_set", "media_type", 1), id="invalid-enum",
        ),
    ],
)
def test_each_check_catches_its_violation(tmp_path, check, bad, expected):
    """GIVEN a batch of one good record and one violating the check
    WHEN it is validated with just that check
    THEN the batch fails, naming the expectation, the column and one (or the duplicated pair) unexpected."""
    outcome = validate_batch(SOURCE, STREAM, batch_file(tmp_path, [GOOD, bad]), LOADED_AT, checks=[check])

    assert not outcome.passed
    assert failed(outcome) == [expected]
    assert outcome.failures == [f"{expected[0]}({expected[1]}) {expected[2]} of 2 unexpected"]


def test_a_clean_batch_passes_every_check_with_counts(tmp_path):
    """GIVEN three good records, one with the optional timestamp and count absent
    WHEN validated with the full media suite
    THEN every expectation succeeds and not-null counts cover 3 elements."""
    records = [GOOD, {**GOOD, "id": "2", "media_type": "VIDEO"}, {"id": "3", "media_type": "CAROUSEL_ALBUM"}]
    suite = [
        required("id"), unique("id"), timestamp("timestamp"), non_negative("public_metrics.like_count"),
        one_of("media_type", {"IMAGE", "VIDEO", "CAROUSEL_ALBUM"}),
    ]

    outcome = validate_batch(SOURCE, STREAM, batch_file(tmp_path, records), LOADED_AT, checks=suite)

    assert outcome.passed and outcome.failures == [] and outcome.rows == 3
    assert [(r.expectation_type, r.column_name, r.element_count, r.unexpected_count) for r in outcome.results] == [
        ("expect_column_values_to_not_be_null", "id", 3, 0),
        ("expect_column_values_to_be_unique", "id", 3, 0),
        ("expect_column_values_to_not_be_null", "timestamp as timestamp", 2, 0),
        ("expect_column_values_to_be_between", "timestamp as timestamp", 3, 0),
        ("expect_column_values_to_not_be_null", "public_metrics.like_count as number", 2, 0),
        ("expect_column_values_to_be_between", "public_metrics.like_count as number", 3, 0),
        ("expect_column_values_to_be_in_set", "media_type", 3, 0),
    ]


def test_epoch_second_timestamps_are_parsed_with_their_unit(tmp_path):
    """GIVEN Stripe-style epoch-second 'created' values, one in 1970
    WHEN validated with timestamp('created', epoch_unit='s')
    THEN only the 1970 one is out of range."""
    records = [{"id": "1", "created": 1782000000}, {"id": "2", "created": 5}]

    outcome = validate_batch(
        SOURCE, STREAM, batch_file(tmp_path, records), LOADED_AT, checks=[timestamp("created", epoch_unit="s")]
    )

    assert failed(outcome) == [("expect_column_values_to_be_between", "created as timestamp", 1)]


def test_uniqueness_holds_across_chunks_and_other_counts_add_up(tmp_path):
    """GIVEN 5 records read in chunks of 2, with id 'x' in the first and last chunk and one null id
    WHEN validated with required(id) and unique(id)
    THEN the duplicate across chunks is caught (2 unexpected) and the null counted once over 5 elements."""
    records = [{"id": "x"}, {"id": "a"}, {"id": None}, {"id": "b"}, {"id": "x"}]

    outcome = validate_batch(
        SOURCE, STREAM, batch_file(tmp_path, records), LOADED_AT, checks=[required("id"), unique("id")], chunk_rows=2
    )

    assert outcome.rows == 5
    assert [(r.expectation_type, r.success, r.element_count, r.unexpected_count) for r in outcome.results] == [
        ("expect_column_values_to_not_be_null", False, 5, 1),
        ("expect_column_values_to_be_unique", False, 5, 2),
    ]


def test_non_blocking_checks_are_reported_without_failing_the_batch(tmp_path):
    """GIVEN a negative count and a non-blocking non_negative check
    WHEN validated
    THEN the batch passes, with the violation listed as a warning."""
    outcome = validate_batch(
        SOURCE, STREAM, batch_file(tmp_path, [{"id": "1", "n": -3}]), LOADED_AT,
        checks=[non_negative("n", blocking=False)],
    )

    assert outcome.passed
    assert outcome.warnings == ["expect_column_values_to_be_between(n as number) 1 of 1 unexpected"]


def test_default_suite_is_the_primary_key_and_a_suites_module_adds_to_it(monkeypatch):
    """GIVEN no suites module for the source, then one declaring a check for 'media'
    WHEN the suite of 'pairs' (composite key) and of 'media' is looked up
    THEN pairs gets required(a, b) + unique(a, b); media gets required(id), unique(id) and the declared check."""
    monkeypatch.delitem(sys.modules, "data_quality.suites.dqtest", raising=False)
    assert checks_for(SOURCE, SOURCE.stream("pairs")) == [required("a", "b"), unique("a", "b")]

    module = types.ModuleType("data_quality.suites.dqtest")
    module.SUITES = {"media": [one_of("media_type", ["IMAGE"])]}
    monkeypatch.setitem(sys.modules, "data_quality.suites.dqtest", module)
    assert checks_for(SOURCE, STREAM) == [required("id"), unique("id"), one_of("media_type", ["IMAGE"])]


def test_a_suites_module_naming_an_unknown_stream_is_an_error(monkeypatch):
    """GIVEN a suites module whose SUITES names a stream the source does not declare
    WHEN a suite is looked up
    THEN a ValueError names the stray stream instead of silently validating nothing."""
    module = types.ModuleType("data_quality.suites.dqtest")
    module.SUITES = {"medai": [required("id")]}
    monkeypatch.setitem(sys.modules, "data_quality.suites.dqtest", module)

    with pytest.raises(ValueError, match="medai"):
        checks_for(SOURCE, STREAM)


def test_composite_keys_are_unique_together(tmp_path):
    """GIVEN pairs (1,1), (1,2), (1,1)
    WHEN validated with the default suite of the composite-key stream
    THEN the compound uniqueness fails on the 2 rows of (1,1) and nothing else."""
    records = [{"a": 1, "b": 1}, {"a": 1, "b": 2}, {"a": 1, "b": 1}]

    outcome = validate_batch(SOURCE, SOURCE.stream("pairs"), batch_file(tmp_path, records), LOADED_AT)

    assert failed(outcome) == [("expect_compound_columns_to_be_unique", "a,b", 2)]


def test_audit_rows_carry_the_batch_and_plain_json(tmp_path):
    """GIVEN a failing timestamp check (GX reports timestamps and NaT as observed values)
    WHEN the outcome is turned into audit rows for batch 7
    THEN each row names batch, source, stream and suite and its JSON columns parse."""
    outcome = validate_batch(
        SOURCE, STREAM, batch_file(tmp_path, [{"id": "1", "t": "1970-01-01T00:00:00Z"}, {"id": "2", "t": "nope"}]),
        LOADED_AT, checks=[timestamp("t")],
    )

    rows = outcome.audit_rows(7)
    assert [(r["batch_id"], r["source"], r["stream"], r["suite"], r["success"]) for r in rows] == [
        (7, "dqtest", "media", "dqtest.media", False),
        (7, "dqtest", "media", "dqtest.media", False),
    ]
    assert json.loads(rows[1]["observed"])["partial_unexpected_list"] == ["1970-01-01T00:00:00+00:00"]
    assert json.loads(rows[1]["kwargs"])["min_value"].startswith("1980-01-01")


@pytest.mark.parametrize(
    "source_name, environ, expected",
    [
        pytest.param("x", {}, datetime(2006, 3, 21, tzinfo=timezone.utc), id="x-first-tweet"),
        pytest.param("stripe", {}, datetime(2010, 1, 1, tzinfo=timezone.utc), id="stripe-first-accounts"),
        pytest.param("hubspot", {}, datetime(1980, 1, 1, tzinfo=timezone.utc), id="imports-allowed-default"),
        pytest.param("hubspot", {"PANTAU_EARLIEST_PLAUSIBLE": "1960-01-01"},
                     datetime(1960, 1, 1, tzinfo=timezone.utc), id="global-override"),
        pytest.param("x", {"PANTAU_EARLIEST_PLAUSIBLE": "1960-01-01", "PANTAU_X_EARLIEST_PLAUSIBLE": "2009-05-01"},
                     datetime(2009, 5, 1, tzinfo=timezone.utc), id="source-override-wins"),
    ],
)
def test_plausibility_floor_is_per_source_and_configurable(source_name, environ, expected):
    """GIVEN a source's suites file and the environment
    WHEN its earliest plausible timestamp is asked for
    THEN it is the platform's own floor unless PANTAU_<SOURCE>_/PANTAU_EARLIEST_PLAUSIBLE says otherwise."""
    assert earliest_plausible(source_name, environ) == expected


def test_a_malformed_floor_names_its_variable():
    with pytest.raises(ValueError, match=r"PANTAU_ZENDESK_EARLIEST_PLAUSIBLE='last year' is not an ISO-8601 date"):
        earliest_plausible("zendesk", {"PANTAU_ZENDESK_EARLIEST_PLAUSIBLE": "last year"})


def test_years_of_real_history_pass_the_x_suite(tmp_path):
    """GIVEN X mentions from 2009 and 2012 and one impossible tweet from 2005, before X existed
    WHEN validated with the X mentions suite
    THEN only the 2005 tweet is out of range: old history is not rejected whole."""
    from extractors.sources.x import SOURCE as X

    metrics = dict.fromkeys(("retweet_count", "reply_count", "like_count", "quote_count", "bookmark_count",
                             "impression_count"), 0)
    base = {"text": "halo", "author_id": "9", "public_metrics": metrics}
    records = [
        {**base, "id": "1", "created_at": "2009-07-01T10:00:00.000Z"},
        {**base, "id": "2", "created_at": "2012-01-31T23:00:00.000Z"},
        {**base, "id": "3", "created_at": "2005-01-01T00:00:00.000Z"},
    ]
    outcome = validate_batch(X, X.stream("mentions"), batch_file(tmp_path, records), LOADED_AT)

    assert failed(outcome) == [("expect_column_values_to_be_between", "created_at as timestamp", 1)]
