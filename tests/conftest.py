"""Shared fixtures: a running sandbox and a throw-away warehouse."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from sandbox.launcher import start_sandbox

# Tests pin the world's anchor so generated data, and so expectations, never drift.
TEST_ANCHOR = "2026-06-30"
TEST_NOW = datetime(2026, 6, 30, tzinfo=timezone.utc)


@pytest.fixture(scope="session")
def sandbox():
    """The tiny-profile sandbox, started once for the session, faults off."""
    with start_sandbox("tiny", anchor=TEST_ANCHOR) as running:
        yield running


@pytest.fixture
def sandbox_env(sandbox, monkeypatch):
    """The process environment pointed at the sandbox (faults reset afterwards)."""
    for name, value in sandbox.settings().items():
        monkeypatch.setenv(name, value)
    yield sandbox.settings()
    sandbox.set_faults(**{k: v for k, v in _FAULTS_OFF.items()})


@pytest.fixture
def warehouse_path(tmp_path, monkeypatch):
    path = tmp_path / "pantau.duckdb"
    monkeypatch.setenv("PANTAU_WAREHOUSE", str(path))
    return path


_FAULTS_OFF = {
    "rate_limit_every": 0,
    "error_5xx_every": 0,
    "slow_every": 0,
    "drop_every": 0,
    "malformed_every": 0,
    "corrupt_every": 0,
    "duplicate_across_pages": False,
    "schema_drift": False,
    "fail_after_requests": 0,
    "fail_source": "",
}
