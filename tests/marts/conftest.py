"""Warehouses built once per session by the real nightly job, for the marts' truth tests.

Each fixture runs ``python -m orchestration.run --sandbox PROFILE`` in a subprocess
(exactly what ``make demo`` does) with the world's anchor pinned, so the planted
truth the tests compare against is the same on every machine.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from orchestration.settings import REPO_ROOT
from sandbox.world.model import World
from sandbox.world.profiles import get_profile
from sandbox.world.truth import ground_truth
from tests.conftest import TEST_ANCHOR


def build_warehouse(workdir: Path, profile: str, env: dict[str, str] | None = None, *, faults: str = "",
                    returncodes: tuple[int, ...] = (0,)) -> Path:
    """One night of ``profile`` into ``workdir`` (again, on the same warehouse, when called twice);
    ``faults`` are the sandbox's (``--faults``); the run's exit code must be one of ``returncodes``."""
    environ = {
        **os.environ,
        "PANTAU_WAREHOUSE": str(workdir / "pantau.duckdb"),
        "DAGSTER_HOME": str(workdir / "dagster_home"),
        "PANTAU_NOW": f"{TEST_ANCHOR}T00:00:00+00:00",
        **(env or {}),
    }
    environ.pop("PANTAU_SANDBOX_URL", None)
    proc = subprocess.run(
        [sys.executable, "-m", "orchestration.run", "--sandbox", profile, "--anchor", TEST_ANCHOR,
         *(["--faults", faults] if faults else [])],
        cwd=REPO_ROOT, env=environ, capture_output=True, text=True, timeout=2400,
    )
    assert proc.returncode in returncodes, proc.stdout[-6000:] + proc.stderr[-6000:]
    return workdir / "pantau.duckdb"


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory) -> Path:
    """The tiny world (600 customers) after one nightly run."""
    return build_warehouse(tmp_path_factory.mktemp("tiny_warehouse"), "tiny")


@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory) -> Path:
    """The demo world (20,000 customers): enough customers for the planted group
    effects (retention hazard ratio, NPS by group) to be measurable."""
    return build_warehouse(tmp_path_factory.mktemp("demo_warehouse"), "demo")


def world(profile: str) -> World:
    return World.build(get_profile(profile), date.fromisoformat(TEST_ANCHOR))


def truth(profile: str) -> dict:
    """What the sandbox serves at /_sandbox/truth for this profile and the test anchor."""
    return ground_truth(world(profile))


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
